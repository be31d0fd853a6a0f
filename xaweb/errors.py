"""Problems people can act on.

Every stage collects `Problem`s instead of raising on the first one, so an
officer sees everything that is wrong with a site in one run. A stage that
cannot go on raises `BuildError` with all it collected.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
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
