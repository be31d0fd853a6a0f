"""An article's neighbours: the pages before and after it in its section, and pages related to it.

Pure, from the assembled `Site`. Related pages share its tags (each shared tag counts twice),
or stand beside it in its section's list (once); the newest win ties. Only the newest
`SCAN` pages of each tag are looked at, so a tag on thousands of pages stays cheap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..vietnamese import slugify
from .model import Page, Site

LIMIT = 4
SCAN = 24
BESIDE = 3  # places either side in the section's list that count as related


@dataclass(frozen=True)
class Nearby:
    previous: Page | None  # read before this one: older in a list by date, else the one above it
    next: Page | None
    related: tuple[Page, ...]

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(p for p in (self.previous, self.next) if p) + self.related


def nearby(site: Site, page: Page) -> Nearby:
    section = site.section(page.section)
    listed = section.listed if section else ()
    at = site.listed_index.get(page.source)
    if at is None or listed[at].source != page.source:  # expired, or a page outside the sections
        above = below = None
        beside: tuple[Page, ...] = ()
    else:
        above = listed[at - 1] if at > 0 else None
        below = listed[at + 1] if at + 1 < len(listed) else None
        beside = listed[max(0, at - BESIDE): at] + listed[at + 1: at + 1 + BESIDE]
    previous, next_ = (below, above) if section is not None and section.info.sort == "date" else (above, below)
    taken = {page.source} | {p.source for p in (previous, next_) if p}
    scores: Counter[str] = Counter()
    by_source: dict[str, Page] = {}
    for slug in {slugify(name) for name in page.tags}:
        tag = site.tag_map.get(slug)
        for other in tag.pages[:SCAN] if tag else ():
            scores[other.source] += 2
            by_source[other.source] = other
    for other in beside:
        scores[other.source] += 1
        by_source[other.source] = other
    ranked = sorted((p for s, p in by_source.items() if s not in taken),
                    key=lambda p: (-scores[p.source], -(p.date.timestamp() if p.date else 0), p.source))
    return Nearby(previous, next_, tuple(ranked[:LIMIT]))
