"""Themes: a province brands the default theme without copying its files.

The fixture `tests/sites/province-theme` re-colours the default theme through
its design tokens (one stylesheet named in theme.yaml) and replaces one block
of the home page; everything else is the default theme's, and the result
passes axe-core in Chromium at phone and desktop widths.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from example_site import require
from xaweb.build import BuildOptions, build
from xaweb.check import CheckOptions, check_site
from xaweb.errors import BuildError
from xaweb.render.theme import load_theme

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "sites"
DEFAULT_CSS = (ROOT / "themes/default/static/css/xaweb.css").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("province")
    site = shutil.copytree(SITES / "province-theme", root / "site")
    out = root / "out"
    build(BuildOptions(site, out, jobs=1, cache=False))
    return site, out


def test_colours_fonts_and_width_are_tokens_in_one_place():
    match = re.search(r"^:root \{\n(.*?)^\}", DEFAULT_CSS, re.M | re.S)
    assert match is not None
    root, rest = match[1], DEFAULT_CSS[match.end():]
    assert "--xw-brand: #a50e0e" in root and "--xw-font:" in root and "--xw-page-width:" in root
    # Outside :root the brand colours appear only as tokens.
    for colour in ("#a50e0e", "#7f0b0b", "#0b4f9c", "#1b1b1b", "#f2c200"):
        assert colour not in rest.lower(), colour


def test_the_province_stylesheet_is_linked_after_the_default_one(province):
    _, out = province
    for page in ("index.html", "tin-tuc/index.html", "thong-bao/lich-tiep-cong-dan-thang-11/index.html"):
        hrefs = lxml.html.fromstring((out / page).read_bytes()).xpath("//link[@rel='stylesheet']/@href")
        assert hrefs == ["/css/xaweb.css", "/css/tinh-xanh.css"], page
    assert "--xw-brand: #0b4f9c" in (out / "css/tinh-xanh.css").read_text(encoding="utf-8")


def test_one_home_block_is_replaced_and_the_others_stay(province):
    _, out = province
    home = lxml.html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//section[@class='province-hotline']//a/@href") == ["tel:1022"]
    assert not home.xpath("//section[contains(@class,'quick-links')]")  # the block it replaced
    # The default theme's other blocks are all there.
    assert home.xpath("//h1[@class='home-title']") and home.xpath("//section[@class='announcements']")
    assert home.xpath("//section[contains(@class,'contact-box')]") and home.xpath("//*[@id='h-news']")
    assert home.xpath("string(//span[@class='brand-line2'])") == "Tỉnh Khánh Hòa"


def test_an_edit_to_the_province_block_re_renders_the_home_page_only(province, tmp_path):
    site = shutil.copytree(province[0], tmp_path / "site")
    out = tmp_path / "out"
    build(BuildOptions(site, out, jobs=1))
    template = site / "themes/tinh-xanh/templates/home.html"
    template.write_text(template.read_text(encoding="utf-8").replace("24/7", "cả ngày lẫn đêm"), encoding="utf-8")
    result = build(BuildOptions(site, out, jobs=1))
    assert result.rendered == 1 and "cả ngày lẫn đêm" in (out / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(BuildOptions(site, fresh, jobs=1, cache=False))
    assert (out / "index.html").read_bytes() == (fresh / "index.html").read_bytes()


def test_the_branded_site_passes_axe_in_chromium(province):
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        require(False, "Playwright and axe-playwright-python are not installed (pip install -e '.[test]')")
    require(Path("/usr/bin/chromium").is_file(), "Chromium is not installed at /usr/bin/chromium")
    site, _ = province
    report = check_site(site, CheckOptions(browser=True))
    assert [f for f in report.findings if f.code in ("a11y", "external-request")] == []
    assert report.pages == 2


@pytest.mark.parametrize("meta,message", [
    ("stylesheet: [/css/a.css]", "'stylesheet' không phải là một thiết lập của giao diện; có phải ý bạn là 'stylesheets'"),
    ("stylesheets: [https://cdn.example/a.css]", "'stylesheets' phải là danh sách đường dẫn trong trang"),
    ("section_templates: [a.html]", "'section_templates' phải là bảng"),
])
def test_theme_yaml_is_checked(tmp_path, meta, message):
    theme = tmp_path / "themes/sai"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text(f"name: sai\nextends: default\n{meta}\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        load_theme("sai", tmp_path)
    assert any(message in str(p) for p in failed.value.problems), failed.value.problems
    assert re.search(r"themes/sai/theme\.yaml", str(failed.value.problems[0]))


@pytest.mark.parametrize("kind", ["xã", "phường", "đặc khu"])
def test_every_page_the_theme_makes_names_the_sites_own_kind(tmp_path, kind):
    """A phường's thank-you page, form and footer never say "Ủy ban nhân dân xã" (and so on for each kind)."""
    from datetime import date

    from xaweb.scaffold import scaffold_site

    site = tmp_path / "site"
    scaffold_site(site, "Tân An", kind, "Đồng Tháp", None, today=date(2026, 7, 15))
    with open(site / "site.yaml", "a", encoding="utf-8") as config:  # the Q&A pages and forms too
        config.write("\nqa:\n  endpoint: https://hoidap.dongthap.gov.vn\n  site_id: tan-an\n")
    out = tmp_path / "out"
    build(BuildOptions(site, out, jobs=1))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 30 and (out / "hoi-dap/da-gui/index.html") in pages
    others = [k for k in ("xã", "phường", "đặc khu") if k != kind]
    wrong = [(p.relative_to(out).as_posix(), phrase) for p in pages for phrase in
             [f"{prefix} {k} " for k in others for prefix in ("Ủy ban nhân dân", "UBND", "Chủ tịch")]
             if phrase in p.read_text(encoding="utf-8")]
    assert wrong == []
    assert f"Ủy ban nhân dân {kind} Tân An" in (out / "index.html").read_text(encoding="utf-8")


def test_the_default_mark_is_neutral_and_an_official_emblem_named_in_config_replaces_it(tmp_path):
    from datetime import date

    from xaweb.scaffold import scaffold_site

    site = tmp_path / "site"
    scaffold_site(site, "Tân An", "xã", "Đồng Tháp", None, today=date(2026, 7, 15))
    build(BuildOptions(site, tmp_path / "plain", jobs=1))
    home = (tmp_path / "plain/index.html").read_text(encoding="utf-8")
    assert 'class="brand-emblem" src="/img/bieu-trung.svg"' in home and 'rel="icon" href="/img/bieu-trung.svg"' in home
    assert "Quốc huy" not in (ROOT / "themes/default/static/img/bieu-trung.svg").read_text(encoding="utf-8").split("-->")[1]

    with open(site / "site.yaml", "a", encoding="utf-8") as config:
        config.write("\nemblem: /img/quoc-huy.png\n")
    missing = build(BuildOptions(site, tmp_path / "missing", jobs=1))
    assert [(w.path, w.code) for w in missing.warnings if "emblem" in w.message] == [("site.yaml", "broken-link")]
    (site / "static/img").mkdir(parents=True, exist_ok=True)
    (site / "static/img/quoc-huy.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # the officer's official file
    result = build(BuildOptions(site, tmp_path / "out", jobs=1))
    assert not [w for w in result.warnings if "emblem" in w.message]
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert 'class="brand-emblem" src="/img/quoc-huy.png"' in home and '<link rel="icon" href="/img/quoc-huy.png">' in home
