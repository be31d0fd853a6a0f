"""The commune radio (render/radio.py, kinds/radio.py, audio.py, audio.html): bulletins read with
mutagen, their pages with a player and the transcript, the podcast feed read back by feedparser,
the broadcast schedule as a page and as JSON, and a broken file reported with its path."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest

pytest.register_assert_rewrite("example_site")
from example_site import EXAMPLE, axe_violations, serve_folder  # noqa: E402 - after the rewrite hook

from xaweb.build import BuildOptions, build  # noqa: E402
from xaweb.errors import BuildError  # noqa: E402
from xaweb.vietnamese import VN_TZ  # noqa: E402

pytest_plugins = ["example_site"]

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN_TZ)
FRAME = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(413)  # one MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz: 1152 samples


def mp3(seconds: float) -> bytes:
    """A silent MP3 of about `seconds` (a real file mutagen and browsers read)."""
    return FRAME * round(seconds * 44100 / 1152)


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


@pytest.fixture(scope="module")
def radio(tmp_path_factory):
    root = tmp_path_factory.mktemp("radio")
    site = Path(shutil.copytree(EXAMPLE, root / "site"))
    write(site / "content/truyen-thanh/_index.md", "---\ntitle: Truyền thanh\n---\nBản tin của đài truyền thanh xã.\n")
    write(site / "static/files/truyen-thanh/ban-tin-0512.mp3", mp3(95))
    write(site / "static/files/truyen-thanh/khan-cap.mp3", mp3(30))
    write(site / "static/files/truyen-thanh/hong.mp3", b"day khong phai tep am thanh")
    write(site / "content/truyen-thanh/ban-tin-0512.md", "---\ntitle: Bản tin sáng 05/12\ndate: 2025-11-30\n"
          "file: /files/truyen-thanh/ban-tin-0512.mp3\nbroadcast: [2025-12-05 06:30, 2025-12-05 17:00]\n---\n"
          "Kính thưa bà con, sáng nay xã tổ chức tiêm phòng dại cho chó mèo tại nhà văn hóa ấp 3.\n")
    write(site / "content/truyen-thanh/khan-cap.md", "---\ntitle: Thông báo khẩn về triều cường\ndate: 2025-11-30 20:00\n"
          "priority: khẩn cấp\nexpires: 2025-12-03\nfile: /files/truyen-thanh/khan-cap.mp3\n---\nTriều cường dâng cao, bà con gia cố bờ bao.\n")
    write(site / "content/truyen-thanh/hong.md", "---\ntitle: Bản tin chiều 04/12\ndate: 2025-11-29\nfile: /files/truyen-thanh/hong.mp3\n"
          "broadcast: 2025-12-04 17:00\n---\nNội dung bản tin chiều.\n")
    out = root / "out"
    result = build(BuildOptions(site, out, now=NOW, cache=False))
    return out, result


def test_a_bulletin_page_has_the_player_the_facts_read_from_the_file_and_the_transcript(radio):
    out, _ = radio
    doc = lxml.html.fromstring((out / "truyen-thanh/ban-tin-sang-05-12/index.html").read_bytes())
    source = doc.xpath("//audio[@controls]/source")[0]
    assert source.get("src") == "/files/truyen-thanh/ban-tin-0512.mp3" and source.get("type") == "audio/mpeg"
    caption = doc.xpath("//figure[@class='bulletin-player']/figcaption")[0].text_content()
    assert "Thời lượng: 1:35" in " ".join(caption.split())
    assert [t.get("datetime") for t in doc.xpath("//ul[@class='bulletin-times']//time")] == ["2025-12-05T06:30:00+07:00", "2025-12-05T17:00:00+07:00"]
    assert "tiêm phòng dại cho chó mèo" in doc.xpath("//div[@class='prose']")[0].text_content()


def test_a_broken_file_is_reported_with_its_path_and_its_bulletin_published_without_a_player(radio):
    out, result = radio
    warnings = [(w.path, w.code) for w in result.warnings]
    assert ("static/files/truyen-thanh/hong.mp3", "bad-audio") in warnings
    doc = lxml.html.fromstring((out / "truyen-thanh/ban-tin-chieu-04-12/index.html").read_bytes())
    assert not doc.xpath("//audio") and "Nội dung bản tin chiều." in doc.text_content()


def test_the_podcast_feed_has_enclosures_with_length_type_and_duration(radio):
    out, _ = radio
    feed = feedparser.parse((out / "truyen-thanh/podcast.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert titles == ["Thông báo khẩn về triều cường", "Bản tin sáng 05/12"]  # newest first; the broken one left out
    enclosure = feed.entries[1].enclosures[0]
    size = (Path(out) / "files/truyen-thanh/ban-tin-0512.mp3").stat().st_size
    assert (enclosure.href, enclosure.type, int(enclosure.length)) == (
        "https://tananhoa.dongthap.gov.vn/files/truyen-thanh/ban-tin-0512.mp3", "audio/mpeg", size)
    assert feed.entries[1].itunes_duration == "00:01:35"


def test_the_schedule_puts_the_urgent_bulletin_first_to_play_at_once_then_the_times_in_order(radio):
    out, _ = radio
    data = json.loads((out / "truyen-thanh/lich-phat-song.json").read_text(encoding="utf-8"))
    assert [(b["title"], b["at"], b["now"], b["priority"]) for b in data["broadcasts"]] == [
        ("Thông báo khẩn về triều cường", None, True, "khan-cap"),
        ("Bản tin sáng 05/12", "2025-12-05T06:30:00+07:00", False, "thong-thuong"),
        ("Bản tin sáng 05/12", "2025-12-05T17:00:00+07:00", False, "thong-thuong"),
    ]
    assert data["broadcasts"][1]["seconds"] == pytest.approx(95, abs=0.5) and data["broadcasts"][1]["type"] == "audio/mpeg"
    page = lxml.html.fromstring((out / "truyen-thanh/lich-phat-song/index.html").read_bytes())
    rows = page.xpath("//tbody/tr")
    assert [r.xpath("td")[0].text_content().strip() for r in rows][0] == "Phát ngay" and len(rows) == 3


def test_a_bulletin_without_an_audio_file_is_an_error_with_its_line(tmp_path):
    site = Path(shutil.copytree(EXAMPLE, tmp_path / "site"))
    write(site / "content/truyen-thanh/sai.md", "---\ntitle: Bản tin thiếu tệp\nfile: /files/ban-tin.docx\n---\nNội dung.\n")
    with pytest.raises(BuildError) as failed:
        build(BuildOptions(site, tmp_path / "out", now=NOW, cache=False))
    assert [(p.path, p.line) for p in failed.value.problems] == [("content/truyen-thanh/sai.md", 3)]
    assert "MP3 hoặc Ogg" in failed.value.problems[0].message


def test_the_player_plays_in_chromium_and_the_page_passes_axe(new_context, radio, axe):
    out, _ = radio
    for url in serve_folder(out):
        page = new_context(360).new_page()
        page.goto(url + "/truyen-thanh/ban-tin-sang-05-12/")
        duration = page.evaluate("""() => new Promise(done => {
            const a = document.querySelector('audio'); a.preload = 'metadata';
            a.addEventListener('loadedmetadata', () => done(a.duration)); a.load(); })""")
        assert duration == pytest.approx(95, abs=0.5)
        assert not axe_violations(axe, page)
        page.goto(url + "/truyen-thanh/lich-phat-song/")
        assert not axe_violations(axe, page)
