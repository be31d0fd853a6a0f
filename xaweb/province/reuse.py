"""A commune whose inputs did not change is not built again, nor even set up.

A single site's no-change build stops after reading its config, listing its
files and opening its cache: about 25 ms, which a province pays 600 times. So
each good build leaves a record in the commune's cache folder (a digest of
everything it read, the moment time alone changes it, how many files it
wrote, its warnings), and the province checks that first: listing the
commune's own folder and its output takes a few milliseconds.

What the digest covers: xaweb itself, the province's settings and shared
content and source feeds (`province_stamp`, once per run), the commune's row,
its whole folder, and the theme and static folders its build used (each
stamped once per worker). A commune that fetches a network input of its own
(its own feeds, a Q&A export API) is never skipped: its inputs are not files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..cache import VERSION as CACHE_VERSION
from ..config import SiteConfig, Source
from ..digests import digest
from ..discover import count_files, walk_files
from ..errors import Problem
from ..paths import CACHE_DIR
from ..sources.fetch import FetchReport
from ..writer import MARKER, replace_file
from .load import SHARED_DIR, Commune, Province

RECORD = "province.json"  # in the commune's cache folder


def folder_stamp(folder: Path) -> str:
    """Every visible file under `folder`, by name, size and modification time."""
    stamps = []
    for rel, entry in walk_files(folder):
        if not entry.is_dir():
            stat = entry.stat()
            stamps.append((rel, stat.st_size, stat.st_mtime_ns))
    return digest(stamps)


def province_stamp(province: Province, strict: bool, fetched: FetchReport | None) -> str:
    """What every commune reads from the province: its settings, shared/, its feeds."""
    return digest(CACHE_VERSION, strict, repr(province.config), repr(province.defaults),
                  folder_stamp(province.root / SHARED_DIR), list(fetched.digests) if fetched else [])


@dataclass(frozen=True)
class Record:
    stamp: str
    dirs: tuple[str, ...]  # the theme and static folders outside the commune's own that its build read
    until: str  # ISO, or "": when time alone changes the output
    files: int  # in the output folder
    warnings: tuple[Problem, ...]  # as the province shows them


def _record_path(province: Province, commune: Commune) -> Path:
    return province.commune_dir(commune) / CACHE_DIR / RECORD


def own_stamp(province: Province, commune: Commune) -> str:
    """The commune's own folder (site.yaml, content, static, templates; not its cache)."""
    return folder_stamp(province.commune_dir(commune))


def commune_stamp(base: str, own: str, commune: Commune, out_dir: Path, dirs: tuple[str, ...], memo: dict[str, str]) -> str:
    stamps = []
    for folder in dirs:  # the default theme, the province's: the same for most communes, listed once per worker
        if folder not in memo:
            memo[folder] = folder_stamp(Path(folder))
        stamps.append(memo[folder])
    return digest(base, own, repr(commune), str(out_dir), stamps)


def unchanged(base: str, own: str, province: Province, commune: Commune, out_dir: Path, now: datetime, memo: dict[str, str]) -> Record | None:
    """The record of the commune's last good build, if nothing it read has changed since (`own`: its folder's
    stamp now) and its output is whole."""
    try:
        data = json.loads(_record_path(province, commune).read_text(encoding="utf-8"))
        record = Record(data["stamp"], tuple(data["dirs"]), data["until"], data["files"],
                        tuple(Problem(p[0], p[1], p[2], p[3], p[4]) for p in data["warnings"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    if record.until and now >= datetime.fromisoformat(record.until):
        return None
    if not (out_dir / MARKER).is_file() or commune_stamp(base, own, commune, out_dir, record.dirs, memo) != record.stamp:
        return None
    return record if count_files(out_dir) == record.files else None  # a file removed by hand is written again


def own_network_inputs(config: SiteConfig, province_sources: tuple[Source, ...]) -> bool:
    return bool(config.qa.export_url) or (bool(config.sources) and config.sources != province_sources)


def remember(base: str, own: str, province: Province, commune: Commune, out_dir: Path, dirs: list[Path], until: str, files: int,
             warnings: list[Problem], memo: dict[str, str]) -> None:
    """Record a good build; `own` is the commune folder's stamp from before it ran, so a file edited
    meanwhile makes the next run build again."""
    names = tuple(sorted({os.path.realpath(d) for d in dirs}))
    record = {"stamp": commune_stamp(base, own, commune, out_dir, names, memo), "dirs": names, "until": until, "files": files,
              "warnings": [[p.path, p.line, p.message, p.level, p.code] for p in warnings]}
    path = _record_path(province, commune)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def forget(province: Province, commune: Commune) -> None:
    _record_path(province, commune).unlink(missing_ok=True)
