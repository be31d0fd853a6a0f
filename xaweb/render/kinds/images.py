"""Resized copies of the photos pages show (xaweb/images.py makes them; nothing is rendered)."""

from __future__ import annotations

from ...content.model import Site
from ...digests import digest
from ..plan import Output
from .base import Fingerprinting, Kind, Rendering


class ImageKind(Kind):
    name = "image"
    derived = True

    def plan(self, site: Site) -> list[Output]:
        return [Output(v.url.lstrip("/"), v.url, self.name, info.url, v.width) for info in site.images.values() for v in info.variants]

    def fingerprint(self, fp: Fingerprinting, out: Output) -> str:
        return digest(self.name, out.url, fp.site.images[out.subject].key)  # the photo alone, whatever the site around it

    def render(self, r: Rendering, out: Output) -> bytes:
        raise TypeError("resized copies are made by xaweb.images, not rendered")
