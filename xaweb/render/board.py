"""The public electronic bulletin board's playlist (bang-tin.json): what the screen shows, in order.

Pure: the assembled site in, a JSON-ready dict out (schema: docs/bang-tin.schema.json). Order:
the active alerts (most severe first, as the banner), then the board sections' pages, khẩn cấp,
ưu tiên and pinned ones first, then newest first, up to `board.slides`. A page leaves the board
with `board: false`, at its `board_until`, or when it expires (then it is off every list).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from ..content.assemble import expiry_moment
from ..content.markup import cut_text
from ..content.model import DOCUMENT, Alert, Page, Site
from ..priorities import PRIORITY, URGENT

VERSION = 1
TEXT = 280  # characters of a page's summary on a slide: read from several metres
_ORDER = {URGENT: 0, PRIORITY: 1}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def on_board(page: Page, now: datetime) -> bool:
    return page.board and not page.expired and not (page.board_until and now >= expiry_moment(page.board_until))


def _until(page: Page) -> datetime | None:
    moments = [expiry_moment(m) for m in (page.expires, page.board_until) if m]
    return min(moments) if moments else None


def _alert_slide(alert: Alert, duration: int, absurl: Callable[[str], str]) -> dict[str, Any]:
    return {
        "id": alert.id, "type": "alert", "title": alert.headline, "text": alert.instruction or alert.description,
        "image": None, "duration": max(1, duration), "priority": URGENT, "from": _iso(alert.sent), "until": _iso(alert.expires),
        "source": "commune" if alert.id.startswith("page:") else "province", "url": absurl(alert.link) if alert.link else None,
        "severity": alert.severity, "level": alert.level, "area": alert.area or None,
    }


def page_slide(page: Page, kind: str, image: str | None, source: str, duration: int, url: str) -> dict[str, Any]:
    """A page's slide; `image` and `url` absolute (the playlist is read by other screens too)."""
    return {
        "id": "page:" + page.url, "type": kind, "title": page.title, "text": cut_text(page.summary, TEXT), "image": image,
        "image_alt": (page.image_alt or "") if image else None, "duration": max(1, page.board_duration or duration),
        "priority": page.priority, "from": _iso(page.date), "until": _iso(_until(page)), "source": source, "url": url,
        "number": page.document.number if page.document else None,
    }


def _site_slide(page: Page, site: Site, absurl: Callable[[str], str], shared: str) -> dict[str, Any]:
    info = site.images.get(page.image) if page.image else None
    # The largest copy the build made (1080 px wide): enough for a 1920×1080 screen's picture half.
    image = absurl(info.variants[-1].url if info and info.variants else page.image) if page.image else None
    kind = "document" if page.kind == DOCUMENT else "announcement" if page.section == site.config.home.announcements_section else "news"
    source = "province" if shared and page.source.startswith(shared + "/") else "commune"
    return page_slide(page, kind, image, source, site.config.board.duration, absurl(page.url))


def playlist(site: Site, absurl: Callable[[str], str], shared: str = "") -> dict[str, Any]:
    """`shared`: a province's shared-content folder, whose pages are the province's."""
    board, now = site.config.board, site.build_time
    pages = [p for p in site.pages if p.section.split("/", 1)[0] in board.sections and on_board(p, now)]
    pages.sort(key=lambda p: (_ORDER.get(p.priority, 2), not p.pinned))  # stable: newest first within each group
    slides = [_alert_slide(a, board.alert_duration, absurl) for a in site.alerts]
    shown = {s["id"] for s in slides}
    slides += [_site_slide(p, site, absurl, shared) for p in pages[: board.slides] if "page:" + p.url not in shown]
    dates = [p.lastmod for p in pages[: board.slides] if p.lastmod] + [a.sent for a in site.alerts]
    return {
        "version": VERSION, "updated": _iso(max(dates)) if dates else None, "refresh": max(1, board.refresh),
        "site": {"name": site.config.site_title, "committee": site.config.committee, "url": absurl("/")},
        "slides": slides,
    }

