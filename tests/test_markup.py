"""xaweb.content.markup: Markdown extensions, sanitising, table of contents, summaries."""

from __future__ import annotations

import pytest

from xaweb.content.markup import MD_LINK, make_markdown, mark_file_links, plain_text, render_markdown, sanitize, summarize
from xaweb.content.model import TocEntry
from xaweb.vietnamese import slugify


@pytest.fixture(scope="module")
def md():
    return make_markdown()


def render(md, text: str) -> str:
    return render_markdown(md, text)[0]


# --- extensions ----------------------------------------------------------------


def test_tables_keep_column_alignment(md):
    html = render(md, "| Số | Trích yếu |\n|:--|--:|\n| 15/QĐ | Phê duyệt |\n")
    assert "<table>" in html
    assert '<th style="text-align: left;">Số</th>' in html
    assert '<td style="text-align: right;">Phê duyệt</td>' in html


def test_footnotes_render_reference_and_note(md):
    html = render(md, "Theo Nghị định[^1].\n\n[^1]: Nghị định 42/2022/NĐ-CP.\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert "Nghị định 42/2022/NĐ-CP." in html
    assert 'title="Quay lại chú thích 1"' in html


def test_toc_entries_are_flattened_with_slug_ids(md):
    text = "## Mục một: Giới thiệu\n\nx\n\n### Chi tiết Đường\n\ny\n\n## Mục hai\n\n#### Quá sâu\n"
    html, toc = render_markdown(md, text)
    assert toc == (
        TocEntry(2, "muc-mot-gioi-thieu", "Mục một: Giới thiệu"),
        TocEntry(3, "chi-tiet-duong", "Chi tiết Đường"),
        TocEntry(2, "muc-hai", "Mục hai"),
    )
    for entry in toc:
        assert entry.id == slugify(entry.title)
        assert f'id="{entry.id}"' in html
    # h4 is below toc_depth but still gets an id.
    assert '<h4 id="qua-sau">Quá sâu</h4>' in html


def test_toc_titles_are_unescaped_text(md):
    _, toc = render_markdown(md, "## Thu & chi *ngân sách*\n")
    assert toc == (TocEntry(2, "thu-chi-ngan-sach", "Thu & chi ngân sách"),)


def test_heading_ids_avoid_the_theme_s_own_ids(md):
    html, toc = render_markdown(md, "## Nội dung\n\n## Liên hệ\n")
    assert [e.id for e in toc] == ["muc-noi-dung", "lien-he"]
    assert '<h2 id="muc-noi-dung">Nội dung</h2>' in html


def test_toc_is_reset_between_documents(md):
    render_markdown(md, "## Cũ\n")
    _, toc = render_markdown(md, "Không có tiêu đề.\n")
    assert toc == ()


def test_attr_list_on_paragraph_heading_and_link(md):
    html = render(md, "Đoạn cảnh báo\n{: .canh-bao #p1 }\n\n## Lịch làm việc {: #lich }\n\n[Tải về](/files/a.pdf){: .tai-ve }\n")
    assert '<p class="canh-bao" id="p1">Đoạn cảnh báo</p>' in html
    assert '<h2 id="lich">Lịch làm việc</h2>' in html
    assert '<a class="tai-ve" href="/files/a.pdf">Tải về</a>' in html


def test_abbreviation_extension_keeps_title(md):
    html = render(md, "UBND xã thông báo.\n\n*[UBND]: Ủy ban nhân dân\n")
    assert '<abbr title="Ủy ban nhân dân">UBND</abbr>' in html


# --- sanitising ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "forbidden", "kept"),
    [
        ("<p>Trước</p><script>alert('x')</script><p>Sau</p>", ["<script", "alert"], ["<p>Trước</p>", "<p>Sau</p>"]),
        ('<p onclick="steal()">Bấm</p>', ["onclick", "steal"], ["<p>Bấm</p>"]),
        ('<a href="javascript:alert(1)">Liên kết</a>', ["javascript", "href"], ["<a>Liên kết</a>"]),
        ('<a href="JaVaScRiPt:alert(1)">Hoa thường</a>', ["javascript", "href"], ["<a>Hoa thường</a>"]),
        ('<iframe src="https://evil.example/"></iframe><p>Nội dung</p>', ["<iframe", "evil"], ["<p>Nội dung</p>"]),
        ("<style>body{display:none}</style><p>Chữ</p>", ["<style", "display"], ["<p>Chữ</p>"]),
        ('<form action="/gui"><input name="cmnd"><button>Gửi</button></form>', ["<form", "<input", "<button", "action"], []),
        ('<img src="/a.jpg" onerror="x()" alt="Ảnh">', ["onerror"], ['<img src="/a.jpg" alt="Ảnh">']),
        ('<p style="color:red" class="c">x</p>', ["style", "color"], ['<p class="c">x</p>']),
        ("<!-- ghi chú nội bộ --><p>x</p>", ["ghi chú", "<!--"], ["<p>x</p>"]),
    ],
)
@pytest.mark.attack("content")
def test_sanitize_removes_dangerous_html(dirty, forbidden, kept):
    clean = sanitize(dirty)
    for bad in forbidden:
        assert bad.lower() not in clean.lower(), clean
    for good in kept:
        assert good in clean, clean


