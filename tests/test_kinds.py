"""The output-kind registry: every file of a site comes from one registered kind, and a new kind plugs in whole.

The new kind here (a `humans.txt` naming the commune's content officer) is
what a search index or a bulletin-board playlist will be: one class, one
registry entry, and the build plans, fingerprints, renders, writes and
re-renders it on its own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from xaweb.build import BuildOptions, build
from xaweb.content.model import Site
from xaweb.digests import digest
from xaweb.errors import Problems
from xaweb.prepare import gather, prepare
from xaweb.render import kinds
from xaweb.render.kinds import KINDS, Kind, plan_outputs
from xaweb.render.plan import Output
from xaweb.vietnamese import VN_TZ

ROOT = Path(__file__).resolve().parent.parent


class HumansKind(Kind):
    name = "humans"

    def plan(self, site: Site) -> list[Output]:
        return [Output("humans.txt", "/humans.txt", self.name)]

    def fingerprint(self, fp, out: Output) -> str:
        return digest(self.name, fp.site.config.footer.responsible)

    def render(self, r, out: Output) -> bytes:
        return f"/* NỘI DUNG */\nChịu trách nhiệm: {r.site.config.footer.responsible}\n".encode("utf-8")


def site(root: Path, responsible: str) -> Path:
    (root / "content/tin-tuc").mkdir(parents=True, exist_ok=True)
    config = {"name": "Tân Phú", "province": "Đồng Tháp", "footer": {"responsible": responsible}}
    (root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (root / "content/tin-tuc/hop.md").write_text("---\ntitle: Họp dân\ndate: 2025-09-20\n---\nNội dung.\n", encoding="utf-8")
    return root


def test_a_new_kind_is_one_class_and_one_registry_line(tmp_path, monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "humans", HumansKind())
    root, out = site(tmp_path / "site", "Ông Nguyễn Văn Bình, Phó Chủ tịch"), tmp_path / "out"
    first = build(BuildOptions(root, out, jobs=1))
    assert (out / "humans.txt").read_text(encoding="utf-8").endswith("Ông Nguyễn Văn Bình, Phó Chủ tịch\n")
    # A page edit leaves it alone; a change to what it shows re-renders it.
    (root / "content/tin-tuc/hop.md").write_text("---\ntitle: Họp dân\ndate: 2025-09-20\n---\nNội dung mới.\n", encoding="utf-8")
    before = (out / "humans.txt").stat().st_mtime_ns
    edited = build(BuildOptions(root, out, jobs=1))
    assert edited.rendered < first.rendered and (out / "humans.txt").stat().st_mtime_ns == before
    site(root, "Bà Lê Thị Hoa, Văn phòng")
    build(BuildOptions(root, out, jobs=1))
    assert "Bà Lê Thị Hoa" in (out / "humans.txt").read_text(encoding="utf-8")


def test_every_planned_output_belongs_to_a_registered_kind_that_names_itself():
    assert all(name == kind.name for name, kind in KINDS.items())
    problems = Problems()
    prepared = prepare(gather((ROOT / "content-example").resolve(), problems, offline=True), datetime(2025, 11, 25, tzinfo=VN_TZ), problems)
    outputs, collisions = plan_outputs(prepared.site)
    # The example site has every kind but source items with their own page (it has no full-text source)
    # and the radio's (it has no truyen-thanh section: tests/test_radio.py builds one).
    assert collisions == [] and {o.kind for o in outputs} == set(KINDS) - {"feed_item", "podcast", "broadcast_schedule"}
    for kind in KINDS.values():
        for method in ("plan", "fingerprint", "render"):
            assert getattr(type(kind), method) is not getattr(Kind, method), (kind.name, method)


def test_a_derived_kind_is_never_rendered():
    with pytest.raises(TypeError):
        KINDS["image"].render(None, Output("a.jpg", "/a.jpg", "image"))  # type: ignore[arg-type]
