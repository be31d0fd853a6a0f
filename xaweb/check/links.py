"""Broken internal links and anchors, and images without alt, in a built site.

Pure: the rendered HTML and the set of files the site has go in; `Hit`s (an
output file, a line of its HTML, what is wrong) come out. `xaweb check` then
points each hit at the content file that caused it, where it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from ..htmlscan import Scan, scan_html

SKIPPED_SCHEMES = {"mailto", "tel", "sms", "javascript", "data", "geo"}
TOP = {"", "top"}  # "#" and "#top" go to the top of any page


@dataclass(frozen=True, slots=True)
class Hit:
    output: str  # output file: "tin-tuc/hop-dan/index.html"
    line: int  # line in that file
    code: str  # broken-link, broken-anchor, missing-alt
    target: str  # the URL as written, or the image's src
    message: str


class BuiltSite:
    """Which URLs of a built site answer, and the ids of its HTML files."""

    def __init__(self, files: Iterable[str], base_url: str, scans: Mapping[str, Scan]):
        self.files = set(files)  # output paths: "tin-tuc/index.html", "images/a.jpg"
        split = urlsplit(base_url)
        self.host = split.netloc
        self.base_path = split.path.rstrip("/")
        self.scans = scans

    def file_for(self, path: str) -> str | None:
        """'/tin-tuc/' -> 'tin-tuc/index.html' if the site has it (a folder answers with its index)."""
        rel = unquote(path).lstrip("/")
        for candidate in ((rel + "index.html",) if rel.endswith("/") or not rel else (rel, rel + "/index.html")):
            if candidate in self.files:
                return candidate
        return None

    def resolve(self, url: str, page_url: str) -> tuple[str | None, str, bool]:
        """-> (site path without the base path, fragment, internal?) for a URL on the page at `page_url`."""
        split = urlsplit(url)
        if split.scheme in SKIPPED_SCHEMES or (split.scheme and split.scheme not in ("http", "https")):
            return None, "", False
        if split.netloc and split.netloc != self.host:
            return None, "", False
        path = urljoin(self.base_path + page_url, split.path) if split.path else self.base_path + page_url
        if self.base_path:
            if path != self.base_path and not path.startswith(self.base_path + "/"):
                return path, split.fragment, True  # outside the site's folder: it cannot exist
            path = path[len(self.base_path):] or "/"
        return path, split.fragment, True


def scan_outputs(html: Mapping[str, str]) -> dict[str, Scan]:
    return {path: scan_html(text) for path, text in html.items()}


def find_problems(html_urls: Mapping[str, str], site: BuiltSite) -> list[Hit]:
    """Every broken link, anchor and alt-less image in the HTML outputs (`{output path: URL}`)."""
    hits: list[Hit] = []
    for output, page_url in html_urls.items():
        scan = site.scans[output]
        for ref in scan.refs:
            path, fragment, internal = site.resolve(ref.url, page_url)
            if not internal:
                continue
            target = site.file_for(path) if path is not None else None
            if target is None:
                hits.append(Hit(output, ref.line, "broken-link", ref.url, f"liên kết hỏng: {ref.url} không có trên trang"))
            elif fragment and unquote(fragment) not in TOP and target in site.scans and unquote(fragment) not in site.scans[target].ids:
                where = "trang này" if target == output else f"trang {ref.url.partition('#')[0]}"
                hits.append(Hit(output, ref.line, "broken-anchor", ref.url, f"liên kết đến mục #{unquote(fragment)} không có trong {where}"))
        for img in scan.images:
            if img.alt is None:
                hits.append(Hit(output, img.line, "missing-alt", img.src, f"ảnh {img.src} không có thuộc tính alt (mô tả ảnh cho người khiếm thị)"))
    return hits
