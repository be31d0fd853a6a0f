"""Fetching sources: the only I/O of `xaweb.sources`.

HTTP is the standard library's urllib, with three small additions: separate
connect and read timeouts (a read timeout set on the socket once connected),
a redirect limit that refuses schemes other than http(s), and a streamed body
with a size cap and an overall deadline. That is all a feed fetch needs, so
xaweb adds no HTTP client dependency; urllib also honours the proxy variables
(http_proxy, https_proxy, no_proxy) that province networks often require.

Each source is fetched in its own thread, so the build waits for the slowest
source once, never for the sum. A fetched document is kept in
`.xaweb-cache/sources/` only after it parsed: the cache holds the last *good*
copy, and a source that is down, slow, broken or too big falls back to it with
a warning naming the source and the reason. Conditional GET (ETag,
Last-Modified) keeps unchanged sources cheap.

Local files (a path in the site folder instead of a URL) are read as they are;
they are their own copy.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Callable, Sequence
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from .. import __version__
from ..config import CONFIG_FILE, Source, SourceSettings
from ..errors import Problem
from ..paths import CACHE_DIR, within
from ..writer import replace_file
from ..vietnamese import VN_TZ, slugify
from .adapters import MAX_ENTRIES, parse_document
from .merge import is_url
from .model import Parsed, SourceError
from .reach import Reach, Refused, open_socket

SOURCES_DIR = "sources"  # inside .xaweb-cache/
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/cap+xml, "
          "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1")
CHUNK = 64 * 1024
MAX_WORKERS = 8
LINKED_WORKERS = 4


class FetchError(Exception):
    """A download that failed; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0  # one source, from connect to last byte, redirects and linked documents included
    budget: float = 60.0  # every source of one build together
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3
    user_agent: str = f"xaweb/{__version__} (+https://github.com/xaweb)"

    @classmethod
    def from_config(cls, settings: SourceSettings) -> "FetchSettings":
        return cls(float(settings.connect_timeout), float(settings.read_timeout), float(settings.total_timeout),
                   float(settings.budget), settings.max_kb * 1024, settings.max_redirects)


@dataclass(frozen=True)
class SourceCopy:
    """What the build uses of one source."""

    name: str
    state: str  # "fresh" (downloaded, new), "unchanged", "cached" (last good copy), "missing" (nothing usable)
    digest: str = ""  # of every byte used; "" when missing
    parsed: Parsed | None = None
    fetched: str = ""  # when the copy in use was downloaded (ISO 8601), for messages only


@dataclass
class FetchReport:
    copies: list[SourceCopy] = field(default_factory=list)  # one per source, in config order
    problems: list[Problem] = field(default_factory=list)  # warnings

    @property
    def digests(self) -> list[tuple[str, str]]:
        return [(c.name, c.digest) for c in self.copies]

    @property
    def documents(self) -> list[Parsed | None]:
        return [c.parsed for c in self.copies]


# --- HTTP ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 (not modified)
    body: bytes
    url: str  # after redirects
    etag: str = ""
    last_modified: str = ""


