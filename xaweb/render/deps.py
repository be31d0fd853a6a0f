"""What each output depends on, as a fingerprint: `fingerprint(output) -> str`.

An output whose fingerprint equals the one recorded by the last build has the
same bytes, so the build copies it instead of rendering it. The fingerprint
covers everything the output's render reads:

- the templates it uses, with everything they extend, include or import;
- the "chrome" every HTML page shows: config, menu (section titles and
  order), UI strings, xaweb's version; except the config blocks few outputs
  show (`BLOCKS`: the home page's lists, quick links and leaders; the feeds'
  settings), which count only for the outputs whose templates name them or
  whose kind declares them (`Kind.config_blocks`);
- the data it shows: a page's source and listing digest, or the listing
  digests of the pages on a list page, a feed, a tag page or the home page.

A listing digest covers the parsed page without its body (title, summary,
dates, table of contents…: all that lists can show, since they never get
bodies) and what assembly adds (expiry, attachment size, image sizes). So an
edit to a page's body alone re-renders that page and no list.
"""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
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
    # The URL too: pages with one title get theirs at assembly (content/assemble.py), from the other pages.
    return digest(f"{parsed} {page.url} {page.section} {page.expired} {size} {shown!r} {page.links!r}")  # one part: runs for every page


# Attributes of `site` that reach other pages' data. A page template that uses
# one of them (a "latest news" sidebar on every article, say) depends on every page.
SITE_WIDE = {"pages", "listed_pages", "root_pages", "tags", "lastmod", "listed", "feed_items"}


# Blocks of site.yaml that few outputs show. An output depends on one only when a template of
# its closure names it (`config.home`, `site.config.leaders`) or its kind's code reads it.
BLOCKS = frozenset({"home", "quick_links", "leaders", "feeds", "board"})
# Introductions are not in the chrome either (an intro edit re-renders its own section's first list
# page, or the home page): a template that shows another section's depends on all sections' ones
# ("sections"), one that shows the home page's (`site.home_intro_html`) on that one ("home").
INTROS = {"intro_html": "sections", "home_intro_html": "home"}
ALL_INTROS = frozenset(INTROS.values())


def _is_name(node: jinja2.nodes.Node, name: str) -> bool:
    return isinstance(node, jinja2.nodes.Name) and node.name == name


def _is_site_config(node: jinja2.nodes.Node) -> bool:
    return isinstance(node, jinja2.nodes.Getattr) and node.attr == "config" and _is_name(node.node, "site")


