"""What an output kind is, and what it may use of the renderer and the fingerprinter.

An output kind plans its files from the assembled `Site`, fingerprints each
from exactly what it shows, renders it to bytes, and names the content file
behind it. The renderer and the fingerprinter are handed in as the protocols
below, so kinds depend on nothing above them (renderer.py and deps.py import
the registry, never the other way round).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol

from ...content.model import Page, Section, Site
from ...digests import digest
from ...i18n import Translator
from ..pictures import Pictures
from ..plan import Output, output_lastmod


class Rendering(Protocol):
    """The renderer as kinds see it (renderer.Renderer)."""

    site: Site
    pages: dict[str, Page]  # by source, with their bodies (the site's pages may have none: lists never show them)
    filters: dict[str, Callable[..., Any]]
    pictures: Pictures
    _: Translator

    def html(self, template: str, out: Output, title: str, **context: Any) -> bytes: ...


class Fingerprinting(Protocol):
    """The fingerprinter as kinds see it (deps.Fingerprints)."""

    site: Site
    chrome: str  # digest of what every HTML page shows around its content: config, menu, strings, alerts
    source_hashes: dict[str, str]
    listings: dict[str, str]

    def template(self, name: str) -> tuple[str, str | None]: ...  # (template digest, site-wide digest or None)
    def of(self, pages: Iterable[Page]) -> str: ...  # digest of what lists show of these pages
    def bodies(self, pages: Iterable[Page]) -> str: ...  # digest of their full texts


class Kind:
    """One kind of output. Subclasses set `name` and implement `plan`, `fingerprint` and `render`."""

    name = ""
    derived = False  # made by the image pipeline from a file, not rendered from the site
    # Blocks of site.yaml outside the chrome (render/deps.py BLOCKS) that this kind's code reads;
    # its templates' are found in them.
    config_blocks: frozenset[str] = frozenset()

    def plan(self, site: Site) -> list[Output]:
        raise NotImplementedError

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        raise NotImplementedError

    def render(self, r: Rendering, out: Output) -> bytes:
        raise NotImplementedError

    def source(self, site: Site, out: Output) -> str | None:
        """The content file whose text this output shows, for pointing problems back at it."""
        return None

    def bodies(self, site: Site, out: Output) -> Iterable[str]:
        """Sources whose full body this output needs (cached pages are kept without one)."""
        return ()

    def sample_key(self, site: Site, out: Output) -> tuple:
        """Outputs with equal keys look alike: the browser check opens one of each."""
        return (self.name,)


def index_path(url: str) -> str:
    """'/tin-tuc/' -> 'tin-tuc/index.html'."""
    return url.strip("/") + "/index.html" if url != "/" else "index.html"


def section_of(site: Site, path: str) -> Section:
    return site.section_map[path]


def shown(fp: Fingerprinting, out: Output, *parts: object) -> str:
    """The fingerprint of an output that shows `parts`, and a 'Cập nhật lần cuối' date."""
    return digest(digest(out.kind, *parts), output_lastmod(fp.site, out))
