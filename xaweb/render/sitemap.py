"""sitemap.xml and robots.txt: small enough to write by hand, escaped properly."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable
from xml.sax.saxutils import escape

from ..vietnamese import as_vn_datetime


def sitemap_xml(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """entries: (absolute URL, last modification or None)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(loc)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{as_vn_datetime(lastmod).isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(sitemap_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode("utf-8")
