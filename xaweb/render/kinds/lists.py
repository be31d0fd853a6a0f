"""Pages that list pages: a section's list, a document filter, a tag, all tags, the HTML sitemap."""

from __future__ import annotations

from typing import Any

from ...content.model import DOCUMENT, PROCEDURE, Page, Section, Site
from ...urls import PAGINATION_DIR, SITEMAP_DIR, TAGS_DIR
from ...vietnamese import collation_key
from ..paging import FilterLink, Group, Pager, paginate
from ..plan import Output, list_source_items, list_template, list_url, listing, page_count, per_page, section_paginate
from .base import Fingerprinting, Kind, Rendering, index_path, section_of, shown


def _paged(base_url: str, kind: str, subject: str, total: int, per: int, filter: tuple[str, str] = ("", "")) -> list[Output]:
    return [Output(index_path(list_url(base_url, n)), list_url(base_url, n), kind, subject, n, filter)
            for n in range(1, page_count(total, per) + 1)]


def _shown_pages(fp: Fingerprinting, out: Output) -> tuple[int, str]:
    pages, size = listing(fp.site, out), per_page(fp.site, out)
    return len(pages), fp.of(pages[(out.number - 1) * size : out.number * size])


def pager(r: Rendering, out: Output) -> Pager:
    base = out.url if out.number == 1 else out.url.rsplit(f"{PAGINATION_DIR}/{out.number}/", 1)[0]
    return paginate(listing(r.site, out), out.number, per_page(r.site, out), base)


def _groups(pages: tuple[Page, ...]) -> list[Group]:
    by_field: dict[str, list[Page]] = {}
    for page in pages:
        by_field.setdefault(page.procedure.field if page.procedure else "", []).append(page)
    return [Group(f, tuple(ps)) for f, ps in sorted(by_field.items(), key=lambda kv: collation_key(kv[0]))]


def _document_filters(section: Section, out: Output) -> dict[str, list[FilterLink]]:
    result: dict[str, list[FilterLink]] = {"doc_types": [], "years": []}
    for (dim, value), (title, pages) in section.document_filters.items():
        link = FilterLink(title, f"{section.url}{dim}/{value}/", len(pages), out.filter == (dim, value))
        result["doc_types" if dim == "loai" else "years"].append(link)
    return result


class ListKind(Kind):
    """A section's pages, newest first (or by weight, or A–Z), paginated."""

    name = "list"

    def plan(self, site: Site) -> list[Output]:
        return [out for s in site.sections for out in _paged(s.url, self.name, s.path, len(s.listed), section_paginate(site, s))]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        section = section_of(fp.site, out.subject)
        total, pages = _shown_pages(fp, out)
        # Document lists link to every type and year of the section.
        filters = [(k, title, len(ps)) for k, (title, ps) in section.document_filters.items()]
        intro = section.info.intro_html if out.number == 1 else ""  # shown above the first page only
        return shown(fp, out, out.url, fp.chrome, fp.template(list_template(fp.site, section)), total, pages, filters,
                     list_source_items(fp.site, out), intro)

    def render(self, r: Rendering, out: Output) -> bytes:
        return self._render(r, out, None)

    def _render(self, r: Rendering, out: Output, filter_title: str | None) -> bytes:
        section = section_of(r.site, out.subject)
        page_list = pager(r, out)
        children = [c for c in map(r.site.section, section.children) if c]
        context: dict[str, Any] = {"section": section, "pager": page_list, "children": children,
                                   "source_items": list_source_items(r.site, out)}
        if section.info.kind == DOCUMENT:
            context.update(_document_filters(section, out), filter=filter_title)
        elif section.info.kind == PROCEDURE:
            context["groups"] = _groups(page_list.items)
        title = section.title if not filter_title else f"{section.title}: {filter_title}"
        if out.number > 1:
            title = f"{title} – {r._('page_n_of_m', n=out.number, m=page_list.count)}"
        return r.html(list_template(r.site, section), out, title, **context)

    def source(self, site: Site, out: Output) -> str | None:
        return section_of(site, out.subject).info.source if out.number == 1 else None  # its _index.md shows on page 1

    def sample_key(self, site: Site, out: Output) -> tuple:
        return (self.name, section_of(site, out.subject).info.kind)


class DocFilterKind(ListKind):
    """A document section's list by type (`loai/quyet-dinh/`) or year (`nam/2024/`)."""

    name = "doc_filter"

    def plan(self, site: Site) -> list[Output]:
        return [out for s in site.sections if s.info.kind == DOCUMENT
                for (dim, value), (_, pages) in s.document_filters.items()
                for out in _paged(f"{s.url}{dim}/{value}/", self.name, s.path, len(pages), section_paginate(site, s), (dim, value))]

    def render(self, r: Rendering, out: Output) -> bytes:
        return self._render(r, out, section_of(r.site, out.subject).document_filters[out.filter][0])


class TagKind(Kind):
    name = "tag"

    def plan(self, site: Site) -> list[Output]:
        return [out for t in site.tags for out in _paged(t.url, self.name, t.slug, len(t.pages), site.config.paginate)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        total, pages = _shown_pages(fp, out)
        # A tag's name is its first spelling among the pages: it can change with no page edited.
        return shown(fp, out, out.url, fp.chrome, fp.template("tag.html"), total, pages, fp.site.tag_map[out.subject].name)

    def render(self, r: Rendering, out: Output) -> bytes:
        tag = r.site.tag_map[out.subject]
        return r.html("tag.html", out, r._("tag_title", name=tag.name), tag=tag, pager=pager(r, out))


class _Everything(Kind):
    """A page listing every page and tag."""

    template = ""
    title = ""

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        site = fp.site
        return shown(fp, out, fp.chrome, fp.template(self.template), fp.of(site.pages + site.root_pages),
                     [(t.slug, t.name, len(t.pages)) for t in site.tags])

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html(self.template, out, r._(self.title))


class TagsKind(_Everything):
    name, template, title = "tags", "tags.html", "all_tags"

    def plan(self, site: Site) -> list[Output]:
        return [Output(f"{TAGS_DIR}/index.html", f"/{TAGS_DIR}/", self.name)]


class SitemapKind(_Everything):
    """The HTML sitemap (Sơ đồ trang)."""

    name, template, title = "sitemap", "sitemap.html", "sitemap"

    def plan(self, site: Site) -> list[Output]:
        return [Output(f"{SITEMAP_DIR}/index.html", f"/{SITEMAP_DIR}/", self.name)]
