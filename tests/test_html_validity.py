"""Every HTML page of the built example passes the Nu HTML Checker (vnu) with no errors.

vnu.jar comes from npm (`npm install vnu-jar`, into the repository's
node_modules/) and runs once over the whole output folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import ROOT, require  # noqa: E402 - after the rewrite hook

pytest_plugins = ["example_site"]

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _report(messages: list[dict], out_dir: Path) -> str:
    lines = []
    for m in messages:
        where = m.get("url", "").removeprefix("file:")
        where = Path(where).relative_to(out_dir).as_posix() if where.startswith(str(out_dir)) else where
        lines.append(f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m.get('type')}: {m.get('message')}")
        if m.get("extract"):
            lines.append(f"    {m['extract'].strip()}")
    return "\n".join(lines)


def test_every_page_passes_the_nu_html_checker(built_site, alert_site, tmp_path):
    java = shutil.which("java")
    require(java is not None, "java is not installed (apt-get install default-jre-headless)")
    require(VNU_JAR.is_file(), f"{VNU_JAR} is missing (npm install --no-save --ignore-scripts vnu-jar@26)")
    assert len(list(built_site.rglob("*.html"))) > 100
    # Plus the home page with the alert banner showing, and a page with a known error
    # in the same run, which proves the checker reads and reports.
    canary = tmp_path / "canary.html"
    canary.write_text('<!DOCTYPE html><html lang="vi"><title>x</title><p id="a"></p><p id="a"></p>', encoding="utf-8")

    proc = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
         str(built_site), str(alert_site / "index.html"), str(canary)],
        capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    # vnu writes its JSON report to stderr.
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    site = [m for m in messages if not m.get("url", "").endswith("/canary.html")]
    assert not site, f"{len(site)} vnu errors:\n{_report(site, built_site.resolve())}"
    assert any("Duplicate ID" in m.get("message", "") for m in messages), messages
