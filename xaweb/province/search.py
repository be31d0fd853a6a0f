"""The province portal's search: every commune's search index, joined (docs/search.md, "A province").

Each commune's build wrote its index under `<code>/tim-kiem/`. The portal's index lists the
communes (name, address, where their pages start in the province's numbering) and, for each
word, the communes that have it with their postings unchanged: `{"word": [[commune, "postings"], …]}`,
so joining them rewrites no posting. A result's file is the commune's own, linked into the portal as `c/<commune>/<n>.json`.
Words on more than COMMON of all pages are named in `meta.common` with their page counts: the
page fetches their buckets only when the query has no rarer word, which keeps the first results
within budget however many communes there are. Reading the communes' files is the I/O; `Joined` is pure.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from ..render.search_index import BUCKET_BYTES, VERSION, fnv1a, to_json
from ..urls import SEARCH_DIR

COMMON = 0.4
_WEIGHTS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # a posting ends with its weight, one capital


class Joined:
    """The province's index as it is joined, commune after commune. Each word's entries are kept as
    JSON text in one growing buffer (ASCII: words are [a-z0-9~], postings [0-9a-zA-Z]): memory near
    the size of the index itself, not millions of small objects."""

    def __init__(self) -> None:
        self.words: dict[str, bytearray] = {}
        self.years: Counter[int] = Counter()
        self.communes: list[list] = []
        self.pages = 0

    def add(self, name: str, address: str, meta: dict, buckets: Iterable[dict[str, str]]) -> None:
        number = len(self.communes)
        self.communes.append([name, address, self.pages])
        self.pages += meta["pages"]
        self.years.update({year: count for year, count in meta.get("years", [])})
        words = self.words
        for bucket in buckets:
            for word, postings in bucket.items():
                if word.startswith("~s"):  # a commune's sections are its own
                    continue
                entry = b',[%d,"%s"]' % (number, postings.encode("ascii"))  # the first comma is dropped when written
                entries = words.get(word)
                if entries is None:
                    words[word] = bytearray(entry)
                else:
                    entries += entry

    def common(self) -> dict[str, int]:
        """Words on more than COMMON of the pages, with their page counts. A page's posting ends with its weight,
        the only capital letter in a word's entries, so a word's pages are its capitals; a posting is at least
        two characters, so a word with fewer than twice the threshold in bytes cannot be common."""
        threshold = COMMON * self.pages
        counts = {w: len(e) - len(bytes(e).translate(None, _WEIGHTS)) for w, e in self.words.items()
                  if len(e) > 2 * threshold and not w.startswith("~")}
        return {w: n for w, n in sorted(counts.items()) if n > threshold}

    def files(self) -> tuple[dict, list[bytes]]:
        """The province's meta.json (as data) and its buckets (as bytes)."""
        size = sum(len(w) + len(e) + 4 for w, e in self.words.items())
        count = max(1, -(-size // BUCKET_BYTES))
        parts: list[list[bytes]] = [[] for _ in range(count)]
        for word in sorted(self.words):
            parts[fnv1a(word) % count].append(b'"%s":[%s]' % (word.encode("ascii"), bytes(self.words[word][1:])))
        meta = {"version": VERSION, "pages": self.pages, "buckets": count, "sections": [],
                "years": [[year, self.years[year]] for year in sorted(self.years, reverse=True)], "communes": self.communes,
                "common": self.common()}
        return meta, [b"{" + b",".join(part) + b"}" for part in parts]


def portal_search(out_root: Path, communes: Sequence[tuple[str, str, str]]
                  ) -> tuple[dict[str, bytes], dict[str, tuple[Path, list[str]]]]:
    """[(code, name, address)] of the communes built -> (the portal's index files, the result files to link
    in: folder -> (the commune's folder, file names)). A commune is named by its place in the list: its
    result files are `c/<place>/<n>.json`."""
    joined: Joined = Joined()
    links: dict[str, tuple[Path, list[str]]] = {}
    for code, name, address in communes:
        folder = out_root / code / SEARCH_DIR
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            count = meta["buckets"]
            files = [folder / "b" / f"{n}.json" for n in range(count)]
            if not all(f.is_file() for f in files):
                continue
        except (OSError, ValueError, KeyError):
            continue  # a commune without a good build has no index: its pages are not searched
        links[f"{SEARCH_DIR}/c/{len(joined.communes)}"] = (folder / "f", [f"{n}.json" for n in range(meta["pages"])])
        joined.add(name, address, meta, (json.loads(f.read_text(encoding="utf-8")) for f in files))
    meta, buckets = joined.files()
    out = {f"{SEARCH_DIR}/meta.json": to_json(meta)}
    out.update((f"{SEARCH_DIR}/b/{n}.json", bucket) for n, bucket in enumerate(buckets))
    return out, links
