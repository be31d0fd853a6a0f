"""What the province portal shows of each commune, from its prepared site: pure functions.

The required sections come from the same rules as `xaweb check` (regulations.yaml
through `check.site.section_findings`), so the dashboard and the command line
never disagree about what a commune lacks.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Sequence

from ..check.site import section_findings
from ..content.model import Site
from ..errors import Problem

RECENT_DAYS = 30
NEWS_PER_COMMUNE = 5


@dataclass(frozen=True)
class NewsItem:
    title: str
    url: str  # absolute
    date: str  # ISO


@dataclass(frozen=True)
class SectionFinding:
    code: str  # missing-section, empty-section, stale-section
    level: str
    message: str
    rule: str


@dataclass(frozen=True)
class CommuneFigures:
    code: str
    name: str  # "Xã Tân An"
    kind: str
    url: str
    built: bool  # False: the build failed; the figures below are of nothing
    as_of: str = ""  # ISO date of the build that made them
    pages: int = 0
    last_update: str = ""  # ISO date of the newest page
    recent_posts: int = 0  # pages dated in the last RECENT_DAYS days
    expired: int = 0  # announcements past their expiry (off every list, still at their address)
    warnings: int = 0
    broken_links: int = 0  # links to pages, files or pictures the site does not have (build warnings)
    errors: int = 0
    sections: tuple[SectionFinding, ...] = ()
    news: tuple[NewsItem, ...] = ()
    monthly: tuple[tuple[str, int], ...] = ()  # ("2025-03", posts) for the last 12 months
    qa: bool = False  # the commune takes questions on a Q&A endpoint
    qa_answered: int = 0  # answers published (the export the build reads holds only those)
    qa_median_days: float | None = None  # from question to answer, over those answers
    qa_received: int | None = None  # questions the endpoint received, and those still waiting (its export's counts)
    qa_waiting: int | None = None

    @property
    def missing(self) -> int:
        return sum(f.code in ("missing-section", "empty-section") for f in self.sections)

    def to_json(self) -> dict[str, Any]:
        # By hand, as from_json: dataclasses.asdict deep-copies every value (a fifth of the portal's time for 600 communes).
        return {**vars(self), "sections": [dict(vars(s)) for s in self.sections], "news": [dict(vars(n)) for n in self.news],
                "monthly": [list(m) for m in self.monthly]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CommuneFigures:
        return cls(**{**data, "sections": tuple(SectionFinding(**s) for s in data.get("sections", ())),
                      "news": tuple(NewsItem(**n) for n in data.get("news", ())),
                      "monthly": tuple(tuple(m) for m in data.get("monthly", ()))})


def qa_counts(export: object) -> tuple[int | None, int | None]:
    """(received, waiting) from a Q&A export's `counts`, when they are there and make sense (it comes over the network)."""
    counts = export.get("counts") if isinstance(export, dict) else None
    if not isinstance(counts, dict):
        return None, None
    received, waiting = counts.get("received"), counts.get("waiting")
    if type(received) is not int or type(waiting) is not int or not 0 <= waiting <= received:
        return None, None
    return received, waiting


def figures_of(site: Site, code: str, warnings: Sequence[Problem], now: datetime, qa_export: object = None) -> CommuneFigures:
    config = site.config
    pages = [p for p in site.pages if not p.source.startswith("qa:")]
    dates = [p.lastmod for p in pages if p.lastmod]
    recent = [p for p in pages if p.date and now - p.date <= timedelta(days=RECENT_DAYS) and p.date <= now]
    news = sorted((p for p in site.listed_pages if p.date and p.section == "tin-tuc"), key=lambda p: p.date or now, reverse=True)
    months = _months(now)
    counts = {m: 0 for m in months}
    for p in pages:
        if p.date and (key := p.date.strftime("%Y-%m")) in counts:
            counts[key] += 1
    answers = [(p.date, _day(p.param.get("qa_asked"))) for p in site.pages if p.source.startswith("qa:") and p.date]
    waits = [(answered.date() - asked).days for answered, asked in answers if asked]
    received, waiting = qa_counts(qa_export)
    return CommuneFigures(
        code=code, name=config.full_name, kind=config.kind, url=config.base_url, built=True, as_of=now.date().isoformat(),
        qa=bool(config.qa.endpoint), qa_answered=len(waits), qa_median_days=round(statistics.median(waits), 1) if waits else None,
        qa_received=received, qa_waiting=waiting,
        pages=len(pages), last_update=max(dates).date().isoformat() if dates else "",
        recent_posts=len(recent), expired=sum(p.expired for p in pages), warnings=len(warnings),
        broken_links=sum(p.code == "broken-link" for p in warnings),
        sections=tuple(SectionFinding(f.code, f.level, f.message, f.rule) for f in section_findings(site, now)),
        news=tuple(NewsItem(p.title, config.absolute(p.url), p.date.isoformat() if p.date else "") for p in news[:NEWS_PER_COMMUNE]),
        monthly=tuple(counts.items()),
    )


def _day(value: object) -> date | None:
    """A Q&A page's `qa_asked` ("2025-02-14", as the export gives it)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _months(now: datetime) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(12):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def dumps(figures: CommuneFigures) -> str:
    return json.dumps(figures.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@dataclass
class Totals:
    communes: int = 0
    built: int = 0
    failed: int = 0
    pages: int = 0
    warnings: int = 0
    complete: int = 0  # communes with every required section
    by_kind: dict[str, int] = field(default_factory=dict)


def totals(all_figures: list[CommuneFigures]) -> Totals:
    t = Totals(communes=len(all_figures))
    for f in all_figures:
        t.built += f.built
        t.failed += not f.built
        t.pages += f.pages
        t.warnings += f.warnings
        t.complete += f.built and f.missing == 0
        t.by_kind[f.kind] = t.by_kind.get(f.kind, 0) + 1
    return t
