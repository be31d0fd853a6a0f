"""Write a build's files so that a failure never leaves a half-written site.

Files are written into a staging folder beside the output. Only when every
file is written does the output change, and then in one step: the staging
folder is swapped in whole. An incremental build first completes its staging
folder with hard links to the output's unchanged files (no bytes copied), so a
web server or a sync tool reading the output sees one complete build, the old
or the new, never a mix. If anything fails before the swap, the previous
output is left exactly as it was.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol

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
        if self.old.is_dir() and not target.exists():  # killed between the two renames of a swap
            os.replace(self.old, target)
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
        """Replace the whole output folder with the staging folder: in one step where the system can
        exchange two folders (Linux), else in two renames a moment apart, after which a build killed
        in between has its previous output put back by the next one."""
        if not self.target.exists():
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging, self.target)
        elif _exchange(self.staging, self.target):
            shutil.rmtree(self.staging, ignore_errors=True)  # which now holds the previous output
        else:
            os.replace(self.target, self.old)
            os.replace(self.staging, self.target)
            shutil.rmtree(self.old, ignore_errors=True)

    def apply(self, stale: Iterable[str]) -> None:
        """An incremental build: complete the staging folder with every file of the output that this
        build did not write and that is not `stale`, then swap it in whole."""
        _link_unchanged(self.target, self.staging, set(stale))
        self.swap()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _link_unchanged(source: Path, staging: Path, skip: set[str]) -> None:
    """Hard-link into `staging` every file of `source` that it lacks, except the relative POSIX paths
    in `skip`. Where the file system has no hard links (FAT, some network shares), copy instead."""
    place: Callable[[str, Path], object] = os.link
    for folder, _, names in os.walk(source):
        rel_folder = os.path.relpath(folder, source)
        into = staging if rel_folder == "." else staging / rel_folder
        prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
        made = into.is_dir()
        for name in names:
            dest = into / name
            if prefix + name in skip or os.path.lexists(dest):
                continue
            if not made:
                into.mkdir(parents=True, exist_ok=True)
                made = True
            try:
                place(os.path.join(folder, name), dest)
            except OSError:
                if place is not os.link:
                    raise
                place = shutil.copy2
                place(os.path.join(folder, name), dest)


def _load_renameat2() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # from <fcntl.h> and <linux/fs.h>


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step; False where the system or the file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))
