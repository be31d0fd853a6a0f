"""What `xaweb new` writes for the officer to replace, found before it goes live.

The scaffold's pages say "…mẫu do xaweb tạo", its site.yaml has the phone
number 0000 000 000 and the leader Nguyễn Văn A. A page's lines that still hold
one are found when it is parsed (and cached with it); the config's keys here.
`xaweb check` lists each one; `xaweb build` says once how many are left.
"""

from __future__ import annotations

import re

from ..config import SiteConfig
from ..discover import SiteFiles, read_source
from ..errors import Problem
from ..yamltext import KeyPath

PLACEHOLDER = re.compile(r"mẫu do xaweb tạo|0000 000 000|Nguyễn Văn A\b", re.IGNORECASE)
CODE = "placeholder"


_CODE_SPAN = re.compile(r"`[^`]*`")


def placeholder_lines(text: str) -> tuple[int, ...]:
    """The lines of a file (front matter included) that still hold a scaffold placeholder; one quoted
    as `code` is writing about the placeholder (a guide), not the placeholder itself."""
    return tuple(n for n, line in enumerate(text.splitlines(), 1) if PLACEHOLDER.search(_CODE_SPAN.sub("", line)))


def index_placeholders(files: SiteFiles) -> list[tuple[str, int, str]]:
    """(path, line, text) in the home page's and the sections' `_index.md` (read here: few and small)."""
    out = []
    for source in filter(None, (files.home_index, *files.section_indexes.values())):
        lines = (read_source(source, []) or "").splitlines()
        out += [(source.path, n, lines[n - 1]) for n in placeholder_lines("\n".join(lines))]
    return out


def config_placeholders(config: SiteConfig) -> list[tuple[KeyPath, str]]:
    """(key, value) of the config's values that are still the scaffold's."""
    values: list[tuple[KeyPath, str]] = [(("contact", "phone"), config.contact.phone), (("contact", "hotline"), config.contact.hotline),
                                         (("footer", "responsible"), config.footer.responsible)]
    values += [(("leaders", i, "name"), leader.name) for i, leader in enumerate(config.leaders)]
    values += [(("leaders", i, "phone"), leader.phone) for i, leader in enumerate(config.leaders)]
    return [(key, value) for key, value in values if value and PLACEHOLDER.search(value)]


def placeholder_message(value: str) -> str:
    return f"còn nội dung mẫu do xaweb tạo («{value.strip()[:80]}»): hãy thay bằng thông tin thật trước khi đăng"


def placeholder_summary(count: int) -> Problem:
    return Problem("", None, f"còn {count} chỗ là nội dung mẫu do xaweb tạo (số điện thoại 0000 000 000, tên Nguyễn Văn A, "
                             "các bài «mẫu do xaweb tạo») sẽ được đăng lên mạng; chạy xaweb check để xem từng chỗ", "warning", CODE)
