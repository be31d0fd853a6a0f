"""Find a site's files: the input edge of the pipeline.

Files are listed with a stamp (size and modification time) but read only
when needed: an incremental build reads only the files whose stamp changed.
Lists are sorted so that builds are deterministic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from .errors import Problem
from .paths import inside

CONTENT_DIR = "content"
STATIC_DIR = "static"
INDEX = "_index.md"
_SLUG_DIR = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # site-relative POSIX path: "content/tin-tuc/hop-dan.md"
    os_path: str  # as the OS spells it; a string, since most builds of a big site read none of them
    stamp: str  # "size:mtime_ns": unchanged stamp, unchanged file

    @property
    def file(self) -> Path:
        return Path(self.os_path)


def stamp_of(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dataclass
class SiteFiles:
    home_index: SourceFile | None = None
    section_indexes: dict[str, SourceFile | None] = field(default_factory=dict)  # section path -> _index.md
    pages: list[tuple[SourceFile, str]] = field(default_factory=list)  # (file, section path)
    static: dict[str, Path] = field(default_factory=dict)  # URL path "/files/a.pdf" -> file
    problems: list[Problem] = field(default_factory=list)


def read_source(source: SourceFile, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem naming it (not UTF-8, unreadable)."""
    shown = source.path
    try:
        with open(source.os_path, encoding="utf-8-sig") as f:
            return f.read()
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, f"tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại với mã hóa UTF-8"))
    except OSError as exc:
        problems.append(Problem(shown, None, f"không đọc được tệp: {exc.strerror}"))
    return None


def _visible(name: str) -> bool:
    """Hidden files and editors' temporary files are not part of the site."""
    return not name.startswith((".", "~")) and not name.endswith(("~", ".swp", ".tmp"))


@dataclass(frozen=True, slots=True)
class Refused:
    """A symbolic link the walk did not follow, and why (Vietnamese, for the officer)."""

    rel: str  # relative to the walked folder; "" for the folder itself
    reason: str


def _refusal(path: str, is_dir: bool, within: str, ancestors: frozenset[str]) -> str | None:
    real = os.path.realpath(path)
    if not inside(real, within):
        return f"liên kết tượng trưng (symlink) trỏ ra ngoài thư mục trang ({real}); tệp này không được xuất bản"
    if not os.path.exists(real):
        return "liên kết tượng trưng (symlink) trỏ đến nơi không tồn tại"
    if is_dir and real in ancestors:
        return "liên kết tượng trưng (symlink) trỏ về thư mục chứa nó (vòng lặp)"
    return None


def walk_files(root: Path, within: Path | None = None, refused: list[Refused] | None = None) -> Iterator[tuple[str, os.DirEntry]]:
    """(POSIX path relative to `root`, entry) of every visible file, sorted, folders included.

    With `within` (a resolved folder), a symbolic link is followed only if it
    resolves inside it (links to links included) and does not loop; any other
    link, or `root` itself if it lies outside, is skipped and listed in
    `refused`, so nothing from elsewhere on the machine is ever published.
    os.scandir instead of pathlib: a site of 10,000 pages is listed on every
    build, and this is several times faster.
    """
    def walk(folder: str, prefix: str, resolved: str, ancestors: frozenset[str]) -> Iterator[tuple[str, os.DirEntry]]:
        # `resolved`: the folder's real path, and `ancestors` those above it, for loops; kept only when
        # links are checked. A folder that is not a link resolves to its parent's real path and its
        # name: no system call per folder (the output folder of 10,000 pages is listed on every build).
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if not _visible(entry.name):
                    continue
                rel = prefix + entry.name
                link = within is not None and entry.is_symlink()
                if link:
                    reason = _refusal(entry.path, entry.is_dir(), str(within), ancestors)
                    if reason:
                        if refused is not None:
                            refused.append(Refused(rel, reason))
                        continue
                yield rel, entry
                if entry.is_dir():
                    if within is None:
                        yield from walk(entry.path, rel + "/", "", ancestors)
                    else:
                        real = os.path.realpath(entry.path) if link else os.path.join(resolved, entry.name)
                        yield from walk(entry.path, rel + "/", real, ancestors | {real})

    if not root.is_dir():
        return
    if within is not None:
        reason = _refusal(str(root), True, str(within), frozenset())
        if reason:
            if refused is not None:
                refused.append(Refused("", reason))
            return
    if within is None:
        yield from walk(str(root), "", "", frozenset())
    else:
        real = os.path.realpath(root)
        yield from walk(str(root), "", real, frozenset({real}))