class _Connection(http.client.HTTPConnection):
    """An HTTP connection bounded by the fetch's deadline from the first byte sent to the last received.

    The socket is opened by `reach.open_socket` (the address policy); every read then has its own timeout,
    and a watchdog shuts the socket down at the deadline, so a server trickling one byte of its headers at
    a time cannot hold the build longer than that (a read timeout alone restarts with every byte).
    """

    fetch: "_Fetch"  # set by `_connections` right after construction
    watchdog: threading.Timer | None = None

    def connect(self) -> None:
        f = self.fetch
        self.sock = open_socket(self.host, self.port, f.deadline, f.settings.connect_timeout, f.reach)
        self.sock.settimeout(f.settings.read_timeout)
        self.watchdog = threading.Timer(max(0.0, f.deadline - time.monotonic()), self._expire)
        self.watchdog.daemon = True
        self.watchdog.start()
        if self._tunnel_host:  # type: ignore[attr-defined]  # through an HTTPS proxy (CONNECT); private in the stubs
            self._tunnel()  # type: ignore[attr-defined]

    def _expire(self) -> None:
        if self.sock is not None:
            try:
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)  # the plain socket's method, also under TLS
            except OSError:
                pass  # already closed

    def close(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        super().close()


class _HTTPSConnection(http.client.HTTPSConnection, _Connection):
    """TLS over the same: HTTPSConnection.connect calls `_Connection.connect` for the socket, then wraps it."""


@dataclass(frozen=True)
class _Fetch:
    """One source's fetches: its settings, its deadline (time.monotonic) and where it may connect."""

    settings: FetchSettings
    deadline: float
    reach: Reach


def _connections(cls: type[_Connection], fetch: _Fetch) -> Callable[..., _Connection]:
    """What urllib's handlers call to make a connection: `cls(host, ...)`, bound to this fetch."""
    def make(host: str, **kwargs: Any) -> _Connection:
        connection = cls(host, **kwargs)
        connection.fetch = fetch
        return connection
    return make


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, fetch: _Fetch):
        super().__init__()
        self.connection = _connections(_Connection, fetch)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, fetch: _Fetch):
        context = ssl.create_default_context()
        super().__init__(context=context)
        self.ssl_context = context  # our own reference: urllib keeps its copy in an undocumented attribute
        self.connection = _connections(_HTTPSConnection, fetch)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req, context=self.ssl_context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_repeats = 1  # class attributes in urllib, read through self

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise HTTPError(newurl, code, "redirect to a scheme other than http(s)", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _redirects(limit: int) -> _Redirects:
    class Limited(_Redirects):
        max_redirections = limit  # urllib raises HTTPError beyond it, and on a loop

    return Limited()


def http_get(url: str, settings: FetchSettings, etag: str = "", last_modified: str = "", deadline: float | None = None,
             reach: Reach | None = None, headers: dict[str, str] | None = None) -> Response:
    """GET within one deadline, to allowed addresses only, with limited redirects, a size cap and
    conditional headers; FetchError says what failed. `reach` defaults to the URL's own host."""
    deadline = deadline if deadline is not None else time.monotonic() + settings.total_timeout
    fetch = _Fetch(settings, deadline, reach or Reach.for_source(url))
    sent = {"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": "identity", **(headers or {})}
    if etag:
        sent["If-None-Match"] = etag
    if last_modified:
        sent["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_HTTPHandler(fetch), _HTTPSHandler(fetch), _redirects(settings.max_redirects))
    too_big = f"nội dung lớn hơn giới hạn {settings.max_bytes // 1024} KB"
    late = f"tải quá {settings.total_timeout:g} giây"
    if time.monotonic() >= deadline:
        raise FetchError(late)
    try:
        with opener.open(urllib.request.Request(url, headers=sent), timeout=settings.connect_timeout) as resp:
            length = resp.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > settings.max_bytes:
                raise FetchError(too_big)
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(late)
                chunk = resp.read1(CHUNK)  # what has arrived: a slow trickle still meets the deadline
                if not chunk:
                    break
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(too_big)
                chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError(late)  # the watchdog cut the body short: what arrived is not the document
            return Response(resp.status, b"".join(chunks), resp.geturl(), resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", ""))
    except HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return Response(304, b"", url, exc.headers.get("ETag", etag), exc.headers.get("Last-Modified", last_modified))
        if 300 <= exc.code < 400:
            raise FetchError(f"chuyển hướng quá {settings.max_redirects} lần, vòng lặp, hoặc sang giao thức không phải http(s) (HTTP {exc.code})") from None
        raise FetchError(f"máy chủ trả lỗi HTTP {exc.code}") from None
    except FetchError:
        raise
    except (http.client.HTTPException, OSError, ValueError) as exc:  # a cut connection raises any of these
        raise FetchError(_reason(exc, time.monotonic() > deadline, late)) from None


def _reason(exc: BaseException, expired: bool, late: str) -> str:
    reason = exc.reason if isinstance(exc, URLError) and isinstance(exc.reason, BaseException) else exc
    if expired:
        return late
    if isinstance(reason, Refused):
        return f"bị chặn: {reason}"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "quá thời gian chờ máy chủ"
    if isinstance(exc, URLError):
        return f"không kết nối được ({exc.reason})"
    return f"lỗi kết nối ({type(reason).__name__}: {reason})"


# --- the last good copy of each source -------------------------------------------


@dataclass(frozen=True)
class CachedCopy:
    data: bytes
    base: str  # the URL it came from after redirects: what relative links resolve against
    etag: str
    last_modified: str
    fetched: str
    linked: dict[str, bytes]


class SourceCache:
    """`.xaweb-cache/sources/<key>.json` (headers, date) beside `<key>.data` and its linked documents."""

    def __init__(self, site_dir: Path):
        self.root = site_dir / CACHE_DIR
        self.dir = self.root / SOURCES_DIR

    @staticmethod
    def key(name: str, url: str) -> str:
        return f"{slugify(name)[:40] or 'nguon'}-{hashlib.blake2b(url.encode('utf-8'), digest_size=5).hexdigest()}"

    def load(self, key: str) -> CachedCopy | None:
        try:
            meta = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.dir / f"{key}.data").read_bytes()
            linked = {url: (self.dir / name).read_bytes() for url, name in meta.get("linked", {}).items()}
            return CachedCopy(data, meta["base"], meta.get("etag", ""), meta.get("last_modified", ""), meta.get("fetched", ""), linked)
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            return None  # no copy, or a damaged one: as if there were none

    def store(self, key: str, url: str, response: Response, data: bytes, linked: dict[str, bytes]) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        names = {}
        for link, body in linked.items():
            names[link] = f"{key}.{hashlib.blake2b(link.encode('utf-8'), digest_size=5).hexdigest()}.linked"
            replace_file(self.dir / names[link], body)
        replace_file(self.dir / f"{key}.data", data)
        fetched = datetime.now(VN_TZ).isoformat(timespec="seconds")
        meta = {"url": url, "base": response.url, "etag": response.etag, "last_modified": response.last_modified, "fetched": fetched, "linked": names}
        replace_file(self.dir / f"{key}.json", json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        return fetched


# --- one source ---------------------------------------------------------------------


def _digest(data: bytes, linked: dict[str, bytes]) -> str:
    h = hashlib.blake2b(data, digest_size=16)
    for url in sorted(linked):
        h.update(url.encode("utf-8"))
        h.update(hashlib.blake2b(linked[url], digest_size=16).digest())
    return h.hexdigest()


def _with_linked(parsed: Parsed, linked: dict[str, bytes]) -> Parsed:
    """A feed of CAP entries that only link to the messages: add the messages read from the linked documents."""
    alerts = list(parsed.alerts)
    for url in parsed.links:
        if url in linked:
            try:
                alerts += parse_document(linked[url], "cap", url).alerts
            except SourceError:
                continue  # checked when it was fetched; a copy damaged since is skipped
    return replace(parsed, alerts=tuple(alerts))


def _fetch_linked(parsed: Parsed, known: dict[str, bytes], settings: FetchSettings, deadline: float,
                  reach: Reach) -> tuple[dict[str, bytes], list[str]]:
    """CAP messages never change (a change is a new message), so a copy already held is not fetched again.
    Only links to the hosts `reach` allows are followed; the others are failures."""
    failures = [f"{url}: máy chủ không nằm trong 'linked_hosts' của nguồn nên không tải" for url in parsed.links if not reach.allows_link(url)]
    todo = [url for url in parsed.links if url not in known and reach.allows_link(url)]

    def one(url: str) -> tuple[str, bytes | None, str]:
        try:
            body = http_get(url, settings, deadline=deadline, reach=reach).body
            parse_document(body, "cap", url)
            return url, body, ""
        except (FetchError, SourceError) as exc:
            return url, None, f"{url}: {exc}"

    linked = {url: known[url] for url in parsed.links if url in known}
    if todo:
        with ThreadPoolExecutor(min(LINKED_WORKERS, len(todo))) as pool:
            for url, body, failure in pool.map(one, todo):
                if body is not None:
                    linked[url] = body
                else:
                    failures.append(failure)
    return linked, failures


def _warn(source: Source, message: str) -> Problem:
    return Problem(CONFIG_FILE, None, f"nguồn tin '{source.name}' ({source.url}): {message}", "warning")


def fetch_one(source: Source, site_dir: Path, cache: SourceCache, settings: FetchSettings, offline: bool,
              budget_deadline: float = float("inf")) -> tuple[SourceCopy, list[Problem]]:
    if not is_url(source.url):
        return _read_local(source, site_dir, settings)
    key = SourceCache.key(source.name, source.url)
    cached = cache.load(key)
    if offline:
        if cached is None:
            return SourceCopy(source.name, "missing"), [_warn(source, "chưa có bản lưu; chạy 'xaweb feeds fetch' khi có mạng")]
        return _from_cache(source, cached)
    deadline = min(time.monotonic() + settings.total_timeout, budget_deadline)
    reach = Reach.for_source(source.url, source.linked_hosts)
    try:
        response = http_get(source.url, settings, cached.etag if cached else "", cached.last_modified if cached else "", deadline, reach)
        if response.status == 304:
            if cached is None:
                raise FetchError("máy chủ trả 304 nhưng không có bản lưu")
            data, response = cached.data, replace(response, url=cached.base)
        else:
            data = response.body
        parsed = parse_document(data, source.format, response.url)
        linked, failures = _fetch_linked(parsed, cached.linked if cached else {}, settings, deadline, reach)
        parsed = _with_linked(parsed, linked)
    except (FetchError, SourceError) as exc:
        out_of_budget = budget_deadline < deadline + 0.001 and time.monotonic() >= budget_deadline
        return _from_cache(source, cached, f"hết {settings.budget:g} giây dành cho mọi nguồn của lần dựng này" if out_of_budget else str(exc))
    digest = _digest(data, linked)
    unchanged = cached is not None and _digest(cached.data, cached.linked) == digest
    fetched = cache.store(key, source.url, response, data, linked)
    problems = [_warn(source, f"không đọc được bản tin CAP liên kết {f}") for f in failures] + _dropped(source, parsed)
    return SourceCopy(source.name, "unchanged" if unchanged else "fresh", digest, parsed, fetched), problems


def _from_cache(source: Source, cached: CachedCopy | None, failure: str = "") -> tuple[SourceCopy, list[Problem]]:
    """The last good copy (offline, or after `failure`), or nothing."""
    why = f"{failure}; " if failure else ""
    if cached is not None:
        try:
            parsed = _with_linked(parse_document(cached.data, source.format, cached.base), cached.linked)
        except SourceError as exc:
            return SourceCopy(source.name, "missing"), [_warn(source, f"{why}bản lưu cũng không đọc được ({exc})")]
        problems = [_warn(source, f"{why}dùng bản lưu tải lúc {cached.fetched}")] if failure else []
        problems += _dropped(source, parsed)
        return SourceCopy(source.name, "cached", _digest(cached.data, cached.linked), parsed, cached.fetched), problems
    return SourceCopy(source.name, "missing"), [_warn(source, f"{why}chưa có bản lưu nên nguồn này bị bỏ qua")]


def _read_local(source: Source, site_dir: Path, settings: FetchSettings) -> tuple[SourceCopy, list[Problem]]:
    path = within(site_dir, source.url)
    if path is None:
        return SourceCopy(source.name, "missing"), [Problem(CONFIG_FILE, None, f"nguồn tin '{source.name}' ({source.url}): tệp nằm ngoài thư mục trang "
                                                                 "(hoặc là liên kết tượng trưng trỏ ra ngoài); không được đọc")]
    try:
        if path.stat().st_size > settings.max_bytes:
            raise SourceError(f"tệp lớn hơn giới hạn {settings.max_bytes // 1024} KB")
        data = path.read_bytes()
        parsed = parse_document(data, source.format, "")
    except OSError as exc:
        return SourceCopy(source.name, "missing"), [_warn(source, f"không đọc được tệp ({exc.strerror})")]
    except SourceError as exc:
        return SourceCopy(source.name, "missing"), [_warn(source, str(exc))]
    return SourceCopy(source.name, "fresh", _digest(data, {}), parsed), _dropped(source, parsed)


def _dropped(source: Source, parsed: Parsed) -> list[Problem]:
    if not parsed.dropped:
        return []
    return [_warn(source, f"có quá nhiều tin; chỉ đọc {MAX_ENTRIES} tin đầu, bỏ {parsed.dropped} tin sau")]


# --- every source, concurrently ---------------------------------------------------


def fetch_sources(sources: Sequence[Source], site_dir: Path, settings: FetchSettings, offline: bool = False) -> FetchReport:
    """One thread per source (up to MAX_WORKERS): the build waits for the slowest source, not the sum,
    and never longer than `settings.budget` for all of them (a source still waiting then uses its last copy)."""
    report = FetchReport()
    if not sources:
        return report
    cache = SourceCache(site_dir)
    budget_deadline = time.monotonic() + settings.budget
    with ThreadPoolExecutor(min(MAX_WORKERS, len(sources))) as pool:
        results = list(pool.map(lambda s: fetch_one(s, site_dir, cache, settings, offline, budget_deadline), sources))
    for copy, problems in results:
        report.copies.append(copy)
        report.problems.extend(problems)
    return report
