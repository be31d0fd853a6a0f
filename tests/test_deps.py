"""What an output depends on (`xaweb/render/deps.py`): template closures, site-wide
templates, and the cached facts that spare parsing unchanged templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaweb.digests import digest, digest_all
from xaweb.render.deps import BLOCKS, TemplateDigests


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


def test_a_section_intro_edit_re_renders_only_that_sections_first_list_pages(tmp_path):
    from xaweb.build import BuildOptions, build

    root = tmp_path / "site"
    for section in ("tin-tuc", "thong-bao"):
        (root / "content" / section).mkdir(parents=True)
        (root / "content" / section / "_index.md").write_text(f"---\ntitle: {section}\npaginate: 1\n---\nGiới thiệu cũ.\n", encoding="utf-8")
        for i in range(3):
            (root / "content" / section / f"bai-{i}.md").write_text(f"---\ntitle: Bài {section} {i}\ndate: 2025-09-2{i}\n---\nNội dung.\n", encoding="utf-8")
    (root / "site.yaml").write_text("name: Tân Phú\nprovince: Đồng Tháp\n", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(root, out, jobs=1))
    index = root / "content/tin-tuc/_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("Giới thiệu cũ.", "Giới thiệu mới."), encoding="utf-8")
    result = build(BuildOptions(root, out, jobs=1))
    assert result.rendered == 1 and "Giới thiệu mới." in (out / "tin-tuc/index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(BuildOptions(root, fresh, jobs=1, cache=False))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
           {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}


@pytest.mark.parametrize("text, blocks", [
    ("{{ config.committee }}", set()),  # in the chrome, not a block
    ("{% for l in config.quick_links %}{{ l.title }}{% endfor %}", {"quick_links"}),
    ("{{ site.config.leaders | length }}{{ site.pages | length }}", {"leaders"}),
    ("{% set c = config %}{{ c.home.news_count }}", BLOCKS),  # the config under another name: any block
    ("{{ show(site) }}", BLOCKS),  # the site given whole
    ("{{ site.config }}", BLOCKS),
    ("{{ config['feeds'] }}", BLOCKS),
])
def test_the_config_blocks_a_template_names_are_found(tmp_path: Path, text: str, blocks):
    root = write_templates(tmp_path / "t", {"t.html": "{% macro show(x) %}{% endmacro %}" + text, "base.html": "{% include 't.html' %}"})
    assert TemplateDigests([root])("base.html")[2] == blocks


def test_a_config_block_edit_re_renders_only_what_shows_it(tmp_path):
    from xaweb.build import BuildOptions, build

    root = tmp_path / "site"
    (root / "content" / "tin-tuc").mkdir(parents=True)
    for i in range(3):
        (root / "content" / "tin-tuc" / f"bai-{i}.md").write_text(f"---\ntitle: Bài {i}\ndate: 2025-09-2{i}\n---\nNội dung.\n", encoding="utf-8")
    config = root / "site.yaml"
    config.write_text("name: Tân Phú\nprovince: Đồng Tháp\nfeeds:\n  items: 3\nquick_links:\n"
                      "  - title: Cổng Dịch vụ công quốc gia\n    url: https://dichvucong.gov.vn\n", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(root, out, jobs=1))
    config.write_text(config.read_text(encoding="utf-8").replace("Cổng Dịch vụ công quốc gia", "Dịch vụ công trực tuyến"), encoding="utf-8")
    assert build(BuildOptions(root, out, jobs=1)).rendered == 1  # the home page: the one output showing quick links
    config.write_text(config.read_text(encoding="utf-8").replace("items: 3", "items: 2"), encoding="utf-8")
    result = build(BuildOptions(root, out, jobs=1))
    assert result.rendered == 4  # RSS and Atom of the site and of its one section
    fresh = tmp_path / "fresh"
    build(BuildOptions(root, fresh, jobs=1, cache=False))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
           {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}


@pytest.mark.parametrize("text, intros", [
    ("{% if section.info.intro_html %}{{ section.info.intro_html }}{% endif %}", set()),  # the list's own section
    ("{% for s in site.sections %}{{ s.info.intro_html }}{% endfor %}", {"sections"}),
    ("{% for section in site.sections %}{{ section.info.intro_html }}{% endfor %}", {"sections"}),  # the name rebound
    ("{{ site.home_intro_html }}", {"home"}),
])
def test_introductions_a_template_shows_are_found(tmp_path: Path, text: str, intros):
    root = write_templates(tmp_path / "t", {"t.html": text})
    assert TemplateDigests([root])("t.html")[3] == intros


def test_a_template_showing_every_section_intro_is_rebuilt_when_one_changes(tmp_path):
    from xaweb.build import BuildOptions, build

    root = tmp_path / "site"
    for section in ("tin-tuc", "thong-bao"):
        (root / "content" / section).mkdir(parents=True)
        (root / "content" / section / "_index.md").write_text(f"---\ntitle: {section}\n---\nGiới thiệu cũ của {section}.\n", encoding="utf-8")
        (root / "content" / section / "bai.md").write_text(f"---\ntitle: Bài {section}\ndate: 2025-09-20\n---\nNội dung.\n", encoding="utf-8")
    (root / "site.yaml").write_text("name: Tân Phú\nprovince: Đồng Tháp\n", encoding="utf-8")
    # A commune's page template that lists every section with its introduction.
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% extends "default:page.html" %}{% block content %}{% for s in site.sections %}{{ s.info.intro_html | safe }}'
        "{% endfor %}{{ super() }}{% endblock %}", encoding="utf-8")
    out = tmp_path / "out"
    build(BuildOptions(root, out, jobs=1))
    index = root / "content/thong-bao/_index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("Giới thiệu cũ", "Giới thiệu mới"), encoding="utf-8")
    build(BuildOptions(root, out, jobs=1))
    assert "Giới thiệu mới của thong-bao" in (out / "tin-tuc" / "bai-tin-tuc" / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(BuildOptions(root, fresh, jobs=1, cache=False))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
           {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
