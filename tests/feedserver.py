"""A small threaded HTTP server on 127.0.0.1 for the source-feed tests.

Routes:
  /f/<name>            a fixture from tests/sources/, with ETag and Last-Modified (conditional GET answers 304)
  /v/<key>             what the test sets: `server.set(key, body, status, headers)` for a fixed response,
                       or `server.route(key, "/slow")` to answer as another route (a source that breaks)
  /site/<name>/<path>  a file of a built site registered with `server.mount(name, folder)`
  /slow                answers after SLOW_SECONDS (longer than any test timeout)
  /drip                a valid feed sent one small piece every DRIP_PAUSE seconds (beats any read timeout)
  /drip-headers        a status line, then its headers one byte every DRIP_PAUSE seconds, never ending
  /to?<url>            a redirect to <url> (a feed steering the build elsewhere)
  /status/<code>       an empty response with that status (500, 503, ...)
  /loop/a, /loop/b     redirect to each other forever
  /redirect/<n>/<name> n redirects, then the fixture <name>
  /big, /big-stream   50 MB, generated while streaming (with / without Content-Length)
  /html                an HTML page (what a captive portal or an error page sends)
Every request path is counted in `server.hits`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "sources"
SLOW_SECONDS = 4.0
DRIP_PAUSE = 0.3
BIG = 50 * 1024 * 1024
LAST_MODIFIED = "Mon, 20 Oct 2025 01:00:00 GMT"
TYPES = {".xml": "application/xml; charset=utf-8", ".json": "application/feed+json", ".html": "text/html; charset=utf-8"}


class _Server(ThreadingHTTPServer):
    # A backlog of 5 (the default) drops connections when a build fetches many sources at
    # once on a busy machine, and a dropped connection looks like a connect timeout.
    request_queue_size = 64


class FeedServer:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()  # requests that carried If-None-Match
        self.responses: dict[str, tuple[int, bytes, dict[str, str]] | str] = {}
        self.mounts: dict[str, Path] = {}
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, key: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        with self.lock:
            self.responses[key] = (status, body, headers or {"Content-Type": "application/xml"})
        return self.url(f"/v/{key}")

    def route(self, key: str, path: str) -> str:
        with self.lock:
            self.responses[key] = path
        return self.url(f"/v/{key}")

    def mount(self, name: str, folder: Path) -> str:
        self.mounts[name] = folder
        return self.url(f"/site/{name}/")

    def __enter__(self) -> "FeedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0]
            with server.lock:
                server.hits[path] += 1
                if self.headers.get("If-None-Match"):
                    server.conditional[path] += 1
            try:
                self._route(path)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (size cap, timeout): expected

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _fixture(self, name: str) -> None:
            file = FIXTURES / name
            if not file.is_file():
                return self._send(404, b"not found")
            body = file.read_bytes()
            etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324 - an ETag, not security
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", {"ETag": etag})
            self._send(200, body, {"Content-Type": TYPES.get(file.suffix, "application/octet-stream"),
                                   "ETag": etag, "Last-Modified": LAST_MODIFIED})

        def _route(self, path: str) -> None:
            parts = path.strip("/").split("/")
            head = parts[0]
            if head == "f":
                return self._fixture("/".join(parts[1:]))
            if head == "v":
                with server.lock:
                    response = server.responses.get(parts[1], (404, b"", {}))
                if isinstance(response, str):
                    return self._route(response)
                return self._send(*response)
            if head == "site":
                folder = server.mounts[parts[1]]
                file = folder.joinpath(*parts[2:])
                if file.is_dir():
                    file = file / "index.html"
                return self._send(200, file.read_bytes(), {"Content-Type": "application/xml"}) if file.is_file() else self._send(404, b"")
            if head == "slow":
                time.sleep(SLOW_SECONDS)
                return self._fixture("rss20.xml")
            if head == "drip":
                body = (FIXTURES / "rss20.xml").read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(0, len(body), 16):
                    self.wfile.write(body[i : i + 16])
                    self.wfile.flush()
                    time.sleep(DRIP_PAUSE)
                return None
            if head == "drip-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(int(60 / DRIP_PAUSE)):  # a minute, far past any test's deadline
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(DRIP_PAUSE)
                self.close_connection = True
                return None
            if head == "to":
                return self._send(302, b"", {"Location": self.path.split("?", 1)[1]})
            if head == "status":
                return self._send(int(parts[1]), b"loi may chu")
            if head == "loop":
                target = "/loop/b" if parts[1] == "a" else "/loop/a"
                return self._send(302, b"", {"Location": target})
            if head == "redirect":
                n, name = int(parts[1]), parts[2]
                return self._send(302, b"", {"Location": f"/redirect/{n - 1}/{name}" if n > 1 else f"/f/{name}"})
            if head in ("big", "big-stream"):
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                if head == "big":
                    self.send_header("Content-Length", str(BIG))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                chunk = b"<rss>" + b"x" * (1024 * 1024 - 5)
                for _ in range(BIG // len(chunk)):
                    self.wfile.write(chunk)
                return None
            if head == "html":
                return self._send(200, "<!DOCTYPE html><html><body><h1>Đăng nhập Wi-Fi</h1></body></html>".encode(), {"Content-Type": "text/html"})
            return self._send(404, b"")

    return Handler
