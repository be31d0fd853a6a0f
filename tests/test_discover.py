"""Discovery of a site's files, and the links that must never carry a file in from elsewhere.

Every case is an attack seen on a build machine: a symbolic link in static/,
content/ or templates/ to a file or folder outside the site. Each must be an
error naming the link, in `xaweb build` and in `xaweb check`, and nothing
behind it may reach the output. Links that stay inside the site still work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xaweb.build import BuildOptions, build
from xaweb.check import CheckOptions, check_site
from xaweb.discover import discover
from xaweb.errors import BuildError

SECRET = "bi-mat-cua-may-dung-7f3a"  # what the outside files hold; it must never be published


def site(root: Path) -> Path:
    config = {"name": "Tân Phú", "province": "Đồng Tháp", "base_url": "https://tanphu.dongthap.gov.vn"}
    (root / "content/tin-tuc").mkdir(parents=True)
    (root / "static/files").mkdir(parents=True)
    (root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (root / "content/tin-tuc/_index.md").write_text("---\ntitle: Tin tức\n---\n", encoding="utf-8")
    (root / "content/tin-tuc/hop-dan.md").write_text("---\ntitle: Họp dân\ndate: 2025-09-20\n---\nNội dung.\n", encoding="utf-8")
    (root / "static/files/ke-hoach.txt").write_text("kế hoạch", encoding="utf-8")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    (folder / "sub").mkdir(parents=True)
    (folder / "passwd").write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    (folder / "sub/environ").write_text(f"XAWEB_QA_TOKEN={SECRET}\n", encoding="utf-8")
    (folder / "trang.md").write_text(f"---\ntitle: Trang lạ\n---\n{SECRET}\n", encoding="utf-8")
    (folder / "footer.html").write_text(SECRET, encoding="utf-8")
    return folder


def link(at: Path, to: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(to, target_is_directory=to.is_dir())


# Where the link sits (relative to the site) -> what it points at (relative to `outside`, or a site path with "site:").
ATTACKS = {
    "static file to a system file": ("static/passwd", "passwd"),
    "static file to /proc/self/environ": ("static/environ", "/proc/self/environ"),
    "static folder to a folder": ("static/files/ngoai", "sub"),
    "static/ itself": ("static", "sub"),
    "link to a link that leaves": ("static/files/b", "site:static/files/a"),
    "content page": ("content/tin-tuc/la.md", "trang.md"),
    "content section folder": ("content/ngoai", "."),
    "template override": ("templates/partials/footer.html", "footer.html"),
}


def plant(root: Path, outside: Path, attack: str) -> str:
    at, to = ATTACKS[attack]
    if at == "static":
        for f in (root / "static").rglob("*"):
            f.unlink() if f.is_file() else None
        for d in sorted((root / "static").rglob("*"), reverse=True):
            d.rmdir()
        (root / "static").rmdir()
    if to.startswith("site:"):
        link(root / "static/files/a", outside / "passwd")  # the first hop, itself outside
        target = root / to[5:]
    else:
        target = Path(to) if to.startswith("/") else outside / to
    link(root / at, target)
    return at


@pytest.mark.attack("symlinks")
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_link_out_of_the_site_is_an_error_and_nothing_is_published(tmp_path, outside, attack):
    if ATTACKS[attack][1].startswith("/proc") and not Path("/proc/self/environ").exists():
        pytest.skip("no /proc on this system")
    root = site(tmp_path / "site")
    out = tmp_path / "out"
    build(BuildOptions(root, out, jobs=1, cache=False))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    at = plant(root, outside, attack)

    with pytest.raises(BuildError) as failed:
        build(BuildOptions(root, out, jobs=1, cache=False))
    messages = [str(p) for p in failed.value.problems]
    assert any(m.startswith(at + ":") and "ra ngoài thư mục trang" in m for m in messages), messages
    # The previous output stays exactly as it was, and nothing from outside is in it.
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not any(SECRET.encode() in data for data in before.values())

    report = check_site(root, CheckOptions())
    assert any(f.path == at and f.code == "unsafe-link" and "ra ngoài thư mục trang" in f.message and f.level == "error" for f in report.findings), report.findings
    assert report.exit_code() == 1


def test_links_that_stay_inside_the_site_work(tmp_path):
    root = site(tmp_path / "site")
    (root / "tai-lieu").mkdir()
    (root / "tai-lieu/so-tay.txt").write_text("sổ tay", encoding="utf-8")
    link(root / "static/so-tay.txt", root / "tai-lieu/so-tay.txt")
    link(root / "static/tai-lieu", root / "tai-lieu")
    (root / "ban-thong-bao").mkdir()
    (root / "ban-thong-bao/_index.md").write_text("---\ntitle: Thông báo\n---\n", encoding="utf-8")
    (root / "ban-thong-bao/lich.md").write_text("---\ntitle: Lịch tiếp dân\ndate: 2025-09-21\n---\nThứ Hai.\n", encoding="utf-8")
    link(root / "content/thong-bao", root / "ban-thong-bao")
    out = tmp_path / "out"
    build(BuildOptions(root, out, jobs=1, cache=False))
    assert "Thứ Hai." in (out / "thong-bao/lich-tiep-dan/index.html").read_text(encoding="utf-8")
    assert (out / "so-tay.txt").read_text(encoding="utf-8") == "sổ tay"
    assert (out / "tai-lieu/so-tay.txt").read_text(encoding="utf-8") == "sổ tay"


@pytest.mark.attack("symlinks")
def test_a_folder_link_that_loops_is_reported_once_not_followed_forever(tmp_path):
    root = site(tmp_path / "site")
    link(root / "static/files/vong", root / "static")
    files = discover(root.resolve(), [])
    assert [(p.path, "vòng lặp" in p.message) for p in files.problems] == [("static/files/vong", True)]
    assert sorted(files.static) == ["/files/ke-hoach.txt"]


@pytest.mark.attack("symlinks")
def test_a_dangling_link_is_reported(tmp_path):
    root = site(tmp_path / "site")
    link(root / "content/tin-tuc/mat.md", root / "content/tin-tuc/khong-co.md")
    files = discover(root.resolve(), [])
    assert [(p.path, "không tồn tại" in p.message) for p in files.problems] == [("content/tin-tuc/mat.md", True)]


@pytest.mark.attack("symlinks")
@pytest.mark.parametrize("key", ["sources", "qa"])
def test_local_inputs_named_in_site_yaml_stay_inside_the_site(tmp_path, outside, key):
    root = site(tmp_path / "site")
    config = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    (outside / "feed.xml").write_text(f"<rss version='2.0'><channel><title>{SECRET}</title></channel></rss>", encoding="utf-8")
    link(root / "du-lieu/nguon.xml", outside / "feed.xml")
    if key == "sources":
        config["sources"] = [{"name": "Tỉnh", "url": "du-lieu/nguon.xml", "target": "home"}]
    else:
        config["qa"] = {"endpoint": "https://hoidap.example.vn", "site_id": "tan-phu", "export_file": "../elsewhere/feed.xml"}
    (root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(root, tmp_path / "out", jobs=1, cache=False))
    assert any("nằm ngoài thư mục trang" in str(p) and str(p).startswith("site.yaml") for p in failed.value.problems)
    assert not (tmp_path / "out").exists() or not any(SECRET.encode() in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
