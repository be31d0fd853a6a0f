"""Which files the site has: `plan_outputs(site) -> [Output]`.

An `Output` names one file and what it shows, without rendering it. Planning
first lets the build check URL collisions, hand outputs to worker processes,
and decide per output whether the cache can answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from ..content.model import DOCUMENT, PROCEDURE, Page, Section, Site
from ..errors import Problem
from ..sources.model import HOME
from ..urls import (
    PAGINATION_DIR, PRIVACY_SECTION, PRIVACY_SLUG, QUESTIONS_SECTION, RATINGS_SECTION, SITEMAP_DIR, TAGS_DIR, THANKS_SLUG,
)

PAGE_TEMPLATES = {DOCUMENT: "document.html", PROCEDURE: "procedure.html"}
LIST_TEMPLATES = {DOCUMENT: "document_list.html", PROCEDURE: "procedure_list.html"}
# Sections whose list page is more than a list: the theme writes it from the config.
SECTION_TEMPLATES = {"ho-tro-tiep-can": "accessibility.html", QUESTIONS_SECTION: "qa_list.html", RATINGS_SECTION: "rating_list.html"}
# Pages the theme writes from the config alone when a Q&A endpoint is set (`theme_page` outputs):
# the thank-you pages the endpoint redirects to, and the privacy notice the forms link to.
QA_THEME_PAGES = {f"{QUESTIONS_SECTION}/{THANKS_SLUG}/": "qa_thanks.html", f"{RATINGS_SECTION}/{THANKS_SLUG}/": "rating_thanks.html",
                  f"{PRIVACY_SECTION}/{PRIVACY_SLUG}/": "qa_privacy.html"}



@dataclass(frozen=True, slots=True)
class Output:
    path: str  # file path in the output folder: "tin-tuc/index.html"
    url: str  # "/tin-tuc/"
    kind: str  # home, page, list, doc_filter, tags, tag, sitemap, not_found, rss, atom, sitemap_xml, robots, image, theme_page
    subject: str = ""  # page source, section path, tag slug, or (image) the original's URL
    number: int = 1  # list page number; an image copy's width
    filter: tuple[str, str] = ("", "")  # document list filter: ("loai", slug) / ("nam", "2024")


def page_count(total: int, per_page: int) -> int:
    return max(1, ceil(total / per_page))


def list_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}{PAGINATION_DIR}/{number}/"


def _index(url: str) -> str:
    return url.strip("/") + "/index.html" if url != "/" else "index.html"


def _paged(base_url: str, kind: str, subject: str, total: int, per_page: int, filter: tuple[str, str] = ("", "")) -> list[Output]:
    return [
        Output(_index(list_url(base_url, n)), list_url(base_url, n), kind, subject, n, filter)
        for n in range(1, page_count(total, per_page) + 1)
    ]


def list_template(section: Section) -> str:
    """The template of a section's list pages; the renderer and the fingerprint both ask here."""
    return SECTION_TEMPLATES.get(section.path) or LIST_TEMPLATES.get(section.info.kind, "list.html")


def section_paginate(site: Site, section: Section) -> int:
    return section.info.paginate or site.config.paginate  # type: ignore[attr-defined]


