"""`xaweb serve` as an officer runs it: its own process on 127.0.0.1, files edited on
disk, pages and the live-reload event stream read over real HTTP, and, at the end,
a real Chromium that reloads and shows build errors by itself.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import LOCAL  # noqa: E402 - after the rewrite hook

from xaweb.serve import SCRIPT_PATH, output_dir  # noqa: E402

pytest_plugins = ["example_site"]

FIXTURE = Path(__file__).parent / "sites" / "incremental"
PAGE = "content/tin-tuc/trao-qua-tet.md"
PAGE_URL = "/tin-tuc/trao-qua-tet-cho-ho-ngheo/"
LIVE_TAG = f'<script src="{SCRIPT_PATH}"></script>'
BROKEN_FRONT_MATTER = "---\ntitle: Trao quà: Tết: lỗi\ndate: 2025-01-20\n---\nNội dung.\n"  # line 2: a colon YAML rejects


class Server:
    """`python -m xaweb serve SITE --port 0`, its terminal output collected line by line."""

    def __init__(self, site: Path, *options: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xaweb", "serve", str(site), "--port", "0", "--offline", *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=env,
            # Ctrl-C as in a terminal, even when the test run itself ignores SIGINT (a background
            # job of a script does, and Python then keeps ignoring it in its children).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(self.wait_for(r"http://127\.0\.0\.1:(\d+)/")[1])

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            self._lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        """The next terminal line matching `pattern`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; terminal:\n{''.join(self.output)}")

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            conn.close()

    def events(self) -> Events:
        return Events(self.port)

    def interrupt(self) -> int:
        """Ctrl-C, as in a terminal; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.close()
            raise AssertionError(f"still running 30 s after Ctrl-C; terminal:\n{''.join(self.output)}") from None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Events:
    """The Server-Sent Events stream the live-reload script listens to."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/__xaweb/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def until(self, wanted: Callable[[dict], bool]) -> dict:
        """The first message (from now, or the current state) that `wanted` accepts."""
        while True:
            line = self.response.fp.readline().decode("utf-8")  # times out after 60 s of silence
            assert line, "the event stream closed"
            if line.startswith("data: ") and wanted(message := json.loads(line[6:])):
                return message

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


