"""`xaweb check --browser`: axe-core in headless Chromium, on one page of each kind.

The rendered site is served from memory on 127.0.0.1 (nothing is written);
Chromium opens one page of each kind (home, article, document, procedure,
each kind of list, tags, sitemap, 404, ...) at a phone width (360 px) and a
desktop width, and axe-core checks the WCAG 2.0/2.1 A and AA rules. A
request to another host is blocked and reported: a commune page must load
nothing from elsewhere.

Playwright for Python drives the system's Chromium (Debian's /usr/bin/chromium);
it is imported only here, so the rest of xaweb runs without it. axe-core's
script comes from the `axe-playwright-python` package.
"""

from __future__ import annotations

import mimetypes
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..render.kinds import KINDS
from .model import OUTPUT_PREFIX, Built, Finding, line_of


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
CHROMIUM_PATHS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
VIEWPORTS = {"điện thoại 360 px": (360, 740), "máy tính 1280 px": (1280, 800)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
INSTALL_HINT = "cài bằng: pip install 'xaweb[browser]' (không chạy 'playwright install': xaweb dùng Chromium của hệ thống)"


class BrowserUnavailable(Exception):
    """Playwright, axe-core or Chromium is missing: the message says what to install."""


def find_chromium(path: str | None = None) -> str:
    for candidate in ((path,) if path else CHROMIUM_PATHS):
        found = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if found:
            return found
    where = path or "/usr/bin/chromium"
    raise BrowserUnavailable(f"không tìm thấy Chromium ({where}); trên Debian/Ubuntu cài bằng: apt-get install chromium, "
                             "hoặc chỉ đường dẫn bằng --chromium")


def axe_script() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise BrowserUnavailable(f"chưa có axe-core (gói axe-playwright-python); {INSTALL_HINT}") from None


def sample_outputs(built: Built) -> list:
    """One HTML output of each kind: the templates are what differ between pages."""
    site = built.site
    assert site is not None
    chosen: dict[tuple, object] = {}
    for out in built.outputs:
        if out.path in built.rendered and out.path.endswith(".html"):
            chosen.setdefault(KINDS[out.kind].sample_key(site, out), out)
    return list(chosen.values())


def _serve(built: Built, base_path: str) -> ThreadingHTTPServer:
    """The built site over HTTP on 127.0.0.1, from memory; resized copies answer with their original."""
    files: dict[str, bytes | Path] = {url.lstrip("/"): path for url, path in built.static.items()}
    files.update((o.path, built.static[o.subject]) for o in built.outputs if KINDS[o.kind].derived and o.subject in built.static)
    files.update(built.rendered)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = unquote(urlsplit(self.path).path)
            if base_path and path.startswith(base_path):
                path = path[len(base_path):]
            rel = path.lstrip("/")
            name = rel + "index.html" if rel.endswith("/") or not rel else rel
            status, body = 200, files.get(name)
            if body is None:
                status, name, body = 404, "404.html", files.get("404.html", b"")
            data = body.read_bytes() if isinstance(body, Path) else body
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.send_response(status)
            self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _axe(page, url: str, viewport: tuple[int, int], axe: str) -> list[dict]:
    """axe-core's WCAG A/AA violations on one page at one width."""
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(url, wait_until="load")
    page.evaluate(axe)
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html}))}))",
        AXE_TAGS,
    )


def browser_findings(built: Built, chromium: str | None = None) -> list[Finding]:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise BrowserUnavailable(f"chưa cài Playwright cho Python; {INSTALL_HINT}") from None
    executable = find_chromium(chromium)
    axe = axe_script()
    # Playwright's sync API refuses a thread with an event loop running (an async caller, or
    # another Playwright session): its own thread has none.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_run, built, executable, axe).result()


def _run(built: Built, executable: str, axe: str) -> list[Finding]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright


    assert built.site is not None  # only a site that was built is opened in a browser
    base_path = urlsplit(built.site.config.base_url).path.rstrip("/")
    server = _serve(built, base_path)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()  # (rule, element, its HTML): a template problem is said once
    try:
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            except PlaywrightError as exc:
                raise BrowserUnavailable(f"không chạy được Chromium ({executable}): {str(exc).splitlines()[0]}") from None
            page = browser.new_page()
            current = {"output": ""}

            def guard(route) -> None:
                url = route.request.url
                if url.startswith(origin) or url.startswith("data:"):
                    route.continue_()
                    return
                output = current["output"]
                findings.append(Finding(OUTPUT_PREFIX + output, None, "error", "external-request",
                                        f"trang tải tài nguyên từ máy chủ khác: {url} (đã chặn)"))
                route.abort()

            page.route("**/*", guard)
            for out in sample_outputs(built):
                current["output"] = out.path
                html = built.rendered[out.path].decode("utf-8")
                for label, (width, height) in VIEWPORTS.items():
                    try:
                        violations = _axe(page, origin + base_path + out.url, (width, height), axe)
                    except PlaywrightError as exc:
                        raise BrowserUnavailable(f"Chromium không mở được {out.url}: {str(exc).splitlines()[0]}") from None
                    for v in violations:
                        for node in v["nodes"]:
                            key = (v["id"], node["target"], node["html"])
                            if key in seen:
                                continue
                            seen.add(key)
                            message = (f"khả năng tiếp cận ({label}, mức {v['impact']}): {v['help']}; phần tử {node['target']}; "
                                       f"xem {v['url']}")
                            findings.append(Finding(OUTPUT_PREFIX + out.path, line_of(html, [node["html"][:120]]), "error", "a11y", message, v["id"]))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return findings
