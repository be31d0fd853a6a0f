"""Digests of build inputs: ground floor, so the cache, the fingerprints and the inputs share one definition."""

from __future__ import annotations

import hashlib
from typing import Iterable


def digest(*parts: object) -> str:
    """One digest of several parts; each part's length goes in first, so ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def digest_all(digests: Iterable[str]) -> str:
    """One digest of many digests: each has the same length, so plain joining is unambiguous (and cheap: sitemaps list every page)."""
    return hashlib.blake2b("".join(digests).encode("ascii"), digest_size=16).hexdigest()
