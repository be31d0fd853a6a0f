"""Machine-readable files for the province: `alerts.json` and `manifest.json`.

Pure functions of the site: no build clock, no fetch times, so an unchanged
site gives the same bytes and the incremental build can fingerprint the data.

- `alerts.json`: the alerts active at build time, for the banner's optional
  refresh script (a static page can be hours old; the script hides what has
  expired by the reader's clock and shows what a newer build published).
- `manifest.json`: who the commune is, its sections with counts and dates, its
  feeds and the sources it takes in, so a province can monitor every site.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable

from .. import __version__
from ..content.model import Site
from ..urls import QUESTIONS_SECTION
from ..vietnamese import as_vn_datetime

SCHEMA_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return as_vn_datetime(value).isoformat() if value else None


def to_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def alerts_document(site: Site, absurl: Callable[[str], str]) -> dict[str, Any]:
    """A feed's alert links are absolute already; a khẩn cấp page's is this site's."""
    return {
        "version": SCHEMA_VERSION,
        "alerts": [
            {
                "id": a.id, "headline": a.headline, "event": a.event, "area": a.area,
                "severity": a.severity, "urgency": a.urgency, "certainty": a.certainty, "level": a.level,
                "description": a.description, "instruction": a.instruction,
                "sent": _iso(a.sent), "expires": _iso(a.expires), "link": absurl(a.link) if a.link else None, "source": a.source,
            }
            for a in site.alerts
        ],
    }


def manifest_document(site: Site, absurl: Callable[[str], str]) -> dict[str, Any]:
    config = site.config
    sections = []
    for section in site.sections:
        sections.append({
            "path": section.path, "title": section.title, "url": absurl(section.url),
            "pages": len(section.listed), "last_updated": _iso(section.lastmod),
            "rss": absurl(f"{section.url}rss.xml"), "atom": absurl(f"{section.url}atom.xml"),
        })
    counts: dict[str, int] = {}
    for item in site.feed_items:
        counts[item.source] = counts.get(item.source, 0) + 1
    qa = site.section(QUESTIONS_SECTION)  # answered questions, published as pages
    return {
        "version": SCHEMA_VERSION,
        "generator": f"xaweb {__version__}",
        "commune": {
            "name": config.name, "kind": config.kind, "full_name": config.full_name,
            "code": config.code, "province": config.province,
            "title": config.site_title, "governing_body": config.committee,
            "base_url": config.base_url, "language": config.language,
            "contact": {"address": config.contact.address, "phone": config.contact.phone,
                        "email": config.contact.email, "hotline": config.contact.hotline},
        },
        "last_updated": _iso(site.lastmod),
        "pages": len(site.listed_pages),
        "feeds": {"rss": absurl("/rss.xml"), "atom": absurl("/atom.xml"), "alerts": absurl("/alerts.json")},
        "sections": sections,
        "sources": [{"name": s.name, "target": s.target, "items": counts.get(s.name, 0)} for s in config.sources],
        "alerts": len(site.alerts),
        "qa": {"section": QUESTIONS_SECTION, "answered": len(qa.listed), "last_updated": _iso(qa.lastmod),
               "endpoint": config.qa.endpoint or None} if qa else None,
    }
