"""Problems people can act on.

Every stage collects `Problem`s instead of raising on the first one, so an
officer sees everything that is wrong with a site in one run. A stage that
cannot go on raises `BuildError` with all it collected.
"""

from __future__ import annotations

import difflib
import errno
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str  # site-relative, POSIX separators: "content/tin-tuc/hop-dan.md"
    line: int | None
    message: str
    level: Level = "error"
    code: str = ""  # a stable name for machines (`xaweb check --format json`): "missing-alt"; "" for most

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "" if self.level == "error" else "cảnh báo: "
        return f"{where}: {prefix}{self.message}" if where else f"{prefix}{self.message}"


class BuildError(Exception):
    """Raised with every problem found; the CLI prints them all and exits 1."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems, key=_sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))


def _sort_key(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.message)


@dataclass
class Problems:
    """A collector passed through a stage; `raise_if_errors` ends the stage."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line, message, "error"))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line, message, "warning"))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        failing = self.items if strict else self.errors
        if failing:
            raise BuildError(failing)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' ; did you mean 'x'?' for a near miss, else ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; có phải ý bạn là '{match[0]}'?" if match else ""


# What the system says about a file it cannot read or write, for an officer (by errno name: Windows
# has no EDQUOT).
_IO_REASONS = {getattr(errno, name): text for name, text in (
    ("ENOSPC", "ổ đĩa đã đầy"),
    ("EFBIG", "tệp vượt giới hạn kích thước cho phép"),
    ("EDQUOT", "vượt hạn mức dung lượng của tài khoản"),
    ("EACCES", "không có quyền"),
    ("EPERM", "không có quyền"),
    ("EROFS", "ổ đĩa chỉ cho phép đọc"),
    ("EIO", "lỗi đọc ghi của ổ đĩa"),
) if hasattr(errno, name)}


def io_failure(exc: OSError | sqlite3.Error, out_dir: Path) -> BuildError | None:
    """A build the machine stopped (a full disk, a file it may not write): said in Vietnamese, with
    the reassurance that matters, since the output is only ever replaced whole. None for an error
    that names no file and no known cause (a socket's, say): a fault of xaweb, to be seen whole."""
    if isinstance(exc, OSError):
        if exc.filename is None and exc.errno not in _IO_REASONS:
            return None
        where = f" {exc.filename}" if exc.filename else ""
        said = f"không đọc hoặc ghi được tệp{where}: {_IO_REASONS.get(exc.errno or 0, exc.strerror or str(exc))}"
    else:  # SQLite, for the build cache: it says "disk I/O error" or "database or disk is full"
        said = f"không ghi được bộ nhớ đệm .xaweb-cache ({exc}): ổ đĩa có thể đã đầy"
    return BuildError([Problem("", None, f"{said}. Thư mục đầu ra {out_dir} "
                                         "vẫn giữ nguyên bản dựng trước; hãy khắc phục rồi dựng lại.")])
