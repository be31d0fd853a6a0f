"""The public electronic bulletin board (render/board.py, kinds/board.py, board.html, board.js):
its playlist against the published JSON Schema, what goes on it and in what order, and the
full-screen page in Chromium at the three screen sizes, rotating, refreshing and offline."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import jsonschema
import lxml.html
import pytest

pytest.register_assert_rewrite("example_site")
from example_site import EXAMPLE, SCREENS, board_screen, next_slide, overflowing, serve_folder, validate_playlist  # noqa: E402 - after the rewrite hook

from xaweb.build import BuildOptions, build  # noqa: E402
from xaweb.errors import BuildError  # noqa: E402
from xaweb.vietnamese import VN_TZ  # noqa: E402

pytest_plugins = ["example_site"]

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN_TZ)


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def board_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("board")
    site = Path(shutil.copytree(EXAMPLE, root / "site"))
    write(site / "content/thong-bao/cat-dien.md", "---\ntitle: Cắt điện khẩn cấp ấp 2 do sự cố đường dây\ndate: 2025-11-30 14:00\n"
          "expires: 2025-12-02\npriority: khẩn cấp\nsummary: Điện lực sửa chữa đường dây 22 kV.\n---\nNội dung.\n")
    write(site / "content/thong-bao/hop-dan.md", "---\ntitle: Họp dân ấp 5 về làm đường giao thông nông thôn\ndate: 2025-11-01\n"
          "priority: ưu tiên\nboard_duration: 30\n---\nNội dung.\n")
    write(site / "content/thong-bao/noi-bo.md", "---\ntitle: Lịch họp nội bộ cơ quan\ndate: 2025-11-29\nboard: false\n---\nNội dung.\n")
    write(site / "content/thong-bao/da-qua.md", "---\ntitle: Tiêm phòng dại cho chó mèo đợt 1\ndate: 2025-11-28\n"
          "board_until: 2025-11-30\n---\nNội dung.\n")
    out = root / "out"
    build(BuildOptions(site, out, now=NOW, cache=False))
    return site, out


def test_the_playlist_follows_its_published_schema(board_site):
    _, out = board_site
    validate_playlist(json.loads((out / "bang-tin.json").read_text(encoding="utf-8")))
    with pytest.raises(jsonschema.ValidationError):  # the schema does check: a slide without its title fails it
        broken = json.loads((out / "bang-tin.json").read_text(encoding="utf-8"))
        del broken["slides"][0]["title"]
        validate_playlist(broken)


def test_alerts_first_then_urgent_priority_and_pinned_pages_newest_first(board_site):
    _, out = board_site
    playlist = json.loads((out / "bang-tin.json").read_text(encoding="utf-8"))
    slides = playlist["slides"]
    titles = [s["title"] for s in slides]
    # The khẩn cấp announcement is an alert (on the banner too): on the board once, first.
    assert slides[0]["type"] == "alert" and titles[0] == "Cắt điện khẩn cấp ấp 2 do sự cố đường dây"
    assert titles.count("Cắt điện khẩn cấp ấp 2 do sự cố đường dây") == 1
    assert slides[0]["until"] == "2025-12-03T00:00:00+07:00" and slides[0]["source"] == "commune"
    assert titles[1] == "Họp dân ấp 5 về làm đường giao thông nông thôn" and slides[1]["duration"] == 30
    assert slides[2]["title"] == "Lịch tiếp công dân định kỳ của lãnh đạo Ủy ban nhân dân xã"  # pinned
    assert "Lịch họp nội bộ cơ quan" not in titles and "Tiêm phòng dại cho chó mèo đợt 1" not in titles
    dated = [s["from"] for s in slides[3:]]
    assert dated == sorted(dated, reverse=True)
    kinds = {s["type"] for s in slides}
    assert {"alert", "announcement", "news", "document"} <= kinds
    assert all(s["duration"] == 12 for s in slides[3:])
    # Pictures come as the largest copy the build made, with their text.
    pictured = [s for s in slides if s["image"]]
    assert pictured and all(s["image"].startswith("https://tananhoa.dongthap.gov.vn/images/") and "-1080w." in s["image"]
                            and s["image_alt"] for s in pictured)
    assert len(slides) <= 1 + 20


def test_the_page_carries_the_same_playlist_for_its_first_screen(board_site):
    _, out = board_site
    page = lxml.html.fromstring((out / "bang-tin/index.html").read_bytes())
    built_in = json.loads(page.xpath("//main/@data-initial")[0])
    assert built_in == json.loads((out / "bang-tin.json").read_text(encoding="utf-8"))
    assert page.xpath("//h1")[0].text_content() == "Cắt điện khẩn cấp ấp 2 do sự cố đường dây"
    assert page.xpath("//a/@href") == ["#noi-dung"]  # a screen: nothing to click but the skip link


@pytest.fixture(scope="module")
def board_url(board_site):
    yield from serve_folder(board_site[1])


@pytest.mark.parametrize("screen", SCREENS)
def test_every_slide_fits_the_screen(browser, board_url, screen):
    context, page = board_screen(browser, board_url, screen, NOW)
    count = len(json.loads(page.locator("main").get_attribute("data-initial"))["slides"])
    seen = set()
    for _ in range(count):
        title = page.locator(".slide-title").inner_text()
        seen.add(title)
        assert overflowing(page) == [], (screen, title)
        assert float(page.locator(".slide-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 0.05 * min(SCREENS[screen])
        next_slide(page)
    assert len(seen) == count  # it went round them all
    # The alert stays in the band at the top on every slide.
    assert page.locator(".board-alert").all_inner_texts() == ["Cắt điện khẩn cấp ấp 2 do sự cố đường dây"]
    context.close()


def test_a_new_alert_shows_within_one_refresh_and_the_last_playlist_stays_when_offline(browser, board_site, board_url):
    _, out = board_site
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.clock.install(time=NOW)
    page.goto(board_url + "/bang-tin/")
    original = (out / "bang-tin.json").read_text(encoding="utf-8")
    playlist = json.loads(original)
    flood = {**playlist["slides"][0], "id": "pctt@tinh,LU-9", "title": "Cảnh báo lũ trên sông Tiền", "source": "province", "level": 3}
    try:
        (out / "bang-tin.json").write_text(json.dumps({**playlist, "slides": [flood] + playlist["slides"]}, ensure_ascii=False), encoding="utf-8")
        page.clock.run_for(61_000)  # one refresh interval
        page.wait_for_function("document.querySelector('.slide-title').textContent === 'Cảnh báo lũ trên sông Tiền'", timeout=5000)
        assert "Cảnh báo lũ trên sông Tiền" in page.locator("[data-board-alerts]").inner_text()
        # The network goes down: the screen keeps rotating what it has.
        context.route("**/bang-tin.json*", lambda route: route.abort())
        page.clock.run_for(61_000)
        page.clock.run_for(25_000)
        assert page.locator(".slide-title").inner_text() != ""
        assert "Cảnh báo lũ trên sông Tiền" in page.locator("[data-board-alerts]").inner_text()
    finally:
        (out / "bang-tin.json").write_text(original, encoding="utf-8")
        context.close()


def test_the_clock_shows_the_time_and_the_date_in_vietnamese(browser, board_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.clock.install(time=NOW)
    page.goto(board_url + "/bang-tin/")
    assert page.locator(".board-time").inner_text() == "09:00"
    assert page.locator(".board-date").inner_text() == "Thứ Hai, 01/12/2025"
    context.close()


def test_a_bad_board_duration_is_an_error_with_its_line(tmp_path):
    site = Path(shutil.copytree(EXAMPLE, tmp_path / "site"))
    write(site / "content/thong-bao/sai.md", "---\ntitle: Sai thời lượng\ndate: 2025-11-02\nboard_duration: 0\n---\nNội dung.\n")
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(site, tmp_path / "out", now=NOW, cache=False))
    assert [(p.path, p.line) for p in failed.value.problems] == [("content/thong-bao/sai.md", 4)]
    assert "board_duration" in failed.value.problems[0].message


def test_hours_of_rotation_and_refreshes_leave_the_page_the_same_size(browser, board_url):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.clock.install(time=NOW)
    page.goto(board_url + "/bang-tin/")
    nodes = "document.getElementsByTagName('*').length"
    before = page.evaluate(nodes)
    for _ in range(30):  # half an hour: some 150 slides and 30 readings of the playlist
        page.clock.run_for(60_000)
        page.wait_for_load_state("networkidle")
    assert page.evaluate(nodes) == before
    assert page.locator(".slide-title").inner_text()
    context.close()
