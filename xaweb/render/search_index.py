"""Site search, the index: every page's words -> the files the browser fetches (format: docs/search.md;
the words come from xaweb/searchwords.py at parse time, the reader is themes/default/static/js/search.js).

- `meta.json`: how many pages, how many buckets, the sections and years to filter by;
- `b/<n>.json`: buckets of words, {word: postings}; a word's bucket is its FNV-1a hash modulo
  the bucket count, so the browser fetches only the buckets of the words it is asked for;
- `f/<n>.json`: one per page: title, address, section, date, document number, the start of its text.

Postings are the pages a word is on, in page order: each is the gap from the previous page
number in base 36 (0-9a-z) and the word's weight there as one letter (A = 1 … Z = 26).
Filters are words too: `~s3` is on the pages of section 3 of `meta.sections`, `~y2024` on
those dated 2024. Pure: pages in, file contents out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..content.model import Page
from ..searchwords import decode_terms
from ..vietnamese import collation_key

VERSION = 1
BUCKET_BYTES = 12_000  # aim: a bucket about this size, so a query fetches a few of them
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def fnv1a(word: str) -> int:
    """32-bit FNV-1a of the word's UTF-8 bytes (search.js computes the same)."""
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if n == 0:
            return out


def _posting(gap: int, weight: int) -> bytes:
    return (_base36(gap) + chr(ord("A") + weight - 1)).encode("ascii")


@dataclass(frozen=True)
class SearchIndex:
    meta: dict
    buckets: tuple[dict[str, str], ...]
    fragments: tuple[dict, ...]  # by page number


def _section_of(page: Page) -> str:
    return page.section.split("/", 1)[0]


def build_index(pages: Iterable[Page], section_titles: Mapping[str, str]) -> SearchIndex:
    """`pages`: what the site publishes; `section_titles`: top-level section path -> title. Addresses
    stay site-relative: search.js puts the site's base path in front."""
    shown = sorted((p for p in pages if not p.expired and p.search_terms), key=lambda p: p.url)
    sections = sorted({_section_of(p) for p in shown if p.section}, key=lambda s: (collation_key(section_titles.get(s, s)), s))
    section_number = {s: i for i, s in enumerate(sections)}
    # Encoded as they come (pages in order): a list of tuples per word would hold millions at 10,000 pages.
    postings: dict[str, bytearray] = {}
    last: dict[str, int] = {}
    years: Counter[int] = Counter()
    per_section: Counter[str] = Counter()
    fragments = []
    for number, page in enumerate(shown):
        terms = decode_terms(page.search_terms)
        if page.section:
            terms.append((f"~s{section_number[_section_of(page)]}", 1))
            per_section[_section_of(page)] += 1
        if page.date:
            terms.append((f"~y{page.date.year}", 1))
            years[page.date.year] += 1
        for word, weight in terms:
            if word not in postings:
                postings[word], last[word] = bytearray(), 0
            postings[word] += _posting(number - last[word], weight)
            last[word] = number
        fragments.append({
            "t": page.title, "u": page.url, "s": section_titles.get(_section_of(page), "") if page.section else "",
            "d": page.date.strftime("%d/%m/%Y") if page.date else "", "n": page.document.number if page.document else "",
            "x": page.search_text,
        })
    encoded = {word: p.decode("ascii") for word, p in postings.items()}
    size = sum(len(w) + len(p) + 6 for w, p in encoded.items())
    count = max(1, -(-size // BUCKET_BYTES))
    buckets: list[dict[str, str]] = [{} for _ in range(count)]
    for word in sorted(encoded):
        buckets[fnv1a(word) % count][word] = encoded[word]
    meta = {
        "version": VERSION, "pages": len(shown), "buckets": count,
        "sections": [[section_titles.get(s, s), per_section[s]] for s in sections],
        "years": [[year, years[year]] for year in sorted(years, reverse=True)],
    }
    return SearchIndex(meta, tuple(buckets), tuple(fragments))


def to_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
