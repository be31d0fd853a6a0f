"""xaweb.writer: a build replaces its output atomically, or leaves it untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xaweb.writer import OLD_SUFFIX, PREVIOUS_SUFFIX, TMP_SUFFIX, StagedOutput


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root -> its bytes (relative POSIX paths)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    target = tmp_path / "public"
    (target / "tin-tuc" / "trang" / "2").mkdir(parents=True)
    (target / "index.html").write_bytes("<h1>Trang cũ</h1>".encode("utf-8"))
    (target / "tin-tuc" / "index.html").write_bytes(b"old list")
    (target / "tin-tuc" / "trang" / "2" / "index.html").write_bytes(b"old page 2")
    (target / "stale.html").write_bytes(b"removed in the new build")
    return target


def siblings(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir())


# --- full build: swap ----------------------------------------------------------


def test_swap_replaces_the_old_folder(old_site: Path):
    staged = StagedOutput(old_site)
    assert staged.staging == old_site.with_name("public" + TMP_SUFFIX)
    staged.write("index.html", "<h1>Trang mới</h1>".encode("utf-8"))
    staged.write("the/an-ninh/index.html", b"tag page")
    # Nothing is visible before the swap.
    assert (old_site / "index.html").read_bytes() == "<h1>Trang cũ</h1>".encode("utf-8")
    assert not (old_site / "the").exists()
    staged.swap()
    assert snapshot(old_site) == {
        "index.html": "<h1>Trang mới</h1>".encode("utf-8"),
        "the/an-ninh/index.html": b"tag page",
    }
    assert siblings(old_site) == ["public"]  # no staging or old folder left behind


def test_swap_creates_a_missing_target(tmp_path: Path):
    target = tmp_path / "deep" / "public"
    staged = StagedOutput(target)
    for path, data in [("index.html", b"a"), ("404.html", b"b"), ("the/index.html", b"c")]:
        staged.write(path, data)
    staged.swap()
    assert snapshot(target) == {"404.html": b"b", "index.html": b"a", "the/index.html": b"c"}
    assert siblings(target) == ["public"]


# --- failures: discard ------------------------------------------------------------


def test_discard_leaves_the_old_folder_byte_identical(old_site: Path):
    before = snapshot(old_site)
    before_folders = folders(old_site)
    staged = StagedOutput(old_site)
    staged.write("index.html", b"half-written new build")
    staged.write("tin-tuc/index.html", b"new list")
    staged.discard()
    assert snapshot(old_site) == before
    assert folders(old_site) == before_folders
    assert not staged.staging.exists()
    assert siblings(old_site) == ["public"]


def test_failure_in_the_middle_keeps_the_old_site(old_site: Path):
    before = snapshot(old_site)

    def outputs():
        yield "index.html", b"new"
        raise RuntimeError("render failed")

    staged = StagedOutput(old_site)
    with pytest.raises(RuntimeError, match="render failed"):
        try:
            for path, data in outputs():
                staged.write(path, data)
            staged.swap()
        except BaseException:
            staged.discard()
            raise
    assert snapshot(old_site) == before
    assert siblings(old_site) == ["public"]


# --- leftovers from a crashed build ------------------------------------------------


def test_leftover_tmp_folder_from_a_crashed_build_is_cleaned(old_site: Path):
    leftover = old_site.with_name(old_site.name + TMP_SUFFIX)
    (leftover / "junk").mkdir(parents=True)
    (leftover / "junk" / "half.html").write_bytes(b"from a crash")
    (leftover / "index.html").write_bytes(b"crashed build")
    before = snapshot(old_site)
    staged = StagedOutput(old_site)
    assert staged.staging == leftover
    assert list(leftover.iterdir()) == []  # a fresh, empty staging folder
    assert snapshot(old_site) == before  # the live site is not touched by the cleanup
    staged.write("index.html", b"new")
    staged.swap()
    assert snapshot(old_site) == {"index.html": b"new"}


def test_leftover_old_folder_is_cleaned(old_site: Path):
    leftover_old = old_site.with_name(old_site.name + OLD_SUFFIX)
    leftover_old.mkdir()
    (leftover_old / "index.html").write_bytes(b"very old")
    staged = StagedOutput(old_site)
    assert not leftover_old.exists()
    staged.write("index.html", b"new")
    staged.swap()
    assert siblings(old_site) == ["public"]
    assert snapshot(old_site) == {"index.html": b"new"}


# --- incremental build: apply ------------------------------------------------------


def test_apply_swaps_in_changed_files_and_links_the_rest(old_site: Path):
    unchanged = old_site / "tin-tuc" / "trang" / "2" / "index.html"
    inode = unchanged.stat().st_ino
    before = snapshot(old_site)
    staged = StagedOutput(old_site)
    staged.write("tin-tuc/index.html", b"new list")
    staged.write("tin-tuc/moi/index.html", b"new page")
    staged.apply([])
    assert snapshot(old_site) == {
        "index.html": "<h1>Trang cũ</h1>".encode("utf-8"),  # unchanged output kept as is
        "stale.html": b"removed in the new build",
        "tin-tuc/index.html": b"new list",
        "tin-tuc/moi/index.html": b"new page",
        "tin-tuc/trang/2/index.html": b"old page 2",
    }
    assert unchanged.stat().st_ino == inode  # the same file, linked: no bytes copied, dates kept for sync tools
    # The build before is kept beside it, whole, as the next incremental build's starting point.
    assert siblings(old_site) == ["public", "public" + PREVIOUS_SUFFIX]
    assert snapshot(old_site.with_name("public" + PREVIOUS_SUFFIX)) == before


def test_the_next_apply_touches_only_what_differs(old_site: Path):
    staged = StagedOutput(old_site)
    staged.write("tin-tuc/index.html", b"list 2")
    staged.apply(["stale.html"])
    previous = old_site.with_name("public" + PREVIOUS_SUFFIX)
    kept = {rel: (previous / rel).stat().st_ino for rel in ("index.html", "tin-tuc/trang/2/index.html")}
    staged = StagedOutput(old_site)
    staged.write("index.html", b"home 3")
    staged.apply([])
    assert snapshot(old_site) == {"index.html": b"home 3", "tin-tuc/index.html": b"list 2", "tin-tuc/trang/2/index.html": b"old page 2"}
    assert (old_site / "tin-tuc/trang/2/index.html").stat().st_ino == kept["tin-tuc/trang/2/index.html"]  # never rewritten
    assert snapshot(previous) == {"index.html": "<h1>Trang cũ</h1>".encode("utf-8"), "tin-tuc/index.html": b"list 2",
                                  "tin-tuc/trang/2/index.html": b"old page 2"}
    # A full build has no use for it.
    staged = StagedOutput(old_site)
    staged.write("index.html", b"full")
    staged.swap()
    assert siblings(old_site) == ["public"]


def test_apply_deletes_stale_files_and_prunes_empty_folders(old_site: Path):
    staged = StagedOutput(old_site)
    staged.write("index.html", b"new home")
    staged.apply(["stale.html", "tin-tuc/trang/2/index.html", "da-xoa/khong-co.html"])
    assert snapshot(old_site) == {"index.html": b"new home", "tin-tuc/index.html": b"old list"}
    # tin-tuc/trang/2 and tin-tuc/trang became empty; tin-tuc still holds its list.
    assert folders(old_site) == {"tin-tuc"}
    assert old_site.is_dir()


def test_apply_never_removes_the_output_folder_itself(tmp_path: Path):
    target = tmp_path / "public"
    target.mkdir()
    (target / "only.html").write_bytes(b"x")
    staged = StagedOutput(target)
    staged.apply(["only.html"])
    assert target.is_dir()
    assert list(target.iterdir()) == []


def test_apply_copies_where_the_file_system_has_no_hard_links(old_site: Path, monkeypatch):
    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    staged = StagedOutput(old_site)
    staged.write("index.html", b"new home")
    staged.apply(["stale.html"])
    assert snapshot(old_site) == {"index.html": b"new home", "tin-tuc/index.html": b"old list",
                                  "tin-tuc/trang/2/index.html": b"old page 2"}


def test_a_swap_killed_between_its_two_renames_is_put_back(old_site: Path):
    before = snapshot(old_site)
    old_site.rename(old_site.with_name(old_site.name + OLD_SUFFIX))  # the first rename happened, not the second
    staged = StagedOutput(old_site)
    assert snapshot(old_site) == before  # the previous output is served again at once
    staged.discard()
    assert siblings(old_site) == ["public"]


# --- static files -------------------------------------------------------------------


def test_update_stages_only_what_differs_and_leaves_the_rest_as_it_was(old_site: Path, tmp_path: Path):
    sources = tmp_path / "results"
    sources.mkdir()
    for name in ("0.json", "1.json"):
        (sources / name).write_bytes(name.encode("ascii"))
    static = tmp_path / "site.css"
    static.write_bytes(b"body{}")
    files = {"index.html": "<h1>Trang cũ</h1>".encode("utf-8"), "tin-tuc/index.html": b"new list"}
    StagedOutput(old_site).update(files, {"css/site.css": static}, {"c/0": (sources, ["0.json", "1.json"])})
    expected = {**files, "css/site.css": b"body{}", "c/0/0.json": b"0.json", "c/0/1.json": b"1.json"}
    assert snapshot(old_site) == expected  # stale.html and the old page 2 are gone
    assert (old_site / "c/0/1.json").stat().st_ino == (sources / "1.json").stat().st_ino
    inodes = {rel: (old_site / rel).stat().st_ino for rel in expected}

    (sources / "1.json").unlink()  # the commune's build replaced one result: a new inode, new bytes
    (sources / "1.json").write_bytes(b"changed")
    StagedOutput(old_site).update({**files, "tin-tuc/index.html": b"newer list"}, {"css/site.css": static},
                                  {"c/0": (sources, ["0.json", "1.json"])})
    assert snapshot(old_site) == {**expected, "tin-tuc/index.html": b"newer list", "c/0/1.json": b"changed"}
    kept = {rel for rel, inode in inodes.items() if (old_site / rel).stat().st_ino == inode}
    assert kept == {"index.html", "css/site.css", "c/0/0.json"}  # carried over as they were, not written again


def test_update_without_an_output_writes_it_whole(tmp_path: Path):
    target = tmp_path / "tinh"
    StagedOutput(target).update({"index.html": b"portal"})
    assert snapshot(target) == {"index.html": b"portal"} and not (tmp_path / ("tinh" + PREVIOUS_SUFFIX)).exists()


def test_copy_tree_copies_static_files(tmp_path: Path):
    static = tmp_path / "static"
    (static / "files").mkdir(parents=True)
    (static / "files" / "qd-15.pdf").write_bytes(b"%PDF-1.4 test")
    (static / "logo.png").write_bytes(b"\x89PNG")
    target = tmp_path / "public"
    staged = StagedOutput(target)
    staged.copy_tree({"/files/qd-15.pdf": static / "files" / "qd-15.pdf", "/logo.png": static / "logo.png"})
    staged.swap()
    assert snapshot(target) == {"files/qd-15.pdf": b"%PDF-1.4 test", "logo.png": b"\x89PNG"}
    assert snapshot(static) == {"files/qd-15.pdf": b"%PDF-1.4 test", "logo.png": b"\x89PNG"}  # sources untouched


# --- an output folder xaweb did not write is never replaced without --force -------------------


def _site(root: Path) -> Path:
    (root / "content/tin-tuc").mkdir(parents=True)
    (root / "site.yaml").write_text("name: Tân Phú\nprovince: Đồng Tháp\n", encoding="utf-8")
    (root / "content/tin-tuc/a.md").write_text("---\ntitle: Họp dân\ndate: 2025-09-20\n---\nNội dung.\n", encoding="utf-8")
    return root


@pytest.mark.attack("output folder")
def test_a_folder_xaweb_did_not_write_is_refused_and_kept(tmp_path):
    from xaweb.build import BuildOptions, build
    from xaweb.errors import BuildError

    site = _site(tmp_path / "site")
    documents = tmp_path / "Tai-lieu"
    documents.mkdir()
    (documents / "bao-cao.docx").write_bytes(b"mot bao cao quan trong")
    with pytest.raises(BuildError, match="không do xaweb tạo ra.*--force"):
        build(BuildOptions(site, documents, jobs=1))
    assert sorted(p.name for p in documents.iterdir()) == ["bao-cao.docx"]
    build(BuildOptions(site, documents, jobs=1, force=True))
    assert (documents / "index.html").is_file() and not (documents / "bao-cao.docx").exists()


def test_xaweb_s_own_folders_are_rebuilt_without_force(tmp_path):
    from xaweb.build import BuildOptions, build
    from xaweb.writer import MARKER

    site = _site(tmp_path / "site")
    out = tmp_path / "out"
    build(BuildOptions(site, out, jobs=1))
    assert (out / MARKER).is_file()
    build(BuildOptions(site, out, jobs=1, cache=False))  # the marker says it is xaweb's
    (out / MARKER).unlink()  # a folder built before the marker existed: its manifest.json says so
    build(BuildOptions(site, out, jobs=1, cache=False))
    (tmp_path / "empty").mkdir()
    build(BuildOptions(site, tmp_path / "empty", jobs=1))  # an empty folder holds nothing to lose
