"""Write a build's files so that a failure never leaves a half-written site.

Files are written into a staging folder beside the output. Only when every
file is written does the output change, and then in one step: a whole folder
is swapped in. A full build swaps in its staging folder. An incremental build
keeps the build before the current one beside the output (`public.xaweb-prev`,
hard links to the current files but for what changed last time), brings it up
to the current output by touching only what differs, moves its own files over
it, and swaps that in. A web server or a sync tool reading the output sees one
complete build, the old or the new, never a mix; and the work is proportional
to what changed, not to the size of the site. If anything fails before the
swap, the output is left exactly as it was.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, Sequence

MARKER = ".xaweb-output"  # in every output folder: xaweb may replace what it holds
MARKER_TEXT = "Thư mục này do xaweb build tạo ra; mỗi lần dựng có thể thay toàn bộ nội dung của nó.\n"
TMP_SUFFIX = ".xaweb-tmp"
OLD_SUFFIX = ".xaweb-old"
PREVIOUS_SUFFIX = ".xaweb-prev"  # the build before the current one: the next incremental build's starting point


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


def replace_file(path: Path, data: bytes) -> None:
    """Write one file whole: a reader at the same moment, or a kill, sees the old bytes or the new, never half.
    The temporary name is unique, so processes writing the same folder never share one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        self.previous = target.with_name(target.name + PREVIOUS_SUFFIX)
        if self.old.is_dir() and not target.exists():  # killed between the renames of a swap
            os.replace(self.old, target)
        for leftover in (self.staging, self.old):  # from an interrupted earlier build
            if leftover.exists():
                shutil.rmtree(leftover)
        self.staging.mkdir(parents=True)
        self._made: set[Path] = {self.staging}

    def _made_for(self, rel_path: str) -> Path:
        path = self.staging / rel_path
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        return path

    def write(self, rel_path: str, data: bytes) -> None:
        self._made_for(rel_path).write_bytes(data)

    def copy(self, rel_path: str, source: Path) -> None:
        shutil.copyfile(source, self._made_for(rel_path))

    def copy_tree(self, files: Mapping[str, Path]) -> None:
        for url_path, source in files.items():
            self.copy(url_path.lstrip("/"), source)

    def link_files(self, rel_dir: str, source_dir: Path, names: Iterable[str]) -> None:
        """`source_dir`'s files `names` into `rel_dir`, as hard links where the file system allows (no bytes
        copied). Plain strings: a province's portal links tens of thousands of files at every build."""
        target = self.staging / rel_dir
        target.mkdir(parents=True, exist_ok=True)
        into, source = os.fspath(target), os.fspath(source_dir)
        for name in names:
            try:
                os.link(os.path.join(source, name), os.path.join(into, name))
            except OSError:
                shutil.copyfile(os.path.join(source, name), os.path.join(into, name))

    def update(self, files: Mapping[str, bytes], copies: Mapping[str, Path] = {},
               links: Mapping[str, tuple[Path, Sequence[str]]] = {}) -> None:
        """The whole output as `files` (path -> bytes), `copies` (path -> source) and `links` (folder ->
        (source folder, names)), in one step. Only what differs from the current output is staged, the
        rest is carried over by `apply` as hard links: a file with the same bytes, a link to the same
        inode. Without a current output, everything is written and swapped in."""
        if not self.target.is_dir():
            for rel, data in files.items():
                self.write(rel, data)
            for rel, source in copies.items():
                self.copy(rel, source)
            for folder, (source, names) in links.items():
                self.link_files(folder, source, names)
            self.swap()
            return
        target = os.fspath(self.target)
        wanted: set[str] = set()
        for rel, data in files.items():
            wanted.add(rel)
            if not _same_bytes(os.path.join(target, rel), data):
                self.write(rel, data)
        for rel, source in copies.items():
            wanted.add(rel)
            if not _same_bytes(os.path.join(target, rel), source.read_bytes()):
                self.copy(rel, source)
        for folder, (source, names) in links.items():
            changed = []
            for name in names:
                rel = folder + "/" + name
                wanted.add(rel)
                if not _same_inode(os.path.join(source, name), os.path.join(target, rel)):
                    changed.append(name)
            if changed:
                self.link_files(folder, source, changed)
        self.apply([rel for rel in _relative_files(target) if rel not in wanted])

    def swap(self) -> None:
        """A full build: replace the whole output folder with the staging folder."""
        shutil.rmtree(self.previous, ignore_errors=True)  # every file differs from a full build's: no use as a base
        if self.target.exists():
            self._swap_in(self.staging)
            shutil.rmtree(self.staging, ignore_errors=True)  # which now holds the previous output
        else:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging, self.target)

    def apply(self, stale: Iterable[str]) -> None:
        """An incremental build: bring the previous build's folder up to the current output, move this
        build's files over it, delete `stale` paths from it, and swap it in whole; the current output
        then becomes the previous build."""
        _mirror(self.target, self.previous)
        for path in sorted(self.staging.rglob("*")):
            if path.is_file():
                target = self.previous / path.relative_to(self.staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        for rel_path in stale:
            target = self.previous / rel_path
            target.unlink(missing_ok=True)
            _prune_empty(target.parent, self.previous)
        self._swap_in(self.previous)
        self.discard()

    def _swap_in(self, folder: Path) -> None:
        """Exchange `folder` and the output: in one step where the system can (Linux), else in renames a
        moment apart, after which a build killed in between has its old output put back by the next one."""
        if not _exchange(folder, self.target):
            os.replace(self.target, self.old)
            os.replace(folder, self.target)
            os.replace(self.old, folder)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _mirror(source: str | Path, copy: str | Path, made: bool = False) -> None:
    """Make the folder `copy` hold exactly the files of `source`, as hard links to them, touching only
    what differs (entries are compared by inode, which listing a folder gives for free on POSIX).
    The output holds only files and folders xaweb wrote: no links to follow. (Plain strings: this
    walks every folder of the output on each incremental build.)"""
    if not made:
        os.makedirs(copy, exist_ok=True)
    theirs = {entry.name: entry for entry in os.scandir(copy)}
    for entry in os.scandir(source):
        other = theirs.pop(entry.name, None)
        dest = os.path.join(copy, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if other is not None and not other.is_dir(follow_symlinks=False):
                os.unlink(dest)
                other = None
            _mirror(entry.path, dest, made=other is not None)
            continue
        if other is not None:
            if not other.is_dir(follow_symlinks=False) and other.inode() == entry.inode():
                continue
            _remove(other)
        try:
            os.link(entry.path, dest)
        except OSError:  # copied anew by every build there: slower, never wrong
            shutil.copy2(entry.path, dest)
    for other in theirs.values():
        _remove(other)


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def _same_inode(a: str, b: str) -> bool:
    try:
        return os.stat(a).st_ino == os.stat(b).st_ino
    except OSError:
        return False


def _relative_files(root: str) -> list[str]:
    """Every file under `root`, as 'folder/name' paths (plain strings and scandir: tens of thousands)."""
    out, folders = [], [("", root)]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((prefix + entry.name + "/", entry.path))
                else:
                    out.append(prefix + entry.name)
    return out


def _remove(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


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


def _prune_empty(folder: Path, root: Path) -> None:
    """Remove folders left empty by deleted outputs, up to (not including) `root`."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
