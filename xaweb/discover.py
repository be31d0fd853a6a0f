"""Find a site's files: the input edge of the pipeline.

Files are listed with a stamp (size and modification time) but read only
when needed: an incremental build reads only the files whose stamp changed.
Lists are sorted so that builds are deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

CONTENT_DIR = "content"
STATIC_DIR = "static"
INDEX = "_index.md"
_SLUG_DIR = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # site-relative POSIX path: "content/tin-tuc/hop-dan.md"
    file: Path
    stamp: str  # "size:mtime_ns": unchanged stamp, unchanged file


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
        return source.file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, f"tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại với mã hóa UTF-8"))
    except OSError as exc:
        problems.append(Problem(shown, None, f"không đọc được tệp: {exc.strerror}"))
    return None


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "~")) and not path.name.endswith(("~", ".swp", ".tmp"))


def discover(site_dir: Path, static_dirs: list[Path]) -> SiteFiles:
    """Read content files and list static files (theme first, the site's own last)."""
    files = SiteFiles()
    content = site_dir / CONTENT_DIR
    if not content.is_dir():
        files.problems.append(Problem(CONTENT_DIR, None, f"không có thư mục '{CONTENT_DIR}/' trong {site_dir}"))
        return files
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        parts = path.relative_to(content).parts
        if not all(_visible(Path(p)) for p in parts):
            continue
        if path.is_dir():
            section = "/".join(parts)
            if not _SLUG_DIR.match(path.name):
                files.problems.append(Problem(rel, None, "tên thư mục chuyên mục chỉ được gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ: tin-tuc)"))
                continue
            files.section_indexes.setdefault(section, None)
            continue
        section = "/".join(parts[:-1])
        if section and section not in files.section_indexes:
            continue  # inside a folder already rejected
        if path.suffix.lower() != ".md":
            files.problems.append(Problem(rel, None, "tệp không phải Markdown trong content/ bị bỏ qua; hãy đặt ảnh và tệp đính kèm vào static/", "warning"))
            continue
        source = SourceFile(rel, path, stamp_of(path))
        if path.name == INDEX:
            if section:
                files.section_indexes[section] = source
            else:
                files.home_index = source
        else:
            files.pages.append((source, section))
    for static_dir in [*static_dirs, site_dir / STATIC_DIR]:
        if static_dir.is_dir():
            for path in sorted(static_dir.rglob("*")):
                if path.is_file() and all(_visible(Path(p)) for p in path.relative_to(static_dir).parts):
                    files.static["/" + path.relative_to(static_dir).as_posix()] = path
    return files
