"""What each output depends on, as a fingerprint: `fingerprint(output) -> str`.

An output whose fingerprint equals the one recorded by the last build has the
same bytes, so the build copies it instead of rendering it. The fingerprint
covers everything the output's render reads:

- the templates it uses, with everything they extend, include or import;
- the "chrome" every HTML page shows: config, menu (section titles and
  order), UI strings, xaweb's version;
- the data it shows: a page's source and listing digest, or the listing
  digests of the pages on a list page, a feed, a tag page or the home page.

A listing digest covers the parsed page without its body (title, summary,
dates, table of contents…: all that lists can show, since they never get
bodies) and what assembly adds (expiry, attachment size, image sizes). So an
edit to a page's body alone re-renders that page and no list.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2 import meta

from .. import __version__
from ..content.model import Page, Site
from ..digests import digest, digest_all
from ..i18n import load_catalog
from .kinds import KINDS
from .pictures import config_images, page_images
from .plan import Output
from .theme import template_loader


def listing_digest(page: Page, parsed: str, images: dict | None = None) -> str:
    """What others can show of a page: `parsed` (the digest of the page without its body) and assembly-time facts."""
    shown = [images.get(url) for url in page_images(page)] if images else []
    size = page.document.file_size if page.document else None
    return digest(f"{parsed} {page.section} {page.expired} {size} {shown!r}")  # one part: this runs for every page


# Attributes of `site` that reach other pages' data. A page template that uses
# one of them (a "latest news" sidebar on every article, say) depends on every page.
SITE_WIDE = {"pages", "listed_pages", "root_pages", "tags", "lastmod", "listed", "feed_items"}


def _reads_site_wide(ast: jinja2.nodes.Template) -> bool:
    for found in ast.find_all(jinja2.nodes.Getattr):
        attrs = []
        node: jinja2.nodes.Node | None = found
        while isinstance(node, (jinja2.nodes.Getattr, jinja2.nodes.Call, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
            if isinstance(node, jinja2.nodes.Getattr):
                attrs.append(node.attr)
            node = node.node
        if isinstance(node, jinja2.nodes.Name) and node.name == "site" and SITE_WIDE & set(attrs):
            return True
    return False


# What parsing one template's source tells: (templates it names, whether it names
# one dynamically, whether it reads site-wide data). Keyed by the source's digest,
# so the build cache can keep them and skip Jinja's parser on the next build.
TemplateFacts = dict[str, tuple[tuple[str, ...], bool, bool]]


class TemplateDigests:
    """Digest of a template with everything it references, and whether that reads site-wide data."""

    def __init__(self, template_dirs: list[Path], facts: TemplateFacts | None = None):
        self.loader = template_loader(template_dirs)
        self.env = jinja2.Environment(loader=self.loader)
        self._known = facts or {}
        self.facts: TemplateFacts = {}  # of the templates this build uses
        self._cache: dict[str, tuple[str, bool]] = {}
        self._reads: dict[str, tuple[bytes, set[str], bool]] = {}

    def _read(self, name: str) -> tuple[bytes, set[str], bool]:
        """Each template is read and parsed once, however many others include it."""
        if name not in self._reads:
            self._reads[name] = self._parse(name)
        return self._reads[name]

    def _parse(self, name: str) -> tuple[bytes, set[str], bool]:
        try:
            source, _, _ = self.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:
            return b"", set(), True  # rendering reports it, naming the template that asked
        data = source.encode("utf-8")
        key = digest(data)
        if key in self._known:
            self.facts[key] = self._known[key]
        elif key not in self.facts:
            try:
                ast = self.env.parse(source)
            except jinja2.TemplateSyntaxError:
                return data, set(), True  # rendering reports it, with its line
            found = list(meta.find_referenced_templates(ast))
            self.facts[key] = (tuple(sorted(r for r in found if r)), None in found, _reads_site_wide(ast))
        refs, dynamic, wide = self.facts[key]
        # A dynamic reference could be any template: depend on all of them.
        return data, set(self.loader.list_templates()) if dynamic else set(refs), wide

    def __call__(self, name: str) -> tuple[str, bool]:
        if name not in self._cache:
            seen: dict[str, bytes] = {}
            site_wide = False
            todo = [name]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                source, refs, wide = self._read(current)
                seen[current] = source
                site_wide |= wide
                todo.extend(refs)
            self._cache[name] = (digest(*sorted(seen.items())), site_wide)
        return self._cache[name]


class Fingerprints:
    def __init__(self, site: Site, template_dirs: list[Path], source_hashes: dict[str, str], listings: dict[str, str],
                 template_facts: TemplateFacts | None = None):
        self.site = site
        self.templates = TemplateDigests(template_dirs, template_facts)
        self.source_hashes = source_hashes  # source -> hash of its text
        self.listings = listings  # source -> listing digest
        config = site.config
        # The menu, breadcrumbs and headers show sections' titles, order and URLs, never their
        # introductions: an intro edit re-renders only its own list pages (render/kinds/lists.py).
        sections = [(replace(s.info, intro_html=""), s.children) for s in site.sections]
        catalog = sorted(load_catalog(config.language).items())
        self.chrome = digest(__version__, pickle.dumps(config), sections, catalog, [site.images.get(u) for u in config_images(config)],
                             site.alerts, site.theme)  # the alert banner is on every HTML page; the theme's stylesheets
        self._everything: str | None = None

    def template(self, name: str) -> tuple[str, str | None]:
        template, site_wide = self.templates(name)
        if not site_wide:
            return template, None
        if self._everything is None:
            site = self.site
            self._everything = digest(self.of(site.pages + site.root_pages), [(t.slug, t.name) for t in site.tags], site.lastmod,
                                      site.feed_items)
        return template, self._everything

    def of(self, pages: Iterable[Page]) -> str:
        return digest_all(self.listings[p.source] for p in pages)

    def bodies(self, pages: Iterable[Page]) -> str:
        return digest_all(self.source_hashes[p.source] for p in pages)

    def __call__(self, out: Output) -> str:
        return KINDS[out.kind].fingerprint(self, out)
