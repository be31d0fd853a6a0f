"""The build cache (`xaweb/cache.py`): it survives a fresh checkout, and a damaged one never fails a build."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import xaweb.prepare
from xaweb.build import BuildOptions, build
from xaweb.cache import CACHE_DIR, BuildCache
from xaweb.cli import cli

FIXTURE = Path(__file__).parent / "sites" / "incremental"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


@pytest.mark.parametrize("damage", [
    b"not a database at all\n",
    b"SQLite format 3\x00" + b"\xff" * 200,  # a header, then garbage: an interrupted copy
])
def test_a_damaged_cache_is_made_anew_and_the_build_goes_on(site: Path, tmp_path: Path, damage: bytes):
    build(BuildOptions(site, site / "public"))
    (site / CACHE_DIR / "build.sqlite3").write_bytes(damage)

    result = build(BuildOptions(site, site / "public"))
    assert result.cache_reset
    assert result.rendered > 0 and result.reused == 0  # nothing known any more: everything again
    clean = build(BuildOptions(site, tmp_path / "clean", cache=False))
    assert snapshot(site / "public") == snapshot(clean.out_dir)

    again = build(BuildOptions(site, site / "public"))
    assert not again.cache_reset and again.rendered == 0
    with sqlite3.connect(site / CACHE_DIR / "build.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_officer_is_told_in_vietnamese(site: Path):
    build(BuildOptions(site, site / "public"))
    (site / CACHE_DIR / "build.sqlite3").write_bytes(b"hong")
    result = CliRunner().invoke(cli, ["build", str(site)])
    assert result.exit_code == 0, result.output
    assert "Bộ nhớ đệm .xaweb-cache/ bị hỏng nên đã được tạo lại" in result.stderr
    assert "Traceback" not in result.output


def test_an_upgrade_starts_the_cache_empty(site: Path, monkeypatch: pytest.MonkeyPatch):
    build(BuildOptions(site, site / "public"))
    cache = BuildCache(site, site / "public")
    assert cache.pages() and cache.fingerprints()
    cache.close()

    monkeypatch.setattr("xaweb.cache.VERSION", "another xaweb")
    cache = BuildCache(site, site / "public")
    assert cache.pages() == {} and cache.fingerprints() == {} and cache.last_build() is None
    assert not cache.was_damaged
    cache.close()


def test_a_cache_restored_in_a_fresh_checkout_spares_parsing(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """What a province's CI does: check the sites out anew (new mtimes), restore `.xaweb-cache/`, build."""
    build(BuildOptions(site, site / "public"))
    checkout = Path(shutil.copytree(site, tmp_path / "ci" / "site", ignore=shutil.ignore_patterns("public")))
    for path in checkout.rglob("*"):
        if CACHE_DIR not in path.parts:
            os.utime(path, (1_900_000_000, 1_900_000_000))  # every stamp differs from the cached one

    parsed: list[int] = []
    real = xaweb.prepare.parse_many
    monkeypatch.setattr(xaweb.prepare, "parse_many", lambda jobs, *a: parsed.append(len(jobs)) or real(jobs, *a))
    result = build(BuildOptions(checkout, checkout / "public"))
    assert parsed == [0]  # every file read and hashed again, none parsed again
    assert result.rendered > 0 and not result.cache_reset
    assert snapshot(checkout / "public") == snapshot(build(BuildOptions(site, tmp_path / "clean", cache=False)).out_dir)
