"""Adapters: one source document (bytes) -> `Parsed` (items and alerts).

The interface a province implements for its own source system (docs/sources.md):

    class MyAdapter:
        name = "tinh-abc"                                   # used as `format:` in site.yaml
        def accepts(self, data: bytes) -> bool: ...         # for `format: auto`
        def parse(self, data: bytes, base_url: str) -> Parsed: ...   # raise SourceError(reason)

and registers it under the entry point group `xaweb.sources` (or calls
`register()`). The standard formats are the built-in adapters below. An
adapter only reads; `merge` sanitises and validates whatever it returns
again, so a province adapter cannot let unsafe HTML or links through.
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urljoin
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ..priorities import parse_priority
from . import levels
from .cap import alert_from_element, embedded_alerts, parse_cap
from .detect import JSONFEED_VERSION, sniff
from .model import Alert, FeedItem, Parsed, SourceError
from .safety import (
    clean_html, from_struct_time, paragraphs, parse_date, parse_xml, safe_link, strip_bom, summary_of, text, text_of_html,
)

ENTRY_POINT_GROUP = "xaweb.sources"
CAP_TYPES = {"application/cap+xml", "application/common-alerting-protocol+xml"}
MAX_LINKED = 50
# Entries read from one document. A feed is a window on recent news (sites take 10 by default), and
# feedparser needs about 0.4 ms an entry: a hostile 45,000-entry feed would hold a build for 18 s.
MAX_ENTRIES = 500
ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"
RSS1_ITEM = "{http://purl.org/rss/1.0/}item"
HTML_TYPES = {"text/html", "application/xhtml+xml"}


@runtime_checkable
class Adapter(Protocol):
    name: str

    def accepts(self, data: bytes) -> bool: ...

    def parse(self, data: bytes, base_url: str) -> Parsed: ...


def _tagged(categories: list[str]) -> tuple[tuple[str, ...], str | None, int | None]:
    """Categories that carry a priority or a risk level are read as such, not shown as categories."""
    kept, priority, level = [], None, None
    for cat in categories:
        p, lv = parse_priority(cat), levels.parse_level(cat)
        if p:
            priority = priority or p
        elif lv:
            level = level or lv
        elif cat:
            kept.append(cat)
    return tuple(kept), priority, level


# --- RSS 0.9x / 1.0 / 2.0 and Atom, with feedparser -----------------------------


class FeedAdapter:
    name = "feed"

    def accepts(self, data: bytes) -> bool:
        return sniff(data) in ("rss", "atom")

    def parse(self, data: bytes, base_url: str) -> Parsed:
        # defusedxml first: it refuses entity declarations, which feedparser would expand.
        root = parse_xml(data)
        dropped = _drop_entries_beyond(root, MAX_ENTRIES)
        if dropped:
            data = ElementTree.tostring(root, encoding="utf-8")
        alerts = []
        for el in embedded_alerts(root):
            try:
                alerts.append(alert_from_element(el))
            except SourceError:
                continue  # one broken message does not hide the others
        embedded = bool(alerts)  # then any cap_* keys feedparser saw belong to those messages
        import feedparser  # here, not at the top: a site without sources never pays for importing it

        headers = {"content-location": base_url} if base_url else {}
        result = feedparser.parse(data, response_headers=headers, resolve_relative_uris=True, sanitize_html=True)
        if not result.get("version"):
            raise SourceError("không nhận ra nguồn tin RSS/Atom")
        items, links = [], []
        for entry in result.entries:
            item = _feed_item(entry)
            if item:
                items.append(item)
            links += [safe_link(link.get("href")) for link in entry.get("links", []) if link.get("type") in CAP_TYPES]
            if not embedded and any(k.startswith("cap_") for k in entry):
                inline = _inline_cap(entry, item)
                if inline:
                    alerts.append(inline)
        unique_links = tuple(dict.fromkeys(link for link in links if link))[:MAX_LINKED]
        return Parsed(result.version, tuple(items), tuple(alerts), unique_links, dropped)


def _drop_entries_beyond(root: Element, limit: int) -> int:
    """Keep the first `limit` entries (RSS items, Atom entries) in document order; how many were dropped."""
    parents = [root, *root.findall("channel")]  # Atom and RSS 1.0 entries sit under the root, RSS 2.0 items under <channel>
    entries = [(parent, el) for parent in parents for el in parent if el.tag in ("item", ATOM_ENTRY, RSS1_ITEM)]
    for parent, el in entries[limit:]:
        parent.remove(el)
    return max(0, len(entries) - limit)


def _feed_item(entry: Any) -> FeedItem | None:
    # Titles are text: feeds often carry escaped markup in them, which is dropped rather than shown.
    title = text_of_html(entry.get("title", ""))
    link = safe_link(entry.get("link"))
    content = ""
    for part in entry.get("content", []):
        value = part.get("value") or ""
        if value:
            content = clean_html(value) if part.get("type") in HTML_TYPES else paragraphs(value)
            break
    summary_detail = entry.get("summary_detail") or {}
    summary = summary_of(entry.get("summary", ""), summary_detail.get("type") in HTML_TYPES) or summary_of(content)
    ident = text(entry.get("id")) or link or ""
    if not title and not summary:
        return None
    # dict.get: feedparser's own get() maps a missing updated_parsed to published_parsed, with a warning.
    updated = from_struct_time(dict.get(entry, "updated_parsed"))
    date = from_struct_time(entry.get("published_parsed")) or updated
    categories, priority, level = _tagged([text(t.get("term") or t.get("label")) for t in entry.get("tags", [])])
    return FeedItem(
        id=ident or f"{title}|{date.isoformat() if date else ''}",
        title=title or summary[:80],
        link=link,
        date=date,
        updated=updated,
        summary=summary,
        content_html=content,
        categories=categories,
        priority=priority,
        level=level,
    )


def _inline_cap(entry: Any, item: FeedItem | None) -> Alert | None:
    """Feeds that put CAP fields straight in each entry (cap:event, cap:severity, cap:expires, ...)."""
    if item is None or item.lastmod is None:
        return None
    return Alert(
        id=item.id, headline=item.title, sent=item.date or item.lastmod,
        msg_type=text(entry.get("cap_msgtype")) or "Alert", status=text(entry.get("cap_status")) or "Actual",
        event=text(entry.get("cap_event")), area=text(entry.get("cap_areadesc")),
        severity=levels.severity(entry.get("cap_severity")), urgency=levels.urgency(entry.get("cap_urgency")),
        certainty=levels.certainty(entry.get("cap_certainty")), description=item.summary,
        instruction=text(entry.get("cap_instruction")), expires=parse_date(entry.get("cap_expires")), link=item.link,
    )


# --- JSON Feed 1.0 / 1.1 -------------------------------------------------------------


def _str(value: Any) -> str:
    """A JSON string (or number); anything else counts as absent."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


