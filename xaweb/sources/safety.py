"""Everything from a feed is untrusted: text, HTML, links, XML and dates are made safe here.

- XML is parsed with defusedxml: any entity declaration (the "billion laughs"
  bomb, external entities reaching for local files or the network) is refused,
  not expanded. CAP messages may not carry a DTD at all.
- HTML goes through nh3 with the page sanitiser's allow-list (content/markup.py)
  minus what a foreign document must not bring into the commune's page: images
  (a request to another host on a citizen's page), ids and classes (they could
  take the skip link's target or the theme's styles), inline styles.
- Links are absolute http(s) URLs or nothing.
- Titles and summaries are plain text (the templates escape them).
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import nh3
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..content.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, plain_text, summarize
from ..vietnamese import VN_TZ, nfc
from .model import SourceError

FEED_TAGS = ALLOWED_TAGS - {"img"}
FEED_ATTRIBUTES = {
    tag: attrs - {"id", "class", "style"}
    for tag, attrs in ALLOWED_ATTRIBUTES.items()
    if (tag == "*" or tag in FEED_TAGS) and attrs - {"id", "class", "style"}
}
LINK_SCHEMES = {"http", "https"}
SUMMARY_CHARS = 300

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_link(value: Any) -> str | None:
    """An absolute http(s) URL, or None: `javascript:`, `data:`, relative and malformed links are dropped."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        return None
    return url


def _href_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        return value if safe_link(value) or value.lower().startswith("mailto:") else None
    return value


def clean_html(fragment: str) -> str:
    """Sanitised HTML of an entry's content (scripts, styles, handlers, iframes, forms, images removed)."""
    if not fragment:
        return ""
    cleaned = nh3.clean(
        nfc(_CONTROL.sub("", fragment)),
        tags=FEED_TAGS,
        attributes=FEED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES | {"mailto"},
        attribute_filter=_href_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def text(value: Any) -> str:
    """Plain text, NFC, whitespace collapsed, control characters removed."""
    if value is None:
        return ""
    return " ".join(nfc(_CONTROL.sub("", str(value))).split())


def text_of_html(fragment: Any) -> str:
    """The visible text of an HTML fragment: scripts and styles dropped with their content, then tags."""
    cleaned = nh3.clean(nfc(_CONTROL.sub("", str(fragment or ""))), tags=FEED_TAGS, attributes={}, strip_comments=True)
    return text(plain_text(cleaned))


def summary_of(fragment: Any, is_html: bool = True) -> str:
    plain = text_of_html(fragment) if is_html else text(fragment)
    return summarize(html.escape(plain, quote=False), SUMMARY_CHARS) if plain else ""


def paragraphs(plain: str) -> str:
    """Plain text as escaped HTML paragraphs (JSON Feed's content_text)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", nfc(_CONTROL.sub("", plain))) if b.strip()]
    return "".join(f"<p>{html.escape(b, quote=False)}</p>" for b in blocks)


def parse_xml(data: bytes, forbid_dtd: bool = False) -> Element:
    """An ElementTree root, or SourceError: malformed XML and any entity declaration are refused."""
    try:
        return SafeET.fromstring(data, forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SourceError(f"tài liệu XML khai báo DTD hoặc thực thể (entity), bị từ chối vì lý do an toàn ({type(exc).__name__})") from None
    except SafeET.ParseError as exc:
        raise SourceError(f"XML không hợp lệ ({exc})") from None


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 / RFC 3339 text -> an aware datetime in Vietnam time; without an offset it is Vietnam time."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=VN_TZ) if stamp.tzinfo is None else stamp.astimezone(VN_TZ)


def from_struct_time(value: Any) -> datetime | None:
    """feedparser's *_parsed (a UTC struct_time) -> Vietnam time."""
    if not value:
        return None
    try:
        # The zone is set apart: the checker cannot tell that *value[:6] stops before tzinfo.
        return datetime(*value[:6]).replace(tzinfo=timezone.utc).astimezone(VN_TZ)
    except (TypeError, ValueError):
        return None


def strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data

