"""One HTML page per thing: a content page, a source item with its own page, a theme page, the 404 page."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ...content.model import Site
from ...content.related import nearby
from ...digests import digest
from ..plan import PAGE_TEMPLATES, QA_THEME_PAGES, Output
from .base import Fingerprinting, Kind, Rendering, index_path, shown


class PageKind(Kind):
    name = "page"

    def plan(self, site: Site) -> list[Output]:
        return [Output(index_path(p.url), p.url, self.name, p.source) for p in site.pages + site.root_pages]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        # The bulk of a site, so one flat digest; its lastmod is in its listing digest.
        page = fp.site.page_map[out.subject]
        name = PAGE_TEMPLATES.get(page.kind, "page.html")
        template, everything = fp.template(name)
        # An article shows its neighbours' titles, addresses and dates; a bulletin what the build read of its file.
        neighbours = [(p.url, p.title, p.date) for p in nearby(fp.site, page).pages] if name == "page.html" else []
        audio = fp.site.audio.get(page.audio.file) if page.audio else None
        return digest("page", fp.chrome, template, everything, fp.source_hashes[page.source], fp.listings[page.source], neighbours, audio)

    def render(self, r: Rendering, out: Output) -> bytes:
        page = r.pages[out.subject]
        if "<img" in page.body_html:  # resized copies, lazily loaded
            page = replace(page, body_html=r.pictures.rewrite(page.body_html))
        template = PAGE_TEMPLATES.get(page.kind, "page.html")
        extra: dict[str, object] = {"nearby": nearby(r.site, page)} if template == "page.html" else {}
        if page.audio:
            extra["audio"] = r.site.audio.get(page.audio.file)
        return r.html(template, out, page.title, page=page, section=r.site.section(page.section), **extra)

    def source(self, site: Site, out: Output) -> str | None:
        return out.subject

    def bodies(self, site: Site, out: Output) -> Iterable[str]:
        return (out.subject,)

    def sample_key(self, site: Site, out: Output) -> tuple:
        return (self.name, site.page_map[out.subject].kind)


class RedirectKind(Kind):
    """An old address of a page (`aliases:`): a small page that sends the reader to the new one."""

    name = "redirect"

    def plan(self, site: Site) -> list[Output]:
        return [Output(alias_path(alias), alias, self.name, p.source) for p in site.pages + site.root_pages for alias in p.aliases]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        page = fp.site.page_map[out.subject]
        return digest("redirect", out.url, fp.chrome, fp.template("redirect.html"), page.url, page.title)

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html("redirect.html", out, r.site.page_map[out.subject].title, page=r.site.page_map[out.subject])

    def source(self, site: Site, out: Output) -> str | None:
        return out.subject


def alias_path(alias: str) -> str:
    """'/thong-bao/cu/' and '/thong-bao/cu' -> 'thong-bao/cu/index.html'; '/tin/bai-1.html' -> 'tin/bai-1.html'."""
    last = alias.rstrip("/").rsplit("/", 1)[-1]
    return alias.lstrip("/") if not alias.endswith("/") and "." in last else index_path(alias.rstrip("/") + "/")


class FeedItemKind(Kind):
    """A source item with its full text (`full_pages: true`)."""

    name = "feed_item"

    def plan(self, site: Site) -> list[Output]:
        return [Output(index_path(item.url), item.url, self.name, item.id) for item in site.feed_items if item.url]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        item = next(i for i in fp.site.feed_items if i.id == out.subject)
        return shown(fp, out, out.url, fp.chrome, fp.template("feed_item.html"), item)

    def render(self, r: Rendering, out: Output) -> bytes:
        item = next(i for i in r.site.feed_items if i.id == out.subject and i.url)
        return r.html("feed_item.html", out, item.title, item=item, section=r.site.section(item.target))


class ThemePageKind(Kind):
    """Pages the theme writes from the config alone when a Q&A endpoint is set: thank-you pages, the privacy notice."""

    name = "theme_page"

    def plan(self, site: Site) -> list[Output]:
        if not site.config.qa.endpoint:
            return []
        return [Output(index_path("/" + url), "/" + url, self.name, template) for url, template in QA_THEME_PAGES.items()]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, out.url, fp.chrome, fp.template(out.subject))  # the config is in the chrome

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html(out.subject, out, "")  # the template sets its own title


class NotFoundKind(Kind):
    name = "not_found"

    def plan(self, site: Site) -> list[Output]:
        return [Output("404.html", "/404.html", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, fp.template("404.html"))

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html("404.html", out, r._("not_found_title"))
