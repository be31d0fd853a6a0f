"""`xaweb build --province` (xaweb/province/build.py) on the fixture province of 24 communes:
shared content targeted by kind and code, an override, a hidden page, communes without a
folder, one broken commune that fails alone, shards whose union is the unsharded build,
and the figures the portal shows, checked against the fixture.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from xaweb.province.build import FIGURES_DIR, PORTAL_DIR, ProvinceOptions, build_province
from xaweb.province.figures import qa_counts
from xaweb.vietnamese import VN_TZ

FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)
BROKEN = "29509"


@pytest.fixture
def province(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "province"))


def run(root: Path, out: Path, **options) -> object:
    return build_province(ProvinceOptions(root, out, now=NOW, jobs=options.pop("jobs", 2), **options))


def test_every_commune_is_built_and_the_broken_one_fails_alone(province, tmp_path):
    result = run(province, tmp_path / "out")
    assert [o.code for o in result.failed] == [BROKEN]
    assert [str(p) for p in result.failed[0].problems] == [
        "communes/29509/content/tin-tuc/loi.md:3: 'date': '2025-31-02' không phải là ngày hợp lệ (cần dạng YYYY-MM-DD hoặc DD/MM/YYYY)"]
    built = sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.isdigit())
    assert len(built) == 23 and BROKEN not in built
    assert (tmp_path / "out" / PORTAL_DIR / "index.html").is_file()


def test_shared_content_overrides_hiding_and_targeting(province, tmp_path):
    out = tmp_path / "out"
    run(province, out)
    shared_notice = "thong-bao/lich-tam-ngung-cung-cap-dien-toan-tinh-thang-3/index.html"
    urban = "thong-bao/huong-dan-cap-phep-xay-dung-trong-do-thi/index.html"
    islands = "thong-bao/ho-tro-ngu-dan-vung-dao/index.html"
    procedure = "thu-tuc-hanh-chinh/dang-ky-khai-sinh/index.html"
    # A commune without a folder: its identity from the list, the shared pages meant for every commune.
    home = (out / "29503/index.html").read_text(encoding="utf-8")
    assert "Đông Hải" in home and "Hòa Bình Xanh" in home
    assert (out / "29503" / shared_notice).is_file() and (out / "29503" / procedure).is_file()
    assert not (out / "29503" / urban).exists() and not (out / "29503" / islands).exists()
    assert (out / "29517" / urban).is_file()  # a phường
    assert (out / "29524" / islands).is_file() and (out / "29523" / islands).is_file()  # named by code
    # 29501 gives its own page at the shared page's path; 29502 hides it with a draft.
    assert not (out / "29501" / shared_notice).exists()
    assert "TAN-AN-OVERRIDE" in (out / "29501/thong-bao/lich-cat-dien-thang-3-tai-xa-tan-an/index.html").read_text(encoding="utf-8")
    assert not (out / "29502" / shared_notice).exists() and (out / "29502" / procedure).is_file()
    # The province's theme (theme/) for every commune and the portal, and the way back to the portal.
    for page in ("29503/index.html", "29501/tin-tuc/index.html", "tinh/index.html"):
        assert '<link rel="stylesheet" href="/css/tinh.css">' in (out / page).read_text(encoding="utf-8"), page
    assert (out / "29503/css/tinh.css").is_file() and (out / "tinh/css/tinh.css").is_file()
    assert '<a href="https://hoabinhxanh.gov.vn/#cac-xa">Các xã, phường, đặc khu khác của tỉnh Hòa Bình Xanh</a>' in home


def test_a_failed_commune_keeps_its_last_good_output(province, tmp_path):
    out = tmp_path / "out"
    broken = province / "communes" / BROKEN / "content/tin-tuc/loi.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("2025-31-02", "2025-02-03"), encoding="utf-8")
    assert run(province, out).failed == []
    before = (out / BROKEN / "index.html").read_bytes()
    broken.write_text(broken.read_text(encoding="utf-8").replace("2025-02-03", "2025-02-30"), encoding="utf-8")
    result = run(province, out, jobs=1)
    assert [o.code for o in result.failed] == [BROKEN]
    assert (out / BROKEN / "index.html").read_bytes() == before
    figures = json.loads((out / FIGURES_DIR / f"{BROKEN}.json").read_text(encoding="utf-8"))
    assert figures["built"] is False and figures["errors"] == 1


def test_an_edit_in_one_commune_rebuilds_that_commune_alone(province, tmp_path):
    out = tmp_path / "out"
    run(province, out)
    page = province / "communes/29501/content/tin-tuc/hop-dan.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    result = run(province, out)
    rendered = {o.code: o.rendered for o in result.outcomes if not o.failed}
    assert 2 <= rendered.pop("29501") <= 6  # the page, its search entry, the buckets of its new words
    assert set(rendered.values()) == {0}


def test_shards_merged_equal_the_unsharded_build_byte_for_byte(province, tmp_path, snapshot):
    whole = tmp_path / "whole"
    run(province, whole)
    sharded = tmp_path / "sharded"
    first = run(province, sharded, shard=(1, 2))
    second = run(province, sharded, shard=(2, 2))
    assert first.portal is None and second.portal is None
    assert {o.code for o in first.outcomes}.isdisjoint({o.code for o in second.outcomes})
    assert len(first.outcomes) + len(second.outcomes) == 24
    merged = run(province, sharded, merge=True)
    assert merged.outcomes == [] and merged.portal is not None
    assert snapshot(sharded) == snapshot(whole)


@pytest.mark.attack("Q&A export")
@pytest.mark.parametrize("counts", [None, "5", {"received": "5", "waiting": 1}, {"received": 3, "waiting": 4},
                                    {"received": -1, "waiting": 0}, {"received": True, "waiting": 0}, {"received": 2}])
def test_counts_of_a_q_and_a_export_that_make_no_sense_are_not_shown(counts):
    assert qa_counts({"format": "xaweb-qa-export", "counts": counts}) == (None, None)
    assert qa_counts({"counts": {"received": 3, "waiting": 0}}) == (3, 0)


def test_the_figures_match_the_fixture(province, tmp_path):
    out = tmp_path / "out"
    result = run(province, out)
    figures = {f.code: f for f in result.figures}
    tan_an = figures["29501"]
    # Its own news (25/2) and its own notice (21/2), the shared procedure: three pages, two of them recent.
    assert (tan_an.pages, tan_an.recent_posts, tan_an.last_update) == (3, 2, "2025-02-25")
    assert tan_an.news[0].title == "Họp dân ấp Tân Thạnh"
    assert tan_an.news[0].url == "https://tanan.hoabinhxanh.gov.vn/tin-tuc/hop-dan-ap-tan-thanh/"
    assert ("2025-02", 2) in tan_an.monthly
    # Its Q&A export: two answers, after 2 and 6 days.
    assert (tan_an.qa, tan_an.qa_answered, tan_an.qa_median_days) == (True, 2, 4.0)
    assert (tan_an.qa_received, tan_an.qa_waiting) == (5, 1)  # the export's counts: received, still waiting
    assert "2 / 5 nhận, 1 đang chờ" in (out / PORTAL_DIR / "giam-sat/xa/29501/index.html").read_text(encoding="utf-8")
    assert not figures["29503"].qa and figures["29503"].qa_answered == 0 and figures["29503"].qa_received is None
    # No commune here has every required section: "Giới thiệu" is missing everywhere, with its rule.
    assert all(any(s.code == "missing-section" and "Giới thiệu" in s.message and s.rule for s in f.sections)
               for f in result.figures if f.built)
    assert figures[BROKEN].built is False
    urban = figures["29517"]
    assert urban.kind == "phường" and urban.pages == 3


def test_the_command_line_exits_1_and_prints_one_line_per_commune_in_ci(province, tmp_path):
    env = {"CI": "true", "PYTHONIOENCODING": "utf-8"}
    import os
    done = subprocess.run([sys.executable, "-m", "xaweb", "build", "--province", str(province), "-o", str(tmp_path / "out"),
                           "--now", "2025-03-01T09:00", "-j", "2"], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, **env})
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert sum(line.startswith("[") for line in lines) == 24
    assert any(line.startswith("[") and "29509 Xã Long Điền: LỖI" in line for line in lines)
    assert "communes/29509/content/tin-tuc/loi.md:3:" in done.stderr
    assert "1 xã dựng lỗi (vẫn giữ bản dựng trước): 29509 Xã Long Điền" in done.stderr
    assert "Đã dựng 23/24 xã" in done.stdout
    only = subprocess.run([sys.executable, "-m", "xaweb", "build", "--province", str(province), "-o", str(tmp_path / "out"),
                           "--only", "29501,29517"], capture_output=True, text=True, encoding="utf-8", env={**os.environ, **env})
    assert only.returncode == 0 and "Đã dựng 2/2 xã" in only.stdout


def test_a_rebuild_with_nothing_changed_reuses_todays_figures_and_a_new_day_renews_them(province, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = {f.code: f for f in run(province, out).figures}
    prepared = []
    import xaweb.province.build as province_build
    real = province_build.figures_of
    monkeypatch.setattr(province_build, "figures_of", lambda *a: prepared.append(a[1]) or real(*a))
    again = run(province, out, jobs=1)
    assert prepared == [] and {f.code: f for f in again.figures} == first
    later = build_province(ProvinceOptions(province, out, now=NOW.replace(day=31), jobs=1))
    assert len(prepared) == 23  # every commune that builds, once, for the new day's figures
    tan_an = {f.code: f for f in later.figures}["29501"]
    assert tan_an.as_of == "2025-03-31" and tan_an.recent_posts == 0  # its posts of February are now older than 30 days


def test_communes_under_one_domain_share_compiled_templates_but_not_their_addresses(province, tmp_path):
    # Hosting by path: each commune's links start with its own path, although the templates are compiled once.
    rows = (province / "communes.csv").read_text(encoding="utf-8-sig").splitlines()
    paths = {"29501": "/tan-an/", "29502": "/hoa-loi/"}
    lines = [rows[0] + ",path"] + [row + "," + paths.get(row.split(",")[0], f"/xa-{row.split(',')[0]}/") for row in rows[1:]]
    (province / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run(province, out, jobs=1)
    compiled = list((province / ".xaweb-cache" / "templates").glob("*-vi.cache"))
    assert compiled and not list((province / "communes/29501/.xaweb-cache/templates").glob("*.cache"))
    for code, path in paths.items():
        page = (out / code / "index.html").read_text(encoding="utf-8")
        assert f'href="{path}css/xaweb.css"' in page and f'<link rel="canonical" href="https://hoabinhxanh.gov.vn{path}">' in page
        other = next(p for c, p in paths.items() if c != code)
        assert f'"{other}' not in page
