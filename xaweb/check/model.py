"""What `xaweb check` finds and reports: findings, the report, and the site built in memory they are found in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..content.model import Site
from ..render.plan import Output

JSON_SCHEMA = 1
LEVELS = ("error", "warning")
OUTPUT_PREFIX = "public/"  # how findings in generated pages are shown: where `xaweb build` puts them

# Every finding code, for docs/check.md and the JSON consumers.
CODES = {
    "front-matter": "lỗi hoặc cảnh báo của bản dựng trong một tệp nội dung (phần đầu trang, Markdown)",
    "build": "lỗi hoặc cảnh báo khác của bản dựng (site.yaml, giao diện, tệp tĩnh)",
    "bad-image": "ảnh không đọc được, nên không được thu nhỏ",
    "bad-audio": "tệp âm thanh của bản tin truyền thanh không có hoặc không đọc được, nên trang không có phần nghe",
    "broken-link": "liên kết nội bộ (href, src, srcset) đến tệp không có trên trang",
    "broken-anchor": "liên kết đến mục #... không có trong trang đích",
    "missing-alt": "ảnh thiếu mô tả (alt, image_alt)",
    "missing-section": "thiếu chuyên mục bắt buộc",
    "empty-section": "chuyên mục bắt buộc chưa có nội dung",
    "stale-section": "chuyên mục không có bài mới trong số ngày quy định (freshness_days)",
    "expired-pinned": "thông báo đã hết hạn nhưng vẫn ghim",
    "document-no-file": "văn bản chưa có tệp đính kèm",
    "oversized-file": "tệp tĩnh vượt giới hạn dung lượng",
    "placeholder": "còn nội dung mẫu do xaweb new tạo (số điện thoại, tên lãnh đạo, bài mẫu)",
    "same-title": "hai trang cùng tiêu đề trong một chuyên mục: trang sau được đặt ở đường dẫn có tên tệp",
    "a11y": "vi phạm WCAG 2.1 A/AA do axe-core tìm thấy trong Chromium (--browser)",
    "external-request": "trang tải tài nguyên từ máy chủ khác (--browser)",
}



@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # site-relative: "content/tin-tuc/a.md", "static/files/x.pdf", "public/index.html"
    line: int | None
    level: str  # "error" or "warning"
    code: str  # one of CODES
    message: str  # Vietnamese
    rule: str = ""  # the legal basis (regulations.yaml) or the axe-core rule id; "" if none

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.code, self.message)


@dataclass(frozen=True)
class Report:
    site_dir: str
    name: str  # the site's title, "" if site.yaml did not load
    code: str  # administrative code from site.yaml
    now: datetime
    pages: int
    findings: tuple[Finding, ...] = field(default=())

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": JSON_SCHEMA,
            "xaweb": __version__,
            "site": {"path": self.site_dir, "name": self.name, "code": self.code},
            "checked_at": self.now.isoformat(),
            "summary": {"pages": self.pages, "errors": len(self.errors), "warnings": len(self.warnings)},
            "findings": [
                {"path": f.path, "line": f.line, "level": f.level, "code": f.code, "message": f.message, "rule": f.rule}
                for f in self.findings
            ],
        }


@dataclass
class Built:
    """What the build's first half and its renderer made, in memory: what every inspector reads."""

    site: Site | None = None
    outputs: list[Output] = field(default_factory=list)
    rendered: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    static: dict[str, Path] = field(default_factory=dict)  # URL path -> file
    sources: dict[str, Path] = field(default_factory=dict)  # content path -> file
    index_placeholders: list[tuple[str, int, str]] = field(default_factory=list)  # scaffold text left in _index.md files
    site_dir: Path = Path(".")


def line_of(text: str, needles: list[str]) -> int | None:
    """The line of the first needle found in `text`."""
    for needle in needles:
        at = text.find(needle) if needle else -1
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None
