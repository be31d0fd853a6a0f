"""The province portal's search: every commune's search index, joined (docs/search.md, "A province").

Each commune's build wrote its index under `<code>/tim-kiem/`. The portal's index lists the
communes (name, address, where their pages start in the province's numbering) and, for each
word, the communes that have it with their postings unchanged: `{"word": [[commune, "postings"], …]}`,
so joining them rewrites no posting. A result's file is the commune's own, linked into the portal as `c/<commune>/<n>.json`.
Words on more than COMMON of all pages are named in `meta.common` with their page counts: the
page fetches their buckets only when the query has no rarer word, which keeps the first results
within budget however many communes there are. Reading the communes' files is the I/O; `join` is pure.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Sequence

from ..render.search_index import BUCKET_BYTES, VERSION, fnv1a, to_json
from ..urls import SEARCH_DIR

COMMON = 0.4
_POSTING = re.compile(r"[A-Z]")


def join(communes: Sequence[tuple[str, str, str, dict, list[dict[str, str]]]]) -> tuple[dict, list[dict]]:
    """[(code, name, address, its meta.json, its buckets)] -> the province's meta and buckets. A commune is
    named by its place in the list: its result files are `c/<place>/<n>.json`."""
    words: dict[str, list[list]] = {}
    years: Counter[int] = Counter()
    listed, offset = [], 0
    for number, (code, name, address, meta, buckets) in enumerate(communes):
        listed.append([name, address, offset])
        offset += meta["pages"]
        years.update({year: count for year, count in meta.get("years", [])})
        for bucket in buckets:
            for word, postings in bucket.items():
                if not word.startswith("~s"):  # a commune's sections are its own
                    words.setdefault(word, []).append([number, postings])
    pages = offset
    df = {word: sum(len(_POSTING.findall(p)) for _, p in lists) for word, lists in words.items()}
    size = sum(len(w) + sum(len(p) + 8 for _, p in lists) for w, lists in words.items())
    count = max(1, -(-size // BUCKET_BYTES))
    out: list[dict] = [{} for _ in range(count)]
    for word in sorted(words):
        out[fnv1a(word) % count][word] = words[word]
    meta = {"version": VERSION, "pages": pages, "buckets": count, "sections": [],
            "years": [[year, years[year]] for year in sorted(years, reverse=True)],
            "communes": listed, "common": {w: n for w, n in sorted(df.items()) if pages and n > COMMON * pages and not w.startswith("~")}}
    return meta, out


def portal_search(out_root: Path, communes: Sequence[tuple[str, str, str]]) -> tuple[dict[str, bytes], dict[str, Path]]:
    """[(code, name, address)] of the communes built -> (the portal's index files, the result files to link in)."""
    parts, links = [], {}
    for code, name, address in communes:
        folder = out_root / code / SEARCH_DIR
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            buckets = [json.loads((folder / "b" / f"{n}.json").read_text(encoding="utf-8")) for n in range(meta["buckets"])]
        except (OSError, ValueError, KeyError):
            continue  # a commune without a good build has no index: its pages are not searched
        parts.append((code, name, address, meta, buckets))
        links.update({f"{SEARCH_DIR}/c/{len(parts) - 1}/{n}.json": folder / "f" / f"{n}.json" for n in range(meta["pages"])})
    meta, buckets = join(parts)
    files = {f"{SEARCH_DIR}/meta.json": to_json(meta)}
    files.update((f"{SEARCH_DIR}/b/{n}.json", to_json(bucket)) for n, bucket in enumerate(buckets))
    return files, links
