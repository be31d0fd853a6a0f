"""xaweb.content.parse: front matter + Markdown -> Page, with every problem located."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

import pytest

from xaweb.content.markup import make_markdown
from xaweb.content.model import ARTICLE, DOCUMENT, PROCEDURE, SectionInfo
from xaweb.content.parse import DEFAULT_PORTAL, PageError, parse_page, parse_section, split_front_matter
from xaweb.vietnamese import VN_TZ

SOURCE = "content/tin-tuc/x.md"


@pytest.fixture(scope="module")
def md():
    return make_markdown()


@pytest.fixture(scope="module")
def news():
    return SectionInfo("tin-tuc", None, "Tin tức")


def line_of(text: str, line: str) -> int:
    """1-based line number of an exact line in a fixture."""
    return text.split("\n").index(line) + 1


def errors_of(text, section, md, source=SOURCE) -> list:
    with pytest.raises(PageError) as info:
        parse_page(text, source, section, md)
    return info.value.problems


# --- basic fields ---------------------------------------------------------------


def test_title_date_and_url(md, news):
    text = "---\ntitle: Họp dân khu phố 3\ndate: 2024-03-04\ntags: [Tiếp công dân, An ninh]\n---\nNội dung **họp** dân.\n"
    page, warnings = parse_page(text, SOURCE, news, md)
    assert warnings == []
    assert page.title == "Họp dân khu phố 3"
    assert page.slug == "hop-dan-khu-pho-3"
    assert page.url == "/tin-tuc/hop-dan-khu-pho-3/"
    assert page.section == "tin-tuc"
    assert page.source == SOURCE
    assert page.kind == ARTICLE
    assert page.tags == ("Tiếp công dân", "An ninh")
    assert page.body_html == "<p>Nội dung <strong>họp</strong> dân.</p>"
    assert page.summary == "Nội dung họp dân."
    assert page.date == datetime(2024, 3, 4, tzinfo=VN_TZ)


def test_date_without_offset_is_vietnam_time(md, news):
    page, _ = parse_page("---\ntitle: A\ndate: 2024-03-04 08:30:00\n---\n", SOURCE, news, md)
    assert page.date.utcoffset() == timedelta(hours=7)
    assert (page.date.hour, page.date.minute) == (8, 30)

    page, _ = parse_page("---\ntitle: A\ndate: '2024-03-04 08:30'\n---\n", SOURCE, news, md)
    assert page.date == datetime(2024, 3, 4, 8, 30, tzinfo=VN_TZ)


def test_date_with_offset_is_converted_to_vietnam_time(md, news):
    page, _ = parse_page("---\ntitle: A\ndate: 2024-03-04T20:00:00+00:00\n---\n", SOURCE, news, md)
    assert page.date.utcoffset() == timedelta(hours=7)
    assert (page.date.day, page.date.hour) == (5, 3)


@pytest.mark.parametrize("value", ["04/03/2024", "4/3/2024", "'04/03/2024'"])
def test_dd_mm_yyyy_is_accepted(md, news, value):
    page, _ = parse_page(f"---\ntitle: A\ndate: {value}\n---\n", SOURCE, news, md)
    assert page.date == datetime(2024, 3, 4, tzinfo=VN_TZ)


def test_impossible_date_names_file_and_line(md, news):
    text = "---\ntitle: Họp dân\nsummary: Tóm tắt\ndate: 31/02/2024\n---\nNội dung\n"
    expected_line = line_of(text, "date: 31/02/2024")
    with pytest.raises(PageError) as info:
        parse_page(text, SOURCE, news, md)
    assert expected_line == 4
    assert f"content/tin-tuc/x.md:{expected_line}:" in str(info.value)
    assert "'31/02/2024'" in str(info.value)
    assert [p.line for p in info.value.problems] == [expected_line]


def test_impossible_iso_date_is_a_page_error(md, news):
    # YAML itself reads 2024-02-31 as a timestamp; it must become a located problem, not a crash.
    text = "---\ntitle: Họp dân\ndate: 2024-02-31\n---\n"
    problems = errors_of(text, news, md)
    assert problems[0].path == SOURCE
    assert problems[0].line == line_of(text, "date: 2024-02-31")


def test_missing_title_is_an_error(md, news):
    problems = errors_of("---\ndate: 2024-03-04\n---\nNội dung\n", news, md)
    assert len(problems) == 1
    assert "'title'" in problems[0].message
    assert problems[0].level == "error"
    assert problems[0].line == 2


def test_file_without_front_matter_has_no_title(md, news):
    problems = errors_of("# Chỉ có nội dung\n", news, md)
    assert ["'title'" in p.message for p in problems] == [True]


def test_all_errors_of_a_file_are_listed_at_once(md, news):
    text = "---\ndate: 31/02/2024\nweight: nặng\ndraft: có\ntag: x\n---\n"
    problems = errors_of(text, news, md)
    messages = [p.message for p in problems]
    assert any("'date'" in m for m in messages)
    assert any("'weight'" in m for m in messages)
    assert any("'draft'" in m for m in messages)
    assert any("'title'" in m for m in messages)
    assert sum(p.level == "error" for p in problems) == 4
    # The warning for the unknown key travels along.
    assert [p.line for p in problems if p.level == "warning"] == [line_of(text, "tag: x")]


def test_invalid_slug_is_reported_together_with_other_errors(md, news):
    text = "---\ntitle: Họp dân\nslug: Họp Dân\ndate: 31/02/2024\n---\n"
    problems = errors_of(text, news, md)
    lines = sorted(p.line for p in problems if p.level == "error")
    assert lines == [line_of(text, "slug: Họp Dân"), line_of(text, "date: 31/02/2024")]


def test_broken_yaml_names_a_line_in_the_file(md, news):
    text = "---\ntitle: Họp dân\nsummary: Tóm tắt\n  date: 2024-03-04\ntags: [a]\n---\nNội dung\n"
    problems = errors_of(text, news, md)
    assert len(problems) == 1
    # Line 3 of the YAML is line 4 of the file: the opening fence counts.
    assert problems[0].line == line_of(text, "  date: 2024-03-04") == 4
    assert "YAML" in problems[0].message


def test_unclosed_front_matter(md, news):
    problems = errors_of("---\ntitle: Họp dân\n\nNội dung không có fence đóng.\n", news, md)
    assert len(problems) == 1
    assert problems[0].line == 1
    assert "'---'" in problems[0].message


def test_front_matter_must_be_a_mapping(md, news):
    problems = errors_of("---\n- a\n- b\n---\n", news, md)
    assert [p.line for p in problems] == [2]


def test_unknown_kind_suggests_the_right_one(md, news):
    text = "---\ntitle: Họp dân\nkind: articel\n---\n"
    problems = errors_of(text, news, md)
    assert len(problems) == 1
    assert problems[0].line == 3
    assert "'articel'" in problems[0].message
    assert "'article'" in problems[0].message


def test_unknown_key_is_a_warning_not_an_error(md, news):
    text = "---\ntitle: Họp dân\ntag: an ninh\n---\n"
    page, warnings = parse_page(text, SOURCE, news, md)
    assert page.title == "Họp dân"
    assert page.tags == ()
    assert len(warnings) == 1
    assert warnings[0].level == "warning"
    assert warnings[0].line == 3
    assert "'tag'" in warnings[0].message and "'tags'" in warnings[0].message
    assert str(warnings[0]).startswith("content/tin-tuc/x.md:3: cảnh báo: ")


def test_document_keys_are_unknown_on_an_article(md, news):
    page, warnings = parse_page("---\ntitle: A\nnumber: 15/QĐ\n---\n", SOURCE, news, md)
    assert page.document is None
    assert [w.line for w in warnings] == [3]


def test_nfd_input_is_normalised(md, news):
    text = unicodedata.normalize("NFD", "---\ntitle: Thông báo lịch tiếp công dân\n---\nĐường Điện Biên Phủ\n")
    page, _ = parse_page(text, SOURCE, news, md)
    assert page.title == unicodedata.normalize("NFC", "Thông báo lịch tiếp công dân")
    assert page.slug == "thong-bao-lich-tiep-cong-dan"
    assert page.summary == unicodedata.normalize("NFC", "Đường Điện Biên Phủ")


def test_bom_and_crlf_are_accepted(md, news):
    text = "\ufeff---\r\ntitle: Họp dân\r\ndate: 2024-03-04\r\n---\r\nNội dung\r\n"
    page, _ = parse_page(text, SOURCE, news, md)
    assert page.title == "Họp dân"
    assert page.date == datetime(2024, 3, 4, tzinfo=VN_TZ)


def test_split_front_matter_returns_offset():
    assert split_front_matter("---\na: 1\n---\nbody", "x.md") == ("a: 1", "body", 1)
    assert split_front_matter("body only", "x.md") == (None, "body only", 0)


# --- documents and procedures ------------------------------------------------


def test_document_requires_number_and_doc_type(md):
    van_ban = parse_section(None, None, "van-ban", md)
    assert van_ban.kind == DOCUMENT
    problems = errors_of("---\ntitle: Quyết định phê duyệt\n---\n", van_ban, md, "content/van-ban/qd.md")
    messages = sorted(p.message for p in problems)
    assert len(messages) == 2
    assert "'doc_type'" in messages[0]
    assert "'number'" in messages[1]
    assert all(p.path == "content/van-ban/qd.md" for p in problems)


def test_document_fields_and_issued_defaults_to_date(md):
    van_ban = parse_section(None, None, "van-ban", md)
    text = (
        "---\ntitle: Quyết định phê duyệt kế hoạch\ndate: 15/01/2024\nnumber: 15/2024/QĐ-UBND\n"
        "doc_type: Quyết định\nsigner: Nguyễn Văn A\nfile: /files/qd-15.pdf\n---\nTrích yếu.\n"
    )
    page, warnings = parse_page(text, "content/van-ban/qd.md", van_ban, md)
    assert warnings == []
    assert page.kind == DOCUMENT
    doc = page.document
    assert (doc.number, doc.doc_type, doc.signer, doc.file) == ("15/2024/QĐ-UBND", "Quyết định", "Nguyễn Văn A", "/files/qd-15.pdf")
    assert doc.issued == datetime(2024, 1, 15, tzinfo=VN_TZ)
    assert doc.year == 2024
    assert page.url == "/van-ban/quyet-dinh-phe-duyet-ke-hoach/"


def test_document_date_defaults_to_issued(md):
    van_ban = parse_section(None, None, "van-ban", md)
    text = "---\ntitle: Kế hoạch\nnumber: 3/KH-UBND\ndoc_type: Kế hoạch\nissued: 2024-05-02\n---\n"
    page, _ = parse_page(text, "content/van-ban/kh.md", van_ban, md)
    assert page.date == datetime(2024, 5, 2, tzinfo=VN_TZ)


def test_procedure_requires_field(md, news):
    problems = errors_of("---\ntitle: Đăng ký khai sinh\nkind: procedure\n---\n", news, md)
    assert len(problems) == 1
    assert "'field'" in problems[0].message


def test_procedure_gets_default_portal_url(md):
    thu_tuc = parse_section(None, None, "thu-tuc-hanh-chinh", md)
    assert thu_tuc.kind == PROCEDURE
    text = (
        "---\ntitle: Đăng ký khai sinh\nfield: Hộ tịch\npapers: [Tờ khai, Giấy chứng sinh]\n"
        "forms:\n  - title: Tờ khai đăng ký khai sinh\n    url: /files/to-khai.docx\n---\n"
    )
    page, warnings = parse_page(text, "content/thu-tuc-hanh-chinh/khai-sinh.md", thu_tuc, md)
    assert warnings == []
    proc = page.procedure
    assert proc.field == "Hộ tịch"
    assert proc.portal_url == DEFAULT_PORTAL == "https://dichvucong.gov.vn"
    assert proc.papers == ("Tờ khai", "Giấy chứng sinh")
    assert proc.forms[0].title == "Tờ khai đăng ký khai sinh"
    assert proc.forms[0].url == "/files/to-khai.docx"


def test_procedure_explicit_portal_url_is_kept(md):
    thu_tuc = parse_section(None, None, "thu-tuc-hanh-chinh", md)
    text = "---\ntitle: Chứng thực\nfield: Chứng thực\nportal_url: https://dichvucong.gov.vn/p/1\n---\n"
    page, _ = parse_page(text, "content/thu-tuc-hanh-chinh/ct.md", thu_tuc, md)
    assert page.procedure.portal_url == "https://dichvucong.gov.vn/p/1"


# --- slugs --------------------------------------------------------------------


def test_slug_from_vietnamese_title(md, news):
    page, _ = parse_page("---\ntitle: Đường Điện Biên Phủ được nâng cấp\n---\n", SOURCE, news, md)
    assert page.slug == "duong-dien-bien-phu-duoc-nang-cap"
    assert page.url == "/tin-tuc/duong-dien-bien-phu-duoc-nang-cap/"


def test_explicit_valid_slug_is_used(md, news):
    page, _ = parse_page("---\ntitle: Họp dân\nslug: hop-dan-2024\n---\n", SOURCE, news, md)
    assert page.url == "/tin-tuc/hop-dan-2024/"


@pytest.mark.parametrize("slug", ["Họp Dân", "hop--dan", "hop_dan", "-hop-dan"])
def test_explicit_invalid_slug_is_rejected(md, news, slug):
    text = f"---\ntitle: Họp dân\nslug: '{slug}'\n---\n"
    problems = errors_of(text, news, md)
    assert len(problems) == 1
    assert problems[0].line == 3
    assert "'slug'" in problems[0].message


def test_title_without_letters_gives_no_slug(md, news):
    problems = errors_of("---\ntitle: '!!!'\n---\n", news, md)
    assert ["'slug'" in p.message for p in problems] == [True]
    assert problems[0].line == 2


def test_root_page_url(md):
    root = SectionInfo("", None, "")
    page, _ = parse_page("---\ntitle: Giới thiệu\n---\n", "content/gioi-thieu.md", root, md)
    assert page.url == "/gioi-thieu/"
    assert page.section == ""


# --- sections ----------------------------------------------------------------


def test_parse_section_defaults_without_index(md):
    info = parse_section(None, None, "tin-tuc", md)
    assert info.path == "tin-tuc"
    assert info.source is None
    assert info.title == "Tin tuc"
    assert (info.kind, info.sort, info.weight, info.paginate, info.in_menu) == (ARTICLE, "date", 0, None, True)
    assert parse_section(None, None, "thu-tuc-hanh-chinh", md).kind == PROCEDURE
    assert parse_section(None, None, "cong-khai/ngan-sach", md).title == "Ngan sach"


def test_parse_section_reads_index(md):
    text = "---\ntitle: Thông báo\nsort: title\nmenu: false\nweight: 3\npaginate: 5\n---\nGiới thiệu **chuyên mục**.\n"
    info = parse_section(text, "content/thong-bao/_index.md", "thong-bao", md)
    assert info.title == "Thông báo"
    assert info.source == "content/thong-bao/_index.md"
    assert (info.sort, info.in_menu, info.weight, info.paginate) == ("title", False, 3, 5)
    assert info.intro_html == "<p>Giới thiệu <strong>chuyên mục</strong>.</p>"


def test_parse_section_index_without_title_uses_folder_name(md):
    info = parse_section("---\nweight: 1\n---\n", "content/lien-he/_index.md", "lien-he", md)
    assert info.title == "Lien he"
    assert info.intro_html == ""


@pytest.mark.parametrize("sort", ["date", "weight", "title"])
def test_parse_section_accepts_valid_sorts(md, sort):
    assert parse_section(f"---\nsort: {sort}\n---\n", "content/a/_index.md", "a", md).sort == sort


def test_parse_section_rejects_invalid_sort_and_paginate(md):
    text = "---\ntitle: Tin tức\nsort: alphabet\npaginate: 0\n---\n"
    with pytest.raises(PageError) as info:
        parse_section(text, "content/tin-tuc/_index.md", "tin-tuc", md)
    problems = info.value.problems
    assert [p.line for p in problems] == [line_of(text, "sort: alphabet"), line_of(text, "paginate: 0")]
    assert "'alphabet'" in problems[0].message
    assert str(problems[0]).startswith("content/tin-tuc/_index.md:3: ")


def test_parse_section_rejects_unknown_keys_with_a_suggestion(md):
    text = "---\ntitle: Tin tức\nwieght: 3\n---\n"
    with pytest.raises(PageError) as info:
        parse_section(text, "content/tin-tuc/_index.md", "tin-tuc", md)
    assert [str(p) for p in info.value.problems] == [
        "content/tin-tuc/_index.md:3: khóa 'wieght' không dùng được trong _index.md; có phải ý bạn là 'weight'?"
    ]


def test_a_level_one_heading_in_the_body_becomes_h2(md, news):
    page, _ = parse_page("---\ntitle: Tiêu đề\n---\n# Phần một\n\nNội dung.\n", SOURCE, news, md)
    assert "<h1" not in page.body_html
    assert '<h2 id="phan-mot">Phần một</h2>' in page.body_html


# --- aliases: old addresses of the page ------------------------------------------------------


def test_aliases_are_kept_in_order_without_repeats(md, news):
    text = '---\ntitle: Lịch tiếp dân\naliases: ["/thong-bao/lich-cu/", "/tin/bai-12.html", "/thong-bao/lich-cu/"]\n---\nx\n'
    page, _ = parse_page(text, SOURCE, news, md)
    assert page.aliases == ("/thong-bao/lich-cu/", "/tin/bai-12.html")
    assert parse_page("---\ntitle: A\naliases: /cu/\n---\n", SOURCE, news, md)[0].aliases == ("/cu/",)


@pytest.mark.parametrize("alias", ["https://x.gov.vn/cu/", "//x.gov.vn/cu/", "cu/", "/a/../../etc/", "/tin?id=3", "/tin#a",
                                   "/có dấu/", "/a b/", "/", "/.git/", "javascript:alert(1)", "/a\\b/"])
def test_an_alias_outside_the_site_or_not_a_plain_path_is_an_error_at_its_line(md, news, alias):
    text = f"---\ntitle: Lịch tiếp dân\ndate: 2024-03-01\naliases: [{alias!r}]\n---\nx\n".replace("'", '"')
    [problem] = errors_of(text, news, md)
    assert problem.line == 4 and problem.message.startswith("'aliases':") and "bắt đầu bằng '/'" in problem.message


# --- files on the officer's computer --------------------------------------------------------


@pytest.mark.parametrize("line, folder, name", [
    (r"![Ảnh họp dân](C:\Users\CanBo\Pictures\IMG_1234.jpg)", "images", "IMG_1234.jpg"),
    ("![Ảnh](D:/Anh/hop dan.jpg)", "images", "hop dan.jpg"),
    (r"[Kế hoạch](\\may-chu\chung\ke-hoach.docx)", "files", "ke-hoach.docx"),
    ("[Tờ khai](file:///C:/Users/CanBo/to-khai.pdf)", "files", "to-khai.pdf"),
    (r'<img src="C:\Anh\a.png" alt="a">', "images", "a.png"),
])
def test_a_picture_or_file_on_the_officers_computer_is_an_error_saying_where_to_put_it(md, news, line, folder, name):
    text = f"---\ntitle: Họp dân\n---\nĐoạn đầu.\n\n{line}\n"
    [problem] = errors_of(text, news, md)
    assert problem.line == 6 and "máy tính" in problem.message
    assert f"static/{folder}/" in problem.message and f"(/{folder}/{name})" in problem.message


def test_the_bodys_own_addresses_are_listed_with_their_lines(md, news):
    text = "---\ntitle: Họp dân\n---\n[Lịch](/thong-bao/lich/)\n\n![Ảnh](/images/a.jpg)\n\n[Ngoài](https://x.gov.vn/) [tệp](/files/a.pdf#trang-2)\n"
    page, _ = parse_page(text, SOURCE, news, md)
    assert page.local_links == (("/thong-bao/lich/", 4), ("/images/a.jpg", 6), ("/files/a.pdf#trang-2", 8))


def test_a_tab_in_front_matter_is_named_at_its_line_in_the_file(md, news):
    text = "---\ntitle: Họp dân\n\tdate: 2024-03-04\n---\nNội dung\n"
    [problem] = errors_of(text, news, md)
    assert problem.line == 3 and "Tab" in problem.message


def test_an_unclosed_quote_is_named_where_it_opened_not_where_the_front_matter_ends(md, news):
    text = '---\ntitle: "Họp dân ấp 3\ndate: 2024-03-04\nsummary: Tóm tắt\n---\nNội dung\n'
    [problem] = errors_of(text, news, md)
    assert problem.line == 2 and "chưa được đóng" in problem.message
