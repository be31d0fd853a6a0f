"""Site + Output -> bytes. The only module that knows Jinja.

One `Renderer` per process: the environment compiles each template once and
the instance renders any number of outputs. It reads the disk only through
the template loader (and Jinja's bytecode cache, when the build keeps one).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2

from ..config import MenuItem, SiteConfig
from ..content.assemble import base_path_of, published_body
from ..content.model import Section, Site
from ..errors import Problem
from ..i18n import Translator
from ..urlpolicy import Url
from . import identity
from .filters import make_filters
from .kinds import KINDS
from .pictures import Pictures
from .plan import Output, output_lastmod
from .theme import template_loader


class RenderError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class OutputInfo:
    url: str
    canonical: str
    title: str
    lastmod: datetime | None


def default_menu(site: Site, home_title: str) -> tuple[MenuItem, ...]:
    def item(section: Section) -> MenuItem:
        kids = tuple(item(c) for c in map(site.section, section.children) if c and c.info.in_menu)
        return MenuItem(section.title, Url(section.url), kids)

    return (MenuItem(home_title, Url("/")),) + tuple(item(s) for s in site.top_sections if s.info.in_menu)


SITE_FILTERS = ("url", "absurl")  # filters whose result depends on the site's address


def _at_render(f: Callable[[str], str]) -> Callable[..., str]:
    """The filter `f`, evaluated when a page is rendered: Jinja never folds a context filter into compiled code."""
    @jinja2.pass_context
    def at_render(_context: Any, value: str) -> str:
        return f(value)
    return at_render


class Renderer:
    def __init__(self, site: Site, template_dirs: list[Path], site_dir: Path, compiled_dir: Path | None = None,
                 bodies: Mapping[str, str] | None = None):
        self.site = site
        self.config: SiteConfig = site.config
        self.site_dir = site_dir
        self.template_dirs = template_dirs
        # Pages with their bodies, for the outputs that show them: `bodies` holds those of the pages
        # that came from the cache without one (lists never show bodies, so the site needs none).
        bodies = bodies or {}
        self.base_path = base_path_of(self.config.base_url)
        self.pages = {p.source: replace(p, body_html=published_body(p, bodies[p.source], self.base_path)) if p.source in bodies else p
                      for p in site.pages + site.root_pages}
        lang = self.config.language
        self._ = Translator(lang)
        self.env = jinja2.Environment(
            loader=template_loader(template_dirs),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=self._bytecode_cache(compiled_dir, lang),
        )
        self.filters = make_filters(self.config.base_url, lang)
        self.env.filters.update(self.filters)
        for name in SITE_FILTERS:
            self.env.filters[name] = _at_render(self.filters[name])
        self.pictures = Pictures(site.images, self.filters["url"], base_path=self.filters["url"]("/")[:-1])
        self.env.globals.update(
            picture=self.pictures.picture,
            image_info=self.pictures.info,
            site=site,
            config=self.config,
            lang=lang,
            _=self._,
            menu=self.config.menu or default_menu(site, self._("home")),
            committee_name=identity.committee_name(self.config, self._),
            province_line=identity.province_line(self.config, self._),
        )

    def _bytecode_cache(self, compiled_dir: Path | None, lang: str) -> jinja2.BytecodeCache | None:
        """Compiled templates kept between builds (keyed by their source's checksum): every build and worker
        would otherwise compile them again. Jinja folds filters applied to constants into the compiled code;
        the ones that depend on the site's address (SITE_FILTERS) are kept from it, so compiled templates
        hold nothing of one site and every commune of a province shares them. Language-dependent filters
        (dates) still fold: the files are keyed by language."""
        if compiled_dir is None:
            return None
        return jinja2.FileSystemBytecodeCache(str(compiled_dir), pattern=f"%s-{lang}.cache")

    # --- entry point ---------------------------------------------------------

    def render(self, out: Output) -> bytes:
        try:
            return KINDS[out.kind].render(self, out)
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

    def html(self, template: str, out: Output, title: str, **context: Any) -> bytes:
        """A page from `template`, with what every page template receives (output, feeds)."""
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
