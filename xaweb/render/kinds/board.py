"""The public electronic bulletin board: its playlist (bang-tin.json) and the full-screen page
a screen in kiosk mode shows (bang-tin/), from the same content (render/board.py, docs/board.md)."""

from __future__ import annotations

from typing import Any, Callable

from ...content.model import Site
from ..board import playlist
from ..machine import to_json
from ..plan import Output
from .base import Fingerprinting, Kind, Rendering, shown

PLAYLIST = "bang-tin.json"
BOARD_DIR = "bang-tin"


_last: tuple[Site, dict[Callable[[str], str], dict[str, Any]]] | None = None


def site_playlist(site: Site, absurl: Callable[[str], str]) -> dict[str, Any]:
    """The playlist of this site with these addresses, made once per build for both kinds (as data for
    their fingerprints, with relative addresses; with absolute ones when rendered)."""
    global _last
    if _last is None or _last[0] is not site:
        _last = (site, {})
    made = _last[1]
    if absurl not in made:
        made[absurl] = playlist(site, absurl)
    return made[absurl]


def _shown(site: Site) -> object:
    return site_playlist(site, str)  # what the screen shows, as data: its digest is the fingerprint


class BoardPlaylistKind(Kind):
    name = "board_playlist"
    config_blocks = frozenset({"board", "home"})

    def plan(self, site: Site) -> list[Output]:
        return [Output(PLAYLIST, f"/{PLAYLIST}", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, _shown(fp.site))  # the base URL (absolute links) is in the chrome

    def render(self, r: Rendering, out: Output) -> bytes:
        return to_json(site_playlist(r.site, r.filters["absurl"]))


class BoardPageKind(Kind):
    """The screen's page: the first playlist built in (so it shows at once, and without the network),
    then board.js re-reads bang-tin.json every `board.refresh` seconds."""

    name = "board_page"
    config_blocks = frozenset({"board", "home"})

    def plan(self, site: Site) -> list[Output]:
        return [Output(f"{BOARD_DIR}/index.html", f"/{BOARD_DIR}/", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, fp.template("board.html"), _shown(fp.site))

    def render(self, r: Rendering, out: Output) -> bytes:
        return r.html("board.html", out, r._("board_title"), playlist=site_playlist(r.site, r.filters["absurl"]))
