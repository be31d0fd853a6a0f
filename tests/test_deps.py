"""What an output depends on (`xaweb/render/deps.py`): template closures, site-wide
templates, and the cached facts that spare parsing unchanged templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaweb.digests import digest, digest_all
from xaweb.render.deps import TemplateDigests


def write_templates(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


THEME = {
    "base.html": "<main>{% block content %}{% endblock %}</main>{% include 'partials/footer.html' %}",
    "partials/footer.html": "<footer>{{ config.committee }}</footer>",
    "page.html": "{% extends 'base.html' %}{% block content %}{{ page.title }}{% endblock %}",
    "latest.html": "{% extends 'base.html' %}{% block content %}{% for p in site.listed_pages[:5] %}{{ p.title }}{% endfor %}{% endblock %}",
    "dynamic.html": "{% include page.layout %}",
    "unrelated.html": "<p>khác</p>",
}


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    return write_templates(tmp_path / "templates", THEME)


def test_a_template_depends_on_what_it_extends_and_includes(theme: Path):
    before = TemplateDigests([theme])("page.html")[0]
    (theme / "unrelated.html").write_text("<p>đổi</p>", encoding="utf-8")
    assert TemplateDigests([theme])("page.html")[0] == before
    (theme / "partials/footer.html").write_text("<footer>đổi</footer>", encoding="utf-8")
    assert TemplateDigests([theme])("page.html")[0] != before


def test_site_wide_reads_are_found_through_the_closure(theme: Path):
    digests = TemplateDigests([theme])
    assert digests("page.html")[1] is False
    assert digests("latest.html")[1] is True


def test_a_dynamic_include_depends_on_every_template(theme: Path):
    before = TemplateDigests([theme])("dynamic.html")[0]
    (theme / "unrelated.html").write_text("<p>đổi</p>", encoding="utf-8")
    assert TemplateDigests([theme])("dynamic.html")[0] != before


def test_a_site_template_overrides_the_theme_one(theme: Path, tmp_path: Path):
    site = write_templates(tmp_path / "site-templates", {"partials/footer.html": "<footer>riêng</footer>"})
    assert TemplateDigests([site, theme])("page.html")[0] != TemplateDigests([theme])("page.html")[0]


def test_cached_facts_spare_parsing_and_give_the_same_answer(theme: Path, monkeypatch: pytest.MonkeyPatch):
    first = TemplateDigests([theme])
    answers = {name: first(name) for name in ("page.html", "latest.html", "dynamic.html")}
    assert len(first.facts) == len(THEME)  # dynamic.html reached every template

    again = TemplateDigests([theme], first.facts)
    monkeypatch.setattr(again.env, "parse", lambda *a, **k: pytest.fail("an unchanged template was parsed again"))
    assert {name: again(name) for name in answers} == answers

    # An edited template is parsed again, and only that one.
    (theme / "page.html").write_text(THEME["page.html"] + "{# sửa #}", encoding="utf-8")
    parsed = []
    edited = TemplateDigests([theme], first.facts)
    real_parse = edited.env.parse
    monkeypatch.setattr(edited.env, "parse", lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k))
    assert edited("page.html")[0] != answers["page.html"][0]
    assert parsed == [THEME["page.html"] + "{# sửa #}"]


def test_digests_separate_their_parts():
    assert digest("ab", "c") != digest("a", "bc")
    a, b = digest("một"), digest("hai")
    assert digest_all([a, b]) != digest_all([b, a])
    assert len({digest_all([a]), digest_all([a, a]), digest_all([])}) == 3
