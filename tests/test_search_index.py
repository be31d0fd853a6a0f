"""xaweb.render.search_index and the search kinds: the files the browser fetches to search the site."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from xaweb.build import BuildOptions, build
from xaweb.content.model import Page
from xaweb.render.search_index import BUCKET_BYTES, build_index, fnv1a
from xaweb.searchwords import page_terms
from xaweb.vietnamese import VN_TZ

NOW = datetime(2025, 6, 1, tzinfo=VN_TZ)


def decode(postings: str) -> list[tuple[int, int]]:
    """Postings as search.js reads them."""
    out, doc, digits = [], 0, ""
    for char in postings:
        if "A" <= char <= "Z":
            doc += int(digits, 36)
            out.append((doc, ord(char) - 64))
            digits = ""
        else:
            digits += char
    return out


def page(n: int, title: str, section: str = "tin-tuc", **kw) -> Page:
    return Page(source=f"content/{section}/{n}.md", section=section, slug=str(n), url=f"/{section}/{n:04d}/", kind="article",
                title=title, body_html="", summary="", search_terms=page_terms(title, "", (), "", "nội dung"), search_text="nội dung", **kw)


def test_fnv1a_is_the_published_32_bit_function():
    assert fnv1a("") == 0x811C9DC5 and fnv1a("a") == 0xE40C292C and fnv1a("foobar") == 0xBF9CF968


def test_postings_are_base36_gaps_and_letter_weights():
    weights = {0: 1, 1: 26, 37: 3, 1400: 8}
    pages = [replace(page(n, f"Trang {n}"), search_terms=f"lua:{weights[n]}" if n in weights else "khac:1") for n in range(1401)]
    index = build_index(pages, {"tin-tuc": "Tin tức"})
    everything = {w: p for bucket in index.buckets for w, p in bucket.items()}
    assert everything["lua"] == "0A" + "1Z" + "10C" + "11vH"  # gaps 0, 1, 36, 1363
    assert decode(everything["lua"]) == sorted(weights.items())


def test_every_word_is_in_the_bucket_its_hash_names_and_filters_are_words_too():
    pages = [page(n, f"Đăng ký khai sinh {n}", section="thu-tuc" if n % 2 else "tin-tuc", date=datetime(2024 + n % 2, 1, 1, tzinfo=VN_TZ))
             for n in range(3000)]
    expired = page(999, "Hết hạn", expired=True)
    index = build_index(pages + [expired], {"tin-tuc": "Tin tức", "thu-tuc": "Thủ tục"})
    assert index.meta["pages"] == 3000 and len(index.fragments) == 3000
    assert index.meta["sections"] == [["Thủ tục", 1500], ["Tin tức", 1500]]
    assert index.meta["years"] == [[2025, 1500], [2024, 1500]]
    count = index.meta["buckets"]
    assert count == len(index.buckets) >= 2
    for n, bucket in enumerate(index.buckets):
        assert all(fnv1a(word) % count == n for word in bucket)
        assert len(json.dumps(bucket)) < 3 * BUCKET_BYTES
    everything = {w: p for bucket in index.buckets for w, p in bucket.items()}
    assert len(decode(everything["dang"])) == 3000 and "het" not in everything
    assert [d for d, _ in decode(everything["~s0"])] == [n for n, f in enumerate(index.fragments) if f["s"] == "Thủ tục"]
    assert len(decode(everything["~y2024"])) == 1500
    # Results are shown from the fragments: title, site-relative address, section, date.
    # Pages are numbered in address order.
    assert index.fragments[0] == {"t": "Đăng ký khai sinh 1", "u": "/thu-tuc/0001/", "s": "Thủ tục", "d": "01/01/2025", "n": "", "x": "nội dung"}


def test_the_build_writes_the_search_page_and_index_and_rewrites_only_what_changed(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "sites" / "search", site)
    out = tmp_path / "out"
    build(BuildOptions(site, out, now=NOW))
    meta = json.loads((out / "tim-kiem/meta.json").read_text(encoding="utf-8"))
    assert meta["pages"] == 17 and (out / "tim-kiem/index.html").is_file()
    assert len(list((out / "tim-kiem/f").iterdir())) == 17
    # An edit to one page's body: its fragment and the buckets of its words change, the other fragments do not.
    fragments = {p.name: p.stat().st_mtime_ns for p in (out / "tim-kiem/f").iterdir()}
    news = site / "content/tin-tuc/tiem-chung.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nThêm lịch tiêm vắc xin sởi.\n", encoding="utf-8")
    build(BuildOptions(site, out, now=NOW))
    changed = [name for name, stamp in fragments.items() if (out / "tim-kiem/f" / name).stat().st_mtime_ns != stamp]
    assert len(changed) == 1 and "sởi" in (out / "tim-kiem/f" / changed[0]).read_text(encoding="utf-8")
