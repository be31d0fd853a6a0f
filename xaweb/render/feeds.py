"""RSS 2.0 and Atom feeds with feedgen.

Dates come from content, never from the clock, so an unchanged site gives
byte-identical feeds (and aggregators see a real `lastBuildDate`).

For a province aggregator: GUIDs are the pages' permanent URLs; the feed
carries the commune's administrative code as a category in the CODE_SCHEME
scheme; each entry has its tags as plain categories and its section as a
category whose scheme is the section's URL (docs/sources.md).
"""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from ..content.model import Page
from ..vietnamese import VN_TZ

# A fixed date for a feed with nothing dated in it: stable, obviously "no date".
EPOCH = datetime(2000, 1, 1, tzinfo=VN_TZ)
# The scheme of the category carrying the administrative unit code (the
# General Statistics Office's list of Vietnam's administrative units).
CODE_SCHEME = "https://danhmuchanhchinh.gso.gov.vn/"


def build_feed(
    *,
    fmt: str,  # "rss" or "atom"
    title: str,
    description: str,
    home_url: str,  # absolute
    self_url: str,  # absolute
    language: str,
    publisher: str,
    pages: list[Page],
    absurl,
    full_content: bool,
    fallback_updated: datetime | None,
    code: str = "",  # the commune's administrative unit code
    sections: dict[str, tuple[str, str]] | None = None,  # section path -> (title, absolute URL)
) -> bytes:
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.description(description or title)
    fg.subtitle(description or title)
    # feedgen uses the last link as RSS's <link>, which must be the HTML page.
    fg.link(href=self_url, rel="self")
    fg.link(href=home_url, rel="alternate")
    fg.language(language)
    fg.author(name=publisher)
    fg.generator("xaweb")
    if code:
        fg.category(term=code, scheme=CODE_SCHEME)
    dates = [p.lastmod for p in pages if p.lastmod]
    updated = max(dates) if dates else (fallback_updated or EPOCH)
    fg.lastBuildDate(updated)
    fg.updated(updated)
    for page in pages:
        link = absurl(page.url)
        entry = fg.add_entry(order="append")
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(page.title)
        entry.link(href=link)
        entry.description(page.summary or page.title)
        if full_content:
            entry.content(page.body_html, type="CDATA" if fmt == "rss" else "html")
        stamp = page.date or updated
        entry.published(stamp)
        entry.updated(page.lastmod or stamp)
        for tag in page.tags:
            entry.category(term=tag)
        if sections and page.section in sections:
            section_title, section_url = sections[page.section]
            entry.category(term=section_title, scheme=section_url)
        if page.author:
            entry.author(name=page.author)
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
