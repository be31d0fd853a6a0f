"""Responsive image markup: `<picture>` with WebP and JPEG/PNG `srcset`s.

The build resizes every local photo a page or `site.yaml` shows (`xaweb/images.py`)
and records the copies in `site.images`. This module turns that data into markup:
the `picture()` template global, and the rewrite of `<img>` tags in page bodies.
`width`/`height` reserve the image's box before it loads (no layout shift), and
`sizes` tells the browser how wide the image is drawn, so a 360 px phone fetches
a 360 or 720 px copy, never the 4 MB original.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

from markupsafe import Markup, escape

from ..content.model import ImageInfo, Page

RASTER_SUFFIXES = (".jpg", ".jpeg", ".png")
# The article column of the default theme: 50rem wide, or the screen less 1rem padding each side.
ARTICLE_SIZES = "(min-width: 52rem) 50rem, calc(100vw - 2rem)"
FALLBACK_WIDTH = 720  # `src` for browsers without srcset: good enough on any screen
WEBP = "image/webp"

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
KEPT_ATTRIBUTES = ("id", "class", "title", "lang", "dir")  # an officer's own, on the <img>


def is_local_image(url: str | None) -> bool:
    """A root-relative JPEG or PNG, the kind the build resizes."""
    return url is not None and url.startswith("/") and not url.startswith("//") and url.lower().endswith(RASTER_SUFFIXES)


def page_images(page: Page) -> tuple[str, ...]:
    """The local images a page shows: its lead image (also on cards), then its body's."""
    urls = ((page.image,) if page.image else ()) + page.body_images
    return tuple(u for u in dict.fromkeys(urls) if is_local_image(u))


def config_images(config: object) -> tuple[str, ...]:
    """Local images `site.yaml` names (leaders' photos on the home page)."""
    urls = (leader.photo for leader in getattr(config, "leaders", ()))
    return tuple(u for u in dict.fromkeys(urls) if is_local_image(u))


def _srcset(info: ImageInfo, mime_is_webp: bool, url: Callable[[str], str]) -> str:
    return ", ".join(f"{url(v.url)} {v.width}w" for v in info.variants if (v.mime == WEBP) == mime_is_webp)


def _fallback(info: ImageInfo):
    plain = [v for v in info.variants if v.mime != WEBP]
    fitting = [v for v in plain if v.width <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else plain[0]


def _attrs(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs if value is not None)


class Pictures:
    """Markup for the images in `site.images`; `url` adds the site's base path."""

    def __init__(self, images: Mapping[str, ImageInfo], url: Callable[[str], str], base_path: str = ""):
        self.images = images
        self.url = url
        self.base_path = base_path

    def info(self, src: str | None) -> ImageInfo | None:
        return self.images.get(src) if src else None

    def picture(self, src: str | None, alt: str = "", sizes: str = ARTICLE_SIZES, lazy: bool = True,
                class_: str | None = None, extra: Iterable[tuple[str, object]] = (), width: int | None = None) -> Markup:
        """`<picture>` for a resized image; a plain `<img>` for any other (external, unknown)."""
        if not src:
            return Markup("")
        loading = (("loading", "lazy"), ("decoding", "async")) if lazy else ()
        info = self.info(src)
        if info is None:
            return Markup(f"<img{_attrs([('src', self.url(src)), ('alt', alt), ('class', class_), *extra, *loading])}>")
        fallback = _fallback(info)
        if width:  # drawn at a fixed width (an officer's `{width=300}`): ask for no more than that
            sizes = f"(max-width: {width + 32}px) calc(100vw - 2rem), {width}px"
            height = round(width * info.height / info.width)
        else:
            width, height = fallback.width, fallback.height
        webp = _srcset(info, True, self.url)
        source = f'<source type="{WEBP}"{_attrs([("srcset", webp), ("sizes", sizes)])}>' if webp else ""
        img = _attrs([("src", self.url(fallback.url)), ("srcset", _srcset(info, False, self.url)), ("sizes", sizes),
                      ("width", width), ("height", height), ("alt", alt), ("class", class_), *extra, *loading])
        return Markup(f"<picture>{source}<img{img}></picture>")

    def rewrite(self, body_html: str) -> str:
        """Every `<img>` of a page body as a `<picture>` (local images) or lazily loaded (others)."""
        if "<img" not in body_html:
            return body_html
        return _IMG.sub(self._rewrite_tag, body_html)

    def _rewrite_tag(self, match: re.Match) -> str:
        # Bodies are sanitised by nh3, which writes every attribute as name="value".
        attrs = dict(_ATTR.findall(match[0]))
        src = attrs.get("src", "")
        if self.base_path and src.startswith(self.base_path + "/"):
            src = src[len(self.base_path):]
        if src not in self.images:  # external or not resizable: as written, loaded lazily
            tag = match[0][:-1].rstrip("/ ")
            return tag + ("" if "loading" in attrs else ' loading="lazy"') + ' decoding="async">'
        width = attrs.get("width", "")
        extra = [(name, Markup(attrs[name])) for name in KEPT_ATTRIBUTES if name in attrs]  # already escaped
        return str(self.picture(src, Markup(attrs.get("alt", "")), lazy=True, extra=extra,
                                width=int(width) if width.isdigit() and int(width) > 0 else None))
