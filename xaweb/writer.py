"""Write a build's files so that a failure never leaves a half-written site.

Files are written into a staging folder beside the output. Only when every
file is written does the output change: a full build swaps the whole folder in
(two renames on the same filesystem); an incremental build moves each changed
file over its old version (one atomic rename each) and deletes stale files.
If anything fails before that, the previous output is left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable, Mapping, Protocol

MARKER = ".xaweb-output"  # in every output folder: xaweb may replace what it holds
MARKER_TEXT = "Thư mục này do xaweb build tạo ra; mỗi lần dựng có thể thay toàn bộ nội dung của nó.\n"
TMP_SUFFIX = ".xaweb-tmp"
OLD_SUFFIX = ".xaweb-old"


class Sink(Protocol):
    """Where rendered bytes go: the one way outputs are written."""

    parallel_safe: bool  # whether worker processes may write into it

    def write(self, rel_path: str, data: bytes) -> None: ...


class MemoryOutput:
    """A sink that keeps the files in memory (`xaweb check`)."""

    parallel_safe = False

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, rel_path: str, data: bytes) -> None:
        self.files[rel_path] = data


def foreign_output(target: Path) -> bool:
    """Whether `target` holds files xaweb did not write: replacing it could delete someone's work.

    xaweb's own folders have the marker; one built before the marker existed is
    recognised by the manifest.json every build writes.
    """
    if not target.is_dir() or (target / MARKER).is_file() or not any(target.iterdir()):
        return False
    try:
        return '"generator": "xaweb ' not in (target / "manifest.json").read_text(encoding="utf-8")[:200]
    except (OSError, UnicodeDecodeError):
        return True


class StagedOutput:
    """A staging folder beside `target`; `swap()` or `apply()` puts it in place, `discard()` removes it."""

    parallel_safe = True  # each file is written whole by one process

    def __init__(self, target: Path):
        self.target = target
        self.staging = target.with_name(target.name + TMP_SUFFIX)
        self.old = target.with_name(target.name + OLD_SUFFIX)
        for leftover in (self.staging, self.old):  # from an interrupted earlier build
            if leftover.exists():
                shutil.rmtree(leftover)
        self.staging.mkdir(parents=True)
        self._made: set[Path] = {self.staging}

    def write(self, rel_path: str, data: bytes) -> None:
        path = self.staging / rel_path
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        path.write_bytes(data)

    def copy(self, rel_path: str, source: Path) -> None:
        path = self.staging / rel_path
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        shutil.copyfile(source, path)

    def copy_tree(self, files: Mapping[str, Path]) -> None:
        for url_path, source in files.items():
            self.copy(url_path.lstrip("/"), source)

    def swap(self) -> None:
        """Replace the whole output folder with the staging folder."""
        if self.target.exists():
            os.replace(self.target, self.old)
            os.replace(self.staging, self.target)
            shutil.rmtree(self.old, ignore_errors=True)
        else:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging, self.target)

    def apply(self, stale: Iterable[str]) -> None:
        """Move every staged file into the output folder, then delete `stale` paths."""
        for path in sorted(self.staging.rglob("*")):
            if path.is_file():
                target = self.target / path.relative_to(self.staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        for rel_path in stale:
            target = self.target / rel_path
            target.unlink(missing_ok=True)
            _prune_empty(target.parent, self.target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove folders left empty by deleted outputs, up to (not including) `root`."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
