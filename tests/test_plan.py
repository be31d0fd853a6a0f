"""xaweb.render.plan: which files a site has, and generated-path collisions."""

from __future__ import annotations

from datetime import datetime

import pytest

from xaweb.config import parse_config
from xaweb.content.assemble import assemble_site
from xaweb.content.model import DOCUMENT, DocumentInfo, Page, SectionInfo
from xaweb.render.kinds import plan_outputs
from xaweb.render.plan import list_url, page_count
from xaweb.vietnamese import VN_TZ, slugify

NOW = datetime(2024, 6, 1, tzinfo=VN_TZ)
CONFIG = parse_config("name: Hòa Phước\nprovince: Đà Nẵng\npaginate: 2\n")


def d(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def page(title: str, section: str = "tin-tuc", slug: str | None = None, **kw) -> Page:
    slug = slug or slugify(title)
    url = f"/{section}/{slug}/" if section else f"/{slug}/"
    source = f"content/{section}/{slug}.md" if section else f"content/{slug}.md"
    return Page(source=source, section=section, slug=slug, url=url, kind=kw.pop("kind", "article"),
                title=title, body_html="", summary="", **kw)


def document(title: str, doc_type: str, issued: datetime, **kw) -> Page:
    info = DocumentInfo(f"{title}/UBND", doc_type, "UBND xã", issued=issued)
    return page(title, section="van-ban", kind=DOCUMENT, date=issued, document=info, **kw)


SECTIONS = {
    "tin-tuc": SectionInfo("tin-tuc", None, "Tin tức"),
    "van-ban": SectionInfo("van-ban", None, "Văn bản", kind=DOCUMENT),
    "thong-bao": SectionInfo("thong-bao", None, "Thông báo", paginate=1),
}


def small_site(extra: list[Page] = ()):
    pages = [
        page("Tin một", date=d(2024, 1, 1), tags=("Tiếp công dân",)),
        page("Tin hai", date=d(2024, 2, 1), tags=("Tiếp công dân", "Đất đai")),
        page("Tin ba", date=d(2024, 3, 1)),
        page("Tin hết hạn", date=d(2024, 4, 1), expires=d(2024, 5, 1)),
        page("Thông báo A", section="thong-bao", date=d(2024, 1, 5)),
        page("Thông báo B", section="thong-bao", date=d(2024, 1, 6)),
        document("15", "Quyết định", d(2024, 1, 15)),
        document("7", "Kế hoạch", d(2023, 7, 1)),
        document("9", "Quyết định", d(2023, 9, 1)),
        page("Giới thiệu", section=""),
        *extra,
    ]
    site, problems = assemble_site(CONFIG, SECTIONS, pages, NOW)
    assert problems == []
    return site


@pytest.fixture(scope="module")
def planned():
    outputs, problems = plan_outputs(small_site())
    return outputs, problems


def paths(outputs) -> set[str]:
    return {o.path for o in outputs}


def test_page_count_and_list_url():
    assert page_count(0, 10) == 1
    assert page_count(10, 10) == 1
    assert page_count(11, 10) == 2
    assert list_url("/tin-tuc/", 1) == "/tin-tuc/"
    assert list_url("/tin-tuc/", 3) == "/tin-tuc/trang/3/"


def test_clean_site_has_no_collisions(planned):
    outputs, problems = planned
    assert problems == []
    assert len(paths(outputs)) == len(outputs)


def test_home_and_fixed_outputs(planned):
    outputs, _ = planned
    by_path = {o.path: o for o in outputs}
    assert outputs[0].path == "index.html" and outputs[0].url == "/" and outputs[0].kind == "home"
    expected = {
        "404.html": ("/404.html", "not_found"),
        "robots.txt": ("/robots.txt", "robots"),
        "sitemap.xml": ("/sitemap.xml", "sitemap_xml"),
        "rss.xml": ("/rss.xml", "rss"),
        "atom.xml": ("/atom.xml", "atom"),
        "so-do-trang/index.html": ("/so-do-trang/", "sitemap"),
        "the/index.html": ("/the/", "tags"),
    }
    for path, (url, kind) in expected.items():
        assert (by_path[path].url, by_path[path].kind) == (url, kind)


def test_every_page_gets_an_index_html_including_expired_and_root(planned):
    outputs, _ = planned
    page_outputs = {o.path: o.subject for o in outputs if o.kind == "page"}
    assert page_outputs["tin-tuc/tin-mot/index.html"] == "content/tin-tuc/tin-mot.md"
    assert page_outputs["tin-tuc/tin-het-han/index.html"] == "content/tin-tuc/tin-het-han.md"
    assert page_outputs["gioi-thieu/index.html"] == "content/gioi-thieu.md"
    assert page_outputs["van-ban/15/index.html"] == "content/van-ban/15.md"
    assert len(page_outputs) == 10


def test_section_lists_are_paginated_by_listed_pages(planned):
    outputs, _ = planned
    lists = sorted((o.url, o.number) for o in outputs if o.kind == "list" and o.subject == "tin-tuc")
    # 3 listed pages (the expired one is not counted), 2 per page.
    assert lists == [("/tin-tuc/", 1), ("/tin-tuc/trang/2/", 2)]
    assert "tin-tuc/trang/2/index.html" in paths(outputs)
    assert "tin-tuc/trang/3/index.html" not in paths(outputs)


def test_section_paginate_overrides_site_setting(planned):
    outputs, _ = planned
    urls = [o.url for o in outputs if o.kind == "list" and o.subject == "thong-bao"]
    assert urls == ["/thong-bao/", "/thong-bao/trang/2/"]


def test_document_filter_pages(planned):
    outputs, _ = planned
    filters = {(o.url, o.filter, o.number) for o in outputs if o.kind == "doc_filter"}
    assert filters == {
        ("/van-ban/loai/quyet-dinh/", ("loai", "quyet-dinh"), 1),
        ("/van-ban/loai/ke-hoach/", ("loai", "ke-hoach"), 1),
        ("/van-ban/nam/2024/", ("nam", "2024"), 1),
        ("/van-ban/nam/2023/", ("nam", "2023"), 1),
    }
    assert "van-ban/loai/quyet-dinh/index.html" in paths(outputs)
    assert "van-ban/nam/2024/index.html" in paths(outputs)
    # Only document sections get filter pages.
    assert all(o.subject == "van-ban" for o in outputs if o.kind == "doc_filter")


def test_document_filters_order_and_content():
    site = small_site()
    filters = site.section("van-ban").document_filters
    assert list(filters) == [("loai", "ke-hoach"), ("loai", "quyet-dinh"), ("nam", "2024"), ("nam", "2023")]
    title, pages = filters[("loai", "quyet-dinh")]
    assert title == "Quyết định"
    assert sorted(p.title for p in pages) == ["15", "9"]
    assert [p.title for p in filters[("nam", "2023")][1]] == ["9", "7"]


def test_feeds_per_section_and_site(planned):
    outputs, _ = planned
    feeds = {(o.path, o.url, o.kind, o.subject) for o in outputs if o.kind in ("rss", "atom")}
    for section in ("tin-tuc", "van-ban", "thong-bao"):
        assert (f"{section}/rss.xml", f"/{section}/rss.xml", "rss", section) in feeds
        assert (f"{section}/atom.xml", f"/{section}/atom.xml", "atom", section) in feeds
    assert ("rss.xml", "/rss.xml", "rss", "") in feeds
    assert ("atom.xml", "/atom.xml", "atom", "") in feeds


def test_tag_pages_and_feeds(planned):
    outputs, _ = planned
    tag_pages = {o.url: o.subject for o in outputs if o.kind == "tag"}
    assert tag_pages == {"/the/tiep-cong-dan/": "tiep-cong-dan", "/the/dat-dai/": "dat-dai"}
    assert "the/tiep-cong-dan/rss.xml" in paths(outputs)
    assert any(o.subject == "tag:dat-dai" and o.path == "the/dat-dai/rss.xml" for o in outputs)


def test_tag_pages_paginate_with_site_setting():
    extra = [page(f"Thêm {i}", date=d(2024, 1, 10 + i), tags=("Tiếp công dân",)) for i in range(3)]
    outputs, problems = plan_outputs(small_site(extra))
    assert problems == []
    urls = [o.url for o in outputs if o.kind == "tag" and o.subject == "tiep-cong-dan"]
    assert urls == ["/the/tiep-cong-dan/", "/the/tiep-cong-dan/trang/2/", "/the/tiep-cong-dan/trang/3/"]


@pytest.mark.parametrize(("slug", "generated"), [("so-do-trang", "sitemap"), ("the", "tags")])
def test_root_page_colliding_with_a_generated_path_is_reported(slug, generated):
    outputs, problems = plan_outputs(small_site([page("Trang trùng", section="", slug=slug)]))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.level == "error"
    assert problem.path == f"content/{slug}.md"
    assert f"/{slug}/" in problem.message
    assert generated in problem.message


def test_root_page_colliding_with_a_section_list_is_reported():
    _, problems = plan_outputs(small_site([page("Tin tức", section="", slug="tin-tuc")]))
    assert [p.path for p in problems] == ["content/tin-tuc.md"]
    assert "/tin-tuc/" in problems[0].message
