"""The province portal (xaweb/province/portal.py): communes searchable without tone marks,
the dashboard sortable without JavaScript, CSV and JSON of the same figures, SVG charts,
and axe-core in Chromium with no violations.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Iterator

import lxml.etree
import lxml.html
import pytest

pytest.register_assert_rewrite("example_site")
from example_site import LOCAL, serve_folder, require  # noqa: E402 - after the rewrite hook
from xaweb.province.build import PORTAL_DIR, ProvinceOptions, build_province  # noqa: E402
from xaweb.province.portal import SORTS, fold  # noqa: E402
from xaweb.vietnamese import VN_TZ  # noqa: E402

pytest_plugins = ["example_site"]

FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("province") / "p"))
    page = root / "communes/29501/content/tin-tuc/hop-dan.md"  # a link to a page the commune does not have
    page.write_text(page.read_text(encoding="utf-8") + "\nXem [lịch họp](/thong-bao/lich-hop-khong-co/).\n", encoding="utf-8")
    out = root.parent / "out"
    result = build_province(ProvinceOptions(root, out, now=NOW, jobs=2))
    return out / PORTAL_DIR, result


@pytest.fixture(scope="module")
def portal_url(built) -> Iterator[str]:
    yield from serve_folder(built[0])


def html(portal: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((portal / rel).read_bytes())


def test_every_commune_is_listed_by_kind_with_a_folded_name_to_search(built):
    portal, result = built
    doc = html(portal, "index.html")
    groups = [h.text_content() for h in doc.xpath("//section[@class='commune-group']/h3")]
    assert groups == ["Phường (6)", "Xã (16)", "Đặc khu (2)"]
    items = doc.xpath("//ul[@class='commune-list']/li")
    assert len(items) == 24
    names = {li.text_content(): li.get("data-name") for li in items}
    assert names["Xã Đông Hải"] == "xa dong hai" and names["Xã Tân An"] == "xa tan an"
    assert fold("Đắk Mil") == "dak mil" and fold("Ðắk Mil".replace("Ð", "Đ")) == "dak mil"
    link = doc.xpath("//a[text()='Xã Tân An']")[0]
    assert link.get("href") == "https://tanan.hoabinhxanh.gov.vn"
    # The province's own announcement for every commune; a targeted one is not the province's to headline.
    titles = [a.text_content() for a in doc.xpath("//section[@aria-labelledby='thong-bao-tinh']//a")]
    assert titles == ["Lịch tạm ngừng cung cấp điện toàn tỉnh tháng 3"]
    assert "bảo trì lưới điện" in (portal / "thong-bao/lich-tam-ngung-cung-cap-dien-toan-tinh-thang-3/index.html").read_text(encoding="utf-8")
    news = [a.text_content() for a in html(portal, "tin-moi/index.html").xpath("//main//li/a")]
    assert news == ["Họp dân ấp Tân Thạnh"]


def test_the_dashboard_sorts_by_every_column_without_javascript(built):
    portal, result = built
    for sort in SORTS:
        rel = f"giam-sat/{sort.slug}/index.html" if sort.slug else "giam-sat/index.html"
        doc = html(portal, rel)
        rows = doc.xpath("//table[@class='doc-table']/tbody/tr")
        assert len(rows) == 24, rel
        current = doc.xpath("//th[@aria-sort]")
        assert [th.text_content().strip() for th in current] == [sort.label]
        links = {a.text_content(): a.get("href") for a in doc.xpath("//thead//a")}
        assert len(links) == len(SORTS) - 1
    table = "//section[@aria-labelledby='bang-giam-sat']//tbody/tr"
    pages = [int(td.text_content()) for td in html(portal, "giam-sat/so-trang/index.html").xpath(table + "/td[1]")]
    assert pages == sorted(pages, reverse=True) and pages[0] == 3
    failed = html(portal, "giam-sat/index.html").xpath("//tbody/tr[th='Xã Long Điền']/td")[-1].text_content()
    assert "Dựng lỗi (1 lỗi)" in failed


def test_broken_links_are_counted_per_commune_and_sortable(built):
    portal, result = built
    counts = {f.name: f.broken_links for f in result.figures}
    assert counts["Xã Tân An"] == 1 and sum(counts.values()) == 1
    first = html(portal, "giam-sat/lien-ket-hong/index.html").xpath("//section[@aria-labelledby='bang-giam-sat']//tbody/tr")[0]
    assert first.xpath("string(th)") == "Xã Tân An" and first.xpath("string(td[5])") == "1"
    rows = list(csv.DictReader(io.StringIO((portal / "giam-sat/so-lieu.csv").read_bytes().decode("utf-8-sig"))))
    assert {r["name"]: r["broken_links"] for r in rows}["Xã Tân An"] == "1"


def test_each_commune_has_a_page_with_its_findings_in_full_which_the_rows_only_count(built):
    portal, result = built
    tan_an = next(f for f in result.figures if f.name == "Xã Tân An")
    assert tan_an.sections, "the fixture's communes lack required sections"
    cell = html(portal, "giam-sat/index.html").xpath("//tbody/tr[th/a='Xã Tân An']/td")[-1]
    link = cell.xpath(".//a")[0]
    assert link.get("href") == f"/giam-sat/xa/{tan_an.code}/"
    assert link.text_content() == f"{len(tan_an.sections)} điểm cần khắc phục của Xã Tân An"
    assert tan_an.sections[0].message not in cell.text_content()  # not repeated in every sort order
    page = html(portal, f"giam-sat/xa/{tan_an.code}/index.html")
    assert page.xpath("string(//h1)") == "Giám sát, đánh giá: Xã Tân An"
    findings = [li.text_content() for li in page.xpath("//main//ul/li")]
    assert findings == [f"{s.message} ({s.rule})." if s.rule else f"{s.message}." for s in tan_an.sections]
    assert len(list((portal / "giam-sat/xa").iterdir())) == 24  # a failed commune too: its page says so


def test_csv_and_json_carry_the_same_figures(built):
    portal, result = built
    raw = (portal / "giam-sat/so-lieu.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json.loads((portal / "giam-sat/so-lieu.json").read_text(encoding="utf-8"))
    assert len(rows) == len(data["communes"]) == 24
    for row, item, figures in zip(rows, data["communes"], result.figures):
        assert row["code"] == item["code"] == figures.code
        assert int(row["pages"]) == item["pages"] == figures.pages
        assert int(row["recent_posts"]) == item["recent_posts"] == figures.recent_posts
        assert row["built"] == str(int(item["built"]))
    assert "Giới thiệu" in rows[0]["missing_sections"]


def test_the_charts_are_svg_with_their_numbers_in_words(built):
    portal, _ = built
    doc = html(portal, "giam-sat/index.html")
    charts = doc.xpath("//figure[@class='chart']/svg")
    assert len(charts) == 2
    for svg in charts:
        assert svg.get("role") == "img" and svg.get("aria-label")
        lxml.etree.fromstring(lxml.etree.tostring(svg))  # well-formed
    assert "Dựng lỗi: 1" in charts[0].get("aria-label")
    assert "2025-02: " in charts[1].get("aria-label")


@pytest.fixture(scope="module")
def page(browser, portal_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(lambda url: not url.startswith(LOCAL), lambda route: route.abort())
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/", "/giam-sat/", "/giam-sat/thieu/", "/giam-sat/xa/29501/", "/tin-moi/", "/tim-kiem/?q=hop+dan",
                                  "/bang-tin/"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_portal_passes_axe_in_chromium(page, portal_url, path, width):
    try:
        from xaweb.check.browser import axe_script
    except ImportError:
        require(False, "axe-playwright-python is not installed")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal_url + path)
    page.wait_for_load_state("networkidle")  # the search's results
    page.evaluate(axe_script())
    violations = page.evaluate("async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations")
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


def test_the_search_finds_a_commune_typed_without_tone_marks(page, portal_url):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(portal_url + "/")
    search = page.get_by_label("Tìm theo tên (gõ có dấu hoặc không dấu)")
    search.fill("dong hai")
    assert page.locator(".commune-list li:not([hidden])").all_inner_texts() == ["Xã Đông Hải"]
    assert page.locator("[data-commune-count]").inner_text() == "1 kết quả"
    search.fill("Đắk")  # with tone marks, as typed on a Vietnamese keyboard (NFD from some)
    assert page.locator(".commune-list li:not([hidden])").all_inner_texts() == ["Đặc khu Đắk Mil"]
    assert page.locator(".commune-group:not([hidden]) h3").all_inner_texts() == ["Đặc khu (2)"]
    search.fill("")
    assert page.locator(".commune-list li:not([hidden])").count() == 24


def test_without_javascript_the_full_list_shows_and_no_search_box(browser, portal_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_url + "/")
    assert page.locator("[data-commune-search]").is_hidden()
    assert page.locator(".commune-list li").count() == 24
    context.close()
