"""The question form in headless Chromium against a live endpoint on 127.0.0.1:
with JavaScript (inline errors, sent without a reload, status shown in place)
and without it (plain POST, the endpoint's check-and-send page, the site's
thank-you page)."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime
from functools import partial
from http.server import ThreadingHTTPServer

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import _StaticHandler  # noqa: E402 - after the rewrite hook
from qa_support import OPEN_LIMITS, SITE_ID, Server
from xaweb.build import BuildOptions, build
from xaweb.qa import core
from xaweb.qa.backends import open_store
from xaweb.vietnamese import VN_TZ

pytest_plugins = ["example_site"]


@pytest.fixture
def live(tmp_path):
    """(site URL, endpoint server): a built commune site served statically, and its endpoint."""
    static = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticHandler, directory=str(tmp_path / "out")))
    site_url = f"http://127.0.0.1:{static.server_address[1]}"
    db = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    store = open_store(db)
    store.put_site(core.Site(SITE_ID, site_url, "UBND xã Tân An"))
    store.close()
    server = Server(db, OPEN_LIMITS.__class__(**{**OPEN_LIMITS.__dict__, "min_seconds": 1.0}))
    site = tmp_path / "site"
    (site / "content" / "hoi-dap").mkdir(parents=True)
    (site / "site.yaml").write_text(f"name: Tân An\nprovince: Đồng Tháp\nbase_url: {site_url}\n"
                                    f"qa:\n  endpoint: {server.url}\n  site_id: {SITE_ID}\n", encoding="utf-8")
    build(BuildOptions(site, tmp_path / "out", now=datetime(2026, 1, 5, tzinfo=VN_TZ), cache=False))
    thread = threading.Thread(target=static.serve_forever, daemon=True)
    thread.start()
    yield site_url, server
    static.shutdown()
    static.server_close()
    server.close()


def assert_code_stands_out_and_copies(page, where: str, code: str) -> None:
    """The tracking code on its own in large type, and a copy button that puts it on the clipboard."""
    shown = page.locator(f"{where} .qa-code")
    assert shown.inner_text() == code
    assert float(shown.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 1.4 * float(
        page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
    page.locator(f"{where} button.qa-copy").click()
    page.wait_for_function(f"document.querySelector('{where} [role=status]').textContent.length > 0", timeout=5000)
    assert page.inner_text(f"{where} [role=status]") == "Đã sao chép mã theo dõi"
    assert page.evaluate("navigator.clipboard.readText()") == code


def test_form_with_javascript(browser, live):
    site_url, server = live
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "/hoi-dap/")
    page.click("form[data-qa-form] button[type=submit]")
    summary = page.locator(".qa-summary")
    assert summary.is_visible() and page.evaluate("document.activeElement.classList.contains('qa-summary')")
    assert "Vui lòng nhập họ và tên." in summary.inner_text()
    assert page.get_attribute("#qa-name", "aria-invalid") == "true"
    assert page.locator("#qa-name-error").inner_text() == "Vui lòng nhập họ và tên."
    page.fill("#qa-name", "Nguyễn Văn Bình")
    page.fill("#qa-question", "Xin hỏi thủ tục chứng thực bản sao cần mang theo giấy tờ gì?")
    page.check("#qa-consent")
    page.click("form[data-qa-form] button[type=submit]")  # sent at once: the script waits out the token's minimum age
    page.wait_for_function("document.querySelector('.qa-result').textContent.includes('Mã theo dõi')", timeout=15000)
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text(".qa-result")).group()
    assert page.url == site_url + "/hoi-dap/"  # no reload
    assert_code_stands_out_and_copies(page, ".qa-result", code)
    assert server.app.store.question_by_code(SITE_ID, code).name == "Nguyễn Văn Bình"
    page.fill("#qa-code", code)
    page.click("form[data-qa-status] button")
    page.wait_for_function("document.querySelector('.qa-status-result').textContent.length > 0", timeout=15000)
    assert "Đã tiếp nhận" in page.inner_text(".qa-status-result")
    context.close()


def test_form_without_javascript(browser, live):
    site_url, server = live
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/hoi-dap/")
    page.fill("#qa-name", "Trần Thị Cúc")
    page.fill("#qa-question", "Xin hỏi khi nào xã tổ chức tiếp công dân định kỳ trong tháng?")
    page.check("#qa-consent")
    page.click("form[data-qa-form] button[type=submit]")
    assert page.url.startswith(server.url) and "Kiểm tra và gửi câu hỏi" in page.inner_text("h1")
    assert page.input_value("#name") == "Trần Thị Cúc" and server.app.store.count_questions() == 0
    time.sleep(1.1)  # the token's minimum age
    page.click("button[type=submit]")
    assert page.url.startswith(site_url + "/hoi-dap/da-gui/?ma="), page.inner_text("main")
    assert page.inner_text("h1") == "Đã tiếp nhận câu hỏi"
    code = page.url.split("ma=")[1]
    assert server.app.store.question_by_code(SITE_ID, code).name == "Trần Thị Cúc"
    page.fill("#qa-code", code)
    page.click("form[data-qa-status] button")  # a plain GET: the endpoint's own status page
    assert "Đã tiếp nhận, đang xử lý" in page.inner_text("main")
    context.close()


def test_thank_you_page_shows_the_code_with_javascript(browser, live):
    site_url, _ = live
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "/hoi-dap/da-gui/?ma=7K3M-9QXA-2F4B")
    assert_code_stands_out_and_copies(page, ".qa-code-box", "7K3M-9QXA-2F4B")
    assert page.input_value("#qa-code") == "7K3M-9QXA-2F4B"
    context.close()
