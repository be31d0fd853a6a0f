"""serve's in-memory edits (xaweb/live.py): a body edit writes only the outputs that show that
body, and the folder then holds exactly what a clean build of the edited site writes; every
other change is refused, so that serve runs a build instead.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from xaweb.build import BuildOptions, build
from xaweb.live import LiveSite
from xaweb.vietnamese import VN_TZ

FIXTURE = Path(__file__).parent / "sites" / "incremental"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)
PAGE = "content/tin-tuc/trao-qua-tet.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


def served(site: Path) -> tuple[LiveSite, Path]:
    out = site.parent / "serve"
    result = build(BuildOptions(site, out, now=NOW, force=True, always_prepare=True))
    assert result.prepared is not None
    return LiveSite.of(result.prepared, out, NOW), out


def clean(site: Path, tmp_path: Path) -> Path:
    out = tmp_path / "clean"
    build(BuildOptions(site, out, now=NOW, cache=False))
    return out


def edit(site: Path, rel: str, old: str, new: str) -> str:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


def test_a_body_edit_writes_the_page_alone_and_equals_a_clean_build(site, tmp_path, snapshot):
    live, out = served(site)
    before = snapshot(out)
    changed = edit(site, PAGE, "Mỗi phần quà trị giá 500.000 đồng.", "Mỗi phần quà trị giá 700.000 đồng, LIVE-1.")
    written = live.apply([changed], NOW)
    after = snapshot(out)
    changed_files = [p for p in after if after[p] != before.get(p)]
    # The page, and of the search index its own entry and the buckets of the words that changed.
    assert [p for p in changed_files if not p.startswith("tim-kiem/")] == ["tin-tuc/trao-qua-tet-cho-ho-ngheo/index.html"]
    assert any(p.startswith("tim-kiem/f/") for p in changed_files) and written == len(changed_files)
    assert b"LIVE-1" in after["tin-tuc/trao-qua-tet-cho-ho-ngheo/index.html"]
    expected = snapshot(clean(site, tmp_path))
    assert {p: b for p, b in after.items() if p != ".xaweb-output"} == {p: b for p, b in expected.items() if p != ".xaweb-output"}
    # A second edit of the same page, and the build that follows (it has not seen either) agrees.
    changed = edit(site, PAGE, "LIVE-1", "LIVE-2")
    assert live.apply([changed], NOW) >= 2
    final = snapshot(out)
    result = build(BuildOptions(site, out, now=NOW, force=True))
    # Its cache still had the text before the edits: what differs from then is made again, with the same bytes.
    assert result.rendered == len([p for p in final if final[p] != before.get(p)])
    assert snapshot(out) == final and b"LIVE-2" in final["tin-tuc/trao-qua-tet-cho-ho-ngheo/index.html"]
    assert {p: b for p, b in final.items() if p != ".xaweb-output"} == {
        p: b for p, b in snapshot(clean(site, tmp_path / "again")).items() if p != ".xaweb-output"}


def test_feeds_with_full_texts_show_the_body_and_are_written_too(site, tmp_path, snapshot):
    edit(site, "site.yaml", "feeds:\n  items: 3", "feeds:\n  items: 3\n  full_content: true")
    live, out = served(site)
    changed = edit(site, PAGE, "Mỗi phần quà trị giá 500.000 đồng.", "Mỗi phần quà trị giá 700.000 đồng, LIVE-FEED.")
    written = live.apply([changed], NOW)
    assert written is not None and written > 1
    after = snapshot(out)
    assert [p for p, data in after.items() if b"LIVE-FEED" in data and p.endswith(".xml")]
    expected = snapshot(clean(site, tmp_path))
    assert {p: b for p, b in after.items() if p != ".xaweb-output"} == {p: b for p, b in expected.items() if p != ".xaweb-output"}


@pytest.mark.parametrize("rel, old, new", [
    (PAGE, "title: ", "title: Đổi tên "),                   # what lists and the menu show
    (PAGE, "Mỗi phần quà trị giá 500.000 đồng.", "Xem ![ảnh](/images/khong-co.jpg)."),  # a new picture: a new warning
    ("content/tin-tuc/_index.md", "title: ", "title: Đổi "),  # a section, not a page
    ("site.yaml", "paginate: 2", "paginate: 3"),
])
def test_anything_but_a_body_edit_is_left_to_a_build(site, snapshot, rel, old, new):
    live, out = served(site)
    before = snapshot(out)
    assert live.apply([edit(site, rel, old, new)], NOW) is None
    assert snapshot(out) == before


def test_a_broken_page_a_new_file_and_expiry_are_left_to_a_build(site, snapshot):
    live, out = served(site)
    before = snapshot(out)
    (site / PAGE).write_text("---\ntitle: Trao quà: Tết: lỗi\n---\nNội dung.\n", encoding="utf-8")
    assert live.apply([str(site / PAGE)], NOW) is None
    new = site / "content/tin-tuc/moi.md"
    new.write_text("---\ntitle: Mới\ndate: 2025-02-01\n---\nNội dung.\n", encoding="utf-8")
    assert live.apply([str(new)], NOW) is None
    assert live.expiry is not None  # the fixture has an announcement that expires
    assert live.apply([str(site / "content/thong-bao/cat-dien.md")], live.expiry) is None
    assert snapshot(out) == before
