"""Addresses that go nowhere, checked at build time against what the build makes.

Pure: the pages (with the links their parse found, and the lines) and the set of
addresses the site answers go in; a warning per link that goes nowhere comes out,
with the closest existing name when there is one (`hop-dan-ap3.JPG` → `hop-dan-ap-3.jpg`);
the same for the pictures site.yaml names, and for pages the last build published elsewhere.
`xaweb check` finds the same in the rendered pages, templates included.
"""

from __future__ import annotations

import difflib
from typing import Collection, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from ..config import CONFIG_FILE, SiteConfig
from ..errors import Problem
from .model import Page

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")


def broken_links(pages: Iterable[Page], answers: Collection[str], static: Collection[str]) -> list[Problem]:
    """`answers`: every site-relative address the site has ('/tin-tuc/', '/rss.xml', '/files/a.pdf');
    `static`: the static files' addresses, for suggestions."""
    problems = []
    for page in pages:
        for url, line in page.local_links:
            path = unquote(urlsplit(url).path)
            if path in answers or path + "/" in answers:
                continue
            problems.append(Problem(page.source, line, _message(path, answers, static), "warning", "broken-link"))
    return problems


def missing_pictures(config: SiteConfig, static: Collection[str]) -> list[Problem]:
    """The emblem and the leaders' photos site.yaml names, where static/ has no such file."""
    named = [("emblem", config.emblem)] + [(f"leaders[{i}].photo", leader.photo) for i, leader in enumerate(config.leaders)]
    return [Problem(CONFIG_FILE, None, f"'{key}': không tìm thấy ảnh static{url}" + _closest(url, list(static)), "warning", "broken-link")
            for key, url in named if url.startswith("/") and url not in static]


def _message(path: str, answers: Collection[str], static: Collection[str]) -> str:
    if path.lower().endswith(IMAGE_SUFFIXES):
        what, candidates = f"không tìm thấy ảnh static{path}", [u for u in static if u.lower().endswith(IMAGE_SUFFIXES)]
    elif "." in path.rsplit("/", 1)[-1]:
        what, candidates = f"không tìm thấy tệp static{path}", list(static)
    else:
        what, candidates = f"liên kết tới {path}: trang này không có", [u for u in answers if u.endswith("/")]
    return what + _closest(path, candidates)


def _closest(path: str, candidates: list[str]) -> str:
    by_lower = {c.lower(): c for c in sorted(candidates)}
    match = difflib.get_close_matches(path.lower(), list(by_lower), n=1, cutoff=0.75)
    return f"; có phải {by_lower[match[0]]}?" if match else ""


def moved_pages(pages: Iterable[Page], published: Mapping[str, str]) -> list[Problem]:
    """A warning for each page the last build published at another address, unless the page keeps
    that address as an alias: links citizens saved, and other sites' links, would break silently."""
    problems = []
    for page in pages:
        old = published.get(page.source)
        if old and old != page.url and old not in page.aliases:
            problems.append(Problem(page.source, None, f"đường dẫn của trang đổi từ {old} sang {page.url} (tiêu đề hoặc 'slug' đã đổi): "
                                                       f"liên kết cũ sẽ hỏng. Để địa chỉ cũ chuyển tới trang, thêm vào phần đầu trang: "
                                                       f'aliases: ["{old}"]; hoặc giữ địa chỉ cũ bằng slug: {old.rstrip("/").rsplit("/", 1)[-1]}',
                                    "warning", "moved"))
    return problems
