"""xaweb.sources without the network: detection, adapters, CAP, safety, merge.

Fixtures are the files in tests/sources/; encodings that cannot sit in a text
fixture (Windows-1258, a BOM) are made from them here.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from xaweb.config import Source
from xaweb.sources import adapters
from xaweb.sources.adapters import parse_document
from xaweb.sources.detect import sniff
from xaweb.priorities import NORMAL, PRIORITY, URGENT, parse_priority
from xaweb.sources.levels import LEVEL_SEVERITY, parse_level, severity
from xaweb.content.model import Page
from xaweb.sources.merge import active_alerts, check_sources, item_slug, merge, next_change, page_alert
from xaweb.sources.model import ALERTS, HOME, FeedItem, Parsed, SourceError
from xaweb.sources.safety import clean_html, safe_link
from xaweb.vietnamese import VN_TZ

FIXTURES = Path(__file__).parent / "sources"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, base: str = "") -> Parsed:
    return parse_document(load(name), "auto", base)


def d(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def source(name: str = "Tỉnh", target: str = "tin-tu-tinh", **kw) -> Source:
    return Source(name=name, url=kw.pop("url", f"sources/{name}.xml"), target=target, **kw)


def cp1258(text: str) -> bytes:
    """Windows-1258 spells most Vietnamese letters as a base letter plus a combining tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        # "ộ" is "ô" (a letter of its own in the code page) plus a combining dot below.
        for i, mark in enumerate(marks):
            letter = unicodedata.normalize("NFC", base + mark)
            try:
                out += (letter + "".join(marks[:i] + marks[i + 1:])).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return out


# --- detection and the standard formats ------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("rss090.xml", "rss"), ("rss091.xml", "rss"), ("rss092.xml", "rss"), ("rss10.xml", "rss"), ("rss20.xml", "rss"),
    ("atom.xml", "atom"), ("feed.json", "jsonfeed"), ("cap-alert.xml", "cap"), ("cap-atom.xml", "atom"),
])
def test_formats_are_detected_by_content(name, kind):
    assert sniff(load(name)) == kind
    assert sniff(b"\xef\xbb\xbf" + load(name)) == kind  # a BOM changes nothing


def test_other_content_is_not_a_feed():
    assert sniff(b"<!DOCTYPE html><html><body>Wi-Fi</body></html>") == ""
    assert sniff(b'{"version": "1.0", "items": []}') == ""
    assert sniff(b"\x00\x01binary") == ""
    with pytest.raises(SourceError, match="không nhận ra định dạng"):
        parse_document(b"<html><body>x</body></html>")
    with pytest.raises(SourceError, match="rỗng"):
        parse_document(b"  \n")


@pytest.mark.parametrize(("name", "version", "title", "link"), [
    ("rss090.xml", "rss090", "Tin theo RSS 0.90", "https://tinh.example.vn/rss090/tin-mot"),
    ("rss091.xml", "rss091n", "Tin theo RSS 0.91", "https://tinh.example.vn/rss091/tin-mot"),
    ("rss092.xml", "rss092", "Tin theo RSS 0.92", "https://tinh.example.vn/rss092/tin-mot"),
    ("rss10.xml", "rss10", "Tin theo RSS 1.0", "https://tinh.example.vn/rss10/tin-mot"),
    ("rss20.xml", "rss20", "Hướng dẫn tiêm chủng mở rộng đợt 2", "https://tinh.example.vn/tin/tiem-chung-dot-2"),
    ("atom.xml", "atom10", "Hội nghị chuyển đổi số cấp xã", "https://tinh.example.vn/atom/chuyen-doi-so"),
    ("feed.json", "jsonfeed", "Bão số 5 đổ bộ, các xã ven biển chủ động ứng phó", "https://tinh.example.vn/json/bao-so-5"),
])
def test_every_standard_format_reads(name, version, title, link):
    parsed = parse(name)
    assert parsed.format == version
    first = parsed.items[0]
    assert (first.title, first.link) == (title, link)
    assert all(unicodedata.is_normalized("NFC", i.title) for i in parsed.items)


