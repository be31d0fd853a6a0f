"""The build's input edge for Q&A: read the export file, or fetch the export API.

`site.yaml` chooses: `qa.export_file` (offline builds, CI) wins over
`qa.export_url` (the endpoint's export API, with the token read from the
environment variable named by `qa.export_token_env`).

An outage never stops a commune from publishing: each good export from the
API is kept in `.xaweb-cache/qa-export.json`; when the endpoint cannot be
reached, or with `--offline` (which never touches the network), the build
uses that copy and says so in one warning. Only when there is no copy at all
does the build stop: building without the published answers would delete
their pages.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import CONFIG_FILE, Qa
from ..errors import BuildError, Problem
from ..paths import CACHE_DIR, within
from ..vietnamese import VN_TZ
from .fetch import FetchError, FetchSettings, http_get

MAX_BYTES = 20 * 1024 * 1024  # an export of thousands of answers is a few MB; a larger body is not read
EXPORT_FETCH = FetchSettings(total_timeout=30, max_bytes=MAX_BYTES, max_redirects=0)  # the token is never sent elsewhere
COPY = "qa-export.json"  # in CACHE_DIR: the last good export from the API


@dataclass(frozen=True)
class LoadedExport:
    data: dict | None  # None: the site publishes no Q&A from an endpoint
    raw: bytes = b""  # what the build stamps, so a changed export rebuilds what shows it


def export_url(qa: Qa) -> str:
    if qa.export_url == "auto":
        return f"{qa.endpoint.rstrip('/')}/v1/sites/{qa.site_id}/export"
    return qa.export_url


def _fail(where: str, message: str) -> BuildError:
    return BuildError([Problem(where, None, message)])


def _decode(raw: bytes, where: str) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(where, f"tệp xuất hỏi đáp không phải JSON UTF-8 hợp lệ: {exc}") from None
    if not isinstance(data, dict):
        raise _fail(where, "tệp xuất hỏi đáp phải là một đối tượng JSON")
    return data


def _download(qa: Qa) -> bytes:
    """The export API's body; BuildError (naming qa.export_url) on any failure. The same HTTP edge as the
    source feeds: one deadline from connect to last byte, a size cap while streaming."""
    url, env = export_url(qa), qa.export_token_env
    token = os.environ.get(env, "")
    if not token:
        raise _fail(CONFIG_FILE, f"'qa.export_url': chưa đặt biến môi trường {env} (mã truy cập API xuất hỏi đáp)")
    try:
        return http_get(url, EXPORT_FETCH, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}).body
    except FetchError as exc:
        raise _fail(CONFIG_FILE, f"'qa.export_url': {exc} ({url})") from None


def _keep(site_dir: Path, raw: bytes) -> None:
    folder = site_dir / CACHE_DIR
    folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.replace(tmp, folder / COPY)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _from_copy(site_dir: Path, why: str, problems: list[Problem]) -> LoadedExport:
    copy = site_dir / CACHE_DIR / COPY
    try:
        raw = copy.read_bytes()
    except OSError:
        raise _fail(CONFIG_FILE, f"{why}; chưa có bản lưu hỏi đáp nào ({CACHE_DIR}/{COPY}) nên không thể dựng "
                                 "mà không xóa các câu trả lời đã đăng; hãy dựng lại khi kết nối được") from None
    when = datetime.fromtimestamp(copy.stat().st_mtime, VN_TZ).strftime("%H:%M %d/%m/%Y")
    problems.append(Problem(CONFIG_FILE, None, f"'qa.export_url': {why}; dùng bản hỏi đáp lưu lúc {when}", "warning"))
    return LoadedExport(_decode(raw, f"{CACHE_DIR}/{COPY}"), raw)


def load_export(qa: Qa, site_dir: Path, problems: list[Problem], offline: bool = False) -> LoadedExport:
    if qa.export_file:
        path = within(site_dir, qa.export_file)
        if path is None:
            raise _fail(CONFIG_FILE, f"'qa.export_file': '{qa.export_file}' nằm ngoài thư mục trang "
                                     "(hoặc là liên kết tượng trưng trỏ ra ngoài); không được đọc")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise _fail(CONFIG_FILE, f"'qa.export_file': tệp lớn hơn giới hạn {MAX_BYTES // (1024 * 1024)} MB")
            raw = path.read_bytes()
        except OSError as exc:
            raise _fail(CONFIG_FILE, f"'qa.export_file': không đọc được {path}: {exc.strerror}") from None
        return LoadedExport(_decode(raw, qa.export_file), raw)
    if not qa.export_url:
        return LoadedExport(None)
    if offline:
        return _from_copy(site_dir, "đang dựng không dùng mạng (--offline)", problems)
    try:
        raw = _download(qa)
        data = _decode(raw, export_url(qa))
    except BuildError as exc:
        return _from_copy(site_dir, exc.problems[0].message.removeprefix("'qa.export_url': "), problems)
    _keep(site_dir, raw)
    return LoadedExport(data, raw)
