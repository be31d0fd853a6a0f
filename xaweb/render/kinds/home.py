"""The home page: the commune's identity, announcements, news, new documents, quick links, contacts."""

from __future__ import annotations

from ...content.model import Site
from ..plan import Output, home_blocks, home_source_items
from .base import Fingerprinting, Kind, Rendering, shown


class HomeKind(Kind):
    name = "home"
    config_blocks = frozenset({"home"})  # which sections and how many pages its lists show

    def plan(self, site: Site) -> list[Output]:
        return [Output("index.html", "/", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        site = fp.site
        blocks = [fp.of(b) for b in home_blocks(site).values()]
        return shown(fp, out, fp.chrome, fp.template("home.html"), site.home_intro_html, blocks, site.lastmod, home_source_items(site))

    def render(self, r: Rendering, out: Output) -> bytes:
        site, home = r.site, r.site.config.home
        return r.html("home.html", out, site.config.site_title, intro_html=site.home_intro_html,
                      source_items=home_source_items(site), **home_blocks(site),
                      ann_section=site.section(home.announcements_section), news_section=site.section(home.news_section),
                      docs_section=site.section(home.documents_section))

    def source(self, site: Site, out: Output) -> str | None:
        return "content/_index.md"  # the home page shows its introduction
