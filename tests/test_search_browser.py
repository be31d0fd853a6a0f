"""Site search in headless Chromium: a query set with expected top results on tests/sites/search
(with and without tone marks, đ, NFD input, document numbers, phrases), highlights, filters,
the page without JavaScript, and what the browser downloads before the first results."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import ROOT, axe_violations, serve_folder  # noqa: E402 - after the rewrite hook

from xaweb.build import BuildOptions, build  # noqa: E402
from xaweb.vietnamese import VN_TZ  # noqa: E402

pytest_plugins = ["example_site"]

SITE = Path(__file__).parent / "sites" / "search"
NOW = datetime(2025, 6, 1, tzinfo=VN_TZ)

KHAI_SINH = "Đăng ký khai sinh"
HO_TICH_NEWS = "Hội nghị tổng kết công tác hộ tịch năm 2024"
HO_TICH_LAKE = "Hồ tích nước ấp Bình Hòa được nạo vét"
SCATTERED = "Tịch thu hàng lậu, hộ kinh doanh bị xử phạt"
DIEN = "Đường điện đồng đội về thôn Đắk Đoa"

# The query set (bench/search.py runs it against Pagefind too): the query, typed in NFD when
# "nfd" is set, and the page expected first.
QUERIES = json.loads((SITE / "queries.json").read_text(encoding="utf-8"))
TOP = {unicodedata.normalize("NFD", q["query"]) if q.get("nfd") else q["query"]: q["first"] for q in QUERIES}


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    shutil.copytree(SITE, root / "site")
    build(BuildOptions(root / "site", root / "out", now=NOW, cache=False))
    yield from serve_folder(root / "out")


@pytest.fixture(scope="module")
def search_page(new_context, search_url):
    page = new_context(360).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def run(query: str, section: str = "", year: str = "") -> list[str]:
        page.goto(f"{search_url}/tim-kiem/?q={quote(query)}&s={section}&y={year}")
        page.wait_for_function("(s => s.textContent && !s.textContent.startsWith('Đang'))(document.querySelector('[data-search-status]'))",
                               timeout=10_000)
        assert errors == []
        return page.locator(".search-results h2").all_inner_texts()

    run.page = page  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize("query", list(TOP), ids=[q.encode("unicode_escape").decode() for q in TOP])
def test_the_expected_page_comes_first(search_page, query):
    results = search_page(query)
    assert results and results[0] == TOP[query], results


def test_a_phrase_in_order_ranks_above_its_syllables_scattered(search_page):
    results = search_page("ho tich")
    assert set(results[:2]) == {HO_TICH_NEWS, HO_TICH_LAKE} and results.index(SCATTERED) > 1, results
    typed = search_page("hộ tịch")
    assert typed.index(SCATTERED) > typed.index(HO_TICH_NEWS) and typed.index(HO_TICH_LAKE) > typed.index(KHAI_SINH), typed


def test_results_show_section_date_and_the_matched_words_highlighted_as_written(search_page):
    search_page("dang ky khai sinh")
    page = search_page.page
    first = page.locator(".search-results li").first
    assert [m for m in first.locator("a mark").all_inner_texts()] == ["Đăng", "ký", "khai", "sinh"]
    assert "khai sinh" in " ".join(first.locator("p mark").all_inner_texts()).lower()
    search_page("15/2024/QĐ-UBND")
    assert page.locator(".search-meta").first.inner_text() == "Văn bản · 15/03/2024 · 15/2024/QĐ-UBND"
    search_page("tiem chung")
    assert page.locator(".search-meta").first.inner_text() == "Tin tức · 12/05/2025"
    assert page.locator(".search-results a").first.get_attribute("href") == "/tin-tuc/tiem-chung-mo-rong-cho-tre-em-duoi-5-tuoi/"


def test_filters_by_section_and_year(search_page):
    page = search_page.page
    everything = search_page("ho tich")
    sections = page.locator("#search-s option").all_inner_texts()
    news = str(next(i for i, label in enumerate(sections[1:]) if label.startswith("Tin tức")))
    only_news = search_page("ho tich", section=news)
    assert set(only_news) == {HO_TICH_NEWS, HO_TICH_LAKE, SCATTERED} < set(everything)
    # The 2025 news and the undated procedures are left out; with no page of 2024 holding both
    # words, the pages holding the most of them are shown.
    assert search_page("ho tich", year="2024") == [DIEN]
    assert page.locator("#search-y").input_value() == "2024"


def test_the_results_pass_axe_and_are_reachable_by_keyboard(search_page, axe):
    assert len(search_page("ho tich")) >= 3
    page = search_page.page
    assert not axe_violations(axe, page)
    links = page.locator(".search-results a")
    page.locator("#search-q").focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.search-results') !== null"):
            break
    assert page.evaluate("document.activeElement.href") == links.first.evaluate("a => a.href")


def test_nothing_found_says_so(search_page):
    assert search_page("xyzzy khong co") == []
    assert "Không tìm thấy kết quả nào cho «xyzzy khong co»" in search_page.page.inner_text("[data-search-status]")


def test_without_javascript_the_page_says_so_and_lists_the_sections(new_context, search_url):
    page = new_context(360, javascript=False).new_page()
    page.goto(f"{search_url}/tim-kiem/?q=khai+sinh")
    notice = page.locator("[data-search-nojs]")
    assert notice.is_visible() and "Tìm kiếm cần JavaScript" in notice.inner_text()
    assert "Thủ tục hành chính" in notice.locator("ul").inner_text()
    assert page.locator("[data-search-filters]").is_hidden()


BUDGET = 300_000  # bytes the browser downloads before the first results show (page, styles, scripts, index)


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory):
    """The benchmark's 1,000-page corpus (bench/corpus.py), built."""
    root = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "1000", str(root)], check=True, capture_output=True)
    build(BuildOptions(root / "xaweb", root / "out", now=NOW, cache=False))
    yield from serve_folder(root / "out")


@pytest.mark.parametrize("query", ["ủy ban nhân dân xã", "thu tuc hanh chinh", "dang ky khai sinh", "quyết định", "xa"])
def test_first_results_of_a_1000_page_site_cost_less_than_the_budget(new_context, corpus_url, query):
    context = new_context(360)  # a new browser context: nothing cached
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(f"{corpus_url}/tim-kiem/?q={quote(query)}")
    page.wait_for_selector(".search-results li", timeout=15_000)
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    assert total < BUDGET, f"{total} bytes: {sorted(sizes.items(), key=lambda kv: -kv[1])[:8]}"
    context.close()
