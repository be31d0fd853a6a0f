"""xaweb.content.related: an article's previous and next pages in its section, and related pages."""

from __future__ import annotations

from datetime import datetime

from xaweb.content.assemble import assemble_site
from xaweb.content.model import Page, SectionInfo
from xaweb.content.related import LIMIT, SCAN, nearby
from xaweb.vietnamese import VN_TZ, slugify

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ)


def article(title: str, day: int, section: str = "tin-tuc", tags: tuple[str, ...] = (), **kw) -> Page:
    slug = slugify(title)
    return Page(source=f"content/{section}/{slug}.md", section=section, slug=slug, url=f"/{section}/{slug}/", kind="article",
                title=title, body_html="<p>x</p>", summary="x", date=datetime(2025, 5, day, tzinfo=VN_TZ), tags=tags, **kw)


def site_of(pages: list[Page], sort: str = "date"):
    infos = {s: SectionInfo(s, f"content/{s}/_index.md", s, sort=sort) for s in {p.section for p in pages}}
    site, problems = assemble_site(object(), infos, pages, NOW)
    assert problems == []
    return site


def test_previous_is_the_older_page_and_next_the_newer_in_a_list_by_date():
    site = site_of([article("Ba", 3), article("Một", 1), article("Hai", 2)])
    middle = site.page_map["content/tin-tuc/hai.md"]
    around = nearby(site, middle)
    assert (around.previous.title, around.next.title) == ("Một", "Ba")
    first = nearby(site, site.page_map["content/tin-tuc/mot.md"])
    assert first.previous is None and first.next.title == "Hai"


def test_previous_and_next_follow_the_list_when_it_is_not_by_date():
    site = site_of([article("Bước 2", 1, weight=2), article("Bước 1", 2, weight=1), article("Bước 3", 3, weight=3)], sort="weight")
    around = nearby(site, site.page_map["content/tin-tuc/buoc-2.md"])
    assert (around.previous.title, around.next.title) == ("Bước 1", "Bước 3")


def test_related_pages_share_tags_first_then_stand_beside_it_and_never_repeat_previous_or_next():
    pages = [article(f"Tin {n}", n) for n in range(1, 10)]
    pages += [article("Lúa mới", 20, tags=("nông nghiệp", "lúa")), article("Giá lúa", 25, section="thong-bao", tags=("Lua",)),
              article("Hạn mặn", 15, section="thong-bao", tags=("Nông nghiệp", "lúa"))]
    site = site_of(pages)
    around = nearby(site, site.page_map["content/tin-tuc/lua-moi.md"])
    shown = [around.previous, around.next, *around.related]
    assert len({p.source for p in shown if p}) == len([p for p in shown if p])
    # Both tags shared beats one; a tag spelled with another case or without its marks is the same tag.
    assert [p.title for p in around.related][:2] == ["Hạn mặn", "Giá lúa"]
    assert len(around.related) == LIMIT
    assert all(p.source != "content/tin-tuc/lua-moi.md" for p in around.related)


def test_expired_pages_are_neither_neighbours_nor_related():
    old = article("Hết hạn", 2, tags=("lúa",), expires=datetime(2025, 5, 20, tzinfo=VN_TZ))
    site = site_of([article("Một", 1, tags=("lúa",)), old, article("Ba", 3, tags=("lúa",))])
    around = nearby(site, site.page_map["content/tin-tuc/mot.md"])
    assert around.next.title == "Ba" and [p.title for p in around.related] == []
    assert nearby(site, site.page_map["content/tin-tuc/het-han.md"]).previous is None


def test_a_tag_on_many_pages_is_scanned_only_so_far():
    pages = [article(f"Bài {n}", 1 + n % 28, section=f"muc-{n}", tags=("chung",)) for n in range(SCAN * 5)]
    site = site_of(pages)
    tag = site.tag_map["chung"]
    around = nearby(site, pages[0])
    assert len(around.related) == LIMIT
    assert {p.source for p in around.related} <= {p.source for p in tag.pages[:SCAN]}
