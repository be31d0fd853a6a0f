"""The registry of output kinds: every file a site has is planned, fingerprinted and rendered by one of these.

Adding a kind (a search index, a bulletin-board playlist, a podcast feed) is
one new module with a `Kind` subclass and one line here. The order is the
order outputs are planned in.
"""

from __future__ import annotations

from ...content.model import Site
from ...errors import Problem
from ..plan import Output
from .base import Fingerprinting, Kind, Rendering
from .board import BoardPageKind, BoardPlaylistKind
from .feeds import FeedKind
from .files import AlertsJsonKind, ManifestKind, RobotsKind, SitemapXmlKind
from .home import HomeKind
from .images import ImageKind
from .lists import DocFilterKind, ListKind, SitemapKind, TagKind, TagsKind
from .pages import FeedItemKind, NotFoundKind, PageKind, RedirectKind, ThemePageKind
from .radio import PodcastKind, ScheduleKind
from .search import SearchIndexKind, SearchPageKind

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    HomeKind(),
    PageKind(),
    ListKind(),
    DocFilterKind(),
    FeedKind("rss", "rss.xml"),
    FeedKind("atom", "atom.xml"),
    TagsKind(),
    TagKind(),
    SitemapKind(),
    NotFoundKind(),
    SitemapXmlKind(),
    RobotsKind(),
    AlertsJsonKind(),
    ManifestKind(),
    ThemePageKind(),
    FeedItemKind(),
    RedirectKind(),
    SearchPageKind(),
    SearchIndexKind(),
    BoardPlaylistKind(),
    BoardPageKind(),
    PodcastKind(),
    ScheduleKind(),
    ImageKind(),
)}



def plan_outputs(site: Site) -> tuple[list[Output], list[Problem]]:
    """Every file of the site, kind by kind, and the URLs two of them claim."""
    outputs = [out for kind in KINDS.values() for out in kind.plan(site)]
    return outputs, _collisions(outputs)


def _collisions(outputs: list[Output]) -> list[Problem]:
    """A page whose URL equals a generated one (a list page, a feed) is named in the error."""
    seen: dict[str, Output] = {}
    problems = []
    for out in outputs:
        first = seen.setdefault(out.path, out)
        if first is not out:
            culprit = next((o.subject for o in (out, first) if o.kind in ("redirect", "page")), "content")
            problems.append(Problem(culprit, None, f"đường dẫn {out.url} bị tạo hai lần ({first.kind}, {out.kind}); hãy đổi 'slug' hoặc tên thư mục"))
    return problems


__all__ = ["KINDS", "Fingerprinting", "Kind", "Rendering", "plan_outputs"]