class JsonFeedAdapter:
    """JSON Feed, with an optional `_xaweb` extension per item: priority, level, expires, area, instruction."""

    name = "jsonfeed"

    def accepts(self, data: bytes) -> bool:
        return sniff(data) == "jsonfeed"

    def parse(self, data: bytes, base_url: str) -> Parsed:
        try:
            doc = json.loads(strip_bom(data).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise SourceError(f"JSON không hợp lệ ({type(exc).__name__})") from None
        if not isinstance(doc, dict) or not _str(doc.get("version")).startswith(JSONFEED_VERSION) or not isinstance(doc.get("items"), list):
            raise SourceError("không phải JSON Feed (thiếu 'version' của jsonfeed.org hoặc danh sách 'items')")
        base = _str(doc.get("feed_url")) or base_url
        entries = doc["items"][:MAX_ENTRIES]
        items = tuple(item for raw in entries if isinstance(raw, dict) and (item := _json_item(raw, base)))
        return Parsed("jsonfeed", items, dropped=len(doc["items"]) - len(entries))


def _json_item(raw: dict, base: str) -> FeedItem | None:
    def link(key: str) -> str | None:
        value = _str(raw.get(key))
        return safe_link(urljoin(base, value) if base and value else value)

    content = clean_html(_str(raw.get("content_html"))) or paragraphs(_str(raw.get("content_text")))
    summary = text_of_html(_str(raw.get("summary"))) or summary_of(content)
    title = text_of_html(_str(raw.get("title"))) or summary[:80]
    url = link("url") or link("external_url")
    ident = text(_str(raw.get("id"))) or url
    if not title or not ident:
        return None
    raw_ext, raw_tags = raw.get("_xaweb"), raw.get("tags")
    ext: dict[Any, Any] = raw_ext if isinstance(raw_ext, dict) else {}
    tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
    categories, priority, level = _tagged([text(_str(t)) for t in tags])
    return FeedItem(
        id=ident, title=title, link=url,
        date=parse_date(raw.get("date_published")), updated=parse_date(raw.get("date_modified")),
        summary=summary, content_html=content, categories=categories,
        priority=parse_priority(ext.get("priority")) or priority,
        level=levels.parse_level(ext.get("level"), bare=True) or level,
        expires=parse_date(ext.get("expires")), area=text_of_html(_str(ext.get("area"))),
        instruction=text_of_html(_str(ext.get("instruction"))),
    )


# --- CAP 1.2 single messages ------------------------------------------------------


class CapAdapter:
    name = "cap"

    def accepts(self, data: bytes) -> bool:
        return sniff(data) == "cap"

    def parse(self, data: bytes, base_url: str) -> Parsed:
        return Parsed("cap", alerts=(parse_cap(data),))


# --- the registry ------------------------------------------------------------------

BUILTIN: tuple[Adapter, ...] = (CapAdapter(), JsonFeedAdapter(), FeedAdapter())
ALIASES = {"rss": "feed", "atom": "feed", "json": "jsonfeed"}
_registered: list[Adapter] = []
_plugins: list[Adapter] | None = None


def register(adapter: Adapter) -> None:
    """Add an adapter (tried before the built-in ones by `format: auto`)."""
    if not isinstance(adapter, Adapter):
        raise TypeError(f"{adapter!r} is not a source adapter (needs name, accepts, parse)")
    _registered.append(adapter)


def _entry_point_adapters() -> list[Adapter]:
    """Installed plug-ins; looked up only when needed (scanning installed packages takes a while)."""
    global _plugins
    if _plugins is None:
        loaded = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
        _plugins = [a() if isinstance(a, type) else a for a in loaded]
    return _plugins


def find_adapter(fmt: str) -> Adapter | None:
    name = ALIASES.get(fmt, fmt)
    for adapter in [*_registered, *BUILTIN]:
        if adapter.name == name:
            return adapter
    return next((a for a in _entry_point_adapters() if a.name == name), None)


def known_format(fmt: str) -> bool:
    return fmt == "auto" or find_adapter(fmt) is not None


def _detect(data: bytes) -> Adapter | None:
    """`format: auto`: registered adapters, then the standard formats, then installed plug-ins."""
    for adapter in [*_registered, *BUILTIN]:
        if adapter.accepts(data):
            return adapter
    return next((a for a in _entry_point_adapters() if a.accepts(data)), None)


def parse_document(data: bytes, fmt: str = "auto", base_url: str = "") -> Parsed:
    """Read one document with the named adapter, or the first that accepts it; SourceError says why not."""
    if not data.strip():
        raise SourceError("nguồn trả về nội dung rỗng")
    adapter = _detect(data) if fmt == "auto" else find_adapter(fmt)
    if adapter is None:
        raise SourceError("không nhận ra định dạng (cần RSS, Atom, JSON Feed hoặc bản tin CAP 1.2)" if fmt == "auto"
                          else f"không có bộ chuyển đổi '{fmt}'")
    try:
        return adapter.parse(data, base_url)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a province adapter's bug must not stop the build; it is reported
        raise SourceError(f"bộ chuyển đổi '{adapter.name}' gặp lỗi: {type(exc).__name__}: {exc}") from None
