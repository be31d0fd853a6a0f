"""`xaweb serve`: build, serve on 127.0.0.1, rebuild on change, reload the browser.

The site is built incrementally into a folder of its own under the system's
temporary folder (never `public/`): not inside the site folder, which is watched,
since a build of 10,000 pages moves that many folders and floods the file
watcher's queue until it drops the officer's next edit.
HTML responses get a small live-reload script injected on the way out, so it
never reaches a file. The script listens to a Server-Sent Events stream: a new
build reloads the page; a failed build shows its problems as an overlay while
the server keeps serving the last good build.
"""

from __future__ import annotations

import errno
import json
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable

from .build import DEFAULT_OUTPUT, BuildOptions, BuildResult, build
from .digests import digest
from .paths import CACHE_DIR
from .errors import BuildError
from .live import LiveSite
from .vietnamese import VN_TZ

EVENTS_PATH = "/__xaweb/events"
SCRIPT_PATH = "/__xaweb/live.js"
LIVE_SCRIPT = """(function () {
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("pre");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;margin:0;padding:2rem;overflow:auto;" +
        "background:#fff;color:#8b0000;font:16px/1.5 monospace;white-space:pre-wrap;border:6px solid #8b0000";
      document.body.appendChild(overlay);
    }
    overlay.textContent = text;
  }
  var source = new EventSource("/__xaweb/events");
  var seen = null;
  source.onmessage = function (event) {
    var data = JSON.parse(event.data);
    if (seen !== null && data.generation !== seen) { location.reload(); return; }
    seen = data.generation;
    if (data.error) { show(data.error); return; }
    if (overlay) { overlay.remove(); overlay = null; }
  };
})();
"""
# Served for every page until a first build succeeds; its script shows why and reloads once one does.
WAITING_PAGE = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Chưa dựng được trang</title></head>
<body><h1>Chưa dựng được trang</h1><p>Hãy sửa lỗi hiện trong cửa sổ lệnh; trang sẽ tự tải lại.</p>
<script src="{SCRIPT_PATH}"></script></body></html>
"""


@dataclass
class BuildState:
    """What the server tells browsers: the last good build's number, or the last error."""

    generation: int = 0
    error: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, error: str | None) -> None:
        with self.changed:
            if error is None:
                self.generation += 1
            self.error = error
            self.changed.notify_all()

    def message(self) -> str:
        return json.dumps({"generation": self.generation, "error": self.error}, ensure_ascii=False)


