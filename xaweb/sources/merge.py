"""Parsed source documents -> what the site shows. Pure: the build time is passed in.

- every item is made safe again (a province adapter may have skipped it);
- each source's filters: categories, keywords, max age, max items;
- de-duplication by id and by link, across sources (the first source listed wins);
- priorities: the source's default for items without one; khẩn cấp items and
  every item of a source whose target is the banner become alerts;
- alerts: CAP messages count only from sources whose target is `alerts` (and
  from the senders such a source names); an Actual Update or Cancel replaces
  what it references from its own sender; only Actual messages are shown,
  only until `expires` (or `alert_hours` after `sent`); most severe first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Sequence

from ..config import CONFIG_FILE, Source
from ..content.assemble import expiry_moment
from ..content.model import Page
from ..errors import Problem
from ..priorities import NORMAL, URGENT, parse_priority
from ..vietnamese import VN_TZ, slugify, strip_diacritics
from . import levels
from .adapters import known_format
from .model import ALERTS, HOME, Alert, FeedItem, Parsed
from .safety import clean_html, safe_link, text, text_of_html

EPOCH = datetime(2000, 1, 1, tzinfo=VN_TZ)  # "sent" of an undated urgent item: stable, obviously no date
SHOWN_TYPES = ("Alert", "Update")


@dataclass(frozen=True)
class Merged:
    items: tuple[FeedItem, ...] = ()  # every listed item, newest first
    alerts: tuple[Alert, ...] = ()  # active at build time, most severe first


def is_url(location: str) -> bool:
    return bool(re.match(r"https?://", location, re.I))


def check_sources(sources: Sequence[Source], section_paths: set[str]) -> list[Problem]:
    """Settings a build cannot honour; errors, since they are the site's own mistakes."""
    problems: list[Problem] = []
    for i, source in enumerate(sources):
        where = f"sources[{i}] ('{source.name}')"

        def bad(message: str) -> None:
            problems.append(Problem(CONFIG_FILE, None, f"{where}: {message}"))

        if not source.url:
            bad("thiếu 'url' (địa chỉ http(s) hoặc đường dẫn tệp trong thư mục trang)")
        elif re.match(r"[a-z][a-z0-9+.-]*://", source.url, re.I) and not is_url(source.url):
            bad(f"'url': '{source.url}' phải là địa chỉ http(s)://… hoặc đường dẫn tệp")
        if source.target not in (HOME, ALERTS) and source.target not in section_paths:
            bad(f"'target': không có chuyên mục '{source.target}' trong content/; chọn '{HOME}', '{ALERTS}' hoặc đường dẫn một chuyên mục")
        if not known_format(source.format):
            bad(f"'format': không có bộ chuyển đổi '{source.format}' (auto, rss, atom, jsonfeed, cap hoặc bộ chuyển đổi của tỉnh)")
        if parse_priority(source.priority) is None:
            bad(f"'priority': '{source.priority}' không hợp lệ; chọn thông thường, ưu tiên hoặc khẩn cấp")
        for host in source.linked_hosts:
            if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]", host, re.I):
                bad(f"'linked_hosts': '{host}' phải là tên máy (ví dụ cap.dongthap.gov.vn), không kèm http:// hay đường dẫn")
        if source.max_items < 1 or source.max_age_days < 0:
            bad("'max_items' phải lớn hơn 0 và 'max_age_days' không được âm")
    return problems


# --- items ---------------------------------------------------------------------


def _safe_item(item: FeedItem, default_priority: str) -> FeedItem:
    return replace(
        item,
        id=text(item.id)[:500],
        title=text(item.title),
        link=safe_link(item.link),
        summary=text(item.summary),
        content_html=clean_html(item.content_html),
        categories=tuple(c for c in (text(c) for c in item.categories) if c),
        priority=parse_priority(item.priority) or default_priority,
        level=item.level if item.level in (1, 2, 3, 4, 5) else None,
        area=text(item.area),
        instruction=text(item.instruction),
    )


def _folded(value: str) -> str:
    return " ".join(strip_diacritics(value).lower().split())


def _wanted(item: FeedItem, source: Source, now: datetime) -> bool:
    if not item.title:
        return False
    if item.expires and now >= item.expires:
        return False
    if source.categories:
        wanted = {slugify(c) for c in source.categories}
        if not wanted & {slugify(c) for c in item.categories}:
            return False
    if source.keywords:
        haystack = _folded(f"{item.title} {item.summary}")
        if not any(_folded(k) in haystack for k in source.keywords):
            return False
    if source.max_age_days and item.date and item.date + timedelta(days=source.max_age_days) <= now:
        return False
    return True


def _newest_first(item: FeedItem) -> tuple[float, str]:
    stamp = item.lastmod.timestamp() if item.lastmod else float("-inf")
    return (-stamp, item.id)


def _keys(item: FeedItem) -> set[str]:
    keys = {"id:" + item.id}
    if item.link:
        keys.add("link:" + item.link.split("#", 1)[0].rstrip("/").lower())
    return keys


def item_slug(item: FeedItem) -> str:
    """A readable slug that two items never share: the title's, plus a digest of the id."""
    tag = hashlib.blake2b(item.id.encode("utf-8"), digest_size=3).hexdigest()
    return f"{slugify(item.title)[:60].strip('-') or 'muc'}-{tag}"


