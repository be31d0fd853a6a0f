"""The commune radio: the bulletins' podcast feed and the broadcast schedule, as a page and as JSON
(render/radio.py). Planned only for a site with a `truyen-thanh` section."""

from __future__ import annotations

from datetime import datetime

from ...content.model import RADIO_SECTION, Site
from ..machine import to_json
from ..plan import Output
from ..radio import bulletins, podcast_rss, schedule
from .base import Fingerprinting, Kind, Rendering, shown

PODCAST = f"{RADIO_SECTION}/podcast.xml"
SCHEDULE = "lich-phat-song"


def _facts(site: Site) -> list:
    return [(p.url, p.title, p.summary, p.date, p.priority, p.audio, site.audio[p.audio.file]) for p in bulletins(site) if p.audio]


class PodcastKind(Kind):
    name = "podcast"

    def plan(self, site: Site) -> list[Output]:
        return [Output(PODCAST, f"/{PODCAST}", self.name)] if site.section(RADIO_SECTION) else []

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return shown(fp, out, fp.chrome, _facts(fp.site))

    def render(self, r: Rendering, out: Output) -> bytes:
        return podcast_rss(r.site, r.filters["absurl"], out.url, f"/{RADIO_SECTION}/")


class ScheduleKind(Kind):
    """/truyen-thanh/lich-phat-song/ for people, /truyen-thanh/lich-phat-song.json for the speaker clusters."""

    name = "broadcast_schedule"

    def plan(self, site: Site) -> list[Output]:
        if not site.section(RADIO_SECTION):
            return []
        page = f"{RADIO_SECTION}/{SCHEDULE}/"
        return [Output(page + "index.html", "/" + page, self.name), Output(f"{RADIO_SECTION}/{SCHEDULE}.json", f"/{RADIO_SECTION}/{SCHEDULE}.json", self.name)]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        template = fp.template("schedule.html") if out.path.endswith(".html") else ""
        return shown(fp, out, fp.chrome, template, _facts(fp.site))

    def render(self, r: Rendering, out: Output) -> bytes:
        data = schedule(r.site, r.filters["absurl"])
        if out.path.endswith(".json"):
            return to_json(data)
        moments = [datetime.fromisoformat(b["at"]) if b["at"] else None for b in data["broadcasts"]]
        return r.html("schedule.html", out, r._("radio_schedule"), schedule=data, moments=moments, section=r.site.section(RADIO_SECTION))
