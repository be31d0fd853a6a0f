"""What a source document becomes: a `Parsed` of `FeedItem`s and `Alert`s (content/model.py).

Adapters fill the content fields; `merge` sets the fields that depend on the
site (`source`, `target`, `url`) with `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Alert, FeedItem

# Where a source's items go besides a section path.
HOME = "home"
ALERTS = "alerts"


class SourceError(Exception):
    """A document that cannot be used (malformed, unsafe, not a feed); the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One source document, read by an adapter."""

    format: str  # what it was: "rss20", "atom10", "jsonfeed", "cap", or a province adapter's name
    items: tuple[FeedItem, ...] = ()
    alerts: tuple[Alert, ...] = ()
    links: tuple[str, ...] = ()  # further documents to fetch and read (CAP messages a feed links to)
    dropped: int = 0  # entries beyond the adapters' MAX_ENTRIES, not read
