"""xaweb/province/reuse.py: a commune whose inputs did not change is not built again, and every
kind of change that matters (its own folder, shared content, the province's theme and settings,
its output, the passing of its next expiry) brings the build back."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import xaweb.province.build as province_build
from xaweb.config import SiteConfig, Source
from xaweb.province.build import ProvinceOptions, build_province
from xaweb.province.reuse import own_network_inputs
from xaweb.vietnamese import VN_TZ
from xaweb.writer import PREVIOUS_SUFFIX

FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)
BROKEN = "29509"
PAGE = "communes/29502/content/thong-bao/hop-dan.md"


@pytest.fixture
def province(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "province"))


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The communes whose single-site build runs (in this process: jobs=1)."""
    calls: list[str] = []
    real = province_build.build
    monkeypatch.setattr(province_build, "build", lambda options: calls.append(options.out_dir.name) or real(options))
    return calls


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(root: Path, out: Path, now: datetime = NOW, **options):
    return build_province(ProvinceOptions(root, out, now=now, jobs=1, **options))


def files_of(folder: Path) -> dict[str, bytes]:
    """What is published: not the previous builds kept beside each output as the next one's starting point."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).parts[0].endswith(PREVIOUS_SUFFIX)}


def test_nothing_changed_no_commune_is_built_and_the_result_is_the_same(province, tmp_path, built):
    write(province / PAGE, "---\ntitle: Họp dân\ndate: 2025-02-27\ntags: ['!!!']\n---\nNội dung.\n")  # a warning
    out = tmp_path / "out"
    first = run(province, out)
    before = files_of(out)
    built.clear()
    again = run(province, out)
    assert built == [BROKEN]  # a failed build leaves no record: it is tried again
    assert files_of(out) == before
    assert [(o.code, o.problems, o.pages) for o in again.outcomes] == [(o.code, o.problems, o.pages) for o in first.outcomes]
    warned = next(o for o in again.outcomes if o.code == "29502")
    assert [p.level for p in warned.problems] == ["warning"]  # replayed from the record, not lost


def test_an_edit_in_a_commune_folder_builds_that_commune_alone(province, tmp_path, built):
    out = tmp_path / "out"
    run(province, out)
    built.clear()
    page = province / "communes/29502/content/thong-bao/lich-cat-dien-toan-tinh.md"  # the commune hides a shared page
    page.write_text(page.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    run(province, out)
    assert sorted(built) == ["29502", BROKEN]
    assert "Không áp dụng cho xã Hòa Lợi." in (out / "29502/thong-bao/lich-cat-dien-khong-ap-dung/index.html").read_text(encoding="utf-8")


def test_after_an_edit_the_portal_updated_in_place_equals_a_portal_built_anew(province, tmp_path, built):
    out = tmp_path / "out"
    run(province, out)
    write(province / "communes/29502/content/tin-tuc/hop-to-dan-pho.md",
          "---\ntitle: Họp tổ dân phố về phòng cháy\ndate: 2025-02-28\n---\nHọp bàn phòng cháy chữa cháy.\n")
    run(province, out)  # the portal: only what changed is written, the rest carried over
    fresh = tmp_path / "fresh"
    run(province, fresh)
    assert files_of(out / "tinh") == files_of(fresh / "tinh")
    assert "Họp tổ dân phố về phòng cháy" in (out / "tinh/tin-moi/index.html").read_text(encoding="utf-8")


def test_a_new_file_in_a_commune_without_a_folder_builds_it(province, tmp_path, built):
    out = tmp_path / "out"
    run(province, out)
    built.clear()
    write(province / "communes/29503/content/tin-tuc/mot-tin.md", "---\ntitle: Một tin\ndate: 2025-02-27\n---\nNội dung.\n")
    run(province, out)
    assert sorted(built) == ["29503", BROKEN]
    assert (out / "29503/tin-tuc/mot-tin/index.html").is_file()


@pytest.mark.parametrize("edit", ["shared", "theme", "province"])
def test_what_every_commune_reads_builds_every_commune(province, tmp_path, built, edit):
    out = tmp_path / "out"
    first = run(province, out)
    built.clear()
    target = {"shared": "shared/thu-tuc-hanh-chinh/dang-ky-khai-sinh.md", "theme": "theme/static/css/tinh.css",
              "province": "province.yaml"}[edit]
    path = province / target
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("news_count: 3", "news_count: 4") if edit == "province" else text + "\n/* sửa */\n", encoding="utf-8")
    run(province, out)
    assert sorted(built) == sorted(o.code for o in first.outcomes)
    if edit == "theme":
        assert (out / "29501/css/tinh.css").read_text(encoding="utf-8").endswith("/* sửa */\n")


def test_a_file_removed_from_a_communes_output_is_written_again(province, tmp_path, built):
    out = tmp_path / "out"
    run(province, out)
    built.clear()
    removed = out / "29502/thong-bao/index.html"
    removed.unlink()
    run(province, out)
    assert sorted(built) == ["29502", BROKEN] and removed.is_file()


def test_another_output_folder_is_built_in_full(province, tmp_path, built):
    run(province, tmp_path / "out")
    built.clear()
    run(province, tmp_path / "other")
    assert len(built) == 24 and (tmp_path / "other/29502/index.html").is_file()


def test_an_announcement_that_expires_brings_its_commune_back_on_time(province, tmp_path, built):
    write(province / PAGE, "---\ntitle: Họp dân\ndate: 2025-02-27\nexpires: 2025-03-01T12:00:00+07:00\n---\nNội dung.\n")
    out = tmp_path / "out"
    run(province, out)
    built.clear()
    run(province, out, NOW + timedelta(hours=1))  # the same day, before it expires
    assert built == [BROKEN]
    run(province, out, NOW + timedelta(hours=4))  # the same day, after
    assert sorted(built) == sorted([BROKEN, "29502", BROKEN])


def test_a_clean_build_leaves_no_record_and_skips_nothing(province, tmp_path, built):
    out = tmp_path / "out"
    run(province, out, cache=False)
    built.clear()
    run(province, out, cache=False)
    assert len(built) == 24
    assert not list(province.glob("communes/*/.xaweb-cache/province.json"))


def test_a_commune_with_network_inputs_of_its_own_is_always_built():
    feed = Source(name="Tin tỉnh", url="https://example.gov.vn/rss")
    plain = SiteConfig(name="Tân An", province="Hòa Bình Xanh")
    assert not own_network_inputs(plain, ())
    assert not own_network_inputs(SiteConfig(name="Tân An", province="Hòa Bình Xanh", sources=(feed,)), (feed,))  # the province's feeds, fetched once
    assert own_network_inputs(SiteConfig(name="Tân An", province="Hòa Bình Xanh", sources=(feed,)), ())
    assert own_network_inputs(replace(plain, qa=replace(plain.qa, export_url="auto", endpoint="https://hoidap.example.gov.vn")), ())
