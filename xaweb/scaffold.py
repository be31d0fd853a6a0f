"""`xaweb new`: a new commune site folder that builds as it is.

The texts live in `xaweb/data/scaffold/` (Vietnamese, with `$placeholders`
filled by `string.Template`); the sections come from `regulations.yaml`, so a
new rule adds a folder here without touching this code. `render_site` is pure
(names and a date in, {relative path: text or bytes} out); `scaffold_site`
checks the target, then writes the files.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from .config import CONFIG_FILE, KINDS, default_base_url
from .errors import BuildError, Problem
from .regulations import RequiredSection, current_decree, load_regulations
from .vietnamese import VN_TZ, nfc, strip_diacritics

# Cities directly under the central government: "thành phố Đà Nẵng", not "tỉnh Đà Nẵng".
CENTRAL_CITIES = ("Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
_PROVINCE_PREFIXES = ("thành phố ", "tỉnh ", "tp. ", "tp ")

SAMPLE_PDF = "static/files/van-ban/mau.pdf"
FORM_PDF = "static/files/thu-tuc-hanh-chinh/mau-to-khai.pdf"

# A name: letters, digits, spaces, apostrophes, dots and hyphens ("Ea H'Leo", "Phường 1").
_NAME = re.compile(r"[^\W_](?:[\w '’.\-–]*[\w.])?")
_CODE = re.compile(r"[0-9A-Za-z.\-]*")
_URL = re.compile(r"https?://[^/\s\"'\\<>]+(/[^\s\"'\\<>]*)?")


def scaffold_site(
    target: Path,
    name: str,
    kind: str,
    province: str,
    base_url: str | None,
    code: str = "",
    today: date | None = None,
) -> list[Path]:
    """Create a new site in `target` (absent or empty); -> the files created.

    Raises `BuildError` (and writes nothing) when `target` is not empty or a
    value is unusable.
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BuildError([Problem(str(target), None, "thư mục đã tồn tại và không trống; hãy chọn một thư mục mới hoặc thư mục trống")])
    values = site_values(name, kind, province, base_url, code)
    files = render_site(values, today or datetime.now(VN_TZ).date())
    created = []
    for rel, data in files.items():
        path = target.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="\n")
        created.append(path)
    return created


# --- names ------------------------------------------------------------------


def site_values(name: str, kind: str, province: str, base_url: str | None, code: str = "") -> dict[str, str]:
    """Check the user's values and derive every name the texts use."""
    problems = []
    kind = nfc(kind or "").strip().lower()
    if kind not in KINDS:
        problems.append(Problem(CONFIG_FILE, None, f"'kind': '{kind}' không hợp lệ; chọn một trong: {', '.join(KINDS)}"))
    name = _strip_prefix(nfc(name or "").strip(), (kind + " ",) if kind else ())
    province = _strip_prefix(nfc(province or "").strip(), _PROVINCE_PREFIXES)
    for key, value in (("name", name), ("province", province)):
        if not _NAME.fullmatch(value):
            problems.append(Problem(CONFIG_FILE, None, f"'{key}': '{value}' phải là tên gồm chữ, số, dấu cách, dấu nháy đơn hoặc gạch nối"))
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        problems.append(Problem(CONFIG_FILE, None, f"'code': '{code}' chỉ được gồm chữ số (mã đơn vị hành chính)"))
    base_url = (base_url or "").strip().rstrip("/")
    if not base_url and not problems:
        base_url = default_base_url(name, province)
    if base_url and not _URL.fullmatch(base_url):
        problems.append(Problem(CONFIG_FILE, None, f"'base_url': '{base_url}' phải là địa chỉ http(s)://…"))
    if problems:
        raise BuildError(problems)

    kind_title = kind[:1].upper() + kind[1:]
    city = province in CENTRAL_CITIES or province.lower() == "hồ chí minh"
    province_full = f"{'thành phố' if city else 'tỉnh'} {province}"
    host = urlsplit(base_url).hostname or ""
    return {
        "name": name,  # Tân An
        "kind": kind,  # xã
        "Kind": kind_title,  # Xã
        "unit": f"{kind} {name}",  # xã Tân An (inside a sentence)
        "Unit": f"{kind_title} {name}",  # Xã Tân An (at the start of a sentence)
        "UNIT": f"{kind} {name}".upper(),  # XÃ TÂN AN (the name block)
        "committee": f"Ủy ban nhân dân {kind} {name}",
        "ubnd": f"UBND {kind} {name}",
        "province": province,  # Đồng Tháp
        "province_full": province_full,  # tỉnh Đồng Tháp, thành phố Đà Nẵng
        "Province_full": province_full[:1].upper() + province_full[1:],
        "code": code,
        "base_url": base_url,
        "host": host,
        "email": f"ubnd@{host}",
        "decree": current_decree(),
    }


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    """'Xã Tân An' -> 'Tân An'; 'Tỉnh Đồng Tháp' -> 'Đồng Tháp'."""
    for prefix in prefixes:
        if text.lower().startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix) :].strip()
    return text


