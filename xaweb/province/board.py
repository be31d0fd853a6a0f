"""The province's bulletin board: one playlist for the large screens the province runs.

Pure: the province's own announcements (shared/thong-bao/ pages meant for every commune) and
the playlists the communes' builds published, in; a playlist of the same schema as a commune's
(docs/bang-tin.schema.json), out. From the communes it takes what is urgent: their active alerts
(a province-wide alert, in every commune's playlist, counts once) and their khẩn cấp and ưu tiên
pages, each labelled with its commune. Order: alerts (most severe first, then newest), then the
pages by priority, then newest first, up to `board.slides`. A slide past its `until` is left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from ..config import Board
from ..content.assemble import expiry_moment
from ..content.model import Page
from ..render.board import VERSION, on_board, page_slide
from ..sources.levels import SEVERITIES
from ..priorities import PRIORITY, URGENT
from .load import ProvinceConfig

_RANK = {URGENT: 0, PRIORITY: 1}


def _moment(value: object) -> datetime | None:
    """An ISO time with its zone (as xaweb writes them), else None: a file from disk is not trusted."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment and moment.tzinfo else None


def _live(slide: dict[str, Any], now: datetime) -> bool:
    """No `until`, or one still ahead; an `until` that cannot be read leaves the slide out."""
    if slide.get("until") is None:
        return True
    until = _moment(slide["until"])
    return until is not None and now < until


def _newest(slide: dict[str, Any]) -> float:
    moment = _moment(slide.get("from"))
    return -moment.timestamp() if moment else 0.0


def _severity(slide: dict[str, Any]) -> int:
    severity = slide.get("severity")
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def commune_items(code: str, name: str, playlist: dict[str, Any], now: datetime
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(alerts, urgent pages) of one commune's published playlist, still valid at `now`.
    The commune's own items get ids unique across the province ('<code>:page:/…') and its name."""
    alerts: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    for slide in playlist.get("slides") or ():
        if not isinstance(slide, dict) or not _live(slide, now):
            continue
        own = slide.get("source") == "commune"
        if slide.get("type") != "alert" and not (own and slide.get("priority") in _RANK):
            continue  # the province's own pages come from shared/, not from a commune's copy of them
        if own:
            slide = {**slide, "id": f"{code}:{slide['id']}", "commune": name, "image": None, "image_alt": None}
        (alerts if slide.get("type") == "alert" else pages).append(slide)
    return alerts, pages


def province_playlist(config: ProvinceConfig, board: Board, announcements: Sequence[Page],
                      communes: Iterable[tuple[str, str, dict[str, Any]]], now: datetime,
                      absurl: Callable[[str], str]) -> dict[str, Any]:
    """`announcements`: the province's own (shared/thong-bao/, meant for every commune); `communes`:
    (code, name, published playlist). A commune's pictures stay on its own site: its slides are text."""
    alerts: dict[str, dict[str, Any]] = {}
    pages = [page_slide(p, "announcement", None, "province", board.duration, absurl(f"/thong-bao/{p.slug}/"))
             for p in announcements if on_board(p, now) and not (p.expires and now >= expiry_moment(p.expires))]
    for code, name, playlist in communes:
        found, urgent = commune_items(code, name, playlist, now)
        for alert in found:
            alerts.setdefault(alert["id"], alert)
        pages += urgent
    pages.sort(key=lambda s: (_RANK.get(s["priority"], 2), _newest(s), s["id"]))
    slides = sorted(alerts.values(), key=lambda s: (_severity(s), _newest(s), s["id"])) + pages[: board.slides]
    dates = [m for m in (_moment(s.get("from")) for s in slides) if m]
    return {
        "version": VERSION, "updated": max(dates).isoformat() if dates else None, "refresh": max(1, board.refresh),
        "site": {"name": config.portal_title, "committee": f"Ủy ban nhân dân {config.full_name}", "url": absurl("/")},
        "slides": slides,
    }