def count_files(root: Path) -> int:
    """How many visible files `walk_files(root)` lists (links not followed): unsorted, for a quick check."""
    count, folders = 0, [str(root)]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if _visible(entry.name):
                    if entry.is_dir():
                        folders.append(entry.path)
                    else:
                        count += 1
    return count


def _owner(folder: Path, site_dir: Path) -> Path:
    """The folder no link under `folder` may leave: the site, or the theme the folder belongs to."""
    return site_dir if inside(str(folder), str(site_dir)) else Path(os.path.realpath(folder.parent))


def _shown(folder: Path, site_dir: Path, rel: str) -> str:
    base = folder.relative_to(site_dir).as_posix() if inside(str(folder), str(site_dir)) else str(folder)
    return f"{base}/{rel}" if rel else base


def discover(site_dir: Path, static_dirs: list[Path], template_dirs: Sequence[Path] = (), content_dir: str = CONTENT_DIR,
             content_required: bool = True) -> SiteFiles:
    """List content files with their stamps, and static files (theme first, the site's own last).

    `site_dir` is resolved. Template folders are walked only for links that
    leave the site or their theme: the template loader would follow them.
    A province lists its shared content as `content_dir="shared"`; a commune
    of a province may have no content of its own (`content_required=False`).
    """
    files = SiteFiles()
    content = site_dir / content_dir
    if not content.is_dir() and content_required:
        files.problems.append(Problem(content_dir, None, f"không có thư mục '{content_dir}/' trong {site_dir}"))
        return files
    rejected: set[str] = set()
    refused: list[Refused] = []
    for rel, entry in walk_files(content, site_dir, refused):
        shown = f"{content_dir}/{rel}"
        section, _, name = rel.rpartition("/")
        if section in rejected or any(section.startswith(r + "/") for r in rejected):
            continue  # inside a folder already reported
        if entry.is_dir():
            if _SLUG_DIR.match(name):
                files.section_indexes.setdefault(rel, None)
            else:
                rejected.add(rel)
                files.problems.append(Problem(shown, None, "tên thư mục chuyên mục chỉ được gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ: tin-tuc)"))
            continue
        if not name.lower().endswith(".md"):
            files.problems.append(Problem(shown, None, f"tệp không phải Markdown trong {content_dir}/ bị bỏ qua; hãy đặt ảnh và tệp đính kèm vào static/", "warning"))
            continue
        stat = entry.stat()
        source = SourceFile(shown, entry.path, f"{stat.st_size}:{stat.st_mtime_ns}")
        if name == INDEX:
            if section:
                files.section_indexes[section] = source
            else:
                files.home_index = source
        else:
            files.pages.append((source, section))
    files.problems += [Problem(_shown(content, site_dir, r.rel), None, r.reason, code="unsafe-link") for r in refused]
    for static_dir in [*static_dirs, site_dir / STATIC_DIR]:
        refused = []
        for rel, entry in walk_files(static_dir, _owner(static_dir, site_dir), refused):
            if entry.is_file():
                files.static["/" + rel] = Path(entry.path)
        files.problems += [Problem(_shown(static_dir, site_dir, r.rel), None, r.reason, code="unsafe-link") for r in refused]
    for template_dir in template_dirs:
        refused = []
        for _ in walk_files(template_dir, _owner(template_dir, site_dir), refused):
            pass
        files.problems += [Problem(_shown(template_dir, site_dir, r.rel), None, r.reason, code="unsafe-link") for r in refused]
    return files


def overlay(own: SiteFiles, shared: SiteFiles, shared_dir: str) -> SiteFiles:
    """A commune's files with the province's shared content for it under them: a shared file shows unless
    the commune has a file at the same path below `content/` (its own version, or a draft that hides it)."""
    def below(source: SourceFile, top: str) -> str:
        return source.path[len(top) + 1:]

    mine = {below(s, CONTENT_DIR) for s, _ in own.pages}
    pages = own.pages + [(s, section) for s, section in shared.pages if below(s, shared_dir) not in mine]
    indexes = {path: own.section_indexes.get(path) or shared.section_indexes.get(path)
               for path in sorted({*own.section_indexes, *shared.section_indexes})}
    return SiteFiles(own.home_index or shared.home_index, indexes, sorted(pages, key=lambda p: p[0].path), own.static,
                     own.problems)  # the shared content's problems are the province's: reported once
