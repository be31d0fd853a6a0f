"""Site + Output -> bytes. The only module that knows Jinja.

One `Renderer` per process: the environment compiles each template once and
the instance renders any number of outputs. It reads the disk only through
the template loader (and Jinja's bytecode cache, when the build keeps one).
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from ..config import MenuItem, SiteConfig
from ..content.model import DOCUMENT, PROCEDURE, Page, Section, Site
from ..errors import Problem
from ..i18n import Translator
from ..urls import PAGINATION_DIR, SITEMAP_DIR, TAGS_DIR
from ..vietnamese import collation_key
from . import feeds, machine, sitemap
from .filters import make_filters
from .pictures import Pictures
from .plan import (
    PAGE_TEMPLATES, Output, feed_pages, home_blocks, home_source_items,
    list_source_items, list_template, list_url, listing, output_lastmod, page_count, per_page,
)


class RenderError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class PagerLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True)
class Pager:
    items: tuple[Page, ...]
    number: int
    count: int
    total: int
    base_url: str

    @property
    def prev_url(self) -> str | None:
        return list_url(self.base_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return list_url(self.base_url, self.number + 1) if self.number < self.count else None

    @property
    def links(self) -> list[PagerLink]:
        return [PagerLink(n, list_url(self.base_url, n), n == self.number) for n in range(1, self.count + 1)]


def paginate(pages: tuple[Page, ...], number: int, size: int, base_url: str) -> Pager:
    start = (number - 1) * size
    return Pager(pages[start : start + size], number, page_count(len(pages), size), len(pages), base_url)


@dataclass(frozen=True)
class FilterLink:
    title: str
    url: str
    count: int
    current: bool


@dataclass(frozen=True)
class Group:
    title: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class OutputInfo:
    url: str
    canonical: str
    title: str
    lastmod: datetime | None


def default_menu(site: Site, home_title: str) -> tuple[MenuItem, ...]:
    def item(section: Section) -> MenuItem:
        kids = tuple(item(c) for c in map(site.section, section.children) if c and c.info.in_menu)
        return MenuItem(section.title, section.url, kids)

    return (MenuItem(home_title, "/"),) + tuple(item(s) for s in site.top_sections if s.info.in_menu)


class Renderer:
    def __init__(self, site: Site, template_dirs: list[Path], site_dir: Path, compiled_dir: Path | None = None):
        self.site = site
        self.config: SiteConfig = site.config  # type: ignore[assignment]
        self.site_dir = site_dir
        self.template_dirs = template_dirs
        self.pages = {p.source: p for p in site.pages + site.root_pages}
        self.tags = {t.slug: t for t in site.tags}
        self.feed_items = {i.id: i for i in site.feed_items if i.url}
        lang = self.config.language
        self._ = Translator(lang)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=self._bytecode_cache(compiled_dir, lang),
        )
        self.filters = make_filters(self.config.base_url, lang)
        self.env.filters.update(self.filters)
        self.pictures = Pictures(site.images, self.filters["url"], base_path=self.filters["url"]("/")[:-1])
        self.env.globals.update(
            picture=self.pictures.picture,
            image_info=self.pictures.info,
            site=site,
            config=self.config,
            lang=lang,
            _=self._,
            menu=self.config.menu or default_menu(site, self._("home")),
        )

    def _bytecode_cache(self, compiled_dir: Path | None, lang: str) -> jinja2.BytecodeCache | None:
        """Compiled templates kept between builds (keyed by their source's checksum): every build and worker
        would otherwise compile them again. Jinja folds filters applied to constants (`'/css/a.css' | url`)
        into the compiled code, so the files are also keyed by what the filters depend on."""
        if compiled_dir is None:
            return None
        key = hashlib.blake2b(f"{self.config.base_url}\n{lang}".encode("utf-8"), digest_size=8).hexdigest()
        return jinja2.FileSystemBytecodeCache(str(compiled_dir), pattern=f"%s-{key}.cache")

    # --- entry point ---------------------------------------------------------

    def render(self, out: Output) -> bytes:
        try:
            return getattr(self, "_" + out.kind)(out)
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(Problem(self._show(exc.filename), exc.lineno, f"lỗi cú pháp mẫu: {exc.message}{self._while(out)}")) from None
        except RenderError:
            raise
        except Exception as exc:  # noqa: BLE001 - any template failure becomes a located problem
            path, line = self._template_frame(exc)
            raise RenderError(Problem(path, line, f"{type(exc).__name__}: {exc}{self._while(out)}")) from None

    def _while(self, out: Output) -> str:
        what = out.subject if out.kind == "page" else out.url
        return f" (khi dựng {what})"

    def _show(self, filename: str | None) -> str:
        if not filename:
            return "templates"
        path = Path(filename)
        for base in (self.site_dir, *(d.parent.parent.parent for d in self.template_dirs)):
            try:
                return path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    def _template_frame(self, exc: BaseException) -> tuple[str, int | None]:
        """Jinja rewrites tracebacks so template frames carry the template's file and line."""
        roots = tuple(str(d) for d in self.template_dirs)
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith(roots) or frame.filename.endswith((".html", ".xml")):
                return self._show(frame.filename), frame.lineno
        return "templates", None

    def _html(self, template: str, out: Output, title: str, **context: Any) -> bytes:
        lastmod = output_lastmod(self.site, out, context.get("page"))
        info = OutputInfo(out.url, self.filters["absurl"](out.url), title, lastmod)
        html = self.env.get_template(template).render(output=info, feeds=self._feed_links(context.get("section")), **context)
        return html.encode("utf-8")

    def _feed_links(self, section: Section | None) -> list[dict[str, str]]:
        links = [
            {"title": f"{self.config.site_title} (RSS)", "url": "/rss.xml", "type": "application/rss+xml"},
            {"title": f"{self.config.site_title} (Atom)", "url": "/atom.xml", "type": "application/atom+xml"},
        ]
        if section is not None:
            links.append({"title": f"{section.title} (RSS)", "url": f"{section.url}rss.xml", "type": "application/rss+xml"})
        return links

    # --- HTML outputs ----------------------------------------------------------

    def _home(self, out: Output) -> bytes:
        return self._html("home.html", out, self.config.site_title, intro_html=self.site.home_intro_html,
                          source_items=home_source_items(self.site), **home_blocks(self.site))

    def _page(self, out: Output) -> bytes:
        page = self.pages[out.subject]
        if "<img" in page.body_html:  # resized copies, lazily loaded
            page = replace(page, body_html=self.pictures.rewrite(page.body_html))
        template = PAGE_TEMPLATES.get(page.kind, "page.html")
        return self._html(template, out, page.title, page=page, section=self.site.section(page.section))

    def _list(self, out: Output) -> bytes:
        return self._section_list(out, None)

    def _doc_filter(self, out: Output) -> bytes:
        section = self.site.section(out.subject)
        assert section is not None
        return self._section_list(out, section.document_filters[out.filter][0])

    def _pager(self, out: Output) -> Pager:
        base = out.url if out.number == 1 else out.url.rsplit(f"{PAGINATION_DIR}/{out.number}/", 1)[0]
        return paginate(listing(self.site, out), out.number, per_page(self.site, out), base)

    def _section_list(self, out: Output, filter_title: str | None) -> bytes:
        section = self.site.section(out.subject)
        assert section is not None
        pager = self._pager(out)
        children = [c for c in map(self.site.section, section.children) if c]
        context: dict[str, Any] = {"section": section, "pager": pager, "children": children,
                                   "source_items": list_source_items(self.site, out)}
        kind = section.info.kind
        if kind == DOCUMENT:
            context.update(self._document_filters(section, out), filter=filter_title)
        elif kind == PROCEDURE:
            context["groups"] = _groups(pager.items)
        title = section.title if not filter_title else f"{section.title}: {filter_title}"
        if out.number > 1:
            title = f"{title} – {self._('page_n_of_m', n=out.number, m=pager.count)}"
        return self._html(list_template(section), out, title, **context)

    def _document_filters(self, section: Section, out: Output) -> dict[str, list[FilterLink]]:
        result: dict[str, list[FilterLink]] = {"doc_types": [], "years": []}
        for (dim, value), (title, pages) in section.document_filters.items():
            link = FilterLink(title, f"{section.url}{dim}/{value}/", len(pages), out.filter == (dim, value))
            result["doc_types" if dim == "loai" else "years"].append(link)
        return result

    def _tags(self, out: Output) -> bytes:
        return self._html("tags.html", out, self._("all_tags"))

    def _tag(self, out: Output) -> bytes:
        tag = self.tags[out.subject]
        return self._html("tag.html", out, self._("tag_title", name=tag.name), tag=tag, pager=self._pager(out))

    def _sitemap(self, out: Output) -> bytes:
        return self._html("sitemap.html", out, self._("sitemap"))

    def _not_found(self, out: Output) -> bytes:
        return self._html("404.html", out, self._("not_found_title"))

    def _theme_page(self, out: Output) -> bytes:
        """A page written by the theme from the config alone; the template sets its own title."""
        return self._html(out.subject, out, "")

    def _feed_item(self, out: Output) -> bytes:
        item = self.feed_items[out.subject]
        return self._html("feed_item.html", out, item.title, item=item, section=self.site.section(item.target))

    # --- feeds and machine-readable files -------------------------------------

    def _feed(self, out: Output, fmt: str) -> bytes:
        config = self.config
        if out.subject.startswith("tag:"):
            tag = self.tags[out.subject[4:]]
            title, home = f"{tag.name} – {config.site_title}", tag.url
        elif out.subject:
            section = self.site.section(out.subject)
            assert section is not None
            title, home = f"{section.title} – {config.site_title}", section.url
        else:
            title, home = config.site_title, "/"
        absurl = self.filters["absurl"]
        return feeds.build_feed(
            fmt=fmt, title=title, description=config.description, home_url=absurl(home), self_url=absurl(out.url),
            language=config.language, publisher=config.committee, pages=list(feed_pages(self.site, out)),
            absurl=absurl, full_content=config.feeds.full_content, fallback_updated=self.site.lastmod,
            code=config.code, sections={s.path: (s.title, absurl(s.url)) for s in self.site.sections},
        )

    def _rss(self, out: Output) -> bytes:
        return self._feed(out, "rss")

    def _atom(self, out: Output) -> bytes:
        return self._feed(out, "atom")

    def _sitemap_xml(self, out: Output) -> bytes:
        absurl = self.filters["absurl"]
        site = self.site
        entries = [(absurl("/"), site.lastmod)]
        entries += [(absurl(s.url), s.lastmod) for s in site.sections]
        entries += [(absurl(p.url), p.lastmod) for p in site.pages + site.root_pages]
        entries += [(absurl(f"/{TAGS_DIR}/"), None)] + [(absurl(t.url), None) for t in site.tags]
        entries.append((absurl(f"/{SITEMAP_DIR}/"), site.lastmod))
        return sitemap.sitemap_xml(entries)

    def _robots(self, out: Output) -> bytes:
        return sitemap.robots_txt(self.filters["absurl"]("/sitemap.xml"))

    def _alerts_json(self, out: Output) -> bytes:
        return machine.to_json(machine.alerts_document(self.site))

    def _manifest(self, out: Output) -> bytes:
        return machine.to_json(machine.manifest_document(self.site, self.filters["absurl"]))


def _groups(pages: tuple[Page, ...]) -> list[Group]:
    by_field: dict[str, list[Page]] = {}
    for page in pages:
        by_field.setdefault(page.procedure.field if page.procedure else "", []).append(page)
    return [Group(f, tuple(ps)) for f, ps in sorted(by_field.items(), key=lambda kv: collation_key(kv[0]))]

