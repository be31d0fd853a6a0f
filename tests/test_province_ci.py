"""The CI workflows shipped in docs/ci/: their build and merge steps, run here as a two-shard
matrix, give the same output folder as one unsharded build, byte for byte."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs" / "ci"
FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = "2025-03-01T09:00"


def github_steps(shard: int, of: int) -> list[str]:
    workflow = yaml.safe_load((DOCS / "github-actions.yml").read_text(encoding="utf-8"))
    build = next(s["run"] for s in workflow["jobs"]["shard"]["steps"] if s.get("name") == "Build")
    merge = next(s["run"] for s in workflow["jobs"]["portal"]["steps"] if s.get("name") == "Merge into the province portal")
    assert workflow["jobs"]["shard"]["strategy"]["fail-fast"] is False
    fill = {"${{ matrix.shard }}": str(shard), "${{ matrix.of }}": str(of)}
    for key, value in fill.items():
        build = build.replace(key, value)
    return [build, merge]


def gitlab_steps(shard: int, of: int) -> list[str]:
    pipeline = yaml.safe_load((DOCS / "gitlab-ci.yml").read_text(encoding="utf-8"))
    build = next(line for line in pipeline["shard"]["script"] if line.startswith("xaweb build"))
    merge = next(line for line in pipeline["portal"]["script"] if line.startswith("xaweb build"))
    return [build.replace("$CI_NODE_INDEX", str(shard)).replace("$CI_NODE_TOTAL", str(of)), merge]


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    args = shlex.split(command)
    assert args[0] == "xaweb" and "$" not in command and "${{" not in command, command
    return subprocess.run([sys.executable, "-m", "xaweb", *args[1:], "--now", NOW], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "CI": "true", "PYTHONIOENCODING": "utf-8"})


@pytest.mark.parametrize("steps", [github_steps, gitlab_steps], ids=["github-actions", "gitlab-ci"])
def test_the_workflows_two_shards_merged_equal_one_build(tmp_path, snapshot, steps):
    whole = Path(shutil.copytree(FIXTURE, tmp_path / "whole"))
    one = run("xaweb build --province . -o public", whole)
    assert one.returncode == 1 and "29509" in one.stderr  # the fixture's broken commune
    # Each CI machine starts from its own checkout; the artifacts meet in one folder.
    outputs = []
    for shard in (1, 2):
        machine = Path(shutil.copytree(FIXTURE, tmp_path / f"machine-{shard}"))
        build, _ = steps(shard, 2)
        done = run(build, machine)
        assert done.returncode in (0, 1), done.stderr
        assert not (machine / "public" / "tinh").exists()  # a shard does not make the portal
        outputs.append(machine / "public")
    portal_machine = Path(shutil.copytree(FIXTURE, tmp_path / "portal"))
    for output in outputs:
        shutil.copytree(output, portal_machine / "public", dirs_exist_ok=True)
    _, merge = steps(1, 2)
    done = run(merge, portal_machine)
    assert done.returncode == 0, done.stderr
    assert re.search(r"Cổng của tỉnh: .*public[/\\]tinh", done.stdout)
    assert snapshot(portal_machine / "public") == snapshot(whole / "public")