def _reads(ast: jinja2.nodes.Template) -> tuple[bool, tuple[str, ...] | None, tuple[str, ...]]:
    """(whether the template reads site-wide data, the config blocks it names; None when it uses the
    config or the site whole, as in `macro(config)`, so that it may read any block; the introductions
    it shows other than its own section's (INTROS), as a home page listing sections with theirs)."""
    wide, blocks, named, intros = False, set(), set(), set()
    # `section` is the list's own section unless the template binds the name itself (a loop, a set).
    rebinds = any(n.name == "section" and n.ctx == "store" for n in ast.find_all(jinja2.nodes.Name))
    for found in ast.find_all(jinja2.nodes.Getattr):
        attrs = []
        node: jinja2.nodes.Node | None = found
        while isinstance(node, (jinja2.nodes.Getattr, jinja2.nodes.Call, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
            if isinstance(node, jinja2.nodes.Getattr):
                attrs.append(node.attr)
            node = node.node
        if node is not None and _is_name(node, "site") and SITE_WIDE & set(attrs):
            wide = True
        if found.attr in INTROS and not (found.attr == "intro_html" and node is not None and _is_name(node, "section") and not rebinds):
            intros.add(INTROS[found.attr])
        base = found.node
        if _is_name(base, "config") or _is_site_config(base):
            blocks.add(found.attr)
        if _is_name(base, "config") or _is_site_config(base) or _is_name(base, "site"):
            named.add(id(base))
    used_whole = [n for n in ast.find_all((jinja2.nodes.Name, jinja2.nodes.Getattr))
                  if (_is_name(n, "config") or _is_name(n, "site") or _is_site_config(n)) and id(n) not in named]
    return wide, None if used_whole else tuple(sorted(blocks & BLOCKS)), tuple(sorted(intros))


# What parsing one template's source tells: (templates it names, whether it names
# one dynamically, whether it reads site-wide data, the config blocks it names or None
# for any, the introductions it shows). Keyed by the source's digest, so the build cache can keep them and skip
# Jinja's parser on the next build.
TemplateFacts = dict[str, tuple[tuple[str, ...], bool, bool, tuple[str, ...] | None, tuple[str, ...]]]
# A template with all it references: digest, whether it reads site-wide data, the config blocks it
# names, the introductions it shows.
Closure = tuple[str, bool, frozenset[str], frozenset[str]]


class TemplateDigests:
    """Digest of a template with everything it references, whether that reads site-wide data, and
    which config blocks it names."""

    def __init__(self, template_dirs: list[Path], facts: TemplateFacts | None = None):
        self.loader = template_loader(template_dirs)
        self.env = jinja2.Environment(loader=self.loader)
        self._known = facts or {}
        self.facts: TemplateFacts = {}  # of the templates this build uses
        self._cache: dict[str, Closure] = {}
        self._reads: dict[str, tuple[bytes, set[str], bool, frozenset[str], frozenset[str]]] = {}

    def _read(self, name: str) -> tuple[bytes, set[str], bool, frozenset[str], frozenset[str]]:
        """Each template is read and parsed once, however many others include it."""
        if name not in self._reads:
            self._reads[name] = self._parse(name)
        return self._reads[name]

    def _parse(self, name: str) -> tuple[bytes, set[str], bool, frozenset[str], frozenset[str]]:
        try:
            source, _, _ = self.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:
            return b"", set(), True, BLOCKS, ALL_INTROS  # rendering reports it, naming the template that asked
        data = source.encode("utf-8")
        key = digest(data)
        if key in self._known:
            self.facts[key] = self._known[key]
        elif key not in self.facts:
            try:
                ast = self.env.parse(source)
            except jinja2.TemplateSyntaxError:
                return data, set(), True, BLOCKS, ALL_INTROS  # rendering reports it, with its line
            found = list(meta.find_referenced_templates(ast))
            self.facts[key] = (tuple(sorted(r for r in found if r)), None in found, *_reads(ast))
        refs, dynamic, wide, blocks, intros = self.facts[key]
        # A dynamic reference could be any template: depend on all of them.
        return (data, set(self.loader.list_templates()) if dynamic else set(refs), wide,
                BLOCKS if blocks is None else frozenset(blocks), frozenset(intros))

    def __call__(self, name: str) -> Closure:
        if name not in self._cache:
            seen: dict[str, bytes] = {}
            site_wide, blocks, intros = False, frozenset[str](), frozenset[str]()
            todo = [name]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                source, refs, wide, named, shown_intros = self._read(current)
                seen[current] = source
                site_wide |= wide
                blocks |= named
                intros |= shown_intros
                todo.extend(refs)
            self._cache[name] = (digest(*sorted(seen.items())), site_wide, blocks, intros)
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
        everywhere = [(f.name, getattr(config, f.name)) for f in fields(config) if f.name not in BLOCKS]
        self.chrome = digest(__version__, pickle.dumps(everywhere), sections, catalog, [site.images.get(u) for u in config_images(config)],
                             site.alerts, site.theme)  # the alert banner is on every HTML page; the theme's stylesheets
        self._everything: str | None = None

    def blocks(self, names: Iterable[str]) -> str:
        """Digest of the named config blocks' values."""
        return digest(pickle.dumps([(name, getattr(self.site.config, name)) for name in sorted(names)]))

    def template(self, name: str) -> tuple[str, str | None]:
        template, site_wide, blocks, intros = self.templates(name)
        if blocks:
            template = digest(template, self.blocks(blocks))
        if "sections" in intros:
            template = digest(template, [(s.path, s.info.intro_html) for s in self.site.sections])
        if "home" in intros:
            template = digest(template, self.site.home_intro_html)
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
        kind = KINDS[out.kind]
        found = kind.fingerprint(self, out)
        return digest(found, self.blocks(kind.config_blocks)) if kind.config_blocks else found
