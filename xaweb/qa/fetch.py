"""The build's input edge for Q&A: read the export file, or fetch the export API.

`site.yaml` chooses: `qa.export_file` (offline builds, CI) wins over
`qa.export_url` (the endpoint's export API, with the token read from the
environment variable named by `qa.export_token_env`). Any failure stops the
build with a message: silently building without the published answers would
delete their pages.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError, Problem
from ..paths import within

TIMEOUT = 30


@dataclass(frozen=True)
class LoadedExport:
    data: dict | None  # None: the site publishes no Q&A from an endpoint
    raw: bytes = b""  # what the build stamps, so a changed export rebuilds what shows it


def export_url(qa: object) -> str:
    url = qa.export_url  # type: ignore[attr-defined]
    if url == "auto":
        return f"{qa.endpoint.rstrip('/')}/v1/sites/{qa.site_id}/export"  # type: ignore[attr-defined]
    return url


def _fail(where: str, message: str) -> BuildError:
    return BuildError([Problem(where, None, message)])


def load_export(qa: object, site_dir: Path) -> LoadedExport:
    if qa.export_file:  # type: ignore[attr-defined]
        path = within(site_dir, qa.export_file)  # type: ignore[attr-defined]
        if path is None:
            raise _fail("site.yaml", f"'qa.export_file': '{qa.export_file}' nằm ngoài thư mục trang "  # type: ignore[attr-defined]
                                     "(hoặc là liên kết tượng trưng trỏ ra ngoài); không được đọc")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _fail("site.yaml", f"'qa.export_file': không đọc được {path}: {exc.strerror}") from None
        where = str(qa.export_file)  # type: ignore[attr-defined]
    elif qa.export_url:  # type: ignore[attr-defined]
        url, env = export_url(qa), qa.export_token_env  # type: ignore[attr-defined]
        token = os.environ.get(env, "")
        if not token:
            raise _fail("site.yaml", f"'qa.export_url': chưa đặt biến môi trường {env} (mã truy cập API xuất hỏi đáp)")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - an http(s) URL from site.yaml
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise _fail("site.yaml", f"'qa.export_url': máy chủ hỏi đáp trả lời {exc.code} cho {url}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise _fail("site.yaml", f"'qa.export_url': không kết nối được {url}: {getattr(exc, 'reason', exc)}") from None
        where = url
    else:
        return LoadedExport(None)
    try:
        return LoadedExport(json.loads(raw.decode("utf-8")), raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(where, f"tệp xuất hỏi đáp không phải JSON UTF-8 hợp lệ: {exc}") from None