def test_sanitize_keeps_abbr_title_and_safe_links():
    clean = sanitize(
        '<abbr title="Ủy ban nhân dân">UBND</abbr> <a href="https://dichvucong.gov.vn/?a=1&amp;b=2">DVC</a>'
        ' <a href="mailto:ubnd@danang.gov.vn">Thư</a> <a href="tel:02363846000">Gọi</a>'
    )
    assert '<abbr title="Ủy ban nhân dân">UBND</abbr>' in clean
    assert 'href="https://dichvucong.gov.vn/?a=1&amp;b=2"' in clean
    assert 'href="mailto:ubnd@danang.gov.vn"' in clean
    assert 'href="tel:02363846000"' in clean


@pytest.mark.attack("content")
def test_markdown_javascript_link_and_raw_html_go_through_sanitizer(md):
    html = render(md, "[Bấm](javascript:alert(1))\n\n<script>alert(2)</script>\n\n<iframe src=x></iframe>\n")
    assert "javascript" not in html
    assert "<script" not in html
    assert "<iframe" not in html
    assert "<a>Bấm</a>" in html


def test_table_cell_style_only_keeps_text_align():
    clean = sanitize(
        '<table><tr><td style="text-align: center">a</td><td style="background:url(x)">b</td></tr></table>'
    )
    assert '<td style="text-align: center">a</td>' in clean
    assert "background" not in clean
    assert "<td>b</td>" in clean


# --- plain text and summaries ---------------------------------------------------


def test_plain_text_collapses_whitespace_and_unescapes():
    assert plain_text("<p>Thu &amp; chi</p>\n\n<p>  ngân   sách </p>") == "Thu & chi ngân sách"


def test_plain_text_separates_blocks_but_not_inline_markup(md):
    html = render(md, "- Một\n- Hai\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nDòng một  \nDòng hai, *nghiêng*.\n")
    assert plain_text(html) == "Một Hai A B 1 2 Dòng một Dòng hai, nghiêng."


def test_plain_text_separates_details_and_summary():
    # <details>/<summary> are allowed (questions and answers pasted as HTML).
    html = sanitize("<details><summary>Hỏi: Giờ làm việc?</summary>Đáp: 7 giờ 30.</details>")
    assert plain_text(html) == "Hỏi: Giờ làm việc? Đáp: 7 giờ 30."


def test_summarize_short_text_is_unchanged():
    assert summarize("<p>Lịch tiếp công dân.</p>") == "Lịch tiếp công dân."


def test_summarize_cuts_at_word_boundary_with_ellipsis():
    html = "<p>" + "Ủy ban nhân dân xã tổ chức hội nghị " * 10 + "</p>"
    summary = summarize(html, 50)
    assert summary == "Ủy ban nhân dân xã tổ chức hội nghị Ủy ban nhân…"
    assert len(summary) <= 51
    assert plain_text(html).startswith(summary[:-1])


def test_summarize_drops_trailing_punctuation_before_ellipsis():
    assert summarize("<p>Một, hai, ba, bốn năm</p>", 12) == "Một, hai…"


def test_summarize_ignores_footnote_text(md):
    html = render(md, "Họp dân khu phố 3 " * 3 + "[^1].\n\n[^1]: Ghi chú rất dài không được vào tóm tắt.\n")
    summary = summarize(html)
    assert "Ghi chú" not in summary
    assert "Quay lại" not in summary
    assert summary.startswith("Họp dân khu phố 3 Họp dân")


def test_summarize_leaves_out_footnote_reference_marks(md):
    html = render(md, "Một hai ba[^1].\n\n[^1]: Ghi chú.\n")
    assert summarize(html) == "Một hai ba."


def test_summarize_inline_markup_adds_no_space_before_punctuation(md):
    html = render(md, "Xã **Hòa Phước**, thành phố Đà Nẵng.")
    assert summarize(html) == "Xã Hòa Phước, thành phố Đà Nẵng."


def test_links_to_markdown_files_are_marked_with_the_file_they_name(md):
    body = render(md, "[a](../thong-bao/lich-tiep.md) [b](/van-ban/qd%2001.md#dieu-1) [c](cung-muc.MD) "
                      "[d](https://x.gov.vn/a.md) [e](../../../etc/passwd.md) [f](/tin-tuc/)")
    marked, named = mark_file_links(body, "content/tin-tuc/hop-dan.md")
    assert named == {"content/thong-bao/lich-tiep.md": "../thong-bao/lich-tiep.md",
                     "content/van-ban/qd 01.md": "/van-ban/qd%2001.md#dieu-1",
                     "content/tin-tuc/cung-muc.MD": "cung-muc.MD"}
    assert f'href="{MD_LINK}content/thong-bao/lich-tiep.md"' in marked
    assert f'href="{MD_LINK}content/van-ban/qd 01.md#dieu-1"' in marked
    # Another site's file, a path out of the site and an address are left as written.
    assert 'href="https://x.gov.vn/a.md"' in marked and 'href="../../../etc/passwd.md"' in marked and 'href="/tin-tuc/"' in marked
