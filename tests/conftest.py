"""What every test module shares: the attack and fault figures printed at the end of a run,
and a snapshot of a folder's files.

A test that reproduces an attack carries `@pytest.mark.attack("kind")`; one that makes the
machine fail (a kill, a stopped database, a full disk) carries `@pytest.mark.fault("kind")`.
Each run of such a test (each parameter) is one attack or fault tried, and it held if the test
passed. Tests that send citizens' submissions through a fault report, with the `submissions`
fixture, how many were acknowledged, how many of those are stored, and so how many were lost.
The summary comes last in the terminal, so CI logs end with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

KINDS = ("attack", "fault")


@dataclass
class Figures:
    tried: Counter = field(default_factory=Counter)  # (marker, kind) -> runs
    held: Counter = field(default_factory=Counter)
    submissions: Counter = field(default_factory=Counter)  # acknowledged, stored, lost


FIGURES = pytest.StashKey[Figures]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "attack(kind): the test reproduces a hostile input or request; counted as tried, held if it passes")
    config.addinivalue_line("markers", "fault(kind): the test makes the machine fail (kill, database stopped, disk full); counted likewise")
    config.stash[FIGURES] = Figures()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" and not (report.when == "setup" and report.failed):
        return
    figures = item.config.stash[FIGURES]
    for name in KINDS:
        for mark in item.iter_markers(name):
            key = (name, mark.args[0])
            figures.tried[key] += 1
            figures.held[key] += report.passed


@pytest.fixture
def submissions(request: pytest.FixtureRequest) -> Callable[[list[str], set[str]], None]:
    """record(acknowledged codes, stored codes): adds to the run's figures, and fails on a loss."""
    figures = request.config.stash[FIGURES]

    def record(acknowledged: list[str], stored: set[str]) -> None:
        lost = [code for code in acknowledged if code not in stored]
        figures.submissions.update(acknowledged=len(acknowledged), stored=len(acknowledged) - len(lost), lost=len(lost))
        assert not lost, f"{len(lost)} acknowledged submissions are not stored: {lost[:5]}"
    return record


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    """snapshot(root): every file under root -> its bytes (relative POSIX paths)."""
    def take(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return take


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    figures = config.stash[FIGURES]
    if not figures.tried:
        return
    write = terminalreporter.write_line
    terminalreporter.section("attacks and faults")
    for name, title in (("attack", "attacks"), ("fault", "faults")):
        keys = sorted(k for k in figures.tried if k[0] == name)
        if keys:
            tried, held = sum(figures.tried[k] for k in keys), sum(figures.held[k] for k in keys)
            write(f"{title}: {tried} tried, {held} held" + ("" if tried == held else f", {tried - held} NOT HELD"))
            for key in keys:
                write(f"  {key[1]:<28} {figures.tried[key]:>4} tried {figures.held[key]:>4} held")
    s = figures.submissions
    if s:
        write(f"submissions through faults: {s['acknowledged']} acknowledged, {s['stored']} stored, {s['lost']} lost")


@pytest.fixture
def fill_in() -> Callable[[Path], None]:
    """fill_in(site): do what an officer does with a new site before it goes live: a real phone number
    and leader's name, and the scaffold's "…mẫu do xaweb tạo" notes taken out."""
    def fill(site: Path) -> None:
        for path in [site / "site.yaml", *sorted((site / "content").rglob("*.md"))]:
            text = path.read_text(encoding="utf-8")
            text = text.replace("0000 000 000", "0277 3851 234").replace("Nguyễn Văn A", "Trần Thị Bình")
            lines = text.split("\n")
            for i, line in enumerate(lines):  # a note in italics, over one or two lines
                if "mẫu do xaweb tạo" in line:
                    ends = i + 1 if line.rstrip().endswith("*") and line.strip() != "*" and line.count("*") >= 2 else i + 2
                    lines[i:ends] = [""] * (ends - i)
            path.write_text("\n".join(lines), encoding="utf-8")
    return fill
