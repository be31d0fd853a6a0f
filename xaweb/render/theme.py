"""Themes: where templates and theme static files come from.

A theme folder has `theme.yaml`, `templates/` and `static/`. theme.yaml holds
`name`, optional `extends` (the parent theme), `stylesheets` (files of its
static/ linked after the default stylesheet: where a province overrides the
design tokens) and `section_templates` (which template lists a section).

The lookup chain is: the site's `templates/`, the theme, the theme it extends,
... so a province theme overrides the default one file by file, and a commune
overrides its province the same way. A template can also name one theme's
version as `<theme folder>:<template>`: a province's `home.html` that
`{% extends "default:home.html" %}` replaces one block and keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from ..content.model import ThemeSettings
from ..errors import BuildError, Problem, did_you_mean

MAX_DEPTH = 8  # a chain longer than this is a cycle


def builtin_themes_dir() -> Path:
    """Inside an installed wheel the themes sit in the package; in a checkout, beside it."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


THEME_KEYS = ("name", "extends", "stylesheets", "section_templates")


@dataclass(frozen=True)
class Theme:
    names: tuple[str, ...]  # child first: ("tinh-da-nang", "default")
    dirs: tuple[Path, ...]  # child first
    settings: ThemeSettings = ThemeSettings()

    def template_dirs(self, site_dir: Path) -> list[Path]:
        dirs = [site_dir / "templates"] + [d / "templates" for d in self.dirs]
        return [d for d in dirs if d.is_dir()]

    def static_dirs(self) -> list[Path]:
        """Parent first, so a child's file replaces its parent's when copied in order."""
        return [d / "static" for d in reversed(self.dirs) if (d / "static").is_dir()]


def template_loader(template_dirs: list[Path]) -> jinja2.BaseLoader:
    """The chain, then each theme's own templates by folder name ('default:home.html')."""
    themes = {d.parent.name: jinja2.FileSystemLoader(str(d)) for d in template_dirs if (d.parent / "theme.yaml").is_file()}
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader([str(d) for d in template_dirs]), jinja2.PrefixLoader(themes, delimiter=":")])


def _settings(metas: list[tuple[Path, dict]]) -> tuple[ThemeSettings, list[Problem]]:
    """Parent first, so a child's entries replace its parent's."""
    problems: list[Problem] = []
    stylesheets: list[str] = []
    templates: dict[str, str] = {}
    for path, meta in reversed(metas):
        where = str(path)
        for key in meta:
            if key not in THEME_KEYS:
                problems.append(Problem(where, None, f"'{key}' không phải là một thiết lập của giao diện{did_you_mean(str(key), THEME_KEYS)}"))
        sheets = meta.get("stylesheets", [])
        if not isinstance(sheets, list) or not all(isinstance(x, str) and x.startswith("/") and not x.startswith("//") for x in sheets):
            problems.append(Problem(where, None, "'stylesheets' phải là danh sách đường dẫn trong trang, ví dụ ['/css/tinh.css']"))
        else:
            stylesheets += [x for x in sheets if x not in stylesheets]
        sections = meta.get("section_templates", {})
        if not isinstance(sections, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sections.items()):
            problems.append(Problem(where, None, "'section_templates' phải là bảng 'đường dẫn chuyên mục: tệp mẫu'"))
        else:
            templates.update(sections)
    return ThemeSettings(tuple(stylesheets), tuple(sorted(templates.items()))), problems


def _find(name: str, site_dir: Path) -> Path | None:
    candidates = [site_dir / name] if ("/" in name or "\\" in name) else []
    candidates += [site_dir / "themes" / name, builtin_themes_dir() / name]
    return next((c.resolve() for c in candidates if (c / "theme.yaml").is_file()), None)


def load_theme(name: str, site_dir: Path) -> Theme:
    names: list[str] = []
    dirs: list[Path] = []
    metas: list[tuple[Path, dict]] = []
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
        if not isinstance(meta, dict):
            raise BuildError([Problem(str(found / "theme.yaml"), None, "theme.yaml phải là các cặp khóa: giá trị")])
        names.append(str(meta.get("name", current)))
        dirs.append(found)
        metas.append((found / "theme.yaml", meta))
        current = meta.get("extends")
    settings, problems = _settings(metas)
    if problems:
        raise BuildError(problems)
    return Theme(tuple(names), tuple(dirs), settings)