def test_rss20_fields_priorities_and_levels():
    items = {i.id: i for i in parse("rss20.xml").items}
    tiem = items["rss20-tiem-chung"]
    assert tiem.date == d(2025, 10, 20, 8)
    assert tiem.priority == PRIORITY and tiem.categories == ("Y tế",)
    assert tiem.summary == "Các xã tổ chức tiêm chủng từ ngày 25/10/2025."
    assert "<strong>tiêm chủng</strong>" in tiem.content_html
    so_tan = items["rss20-so-tan"]
    # "Khẩn cấp" and "Cấp độ 4" are read as the priority and the risk level, not shown as categories.
    assert (so_tan.priority, so_tan.level, so_tan.categories) == (URGENT, 4, ("Phòng chống thiên tai",))
    assert items["rss20-cat-dien"].priority is None  # the source's default applies later


def test_atom_html_title_becomes_text_and_dates_keep_their_offset():
    entry = parse("atom.xml").items[0]
    assert entry.title == "Hội nghị chuyển đổi số cấp xã"
    assert entry.date == d(2025, 10, 21, 9) and entry.updated == d(2025, 10, 22, 10)
    assert entry.content_html == "<p>Toàn văn hội nghị <b>chuyển đổi số</b>.</p>"


def test_json_feed_extension_and_relative_urls():
    bao, le_hoi = parse("feed.json", base="https://tinh.example.vn/nguon/feed.json").items
    assert (bao.priority, bao.level, bao.expires) == (URGENT, 3, d(2025, 10, 24, 6))
    assert (bao.area, bao.instruction) == ("Các xã ven biển", "Không ra khơi; gia cố nhà cửa.")
    assert bao.content_html == "<p>Các xã ven biển kiểm đếm tàu thuyền.</p><p>Di dời dân khỏi nhà yếu.</p>"
    assert le_hoi.link == "https://tinh.example.vn/json/le-hoi"
    assert parse("feed.json").items[1].link is None  # relative, with nothing to resolve it against


def test_invalid_json_feed_items_are_skipped_not_fatal():
    items = parse("xss.json").items
    assert [i.id for i in items] == ["json-xss-1"]
    with pytest.raises(SourceError, match="JSON không hợp lệ"):
        parse_document(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "jsonfeed")
    with pytest.raises(SourceError, match="không phải JSON Feed"):
        parse_document(b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "jsonfeed")


# --- CAP ------------------------------------------------------------------------------


def test_cap_message_uses_the_vietnamese_info_block():
    [alert] = parse("cap-alert.xml").alerts
    assert alert.id == "pctt@tinh.example.vn,LU-1"
    assert alert.headline == "Cảnh báo lũ lớn trên sông Hòa"
    assert (alert.severity, alert.urgency, alert.certainty, alert.level) == ("Severe", "Immediate", "Likely", 3)
    assert alert.area == "Xã Hòa Bình; Xã Hòa Lợi"
    assert alert.instruction == "Di chuyển người và tài sản lên nơi cao."
    assert (alert.sent, alert.expires) == (d(2025, 10, 4, 8), d(2025, 10, 6, 8))
    assert alert.link == "https://tinh.example.vn/canh-bao/LU-1"


def test_cap_update_replaces_and_cancel_removes():
    alert, update, cancel, wind = (parse(n).alerts[0] for n in ("cap-alert.xml", "cap-update.xml", "cap-cancel.xml", "cap-wind.xml"))
    assert update.references == (alert.id,) and cancel.references == (update.id,)
    now = d(2025, 10, 5, 12)
    assert [a.id for a in active_alerts([alert, wind], now)] == [alert.id, wind.id]  # Severe before Moderate
    assert [a.headline for a in active_alerts([alert, update, wind], now)] == ["Cập nhật: lũ trên sông Hòa lên cấp độ 4", wind.headline]
    assert active_alerts([alert, update, cancel, wind], now) == (wind,)
    assert active_alerts([wind], d(2025, 10, 8, 9)) == ()  # gone at `expires`


def test_cap_feeds_embedded_and_linked():
    embedded = parse("cap-atom.xml")
    assert [a.status for a in embedded.alerts] == ["Actual", "Actual", "Test"]
    assert [a.id for a in active_alerts(embedded.alerts, d(2025, 10, 5))] == ["pctt@tinh.example.vn,LU-1", "pctt@tinh.example.vn,GIO-1"]
    linked = parse("cap-links.xml", base="https://tinh.example.vn/canh-bao/feed.xml")
    assert linked.links == ("https://tinh.example.vn/canh-bao/cap-alert.xml", "https://tinh.example.vn/canh-bao/cap-wind.xml")


