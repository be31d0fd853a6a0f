"""Vietnamese text: slugs, collation and dates, done by the rules of the language.

Pure functions only; everything here is safe to call from any worker.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """'Đồng Tháp' -> 'Dong Thap'. 'đ' has no decomposition, so it is mapped by hand."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


def _split_letter(cluster: str) -> tuple[str, int]:
    """One NFD cluster (base + marks) -> (letter in NFC without tone, tone rank)."""
    base = cluster[0]
    letter_marks = "".join(m for m in cluster[1:] if m in _LETTER_MARKS)
    tone = max((_TONE_RANK.get(m, 0) for m in cluster[1:]), default=0)
    return unicodedata.normalize("NFC", base + letter_marks), tone


def collation_key(text: str) -> tuple:
    """A sort key that orders Vietnamese words as a Vietnamese dictionary does.

    Primary: letters in Vietnamese alphabet order (case-insensitive).
    Secondary: tones. Tertiary: case and the original text, so the order is total.
    """
    primary: list[tuple[int, int, str]] = []
    secondary: list[int] = []
    decomposed = unicodedata.normalize("NFD", text.lower())
    i = 0
    while i < len(decomposed):
        j = i + 1
        while j < len(decomposed) and unicodedata.combining(decomposed[j]):
            j += 1
        letter, tone = _split_letter(decomposed[i:j])
        rank = _LETTER_RANK.get(letter)
        if letter.isspace():
            # Word by word, as dictionaries do: "An ninh" before "Anh".
            primary.append((-1, 0, ""))
        elif rank is not None:
            primary.append((0, rank, ""))
        else:
            # Letters outside the alphabet (f, j, w, z, digits, punctuation)
            # sort after it, in code-point order.
            primary.append((1, 0, letter))
        secondary.append(tone)
        i = j
    return (primary, secondary, text)


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
