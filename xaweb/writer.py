"""Write a build's files so that a failure never leaves a half-written site.

Files go into a fresh sibling folder; only when every file is written does it
replace the old output (two renames on the same filesystem). If anything fails
before the swap, the previous output is left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable, Mapping

TMP_SUFFIX = ".xaweb-tmp"
OLD_SUFFIX = ".xaweb-old"


class StagedOutput:
    """A staging folder beside `target`; `commit()` swaps it in, `discard()` removes it."""

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

    def write_all(self, outputs: Iterable[tuple[str, bytes]]) -> int:
        count = 0
        for rel_path, data in outputs:
            self.write(rel_path, data)
            count += 1
        return count

    def commit(self) -> None:
        if self.target.exists():
            os.replace(self.target, self.old)
            os.replace(self.staging, self.target)
            shutil.rmtree(self.old, ignore_errors=True)
        else:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging, self.target)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
