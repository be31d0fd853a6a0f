"""Jinja filters: Vietnamese dates, URLs under the site's base path, file sizes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from ..urlpolicy import safe_url
from ..vietnamese import as_vn_datetime, collation_key, format_date, format_datetime, slugify


def isodate(value: date | datetime) -> str:
    return as_vn_datetime(value).isoformat()


def filesize(size: int | None, lang: str = "vi") -> str:
    """'1,2 MB' (Vietnamese decimal comma) or '1.2 MB'."""
    if size is None:
        return ""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            text = f"{size / factor:.1f}"
            return f"{text.replace('.', ',') if lang == 'vi' else text} {unit}"
    return f"{size} B"


def tel(phone: str) -> str:
    """A 'tel:' link from a phone number as people write it: '0277 3851 234' -> 'tel:02773851234'."""
    return "tel:" + phone.replace(" ", "").replace(".", "")


def mailto(address: str) -> str:
    return "mailto:" + address


def make_filters(base_url: str, lang: str) -> dict[str, Callable[..., Any]]:
    base_path = urlsplit(base_url).path.rstrip("/")
    site_root = base_url.rstrip("/")[: len(base_url.rstrip("/")) - len(base_path)] if base_path else base_url.rstrip("/")

    def url(path: str) -> str:
        """Site-relative '/tin-tuc/' -> '/subpath/tin-tuc/' when the site is not at the root.

        Every dynamic href and src of a theme goes through here (a test holds
        the templates to it), so a URL outside the allow-list becomes "".
        """
        path = safe_url(path)
        return base_path + path if path.startswith("/") else path

    def absurl(path: str) -> str:
        path = url(path)
        return site_root + path if path.startswith("/") else path

    def sort_vi(items: Iterable[Any], attribute: str | None = None) -> list[Any]:
        key = (lambda x: collation_key(str(getattr(x, attribute)))) if attribute else (lambda x: collation_key(str(x)))
        return sorted(items, key=key)

    return {
        "date_vi": lambda d: format_date(d, lang),
        "date_short": lambda d: format_date(d, lang, weekday=False),
        "datetime_vi": lambda d: format_datetime(d, lang),
        "isodate": isodate,
        "url": url,
        "absurl": absurl,
        "tel": tel,
        "mailto": mailto,
        "filesize": lambda s: filesize(s, lang),
        "sort_vi": sort_vi,
        "slugify": slugify,
    }
