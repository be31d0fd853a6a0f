"""content-example built once per session, served on 127.0.0.1, and headless Chromium.

Shared by the browser, HTML-validity and budget tests, which load it as a
plugin (`pytest_plugins = ["example_site"]`) so that the build and its
server exist once however many of those files run.

Outside CI a missing tool (Playwright, Chromium, Java, vnu.jar) skips the
tests that need it; with CI set it fails them, because .ci/run installs
every one of them.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

from xaweb.build import BuildOptions, build
from xaweb.vietnamese import VN_TZ

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content-example"
# After both expiries of content-example (2024-04-30, 2025-11-07): the expired page below is expired.
NOW = datetime(2025, 11, 25, 9, 0, tzinfo=VN_TZ)
# While the example's flood warning (sources/canh-bao-lu.xml) is in force: the alert banner shows.
ALERT_NOW = datetime(2025, 10, 5, 12, 0, tzinfo=VN_TZ)
LOCAL = "http://127.0.0.1:"

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking switches Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# One URL of every kind of page the default theme renders.
PAGE_KINDS = {
    "home": "/",
    "section": "/tin-tuc/",
    "section-page-2": "/tin-tuc/trang/2/",
    "section-with-subsections": "/gioi-thieu/",
    "article": "/tin-tuc/khanh-thanh-cau-be-tong-hoa-loi-cong-trinh-nong-thon-moi-do-nhan-dan-cung-gop-suc/",
    "document-list": "/van-ban/",
    "document-filter": "/van-ban/loai/quyet-dinh/",
    "document": "/van-ban/qd-15-2025-quy-che-lam-viec/",
    "procedure-list": "/thu-tuc-hanh-chinh/",
    "procedure": "/thu-tuc-hanh-chinh/dang-ky-khai-sinh/",
    "tags": "/the/",
    "tag": "/the/chuyen-doi-so/",
    "qa": "/hoi-dap/",  # with the question form
    "qa-answer": "/hoi-dap/ho-can-ngheo-duoc-ho-tro-mua-bao-hiem-y-te-bao-nhieu/",
    "qa-sent": "/hoi-dap/da-gui/",
    "qa-privacy": "/chinh-sach-du-lieu/hoi-dap/",
    "rating": "/danh-gia/",  # with the satisfaction form
    "rating-sent": "/danh-gia/da-gui/",
    "sitemap": "/so-do-trang/",
    "search": "/tim-kiem/",
    "not-found": "/khong-co-trang-nay/",
    "expired": "/thong-bao/thong-bao-lich-tiep-cong-dan-thang-4-2024/",
    "accessibility": "/ho-tro-tiep-can/",
}


def require(available: bool, what: str) -> None:
    """Skip without the tool on a developer's machine; fail in CI, which installs it."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what}; CI must install it (see .ci/run)", pytrace=False)
    pytest.skip(what)


def _build(tmp_path_factory: pytest.TempPathFactory, now: datetime) -> Path:
    out = tmp_path_factory.mktemp("example") / "public"
    build(BuildOptions(EXAMPLE, out, now=now, cache=False))
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, NOW)


@pytest.fixture(scope="session")
def alert_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built while its flood warning is in force."""
    return _build(tmp_path_factory, ALERT_NOW)


class _StaticHandler(SimpleHTTPRequestHandler):
    """Files as they are, and 404.html for a missing URL, like the web servers communes use."""

    # Fixed types, whatever the machine's mime.types says.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_folder(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"{LOCAL}{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    yield from serve_folder(built_site)


@pytest.fixture(scope="session")
def alert_site_url(alert_site: Path) -> Iterator[str]:
    yield from serve_folder(alert_site)


# Module scope: while a sync Playwright runs, no other code in this process can start one
# (xaweb check --browser and other tests do), so each test file gets its own and stops it.
@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python is not installed (pip install -e '.[test]')")
    require(CHROMIUM.is_file(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def new_context(browser):
    """`new_context(width=1280, javascript=True)`: a browser context that never leaves
    127.0.0.1: a request elsewhere is aborted (tests record it if they care)."""

    def new(width: int = 1280, javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
        context.route(lambda url: not url.startswith(LOCAL), lambda route: route.abort())
        return context

    return new


@pytest.fixture(scope="module")
def _shared_pages(browser) -> Iterator[dict]:
    pages: dict = {}
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture
def open_page(new_context, site_url, _shared_pages):
    """`open_page(kind_path_or_url, width=1280, javascript=True, fresh=False, now=None)`: a loaded page.

    Pages are reused across tests, one per width and JavaScript setting, since
    opening one costs more than loading it; `fresh=True` gives a page in a new
    context (empty localStorage) for tests that store something, and `now`
    a fresh page whose clock is fixed at that moment (scripts judging expiry).
    """
    fresh_contexts = []

    def open_(target: str, width: int = 1280, javascript: bool = True, fresh: bool = False, now: datetime | None = None):
        fresh = fresh or now is not None
        page = None if fresh else _shared_pages.get((width, javascript))
        if page is None:
            page = new_context(width, javascript).new_page()
            if fresh:
                fresh_contexts.append(page.context)
            else:
                _shared_pages[(width, javascript)] = page
        if now is not None:
            page.clock.set_fixed_time(now)
        page.goto(target if target.startswith(LOCAL) else site_url + PAGE_KINDS.get(target, target))
        return page

    yield open_
    for context in fresh_contexts:
        context.close()


# --- axe-core ----------------------------------------------------------------------

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's source, as bundled by axe-playwright-python."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require(False, "axe-playwright-python is not installed (pip install -e '.[test]')")
    return Axe().axe_script


def axe_violations(axe: str, page) -> str:
    """The violations as readable text, empty when there are none."""
    if not page.evaluate("typeof window.axe === 'object'"):  # once per page load
        page.evaluate(axe)
    lines = []
    for v in page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


# --- the bulletin board (test_board.py, test_province_board.py) -------------------------------

PLAYLIST_SCHEMA = json.loads((ROOT / "docs" / "bang-tin.schema.json").read_text(encoding="utf-8"))
SCREENS = {"1920x1080": (1920, 1080), "1080x1920": (1080, 1920), "1280x720": (1280, 720)}


def validate_playlist(playlist: dict) -> None:
    validator = jsonschema.Draft202012Validator
    validator(PLAYLIST_SCHEMA, format_checker=validator.FORMAT_CHECKER).validate(playlist)


def overflowing(page) -> list[str]:
    return page.evaluate("""() => {
        const out = [];
        if (document.documentElement.scrollWidth > innerWidth || document.documentElement.scrollHeight > innerHeight) out.push('page scrolls');
        for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.left < -1)) out.push(e.className || e.tagName);
        }
        return out;
    }""")


def board_screen(browser, url: str, screen: str, now: datetime):
    """A new context at one of SCREENS with the board page open and the clock under the test's hand."""
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.clock.install(time=now)
    page.goto(url + "/bang-tin/")
    return context, page


def next_slide(page, limit: int = 40) -> None:
    """On to the next slide, a second at a time (durations differ)."""
    title = page.locator(".slide-title").inner_text()
    for _ in range(limit):
        page.clock.run_for(1000)
        if page.locator(".slide-title").inner_text() != title:
            return
