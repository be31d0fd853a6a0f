"""Exported Q&A -> ordinary content sources for `xaweb build`. Pure.

The export (`xaweb qa export`, or the endpoint's export API) holds only what
may be public: the officer's wording of the question, the answer, the
answering office, dates, topic, a name when its owner agreed, and the rating
totals. Each published question becomes a Markdown document with front
matter, parsed by the build like any file in `content/` under the stable
source id `qa:<site>/<id>`; the ratings become one page in `danh-gia`.

Text from citizens and officers is escaped for Markdown and HTML here, so a
`<script>` or a `# heading` typed into the form shows as typed, never as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import yaml

from ..config import SiteConfig
from ..digests import digest
from ..errors import BuildError, Problem
from ..i18n import Translator
from ..urls import QUESTIONS_SECTION, RATINGS_SECTION, answer_slug
from ..vietnamese import slugify
from .markup import make_markdown
from .model import Page, SectionInfo
from .parse import PageError, parse_page, parse_section

FORMAT = "xaweb-qa-export"
RATINGS_SLUG = "ket-qua-danh-gia-truc-tuyen"
SCORE_KEYS = ("5", "4", "3", "2", "1")


@dataclass(frozen=True)
class QaSource:
    source: str  # "qa:tan-an-hoa/12": stable, and never a path in content/
    section: str
    text: str  # Markdown with front matter


class ExportError(ValueError):
    pass


_RISKY = re.compile(r"[\\`*_{}\[\]<>&|~]")


def escape_text(text: str) -> str:
    """Plain text -> Markdown that renders exactly that text (character references for markup)."""
    lines = []
    for line in text.split("\n"):
        line = _RISKY.sub(lambda m: f"&#{ord(m.group())};", line)
        stripped = line.lstrip()
        if stripped and not stripped[0].isalpha() and not stripped.startswith("&#"):
            # A list marker, heading, quote, rule or numbered item at the start of a line.
            lead = len(line) - len(stripped)
            line = line[:lead] + f"&#{ord(stripped[0])};" + stripped[1:]
        lines.append(line)
    return "\n".join(lines)


def escape_answer(text: str) -> str:
    """An officer's Markdown keeps its formatting but not raw HTML: `<` and `&` show as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _date(value: Any, what: str) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ExportError(f"{what}: '{value}' không phải ngày YYYY-MM-DD") from None


def _front(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000) + "---\n"


def _vi_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _question_source(site: str, item: dict, label: Callable[[str], str]) -> QaSource:
    for key in ("id", "title", "question", "answer", "office", "answered"):
        if not item.get(key):
            raise ExportError(f"câu hỏi {item.get('id', '?')}: thiếu '{key}'")
    if not str(item["id"]).isdigit():
        raise ExportError(f"câu hỏi '{item['id']}': 'id' phải là số")
    qid = int(item["id"])
    answered, asked = _date(item["answered"], f"câu hỏi {qid}"), _date(item.get("asked") or item["answered"], f"câu hỏi {qid}")
    title = str(item["title"]).strip()
    quote = "\n>\n".join("> " + line if line else ">" for line in escape_text(str(item["question"]).strip()).split("\n"))
    if item.get("name"):  # present only when the asker agreed to publish it
        quote += f"\n>\n> — {escape_text(str(item['name']).strip())}"
    facts = [(label("qa_topic"), item.get("topic") or ""), (label("qa_asked"), _vi_date(asked)),
             (label("qa_answered"), _vi_date(answered)), (label("qa_office"), item["office"])]
    body = (f"## {label('qa_question_heading')}\n\n{quote}\n\n## {label('qa_answer_heading')}\n\n{escape_answer(str(item['answer']).strip())}\n\n"
            + "\n".join(f"- **{escape_text(k)}:** {escape_text(str(v))}" for k, v in facts if v) + "\n")
    meta = {"title": title, "slug": answer_slug(slugify(title), qid), "date": answered,
            "summary": re.sub(r"\s+", " ", str(item["question"])).strip()[:200], "author": str(item["office"]),
            "params": {"qa_id": qid, "qa_topic": item.get("topic") or "", "qa_asked": asked}}
    return QaSource(f"qa:{site}/{qid}", QUESTIONS_SECTION, _front(meta) + body)


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _ratings_source(site: str, ratings: dict, label: Callable[[str], str]) -> QaSource:
    count = int(ratings.get("count") or 0)
    scores = {k: int((ratings.get("scores") or {}).get(k, 0)) for k in SCORE_KEYS}
    if count != sum(scores.values()):
        raise ExportError("ratings: 'count' khác tổng số lượt theo từng mức")
    if count:
        average = sum(int(k) * v for k, v in scores.items()) / count
        summary = label("rating_summary").format(average=_number(average), count=count)
        rows = "\n".join(f"| {label('rating_' + k)} | {scores[k]} | {_number(100 * scores[k] / count)}% |" for k in SCORE_KEYS)
        body = (f"{summary}\n\n| {label('rating_level')} | {label('rating_count')} | {label('rating_share')} |\n|---|---:|---:|\n"
                f"{rows}\n| **{label('rating_total')}** | **{count}** | **100%** |\n\n{label('rating_note')}\n")
    else:
        summary = label("rating_none")
        body = summary + "\n"
    meta = {"title": label("rating_title"), "slug": RATINGS_SLUG, "pinned": True, "summary": summary}
    return QaSource(f"qa:{site}/{RATINGS_SLUG}", RATINGS_SECTION, _front(meta) + body)


def export_sources(export: dict, site_id: str, label: Callable[[str], str]) -> list[QaSource]:
    """A parsed export -> content sources. Raises ExportError naming what is wrong."""
    if not isinstance(export, dict) or export.get("format") != FORMAT or export.get("version") != 1:
        raise ExportError(f"không phải tệp xuất hỏi đáp (cần format: {FORMAT}, version: 1)")
    if site_id and export.get("site") != site_id:
        raise ExportError(f"tệp xuất của trang '{export.get('site')}', không phải của '{site_id}' (qa.site_id)")
    questions = export.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
        raise ExportError("'questions' phải là một danh sách")
    sources = [_question_source(export["site"], q, label) for q in questions]
    if isinstance(export.get("ratings"), dict):
        sources.append(_ratings_source(export["site"], export["ratings"], label))
    return sources


# --- for build.py -------------------------------------------------------------------


def build_sources(data: dict | None, config: SiteConfig, where: str) -> list[QaSource]:
    """The export loaded by `fetch.load_export` -> sources, or BuildError naming `where` it came from."""
    if data is None:
        return []
    try:
        return export_sources(data, config.qa.site_id, Translator(config.language))
    except ExportError as exc:
        raise BuildError([Problem(where, None, f"tệp xuất hỏi đáp: {exc}")]) from None


def parse_sources(sources: list[QaSource], infos: dict[str, SectionInfo]) -> tuple[list[tuple[Page, str]], list[Problem]]:
    """Parse like content files -> ([(page, digest of its text)], problems). Adds a missing section to `infos`."""
    md = make_markdown()
    pages: list[tuple[Page, str]] = []
    problems: list[Problem] = []
    for src in sources:
        info = infos.setdefault(src.section, parse_section(None, None, src.section, md))
        try:
            page, warnings = parse_page(src.text, src.source, info, md)
        except PageError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(warnings)
        pages.append((page, digest(src.text)))
    return pages, problems
