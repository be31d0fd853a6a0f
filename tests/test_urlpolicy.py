"""One allow-list for every URL a site's own files give, checked where they are read and where they are written.

The attack: `javascript:` or `data:text/html` in a front-matter or site.yaml
URL reaches an `href`. Every URL-valued field of every page kind and of
site.yaml is checked at parse time with file:line; every dynamic `href`/`src`
in the theme goes through the `url` filter, which cannot emit a refused URL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from xaweb.build import BuildOptions, build
from xaweb.check import CheckOptions, check_site
from xaweb.config import parse_config
from xaweb.content.markup import make_markdown
from xaweb.content.model import SectionInfo
from xaweb.content.parse import PageError, parse_page
from xaweb.errors import BuildError
from xaweb.render.filters import make_filters
from xaweb.urlpolicy import url_problem

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", "  javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)", "file:///etc/passwd",
    "//tracker.example/x", "\\\\tracker.example\\x", "https:tracker.example", "ftp://files.example/a",
]
SAFE = ["/tin-tuc/", "files/qd-15.pdf", "#muc-1", "?trang=2", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "http://tinh.gov.vn", "mailto:ubnd@tanan.gov.vn", "tel:+842773851234", "/files/Thông báo.pdf"]


@pytest.mark.attack("URLs")
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_urls_are_refused(value):
    assert url_problem(value) is not None


@pytest.mark.parametrize("value", SAFE)
def test_site_paths_and_the_four_schemes_are_allowed(value):
    assert url_problem(value) is None


@pytest.mark.attack("URLs")
@pytest.mark.parametrize("value", HOSTILE)
def test_the_url_filter_cannot_emit_a_refused_url(value):
    filters = make_filters("https://tanan.dongthap.gov.vn/xa/", "vi")
    assert filters["url"](value) == filters["absurl"](value) == ""
    assert filters["url"]("/tin-tuc/") == "/xa/tin-tuc/" and filters["url"]("https://a.gov.vn/") == "https://a.gov.vn/"


# --- front matter: every URL-valued field of every page kind ------------------------------

DOC = "kind: document\nnumber: 15/2025/QĐ-UBND\ndoc_type: Quyết định\n"
PROC = "kind: procedure\nfield: Hộ tịch\n"
FIELDS = {
    "image": ("", "image: {v}\nimage_alt: Ảnh\n"),
    "file": (DOC, "file: {v}\n"),
    "portal_url": (PROC, "portal_url: {v}\n"),
    "forms[].url": (PROC, "forms:\n  - title: Tờ khai\n    url: /files/to-khai.pdf\n  - title: Mẫu\n    url: {v}\n"),
}


@pytest.mark.attack("URLs")
@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,<b>x</b>", "java\tscript:alert(1)", "//tracker.example/x"])
def test_every_url_field_of_front_matter_is_checked_with_its_line(field, value):
    head, line = FIELDS[field]
    text = f"---\ntitle: Trang thử\n{head}{line.format(v=yaml.safe_dump(value).splitlines()[0])}---\nNội dung.\n"
    with pytest.raises(PageError) as failed:
        parse_page(text, "content/x/a.md", SectionInfo("x", None, "X"), make_markdown())
    [problem] = failed.value.problems
    name = "url" if field.startswith("forms") else field
    expected = max(i for i, l in enumerate(text.split("\n"), 1) if l.strip().startswith(name + ": "))
    assert (problem.path, problem.line) == ("content/x/a.md", expected)
    assert f"'{field.replace('[]', '[1]')}'" in problem.message and "giao thức" in problem.message, problem.message


# --- site.yaml: every URL-valued setting ----------------------------------------------------

BASE = {"name": "Tân An", "province": "Đồng Tháp"}
SETTINGS = {
    "menu[].url": {"menu": [{"title": "Trang chủ", "url": "/"}, {"title": "Lạ", "url": "{v}"}]},
    "menu[].children[].url": {"menu": [{"title": "Tin", "url": "/tin-tuc/", "children": [{"title": "Lạ", "url": "{v}"}]}]},
    "quick_links[].url": {"quick_links": [{"title": "Dịch vụ công", "url": "{v}"}]},
    "footer.links[].url": {"footer": {"links": [{"title": "Cổng tỉnh", "url": "{v}"}]}},
    "contact.map_url": {"contact": {"map_url": "{v}"}},
    "leaders[].photo": {"leaders": [{"name": "Nguyễn Văn A", "role": "Chủ tịch", "photo": "{v}"}]},
}


def fill(value, url):
    if isinstance(value, dict):
        return {k: fill(v, url) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, url) for v in value]
    return url if value == "{v}" else value


@pytest.mark.attack("URLs")
@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_every_url_setting_of_site_yaml_is_checked_with_its_line(setting):
    text = yaml.safe_dump({**BASE, **fill(SETTINGS[setting], "javascript:alert(1)")}, allow_unicode=True, sort_keys=False)
    with pytest.raises(BuildError) as failed:
        parse_config(text)
    [problem] = failed.value.problems
    assert problem.path == "site.yaml" and problem.line == text.split("\n").index(
        next(l for l in text.split("\n") if "javascript:" in l)) + 1, problem
    assert "javascript:" in problem.message


@pytest.mark.parametrize("key,value", [("export_url", "file:///proc/self/environ"), ("export_url", "ftp://a.vn/x.json"),
                                       ("endpoint", "javascript:alert(1)")])
@pytest.mark.attack("URLs")
def test_urls_the_build_fetches_or_posts_to_are_http_only(key, value):
    text = yaml.safe_dump({**BASE, "qa": {"site_id": "tan-an", key: value}}, allow_unicode=True, sort_keys=False)
    with pytest.raises(BuildError) as failed:
        parse_config(text)
    assert [(p.line, f"'qa.{key}'" in p.message) for p in failed.value.problems] == [(5, True)]


def test_every_dynamic_href_and_src_of_the_themes_goes_through_the_url_filter():
    attribute = re.compile(r'\b(href|src|action|poster|content)="([^"]*\{\{[^"]*)"')
    unfiltered = []
    for template in sorted((ROOT / "themes").rglob("*.html")):
        for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            for name, value in attribute.findall(line):
                if name == "content" and "url" not in value and "image" not in value and "canonical" not in value:
                    continue  # a <meta> with text, not a URL
                if value.startswith("#"):
                    continue  # an anchor on the same page
                if name == "content":
                    value = value.removeprefix("0; url=")  # <meta http-equiv="refresh">: the address after the delay
                if not re.fullmatch(r"\{\{[^}]*\|\s*(url|absurl|tel|mailto)\s*\}\}", value.strip()):
                    unfiltered.append(f"{template.relative_to(ROOT)}:{n}: {name}=\"{value}\"")
    assert unfiltered == []


# --- a whole site: build and check both refuse it ---------------------------------------------


@pytest.mark.attack("URLs")
def test_build_and_check_report_hostile_urls_and_publish_nothing(tmp_path):
    root = tmp_path / "site"
    (root / "content/van-ban").mkdir(parents=True)
    config = {**BASE, "quick_links": [{"title": "Dịch vụ công", "url": "javascript:alert(1)"}]}
    (root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(root, tmp_path / "out", jobs=1, cache=False))
    assert [p.path for p in failed.value.problems] == ["site.yaml"]
    (root / "site.yaml").write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    (root / "content/van-ban/qd.md").write_text(
        f"---\ntitle: Quyết định\n{DOC}file: \"data:text/html,<script>alert(1)</script>\"\n---\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(root, tmp_path / "out", jobs=1, cache=False))
    assert [(p.path, p.line) for p in failed.value.problems] == [("content/van-ban/qd.md", 6)]
    assert not (tmp_path / "out").exists()
    report = check_site(root, CheckOptions())
    assert any(f.path == "content/van-ban/qd.md" and f.line == 6 and f.level == "error" for f in report.findings)
