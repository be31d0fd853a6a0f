"""The province's bulletin board (xaweb/province/board.py, portal.py): the province's own
announcements and every commune's urgent items in one playlist of the published schema, in
order, without what has expired; and its page in Chromium at the three screen sizes."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

pytest.register_assert_rewrite("example_site")
from example_site import SCREENS, board_screen, next_slide, overflowing, serve_folder, validate_playlist  # noqa: E402 - after the rewrite hook

from xaweb.config import Board  # noqa: E402
from xaweb.province.board import province_playlist  # noqa: E402
from xaweb.province.build import PORTAL_DIR, ProvinceOptions, build_province  # noqa: E402
from xaweb.province.load import ProvinceConfig  # noqa: E402
from xaweb.vietnamese import VN_TZ  # noqa: E402

pytest_plugins = ["example_site"]

FIXTURE = Path(__file__).parent / "sites" / "province"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)
PORTAL = "https://hoabinhxanh.gov.vn"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Path:
    root = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("province-board") / "p"))
    write(root, "communes/29501/content/thong-bao/vo-de.md", "---\ntitle: Sạt lở đê bao ấp Tân Hòa, di dời ngay\n"
          "date: 2025-03-01 07:00\npriority: khẩn cấp\n---\nNgười dân ấp Tân Hòa di chuyển đến trường tiểu học.\n")
    write(root, "communes/29517/content/thong-bao/tiem-chung.md", "---\ntitle: Tiêm chủng sởi bổ sung cho trẻ em\n"
          "date: 2025-02-25\npriority: ưu tiên\n---\nTrạm y tế tiêm bổ sung vắc-xin sởi.\n")
    write(root, "communes/29502/content/thong-bao/cup-nuoc.md", "---\ntitle: Cúp nước đã kết thúc\ndate: 2025-02-20\n"
          "expires: 2025-02-27\npriority: khẩn cấp\n---\nĐã cấp nước trở lại.\n")
    write(root, "communes/29503/content/thong-bao/hop-to.md", "---\ntitle: Họp tổ dân phố định kỳ\ndate: 2025-02-28\n---\nHọp.\n")
    out = root.parent / "out"
    build_province(ProvinceOptions(root, out, now=NOW, jobs=2))
    return out / PORTAL_DIR


def playlist_of(portal: Path) -> dict:
    return json.loads((portal / "bang-tin.json").read_text(encoding="utf-8"))


def test_the_playlist_follows_the_published_schema(portal):
    validate_playlist(playlist_of(portal))


def test_it_combines_the_provinces_announcements_and_the_communes_urgent_items_in_order(portal):
    slides = playlist_of(portal)["slides"]
    assert [(s["title"], s["priority"], s["source"], s.get("commune")) for s in slides] == [
        ("Sạt lở đê bao ấp Tân Hòa, di dời ngay", "khan-cap", "commune", "Xã Tân An"),  # an alert: first
        ("Tiêm chủng sởi bổ sung cho trẻ em", "uu-tien", "commune", "Phường Ngọc Hiển"),
        ("Lịch tạm ngừng cung cấp điện toàn tỉnh tháng 3", "thong-thuong", "province", None),
    ]  # not: an expired urgent item, a commune's ordinary notice, shared notices meant for some communes only
    alert, urgent, own = slides
    assert alert["type"] == "alert" and alert["id"] == "29501:page:/thong-bao/sat-lo-de-bao-ap-tan-hoa-di-doi-ngay/"
    assert alert["url"].startswith("https://tanan.hoabinhxanh.gov.vn/")  # to the commune's page, where the full text is
    assert urgent["image"] is None  # a commune's pictures stay on its own site
    assert own["url"] == PORTAL + "/thong-bao/lich-tam-ngung-cung-cap-dien-toan-tinh-thang-3/"
    assert (portal / "thong-bao/lich-tam-ngung-cung-cap-dien-toan-tinh-thang-3/index.html").is_file()


def test_the_board_page_carries_the_same_playlist(portal):
    page = lxml.html.fromstring((portal / "bang-tin/index.html").read_bytes())
    assert json.loads(page.xpath("//main/@data-initial")[0]) == playlist_of(portal)
    assert page.xpath("//main/@data-playlist") == ["/bang-tin.json"]
    assert page.xpath("string(//p[@class='board-committee'])") == "Ủy ban nhân dân tỉnh Hòa Bình Xanh"
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/css/board.css"]
    assert (portal / "css/board.css").is_file() and (portal / "js/board.js").is_file()


def _slide(id_: str, **fields) -> dict:
    base = {"id": id_, "type": "announcement", "title": id_, "text": "", "image": None, "duration": 10, "priority": "thong-thuong",
            "from": "2025-02-28T08:00:00+07:00", "until": None, "source": "commune", "url": None}
    return {**base, **fields}


def test_a_province_wide_alert_counts_once_and_what_has_expired_or_is_malformed_is_left_out():
    flood = _slide("pctt@tinh,LU-1", type="alert", source="province", priority="khan-cap", severity="Severe", level=None, area=None)
    storm = {**flood, "id": "pctt@tinh,BAO-2", "severity": "Extreme", "from": "2025-02-27T08:00:00+07:00"}
    over = _slide("page:/thong-bao/a/", priority="khan-cap", until="2025-03-01T08:59:00+07:00")
    urgent = _slide("page:/thong-bao/b/", priority="uu-tien", until="2025-03-02T00:00:00+07:00", image="https://x.gov.vn/a.jpg")
    communes = [("29501", "Xã Tân An", {"slides": [flood, over, "not a slide", _slide("page:/tin-tuc/c/")]}),
                ("29502", "Xã Hòa Lợi", {"slides": [flood, storm, urgent, _slide("page:/d/", priority="uu-tien", until="hôm qua")]}),
                ("29503", "Xã Đông Hải", {"slides": None})]
    playlist = province_playlist(ProvinceConfig(name="Hòa Bình Xanh", base_url=PORTAL), Board(), [], communes, NOW,
                                 lambda path: PORTAL + path)
    ids = [s["id"] for s in playlist["slides"]]
    assert ids == ["pctt@tinh,BAO-2", "pctt@tinh,LU-1", "29502:page:/thong-bao/b/"]  # most severe first
    assert playlist["slides"][2]["image"] is None and playlist["slides"][2]["commune"] == "Xã Hòa Lợi"
    assert playlist["updated"] == "2025-02-28T08:00:00+07:00"
    validate_playlist(playlist)


@pytest.fixture(scope="module")
def portal_url(portal):
    yield from serve_folder(portal)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_province_board_fits_every_screen_and_holds_the_alert(browser, portal_url, screen):
    context, page = board_screen(browser, portal_url, screen, NOW)
    metas = []
    for _ in range(3):
        title = page.locator(".slide-title").inner_text()
        metas.append(page.locator(".slide-meta").inner_text())
        assert overflowing(page) == [], (screen, title)
        assert page.locator(".board-alert").all_inner_texts() == ["Sạt lở đê bao ấp Tân Hòa, di dời ngay"]
        next_slide(page)
    assert "Xã Tân An" in metas[0] and "Phường Ngọc Hiển" in metas[1] and "Tin của tỉnh" in metas[2]
    context.close()
