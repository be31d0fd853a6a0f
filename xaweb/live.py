"""What `xaweb serve` keeps in memory between builds, and the edits it applies without one.

After each build, serve keeps what the build prepared (the assembled site and its
planned outputs), a renderer whose templates are compiled, and a reverse index from
each content file to the outputs that show its body (output kinds name the bodies
they show: `Kind.bodies`). The common edit, a change to the text of a page, changes
only its body: the parsed page without its body is equal to the one the build saw,
compared as the build cache compares it (`cache.listing_of`). Then the outputs that
show that body are the only ones that can differ from a full build; they are
rendered and written at once, and nothing else is read, listed or fingerprinted.

Anything else (a new or removed file, a changed title, date or tag, a section
index, config, templates, static files, an error, a page that has since expired)
is not handled here: serve runs an ordinary incremental build, which also gives a
new state. The files written here are replaced one by one (serve's own folder,
which only serve's HTTP server reads); the next build renders them again from its
cache, which has not seen the edit, and writes the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Iterable

import markdown

from .cache import COMPILED_DIR, BuildCache, listing_of
from .content.assemble import next_expiry, published_body
from .content.markup import make_markdown
from .content.model import ROOT_SECTION, Page, SectionInfo
from .content.parse import PageError, parse_page
from .discover import SourceFile, read_source
from .errors import Problem
from .paths import CACHE_DIR
from .prepare import Prepared
from .render.kinds import KINDS
from .render.kinds.search import index_files, index_of, site_index_files
from .render.plan import Output
from .render.renderer import Renderer, RenderError
from .sources.merge import next_change
from .writer import replace_file


@dataclass
class LiveSite:
    prepared: Prepared
    renderer: Renderer
    out_dir: Path
    readers: dict[str, list[Output]]  # source -> the outputs that show its body
    files: dict[str, tuple[SourceFile, SectionInfo]]  # normalised OS path -> the page file and its section
    expiry: datetime | None  # from then on, time alone changes the output: only a build knows how
    loaded: set[str]  # sources whose body the renderer holds
    md: markdown.Markdown
    searched: dict[str, Page] = field(default_factory=dict)  # pages whose search words an edit changed, as written
    index: dict[str, bytes] | None = None  # the search index files as last written here (None: as the build wrote them)

    @classmethod
    def of(cls, prepared: Prepared, out_dir: Path, now: datetime) -> LiveSite:
        inputs, site = prepared.inputs, prepared.site
        readers: dict[str, list[Output]] = {}
        for out in prepared.outputs:
            for source in KINDS[out.kind].bodies(site, out):
                readers.setdefault(source, []).append(out)
        infos = prepared.parsed.infos
        files = {_key(source.os_path): (source, infos.get(section, ROOT_SECTION)) for source, section in inputs.files.pages}
        compiled = inputs.site_dir / CACHE_DIR / COMPILED_DIR
        renderer = Renderer(site, inputs.template_dirs, inputs.site_dir, compiled if compiled.is_dir() else None)
        pages = site.pages + site.root_pages
        expiry = min(filter(None, [next_expiry(pages, now), next_change(prepared.merged, inputs.config.sources, now)]), default=None)
        loaded = {p.source for p in pages} - prepared.parsed.from_cache
        return cls(prepared, renderer, out_dir, readers, files, expiry, loaded, make_markdown())

    def _with_body(self, source: str, body: str) -> Page:
        page = self.renderer.pages[source]
        return replace(page, body_html=published_body(page, body, self.renderer.base_path))

    def apply(self, changed: Iterable[str], now: datetime) -> int | None:
        """Apply an edit of page bodies: the number of files written, or None when a build is needed."""
        targets = [self.files.get(_key(path)) for path in changed]
        if not targets or (self.expiry is not None and now >= self.expiry):
            return None
        fresh: dict[str, Page] = {}
        for target in targets:
            if target is None:
                return None
            source, info = target
            problems: list[Problem] = []
            text = read_source(source, problems)
            if text is None:
                return None
            try:
                page, warnings = parse_page(text, source.path, info, self.md)
            except PageError:
                return None
            if listing_of(page, [w for w in warnings if w.level == "warning"]) != self.prepared.parsed.listings.get(source.path):
                return None
            fresh[source.path] = page
        outputs = {out.path: out for source in fresh for out in self.readers.get(source, [])}
        site = self.prepared.site
        missing = {s for out in outputs.values() for s in KINDS[out.kind].bodies(site, out)} - self.loaded - set(fresh)
        if missing:
            cache = BuildCache(self.prepared.inputs.site_dir, self.out_dir)
            try:
                stored = cache.bodies(missing)
            finally:
                cache.close()
            if set(stored) != missing:
                return None
            for name, body in stored.items():
                self.renderer.pages[name] = self._with_body(name, body)
        for name, page in fresh.items():  # the assembled page (its listing is unchanged), with the new body
            self.renderer.pages[name] = self._with_body(name, page.body_html)
        self.loaded |= missing | set(fresh)
        try:
            rendered = {path: self.renderer.render(out) for path, out in outputs.items()}
        except RenderError:
            return None  # the build reports it, with its file and line
        index = self._search_index(fresh)
        if index is None:
            return None
        rendered.update(index)
        for path, data in rendered.items():
            replace_file(self.out_dir / path, data)
        return len(rendered)

    def _search_index(self, fresh: dict[str, Page]) -> dict[str, bytes] | None:
        """The search index files an edit changes (a page's search words and text come from its body),
        or None when the index would gain or lose files: then a build is needed."""
        site = self.prepared.site
        current = {source: self.searched.get(source, site.page_map[source]) for source in fresh}
        if all((p.search_terms, p.search_text) == (current[s].search_terms, current[s].search_text) for s, p in fresh.items()):
            return {}
        for source, page in fresh.items():
            self.searched[source] = replace(current[source], search_terms=page.search_terms, search_text=page.search_text)
        old = self.index if self.index is not None else site_index_files(site)
        new = index_files(index_of([self.searched.get(p.source, p) for p in site.pages + site.root_pages], site))
        if set(new) != set(old):
            return None
        self.index = new
        return {path: data for path, data in new.items() if old[path] != data}


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))
