"""RSS 2.0 and Atom feeds: the whole site, each section and each tag."""

from __future__ import annotations

from typing import Iterable

from ...content.model import Site
from ...urls import TAGS_DIR
from ..plan import Output, feed_pages
from .base import Fingerprinting, Kind, Rendering, section_of, shown


class FeedKind(Kind):
    config_blocks = frozenset({"feeds"})  # how many items, with full content or not

    def __init__(self, name: str, file: str):
        self.name, self.file = name, file  # "rss", "rss.xml"

    def plan(self, site: Site) -> list[Output]:
        outputs = [Output(self.file, f"/{self.file}", self.name)]
        outputs += [Output(f"{s.path}/{self.file}", f"{s.url}{self.file}", self.name, s.path) for s in site.sections]
        if self.name == "rss":  # tags have RSS only
            outputs += [Output(f"{TAGS_DIR}/{t.slug}/{self.file}", f"{t.url}{self.file}", self.name, "tag:" + t.slug) for t in site.tags]
        return outputs

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        site = fp.site
        tag = site.tag_map[out.subject[4:]].name if out.subject.startswith("tag:") else None
        pages = feed_pages(site, out)
        bodies = fp.bodies(pages) if site.config.feeds.full_content else None
        return shown(fp, out, out.url, fp.chrome, tag, fp.of(pages), bodies, site.lastmod)

    def render(self, r: Rendering, out: Output) -> bytes:
        from .. import feeds  # feedgen and lxml: only where a feed is rendered

        site, config = r.site, r.site.config
        if out.subject.startswith("tag:"):
            tag = site.tag_map[out.subject[4:]]
            title, home = f"{tag.name} – {config.site_title}", tag.url
        elif out.subject:
            section = section_of(site, out.subject)
            title, home = f"{section.title} – {config.site_title}", section.url
        else:
            title, home = config.site_title, "/"
        absurl = r.filters["absurl"]
        return feeds.build_feed(
            fmt=self.name, title=title, description=config.description, home_url=absurl(home), self_url=absurl(out.url),
            language=config.language, publisher=config.committee, pages=[r.pages[p.source] for p in feed_pages(site, out)],
            absurl=absurl, full_content=config.feeds.full_content, fallback_updated=site.lastmod,
            code=config.code, sections={s.path: (s.title, absurl(s.url)) for s in site.sections},
        )

    def bodies(self, site: Site, out: Output) -> Iterable[str]:
        return (p.source for p in feed_pages(site, out)) if site.config.feeds.full_content else ()
