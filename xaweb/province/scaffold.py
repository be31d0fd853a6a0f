"""`xaweb new DIR --province NAME --communes FILE.csv`: a province folder from a commune list.

It writes province.yaml, the checked commune list, and `shared/` with every section the
rules require (regulations.yaml), so that a commune without a folder of its own already
has a site with the required structure. Nothing is written unless the list is valid.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BuildError, Problem
from ..regulations import load_regulations
from ..scaffold import section_index
from ..vietnamese import nfc, slugify
from .load import COMMUNES_DIR, COMMUNES_FILE, PROVINCE_FILE, SHARED_DIR, parse_communes

PROVINCE_YAML = """# Tỉnh và các thiết lập chung cho mọi xã, phường, đặc khu (docs/province.md).
name: {name}
kind: {kind}
base_url: https://{host}.gov.vn
defaults:
  # Mọi khóa của site.yaml (docs/config.md) dùng chung cho các xã; mỗi xã có thể ghi đè
  # trong communes/<mã>/site.yaml.
  footer:
    responsible: Ghi tên người chịu trách nhiệm nội dung
"""

WELCOME = """---
title: Thông báo về việc vận hành trang thông tin điện tử cấp xã
date: {date}
---
Ủy ban nhân dân {kind} {name} thông báo: trang thông tin điện tử của các xã, phường, đặc khu
trong tỉnh được vận hành trên cùng một hệ thống. Bài này nằm trong `shared/` nên mọi xã đều đăng;
hãy sửa hoặc xóa khi bắt đầu dùng thật.
"""

GITIGNORE = "public/\n.xaweb-cache/\n"


def scaffold_province(target: Path, name: str, kind: str, communes_csv: Path, today: str) -> list[Path]:
    """Create the province folder; -> the files created. Raises BuildError (writing nothing) on a bad list."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BuildError([Problem(str(target), None, "thư mục đã tồn tại và không trống; hãy chọn một thư mục mới hoặc thư mục trống")])
    try:
        text = communes_csv.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError([Problem(str(communes_csv), None, f"không đọc được danh sách xã ({exc}); hãy xuất từ bảng tính dạng 'CSV UTF-8'")]) from None
    communes, problems = parse_communes(text, str(communes_csv))
    if any(p.level == "error" for p in problems):
        raise BuildError(problems)
    name = nfc(name).strip()
    files = {
        PROVINCE_FILE: PROVINCE_YAML.format(name=name, kind=kind, host=slugify(name).replace("-", "")),
        COMMUNES_FILE: text if text.endswith("\n") else text + "\n",
        ".gitignore": GITIGNORE,
        f"{SHARED_DIR}/thong-bao/van-hanh-trang-thong-tin.md": WELCOME.format(date=today, kind=kind, name=name),
        f"{COMMUNES_DIR}/README.md": ("Mỗi xã có thể có một thư mục ở đây, đặt tên theo mã trong communes.csv "
                                      "(ví dụ communes/29500/), với content/, static/, templates/ và site.yaml riêng.\n"),
    }
    for section in load_regulations():
        files[f"{SHARED_DIR}/{section.path}/_index.md"] = section_index(section)
    created = []
    for rel, content in files.items():
        path = target.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nfc(content), encoding="utf-8", newline="\n")
        created.append(path)
    return created
