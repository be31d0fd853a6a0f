"""xaweb.content.links: the body's links to the site's own addresses, checked at build time."""

from __future__ import annotations

from xaweb.content.links import broken_links
from xaweb.content.model import Page


def page(*links: tuple[str, int]) -> Page:
    return Page("content/tin-tuc/hop.md", "tin-tuc", "hop", "/tin-tuc/hop/", "article", "Họp", "", "", local_links=links)


ANSWERS = {"/", "/tin-tuc/", "/thong-bao/lich-tiep-cong-dan/", "/rss.xml", "/images/hop-dan-ap-3.jpg", "/files/ke-hoach-2025.pdf"}
STATIC = ["/images/hop-dan-ap-3.jpg", "/files/ke-hoach-2025.pdf"]


def test_links_that_answer_are_fine_with_or_without_the_slash_a_fragment_or_encoding():
    links = [("/tin-tuc", 3), ("/tin-tuc/#moi", 4), ("/rss.xml", 5), ("/images/hop-dan-ap-3.jpg", 6), ("/files/ke-hoach-2025.pdf?v=2", 7)]
    assert broken_links([page(*links)], ANSWERS, STATIC) == []


def test_each_link_that_goes_nowhere_is_a_warning_at_its_line_with_the_closest_name():
    problems = broken_links([page(("/images/hop-dan-ap3.JPG", 4), ("/files/ke-hoach-2024.pdf", 6),
                                  ("/thong-bao/lich-tiep-cong-dan-cu/", 8), ("/khong/co/gi/ca/", 9))], ANSWERS, STATIC)
    assert [(p.path, p.line, p.level, p.code) for p in problems] == [("content/tin-tuc/hop.md", n, "warning", "broken-link") for n in (4, 6, 8, 9)]
    messages = [p.message for p in problems]
    assert messages[0] == "không tìm thấy ảnh static/images/hop-dan-ap3.JPG; có phải /images/hop-dan-ap-3.jpg?"
    assert messages[1] == "không tìm thấy tệp static/files/ke-hoach-2024.pdf; có phải /files/ke-hoach-2025.pdf?"
    assert messages[2] == "liên kết tới /thong-bao/lich-tiep-cong-dan-cu/: trang này không có; có phải /thong-bao/lich-tiep-cong-dan/?"
    assert messages[3] == "liên kết tới /khong/co/gi/ca/: trang này không có"
