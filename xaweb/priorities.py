"""The three priorities of grassroots information: the source system's bulletins, a commune's own
announcements, the radio. Slugs; the labels live in the locale catalogs (priority_thong_thuong, ...)."""

from __future__ import annotations

from .vietnamese import slugify

NORMAL = "thong-thuong"  # thông thường: in its place, on schedule
PRIORITY = "uu-tien"  # ưu tiên: first
URGENT = "khan-cap"  # khẩn cấp: at once; raises the alert banner

_WORDS = {
    NORMAL: {"thong-thuong", "binh-thuong", "normal", "routine"},
    PRIORITY: {"uu-tien", "priority", "high"},
    URGENT: {"khan-cap", "khan", "urgent", "emergency", "flash"},
}


def parse_priority(value: object) -> str | None:
    """'Khẩn cấp', 'khan-cap', 'urgent' -> URGENT; unknown words -> None."""
    slug = slugify(str(value or ""))
    return next((p for p, words in _WORDS.items() if slug in words), None)
