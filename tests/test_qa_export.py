"""The Q&A export as a build input: an outage or --offline never stops a commune from publishing.

A real HTTP server on 127.0.0.1 serves the example's export with a token;
the tests stop it, count its connections, and read what `xaweb build` and
`xaweb check` make of each case.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from xaweb.build import BuildOptions, build
from xaweb.check import CheckOptions, check_site
from xaweb.errors import BuildError
from xaweb.sources import qa_export
from xaweb.sources.fetch import FetchSettings

ROOT = Path(__file__).resolve().parent.parent
EXPORT = (ROOT / "content-example/du-lieu/hoi-dap-da-xuat.json").read_bytes()
TOKEN = "bi-mat-xuat-hoi-dap"
QUESTION = "Xin xác nhận tình trạng hôn nhân để làm thủ tục vay vốn thì làm ở đâu?"


class ExportServer:
    """Serves EXPORT at /v1/sites/tan-an-hoa/export to the right bearer token; counts every connection."""

    def __init__(self) -> None:
        self.connections = 0
        self.trickle = False  # send the status line, then one byte of headers every 0.2 s for a minute
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                outer.connections += 1
                super().setup()

            def do_GET(self) -> None:
                if outer.trickle:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    for _ in range(300):
                        self.wfile.write(b"X")
                        self.wfile.flush()
                        time.sleep(0.2)
                    return
                ok = self.headers.get("Authorization") == f"Bearer {TOKEN}" and self.path == "/v1/sites/tan-an-hoa/export"
                body = EXPORT if ok else b"{}"
                self.send_response(200 if ok else 403)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = ExportServer()
    yield s
    s.stop()


def site(root: Path, endpoint: str) -> Path:
    (root / "content/hoi-dap").mkdir(parents=True)
    (root / "site.yaml").write_text(
        f"name: Tân An Hòa\nprovince: Đồng Tháp\nqa:\n  endpoint: {endpoint}\n  site_id: tan-an-hoa\n  export_url: auto\n"
        "  export_token_env: XAWEB_TEST_EXPORT_TOKEN\n", encoding="utf-8")
    (root / "content/hoi-dap/_index.md").write_text("---\ntitle: Hỏi đáp\n---\n", encoding="utf-8")
    (root / "content/thu-tuc-hanh-chinh").mkdir()  # the procedure an answer links to
    (root / "content/thu-tuc-hanh-chinh/tro-cap.md").write_text("---\ntitle: Trợ cấp xã hội hằng tháng\nkind: article\n---\nHồ sơ.\n", encoding="utf-8")
    return root


def listing(out: Path) -> str:
    return (out / "hoi-dap/index.html").read_text(encoding="utf-8")


@pytest.mark.fault("Q&A endpoint down")
def test_an_outage_uses_the_last_good_export_with_one_warning(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XAWEB_TEST_EXPORT_TOKEN", TOKEN)
    root, out = site(tmp_path / "site", server.url), tmp_path / "out"
    first = build(BuildOptions(root, out, jobs=1))
    assert first.qa_pages > 0 and QUESTION in listing(out) and first.warnings == []
    server.stop()  # the endpoint is down: connection refused

    second = build(BuildOptions(root, out, jobs=1, cache=False))
    assert second.qa_pages == first.qa_pages and QUESTION in listing(out)
    [warning] = [str(w) for w in second.warnings]
    assert warning.startswith("site.yaml: cảnh báo: 'qa.export_url': không kết nối được") and "dùng bản hỏi đáp lưu lúc" in warning


def test_offline_never_touches_the_network(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XAWEB_TEST_EXPORT_TOKEN", TOKEN)
    root, out = site(tmp_path / "site", server.url), tmp_path / "out"
    build(BuildOptions(root, out, jobs=1))
    seen = server.connections
    assert seen >= 1
    result = build(BuildOptions(root, out, jobs=1, cache=False, offline=True))
    assert server.connections == seen and result.qa_pages > 0
    assert ["--offline" in str(w) for w in result.warnings] == [True]
    # xaweb check sees the Q&A pages the build publishes, from the same copy, without the network.
    report = check_site(root, CheckOptions())
    assert server.connections == seen and report.pages == result.pages + result.qa_pages


def test_no_copy_and_no_endpoint_stops_the_build_rather_than_deleting_answers(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XAWEB_TEST_EXPORT_TOKEN", TOKEN)
    server.stop()
    root = site(tmp_path / "site", server.url)
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(root, tmp_path / "out", jobs=1))
    [problem] = failed.value.problems
    assert problem.path == "site.yaml" and "không kết nối được" in problem.message and "chưa có bản lưu" in problem.message
    with pytest.raises(BuildError, match="--offline"):
        build(BuildOptions(root, tmp_path / "out", jobs=1, offline=True))


def test_a_wrong_token_is_an_outage_too_and_names_the_answer(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XAWEB_TEST_EXPORT_TOKEN", "sai")
    with pytest.raises(BuildError, match="HTTP 403"):
        build(BuildOptions(site(tmp_path / "site", server.url), tmp_path / "out", jobs=1))


@pytest.mark.attack("hostile servers")
def test_an_endpoint_trickling_its_headers_cannot_hold_the_build(server, tmp_path, monkeypatch):
    monkeypatch.setenv("XAWEB_TEST_EXPORT_TOKEN", TOKEN)
    root, out = site(tmp_path / "site", server.url), tmp_path / "out"
    first = build(BuildOptions(root, out, jobs=1))
    monkeypatch.setattr(qa_export, "EXPORT_FETCH", FetchSettings(read_timeout=1, total_timeout=2, max_bytes=qa_export.MAX_BYTES))
    server.trickle = True  # every byte arrives inside the read timeout: only the deadline ends it
    started = time.monotonic()
    second = build(BuildOptions(root, out, jobs=1, cache=False))
    assert time.monotonic() - started < 2 + 10  # the deadline, plus the build itself on a slow machine
    assert second.qa_pages == first.qa_pages and QUESTION in listing(out)
    [warning] = [str(w) for w in second.warnings]
    assert "'qa.export_url': tải quá 2 giây" in warning and "dùng bản hỏi đáp lưu lúc" in warning
