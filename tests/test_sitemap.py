"""xaweb.render.sitemap: sitemap.xml read back with lxml, and robots.txt."""

from __future__ import annotations

from datetime import date, datetime, timezone

from lxml import etree

from xaweb.render.sitemap import robots_txt, sitemap_xml
from xaweb.vietnamese import VN_TZ

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://hoaphuoc.danang.gov.vn"


def parse(data: bytes):
    return etree.fromstring(data)


def urls(root) -> list[tuple[str, str | None]]:
    out = []
    for url in root.findall("s:url", NS):
        lastmod = url.find("s:lastmod", NS)
        out.append((url.find("s:loc", NS).text, lastmod.text if lastmod is not None else None))
    return out


def test_sitemap_is_valid_xml_in_the_sitemap_namespace():
    data = sitemap_xml([(f"{BASE}/", datetime(2024, 3, 4, tzinfo=VN_TZ))])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert urls(root) == [(f"{BASE}/", "2024-03-04T00:00:00+07:00")]


def test_loc_escapes_ampersand_and_angle_brackets():
    loc = f"{BASE}/tim-kiem/?q=a&loai=<b>"
    data = sitemap_xml([(loc, None)])
    assert b"&amp;loai=&lt;b&gt;" in data
    assert b"&loai" not in data
    assert urls(parse(data)) == [(loc, None)]


def test_lastmod_is_plus_seven_for_naive_aware_and_date_values():
    entries = [
        (f"{BASE}/a/", datetime(2024, 3, 4, 8, 30)),  # naive: Vietnam time
        (f"{BASE}/b/", datetime(2024, 3, 3, 18, 30, tzinfo=timezone.utc)),  # converted across midnight
        (f"{BASE}/c/", date(2024, 1, 15)),
        (f"{BASE}/d/", None),
    ]
    assert urls(parse(sitemap_xml(entries))) == [
        (f"{BASE}/a/", "2024-03-04T08:30:00+07:00"),
        (f"{BASE}/b/", "2024-03-04T01:30:00+07:00"),
        (f"{BASE}/c/", "2024-01-15T00:00:00+07:00"),
        (f"{BASE}/d/", None),
    ]


def test_vietnamese_text_in_url_is_kept_as_utf8():
    loc = f"{BASE}/tệp/báo-cáo.pdf"
    assert urls(parse(sitemap_xml([(loc, None)]))) == [(loc, None)]


def test_empty_sitemap_is_still_valid():
    root = parse(sitemap_xml([]))
    assert urls(root) == []
    assert root.tag.endswith("urlset")


def test_sitemap_is_deterministic():
    entries = [(f"{BASE}/", datetime(2024, 3, 4, tzinfo=VN_TZ)), (f"{BASE}/x/", None)]
    assert sitemap_xml(entries) == sitemap_xml(list(entries))


def test_robots_txt_points_at_the_sitemap():
    assert robots_txt(f"{BASE}/sitemap.xml") == (
        b"User-agent: *\nAllow: /\n\nSitemap: https://hoaphuoc.danang.gov.vn/sitemap.xml\n"
    )
