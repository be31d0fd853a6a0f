"""The commune radio (đài truyền thanh): the bulletins' podcast feed and the broadcast schedule.

Pure: the assembled site in, bytes and data out. A bulletin is a page of kind `audio` (the
`truyen-thanh` section) whose file the build could read (`Site.audio`, by mutagen). The schedule
lists every broadcast time in order, with the three priorities of Decision 184/QĐ-BTTTT:
khẩn cấp bulletins are marked to play at once, whatever their times say.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from feedgen.feed import FeedGenerator

from ..content.model import AudioFacts, Page, Site
from ..priorities import URGENT

VERSION = 1


def bulletins(site: Site) -> list[Page]:
    """Listed bulletins with a readable file, newest first."""
    return [p for p in site.listed_pages if p.audio and p.audio.file in site.audio]


def _facts_of(site: Site, page: Page) -> AudioFacts:
    assert page.audio is not None  # bulletins() keeps only pages with a readable file
    return site.audio[page.audio.file]


def podcast_rss(site: Site, absurl: Callable[[str], str], self_path: str, section_path: str) -> bytes:
    """RSS 2.0 with enclosures (length, type) and iTunes durations (feedgen's podcast extension)."""
    config = site.config
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(f"Bản tin truyền thanh – {config.committee}")
    fg.link(href=absurl(section_path), rel="alternate")
    fg.link(href=absurl(self_path), rel="self")
    fg.description(f"Các bản tin của đài truyền thanh {config.committee}, kèm toàn văn")
    fg.language(config.language)
    fg.generator("xaweb")
    fg.podcast.itunes_author(config.committee)
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_category("Government")
    pages = bulletins(site)
    dates = [p.lastmod for p in pages if p.lastmod]
    if dates:
        fg.lastBuildDate(max(dates))
    for page in reversed(pages):  # feedgen prepends: the newest ends first
        facts = _facts_of(site, page)
        entry = fg.add_entry()
        entry.id(absurl(page.url))
        entry.guid(absurl(page.url), permalink=True)
        entry.title(page.title)
        entry.link(href=absurl(page.url))
        entry.description(page.summary or page.title)
        if page.date:
            entry.pubDate(page.date)
        entry.enclosure(absurl(facts.url), str(facts.size), facts.mime)
        seconds = int(round(facts.seconds))
        entry.podcast.itunes_duration(f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}")
    return fg.rss_str(pretty=True)


def schedule(site: Site, absurl: Callable[[str], str]) -> dict[str, Any]:
    """lich-phat-song.json: every broadcast, in time order; khẩn cấp ones first, to play at once."""
    slots: list[tuple[int, datetime | None, Page]] = []
    for page in bulletins(site):
        broadcast: tuple[datetime | None, ...] = page.audio.broadcast if page.audio else ()
        times = broadcast or ((None,) if page.priority == URGENT else ())  # khẩn cấp: at once, even with no time
        slots += [(0 if page.priority == URGENT else 1, moment, page) for moment in times]
    slots.sort(key=lambda s: (s[0], s[1].timestamp() if s[1] else 0, s[2].url))
    entries = []
    for _, moment, page in slots:
        facts = _facts_of(site, page)
        entries.append({
            "at": moment.isoformat() if moment else None, "now": page.priority == URGENT, "priority": page.priority,
            "title": page.title, "audio": absurl(facts.url), "type": facts.mime, "seconds": facts.seconds, "bytes": facts.size,
            "page": absurl(page.url),
        })
    return {"version": VERSION, "station": site.config.committee, "broadcasts": entries}
