"""An `Output` names one file of the site and what it shows, without rendering it.

The kinds in `render/kinds/` plan them (`plan_outputs`); the helpers here say
what an output lists, so the renderer and the fingerprints agree. Planning
first lets the build check URL collisions, hand outputs to worker processes,
and decide per output whether the cache can answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from ..content.model import AUDIO, DOCUMENT, PROCEDURE, Page, Section, Site
from ..priorities import PRIORITY, URGENT
from ..sources.model import HOME
from ..urls import PAGINATION_DIR, PRIVACY_SECTION, PRIVACY_SLUG, QUESTIONS_SECTION, RATINGS_SECTION, THANKS_SLUG

PAGE_TEMPLATES = {DOCUMENT: "document.html", PROCEDURE: "procedure.html", AUDIO: "audio.html"}
LIST_TEMPLATES = {DOCUMENT: "document_list.html", PROCEDURE: "procedure_list.html"}
# Pages the theme writes from the config alone when a Q&A endpoint is set (`theme_page` outputs):
# the thank-you pages the endpoint redirects to, and the privacy notice the forms link to.
QA_THEME_PAGES = {f"{QUESTIONS_SECTION}/{THANKS_SLUG}/": "qa_thanks.html", f"{RATINGS_SECTION}/{THANKS_SLUG}/": "rating_thanks.html",
                  f"{PRIVACY_SECTION}/{PRIVACY_SLUG}/": "qa_privacy.html"}



@dataclass(frozen=True, slots=True)
class Output:
    path: str  # file path in the output folder: "tin-tuc/index.html"
    url: str  # "/tin-tuc/"
    kind: str  # the name of its kind in render.kinds.KINDS: "home", "page", "list", "rss", "image", ...
    subject: str = ""  # page source, section path, tag slug, or (image) the original's URL
    number: int = 1  # list page number; an image copy's width
    filter: tuple[str, str] = ("", "")  # document list filter: ("loai", slug) / ("nam", "2024")


def page_count(total: int, per_page: int) -> int:
    return max(1, ceil(total / per_page))


def list_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}{PAGINATION_DIR}/{number}/"


def list_template(site: Site, section: Section) -> str:
    """The template of a section's list pages (theme.yaml: section_templates, else by kind); renderer and fingerprint ask here."""
    return dict(site.theme.section_templates).get(section.path) or LIST_TEMPLATES.get(section.info.kind, "list.html")


def section_paginate(site: Site, section: Section) -> int:
    return section.info.paginate or site.config.paginate


def listing(site: Site, out: Output) -> tuple[Page, ...]:
    """All pages of the list an output pages through (the whole section, tag or filter)."""
    if out.kind == "list":
        return site.section_map[out.subject].listed
    if out.kind == "doc_filter":
        return site.section_map[out.subject].document_filters[out.filter][1]
    if out.kind == "tag":
        return site.tag_map[out.subject].pages
    return ()


def per_page(site: Site, out: Output) -> int:
    if out.kind in ("list", "doc_filter"):
        return section_paginate(site, site.section_map[out.subject])
    return site.config.paginate


def feed_pages(site: Site, out: Output) -> tuple[Page, ...]:
    limit = site.config.feeds.items
    if out.subject.startswith("tag:"):
        return site.tag_map[out.subject[4:]].pages[:limit]
    if out.subject:
        return site.section_map[out.subject].listed[:limit]
    return site.listed_pages[:limit]


def home_blocks(site: Site) -> dict[str, tuple[Page, ...]]:
    home = site.config.home
    blocks = {"news": (home.news_section, home.news_count),
              "announcements": (home.announcements_section, home.announcements_count),
              "documents": (home.documents_section, home.documents_count)}
    out = {}
    for name, (path, count) in blocks.items():
        section = site.section(path)
        listed = section.listed if section else ()
        out[name] = tuple(sorted(listed, key=_first_on_home)[:count]) if name == "announcements" else listed[:count]
    return out


_PRIORITY_ORDER = {URGENT: 0, PRIORITY: 1}


def _first_on_home(page: Page) -> tuple[int, bool]:
    """Khẩn cấp, then ưu tiên, then pinned announcements come first, however old (the sort is stable)."""
    return _PRIORITY_ORDER.get(page.priority, 2), not page.pinned


def output_lastmod(site: Site, out: Output, page: Page | None = None):
    """'Cập nhật lần cuối' of an output: of its page, its section, or the site."""
    if page is not None:
        return page.lastmod
    if out.kind in ("list", "doc_filter"):
        return site.section_map[out.subject].lastmod
    return site.lastmod


def source_items(site: Site, target: str) -> tuple:
    """Source feed items shown at a target: a section path, or HOME."""
    return tuple(item for item in site.feed_items if item.target == target)


def list_source_items(site: Site, out: Output) -> tuple:
    """Items a list output shows above its pages: on the first page of their section only."""
    return source_items(site, out.subject) if out.kind == "list" and out.number == 1 else ()


def home_source_items(site: Site) -> tuple:
    return source_items(site, HOME)
