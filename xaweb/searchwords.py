"""Site search, the words: Vietnamese text -> search terms: lower case, tone and letter marks off, `đ` -> `d`.

The fold keeps the text's length (one character for one character, on NFC text), so a match
found in the folded text is at the same place in the original: search.js highlights it there.
search.js folds the same way (its `fold`); tests/test_search.py checks the two agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .vietnamese import nfc

WORD = re.compile(r"[a-z0-9]+")
MAX_WEIGHT = 26  # one letter, A–Z, in the index's postings
# Where a word is on the page, and what it weighs there (a body's repeats stop counting at BODY_CAP).
# `labels`: a document's number and type, a procedure's field and code.
TITLE, LABELS, TAGS, SUMMARY, BODY_CAP = 8, 8, 4, 2, 6


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0].lower()
        if len(base) == 1 and base.isascii():
            table[code] = base
    table[ord("đ")] = table[ord("Đ")] = "d"
    table.update({code: chr(code).lower() for code in range(ord("A"), ord("Z") + 1)})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """'Đăng ký khai sinh' -> 'dang ky khai sinh'; same length as `nfc(text)`."""
    return nfc(text).translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words (syllables, numbers) of a text, in order: '15/2024/QĐ-UBND' -> ['15', '2024', 'qd', 'ubnd']."""
    return WORD.findall(fold(text))


def page_terms(title: str, labels: str, tags: tuple[str, ...], summary: str, body_text: str) -> str:
    """A page's words and their weights, encoded 'word:weight word:weight' (kept in the build cache with the page)."""
    weights = {word: min(count, BODY_CAP) for word, count in Counter(words(body_text)).items()}
    for text, weight in ((title, TITLE), (labels, LABELS), (" ".join(tags), TAGS), (summary, SUMMARY)):
        for word in words(text):
            weights[word] = weights.get(word, 0) + weight
    return " ".join(f"{word}:{min(weight, MAX_WEIGHT)}" for word, weight in sorted(weights.items()))


def decode_terms(encoded: str) -> list[tuple[str, int]]:
    out = []
    for pair in encoded.split():
        word, _, weight = pair.rpartition(":")
        out.append((word, int(weight)))
    return out
