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

    assert _run([xaweb, "--version"], work, 60, env).stdout.strip() == "xaweb, phiên bản 0.1.0"
    created = _run([xaweb, "new", "tan-an", "--name", "Tân An", "--province", "Đồng Tháp"], work, 120, env)
    assert "Đã tạo" in created.stdout
    built = _run([xaweb, "build", "tan-an"], work, 300, env)
    assert "Đã dựng" in built.stdout and "nội dung mẫu do xaweb tạo" in built.stderr  # what is still the scaffold's

    public = work / "tan-an" / "public"
    home = (public / "index.html").read_text(encoding="utf-8")
    assert "Tân An" in home
    assert '<html lang="vi">' in home
    assert "Bỏ qua đến nội dung chính" in home  # a UI string from the shipped vi.yaml catalog
    # The default theme's static files came out of the wheel.
    for rel in ("css/xaweb.css", "js/xaweb.js", "img/bieu-trung.svg"):
        assert (public / rel).read_bytes() == (ROOT / "themes/default/static" / rel).read_bytes(), rel
    assert (public / "rss.xml").is_file() and (public / "sitemap.xml").is_file()


# --- boundaries -----------------------------------------------------------------------------

import ast  # noqa: E402

GROUND_FLOOR = {"xaweb.errors", "xaweb.paths", "xaweb.urls", "xaweb.urlpolicy", "xaweb.digests", "xaweb.vietnamese"}


def _imports() -> dict[str, set[str]]:
    """module -> the xaweb modules it imports, anywhere in the file (TYPE_CHECKING and function bodies included)."""
    package = ROOT / "xaweb"
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here if node.level else ""
                target = f"{base}.{node.module}" if node.level and node.module else (base if node.level else node.module or "")
                for alias in node.names:
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_cycle_between_modules_or_packages():
    graph = _imports()
    assert _cycle(graph) == []
    def package(m: str) -> str:
        return ".".join(m.split(".")[:2])
    packages: dict[str, set[str]] = {}
    for m, targets in graph.items():
        packages.setdefault(package(m), set()).update(package(t) for t in targets if package(t) != package(m))
    assert _cycle(packages) == []


def test_the_build_never_imports_the_qa_server_and_the_ground_floor_imports_nothing():
    graph = _imports()
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen
    for command in ("xaweb.build", "xaweb.check", "xaweb.serve"):
        assert not {m for m in reach(command) if m.startswith("xaweb.qa")}, command
    for module in GROUND_FLOOR:
        assert graph[module] == set(), module
