"""The one allow-list for URLs that a site's own files give: front matter, site.yaml, templates.

Ground floor: imports nothing of xaweb. Allowed are paths inside the site
(`/tin-tuc/`, `files/qd.pdf`, `#muc-1`, `?trang=2`) and the schemes http,
https, mailto and tel; anything else (`javascript:`, `data:`, `vbscript:`,
`file:`, a protocol-relative `//host`) is refused. Browsers ignore tabs and
newlines inside a URL and strip leading control characters and spaces
(WHATWG URL), so `java\tscript:` is judged as `javascript:` here too.
"""

from __future__ import annotations

import re
from typing import NewType

SCHEMES = ("http", "https", "mailto", "tel")
WEB_SCHEMES = ("http", "https")  # for what is fetched or shown as an image
_IGNORED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def _normalised(value: str) -> str:
    return _IGNORED.sub("", value).lstrip("".join(map(chr, range(0x21))))


def url_problem(value: str, schemes: tuple[str, ...] = SCHEMES) -> str | None:
    """Why `value` may not be published as a link, in Vietnamese; None when it may."""
    url = _normalised(value)
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        return "có ký tự điều khiển"
    if "\\" in url:
        return "có dấu gạch ngược '\\' (trình duyệt hiểu như '/'); hãy dùng '/'"
    if url.startswith("//"):
        return "thiếu giao thức; hãy viết đầy đủ https://…"
    m = _SCHEME.match(url)
    if m is None:
        return None  # a path inside the site
    scheme = m[1].lower()
    allowed = ", ".join(f"{s}:" for s in schemes)
    if scheme not in schemes:
        return f"giao thức '{scheme}:' không được phép (chỉ đường dẫn trong trang hoặc {allowed})"
    if scheme in WEB_SCHEMES and not re.match(r"https?://[^/\s?#]+", url, re.I):
        return "địa chỉ http(s) phải có tên máy chủ: https://tenmien.gov.vn/…"
    return None


def is_safe_url(value: str, schemes: tuple[str, ...] = SCHEMES) -> bool:
    return url_problem(value, schemes) is None


def safe_url(value: str) -> str:
    """`value` if it may be published as a link, else "": what every template writes into href and src."""
    if value[:1] == "/" and value[1:2] not in ("/", "\\") and not _UNSAFE_IN_PATH.search(value):
        return value  # the common case, a site path: no scheme possible
    return value if url_problem(value) is None else ""


_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


# Types of settings that hold a URL: a link (SCHEMES) or an image (WEB_SCHEMES).
Url = NewType("Url", str)
ImageUrl = NewType("ImageUrl", str)
