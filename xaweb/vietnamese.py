"""Vietnamese text: slugs, collation and dates, done by the rules of the language.

Pure functions only; everything here is safe to call from any worker.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

VN_TZ = timezone(timedelta(hours=7), "ICT")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """'Đồng Tháp' -> 'Dong Thap'. 'đ' has no decomposition, so it is mapped by hand."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)  # tag names repeat on thousands of pages
def slugify(title: str) -> str:
    """'Thông báo lịch tiếp công dân' -> 'thong-bao-lich-tiep-cong-dan'.

    NFC and NFD spellings give the same slug because diacritics are removed
    after full decomposition.
    """
    ascii_ = strip_diacritics(title).lower()
    return _NON_ALNUM.sub("-", ascii_).strip("-")


# --- collation --------------------------------------------------------------
# The Vietnamese alphabet orders ă, â after a; đ after d; ê after e; ô, ơ
# after o; ư after u. Tones sort after the base letter in the traditional
# order: ngang, huyền, hỏi, ngã, sắc, nặng. Python's default code-point order
# puts "Đ" after "Z", which is wrong for every list of names.

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {c: i for i, c in enumerate(_ALPHABET)}
_TONE_RANK = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Marks that make a new letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def _char_key(char: str) -> tuple[int, int]:
    """One NFC character -> (primary rank, tone rank)."""
    if char.isspace():
        return 0, 0  # word by word, as dictionaries do: "An ninh" before "Anh"
    decomposed = unicodedata.normalize("NFD", char)
    marks = decomposed[1:]
    letter = unicodedata.normalize("NFC", decomposed[0] + "".join(m for m in marks if m in _LETTER_MARKS))
    tone = max((_TONE_RANK.get(m, 0) for m in marks), default=0)
    rank = _LETTER_RANK.get(letter)
    # Letters outside the alphabet (f, j, w, z, digits, punctuation) sort
    # after it, in code-point order.
    return (1 + rank if rank is not None else 100 + ord(letter)), tone


_CHAR_KEYS: dict[str, tuple[int, int]] = {}


@lru_cache(maxsize=1 << 16)
def collation_key(text: str) -> tuple:
    """A sort key that orders Vietnamese words as a Vietnamese dictionary does.

    Primary: letters in Vietnamese alphabet order (case-insensitive).
    Secondary: tones. Tertiary: the original text, so the order is total.
    """
    keys = []
    for char in unicodedata.normalize("NFC", text.lower()):
        key = _CHAR_KEYS.get(char)
        if key is None:
            key = _CHAR_KEYS[char] = _char_key(char)
        keys.append(key)
    return (tuple(k[0] for k in keys), tuple(k[1] for k in keys), text)


# --- dates ------------------------------------------------------------------

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def as_vn_datetime(value: date | datetime) -> datetime:
    """A date or naive datetime is Vietnam time; an aware one is converted to it."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=VN_TZ)
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)


def format_date(value: date | datetime, lang: str = "vi", weekday: bool = True) -> str:
    """'Thứ Hai, 04/03/2024' (vi) or 'Monday, 04/03/2024' (en: same d/m/y order on the site)."""
    d = as_vn_datetime(value)
    day = f"{d.day:02d}/{d.month:02d}/{d.year}"
    if not weekday:
        return day
    names = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    return f"{names[d.weekday()]}, {day}"


def format_datetime(value: datetime, lang: str = "vi") -> str:
    d = as_vn_datetime(value)
    return f"{d.hour:02d}:{d.minute:02d}, {format_date(d, lang)}"
