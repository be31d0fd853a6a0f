"""The wheel works on its own: built, installed into a fresh virtual environment,
and run from outside the repository, it creates and builds a site.

This proves the default theme, the message catalogs and the scaffold texts ship
inside the wheel (a checkout would otherwise mask a missing file). It needs
PyPI for the wheel's dependencies and takes about a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list, cwd: Path, timeout: int, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    return proc


def test_wheel_installs_and_builds_a_site_outside_the_repo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1", PYTHONDONTWRITEBYTECODE="1", CI="1")

    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", dist], ROOT, 300, env)
    [wheel] = list(dist.glob("xaweb-*.whl"))

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, 300, env)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    xaweb = bindir / ("xaweb.exe" if os.name == "nt" else "xaweb")
    _run([python, "-m", "pip", "install", "--quiet", wheel], tmp_path, 600, env)

    work = tmp_path / "work"
    work.mkdir()
    # The installed package, not the checkout, is what runs.
    where = _run([python, "-c", "import xaweb; print(xaweb.__file__)"], work, 60, env).stdout.strip()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where
    assert not Path(where).resolve().is_relative_to(ROOT), where

    assert _run([xaweb, "--version"], work, 60, env).stdout.strip() == "xaweb, version 0.1.0"
    created = _run([xaweb, "new", "tan-an", "--name", "Tân An", "--province", "Đồng Tháp"], work, 120, env)
    assert "Đã tạo" in created.stdout
    built = _run([xaweb, "build", "tan-an", "--strict"], work, 300, env)
    assert "Đã dựng" in built.stdout

    public = work / "tan-an" / "public"
    home = (public / "index.html").read_text(encoding="utf-8")
    assert "Tân An" in home
    assert '<html lang="vi">' in home
    assert "Bỏ qua đến nội dung chính" in home  # a UI string from the shipped vi.yaml catalog
    # The default theme's static files came out of the wheel.
    for rel in ("css/xaweb.css", "js/xaweb.js", "img/quoc-huy.svg"):
        assert (public / rel).read_bytes() == (ROOT / "themes/default/static" / rel).read_bytes(), rel
    assert (public / "rss.xml").is_file() and (public / "sitemap.xml").is_file()