def item_alert(item: FeedItem, alert_hours: int) -> Alert:
    """An urgent item (or any item of a banner source) as an alert; severity from its level, else its priority."""
    sent = item.date or item.updated
    expires = item.expires or (sent + timedelta(hours=alert_hours) if sent else None)
    return Alert(
        id="item:" + item.id, headline=item.title, sent=sent or EPOCH, area=item.area,
        severity=levels.LEVEL_SEVERITY[item.level] if item.level else levels.PRIORITY_SEVERITY[item.priority or NORMAL],
        urgency=levels.PRIORITY_URGENCY[item.priority or NORMAL], level=item.level,
        description=item.summary, instruction=item.instruction, expires=expires, link=item.link, source=item.source,
    )


# --- alerts ----------------------------------------------------------------------


def _safe_alert(alert: Alert, source: str, alert_hours: int) -> Alert:
    # CAP text fields are plain text: markup in them (escaped or not) is dropped, so aggregators
    # that insert alerts.json as HTML get text (docs/sources.md).
    return replace(
        alert, source=source, link=safe_link(alert.link),
        headline=text_of_html(alert.headline), event=text_of_html(alert.event), area=text_of_html(alert.area),
        description=text_of_html(alert.description), instruction=text_of_html(alert.instruction),
        sender_name=text_of_html(alert.sender_name),
        severity=levels.severity(alert.severity, alert.level), urgency=levels.urgency(alert.urgency),
        expires=alert.expires or alert.sent + timedelta(hours=alert_hours),
    )


def _replaced(alerts: Sequence[Alert]) -> set[str]:
    """Ids that an Update or Cancel takes off the banner.

    Only an Actual message may, and only for its own sender's messages: a Test
    or Exercise Cancel, or one naming another sender, replaces nothing.
    """
    return {ref for a in alerts if a.msg_type in ("Update", "Cancel") and a.status == "Actual" and a.sender
            for ref in a.references if ref.split(",", 1)[0] == a.sender}


def active_alerts(alerts: Sequence[Alert], now: datetime) -> tuple[Alert, ...]:
    """Apply Updates and Cancels, keep what is Actual and not expired, most severe first."""
    replaced = _replaced(alerts)
    latest: dict[str, Alert] = {}
    for alert in sorted(alerts, key=lambda a: a.sent):
        # A Cancel is never shown itself; Ack and Error are for the sender.
        if alert.id in replaced or alert.msg_type not in SHOWN_TYPES or alert.status != "Actual":
            continue
        if alert.expires is not None and now >= alert.expires:
            continue
        latest[alert.id] = alert  # a message repeated by two sources counts once
    return tuple(sorted(latest.values(), key=lambda a: (*levels.banner_order(a.severity, a.urgency), -a.sent.timestamp(), a.id)))


# --- everything --------------------------------------------------------------------


def page_alert(page: Page, alert_hours: int, committee: str) -> Alert:
    """The commune's own khẩn cấp announcement on the banner: until the page expires, else for
    `alert_hours` from its date; without either, while the page says khẩn cấp."""
    expires = expiry_moment(page.expires) if page.expires else page.date + timedelta(hours=alert_hours) if page.date else None
    return Alert(
        id="page:" + page.url, headline=page.title, sent=page.date or EPOCH, severity=levels.PRIORITY_SEVERITY[URGENT],
        urgency=levels.PRIORITY_URGENCY[URGENT], description=page.summary, expires=expires, link=page.url, source=committee,
    )


def merge(sources: Sequence[Source], documents: Sequence[Parsed | None], now: datetime, alert_hours: int = 24,
          own: Sequence[Alert] = ()) -> Merged:
    """`documents[i]` is what source i gave (None: nothing usable); `own`: the site's own alerts (`page_alert`)."""
    seen: set[str] = set()
    items: list[FeedItem] = []
    alerts: list[Alert] = list(own)
    for source, doc in zip(sources, documents):
        if doc is None:
            continue
        default = parse_priority(source.priority) or NORMAL
        # The entries of a feed of CAP messages are envelopes: the messages are the alerts.
        items_alert = source.target == ALERTS and not doc.alerts
        candidates = sorted((_safe_item(i, default) for i in doc.items), key=_newest_first)
        taken = 0
        for item in candidates:
            if taken >= source.max_items or not _wanted(item, source, now):
                continue
            keys = _keys(item)
            if keys & seen:
                continue
            seen |= keys
            taken += 1
            own_page = source.full_pages and item.content_html and source.target not in (HOME, ALERTS)
            item = replace(item, source=source.name, target=source.target,
                           url=f"/{source.target}/{item_slug(item)}/" if own_page else None)
            if items_alert or item.priority == URGENT:
                alerts.append(item_alert(item, alert_hours))
            if source.target != ALERTS:
                items.append(item)
        # CAP content raises or lowers the banner only from a source configured for alerts, and
        # only from the senders it names when it names some: a news feed cannot carry a Cancel.
        if source.target == ALERTS:
            alerts += [_safe_alert(a, source.name, alert_hours) for a in doc.alerts
                       if not source.senders or a.sender in source.senders]
    return Merged(tuple(sorted(items, key=_newest_first)), active_alerts(alerts, now))


def next_change(merged: Merged, sources: Sequence[Source], now: datetime) -> datetime | None:
    """The next moment time alone changes what the sources show (an item ages out, an alert expires)."""
    max_age = {s.name: s.max_age_days for s in sources}
    moments = [a.expires for a in merged.alerts if a.expires]
    for item in merged.items:
        if item.expires:
            moments.append(item.expires)
        days = max_age.get(item.source)
        if days and item.date:
            moments.append(item.date + timedelta(days=days))
    later = [m for m in moments if m > now]
    return min(later) if later else None
