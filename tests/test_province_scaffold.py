"""`xaweb new DIR --province NAME --communes FILE.csv` (xaweb/province/scaffold.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from xaweb.errors import BuildError
from xaweb.province.build import ProvinceOptions, build_province
from xaweb.province.scaffold import scaffold_province
from xaweb.vietnamese import VN_TZ

COMMUNES = Path(__file__).parent / "sites" / "province" / "communes.csv"


def test_a_new_province_builds_every_commune_with_the_required_sections(tmp_path):
    done = subprocess.run([sys.executable, "-m", "xaweb", "new", str(tmp_path / "tinh"), "--province", "Hòa Bình Xanh",
                           "--communes", str(COMMUNES)], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    assert "xaweb build --province" in done.stdout
    root = tmp_path / "tinh"
    assert (root / "province.yaml").read_text(encoding="utf-8").startswith("# Tỉnh")
    result = build_province(ProvinceOptions(root, now=datetime(2026, 12, 3, 9, tzinfo=VN_TZ), jobs=2))
    assert result.failed == [] and len(result.outcomes) == 24
    # Every required section comes from shared/, so no commune lacks one.
    assert all(f.built and f.missing == 0 for f in result.figures), [(f.code, f.sections) for f in result.figures if f.missing]
    assert "Các xã, phường, đặc khu khác của tỉnh Hòa Bình Xanh" in (root / "public/29503/index.html").read_text(encoding="utf-8")


def test_a_bad_list_writes_nothing(tmp_path):
    bad = tmp_path / "xa.csv"
    bad.write_text("code,name,kind\n1,Tân An,huyện\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        scaffold_province(tmp_path / "tinh", "Hòa Bình Xanh", "tỉnh", bad, "2026-12-03")
    assert f"{bad}:2: 'kind': 'huyện' không hợp lệ" in str(failed.value.problems[0])
    assert not (tmp_path / "tinh").exists()
