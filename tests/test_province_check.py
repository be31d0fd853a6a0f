"""`xaweb check --province` (xaweb/province/check.py): the same findings as the province build's
dashboard, on the command line and in JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from xaweb.check import CheckOptions
from xaweb.province.build import ProvinceOptions, build_province
from xaweb.province.check import check_province
from xaweb.vietnamese import VN_TZ

FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)
SECTION_CODES = ("missing-section", "empty-section", "stale-section")


def test_every_commune_is_checked_as_the_build_sees_it(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "p"))
    reports = {r.code: r for r in check_province(root, CheckOptions(now=NOW))}
    assert len(reports) == 24
    broken = [f for f in reports["29509"].report.findings if f.level == "error" and f.code == "front-matter"]
    assert [(f.path, f.line) for f in broken] == [("communes/29509/content/tin-tuc/loi.md", 3)]
    # A commune without a folder sees the shared pages meant for it.
    assert reports["29517"].report.pages == reports["29503"].report.pages + 1  # a phường: the urban notice too
    figures = {f.code: f for f in build_province(ProvinceOptions(root, tmp_path / "out", now=NOW, jobs=2)).figures}
    for code in ("29501", "29503", "29517", "29524"):
        checked = sorted((f.code, f.message) for f in reports[code].report.findings if f.code in SECTION_CODES)
        shown = sorted((s.code, s.message) for s in figures[code].sections)
        assert checked == shown and checked, code


def test_the_command_line_in_json_and_text(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "p"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    args = [sys.executable, "-m", "xaweb", "check", "--province", str(root), "--now", "2025-03-01T09:00"]
    done = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, encoding="utf-8", env=env)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert [c["code"] for c in data["communes"]][:2] == ["29501", "29502"] and len(data["communes"]) == 24
    assert data["communes"][8]["commune"] == "Xã Long Điền" and data["communes"][8]["summary"]["errors"] >= 1
    text = subprocess.run([*args, "--only", "29501"], capture_output=True, text=True, encoding="utf-8", env=env)
    assert "== 29501 Xã Tân An ==" in text.stdout and "1 xã đã kiểm tra" in text.stdout