@pytest.fixture
def serve(site: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(*options: str, at: Path = site) -> Server:
        servers.append(Server(at, *options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def edit(site: Path, rel: str, change: Callable[[str], str]) -> None:
    path = site / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_pages_are_served_with_the_live_script_which_never_reaches_a_file(site, serve):
    server = serve()
    status, home = server.get("/")
    assert status == 200
    assert home.count(LIVE_TAG) == 1 and LIVE_TAG + "</body>" in home
    status, page = server.get(PAGE_URL)
    assert status == 200 and "Mỗi phần quà trị giá 500.000 đồng." in page and LIVE_TAG in page

    built = output_dir(site.resolve())
    assert site not in built.parents, "serve's own output is not watched, so not in the site folder"
    assert (built / "index.html").is_file()
    assert not [p for p in built.rglob("*.html") if SCRIPT_PATH.encode() in p.read_bytes()]
    assert not (site / "public").exists(), "serve must not touch public/"

    status, script = server.get(SCRIPT_PATH)
    assert status == 200 and "EventSource" in script
    status, css = server.get("/css/xaweb.css")
    assert status == 200 and LIVE_TAG not in css
    status, missing = server.get("/khong-co-trang-nay/")
    assert status == 404 and "Về trang chủ" in missing


def test_an_edit_is_rebuilt_incrementally_and_announced(site, serve):
    server = serve()
    events = server.events()
    first = events.until(lambda m: True)
    assert first == {"generation": 1, "error": None}

    edit(site, PAGE, lambda text: text + "\nĐoạn mới SERVE-EDIT-1.\n")
    assert events.until(lambda m: m["generation"] == 2)["error"] is None
    assert "SERVE-EDIT-1" in server.get(PAGE_URL)[1]
    # The page, and of the search index its entry and the buckets of its new words; the rest reused.
    server.wait_for(r"Đã dựng lại: [2-6] tệp mới")
    events.close()


def test_a_failed_build_is_shown_and_the_last_good_build_kept_serving(site, serve):
    server = serve()
    events = server.events()
    events.until(lambda m: m["generation"] == 1)
    good = (site / PAGE).read_text(encoding="utf-8")

    (site / PAGE).write_text(BROKEN_FRONT_MATTER, encoding="utf-8")
    broken = events.until(lambda m: m["error"] is not None)
    assert broken["generation"] == 1
    assert f"{PAGE}:2" in broken["error"], broken["error"]  # file and line, as in the terminal
    server.wait_for(r"Lỗi khi dựng trang \(vẫn phục vụ bản dựng trước\)")
    status, page = server.get(PAGE_URL)
    assert status == 200 and "Mỗi phần quà trị giá 500.000 đồng." in page

    (site / PAGE).write_text(good.replace("500.000", "600.000"), encoding="utf-8")
    assert events.until(lambda m: m["error"] is None) == {"generation": 2, "error": None}
    assert "Mỗi phần quà trị giá 600.000 đồng." in server.get(PAGE_URL)[1]
    events.close()


def test_a_site_that_never_built_gets_a_waiting_page_until_it_does(site, serve):
    good = (site / PAGE).read_text(encoding="utf-8")
    (site / PAGE).write_text(BROKEN_FRONT_MATTER, encoding="utf-8")
    server = serve()
    status, waiting = server.get("/")
    assert status == 503 and LIVE_TAG in waiting and 'lang="vi"' in waiting
    events = server.events()
    assert PAGE in events.until(lambda m: True)["error"]

    (site / PAGE).write_text(good, encoding="utf-8")
    assert events.until(lambda m: m["generation"] == 1)["error"] is None
    assert server.get("/")[0] == 200
    events.close()


def test_drafts_are_served_only_with_the_flag(site, serve):
    edit(site, PAGE, lambda text: text.replace("---\n", "---\ndraft: true\n", 1))
    assert serve().get(PAGE_URL)[0] == 404
    with_drafts = serve("--drafts")
    status, page = with_drafts.get(PAGE_URL)
    assert status == 200 and "Mỗi phần quà" in page


def test_config_edits_are_watched_too(site, serve):
    server = serve()
    events = server.events()
    events.until(lambda m: m["generation"] == 1)
    edit(site, "site.yaml", lambda text: text.replace("description: ", "description: SERVE-CONFIG ", 1))
    events.until(lambda m: m["generation"] == 2)
    assert "SERVE-CONFIG" in server.get("/")[1]
    events.close()


def test_ctrl_c_stops_the_server_cleanly(serve):
    server = serve()
    events = server.events()
    events.until(lambda m: m["generation"] == 1)
    assert server.interrupt() == 0
    assert "Đã dừng." in "".join(server.output)
    assert "Traceback" not in "".join(server.output)
    with pytest.raises(OSError):
        server.get("/")
    events.close()


# --- in a browser ---------------------------------------------------------------------


def test_the_browser_reloads_by_itself_and_shows_build_errors(site, serve, browser):
    server = serve()
    context = browser.new_context()
    context.route(lambda url: not url.startswith(LOCAL), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{LOCAL}{server.port}{PAGE_URL}")
    page.wait_for_function("document.readyState === 'complete'")
    page.evaluate("window.beforeEdit = true")

    edit(site, PAGE, lambda text: text + "\nĐoạn mới SERVE-BROWSER-1.\n")
    page.wait_for_function("document.body.innerText.includes('SERVE-BROWSER-1')", timeout=60_000)
    assert page.evaluate("window.beforeEdit === undefined"), "the page should have been reloaded"

    good = (site / PAGE).read_text(encoding="utf-8")
    (site / PAGE).write_text(BROKEN_FRONT_MATTER, encoding="utf-8")
    overlay = page.wait_for_selector("pre[role=alert]", timeout=60_000)
    assert f"{PAGE}:2" in overlay.inner_text()

    (site / PAGE).write_text(good.replace("SERVE-BROWSER-1", "SERVE-BROWSER-2"), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('SERVE-BROWSER-2')", timeout=60_000)
    assert page.query_selector("pre[role=alert]") is None
    context.close()


def test_a_templates_folder_made_while_serving_is_watched(site, serve):
    assert not (site / "templates").exists()
    server = serve()
    events = server.events()
    events.until(lambda m: m["generation"] == 1)
    default = (Path(__file__).parent.parent / "themes/default/templates/404.html").read_text(encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(default.replace("{% block content %}", "{% block content %}<p>SERVE-OVERRIDE</p>", 1),
                                             encoding="utf-8")
    events.until(lambda m: m["generation"] == 2)
    assert "SERVE-OVERRIDE" in server.get("/404.html")[1]
    events.close()


def test_writes_of_its_own_builds_and_of_git_do_not_rebuild(site, serve):
    server = serve()
    events = server.events()
    events.until(lambda m: m["generation"] == 1)
    builds = len(re.findall(r"Đã dựng lại", "".join(server.output)))
    (site / "public").mkdir()
    (site / "public/index.html").write_text("x", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git/index").write_text("x", encoding="utf-8")
    (site / "content/tin-tuc/trao-qua-tet.md~").write_text("x", encoding="utf-8")  # an editor's backup
    time.sleep(4)  # well past the watcher's debounce
    now = server.events()
    assert now.until(lambda m: True) == {"generation": 1, "error": None}
    now.close()
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert events.until(lambda m: m["generation"] > 1)["generation"] == 2  # the site.yaml edit alone
    server.wait_for(r"Đã dựng lại")
    assert len(re.findall(r"Đã dựng lại", "".join(server.output))) == builds + 1
    events.close()


def test_a_busy_port_is_said_in_vietnamese_with_another_port_to_try(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "xaweb", "serve", str(site), "--port", str(port)], capture_output=True,
                              text=True, encoding="utf-8", timeout=60, env={**os.environ, "CI": "true"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr
    assert f"Lỗi: cổng {port} đang có chương trình khác dùng" in done.stderr and f"xaweb serve --port {port + 1}" in done.stderr
    assert "Đã dựng" not in done.stderr  # said before any build
