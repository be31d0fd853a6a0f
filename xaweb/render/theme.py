"""Themes: where templates and theme static files come from.

A theme folder has `theme.yaml` (`name`, optional `extends`), `templates/`
and `static/`. The lookup chain is: the site's `templates/`, the theme, the
theme it extends, ... so a province theme overrides the default one file by
file, and a commune overrides its province the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BuildError, Problem

MAX_DEPTH = 8  # a chain longer than this is a cycle


def builtin_themes_dir() -> Path:
    """Inside an installed wheel the themes sit in the package; in a checkout, beside it."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


@dataclass(frozen=True)
class Theme:
    names: tuple[str, ...]  # child first: ("tinh-da-nang", "default")
    dirs: tuple[Path, ...]  # child first

    def template_dirs(self, site_dir: Path) -> list[Path]:
        dirs = [site_dir / "templates"] + [d / "templates" for d in self.dirs]
        return [d for d in dirs if d.is_dir()]

    def static_dirs(self) -> list[Path]:
        """Parent first, so a child's file replaces its parent's when copied in order."""
        return [d / "static" for d in reversed(self.dirs) if (d / "static").is_dir()]


def _find(name: str, site_dir: Path) -> Path | None:
    candidates = [site_dir / name] if ("/" in name or "\\" in name) else []
    candidates += [site_dir / "themes" / name, builtin_themes_dir() / name]
    return next((c.resolve() for c in candidates if (c / "theme.yaml").is_file()), None)


def load_theme(name: str, site_dir: Path) -> Theme:
    names: list[str] = []
    dirs: list[Path] = []
    current: str | None = name
    while current:
        found = _find(current, site_dir)
        if found is None:
            where = f"{site_dir / 'themes'} và {builtin_themes_dir()}"
            raise BuildError([Problem("site.yaml", None, f"'theme': không tìm thấy giao diện '{current}' (đã tìm trong {where})")])
        if found in dirs or len(dirs) >= MAX_DEPTH:
            raise BuildError([Problem(str(found / "theme.yaml"), None, f"giao diện '{current}' kế thừa vòng tròn")])
        try:
            meta = yaml.safe_load((found / "theme.yaml").read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BuildError([Problem(str(found / "theme.yaml"), None, f"lỗi cú pháp YAML: {exc}")]) from None
        names.append(str(meta.get("name", current)))
        dirs.append(found)
        current = meta.get("extends")
    return Theme(tuple(names), tuple(dirs))
