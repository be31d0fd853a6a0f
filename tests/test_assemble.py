"""xaweb.content.assemble: drafts, expiry, collisions, attachments, sections, order, tags."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from xaweb.content.assemble import assemble_site, sort_pages
from xaweb.content.markup import make_markdown
from xaweb.content.model import DOCUMENT, DocumentInfo, Page, SectionInfo
from xaweb.content.parse import parse_page
from xaweb.vietnamese import VN_TZ, slugify

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=VN_TZ)
CONFIG = object()  # assemble_site does not look into the config


def d(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def page(title: str, section: str = "tin-tuc", slug: str | None = None, source: str | None = None, **kw) -> Page:
    slug = slug or slugify(title)
    url = f"/{section}/{slug}/" if section else f"/{slug}/"
    source = source or (f"content/{section}/{slug}.md" if section else f"content/{slug}.md")
    return Page(source=source, section=section, slug=slug, url=url, kind=kw.pop("kind", "article"),
                title=title, body_html="<p>x</p>", summary="x", **kw)


def replace_body(p: Page, body: str) -> Page:
    return replace(p, body_html=body)


def infos(*paths: str, **by_path: SectionInfo) -> dict[str, SectionInfo]:
    out = {p: SectionInfo(p, f"content/{p}/_index.md", p.rsplit("/", 1)[-1].capitalize()) for p in paths}
    out.update({k.replace("__", "/"): v for k, v in by_path.items()})
    return out


def build(pages, sections=("tin-tuc",), **kw):
    return assemble_site(CONFIG, infos(*sections), pages, NOW, **kw)


def titles(pages) -> list[str]:
    return [p.title for p in pages]


# --- drafts -------------------------------------------------------------------


def test_drafts_are_excluded_by_default():
    site, problems = build([page("Bản nháp", draft=True, date=d(2024, 5, 1)), page("Đã đăng", date=d(2024, 4, 1))])
    assert problems == []
    assert titles(site.pages) == ["Đã đăng"]
    assert titles(site.section("tin-tuc").pages) == ["Đã đăng"]


def test_drafts_are_included_on_request():
    site, _ = build([page("Bản nháp", draft=True, date=d(2024, 5, 1)), page("Đã đăng", date=d(2024, 4, 1))], drafts=True)
    assert titles(site.pages) == ["Bản nháp", "Đã đăng"]


# --- expiry -------------------------------------------------------------------


def test_expired_pages_keep_their_url_but_leave_lists_and_tags():
    pages = [
        page("Hết hạn", date=d(2024, 3, 1), expires=d(2024, 5, 31), tags=("Thông báo",)),
        page("Hết hạn đúng lúc", date=d(2024, 3, 2), expires=NOW, tags=("Thông báo",)),
        page("Còn hạn", date=d(2024, 2, 1), expires=d(2024, 6, 1, 9, 1), tags=("Thông báo",)),
        page("Không hạn", date=d(2024, 1, 1), tags=("Riêng",)),
    ]
    site, problems = build(pages)
    assert problems == []
    by_title = {p.title: p for p in site.pages}
    assert by_title["Hết hạn"].expired is True
    assert by_title["Hết hạn đúng lúc"].expired is True  # expires <= now
    assert by_title["Còn hạn"].expired is False
    assert by_title["Không hạn"].expired is False
    # Still built (site.pages and Section.pages), but not listed.
    assert len(site.pages) == 4
    section = site.section("tin-tuc")
    assert len(section.pages) == 4
    assert titles(section.listed) == ["Còn hạn", "Không hạn"]
    assert titles(site.listed_pages) == ["Còn hạn", "Không hạn"]
    tags = {t.name: titles(t.pages) for t in site.tags}
    assert tags == {"Riêng": ["Không hạn"], "Thông báo": ["Còn hạn"]}


def test_tag_with_only_expired_pages_disappears():
    site, _ = build([page("Cũ", expires=d(2024, 1, 1), tags=("Lũ lụt",)), page("Mới", tags=("Khác",))])
    assert [t.slug for t in site.tags] == ["khac"]


def test_date_only_expires_keeps_the_page_listed_through_that_day():
    # docs/content.md: "expires: 2024-03-31  # after this the page drops off lists".
    md = make_markdown()
    section = SectionInfo("thong-bao", None, "Thông báo")
    parsed, _ = parse_page("---\ntitle: Lịch tiếp dân\nexpires: 2024-03-31\n---\n", "content/thong-bao/a.md", section, md)
    on_that_day = datetime(2024, 3, 31, 10, 0, tzinfo=VN_TZ)
    site, _ = assemble_site(CONFIG, {"thong-bao": section}, [parsed], on_that_day)
    assert site.pages[0].expired is False
    assert titles(site.section("thong-bao").listed) == ["Lịch tiếp dân"]


def test_site_lastmod_ignores_expired_pages():
    site, _ = build([page("Cũ", date=d(2024, 5, 30), expires=d(2024, 5, 31)), page("Mới", date=d(2024, 4, 1), updated=d(2024, 4, 20))])
    assert site.lastmod == d(2024, 4, 20)
    assert site.section("tin-tuc").lastmod == d(2024, 4, 20)


# --- collisions -----------------------------------------------------------------


def test_two_pages_naming_one_slug_is_an_error_naming_both():
    first = replace(page("Họp dân", source="content/tin-tuc/a-hop-dan.md"), slug_set=True)
    second = replace(page("Họp dân!", slug="hop-dan", source="content/tin-tuc/b-hop-dan.md"), slug_set=True)
    site, problems = build([second, first])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.level == "error"
    assert problem.path == "content/tin-tuc/b-hop-dan.md"
    assert "content/tin-tuc/a-hop-dan.md" in problem.message
    assert "/tin-tuc/hop-dan/" in problem.message
    # The first file (by path) keeps the URL; nothing is silently overwritten twice.
    assert [p.source for p in site.pages] == ["content/tin-tuc/a-hop-dan.md"]


def test_pages_with_one_title_get_addresses_of_their_own_and_a_warning():
    weeks = [page("Lịch công tác tuần", source=f"content/tin-tuc/{name}.md", date=d(2025, 11, day))
             for name, day in (("lich-cong-tac-tuan-46", 10), ("tuan-45", 3), ("z-tuan-47", 17))]
    site, problems = build(weeks)
    assert {p.source: p.url for p in site.pages} == {
        "content/tin-tuc/tuan-45.md": "/tin-tuc/lich-cong-tac-tuan/",  # the earliest keeps the address
        "content/tin-tuc/lich-cong-tac-tuan-46.md": "/tin-tuc/lich-cong-tac-tuan-46/",  # its file name, which already says it
        "content/tin-tuc/z-tuan-47.md": "/tin-tuc/lich-cong-tac-tuan-z-tuan-47/",
    }
    assert [(p.path, p.level, p.code) for p in problems] == [("content/tin-tuc/lich-cong-tac-tuan-46.md", "warning", "same-title"),
                                                             ("content/tin-tuc/z-tuan-47.md", "warning", "same-title")]
    assert all("content/tin-tuc/tuan-45.md" in p.message for p in problems)
    # Adding an earlier-named file does not move a page already published: the date decides, not the name.
    site, _ = build([*weeks, page("Lịch công tác tuần", source="content/tin-tuc/a-tuan-48.md", date=d(2025, 11, 24))])
    assert {p.source: p.url for p in site.pages}["content/tin-tuc/tuan-45.md"] == "/tin-tuc/lich-cong-tac-tuan/"


def test_a_page_whose_file_bears_the_address_keeps_it_and_a_named_slug_wins_over_both():
    older = page("Thông báo", source="content/tin-tuc/cu.md", date=d(2024, 1, 1))
    named = page("Thông báo", source="content/tin-tuc/thong-bao.md", date=d(2025, 1, 1))
    site, _ = build([older, named])
    assert {p.source: p.url for p in site.pages}["content/tin-tuc/thong-bao.md"] == "/tin-tuc/thong-bao/"
    chosen = replace(page("Khác", slug="thong-bao", source="content/tin-tuc/z.md"), slug_set=True)
    site, problems = build([older, named, chosen])
    urls = {p.source: p.url for p in site.pages}
    assert urls["content/tin-tuc/z.md"] == "/tin-tuc/thong-bao/" and urls["content/tin-tuc/thong-bao.md"] == "/tin-tuc/thong-bao-thong-bao/"
    assert [p.level for p in problems] == ["warning", "warning"]


def test_reserved_section_name_is_reported():
    site, problems = assemble_site(CONFIG, infos("the"), [], NOW)
    assert len(problems) == 1
    assert problems[0].path == "content/the/_index.md"
    assert "'the'" in problems[0].message


# --- attachments and images ---------------------------------------------------


def doc_page(file: str | None, title: str = "Quyết định 15") -> Page:
    info = DocumentInfo("15/2024/QĐ-UBND", "Quyết định", "UBND xã", issued=d(2024, 1, 15), file=file)
    return page(title, section="van-ban", kind=DOCUMENT, date=d(2024, 1, 15), document=info)


def test_missing_attachment_is_an_error():
    _, problems = build([doc_page("/files/van-ban/qd-15.pdf")], sections=("van-ban",), static_files={"/files/khac.pdf": 10})
    assert len(problems) == 1
    assert problems[0].level == "error"
    assert problems[0].path == "content/van-ban/quyet-dinh-15.md"
    assert "static/files/van-ban/qd-15.pdf" in problems[0].message


def test_attachment_size_is_filled_from_static_files():
    site, problems = build([doc_page("/files/van-ban/qd-15.pdf")], sections=("van-ban",),
                           static_files={"/files/van-ban/qd-15.pdf": 245_760})
    assert problems == []
    assert site.section("van-ban").pages[0].document.file_size == 245_760
    assert site.pages[0].document.file_size == 245_760


def test_external_attachment_needs_no_static_file():
    site, problems = build([doc_page("https://vanban.danang.gov.vn/qd-15.pdf")], sections=("van-ban",))
    assert problems == []
    assert site.pages[0].document.file_size is None


def test_missing_image_alt_is_a_warning():
    _, problems = build([page("Có ảnh", image="/images/a.jpg")], static_files={"/images/a.jpg": 100})
    assert len(problems) == 1
    assert problems[0].level == "warning"
    assert "'image_alt'" in problems[0].message


def test_image_with_alt_and_file_is_fine():
    _, problems = build([page("Có ảnh", image="/images/a.jpg", image_alt="Hội nghị")], static_files={"/images/a.jpg": 100})
    assert problems == []


def test_missing_image_file_is_an_error():
    _, problems = build([page("Có ảnh", image="/images/khong-co.jpg", image_alt="Ảnh")])
    assert [p.level for p in problems] == ["error"]
    assert "static/images/khong-co.jpg" in problems[0].message


# --- sections -----------------------------------------------------------------


def test_nested_sections_imply_their_parents():
    pages = [page("Dự toán 2024", section="cong-khai/ngan-sach")]
    site, problems = assemble_site(CONFIG, infos("cong-khai/ngan-sach", "tin-tuc"), pages, NOW)
    assert problems == []
    parent = site.section("cong-khai")
    assert parent is not None
    assert parent.info.source is None
    assert parent.title == "Cong khai"
    assert parent.children == ("cong-khai/ngan-sach",)
    assert parent.pages == ()
    child = site.section("cong-khai/ngan-sach")
    assert child.parent == "cong-khai"
    assert titles(child.pages) == ["Dự toán 2024"]
    assert [s.path for s in site.top_sections] == ["cong-khai", "tin-tuc"]


def test_deeply_nested_section_implies_every_ancestor():
    site, _ = assemble_site(CONFIG, infos("a/b/c"), [], NOW)
    assert {s.path for s in site.sections} == {"a", "a/b", "a/b/c"}
    assert site.section("a").children == ("a/b",)
    assert site.section("a/b").children == ("a/b/c",)


def test_sections_ordered_by_weight_then_vietnamese_title():
    sections = {
        "z": SectionInfo("z", None, "Đời sống", weight=0),
        "y": SectionInfo("y", None, "Dân vận", weight=0),
        "x": SectionInfo("x", None, "Anh hùng", weight=5),
    }
    site, _ = assemble_site(CONFIG, sections, [], NOW)
    assert [s.title for s in site.sections] == ["Dân vận", "Đời sống", "Anh hùng"]


def test_root_pages_are_separate_and_sorted_by_weight():
    pages = [page("Liên hệ", section="", weight=2), page("Giới thiệu", section="", weight=1), page("Tin", date=d(2024, 1, 1))]
    site, _ = build(pages)
    assert titles(site.root_pages) == ["Giới thiệu", "Liên hệ"]
    assert titles(site.pages) == ["Tin"]


# --- order --------------------------------------------------------------------


def test_date_order_is_newest_first_with_pinned_on_top():
    pages = [
        page("Cũ nhất", date=d(2023, 1, 1)),
        page("Mới nhất", date=d(2024, 5, 1)),
        page("Ghim cũ", date=d(2022, 1, 1), pinned=True),
        page("Giữa", date=d(2024, 1, 1)),
        page("Không ngày"),
    ]
    assert titles(sort_pages(pages, "date")) == ["Ghim cũ", "Mới nhất", "Giữa", "Cũ nhất", "Không ngày"]
    site, _ = build(pages)
    assert titles(site.section("tin-tuc").pages) == ["Ghim cũ", "Mới nhất", "Giữa", "Cũ nhất", "Không ngày"]
    # The site-wide list ignores pinning.
    assert titles(site.pages) == ["Mới nhất", "Giữa", "Cũ nhất", "Ghim cũ", "Không ngày"]


def test_same_date_breaks_ties_by_vietnamese_title():
    pages = [page("Đường", date=d(2024, 1, 1)), page("Dân", date=d(2024, 1, 1)), page("Zalo", date=d(2024, 1, 1))]
    assert titles(sort_pages(pages, "date")) == ["Dân", "Đường", "Zalo"]


def test_weight_order():
    pages = [page("Ba", weight=3), page("Một", weight=1), page("Hai b", weight=2), page("Hai a", weight=2)]
    assert titles(sort_pages(pages, "weight")) == ["Một", "Hai a", "Hai b", "Ba"]


def test_title_order_is_vietnamese_a_to_z():
    pages = [page(t) for t in ["Zen", "Đào tạo", "Dân số", "Ánh sáng", "Ăn uống", "Bảo hiểm", "Ơn nghĩa", "Ô nhiễm"]]
    assert titles(sort_pages(pages, "title")) == ["Ánh sáng", "Ăn uống", "Bảo hiểm", "Dân số", "Đào tạo", "Ô nhiễm", "Ơn nghĩa", "Zen"]


def test_section_sort_setting_is_applied():
    section = SectionInfo("gioi-thieu", None, "Giới thiệu", sort="weight")
    pages = [page("B", section="gioi-thieu", weight=2, date=d(2024, 5, 1)), page("A", section="gioi-thieu", weight=1, date=d(2020, 1, 1))]
    site, _ = assemble_site(CONFIG, {"gioi-thieu": section}, pages, NOW)
    assert titles(site.section("gioi-thieu").pages) == ["A", "B"]


# --- tags ---------------------------------------------------------------------


def test_tags_merge_by_slug_and_sort_vietnamese_a_to_z():
    pages = [
        page("Một", source="content/tin-tuc/a.md", date=d(2024, 1, 1), tags=("Tiếp công dân", "Đất đai")),
        page("Hai", source="content/tin-tuc/b.md", date=d(2024, 2, 1), tags=("tiep cong dan", "Dân số")),
        page("Ba", source="content/tin-tuc/c.md", date=d(2024, 3, 1), tags=("TIẾP CÔNG DÂN", "An ninh", "Zalo", "!!!")),
    ]
    site, _ = build(pages)
    assert [t.name for t in site.tags] == ["An ninh", "Dân số", "Đất đai", "Tiếp công dân", "Zalo"]
    merged = next(t for t in site.tags if t.slug == "tiep-cong-dan")
    assert merged.name == "Tiếp công dân"  # first spelling, by source path
    assert merged.url == "/the/tiep-cong-dan/"
    assert titles(merged.pages) == ["Ba", "Hai", "Một"]  # newest first


# --- a site under a sub-path (base_url https://host/hoaphuoc/) ----------------------


class SubPathConfig:
    base_url = "https://danang.gov.vn/hoaphuoc/"


def test_root_relative_links_in_bodies_get_the_base_path():
    body = ('<p><a href="/hoi-dap/">Hỏi đáp</a> <img alt="Ảnh" src="/images/a.jpg"> '
            '<a href="https://dichvucong.gov.vn/">DVC</a> <a href="//cdn.example/x.js">cdn</a> <a href="#fn:1">1</a></p>')
    p = replace_body(page("Có liên kết"), body)
    site, _ = assemble_site(SubPathConfig(), infos("tin-tuc"), [p], NOW)
    assert site.pages[0].body_html == (
        '<p><a href="/hoaphuoc/hoi-dap/">Hỏi đáp</a> <img alt="Ảnh" src="/hoaphuoc/images/a.jpg"> '
        '<a href="https://dichvucong.gov.vn/">DVC</a> <a href="//cdn.example/x.js">cdn</a> <a href="#fn:1">1</a></p>'
    )


def test_links_are_untouched_for_a_site_at_the_root():
    body = '<p><a href="/hoi-dap/">Hỏi đáp</a></p>'

    class RootConfig:
        base_url = "https://hoaphuoc.danang.gov.vn"

    site, _ = assemble_site(RootConfig(), infos("tin-tuc"), [replace_body(page("A"), body)], NOW)
    assert site.pages[0].body_html == body


def test_section_and_home_intros_get_the_base_path_too():
    # The intros are officer-written Markdown just like page bodies.
    section = SectionInfo("tin-tuc", "content/tin-tuc/_index.md", "Tin tức", intro_html='<p>Xem <a href="/hoi-dap/">hỏi đáp</a>.</p>')
    site, _ = assemble_site(SubPathConfig(), {"tin-tuc": section}, [], NOW,
                            home_intro_html='<p><a href="/lien-he/">Liên hệ</a></p>')
    assert site.section("tin-tuc").info.intro_html == '<p>Xem <a href="/hoaphuoc/hoi-dap/">hỏi đáp</a>.</p>'
    assert site.home_intro_html == '<p><a href="/hoaphuoc/lien-he/">Liên hệ</a></p>'


def test_code_samples_are_not_rewritten():
    # Text that merely shows markup (escaped, inside <code>) is not a link.
    md = make_markdown()
    section = SectionInfo("tin-tuc", None, "Tin tức")
    text = '---\ntitle: Hướng dẫn\n---\nViết liên kết như sau: `<a href="/hoi-dap/">`.\n'
    parsed, _ = parse_page(text, "content/tin-tuc/huong-dan.md", section, md)
    site, _ = assemble_site(SubPathConfig(), {"tin-tuc": section}, [parsed], NOW)
    assert site.pages[0].body_html == parsed.body_html
    assert 'href="/hoi-dap/"' in site.pages[0].body_html


class CommitteeConfig:
    base_url = "https://tanan.dongthap.gov.vn"
    committee = "Ủy ban nhân dân xã Tân An"


def test_documents_without_issuer_are_issued_by_the_committee():
    md = make_markdown()
    section = SectionInfo("van-ban", None, "Văn bản", kind=DOCUMENT)
    text = "---\ntitle: Kế hoạch\nnumber: 01/KH-UBND\ndoc_type: Kế hoạch\ndate: 2024-01-02\n---\nNội dung.\n"
    parsed, _ = parse_page(text, "content/van-ban/kh.md", section, md)
    site, problems = assemble_site(CommitteeConfig(), {"van-ban": section}, [parsed], NOW)
    assert problems == []
    assert site.pages[0].document.issuer == "Ủy ban nhân dân xã Tân An"


# --- links written to files -------------------------------------------------------------------


def test_links_to_files_get_the_pages_addresses_and_the_base_path():
    md = make_markdown()
    text = "---\ntitle: Họp dân\n---\nXem [lịch](../thong-bao/lich.md#gio), [mục](../thong-bao/_index.md) và\n[không có](khong-co.md).\n"
    linking, _ = parse_page(text, "content/tin-tuc/hop-dan.md", SectionInfo("tin-tuc", None, "Tin tức"), md)
    target = page("Lịch tiếp công dân tháng 6", section="thong-bao", source="content/thong-bao/lich.md")
    site, problems = assemble_site(type("C", (), {"base_url": "https://tinh.gov.vn/tan-an/"})(), infos("tin-tuc", "thong-bao"),
                                   [linking, target], NOW)
    body = next(p for p in site.pages if p.title == "Họp dân").body_html
    assert 'href="/tan-an/thong-bao/lich-tiep-cong-dan-thang-6/#gio"' in body and 'href="/tan-an/thong-bao/"' in body
    assert 'href="#"' in body  # the missing one, reported:
    assert [(p.path, p.line, p.level, p.code) for p in problems] == [("content/tin-tuc/hop-dan.md", 5, "warning", "broken-link")]
    assert "content/tin-tuc/khong-co.md" in problems[0].message


def test_links_to_files_in_introductions_resolve_too():
    md = make_markdown()
    from xaweb.content.parse import parse_section
    intro = parse_section("---\ntitle: Tin tức\n---\nXem [lịch](../thong-bao/lich.md) và [mất](../thong-bao/mat.md).\n",
                          "content/tin-tuc/_index.md", "tin-tuc", md)
    target = page("Lịch tiếp công dân tháng 6", section="thong-bao", source="content/thong-bao/lich.md")
    site, problems = assemble_site(CONFIG, {"tin-tuc": intro, **infos("thong-bao")}, [target], NOW)
    html = site.section("tin-tuc").info.intro_html
    assert 'href="/thong-bao/lich-tiep-cong-dan-thang-6/"' in html and 'href="#"' in html
    assert [(p.path, p.code) for p in problems] == [("content/tin-tuc/_index.md", "broken-link")]
