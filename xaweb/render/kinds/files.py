"""Machine-readable files: sitemap.xml, robots.txt, alerts.json, manifest.json."""

from __future__ import annotations

from ...content.model import Site
from ...urls import SITEMAP_DIR, TAGS_DIR
from .. import machine, sitemap
from ..plan import Output
from .base import Fingerprinting, Kind, Rendering, shown


class _File(Kind):
    file = ""

    def plan(self, site: Site) -> list[Output]:
        return [Output(self.file, f"/{self.file}", self.name)]


class SitemapXmlKind(_File):
    name, file = "sitemap_xml", "sitemap.xml"

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        site = fp.site
        return shown(fp, out, fp.chrome, None, fp.of(site.pages + site.root_pages), [(t.slug, t.name, len(t.pages)) for t in site.tags])

    def render(self, r: Rendering, out: Output) -> bytes:
        absurl, site = r.filters["absurl"], r.site
        entries = [(absurl("/"), site.lastmod)]
        entries += [(absurl(s.url), s.lastmod) for s in site.sections]
        entries += [(absurl(p.url), p.lastmod) for p in site.pages + site.root_pages]
        entries += [(absurl(f"/{TAGS_DIR}/"), None)] + [(absurl(t.url), None) for t in site.tags]
        entries.append((absurl(f"/{SITEMAP_DIR}/"), site.lastmod))
        return sitemap.sitemap_xml(entries)


class RobotsKind(_File):
    name, file = "robots", "robots.txt"

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome)  # the base URL is in the chrome

    def render(self, r: Rendering, out: Output) -> bytes:
        return sitemap.robots_txt(r.filters["absurl"]("/sitemap.xml"))


class AlertsJsonKind(_File):
    """The alerts active at build time, for the banner's refresh script and aggregators."""

    name, file = "alerts_json", "alerts.json"

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, fp.site.alerts)  # the base URL (for the pages' links) is in the chrome

    def render(self, r: Rendering, out: Output) -> bytes:
        return machine.to_json(machine.alerts_document(r.site, r.filters["absurl"]))


class ManifestKind(_File):
    """What the province reads of a commune site: identity, sections, feeds, Q&A figures."""

    name, file = "manifest", "manifest.json"

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, machine.manifest_document(fp.site, str))  # base_url and config are in the chrome

    def render(self, r: Rendering, out: Output) -> bytes:
        return machine.to_json(machine.manifest_document(r.site, r.filters["absurl"]))
