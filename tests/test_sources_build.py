"""Sources in a real build: what the site shows, what it publishes, and that no source can break it.

Small commune sites are written here; their sources are served over HTTP on
127.0.0.1 (tests/feedserver.py). The round trip builds two communes and a
third site that takes in their feeds.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
import yaml
from click.testing import CliRunner

from feedserver import FIXTURES, FeedServer
from test_build import EXAMPLE, broken_internal_links, copy_site, html_problems, snapshot, text_of
from xaweb.build import BuildOptions, BuildResult, build
from xaweb.cli import cli
from xaweb.errors import BuildError
from xaweb.render.feeds import CODE_SCHEME
from xaweb.vietnamese import VN_TZ, slugify

NOW = datetime(2025, 10, 5, 12, 0, tzinfo=VN_TZ)  # the flood alert (CAP LU-1) and the wind alert are in effect
UNSAFE = ("alert(", "javascript:", "vbscript:", "data:text", "onerror", "onclick", "onmouseover", "tracker.example", "<iframe", "<form")


@pytest.fixture(scope="module")
def server():
    with FeedServer() as s:
        yield s


def d(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def write_site(root: Path, name: str, sources: list[dict], *, code: str = "29999", pages: dict[str, str] | None = None,
               extra: dict | None = None) -> Path:
    """A small commune site: news, an empty 'from the province' section, and the given sources."""
    slug = slugify(name).replace("-", "")
    config = {"name": name, "province": "Vĩnh Long", "code": code, "base_url": f"https://{slug}.vinhlong.gov.vn",
              "sources": sources, "source_settings": {"connect_timeout": 1, "read_timeout": 1, "total_timeout": 3}, **(extra or {})}
    root.mkdir(parents=True)
    (root / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    files = {
        "content/tin-tuc/_index.md": "---\ntitle: Tin tức\nweight: 1\n---\n",
        "content/thong-tin-tu-cap-tren/_index.md": "---\ntitle: Thông tin từ cấp trên\nweight: 2\n---\n",
        **(pages or {"content/tin-tuc/hop-dan.md": "---\ntitle: Họp dân ấp Hòa Thạnh\ndate: 2025-09-20\n---\nNội dung họp dân.\n"}),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def run(site: Path, out: Path, now: datetime = NOW, **options) -> BuildResult:
    return build(BuildOptions(site, out, now=now, **{"jobs": 1, **options}))


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def banner(path: Path) -> list[str]:
    return [text_of(h) for h in html(path).xpath("//section[contains(@class,'alert-banner')]//p[@class='alert-headline']")]


# --- one site with every kind of source ---------------------------------------------------


@pytest.fixture(scope="module")
def full(server, tmp_path_factory):
    root = tmp_path_factory.mktemp("full")
    site = write_site(root / "site", "Hòa Lợi", [
        {"name": "UBND tỉnh", "url": server.url("/f/rss20.xml"), "target": "thong-tin-tu-cap-tren", "full_pages": True},
        {"name": "Nguồn độc hại", "url": server.url("/f/xss.xml"), "target": "thong-tin-tu-cap-tren"},
        {"name": "Nguồn A", "url": server.url("/f/dup-a.xml"), "target": "thong-tin-tu-cap-tren"},
        {"name": "Nguồn B", "url": server.url("/f/dup-b.json"), "target": "thong-tin-tu-cap-tren"},
        {"name": "Trung tâm Thông tin", "url": server.url("/f/atom.xml"), "target": "home"},
        {"name": "Phòng thủ dân sự", "url": server.url("/f/cap-links.xml"), "target": "alerts"},
    ])
    out = root / "out"
    result = run(site, out, cache=False)
    return site, out, result


def test_items_appear_in_their_section_with_source_date_and_link(full):
    _, out, result = full
    assert result.warnings == []
    page = html(out / "thong-tin-tu-cap-tren/index.html")
    items = page.xpath("//section[@class='source-items']//li")
    titles = [text_of(li.xpath(".//*[contains(@class,'source-title')]")[0]) for li in items]
    # Newest first; each duplicate once (tin-x and tin-y from A; Z from B; B's copy of X dropped).
    assert titles == ["Hướng dẫn tiêm chủng mở rộng đợt 2", "Tin X", "Tiêu đề", "Tin Y", "Liên kết data",
                      "Khẩn: sơ tán dân vùng ngập sâu", "Tin Z", "Liên kết không có giao thức", "Lịch cắt điện tuần 43", "Tin hợp lệ"]
    first = items[0]
    assert "Nguồn: UBND tỉnh" in text_of(first) and "20/10/2025" in text_of(first)
    own = first.xpath(".//a[contains(@class,'source-title')]/@href")[0]
    assert own.startswith("/thong-tin-tu-cap-tren/huong-dan-tiem-chung-mo-rong-dot-2-")
    assert first.xpath(".//p[@class='source-meta']/a/@href") == ["https://tinh.example.vn/tin/tiem-chung-dot-2"]
    urgent = items[5]
    assert "Khẩn cấp" in text_of(urgent.xpath(".//span[contains(@class,'badge')]")[0])
    assert page.xpath("//p[@class='empty']") == []


def test_an_item_with_full_content_gets_its_own_page(full):
    _, out, _ = full
    [own] = [p for p in (out / "thong-tin-tu-cap-tren").iterdir() if p.name.startswith("huong-dan")]
    page = html(own / "index.html")
    assert text_of(page.xpath("//h1")[0]) == "Hướng dẫn tiêm chủng mở rộng đợt 2"
    assert "Toàn văn: các trạm y tế xã tổ chức tiêm chủng" in text_of(page.xpath("//main")[0])
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://tinh.example.vn/tin/tiem-chung-dot-2"]
    assert "Nguồn: UBND tỉnh" in text_of(page.xpath("//main")[0])


def test_home_box(full):
    _, out, _ = full
    home = html(out / "index.html")
    box = home.xpath("//section[@aria-labelledby='h-source-items']")[0]
    assert [text_of(a) for a in box.xpath(".//a[contains(@class,'source-title')]")] == [
        "Hội nghị chuyển đổi số cấp xã", "Thông báo tuyển dụng viên chức"]
    assert "Nguồn: Trung tâm Thông tin" in text_of(box)


@pytest.mark.attack("feeds")
def test_nothing_unsafe_from_any_feed_reaches_any_page(full):
    _, out, _ = full
    [own] = (out / "thong-tin-tu-cap-tren").glob("huong-dan-*/index.html")
    for path in out.rglob("*.html"):
        data = path.read_text(encoding="utf-8").replace('<form class="search-form"', "")  # the theme's own search form
        assert not [u for u in UNSAFE if u in data], path
    # The one exception is deliberate: an item's own page names the original as canonical (a copy, not a source).
    assert [p.split(": ", 1)[1] for p in html_problems(out, "https://hoaloi.vinhlong.gov.vn")] == [
        "canonical 'https://tinh.example.vn/tin/tiem-chung-dot-2', expected "
        f"'https://hoaloi.vinhlong.gov.vn/{own.relative_to(out).parent.as_posix()}/'",
        "<link> loads 'https://tinh.example.vn/tin/tiem-chung-dot-2' from another host"]
    assert broken_internal_links(out) == []


def test_the_alert_banner_is_on_every_page_most_severe_first(full):
    _, out, _ = full
    expected = ["Khẩn: sơ tán dân vùng ngập sâu", "Cảnh báo lũ lớn trên sông Hòa", "Gió mạnh trên vùng biển ven bờ"]
    pages = [p for p in out.rglob("*.html") if p.parent.name != "bang-tin"]
    assert len(pages) >= 8
    for path in pages:
        assert banner(path) == expected, path
    # The bulletin board's screen holds them in its own band, the same order.
    board = html(out / "bang-tin/index.html")
    assert [text_of(p).split(": ", 1)[1] for p in board.xpath("//div[@data-board-alerts]/p")] == expected
    flood = html(out / "index.html").xpath("//li[contains(@class,'alert')]")[1]
    facts = text_of(flood)
    for fact in ("Nghiêm trọng – Rủi ro thiên tai cấp độ 3 (rủi ro lớn)", "Xã Hòa Bình; Xã Hòa Lợi",
                 "08:00, Thứ Hai, 06/10/2025", "Di chuyển người và tài sản lên nơi cao.", "Phòng thủ dân sự"):
        assert fact in facts, fact
    assert "level-3" in flood.get("class") and flood.get("data-expires") == "2025-10-06T08:00:00+07:00"


def test_alerts_json_and_the_refresh_script(full):
    _, out, _ = full
    data = json.loads((out / "alerts.json").read_text(encoding="utf-8"))
    assert [(a["severity"], a["level"]) for a in data["alerts"]] == [("Extreme", 4), ("Severe", 3), ("Moderate", 2)]
    assert data["alerts"][1]["expires"] == "2025-10-06T08:00:00+07:00"
    section = html(out / "index.html").xpath("//section[contains(@class,'alert-banner')]")[0]
    assert section.get("data-alerts") == "/alerts.json"
    assert json.loads(section.get("data-labels"))["severe"] == "Nghiêm trọng"
    script = (out / "js" / "xaweb.js").read_text(encoding="utf-8")
    assert ".alert-banner[data-alerts]" in script and "textContent" in script and "innerHTML" not in script


def test_manifest_for_the_province(full):
    _, out, _ = full
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commune"]["code"] == "29999" and manifest["commune"]["full_name"] == "Xã Hòa Lợi"
    sections = {s["path"]: s for s in manifest["sections"]}
    assert sections["tin-tuc"]["pages"] == 1 and sections["tin-tuc"]["last_updated"] == "2025-09-20T00:00:00+07:00"
    assert sections["tin-tuc"]["rss"] == "https://hoaloi.vinhlong.gov.vn/tin-tuc/rss.xml"
    assert {s["name"]: s["items"] for s in manifest["sources"]}["Nguồn B"] == 1
    assert manifest["alerts"] == 3 and manifest["feeds"]["alerts"] == "https://hoaloi.vinhlong.gov.vn/alerts.json"
    assert "fetched" not in json.dumps(manifest)  # nothing volatile
    assert manifest["qa"] is None  # no Q&A section on this site


# --- a source that breaks -----------------------------------------------------------------------


@pytest.mark.fault("source feeds down")
def test_a_failing_source_never_breaks_the_build_and_strict_fails(server, tmp_path):
    url = server.route("tinh-hong", "/f/rss20.xml")
    site = write_site(tmp_path / "site", "Tân Hòa", [{"name": "UBND tỉnh", "url": url, "target": "thong-tin-tu-cap-tren"}])
    run(site, tmp_path / "out")
    server.route("tinh-hong", "/status/500")
    result = run(site, tmp_path / "out")
    [warning] = result.warnings
    assert warning.path == "site.yaml" and "nguồn tin 'UBND tỉnh'" in warning.message and "HTTP 500" in warning.message
    titles = text_of(html(tmp_path / "out/thong-tin-tu-cap-tren/index.html").xpath("//main")[0])
    assert "Hướng dẫn tiêm chủng mở rộng đợt 2" in titles  # from the last good copy
    before = snapshot(tmp_path / "out")
    with pytest.raises(BuildError) as exc:
        run(site, tmp_path / "out", strict=True)
    assert "HTTP 500" in str(exc.value)
    assert snapshot(tmp_path / "out") == before


def test_a_source_that_never_worked_leaves_its_section_empty(server, tmp_path):
    site = write_site(tmp_path / "site", "Tân Hòa", [{"name": "Chưa chạy", "url": server.url("/status/503"), "target": "thong-tin-tu-cap-tren"}])
    result = run(site, tmp_path / "out")
    assert "chưa có bản lưu" in result.warnings[0].message
    assert html(tmp_path / "out/thong-tin-tu-cap-tren/index.html").xpath("//p[@class='empty']")


def test_bad_source_settings_are_errors_naming_site_yaml(tmp_path):
    site = write_site(tmp_path / "site", "Tân Hòa", [{"name": "Sai", "url": "sources/x.xml", "target": "khong-co"}])
    with pytest.raises(BuildError) as exc:
        run(site, tmp_path / "out")
    assert "site.yaml: sources[0] ('Sai'): 'target': không có chuyên mục 'khong-co'" in str(exc.value)


# --- the cache stays correct -----------------------------------------------------------------------


def test_incremental_build_follows_feed_and_alert_changes(server, tmp_path):
    feed = (FIXTURES / "atom.xml").read_bytes()
    news = server.set("tin-doi", feed)
    alerts = server.route("canh-bao-doi", "/f/cap-wind.xml")
    site = write_site(tmp_path / "site", "Tân Hòa", [
        {"name": "UBND tỉnh", "url": news, "target": "thong-tin-tu-cap-tren"},
        {"name": "Phòng thủ dân sự", "url": alerts, "target": "alerts"},
    ])
    out = tmp_path / "out"

    def check(now: datetime = NOW) -> BuildResult:
        result = run(site, out, now=now)
        clean = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
        run(site, clean, now=now, cache=False)
        assert snapshot(out) == snapshot(clean)
        return result

    first = check()
    assert banner(out / "index.html") == ["Gió mạnh trên vùng biển ven bờ"]
    assert run(site, out).rendered == 0  # unchanged sources (304): nothing rendered

    server.set("tin-doi", feed.replace("tuyển dụng viên chức".encode(), "tuyển dụng công chức".encode()))
    changed = check()
    assert 0 < changed.rendered < first.rendered  # the section list, not every page
    assert "tuyển dụng công chức" in text_of(html(out / "thong-tin-tu-cap-tren/index.html").xpath("//main")[0])

    server.route("canh-bao-doi", "/f/cap-alert.xml")
    alert_changed = check()
    html_outputs = len(list(out.rglob("*.html")))
    assert alert_changed.rendered >= html_outputs  # the banner is on every page
    assert banner(out / "tin-tuc/hop-dan-ap-hoa-thanh/index.html") == ["Cảnh báo lũ lớn trên sông Hòa"]

    # Same inputs, a later clock: the alert expires (2025-10-06 08:00), so the fast path must not answer.
    later = check(d(2025, 10, 6, 9))
    assert later.rendered > 0 and banner(out / "index.html") == []
    assert len(html(out / "index.html").xpath("//section[contains(@class,'alert-banner')][@hidden]")) == 1  # kept for the script
    assert json.loads((out / "alerts.json").read_text(encoding="utf-8"))["alerts"] == []


def test_cap_update_then_cancel_over_http(server, tmp_path):
    alerts = server.route("cap-chuoi", "/f/cap-alert.xml")
    update = server.route("cap-chuoi-2", "/status/404")
    site = write_site(tmp_path / "site", "Tân Hòa", [
        {"name": "PCTT", "url": alerts, "target": "alerts"}, {"name": "PCTT cập nhật", "url": update, "target": "alerts"}])
    out = tmp_path / "out"
    run(site, out)
    assert banner(out / "index.html") == ["Cảnh báo lũ lớn trên sông Hòa"]
    server.route("cap-chuoi-2", "/f/cap-update.xml")
    run(site, out, now=d(2025, 10, 5, 9))
    assert banner(out / "index.html") == ["Cập nhật: lũ trên sông Hòa lên cấp độ 4"]
    server.route("cap-chuoi", "/f/cap-cancel.xml")
    run(site, out, now=d(2025, 10, 5, 21))
    assert banner(out / "index.html") == []


@pytest.mark.attack("spoofed alerts")
def test_no_other_source_takes_a_real_alert_off_the_banner(server, tmp_path):
    """A Test Cancel on a second alert source and Cancels embedded in a news feed leave the banner up."""
    site = write_site(tmp_path / "site", "Tân Hòa", [
        {"name": "PCTT", "url": server.url("/f/cap-alert.xml"), "target": "alerts"},
        {"name": "Kênh thử nghiệm", "url": server.url("/f/cap-spoof-test-cancel.xml"), "target": "alerts"},
        {"name": "Tin tỉnh", "url": server.url("/f/cap-spoof-in-news.xml"), "target": "thong-tin-tu-cap-tren"}])
    out = tmp_path / "out"
    run(site, out)
    for page in ("index.html", "tin-tuc/index.html"):
        assert banner(out / page) == ["Cảnh báo lũ lớn trên sông Hòa"]
    assert [a["id"] for a in json.loads((out / "alerts.json").read_text(encoding="utf-8"))["alerts"]] == ["pctt@tinh.example.vn,LU-1"]


# --- the round trip: two communes, and a site that takes in their feeds ----------------------------


def test_round_trip_two_communes_and_an_aggregator(server, tmp_path):
    a = write_site(tmp_path / "a", "Hòa Thạnh", [], code="29701", extra={"feeds": {"full_content": True}}, pages={
        "content/tin-tuc/khanh-thanh-cau.md": "---\ntitle: Khánh thành cầu Hòa Thạnh\ndate: 2025-09-28\ntags: [Giao thông]\n---\n"
                                              "Cầu **bê tông** dài 42 m.\n",
        "content/tin-tuc/tiem-chung.md": "---\ntitle: Tiêm chủng cho trẻ em\ndate: 2025-09-25\n---\nTại trạm y tế xã.\n",
    })
    b = write_site(tmp_path / "b", "Hòa Mỹ", [], code="29702", pages={
        "content/tin-tuc/ngay-hoi.md": "---\ntitle: Ngày hội Đại đoàn kết ấp Mỹ Phú\ndate: 2025-09-30\n---\nNgày hội vui.\n",
    })
    run(a, tmp_path / "out-a", cache=False)
    run(b, tmp_path / "out-b", cache=False)
    a_url, b_url = server.mount("a", tmp_path / "out-a"), server.mount("b", tmp_path / "out-b")

    # What an aggregator reads: stable GUIDs (the permanent URLs), categories, the administrative code.
    feed_a = feedparser.parse((tmp_path / "out-a/rss.xml").read_bytes())
    assert {"term": "29701", "scheme": CODE_SCHEME, "label": None} in feed_a.feed.tags
    entry = next(e for e in feed_a.entries if e.title == "Khánh thành cầu Hòa Thạnh")
    assert entry.id == entry.link == "https://hoathanh.vinhlong.gov.vn/tin-tuc/khanh-thanh-cau-hoa-thanh/"
    assert [t.term for t in entry.tags] == ["Giao thông", "Tin tức"] and "<strong>bê tông</strong>" in entry.content[0].value

    c = write_site(tmp_path / "c", "Hòa Bình", [
        {"name": "Xã Hòa Thạnh", "url": a_url + "rss.xml", "target": "thong-tin-tu-cap-tren", "full_pages": True},
        {"name": "Xã Hòa Thạnh (Atom)", "url": a_url + "atom.xml", "target": "thong-tin-tu-cap-tren"},
        {"name": "Xã Hòa Mỹ", "url": b_url + "atom.xml", "target": "home"},
        {"name": "Xã Hòa Mỹ (tin tức)", "url": b_url + "tin-tuc/rss.xml", "target": "home", "keywords": ["không có từ này"]},
    ], code="29703")
    result = run(c, tmp_path / "out-c", cache=False)
    assert result.warnings == []
    out = tmp_path / "out-c"
    section = html(out / "thong-tin-tu-cap-tren/index.html")
    items = section.xpath("//section[@class='source-items']//li")
    assert [text_of(i.xpath(".//*[contains(@class,'source-title')]")[0]) for i in items] == [
        "Khánh thành cầu Hòa Thạnh", "Tiêm chủng cho trẻ em"]  # RSS and Atom of A: each item once
    assert all("Nguồn: Xã Hòa Thạnh" in text_of(i) for i in items)
    assert items[0].xpath(".//p[@class='source-meta']/a/@href") == ["https://hoathanh.vinhlong.gov.vn/tin-tuc/khanh-thanh-cau-hoa-thanh/"]
    own = items[0].xpath(".//a[contains(@class,'source-title')]/@href")[0]
    body = html(out / own.strip("/") / "index.html")
    assert "Cầu bê tông dài 42 m." in text_of(body.xpath("//main")[0])
    home = html(out / "index.html").xpath("//section[@aria-labelledby='h-source-items']")[0]
    assert [text_of(x) for x in home.xpath(".//a[contains(@class,'source-title')]")] == ["Ngày hội Đại đoàn kết ấp Mỹ Phú"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(s["name"], s["items"]) for s in manifest["sources"]] == [
        ("Xã Hòa Thạnh", 2), ("Xã Hòa Thạnh (Atom)", 0), ("Xã Hòa Mỹ", 1), ("Xã Hòa Mỹ (tin tức)", 0)]
    # C's own feeds carry only C's own pages: nothing taken in is published again.
    assert [e.title for e in feedparser.parse((out / "rss.xml").read_bytes()).entries] == ["Họp dân ấp Hòa Thạnh"]


# --- the command line and the example -------------------------------------------------------------


def test_feeds_fetch_then_build_offline(server, tmp_path):
    site = write_site(tmp_path / "site", "Tân Hòa", [
        {"name": "UBND tỉnh", "url": server.url("/f/rss20.xml"), "target": "thong-tin-tu-cap-tren"},
        {"name": "Hỏng", "url": server.url("/f/malformed.xml"), "target": "home"},
    ])
    runner = CliRunner()
    fetched = runner.invoke(cli, ["feeds", "fetch", str(site)])
    assert fetched.exit_code == 0, fetched.output
    assert [" ".join(line.split()) for line in fetched.stdout.splitlines()] == [
        "mới UBND tỉnh: 3 tin, 0 cảnh báo (rss20)", "không có Hỏng: không có dữ liệu"]
    assert "nguồn tin 'Hỏng'" in fetched.stderr and "XML không hợp lệ" in fetched.stderr
    assert runner.invoke(cli, ["feeds", "fetch", str(site), "--strict"]).exit_code == 1
    before = sum(server.hits.values())
    built = runner.invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--offline", "--now", "2025-10-05"])
    assert built.exit_code == 0, built.output
    assert sum(server.hits.values()) == before  # --offline: no request at all
    assert "Lịch cắt điện tuần 43" in (tmp_path / "out/thong-tin-tu-cap-tren/index.html").read_text(encoding="utf-8")


def test_the_example_site_takes_in_its_local_sources(tmp_path):
    site = copy_site(EXAMPLE, tmp_path / "site")
    run(site, tmp_path / "out", now=d(2025, 10, 5, 12), cache=False)
    out = tmp_path / "out"
    # The khẩn cấp bulletin of 03/10 left the banner after 24 hours; the flood warning is in force until 07/10.
    assert banner(out / "index.html") == ["Cảnh báo lũ kết hợp triều cường trên sông Tiền, rủi ro thiên tai cấp độ 2"]
    box = html(out / "index.html").xpath("//section[@aria-labelledby='h-source-items']")[0]
    assert len(box.xpath(".//li")) == 3 and "Nguồn: UBND tỉnh Đồng Tháp" in text_of(box)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["qa"]["section"] == "hoi-dap" and manifest["qa"]["answered"] > 0
    assert manifest["commune"]["code"] == "30997"
    shutil.rmtree(out)