# --- the files --------------------------------------------------------------


def render_site(values: dict[str, str], today: date) -> dict[str, str | bytes]:
    """-> {site-relative POSIX path: text or bytes}, every text NFC."""
    values = {
        **values,
        "date": today.isoformat(),
        "date_vn": f"{today.day:02d}/{today.month:02d}/{today.year}",
        "year": str(today.year),
        "next_year": str(today.year + 1),
    }
    sections = load_regulations()
    data = resources.files("xaweb") / "data" / "scaffold"
    footer_links = "".join(
        f'    - title: "{s.title}"\n      url: "/{s.path}/"\n' for s in sections if s.footer
    ).rstrip("\n") or "    []"
    files: dict[str, str | bytes] = {
        CONFIG_FILE: _fill(data / "site.yaml", {**values, "footer_links": footer_links}),
        ".gitignore": _fill(data / "gitignore", values),
        "content/_index.md": _fill(data / "content" / "_index.md", values),
    }
    generic = data / "sample.md"
    for section in sections:
        folder = f"content/{section.path}"
        files[f"{folder}/_index.md"] = section_index(section)
        samples = _samples(data / "content", section.path)
        if samples:
            for sample in samples:
                files[f"{folder}/{sample.name}"] = _fill(sample, values)
        else:
            local = {**values, "section_title": section.title, "section_description": section.description}
            files[f"{folder}/bai-mau.md"] = _fill(generic, local)
    files["templates/README.md"] = _fill(data / "templates" / "README.md", values)
    files[SAMPLE_PDF] = minimal_pdf(
        "Van ban mau / Sample document",
        [strip_diacritics(values["committee"]), "So: 01/KH-UBND", "Tep mau do xaweb tao: hay xoa va thay bang van ban that."],
    )
    files[FORM_PDF] = minimal_pdf(
        "To khai mau / Sample form",
        [strip_diacritics(values["committee"]), "Tep mau do xaweb tao: hay thay bang mau don chinh thuc."],
    )
    return files


def section_index(section: RequiredSection) -> str:
    """A section's `_index.md`: title, order, kind, and an intro from the rules' description."""
    lines = [
        "---",
        "# Tên, thứ tự và lời giới thiệu của chuyên mục; mỗi bài là một tệp .md khác trong thư mục này.",
        f'title: "{section.title}"',
        f"weight: {section.weight}",
    ]
    if section.kind:
        lines.append(f"kind: {section.kind}")
    if not section.menu:
        lines.append("menu: false  # không hiện trên trình đơn chính; có trên trang chủ và sơ đồ trang")
    if section.rule:
        lines.append(f"# Căn cứ: {section.rule}")
    lines += ["---", section.description, ""]
    return nfc("\n".join(lines))


def _samples(root: Traversable, path: str) -> list[Traversable]:
    folder = root.joinpath(*path.split("/"))
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.is_file() and f.name.endswith(".md") and f.name != "_index.md"), key=lambda f: f.name)


def _fill(template: Traversable, values: dict[str, str]) -> str:
    text = Template(template.read_text(encoding="utf-8")).substitute(values)
    return nfc(text)


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A tiny valid one-page PDF (A4, Helvetica) with ASCII text; deterministic."""

    def ascii_(text: str) -> str:
        text = strip_diacritics(text).replace("–", "-").encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream_lines = ["BT", "/F1 18 Tf", "72 770 Td", f"({ascii_(title)}) Tj", "/F1 12 Tf"]
    for line in lines:
        stream_lines += ["0 -24 Td", f"({ascii_(line)}) Tj"]
    stream = ("\n".join(stream_lines + ["ET"]) + "\n").encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (%s) /Producer (xaweb) >>" % ascii_(title).encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
