"""`bench/`: the corpus generator and the runner, as far as they concern xaweb (Hugo and
Pelican are benchmark-only installs, see bench/requirements.txt)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import require  # noqa: E402 - after the rewrite hook

from xaweb.build import BuildOptions, build  # noqa: E402

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    return _load("run")  # imports bench/corpus.py too


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_corpus_is_deterministic_and_builds_with_every_kind_of_page(run, tmp_path: Path):
    manifest = run.corpus.generate(30, tmp_path / "a")
    run.corpus.generate(30, tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert sum(manifest["sections"].values()) == 30 and all(manifest["sections"].values())
    for tool in ("xaweb", "hugo", "pelican"):
        assert (tmp_path / "a" / tool / manifest["edit_page"][tool]).is_file()

    result = build(BuildOptions(tmp_path / "a" / "xaweb", tmp_path / "out", cache=False))
    assert result.pages == 30 and not result.warnings
    out = tmp_path / "out"
    assert (out / "van-ban" / "loai").is_dir() and (out / "van-ban" / "nam").is_dir()  # document filters
    assert 'id="proc-steps"' in next((out / "thu-tuc-hanh-chinh").glob("*/index.html")).read_text(encoding="utf-8")
    assert (out / "cong-khai" / "ngan-sach" / "index.html").is_file()


def test_the_runner_measures_xaweb_and_checks_the_one_edit_output(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    require(Path(run.TIME).is_file(), f"GNU time is not installed at {run.TIME} (apt-get install time)")
    monkeypatch.setattr(run, "CORPUS_DIR", tmp_path / "corpus")
    monkeypatch.setattr(run, "OUT_DIR", tmp_path / "out")
    report = tmp_path / "results.md"
    args = ["--sizes", "30", "--runs", "1", "--tools", "xaweb", "--quiet-wait", "0", "--results", str(report)]
    assert run.main(args) == 0

    text = report.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 30 | xaweb |"))
    assert row.endswith("| OK |"), row  # the one-edit rebuild equals a clean build of the edited site
    # An edit below the summary: the page, and of the search index its entry and the buckets of its new words.
    assert 2 <= int(re.search(r"re-rendered (\d+) file\(s\)", text).group(1)) <= 6, text
    raw = json.loads(next((tmp_path / "out").glob("results-*.json")).read_text(encoding="utf-8"))
    (result,) = raw["results"]
    assert result["status"] == "ok"
    for scenario in ("clean", "nochange", "edit"):
        (measured,) = result["runs"][scenario]
        assert measured["rc"] == 0 and measured["wall"] > 0 and measured["rss_kb"] > 0
    # The edit is undone: the corpus is as generated.
    manifest = json.loads((tmp_path / "corpus" / "30" / "manifest.json").read_text(encoding="utf-8"))
    edited = tmp_path / "corpus" / "30" / "xaweb" / manifest["edit_page"]["xaweb"]
    assert manifest["edit_sentence"] not in edited.read_text(encoding="utf-8")