def make_handler(root: Path, state: BuildState, stopping: threading.Event) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
            pass  # the terminal shows builds, not every request

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == EVENTS_PATH:
                return self._events()
            if self.path == SCRIPT_PATH:
                return self._send(LIVE_SCRIPT.encode("utf-8"), "text/javascript; charset=utf-8")
            if state.generation == 0:
                return self._send(WAITING_PAGE.encode("utf-8"), "text/html; charset=utf-8", HTTPStatus.SERVICE_UNAVAILABLE)
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                html = path.read_bytes()
                tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
                html = html.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in html else html + tag
                return self._send(html, "text/html; charset=utf-8")
            if not path.exists() and (root / "404.html").is_file():
                return self._send((root / "404.html").read_bytes(), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
            return super().do_GET()

        def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                last = None
                while not stopping.is_set():
                    message = state.message()
                    if message != last:
                        self.wfile.write(f"data: {message}\n\n".encode("utf-8"))
                        self.wfile.flush()
                        last = message
                    with state.changed:
                        state.changed.wait(timeout=1.0)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def watched_paths(site_dir: Path) -> list[Path]:
    """The site folder itself, so that folders made later (a first `templates/`) are seen too,
    and what the site uses from outside it: a theme elsewhere, local source files."""
    from .config import load_config
    from .render.theme import load_theme
    from .sources.merge import is_url

    outside: list[Path] = []
    try:
        config = load_config(site_dir)
        outside += load_theme(config.theme, site_dir).dirs
        outside += [site_dir / s.url for s in config.sources if not is_url(s.url)]  # local source files
    except BuildError:
        pass  # a broken config still gets watched, so fixing it triggers a build
    outside = [p.resolve() for p in outside if p.exists()]
    return [site_dir, *(p for p in outside if p != site_dir and site_dir not in p.parents)]


def _ignored(site_dir: Path, change_path: str) -> bool:
    """The build's own writes: the cache, the default output folder, staging folders."""
    path = Path(change_path)
    top = path.relative_to(site_dir).parts[:1] if site_dir in path.parents else ()
    # The cache's name is matched anywhere: a watcher spelling the path differently must never loop.
    return (CACHE_DIR in path.parts or top == (DEFAULT_OUTPUT,)
            or any(p.endswith((".xaweb-tmp", ".xaweb-old")) for p in path.parts))


def output_dir(site_dir: Path) -> Path:
    """Where serve builds `site_dir` (resolved): the same folder every time, so a restart is incremental."""
    return Path(tempfile.gettempdir()) / "xaweb-serve" / digest(str(site_dir))[:16]


class ServeError(Exception):
    """The server cannot start; the message says why and what to do, in Vietnamese."""


def _bind(host: str, port: int, handler: type) -> ThreadingHTTPServer:
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        if isinstance(exc, socket.gaierror):
            raise ServeError(f"không tìm thấy máy có tên '{host}'; để xem trang trên chính máy này, dùng --host 127.0.0.1") from None
        if exc.errno in (errno.EADDRINUSE, 10048):  # 10048: Windows' WSAEADDRINUSE
            raise ServeError(f"cổng {port} đang có chương trình khác dùng (có thể là một xaweb serve đang chạy ở cửa sổ khác). "
                             f"Hãy đóng chương trình đó, hoặc chọn cổng khác: xaweb serve --port {port + 1}") from None
        if exc.errno in (errno.EACCES, 10013):  # 10013: WSAEACCES
            raise ServeError(f"không được phép dùng cổng {port} (cổng dưới 1024 cần quyền quản trị); hãy chọn cổng khác, "
                             "ví dụ xaweb serve --port 1313") from None
        raise ServeError(f"không mở được địa chỉ {host}:{port} ({exc.strerror or exc}); hãy kiểm tra --host và --port") from None


def serve(site_dir: Path, host: str, port: int, drafts: bool, report: Callable[[str], None], offline: bool = False) -> None:
    import watchfiles

    site_dir = site_dir.resolve()
    out_dir = output_dir(site_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    state = BuildState()
    stopping = threading.Event()

    live: LiveSite | None = None  # the last good build, in memory; None after a failed one

    def rebuild(changed: Iterable[str] = ()) -> None:
        nonlocal live
        started = time.perf_counter()
        now = datetime.now(VN_TZ)
        if live is not None and (written := live.apply(changed, now)) is not None:
            report(f"Đã dựng lại: {written} tệp mới, {len(live.prepared.outputs) - written} giữ nguyên "
                   f"({time.perf_counter() - started:.2f} giây).")
            state.publish(None)
            return
        try:
            # Its own folder: force. Always prepared, to keep in memory.
            result: BuildResult = build(BuildOptions(site_dir, out_dir, drafts=drafts, now=now, offline=offline, force=True,
                                                     always_prepare=True))
        except BuildError as exc:
            live = None
            text = "\n".join(map(str, exc.problems))
            report(f"Lỗi khi dựng trang (vẫn phục vụ bản dựng trước):\n{text}")
            state.publish(text)
            return
        assert result.prepared is not None
        live = LiveSite.of(result.prepared, out_dir, now)
        report(f"Đã dựng lại: {result.rendered} tệp mới, {result.reused} giữ nguyên ({time.perf_counter() - started:.2f} giây).")
        state.publish(None)

    server = _bind(host, port, make_handler(out_dir, state, stopping))  # first: a busy port is said before any build
    rebuild()
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # With yield_on_timeout the first (empty) batch comes once the watcher runs: only then is the
    # address announced, so no edit made after the announcement can be missed.
    usual = watchfiles.DefaultFilter()  # version control folders, editors' swap files…
    batches = watchfiles.watch(*watched_paths(site_dir), watch_filter=lambda c, p: usual(c, p) and not _ignored(site_dir, p),
                               stop_event=stopping, yield_on_timeout=True, rust_timeout=500)
    try:
        changed_meanwhile = next(batches)
        report(f"Đang phục vụ tại http://{host}:{server.server_address[1]}/ (Ctrl-C để dừng)")
        if changed_meanwhile:
            rebuild()
        for batch in batches:
            if batch:
                rebuild(path for _, path in batch)
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
        batches.close()  # stops the watcher now, wherever Ctrl-C landed, not whenever the generator is collected
        with state.changed:
            state.changed.notify_all()
        server.shutdown()
        server.server_close()
        report("Đã dừng.")
