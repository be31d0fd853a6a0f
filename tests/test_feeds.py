"""xaweb.render.feeds: RSS and Atom, read back with feedparser."""

from __future__ import annotations

import time
from datetime import datetime

import feedparser
import pytest

from xaweb.content.model import Page
from xaweb.render.feeds import EPOCH, build_feed
from xaweb.vietnamese import VN_TZ

BASE = "https://hoaphuoc.danang.gov.vn"


def d(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def absurl(url: str) -> str:
    return BASE + url


def page(slug: str, title: str, **kw) -> Page:
    return Page(source=f"content/tin-tuc/{slug}.md", section="tin-tuc", slug=slug, url=f"/tin-tuc/{slug}/",
                kind="article", title=title, body_html=kw.pop("body_html", "<p>Nội dung &amp; chi tiết</p>"),
                summary=kw.pop("summary", f"Tóm tắt {title}"), **kw)


PAGES = [
    page("hop-dan", "Họp dân & đối thoại", date=d(2024, 3, 4, 8, 30), tags=("Tiếp công dân", "An ninh"), author="Văn phòng"),
    page("lich-tiep", "Lịch tiếp công dân", date=d(2024, 2, 1)),
    page("cu", "Tin cũ", date=d(2023, 12, 31, 23, 0)),
]


def feed(fmt: str, pages=PAGES, **kw) -> bytes:
    args = dict(
        fmt=fmt, title="Tin tức – UBND xã Hòa Phước", description="Tin hoạt động của xã",
        home_url=absurl("/tin-tuc/"), self_url=absurl(f"/tin-tuc/{fmt}.xml"), language="vi",
        publisher="Ủy ban nhân dân xã Hòa Phước", pages=list(pages), absurl=absurl,
        full_content=False, fallback_updated=None,
    )
    args.update(kw)
    return build_feed(**args)


def parsed(fmt: str, **kw):
    result = feedparser.parse(feed(fmt, **kw))
    assert not result.bozo, result.get("bozo_exception")
    return result


@pytest.mark.parametrize(("fmt", "version"), [("rss", "rss20"), ("atom", "atom10")])
def test_feed_is_well_formed_with_titles_in_order(fmt, version):
    result = parsed(fmt)
    assert result.version == version
    assert result.feed.title == "Tin tức – UBND xã Hòa Phước"
    assert [e.title for e in result.entries] == ["Họp dân & đối thoại", "Lịch tiếp công dân", "Tin cũ"]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_entry_links_and_ids_are_absolute(fmt):
    result = parsed(fmt)
    assert [e.link for e in result.entries] == [
        f"{BASE}/tin-tuc/hop-dan/", f"{BASE}/tin-tuc/lich-tiep/", f"{BASE}/tin-tuc/cu/",
    ]
    assert [e.id for e in result.entries] == [e.link for e in result.entries]


def test_rss_self_link_is_the_feed():
    result = parsed("rss")
    self_links = [ln.href for ln in result.feed.links if ln.get("rel") == "self"]
    assert self_links == [f"{BASE}/tin-tuc/rss.xml"]


def test_atom_links_home_and_self():
    result = parsed("atom")
    links = {ln.rel: ln.href for ln in result.feed.links}
    assert links == {"alternate": f"{BASE}/tin-tuc/", "self": f"{BASE}/tin-tuc/atom.xml"}
    assert result.feed.id == f"{BASE}/tin-tuc/atom.xml"


def test_rss_channel_link_is_the_html_page():
    # RSS 2.0: <channel><link> is "the URL to the HTML website corresponding to the channel".
    result = parsed("rss")
    assert result.feed.link == f"{BASE}/tin-tuc/"


def test_rss_dates_are_plus_seven():
    result = parsed("rss")
    assert [e.published for e in result.entries] == [
        "Mon, 04 Mar 2024 08:30:00 +0700",
        "Thu, 01 Feb 2024 00:00:00 +0700",
        "Sun, 31 Dec 2023 23:00:00 +0700",
    ]
    # The parsed time (UTC) matches the Vietnam time.
    assert result.entries[0].published_parsed[:5] == (2024, 3, 4, 1, 30)


def test_atom_dates_are_plus_seven():
    result = parsed("atom")
    assert [e.published for e in result.entries] == [
        "2024-03-04T08:30:00+07:00", "2024-02-01T00:00:00+07:00", "2023-12-31T23:00:00+07:00",
    ]
    assert [e.updated for e in result.entries] == [e.published for e in result.entries]


def test_last_build_date_is_the_newest_page_date_not_now():
    rss = parsed("rss")
    assert rss.feed.updated == "Mon, 04 Mar 2024 08:30:00 +0700"
    assert b"<lastBuildDate>Mon, 04 Mar 2024 08:30:00 +0700</lastBuildDate>" in feed("rss")
    atom = parsed("atom")
    assert atom.feed.updated == "2024-03-04T08:30:00+07:00"


def test_feed_updated_uses_the_newest_update():
    pages = [page("a", "A", date=d(2024, 1, 1), updated=d(2024, 4, 2, 10, 0)), page("b", "B", date=d(2024, 3, 1))]
    assert parsed("atom", pages=pages).feed.updated == "2024-04-02T10:00:00+07:00"
    atom_entry = parsed("atom", pages=pages).entries[0]
    assert (atom_entry.published, atom_entry.updated) == ("2024-01-01T00:00:00+07:00", "2024-04-02T10:00:00+07:00")
    assert parsed("rss", pages=pages).feed.updated == "Tue, 02 Apr 2024 10:00:00 +0700"


def test_feed_without_dates_uses_fallback_then_epoch():
    undated = [page("a", "A")]
    fallback = d(2024, 5, 5, 8, 0)  # the site-wide lastmod, as the renderer passes it
    assert parsed("atom", pages=undated, fallback_updated=fallback).feed.updated == "2024-05-05T08:00:00+07:00"
    assert parsed("atom", pages=undated).feed.updated == EPOCH.isoformat() == "2000-01-01T00:00:00+07:00"
    # An undated entry takes the feed date rather than the clock.
    assert parsed("atom", pages=undated).entries[0].published == "2000-01-01T00:00:00+07:00"
    assert parsed("rss", pages=[]).feed.updated == "Sat, 01 Jan 2000 00:00:00 +0700"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_categories_are_the_page_tags(fmt):
    result = parsed(fmt)
    assert [t.term for t in result.entries[0].tags] == ["Tiếp công dân", "An ninh"]
    assert "tags" not in result.entries[1]


def test_atom_entry_author():
    result = parsed("atom")
    assert result.entries[0].author == "Văn phòng"
    assert result.feed.author == "Ủy ban nhân dân xã Hòa Phước"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_summary_and_full_content(fmt):
    short = parsed(fmt)
    assert short.entries[1].summary == "Tóm tắt Lịch tiếp công dân"
    full = parsed(fmt, full_content=True)
    assert full.entries[0].content[0].value == "<p>Nội dung &amp; chi tiết</p>"


def test_same_input_gives_identical_bytes():
    first = {fmt: feed(fmt, full_content=True) for fmt in ("rss", "atom")}
    time.sleep(1.05)  # a clock-dependent field (seconds resolution) would now differ
    assert {fmt: feed(fmt, full_content=True) for fmt in ("rss", "atom")} == first


def test_feed_language():
    assert parsed("rss").feed.language == "vi"
    assert b'xml:lang="vi"' in feed("atom")
