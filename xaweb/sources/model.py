"""What a source feed becomes: frozen `FeedItem`s and `Alert`s, and a `Parsed` document.

Adapters fill the content fields; `merge` sets the fields that depend on the
site (`source`, `target`, `url`) with `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The three bulletin priorities of the source information system, as slugs
# (the labels live in the locale catalogs: priority_thong_thuong, ...).
NORMAL = "thong-thuong"  # thông thường: played on schedule
PRIORITY = "uu-tien"  # ưu tiên
URGENT = "khan-cap"  # khẩn cấp: played at once; raises the alert banner

# Where a source's items go besides a section path.
HOME = "home"
ALERTS = "alerts"


class SourceError(Exception):
    """A document that cannot be used (malformed, unsafe, not a feed); the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    id: str  # the feed's own id/guid, else its link: the key for de-duplication
    title: str  # plain text
    link: str | None = None  # the original, absolute http(s)
    date: datetime | None = None
    updated: datetime | None = None
    summary: str = ""  # plain text
    content_html: str = ""  # sanitised full text; "" when the feed carries only a summary
    categories: tuple[str, ...] = ()
    priority: str | None = None  # NORMAL, PRIORITY or URGENT; None: the source's default
    level: int | None = None  # disaster risk level 1–5 (Decision 18/2021/QĐ-TTg)
    expires: datetime | None = None
    area: str = ""
    instruction: str = ""
    # Set by merge.
    source: str = ""  # the source's name, shown as attribution
    target: str = ""  # section path or HOME
    url: str | None = None  # its own page on this site, when it has one

    @property
    def lastmod(self) -> datetime | None:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class Alert:
    """One CAP 1.2 message (or an urgent item raised to an alert), reduced to what the banner shows."""

    id: str  # "sender,identifier": unique per CAP sender
    headline: str
    sent: datetime
    msg_type: str = "Alert"  # Alert, Update, Cancel
    status: str = "Actual"  # only Actual messages are shown or may replace others
    references: tuple[str, ...] = ()  # ids of the earlier messages an Update or Cancel replaces
    sender: str = ""  # CAP <sender>; "" for an item raised to an alert, which can replace nothing
    event: str = ""
    area: str = ""
    severity: str = "Unknown"  # CAP: Extreme, Severe, Moderate, Minor, Unknown
    urgency: str = "Unknown"  # CAP: Immediate, Expected, Future, Past, Unknown
    certainty: str = "Unknown"
    level: int | None = None  # disaster risk level 1–5 (Decision 18/2021/QĐ-TTg)
    description: str = ""
    instruction: str = ""
    expires: datetime | None = None
    link: str | None = None
    sender_name: str = ""
    source: str = ""  # set by merge


@dataclass(frozen=True, slots=True)
class Parsed:
    """One source document, read by an adapter."""

    format: str  # what it was: "rss20", "atom10", "jsonfeed", "cap", or a province adapter's name
    items: tuple[FeedItem, ...] = ()
    alerts: tuple[Alert, ...] = ()
    links: tuple[str, ...] = ()  # further documents to fetch and read (CAP messages a feed links to)
