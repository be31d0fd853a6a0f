"""A province folder's two lists: `province.yaml` (identity, defaults) and `communes.csv`.

Both are read whole and every problem is reported at once with its file and line,
like `site.yaml`: a province IT team fixes a spreadsheet export in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from ..check.model import Finding
from ..config import doc, layer_problems, typed
from ..content.parse import COMMUNE_KINDS
from ..errors import BuildError, Problem, did_you_mean
from ..vietnamese import nfc, slugify
from ..yamltext import LineFinder, YamlSyntaxError, parse

PROVINCE_FILE = "province.yaml"
COMMUNES_FILE = "communes.csv"
SHARED_DIR = "shared"
THEME_DIR = "theme"
COMMUNES_DIR = "communes"
COLUMNS = ("code", "name", "kind", "base_url", "path", "phone", "email", "address")
REQUIRED_COLUMNS = ("code", "name", "kind")
# Keys of a commune's identity: they come from its row of communes.csv, never from the defaults.
IDENTITY_KEYS = ("name", "kind", "code", "base_url", "province")
_URL = re.compile(r"https?://[^/\s]+(/\S*)?$")


@dataclass(frozen=True)
class ProvinceConfig:
    name: str = doc("Tên tỉnh/thành phố: 'Đồng Tháp'")
    kind: str = doc("tỉnh hoặc thành phố", "tỉnh")
    code: str = doc("Mã tỉnh", "")
    base_url: str = doc("Địa chỉ cổng thông tin của tỉnh; mặc định https://tentinh.gov.vn", "")
    title: str = doc("Tên cổng; mặc định 'Hệ thống thông tin cơ sở <tỉnh>'", "")
    description: str = doc("Mô tả ngắn", "")

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def portal_title(self) -> str:
        return self.title or f"Hệ thống thông tin cơ sở {self.full_name}"

    @property
    def portal_url(self) -> str:
        return self.base_url or f"https://{slugify(self.name).replace('-', '')}.gov.vn"


@dataclass(frozen=True)
class Commune:
    code: str  # administrative code, 5 digits
    name: str
    kind: str  # xã, phường, đặc khu
    line: int  # in communes.csv
    base_url: str = ""
    path: str = ""  # "/tan-an/" when every commune is under the portal's domain
    phone: str = ""
    email: str = ""
    address: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.kind[:1].upper()}{self.kind[1:]} {self.name}"


Located = TypeVar("Located", Problem, Finding)


def from_province(commune: Commune, item: Located) -> Located:
    """A problem or finding with its path as the province team finds it: from the province folder
    (`communes/29509/content/…`); the shared content's and the province's own files already are."""
    if item.path.startswith((f"{SHARED_DIR}/", PROVINCE_FILE, COMMUNES_FILE, "/")) or not item.path:
        return item
    return replace(item, path=f"{COMMUNES_DIR}/{commune.code}/{item.path}")


@dataclass
class Province:
    root: Path  # resolved
    config: ProvinceConfig
    defaults: dict[str, Any]  # site.yaml keys every commune starts from
    defaults_finder: LineFinder
    communes: list[Commune]
    warnings: list[Problem] = field(default_factory=list)

    def commune_dir(self, commune: Commune) -> Path:
        return self.root / COMMUNES_DIR / commune.code


def load_province(root: Path) -> Province:
    """Read province.yaml and communes.csv; raises BuildError with every problem of both."""
    root = root.resolve()
    problems: list[Problem] = []
    config, defaults, finder = _read_config(root, problems)
    text = _read(root / COMMUNES_FILE, COMMUNES_FILE, problems)
    communes, csv_problems = parse_communes(text, COMMUNES_FILE) if text is not None else ([], [])
    problems += csv_problems
    if (root / COMMUNES_DIR).is_dir():
        codes = {c.code for c in communes}
        for folder in sorted((root / COMMUNES_DIR).iterdir()):
            if folder.is_dir() and not folder.name.startswith(".") and folder.name not in codes:
                problems.append(Problem(f"{COMMUNES_DIR}/{folder.name}", None,
                                        f"thư mục này không ứng với mã nào trong {COMMUNES_FILE}{did_you_mean(folder.name, codes)}", "warning"))
    errors = [p for p in problems if p.level == "error"]
    if errors or config is None:
        raise BuildError(problems)
    return Province(root, config, defaults, finder, communes, [p for p in problems if p.level == "warning"])


def _read(path: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")  # a spreadsheet's BOM is accepted
    except FileNotFoundError:
        problems.append(Problem(shown, None, f"không tìm thấy {shown} trong {path.parent}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, f"tệp không phải UTF-8 ({exc.reason}); khi xuất từ bảng tính, hãy chọn 'CSV UTF-8'"))
    return None


def _read_config(root: Path, problems: list[Problem]) -> tuple[ProvinceConfig | None, dict[str, Any], LineFinder]:
    text = _read(root / PROVINCE_FILE, PROVINCE_FILE, problems) or ""
    finder = LineFinder(text, PROVINCE_FILE)
    try:
        data = parse(nfc(text)) or {}
    except YamlSyntaxError as exc:
        problems.append(Problem(PROVINCE_FILE, exc.line, exc.message))
        return None, {}, finder
    if not isinstance(data, dict):
        problems.append(Problem(PROVINCE_FILE, 1, f"{PROVINCE_FILE} phải là một bảng khóa: giá trị"))
        return None, {}, finder
    defaults = data.pop("defaults", None) or {}
    config, config_problems = typed(ProvinceConfig, data, finder)
    problems += config_problems
    if config is not None and config.kind not in ("tỉnh", "thành phố"):
        problems.append(finder.problem(("kind",), f"'kind': '{config.kind}' không hợp lệ; chọn tỉnh hoặc thành phố"))
    if config is not None and config.base_url and not _URL.match(config.base_url):
        problems.append(finder.problem(("base_url",), f"'base_url': '{config.base_url}' phải là địa chỉ http(s)://…"))
    problems += layer_problems(defaults, finder, ("defaults",))
    if isinstance(defaults, dict):
        for key in IDENTITY_KEYS:
            if key in defaults:
                problems.append(finder.problem(("defaults", key), f"'defaults.{key}' là thông tin riêng của từng xã: ghi trong {COMMUNES_FILE}"))
    return config, defaults if isinstance(defaults, dict) else {}, finder


def parse_communes(text: str, shown: str = COMMUNES_FILE) -> tuple[list[Commune], list[Problem]]:
    """The commune list as exported from a spreadsheet: a header row, then one commune per row."""
    problems: list[Problem] = []
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to tell by: commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [(reader.line_num, row) for row in reader]
    if not rows:
        return [], [Problem(shown, None, "danh sách trống: cần một dòng tiêu đề (code,name,kind,…) và mỗi xã một dòng")]
    header = [nfc(h).strip().lower() for h in rows[0][1]]
    for i, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(Problem(shown, 1, f"cột '{name}' không dùng được (các cột: {', '.join(COLUMNS)}){did_you_mean(name, COLUMNS)}",
                                    "warning" if name else "error"))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(shown, 1, f"thiếu cột bắt buộc: {', '.join(missing)}"))
        return [], problems
    communes: list[Commune] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave empty rows at the end
        values = {name: nfc(row[i]).strip() if i < len(row) else "" for i, name in enumerate(header) if name in COLUMNS}
        commune, row_problems = _commune(values, line, shown)
        problems += row_problems
        if commune is None:
            continue
        if commune.code in seen:
            problems.append(Problem(shown, line, f"mã {commune.code} đã có ở dòng {seen[commune.code]}"))
            continue
        seen[commune.code] = line
        communes.append(commune)
    if not communes and not any(p.level == "error" for p in problems):
        problems.append(Problem(shown, None, "danh sách không có xã nào"))
    return communes, problems


def _commune(values: dict[str, str], line: int, shown: str) -> tuple[Commune | None, list[Problem]]:
    problems = []

    def bad(message: str) -> None:
        problems.append(Problem(shown, line, message))

    code = values.get("code", "")
    if not code.isdigit():
        bad(f"'code': '{code}' phải là mã đơn vị hành chính (chữ số)" if code else "thiếu 'code' (mã đơn vị hành chính)")
    else:
        code = code.zfill(5)  # a spreadsheet drops the leading zeros of "00004"
    name = values.get("name", "")
    if not name:
        bad("thiếu 'name' (tên xã, không kèm loại)")
    kind = values.get("kind", "").lower()
    if kind not in COMMUNE_KINDS:
        bad(f"'kind': '{values.get('kind', '')}' không hợp lệ; chọn một trong: {', '.join(COMMUNE_KINDS)}")
    base_url = values.get("base_url", "")
    if base_url and not _URL.match(base_url):
        bad(f"'base_url': '{base_url}' phải là địa chỉ http(s)://…")
    path = values.get("path", "")
    if path and not re.fullmatch(r"/([a-z0-9-]+/)+", path):
        bad(f"'path': '{path}' phải có dạng /ten-xa/ (chữ thường không dấu, số, gạch ngang, có '/' ở hai đầu)")
    if base_url and path:
        bad("chỉ ghi một trong hai cột 'base_url' và 'path'")
    email = values.get("email", "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        bad(f"'email': '{email}' không phải địa chỉ thư điện tử")
    if problems:
        return None, problems
    return Commune(code, name, kind, line, base_url, path, values.get("phone", ""), email, values.get("address", "")), []