def test_entries_with_cap_fields_are_alerts_too():
    [alert] = parse("cap-inline.xml").alerts
    assert (alert.headline, alert.event, alert.area) == ("Nguy cơ sạt lở đất ở vùng núi phía Tây", "Sạt lở đất", "Xã Hòa Sơn")
    assert (alert.severity, alert.urgency, alert.expires) == ("Severe", "Expected", d(2025, 10, 6, 10))
    assert alert.link == "https://tinh.example.vn/canh-bao/sl-1"


@pytest.mark.attack("feeds")
def test_cap_is_checked():
    with pytest.raises(SourceError, match="DTD"):
        parse_document(b'<?xml version="1.0"?><!DOCTYPE alert><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>', "cap")
    with pytest.raises(SourceError, match="identifier"):
        parse_document(b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><sender>x</sender></alert>', "cap")
    with pytest.raises(SourceError, match="không phải bản tin CAP"):
        parse_document(load("rss20.xml"), "cap")


# --- safety ---------------------------------------------------------------------------


@pytest.mark.attack("feeds")
@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_entity_declarations_are_refused(name):
    with pytest.raises(SourceError, match="thực thể"):
        parse(name)


@pytest.mark.attack("feeds")
def test_malformed_xml_is_refused():
    with pytest.raises(SourceError, match="XML không hợp lệ"):
        parse("malformed.xml")


def test_windows_1258_and_bom_encodings():
    text = load("rss20.xml").decode("utf-8").replace('encoding="utf-8"', 'encoding="windows-1258"')
    data = cp1258(text)
    assert "Hướng".encode("utf-8") not in data  # really another encoding
    items = parse_document(data).items
    assert items[0].title == "Hướng dẫn tiêm chủng mở rộng đợt 2"
    assert unicodedata.is_normalized("NFC", items[0].title)
    assert parse_document(b"\xef\xbb\xbf" + load("rss20.xml")).items[0].title == items[0].title
    assert parse_document(b"\xef\xbb\xbf" + load("feed.json")).items[0].id == "json-bao-so-5"
    utf16 = load("rss20.xml").decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert parse_document(utf16).items[0].title == items[0].title
    # Bytes that are not what the document declares: refused, not guessed.
    with pytest.raises(SourceError, match="XML không hợp lệ"):
        parse_document(cp1258(load("rss20.xml").decode("utf-8")))


UNSAFE = ("<script", "alert(", "onclick", "onerror", "onmouseover", "onload", "javascript:", "vbscript:", "data:",
          "<iframe", "<form", "<input", "<style", "<img", "<svg", "<object", 'id="', "class=", "style=", "tracker.example")


@pytest.mark.attack("feeds")
def test_xss_payloads_in_every_field_are_neutralised():
    items = {i.id: i for i in parse("xss.xml").items + parse("xss.json").items}
    first = items["xss-1"]
    assert first.title == "Tiêu đề" and first.summary == "Tóm tắt" and first.link is None
    for item in items.values():
        for value in (item.title, item.summary, item.content_html, item.instruction, item.link or ""):
            assert not [u for u in UNSAFE if u in value.lower()], (item.id, value)
    content = first.content_html
    assert '<a href="https://ok.example.vn/x" rel="noopener noreferrer nofollow">liên kết tốt</a>' in content
    assert "Đầu đề giả" in content and "<h1" not in content
    assert items["xss-2"].link is None  # data:
    assert items["xss-3"].link is None  # //host with no base
    assert items["xss-4"].link == "https://ok.example.vn/tin-hop-le"
    assert items["json-xss-1"].title == "Tin JSON" and items["json-xss-1"].instruction == "Ở trong nhà"


@pytest.mark.parametrize(("value", "expected"), [
    ("https://a.vn/x?y=1", "https://a.vn/x?y=1"), ("HTTP://A.VN/", "HTTP://A.VN/"), (" https://a.vn/ ", "https://a.vn/"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None), ("ftp://a.vn/f", None),
    ("/relative", None), ("//a.vn/x", None), ("https://", None), ("https://a.vn/a b", None), ("https://a.vn:99999/", None),
    ("https://a.vn/\x00", None), (None, None), (42, None),
])
@pytest.mark.attack("feeds")
def test_safe_link(value, expected):
    assert safe_link(value) == expected


def test_clean_html_keeps_structure_and_drops_ids():
    html = '<h2 id="noi-dung" class="x">Mục</h2><table><tr><td colspan="2" style="color:red">ô</td></tr></table>'
    assert clean_html(html) == '<h2>Mục</h2><table><tbody><tr><td colspan="2">ô</td></tr></tbody></table>'


# --- levels and priorities ----------------------------------------------------------------


def test_decision_18_levels_map_to_cap_severity():
    assert LEVEL_SEVERITY == {1: "Minor", 2: "Moderate", 3: "Severe", 4: "Extreme", 5: "Extreme"}
    assert severity("Unknown", 3) == "Severe"
    assert severity("Moderate", 5) == "Moderate"  # the issuer's CAP severity wins
    assert severity("nonsense") == "Unknown"
    assert [parse_level(v) for v in ("Cấp độ 3", "Rủi ro thiên tai cấp độ 5", "level 2", "3", "cấp độ 6")] == [3, 5, 2, None, None]
    assert parse_level("3", bare=True) == 3


def test_the_three_bulletin_priorities():
    assert [parse_priority(v) for v in ("Thông thường", "ưu tiên", "KHẨN CẤP", "khan-cap", "urgent", "gấp")] == [
        NORMAL, PRIORITY, URGENT, URGENT, URGENT, None]


# --- merge -----------------------------------------------------------------------------------

NOW = d(2025, 10, 22, 12)


def test_duplicates_are_dropped_within_and_across_sources():
    merged = merge([source("A"), source("B")], [parse("dup-a.xml"), parse("dup-b.json")], NOW)
    assert [(i.source, i.title) for i in merged.items] == [("A", "Tin X"), ("A", "Tin Y"), ("B", "Tin Z")]


def test_filters_categories_keywords_age_and_count():
    doc = parse("rss20.xml")
    only = lambda **kw: [i.id for i in merge([source(**kw)], [doc], NOW).items]  # noqa: E731
    assert only() == ["rss20-tiem-chung", "rss20-so-tan", "rss20-cat-dien"]
    assert only(categories=("y te",)) == ["rss20-tiem-chung"]  # case and diacritics do not matter
    assert only(keywords=("SO TAN", "cắt điện")) == ["rss20-so-tan", "rss20-cat-dien"]
    assert only(max_age_days=4) == ["rss20-tiem-chung", "rss20-so-tan"]
    assert only(max_items=1) == ["rss20-tiem-chung"]
    expired = replace(doc, items=(replace(doc.items[0], expires=d(2025, 10, 21)),) + doc.items[1:])
    assert "rss20-tiem-chung" not in [i.id for i in merge([source()], [expired], NOW).items]


def test_priorities_urgent_items_raise_the_banner():
    merged = merge([source(priority="ưu tiên")], [parse("rss20.xml")], d(2025, 10, 19, 8))
    assert {i.id: i.priority for i in merged.items} == {"rss20-tiem-chung": PRIORITY, "rss20-so-tan": URGENT, "rss20-cat-dien": PRIORITY}
    [alert] = merged.alerts
    assert alert.headline == "Khẩn: sơ tán dân vùng ngập sâu"
    assert (alert.severity, alert.urgency, alert.level) == ("Extreme", "Immediate", 4)  # level 4 -> Extreme
    assert alert.expires == d(2025, 10, 18, 20) + timedelta(hours=24)  # alert_hours after it was sent
    # Then the item still lists, but the banner is gone.
    later = merge([source()], [parse("rss20.xml")], d(2025, 10, 19, 20))
    assert later.alerts == () and len(later.items) == 3
    assert len(merge([source()], [parse("rss20.xml")], d(2025, 10, 19, 8), alert_hours=6).alerts) == 0


def test_alert_target_turns_every_item_into_an_alert_and_orders_by_severity():
    sources = [source("Bão", ALERTS), source("CAP", ALERTS, url="https://a.vn/cap.xml")]
    documents = [parse("feed.json"), parse("cap-atom.xml")]
    merged = merge(sources, documents, d(2025, 10, 10, 9))
    assert merged.items == ()
    # Items of a plain feed become alerts; the entries of a CAP feed are only envelopes of its messages.
    assert [(a.headline, a.severity) for a in merged.alerts] == [
        ("Bão số 5 đổ bộ, các xã ven biển chủ động ứng phó", "Severe"), ("Lễ hội văn hóa các dân tộc", "Minor")]
    assert [a.id for a in merge(sources, documents, d(2025, 10, 22, 12)).alerts] == ["item:json-bao-so-5"]
    early = merge(sources[1:], documents[1:], d(2025, 10, 5))
    assert [(a.source, a.severity) for a in early.alerts] == [("CAP", "Severe"), ("CAP", "Moderate")]  # the Test message is not shown


def test_own_pages_only_with_full_content_allowed_and_a_section_target():
    doc = parse("rss20.xml")
    pages = merge([source(full_pages=True)], [doc], NOW).items
    assert {i.id: i.url for i in pages} == {
        "rss20-tiem-chung": f"/tin-tu-tinh/{item_slug(pages[0])}/", "rss20-so-tan": None, "rss20-cat-dien": None}
    assert item_slug(pages[0]).startswith("huong-dan-tiem-chung-mo-rong-dot-2-")
    assert all(i.url is None for i in merge([source()], [doc], NOW).items)
    assert all(i.url is None for i in merge([source(target=HOME, full_pages=True)], [doc], NOW).items)


def test_next_change_is_the_next_expiry_or_age_out():
    merged = merge([source(max_age_days=10)], [parse("rss20.xml")], NOW)
    assert next_change(merged, [source(max_age_days=10)], NOW) == d(2025, 10, 27, 10)  # cắt điện turns 10 days old
    alerts = merge([source("CAP", ALERTS)], [parse("cap-atom.xml")], d(2025, 10, 5))
    assert next_change(alerts, [], d(2025, 10, 5)) == d(2025, 10, 6, 8)


@pytest.mark.attack("feeds")
def test_province_adapter_plugs_in_and_is_sanitised_anyway(monkeypatch):
    class ProvinceAdapter:
        name = "tinh-demo"

        def accepts(self, data: bytes) -> bool:
            return data.startswith(b"TINH-DEMO")

        def parse(self, data: bytes, base_url: str) -> Parsed:
            rows = json.loads(data[len(b"TINH-DEMO"):])
            return Parsed("tinh-demo", tuple(FeedItem(id=r["ma"], title=r["tieu_de"], link=r["lien_ket"], priority=r["muc"],
                                                      content_html=r["noi_dung"]) for r in rows))

    class Broken:
        name = "hong"

        def accepts(self, data: bytes) -> bool:
            return False

        def parse(self, data: bytes, base_url: str) -> Parsed:
            raise KeyError("truong-thieu")

    monkeypatch.setattr(adapters, "_registered", [])
    adapters.register(ProvinceAdapter())
    adapters.register(Broken())
    data = "TINH-DEMO" + json.dumps([{"ma": "1", "tieu_de": "Bản tin khẩn", "lien_ket": "javascript:x()", "muc": "khan-cap",
                                      "noi_dung": "<p>Ổn</p><script>alert(1)</script>"}])
    doc = parse_document(data.encode("utf-8"))
    assert doc.format == "tinh-demo"
    [item] = merge([source()], [doc], NOW).items
    assert (item.link, item.content_html, item.priority) == (None, "<p>Ổn</p>", URGENT)
    with pytest.raises(SourceError, match="bộ chuyển đổi 'hong' gặp lỗi: KeyError"):
        parse_document(b"x", "hong")
    with pytest.raises(TypeError):
        adapters.register(object())  # type: ignore[arg-type]


def test_source_settings_are_checked():
    problems = check_sources([
        source("Tốt", target="tin-tu-tinh", url="https://tinh.vn/rss"),
        source("Sai đích", target="khong-co"),
        source("Sai giao thức", url="ftp://tinh.vn/rss", target=HOME),
        source("Sai định dạng", format="word", target=ALERTS),
        source("Sai mức", priority="rất gấp", target=HOME),
        source("Sai số", max_items=0, target=HOME),
        Source(name="Thiếu url", url="", target=HOME),
        source("Máy liên kết", target=ALERTS, linked_hosts=("cap.tinh.vn", "[::1]", "https://cap.tinh.vn/x")),
    ], {"tin-tu-tinh"})
    messages = [p.message for p in problems]
    assert all(p.path == "site.yaml" and p.level == "error" for p in problems)
    assert len(messages) == 7
    for fragment in ("('Sai đích'): 'target'", "('Sai giao thức'): 'url'", "('Sai định dạng'): 'format'",
                     "('Sai mức'): 'priority'", "('Sai số'): 'max_items'", "('Thiếu url'): thiếu 'url'",
                     "('Máy liên kết'): 'linked_hosts': 'https://cap.tinh.vn/x'"):
        assert any(fragment in m for m in messages), fragment


# --- who may lower a banner (hostile sources) ----------------------------------------------

REAL_SENDER = "pctt@tinh.example.vn"


def cap(identifier: str, *, sender: str = REAL_SENDER, msg_type: str = "Alert", status: str = "Actual",
        references: str = "", headline: str = "Cảnh báo") -> bytes:
    refs = f"<references>{references}</references>" if references else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>{sender}</sender><sent>2025-10-04T10:00:00+07:00</sent>
  <status>{status}</status><msgType>{msg_type}</msgType><scope>Public</scope>{refs}
  <info><language>vi-VN</language><category>Met</category><event>Lũ</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Likely</certainty><headline>{headline}</headline></info>
</alert>""".encode("utf-8")


def in_atom(*messages: bytes) -> bytes:
    """An ordinary news feed whose entries embed CAP messages."""
    entries = "".join(
        f"<entry><id>tag:x,{i}</id><title>Tin {i}</title><updated>2025-10-04T10:00:00+07:00</updated>"
        f"<content type=\"application/cap+xml\">{m.decode('utf-8').split('?>', 1)[1]}</content></entry>"
        for i, m in enumerate(messages))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>'
            f"<id>tag:x</id><updated>2025-10-04T10:00:00+07:00</updated>{entries}</feed>").encode("utf-8")


LU1 = f"{REAL_SENDER},LU-1,2025-10-04T08:00:00+07:00"
SPOOFS = {
    "Test Cancel": cap("T-1", msg_type="Cancel", status="Test", references=LU1),
    "Exercise Update": cap("E-1", msg_type="Update", status="Exercise", references=LU1, headline="Diễn tập"),
    "System Cancel": cap("S-1", msg_type="Cancel", status="System", references=LU1),
    "Draft Cancel": cap("D-1", msg_type="Cancel", status="Draft", references=LU1),
    "Cancel from another sender": cap("X-1", sender="ke-gia-mao@example.com", msg_type="Cancel", references=LU1),
    "Update from another sender": cap("X-2", sender="ke-gia-mao@example.com", msg_type="Update", references=LU1,
                                      headline="Đã hết lũ, về nhà"),
}


@pytest.mark.attack("spoofed alerts")
@pytest.mark.parametrize("attack", sorted(SPOOFS))
def test_no_spoofed_message_takes_a_real_alert_off_the_banner(attack):
    real = parse("cap-alert.xml")
    sources = [source("PCTT", ALERTS), source("Nguồn thứ hai", ALERTS, url="https://b.vn/cap.xml")]
    merged = merge(sources, [real, parse_document(SPOOFS[attack])], d(2025, 10, 5))
    assert f"{REAL_SENDER},LU-1" in [a.id for a in merged.alerts], attack
    # What a Test, Exercise, System or Draft message says never reaches the banner either.
    assert all(a.status == "Actual" and a.msg_type != "Cancel" for a in merged.alerts)


@pytest.mark.attack("spoofed alerts")
def test_a_news_feed_cannot_raise_or_lower_the_banner_with_cap():
    real = parse("cap-alert.xml")
    embedded = parse_document(in_atom(cap("C-1", msg_type="Cancel", references=LU1), cap("F-1", headline="Cảnh báo giả")))
    assert len(embedded.alerts) == 2
    merged = merge([source("PCTT", ALERTS), source("Tin tỉnh", "tin-tu-tinh")], [real, embedded], d(2025, 10, 5))
    assert [a.headline for a in merged.alerts] == ["Cảnh báo lũ lớn trên sông Hòa"]


def test_the_real_sender_still_updates_and_cancels_across_sources():
    real = parse("cap-alert.xml")
    cancel = cap("LU-9", msg_type="Cancel", references=LU1)
    merged = merge([source("PCTT", ALERTS), source("PCTT dự phòng", ALERTS, url="https://b.vn/cap.xml")],
                   [real, parse_document(cancel)], d(2025, 10, 5))
    assert merged.alerts == ()


def test_an_alert_source_can_be_limited_to_named_senders():
    forged = parse_document(cap("F-2", sender="ke-gia-mao@example.com", headline="Cảnh báo giả"))
    sources = [source("PCTT", ALERTS, senders=(REAL_SENDER,))]
    assert merge(sources, [forged], d(2025, 10, 5)).alerts == ()
    assert [a.id for a in merge(sources, [parse("cap-alert.xml")], d(2025, 10, 5)).alerts] == [f"{REAL_SENDER},LU-1"]


@pytest.mark.attack("spoofed alerts")
@pytest.mark.parametrize("sender,identifier", [("pctt@tinh.example.vn,LU-1", "x"), ("a b", "1"), ("a", "1,2"), ("a&amp;b", "1")])
def test_cap_ids_that_could_pass_for_another_are_refused(sender, identifier):
    with pytest.raises(SourceError, match="dấu phẩy"):
        parse_document(cap(identifier, sender=sender))


@pytest.mark.attack("feeds")
def test_cap_text_fields_reach_alerts_json_as_plain_text():
    marked = cap("M-1", headline="&lt;b&gt;Lũ&lt;/b&gt; trên sông Hòa").replace(
        b"<event>L\xc5\xa9</event>", "<event>&lt;img src=x onerror=alert(1)&gt;Lũ &amp; sạt lở</event>".encode("utf-8"))
    [alert] = merge([source("PCTT", ALERTS)], [parse_document(marked)], d(2025, 10, 4, 12)).alerts
    assert (alert.headline, alert.event) == ("Lũ trên sông Hòa", "Lũ & sạt lở")
    assert "<" not in json.dumps([alert.headline, alert.event, alert.description])


def _urgent_page(**kw) -> Page:
    return Page(source="content/thong-bao/cat-dien.md", section="thong-bao", slug="cat-dien", url="/thong-bao/cat-dien/",
                kind="article", title="Cắt điện khẩn cấp ấp 2", body_html="", summary="Từ 14 giờ.", priority=URGENT, **kw)


def test_an_urgent_page_is_on_the_banner_until_it_expires_or_for_alert_hours_from_its_date():
    dated = page_alert(_urgent_page(date=d(2025, 10, 4, 10)), 24, "Ủy ban nhân dân xã Tân An")
    assert (dated.headline, dated.link, dated.source, dated.severity, dated.urgency) == (
        "Cắt điện khẩn cấp ấp 2", "/thong-bao/cat-dien/", "Ủy ban nhân dân xã Tân An", "Severe", "Immediate")
    assert dated.expires == d(2025, 10, 5, 10)
    # A date-only `expires` holds through that day.
    assert page_alert(_urgent_page(date=d(2025, 10, 4, 10), expires=d(2025, 10, 6)), 24, "").expires == d(2025, 10, 7)
    merged = merge([], [], d(2025, 10, 5, 9), own=[dated])
    assert [a.id for a in merged.alerts] == ["page:/thong-bao/cat-dien/"]
    assert next_change(merged, [], d(2025, 10, 5, 9)) == d(2025, 10, 5, 10)
    assert merge([], [], d(2025, 10, 5, 11), own=[dated]).alerts == ()


@pytest.mark.attack("spoofed alerts")
def test_no_cap_message_takes_the_communes_own_urgent_notice_off_the_banner():
    own = page_alert(_urgent_page(date=d(2025, 10, 4, 10)), 24, "UBND xã")
    for sender in (REAL_SENDER, "", "page:"):
        cancel = parse_document(cap("C-9", sender=sender or "x@y.vn", msg_type="Cancel", references="page:/thong-bao/cat-dien/"))
        merged = merge([source("PCTT", ALERTS)], [cancel], d(2025, 10, 4, 12), own=[own])
        assert [a.id for a in merged.alerts] == ["page:/thong-bao/cat-dien/"], sender
