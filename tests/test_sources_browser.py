"""The alert banner's refresh script, in headless Chromium.

A page built while one alert was in force, served beside an `alerts.json` of
a later build: with JavaScript the banner shows what alerts.json says (in the
same markup, as text only); without JavaScript, or without the file, the
banner built into the page stays.
"""

from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.register_assert_rewrite("example_site")
from example_site import LOCAL  # noqa: E402 - after the rewrite hook
from test_sources_build import FIXTURES, run, write_site  # noqa: E402

pytest_plugins = ["example_site"]


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def stale(tmp_path_factory):
    """out/: built with the flood alert; alerts.json replaced by the one a later build (wind alert) wrote."""
    root = tmp_path_factory.mktemp("stale")
    site = write_site(root / "site", "Tân Hòa", [{"name": "Phòng thủ dân sự", "url": "canh-bao.xml", "target": "alerts"}])
    shutil.copy(FIXTURES / "cap-alert.xml", site / "canh-bao.xml")
    run(site, root / "out", cache=False)
    shutil.copy(root / "out" / "alerts.json", root / "out-alerts.json")
    shutil.copy(FIXTURES / "cap-wind.xml", site / "canh-bao.xml")
    run(site, root / "later", cache=False)
    shutil.copy(root / "later" / "alerts.json", root / "out" / "alerts.json")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root / "out")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root / "out", f"{LOCAL}{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def headlines(page) -> list[str]:
    return page.locator(".alert-banner .alert-headline").all_inner_texts()


def load(new_context, url: str, javascript: bool = True):
    context = new_context(javascript=javascript)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page


def test_the_banner_shows_what_alerts_json_says(new_context, stale):
    _, url = stale
    context, page = load(new_context, url)
    try:
        assert headlines(page) == ["Gió mạnh trên vùng biển ven bờ"]
        item = page.locator(".alert-banner li.alert")
        assert item.get_attribute("class") == "alert severity-moderate level-2"
        facts = page.locator(".alert-banner .alert-facts").inner_text()
        for fact in ("Trung bình – Rủi ro thiên tai cấp độ 2", "Xã Hòa Bình; Xã Hòa Lợi", "09:00, 08/10/2025", "Phòng thủ dân sự"):
            assert fact in facts, fact
        assert page.locator(".alert-banner time").get_attribute("datetime") == "2025-10-08T09:00:00+07:00"
        assert page.locator(".alert-banner .alert-link a").get_attribute("href") == "https://tinh.example.vn/canh-bao/GIO-1"
        assert page.locator(".alert-banner .alert-link .visually-hidden").inner_text() == ": Gió mạnh trên vùng biển ven bờ"
    finally:
        context.close()


def test_the_same_alerts_leave_the_built_banner_untouched(new_context, stale):
    out, url = stale
    saved = (out / "alerts.json").read_bytes()
    shutil.copy(out.parent / "out-alerts.json", out / "alerts.json")  # what this page's own build wrote
    try:
        context, page = load(new_context, url)
        assert headlines(page) == ["Cảnh báo lũ lớn trên sông Hòa"]
        # Only the built markup has data-expires: the script did not replace it (keyboard focus would be lost).
        assert page.locator(".alert-banner li.alert").get_attribute("data-expires") == "2025-10-06T08:00:00+07:00"
        context.close()
    finally:
        (out / "alerts.json").write_bytes(saved)


def test_without_javascript_or_without_the_file_the_built_banner_stays(new_context, stale):
    out, url = stale
    context, page = load(new_context, url, javascript=False)
    try:
        assert headlines(page) == ["Cảnh báo lũ lớn trên sông Hòa"]
    finally:
        context.close()
    saved = (out / "alerts.json").read_bytes()
    (out / "alerts.json").unlink()
    try:
        context, page = load(new_context, url)
        assert headlines(page) == ["Cảnh báo lũ lớn trên sông Hòa"]
        context.close()
    finally:
        (out / "alerts.json").write_bytes(saved)


def test_alerts_json_is_shown_as_text_and_an_empty_list_hides_the_banner(new_context, stale):
    out, url = stale
    saved = (out / "alerts.json").read_bytes()
    hostile = {"version": 1, "alerts": [{"headline": "<img src=x onerror=\"document.title='pwned'\">Bão", "severity": "Severe\" onclick=\"x",
                                         "level": "3\"><script>", "link": "javascript:document.title='pwned'", "area": "<b>Xã</b>",
                                         "expires": "2025-10-09T00:00:00+07:00", "source": "Tỉnh"}]}
    try:
        (out / "alerts.json").write_text(json.dumps(hostile), encoding="utf-8")
        context, page = load(new_context, url)
        assert headlines(page) == ["<img src=x onerror=\"document.title='pwned'\">Bão"]
        assert page.locator(".alert-banner img, .alert-banner b, .alert-banner script, .alert-banner .alert-link").count() == 0
        assert page.locator(".alert-banner li.alert").get_attribute("class") == "alert severity-severeonclickx"
        assert page.title() != "pwned"
        context.close()
        (out / "alerts.json").write_text('{"version": 1, "alerts": []}', encoding="utf-8")
        context, page = load(new_context, url)
        assert not page.locator(".alert-banner").is_visible() and headlines(page) == []
        context.close()
    finally:
        (out / "alerts.json").write_bytes(saved)
