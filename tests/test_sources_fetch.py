"""Fetching sources over real HTTP on 127.0.0.1 (tests/feedserver.py).

Every way a source can fail (down, slow, 5xx, a redirect loop, garbage, too
big, a changed encoding, an XML bomb) must leave the build with the last good
copy and a warning naming the source and the reason.
"""

from __future__ import annotations

import json
import socket
import time
import tracemalloc
from pathlib import Path

import pytest

from feedserver import BIG, FeedServer
from test_sources_parse import cp1258
from xaweb.config import Source
from xaweb.sources.fetch import FetchError, FetchSettings, SourceCache, fetch_one, fetch_sources, http_get

FIXTURES = Path(__file__).parent / "sources"
SETTINGS = FetchSettings(connect_timeout=1, read_timeout=1, total_timeout=3, max_bytes=1024 * 1024, max_redirects=3)


@pytest.fixture(scope="module")
def server():
    with FeedServer() as s:
        yield s


def src(name: str, url: str, **kw) -> Source:
    return Source(name=name, url=url, target=kw.pop("target", "home"), **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("name", ["rss090.xml", "rss091.xml", "rss092.xml", "rss10.xml", "rss20.xml", "atom.xml", "feed.json",
                                  "cap-alert.xml", "cap-update.xml", "cap-cancel.xml", "cap-atom.xml"])
def test_every_format_over_http(server, tmp_path, name):
    copy, problems = fetch_one(src(name, server.url(f"/f/{name}")), tmp_path, SourceCache(tmp_path), SETTINGS, offline=False)
    assert problems == []
    assert copy.state == "fresh" and copy.digest
    assert copy.parsed.items or copy.parsed.alerts


def test_encodings_over_http(server, tmp_path):
    text = (FIXTURES / "rss20.xml").read_text(encoding="utf-8")
    cp = server.set("cp1258", cp1258(text.replace('encoding="utf-8"', 'encoding="windows-1258"')))
    bom = server.set("bom-json", b"\xef\xbb\xbf" + (FIXTURES / "feed.json").read_bytes(), headers={"Content-Type": "application/json"})
    report = fetch_sources([src("cp1258", cp), src("bom", bom)], tmp_path, SETTINGS)
    assert report.problems == []
    assert report.copies[0].parsed.items[0].title == "Hướng dẫn tiêm chủng mở rộng đợt 2"
    assert report.copies[1].parsed.items[0].title == "Bão số 5 đổ bộ, các xã ven biển chủ động ứng phó"


def test_conditional_get_and_the_cache_on_disk(server, tmp_path):
    source = src("Tỉnh Hòa Bình Xanh", server.url("/f/rss20.xml"))
    first = fetch_sources([source], tmp_path, SETTINGS).copies[0]
    assert first.state == "fresh" and server.conditional["/f/rss20.xml"] == 0
    second = fetch_sources([source], tmp_path, SETTINGS).copies[0]
    assert server.conditional["/f/rss20.xml"] == 1  # If-None-Match sent, 304 answered
    assert second.state == "unchanged" and second.digest == first.digest and second.parsed == first.parsed
    cache = tmp_path / ".xaweb-cache"
    assert (cache / ".gitignore").read_text(encoding="utf-8") == "*\n"
    [meta] = (cache / "sources").glob("*.json")
    assert meta.name.startswith("tinh-hoa-binh-xanh-")
    stored = json.loads(meta.read_text(encoding="utf-8"))
    assert stored["etag"] and stored["last_modified"] and stored["url"] == source.url


def test_feed_of_cap_links_fetches_each_message_once(server, tmp_path):
    source = src("CAP", server.url("/f/cap-links.xml"), target="alerts")
    copy = fetch_sources([source], tmp_path, SETTINGS).copies[0]
    assert sorted(a.id.split(",")[1] for a in copy.parsed.alerts) == ["GIO-1", "LU-1"]
    hits = server.hits["/f/cap-alert.xml"]
    again = fetch_sources([source], tmp_path, SETTINGS).copies[0]
    assert again.parsed.alerts == copy.parsed.alerts and again.state == "unchanged"
    assert server.hits["/f/cap-alert.xml"] == hits  # a CAP message never changes: the copy is reused


FAILURES = {
    "loi-500": ("/status/500", "HTTP 500"),
    "loi-503": ("/status/503", "HTTP 503"),
    "cham": ("/slow", "quá thời gian chờ"),
    "nho-giot": ("/drip", "tải quá 3 giây"),
    "vong-lap": ("/loop/a", "chuyển hướng quá 3 lần"),
    "qua-lon": ("/big", "lớn hơn giới hạn 1024 KB"),
    "qua-lon-khong-do-dai": ("/big-stream", "lớn hơn giới hạn 1024 KB"),
    "trang-html": ("/html", "không nhận ra định dạng"),
    "xml-hong": ("/f/malformed.xml", "XML không hợp lệ"),
    "bom-thuc-the": ("/f/bomb.xml", "thực thể"),
    "thuc-the-ngoai": ("/f/xxe.xml", "thực thể"),
    "doi-ma-hoa": (None, "XML không hợp lệ"),  # the same feed, now in Windows-1258 but still declared UTF-8
}


@pytest.mark.fault("source feeds down")
def test_every_failure_falls_back_to_the_last_good_copy_concurrently(server, tmp_path):
    sources = [src(name, server.route(name, "/f/rss20.xml")) for name in FAILURES]
    good = fetch_sources(sources, tmp_path, SETTINGS)
    assert [c.state for c in good.copies] == ["fresh"] * len(FAILURES) and good.problems == []

    for name, (route, _) in FAILURES.items():
        if route:
            server.route(name, route)
        else:
            server.set(name, cp1258((FIXTURES / "rss20.xml").read_text(encoding="utf-8")))
    started = time.monotonic()
    report = fetch_sources(sources, tmp_path, SETTINGS)
    elapsed = time.monotonic() - started
    # Sequentially this would take slow + drip + ... > 5 s; concurrently, about the longest one (the 3 s deadline).
    assert elapsed < SETTINGS.total_timeout + 1.5, elapsed
    assert [c.state for c in report.copies] == ["cached"] * len(FAILURES)
    for good_copy, copy in zip(good.copies, report.copies):
        assert copy.parsed == good_copy.parsed and copy.digest == good_copy.digest
    assert len(report.problems) == len(FAILURES)
    for (name, (_, reason)), problem in zip(FAILURES.items(), report.problems):
        assert problem.level == "warning" and problem.path == "site.yaml"
        assert f"nguồn tin '{name}'" in problem.message and reason in problem.message, problem.message
        assert "dùng bản lưu tải lúc" in problem.message


def test_without_a_copy_a_failing_source_is_skipped_with_a_warning(server, tmp_path):
    down = src("Tắt máy", f"http://127.0.0.1:{free_port()}/rss.xml")
    broken = src("Hỏng", server.url("/status/500"))
    report = fetch_sources([down, broken], tmp_path, SETTINGS)
    assert [c.state for c in report.copies] == ["missing", "missing"]
    assert [c.parsed for c in report.copies] == [None, None]
    assert "không kết nối được" in report.problems[0].message
    assert "HTTP 500" in report.problems[1].message
    assert all("chưa có bản lưu nên nguồn này bị bỏ qua" in p.message for p in report.problems)


def test_offline_uses_the_copies_without_the_network(server, tmp_path):
    source = src("Tỉnh", server.url("/f/atom.xml"))
    never = src("Chưa tải", server.url("/f/rss10.xml"))
    fetch_sources([source], tmp_path, SETTINGS)
    before = sum(server.hits.values())
    report = fetch_sources([source, never], tmp_path, SETTINGS, offline=True)
    assert sum(server.hits.values()) == before
    assert [c.state for c in report.copies] == ["cached", "missing"]
    assert report.copies[0].parsed.items[0].title == "Hội nghị chuyển đổi số cấp xã"
    [problem] = report.problems
    assert "'Chưa tải'" in problem.message and "xaweb feeds fetch" in problem.message


def test_a_damaged_copy_counts_as_none(server, tmp_path):
    source = src("Tỉnh", server.url("/f/rss092.xml"))
    fetch_sources([source], tmp_path, SETTINGS)
    [meta] = (tmp_path / ".xaweb-cache" / "sources").glob("*.json")
    meta.write_text("{không phải json", encoding="utf-8")
    report = fetch_sources([source], tmp_path, SETTINGS, offline=True)
    assert report.copies[0].state == "missing"


def test_local_files_are_read_as_they_are(tmp_path):
    (tmp_path / "nguon").mkdir()
    (tmp_path / "nguon" / "tinh.xml").write_bytes((FIXTURES / "rss20.xml").read_bytes())
    (tmp_path / "nguon" / "hong.xml").write_bytes((FIXTURES / "malformed.xml").read_bytes())
    report = fetch_sources([src("Tỉnh", "nguon/tinh.xml"), src("Hỏng", "nguon/hong.xml"), src("Thiếu", "nguon/khong-co.xml")],
                           tmp_path, SETTINGS, offline=True)
    assert [c.state for c in report.copies] == ["fresh", "missing", "missing"]
    assert len(report.copies[0].parsed.items) == 3
    assert ["XML không hợp lệ" in report.problems[0].message, "không đọc được tệp" in report.problems[1].message] == [True, True]
    assert not (tmp_path / ".xaweb-cache").exists()  # a local file is its own copy


@pytest.mark.attack("hostile servers")
def test_redirects_are_limited(server):
    assert http_get(server.url("/redirect/3/rss20.xml"), SETTINGS).url.endswith("/f/rss20.xml")
    with pytest.raises(FetchError, match="chuyển hướng"):
        http_get(server.url("/redirect/4/rss20.xml"), SETTINGS)
    to_file = server.set("sang-file", b"", 302, {"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="chuyển hướng"):
        http_get(to_file, SETTINGS)


@pytest.mark.attack("hostile servers")
def test_a_50_mb_response_is_never_held_in_memory(server):
    for path in ("/big", "/big-stream"):
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="lớn hơn giới hạn"):
                http_get(server.url(path), SETTINGS)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 8 * 1024 * 1024 < BIG, (path, peak)


@pytest.mark.attack("hostile servers")
def test_dtd_and_external_entities_never_reach_the_network(server, tmp_path):
    doctype = (FIXTURES / "rss20.xml").read_text(encoding="utf-8").replace(
        "<rss ", f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">\n<rss ', 1)
    entity = (FIXTURES / "rss20.xml").read_text(encoding="utf-8").replace(
        "<rss ", f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{server.url("/evil.ent")}">]>\n<rss ', 1).replace(
        "Lịch cắt điện tuần 43", "&x;")
    report = fetch_sources([src("DTD", server.set("dtd", doctype.encode())), src("Thực thể", server.set("ent", entity.encode()))],
                           tmp_path, SETTINGS)
    assert report.copies[0].state == "fresh"  # a DOCTYPE alone is harmless: it is never loaded
    assert report.copies[1].state == "missing" and "thực thể" in report.problems[0].message
    assert server.hits["/evil.dtd"] == 0 and server.hits["/evil.ent"] == 0


# --- one deadline per source, one budget per build (hostile servers) ---------------


@pytest.mark.attack("hostile servers")
def test_headers_trickled_one_byte_at_a_time_meet_the_deadline(server):
    # Each byte arrives well inside the read timeout, so only a wall-clock deadline ends it.
    for url in (server.url("/drip-headers"), server.url("/to?/drip-headers")):
        started = time.monotonic()
        with pytest.raises(FetchError, match="tải quá 3 giây"):
            http_get(url, SETTINGS)
        assert time.monotonic() - started < SETTINGS.total_timeout + 1.5


@pytest.mark.attack("hostile servers")
def test_linked_messages_share_their_source_deadline(server, tmp_path):
    links = "".join(f'<entry><id>e{i}</id><title>Cảnh báo {i}</title><updated>2026-12-01T08:00:00+07:00</updated>'
                    f'<link type="application/cap+xml" href="{server.url(f"/drip-headers?{i}")}"/></entry>' for i in range(8))
    feed = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>CAP</title><id>x</id><updated>2026-12-01T08:00:00+07:00</updated>{links}</feed>'
    source = src("Tám bản tin chậm", server.set("cham-8", feed.encode()), target="alerts")
    started = time.monotonic()
    copy, problems = fetch_one(source, tmp_path, SourceCache(tmp_path), SETTINGS, offline=False)
    assert time.monotonic() - started < SETTINGS.total_timeout + 1.5
    assert copy.state == "fresh" and copy.parsed.alerts == ()
    assert len(problems) == 8 and all("tải quá 3 giây" in p.message for p in problems)


@pytest.mark.attack("hostile servers")
def test_all_sources_of_a_build_end_within_the_budget(server, tmp_path):
    settings = FetchSettings(connect_timeout=1, read_timeout=1, total_timeout=3, budget=2, max_bytes=1024 * 1024)
    sources = [src(f"chậm {i}", server.url(f"/drip-headers?b{i}")) for i in range(12)]  # more than the worker pool
    started = time.monotonic()
    report = fetch_sources(sources, tmp_path, settings)
    assert time.monotonic() - started < settings.budget + 1.5
    assert [c.state for c in report.copies] == ["missing"] * 12
    assert all("hết 2 giây dành cho mọi nguồn" in p.message for p in report.problems), report.problems


@pytest.mark.attack("hostile servers")
def test_a_feed_is_read_up_to_max_entries(server, tmp_path):
    from xaweb.sources.adapters import MAX_ENTRIES

    items = "".join(f"<item><title>Tin {i}</title><link>https://tinh.example.vn/{i}</link></item>" for i in range(MAX_ENTRIES + 700))
    feed = f'<rss version="2.0"><channel><title>Nhiều tin</title>{items}</channel></rss>'
    copy, problems = fetch_one(src("Nhiều tin", server.set("nhieu-tin", feed.encode())), tmp_path, SourceCache(tmp_path), SETTINGS, offline=False)
    assert len(copy.parsed.items) == MAX_ENTRIES and copy.parsed.items[-1].title == f"Tin {MAX_ENTRIES - 1}"
    [problem] = problems
    assert f"chỉ đọc {MAX_ENTRIES} tin đầu, bỏ 700 tin sau" in problem.message


# --- where a feed can make the build connect ----------------------------------------


@pytest.mark.attack("hostile servers")
def test_linked_messages_come_only_from_allowed_hosts(server, tmp_path):
    # "localhost" is the same server under a name the configuration does not give.
    other = server.url("/f/cap-wind.xml").replace("127.0.0.1", "localhost")
    feed = (FIXTURES / "cap-links.xml").read_text(encoding="utf-8").replace('href="cap-wind.xml"', f'href="{other}"').replace(
        'href="cap-alert.xml"', f'href="{server.url("/f/cap-alert.xml")}"')
    url = server.set("lien-ket-ngoai", feed.encode())
    before = server.hits["/f/cap-wind.xml"]
    copy, problems = fetch_one(src("CAP", url, target="alerts"), tmp_path, SourceCache(tmp_path), SETTINGS, offline=False)
    assert [a.id.split(",")[1] for a in copy.parsed.alerts] == ["LU-1"]
    assert server.hits["/f/cap-wind.xml"] == before  # never requested
    [problem] = problems
    assert other in problem.message and "linked_hosts" in problem.message
    allowed = src("CAP", url, target="alerts", linked_hosts=("localhost",))
    copy, problems = fetch_one(allowed, tmp_path / "b", SourceCache(tmp_path / "b"), SETTINGS, offline=False)
    assert problems == [] and sorted(a.id.split(",")[1] for a in copy.parsed.alerts) == ["GIO-1", "LU-1"]


@pytest.mark.parametrize("target", ["http://localhost:{port}/f/rss20.xml", "http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/", "http://[::1]:{port}/f/rss20.xml", "http://0.0.0.0:{port}/f/rss20.xml"])
@pytest.mark.attack("hostile servers")
def test_a_redirect_cannot_reach_an_internal_address(server, tmp_path, target):
    port = server.httpd.server_address[1]
    url = server.url("/to?" + target.format(port=port))
    copy, [problem] = fetch_one(src("Chuyển hướng", url), tmp_path, SourceCache(tmp_path), SETTINGS, offline=False)
    assert copy.state == "missing" and "bị chặn" in problem.message and "nội bộ" in problem.message
