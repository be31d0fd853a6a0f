"""Parsed pages -> the whole `Site`: sections, order, tags, expiry, collisions.

Pure: everything it needs (build time, which static files exist) is passed in.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import PurePosixPath
from typing import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..errors import Problem
from ..urls import RESERVED_TOP
from ..vietnamese import collation_key, slugify
from .markup import MD_LINK
from .model import Page, Section, SectionInfo, Site, Tag

_MARKED = re.compile(r'"' + re.escape(MD_LINK) + r'([^"#]*)')
_ROOT_LINK = re.compile(r'(<[a-z][^<>]*?\s(?:href|src)=")/(?!/)')  # inside a tag, not in escaped text


def _newest_first(page: Page) -> tuple[float, str]:
    stamp = page.date.timestamp() if page.date else float("-inf")
    return (-stamp, page.source)


def sort_pages(pages: Iterable[Page], order: str) -> list[Page]:
    if order == "weight":
        return sorted(pages, key=lambda p: (p.weight, collation_key(p.title), p.source))
    if order == "title":
        return sorted(pages, key=lambda p: (collation_key(p.title), p.source))
    # Pinned pages stay on top of date-sorted lists (announcements).
    return sorted(pages, key=lambda p: (not p.pinned, *_newest_first(p)))


def assemble_site(
    config: SiteConfig,
    infos: Mapping[str, SectionInfo],
    pages: Iterable[Page],
    build_time: datetime,
    home_intro_html: str = "",
    static_files: Mapping[str, int] | None = None,
    drafts: bool = False,
) -> tuple[Site, list[Problem]]:
    """-> (site, problems). `static_files` maps URL paths ('/files/a.pdf') to sizes."""
    static_files = static_files or {}
    problems: list[Problem] = []
    # getattr with defaults: tests pass stand-ins that lack these attributes.
    base_url: str = getattr(config, "base_url", "")
    base_path = base_path_of(base_url)
    committee: str = getattr(config, "committee", "")  # the default issuer of documents
    published = [_finish(p, build_time, static_files, base_path, committee, problems) for p in pages if drafts or not p.draft]
    published = _settle_collisions(published, problems)
    infos = _with_parents(infos)
    addresses = {p.source: p.url for p in published} | {i.source: f"/{path}/" if path else "/" for path, i in infos.items() if i.source}
    published = [published_page(p, base_path) for p in _resolve_links(published, addresses, problems)]

    # Introductions are parsed on every build: their links to files are resolved in their HTML.
    infos = {p: replace(i, intro_html=_with_base_path(_resolve_marked(i.intro_html, addresses, i.source or "", problems), base_path))
             for p, i in infos.items()}
    home_intro_html = _with_base_path(_resolve_marked(home_intro_html, addresses, "content/_index.md", problems), base_path)
    by_section: dict[str, list[Page]] = defaultdict(list)
    for page in published:
        by_section[page.section].append(page)
    for path in infos:
        if path.split("/")[0] in RESERVED_TOP:
            problems.append(Problem(infos[path].source or f"content/{path}", None, f"chuyên mục '{path}' trùng với đường dẫn do xaweb tạo ra; hãy đổi tên thư mục"))

    sections = []
    for path, info in sorted(infos.items(), key=lambda kv: _section_order(kv[1])):
        children = tuple(c for c in sorted(infos, key=lambda c: _section_order(infos[c])) if c.rpartition("/")[0] == path)
        sections.append(Section(info, tuple(sort_pages(by_section.get(path, []), info.sort)), children))

    site = Site(
        config=config,
        build_time=build_time,
        home_intro_html=home_intro_html,
        sections=tuple(sections),
        pages=tuple(sorted((p for p in published if p.section), key=_newest_first)),
        tags=_tags(published),
        root_pages=tuple(sort_pages(by_section.get("", []), "weight")),
    )
    return site, problems


def _section_order(info: SectionInfo) -> tuple:
    return (info.weight, collation_key(info.title), info.path)


def _with_parents(infos: Mapping[str, SectionInfo]) -> dict[str, SectionInfo]:
    """Nested sections imply their parents, even without an `_index.md`."""
    out = {p: i for p, i in infos.items() if p}
    for path in list(out):
        parts = path.split("/")
        for n in range(1, len(parts)):
            parent = "/".join(parts[:n])
            out.setdefault(parent, SectionInfo(parent, None, parts[n - 1].replace("-", " ").capitalize()))
    return out


def _finish(page: Page, now: datetime, static_files: Mapping[str, int], base_path: str, committee: str, problems: list[Problem]) -> Page:
    """Facts that depend on the build, not the file: expiry, attachment sizes, the site's base path."""
    changes: dict = {}
    if page.expires and is_expired(page.expires, now):
        changes["expired"] = True
    doc = page.document
    if doc and not doc.issuer:
        doc = changes["document"] = replace(doc, issuer=committee)
    if doc and doc.file and doc.file.startswith("/"):
        if doc.file in static_files:
            changes["document"] = replace(doc, file_size=static_files[doc.file])
        else:
            problems.append(Problem(page.source, None, f"'file': không tìm thấy tệp đính kèm static{doc.file}"))
    if page.image:
        if page.image.startswith("/") and page.image not in static_files:
            problems.append(Problem(page.source, None, f"'image': không tìm thấy ảnh static{page.image}"))
        if not page.image_alt:
            problems.append(Problem(page.source, None, "ảnh đại diện thiếu 'image_alt' (mô tả ảnh cho người khiếm thị)", "warning", "missing-alt"))
    return replace(page, **changes) if changes else page


def _missing_file_page(target: str) -> str:
    return (f"liên kết tới tệp {target}: không có trang nào được tạo từ tệp này "
            "(sai tên tệp, tệp là bản nháp, hoặc nằm ngoài content/)")


