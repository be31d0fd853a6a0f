"""Priorities and warning levels: the source system's, Decision 18/2021/QĐ-TTg's, and CAP's.

- Bulletins of the source information system carry one of three priorities:
  thông thường, ưu tiên, khẩn cấp. Only khẩn cấp raises the alert banner.
- Decision 18/2021/QĐ-TTg (Art. 4) grades the risk of each natural disaster in
  up to five levels, each with a colour on maps: 1 light blue (low risk),
  2 light yellow (medium), 3 orange (high), 4 red (very high), 5 purple
  (disaster). A level measures how bad, so it maps to CAP `severity`.
- CAP `urgency` says how soon to act; a level does not say that, so an item
  without a CAP urgency takes it from its priority.

The tables are documented in docs/sources.md; keep the two in step.
"""

from __future__ import annotations

import re

from ..priorities import NORMAL, PRIORITY, URGENT
from ..vietnamese import slugify

SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")  # banner order, most severe first
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

LEVEL_SEVERITY = {1: "Minor", 2: "Moderate", 3: "Severe", 4: "Extreme", 5: "Extreme"}
PRIORITY_URGENCY = {URGENT: "Immediate", PRIORITY: "Expected", NORMAL: "Future"}
PRIORITY_SEVERITY = {URGENT: "Severe", PRIORITY: "Moderate", NORMAL: "Minor"}  # when there is no level

# "Cấp độ 3", "Cấp độ rủi ro thiên tai 3", "Rủi ro thiên tai cấp độ 3", "level 3"
_LEVEL = re.compile(r"^(?:cap-do|cap|level|rui-ro)(?:-rui-ro)?(?:-thien-tai)?(?:-cap(?:-do)?)?-([1-5])$")
# Names a CAP <parameter> may use for the level (compared as slugs).
LEVEL_PARAMETERS = {"cap-do-rui-ro-thien-tai", "cap-do-rui-ro", "capdoruirothientai", "capdoruiro", "risk-level", "disaster-risk-level"}


def parse_level(value: object, bare: bool = False) -> int | None:
    """'Cấp độ 3' -> 3. A bare number counts only where the field itself means the level (`bare`)."""
    if bare and str(value).strip() in ("1", "2", "3", "4", "5"):
        return int(str(value).strip())
    match = _LEVEL.match(slugify(str(value or "")))
    return int(match.group(1)) if match else None


def _canonical(value: object, allowed: tuple[str, ...]) -> str:
    word = str(value or "").strip().capitalize()
    return word if word in allowed else "Unknown"


def severity(value: object, level: int | None = None) -> str:
    """CAP's severity if it gives one, else the level's, else Unknown."""
    given = _canonical(value, SEVERITIES)
    if given == "Unknown" and level:
        return LEVEL_SEVERITY[level]
    return given


def urgency(value: object) -> str:
    return _canonical(value, URGENCIES)


def certainty(value: object) -> str:
    return _canonical(value, CERTAINTIES)


def banner_order(severity_: str, urgency_: str) -> tuple[int, int]:
    return (SEVERITIES.index(severity_), URGENCIES.index(urgency_))
