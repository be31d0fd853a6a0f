"""Site search: the search page, and the index files its script reads (render/search_index.py)."""

from __future__ import annotations

from typing import Iterable

from ...content.model import Page, Site
from ...digests import digest
from ...urls import SEARCH_DIR
from ..plan import Output
from ..search_index import SearchIndex, build_index, to_json
from .base import Fingerprinting, Kind, Rendering, shown

_last: tuple[Site, dict[str, bytes]] | None = None


def index_of(pages: Iterable[Page], site: Site) -> SearchIndex:
    return build_index(pages, {s.path: s.title for s in site.top_sections})


def index_files(index: SearchIndex) -> dict[str, bytes]:
    """Output path -> bytes of every file of the index."""
    files = {f"{SEARCH_DIR}/meta.json": to_json(index.meta)}
    files.update((f"{SEARCH_DIR}/b/{n}.json", to_json(bucket)) for n, bucket in enumerate(index.buckets))
    files.update((f"{SEARCH_DIR}/f/{n}.json", to_json(fragment)) for n, fragment in enumerate(index.fragments))
    return files


def site_index_files(site: Site) -> dict[str, bytes]:
    """The index files of this site, made once per process (planning makes them; forked workers inherit them)."""
    global _last
    if _last is None or _last[0] is not site:
        _last = (site, index_files(index_of(site.pages + site.root_pages, site)))
    return _last[1]


class SearchPageKind(Kind):
    name = "search_page"

    def plan(self, site: Site) -> list[Output]:
        return [Output(f"{SEARCH_DIR}/index.html", f"/{SEARCH_DIR}/", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        # Without JavaScript the page lists the sections; with it, filters come from meta.json.
        return shown(fp, out, fp.chrome, fp.template("search.html"), [(s.url, s.title) for s in fp.site.top_sections])

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html("search.html", out, r._("search"), sections=[(s.url, s.title) for s in r.site.top_sections])


class SearchIndexKind(Kind):
    """meta.json, the buckets of words, one small file per page with what a result shows."""

    name = "search_index"

    def plan(self, site: Site) -> list[Output]:
        return [Output(path, "/" + path, self.name) for path in site_index_files(site)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return digest(self.name, site_index_files(fp.site)[out.path])

    def render(self, r: Rendering, out: Output) -> bytes:
        return site_index_files(r.site)[out.path]