def _resolve_marked(html_text: str, addresses: Mapping[str, str], source: str, problems: list[Problem]) -> str:
    """An introduction's links to files, given their pages' addresses (a warning for each that has none)."""
    def address(target: str) -> str:
        if target not in addresses:
            problems.append(Problem(source, None, _missing_file_page(target), "warning", "broken-link"))
        return addresses.get(target, "#")

    return _replace_marked(html_text, address)


def _replace_marked(html_text: str, address: Callable[[str], str]) -> str:
    """Each link the parse marked as written to a Markdown file, given the address of that file's page."""
    return _MARKED.sub(lambda m: '"' + address(html.unescape(m[1])), html_text) if MD_LINK in html_text else html_text


def _resolve_links(pages: list[Page], addresses: Mapping[str, str], problems: list[Problem]) -> list[Page]:
    """Links written to Markdown files get the address of the page (or section) made from that file."""
    out = []
    for page in pages:
        if page.file_links:
            links = tuple((target, addresses.get(target, "")) for target, _ in page.file_links)
            for target, line in page.file_links:
                if not addresses.get(target):
                    problems.append(Problem(page.source, line, _missing_file_page(target), "warning", "broken-link"))
            page = replace(page, links=links)
        out.append(page)
    return out


def base_path_of(base_url: str) -> str:
    """'https://tinh.gov.vn/tan-an/' -> '/tan-an' (hosting under a path of one domain); '' at a host's root."""
    return urlsplit(base_url).path.rstrip("/")


def published_page(page: Page, base_path: str) -> Page:
    return replace(page, body_html=published_body(page, page.body_html, base_path)) if page.body_html else page


def published_body(page: Page, body_html: str, base_path: str) -> str:
    """A body as published, from its parsed HTML (also when it comes from the cache): links to Markdown
    files become their pages' addresses, and '/…' links get the site's base path."""
    if page.links:
        urls = dict(page.links)
        body_html = _replace_marked(body_html, lambda target: urls.get(target) or "#")
    return _with_base_path(body_html, base_path)


def _with_base_path(text: str, base_path: str) -> str:
    """'/hoi-dap/' in an officer's text means the site's own page, wherever the site is hosted."""
    return _ROOT_LINK.sub(lambda m: f"{m[1]}{base_path}/", text) if base_path else text


def expiry_moment(expires: datetime) -> datetime:
    """A date without a time ('expires: 2024-03-31') is valid through that whole day."""
    return expires + timedelta(days=1) if expires.time() == dt_time(0, 0) else expires


def is_expired(expires: datetime, now: datetime) -> bool:
    return now >= expiry_moment(expires)


def next_expiry(pages: Iterable[Page], now: datetime) -> datetime | None:
    """The next moment a page expires or leaves the bulletin board: until then, time changes nothing in the output."""
    moments = [m for m in (expiry_moment(e) for p in pages for e in (p.expires, p.board_until) if e) if m > now]
    return min(moments) if moments else None


def _settle_collisions(pages: list[Page], problems: list[Problem]) -> list[Page]:
    """Pages at one address. Titles repeat (every week's "Lịch công tác tuần"), so a page whose address
    came from its title moves to one made with its file name, with a warning naming both files; the
    page that keeps the address is the one that names it as its slug, else the one whose file bears
    that name, else the earliest. Two pages naming one slug, or a moved page meeting a third, are
    errors naming both: never a silent overwrite."""
    by_url: dict[str, list[Page]] = defaultdict(list)
    for page in sorted(pages, key=lambda p: p.source):
        by_url[page.url].append(page)
    owners = {url: min(group, key=_claim) for url, group in by_url.items()}
    taken = {url: owner.source for url, owner in owners.items()}
    out = list(owners.values())
    for url, group in by_url.items():
        owner = owners[url]
        for page in (p for p in group if p is not owner):
            stem = _stem(page)
            slug = stem if stem.startswith(page.slug + "-") else f"{page.slug}-{stem}"
            moved = url[: -len(page.slug) - 1] + slug + "/"
            clash = (url, owner.source) if page.slug_set else (moved, taken[moved]) if moved in taken else None
            if clash:
                problems.append(Problem(page.source, None, f"trùng đường dẫn {clash[0]} với {clash[1]}; hãy đặt 'slug' khác cho một trong hai trang"))
                continue
            taken[moved] = page.source
            problems.append(Problem(page.source, None, f"cùng tiêu đề với {owner.source} nên trang này được đặt ở {moved} thay vì {url}; "
                                                       "hãy thêm 'slug' để tự chọn đường dẫn", "warning", "same-title"))
            out.append(replace(page, slug=slug, url=moved))
    return out


def _claim(page: Page) -> tuple:
    """Who keeps a shared address: smallest first."""
    return (not page.slug_set, _stem(page) != page.slug, page.date is None, page.date.timestamp() if page.date else 0, page.source)


def _stem(page: Page) -> str:
    return slugify(PurePosixPath(page.source).stem)


def _tags(pages: list[Page]) -> tuple[Tag, ...]:
    """Tags that differ only by case or diacritics share one page, named by their first spelling."""
    grouped: dict[str, list[Page]] = defaultdict(list)
    names: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: p.source):
        if page.expired:
            continue
        for name in page.tags:
            slug = slugify(name)
            if not slug:
                continue
            names.setdefault(slug, name)
            grouped[slug].append(page)
    tags = [Tag(names[s], s, tuple(sorted(ps, key=_newest_first))) for s, ps in grouped.items()]
    return tuple(sorted(tags, key=lambda t: collation_key(t.name)))
