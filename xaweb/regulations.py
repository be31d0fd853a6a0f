"""What the rules ask of a commune site, read from `xaweb/data/regulations.yaml`.

The rule references live in that one data file so a new decree changes data,
not code. This module only reads and validates it; `xaweb new` creates the
sections it lists and `xaweb check` looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .vietnamese import nfc

DATA_FILE = "regulations.yaml"
PAGE_KINDS = ("document", "procedure")


@dataclass(frozen=True, slots=True)
class RequiredSection:
    """One section a commune site carries (one folder under `content/`)."""

    path: str  # "gioi-thieu", "gioi-thieu/lanh-dao", "cong-khai/ngan-sach"
    title: str  # "Giới thiệu"
    weight: int  # menu and sitemap order, smaller first
    required: bool  # a rule requires it
    rule: str  # legal basis shown to users: "Nghị định 224/2026/NĐ-CP, Điều 9"; "" if none
    kind: str | None = None  # default page kind: "document", "procedure" or None (articles)
    freshness_days: int | None = None  # newest page should be younger than this
    description: str = ""  # one Vietnamese sentence: what belongs there
    menu: bool = True  # False: left out of the main menu (home page and sitemap list it)
    footer: bool = False  # True: linked from the footer (policy pages)

    @property
    def parent(self) -> str | None:
        """'cong-khai' for 'cong-khai/ngan-sach'; None for a top-level section."""
        return self.path.rpartition("/")[0] or None

    @property
    def slug(self) -> str:
        """The last part of the path: 'ngan-sach'."""
        return self.path.rpartition("/")[2]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = (resources.files("xaweb") / "data" / DATA_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(nfc(text))
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise ValueError(f"{DATA_FILE}: cần khóa 'sections' là một danh sách")
    return data


@lru_cache(maxsize=1)
def load_regulations() -> tuple[RequiredSection, ...]:
    """Every section of the rules, in the order of the data file."""
    sections = tuple(_section(i, item) for i, item in enumerate(_data()["sections"]))
    seen: set[str] = set()
    for s in sections:
        if s.path in seen:
            raise ValueError(f"{DATA_FILE}: chuyên mục '{s.path}' xuất hiện hai lần")
        if s.parent is not None and s.parent not in seen:
            raise ValueError(f"{DATA_FILE}: '{s.path}' phải đứng sau chuyên mục cha '{s.parent}'")
        seen.add(s.path)
    return sections


def current_decree() -> str:
    """The decree on state-agency websites in force, e.g. 'Nghị định 224/2026/NĐ-CP'."""
    return str(_data()["current_decree"])


def footer_rule() -> str:
    """The footer requirement (Decree 15/2020 Art. 99), in Vietnamese."""
    return str(_data()["footer_rule"]).strip()


def section_map() -> dict[str, RequiredSection]:
    """Sections by path."""
    return {s.path: s for s in load_regulations()}


_FIELDS = {f.name for f in fields(RequiredSection)}
_REQUIRED_KEYS = ("path", "title", "weight", "required", "rule")


def _section(index: int, item: Any) -> RequiredSection:
    where = f"{DATA_FILE}: sections[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: phải là một bảng khóa: giá trị")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise ValueError(f"{where}: khóa không hợp lệ: {', '.join(map(str, unknown))}")
    missing = [k for k in _REQUIRED_KEYS if k not in item]
    if missing:
        raise ValueError(f"{where}: thiếu khóa: {', '.join(missing)}")
    section = RequiredSection(
        path=str(item["path"]).strip("/"),
        title=str(item["title"]),
        weight=item["weight"],
        required=item["required"],
        rule=str(item["rule"] or ""),
        kind=item.get("kind"),
        freshness_days=item.get("freshness_days"),
        description=str(item.get("description") or ""),
        menu=item.get("menu", True),
        footer=item.get("footer", False),
    )
    if not isinstance(section.weight, int) or isinstance(section.weight, bool):
        raise ValueError(f"{where}: 'weight' phải là số nguyên")
    if not all(isinstance(v, bool) for v in (section.required, section.menu, section.footer)):
        raise ValueError(f"{where}: 'required', 'menu' và 'footer' phải là true/false")
    if section.kind is not None and section.kind not in PAGE_KINDS:
        raise ValueError(f"{where}: 'kind' phải là một trong: {', '.join(PAGE_KINDS)}")
    if section.freshness_days is not None and (
        not isinstance(section.freshness_days, int) or section.freshness_days < 1
    ):
        raise ValueError(f"{where}: 'freshness_days' phải là số nguyên dương")
    return section