def plan_outputs(site: Site) -> tuple[list[Output], list[Problem]]:
    outputs = [Output("index.html", "/", "home")]
    for page in site.pages + site.root_pages:
        outputs.append(Output(_index(page.url), page.url, "page", page.source))
    for section in site.sections:
        per_page = section_paginate(site, section)
        outputs += _paged(section.url, "list", section.path, len(section.listed), per_page)
        if section.info.kind == DOCUMENT:
            for (dim, value), (_, pages) in section.document_filters.items():
                outputs += _paged(f"{section.url}{dim}/{value}/", "doc_filter", section.path, len(pages), per_page, (dim, value))
        outputs.append(Output(f"{section.path}/rss.xml", f"{section.url}rss.xml", "rss", section.path))
        outputs.append(Output(f"{section.path}/atom.xml", f"{section.url}atom.xml", "atom", section.path))
    outputs.append(Output(f"{TAGS_DIR}/index.html", f"/{TAGS_DIR}/", "tags"))
    for tag in site.tags:
        outputs += _paged(tag.url, "tag", tag.slug, len(tag.pages), site.config.paginate)  # type: ignore[attr-defined]
        outputs.append(Output(f"{TAGS_DIR}/{tag.slug}/rss.xml", f"{tag.url}rss.xml", "rss", "tag:" + tag.slug))
    outputs += [
        Output(f"{SITEMAP_DIR}/index.html", f"/{SITEMAP_DIR}/", "sitemap"),
        Output("404.html", "/404.html", "not_found"),
        Output("rss.xml", "/rss.xml", "rss"),
        Output("atom.xml", "/atom.xml", "atom"),
        Output("sitemap.xml", "/sitemap.xml", "sitemap_xml"),
        Output("robots.txt", "/robots.txt", "robots"),
        Output("alerts.json", "/alerts.json", "alerts_json"),
        Output("manifest.json", "/manifest.json", "manifest"),
    ]
    if site.config.qa.endpoint:  # type: ignore[attr-defined]
        outputs += [Output(_index("/" + url), "/" + url, "theme_page", template) for url, template in QA_THEME_PAGES.items()]
    # Source items with their own page (full content, `full_pages: true`).
    outputs += [Output(_index(item.url), item.url, "feed_item", item.id) for item in site.feed_items if item.url]
    # Resized copies of the photos pages show (xaweb/images.py makes them).
    outputs += [Output(v.url.lstrip("/"), v.url, "image", info.url, v.width) for info in site.images.values() for v in info.variants]
    return outputs, _collisions(outputs)


def _collisions(outputs: list[Output]) -> list[Problem]:
    """A page whose URL equals a generated one (a list page, a feed) is named in the error."""
    seen: dict[str, Output] = {}
    problems = []
    for out in outputs:
        first = seen.setdefault(out.path, out)
        if first is not out:
            culprit = next((o.subject for o in (out, first) if o.kind == "page"), "content")
            problems.append(Problem(culprit, None, f"đường dẫn {out.url} bị tạo hai lần ({first.kind}, {out.kind}); hãy đổi 'slug' hoặc tên thư mục"))
    return problems


def listing(site: Site, out: Output) -> tuple[Page, ...]:
    """All pages of the list an output pages through (the whole section, tag or filter)."""
    if out.kind == "list":
        return site.section(out.subject).listed  # type: ignore[union-attr]
    if out.kind == "doc_filter":
        return site.section(out.subject).document_filters[out.filter][1]  # type: ignore[union-attr]
    if out.kind == "tag":
        return site.tag_map[out.subject].pages
    return ()


def per_page(site: Site, out: Output) -> int:
    if out.kind in ("list", "doc_filter"):
        return section_paginate(site, site.section(out.subject))  # type: ignore[arg-type]
    return site.config.paginate  # type: ignore[attr-defined]


def feed_pages(site: Site, out: Output) -> tuple[Page, ...]:
    limit = site.config.feeds.items  # type: ignore[attr-defined]
    if out.subject.startswith("tag:"):
        return site.tag_map[out.subject[4:]].pages[:limit]
    if out.subject:
        return site.section(out.subject).listed[:limit]  # type: ignore[union-attr]
    return site.listed_pages[:limit]


def home_blocks(site: Site) -> dict[str, tuple[Page, ...]]:
    home = site.config.home  # type: ignore[attr-defined]
    blocks = {"news": (home.news_section, home.news_count),
              "announcements": (home.announcements_section, home.announcements_count),
              "documents": (home.documents_section, home.documents_count)}
    out = {}
    for name, (path, count) in blocks.items():
        section = site.section(path)
        out[name] = section.listed[:count] if section else ()
    return out


def output_lastmod(site: Site, out: Output, page: Page | None = None):
    """'Cập nhật lần cuối' of an output: of its page, its section, or the site."""
    if page is not None:
        return page.lastmod
    if out.kind in ("list", "doc_filter"):
        return site.section(out.subject).lastmod  # type: ignore[union-attr]
    return site.lastmod


def source_items(site: Site, target: str) -> tuple:
    """Source feed items shown at a target: a section path, or HOME."""
    return tuple(item for item in site.feed_items if item.target == target)


def list_source_items(site: Site, out: Output) -> tuple:
    """Items a list output shows above its pages: on the first page of their section only."""
    return source_items(site, out.subject) if out.kind == "list" and out.number == 1 else ()


def home_source_items(site: Site) -> tuple:
    return source_items(site, HOME)
