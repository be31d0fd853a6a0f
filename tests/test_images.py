"""Resized images: a 4 MB phone photo never reaches a 360 px phone.

A site is made in a temporary folder with a 4000x3000 noise JPEG shot sideways
(EXIF orientation 6, camera metadata), a small transparent PNG, and an
unreadable "photo". The build's copies are opened back with Pillow; the pages
are parsed with lxml; the browser's own choice at 360 px is read from Chromium
when it is installed (in CI it must be).
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

import xaweb.images
from xaweb.build import BuildOptions, build
from xaweb.images import make_variants, variant_widths
from xaweb.vietnamese import VN_TZ

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ)
PAGE = "tin-tuc/thu-hoach-lua/index.html"

SITE_YAML = """name: Hòa Lợi
province: Vĩnh Long
base_url: https://hoaloi.vinhlong.gov.vn
footer:
  responsible: Ông Trần Văn Kiểm
leaders:
  - name: Trần Văn Kiểm
    role: Chủ tịch UBND xã
    photo: /images/chu-tich.jpg
"""
ARTICLE = """---
title: Thu hoạch lúa
date: 2025-05-20
image: /images/dong-lua.jpg
image_alt: Bà con thu hoạch lúa trên cánh đồng mẫu lớn.
---
Vụ đông xuân được mùa.

![Máy gặt đập liên hợp trên cánh đồng](/images/dong-lua.jpg)

![](/images/logo-htx.png){width=120}

![Ảnh hỏng](/images/anh-hong.jpg)
"""


def phone_photo() -> bytes:
    """4000x3000 random noise (incompressible, like detail), taken sideways, with camera EXIF."""
    noise = random.Random(6).randbytes(4000 * 3000 * 3)
    im = Image.frombytes("RGB", (4000, 3000), noise)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "Điện thoại"  # Make
    exif[0x0132] = "2025:05:20 07:30:00"  # DateTime
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def jpeg(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def make_site(root: Path, photo: bytes) -> Path:
    site = root / "site"
    (site / "content" / "tin-tuc").mkdir(parents=True)
    (site / "static" / "images").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (site / "content" / "tin-tuc" / "thu-hoach-lua.md").write_text(ARTICLE, encoding="utf-8")
    (site / "static" / "images" / "dong-lua.jpg").write_bytes(photo)
    logo = io.BytesIO()
    Image.new("RGBA", (200, 100), (165, 14, 14, 128)).save(logo, "PNG")
    (site / "static" / "images" / "logo-htx.png").write_bytes(logo.getvalue())
    (site / "static" / "images" / "anh-hong.jpg").write_bytes(b"not a JPEG at all\n")
    (site / "static" / "images" / "chu-tich.jpg").write_bytes(jpeg((300, 400), (120, 90, 60)))
    return site


def run(site: Path, out: Path, cache: bool = True):
    return build(BuildOptions(site, out, now=NOW, jobs=1, cache=cache))


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    site = make_site(root, phone_photo())
    result = run(site, root / "out")
    return site, root / "out", result


# --- the copies ------------------------------------------------------------------------------


def test_widths_never_exceed_the_original():
    assert variant_widths(4000) == variant_widths(1080) == (360, 720, 1080)
    assert variant_widths(1200) == (360, 720, 1080)
    assert variant_widths(800) == (360, 720, 800)
    assert variant_widths(200) == (200,)


def test_phone_photo_becomes_small_upright_copies_without_metadata(built):
    site, out, _ = built
    original = (site / "static/images/dong-lua.jpg").stat().st_size
    assert original > 4_000_000
    for width in (360, 720, 1080):
        height = width * 4 // 3  # shot sideways: 3000x4000 once turned upright
        for name, fmt in ((f"dong-lua-{width}w.jpg", "JPEG"), (f"dong-lua-{width}w.jpg.webp", "WEBP")):
            data = (out / "images" / name).read_bytes()
            with Image.open(io.BytesIO(data)) as im:
                assert (im.format, im.size) == (fmt, (width, height)), name
                assert not im.getexif() and "exif" not in im.info and "xmp" not in im.info, name
                if fmt == "JPEG":
                    assert im.info.get("progressive") or im.info.get("progression"), name
            assert len(data) < original / 10, (name, len(data))
    made = sorted(p.name for p in (out / "images").glob("dong-lua-*"))
    assert len(made) == 6 and max(int(re.search(r"-(\d+)w", n)[1]) for n in made) <= 1080
    assert (out / "images/dong-lua.jpg").read_bytes() == (site / "static/images/dong-lua.jpg").read_bytes()  # still downloadable


def test_small_transparent_png_keeps_its_format_and_width(built):
    _, out, _ = built
    with Image.open(out / "images/logo-htx-200w.png") as im:
        assert (im.format, im.size, im.mode) == ("PNG", (200, 100), "RGBA")
        assert im.getpixel((10, 10))[3] == 128
    with Image.open(out / "images/logo-htx-200w.png.webp") as im:
        assert im.format == "WEBP" and im.size == (200, 100)
    assert not list(out.glob("images/logo-htx-360w*"))


def test_copies_are_deterministic(built, tmp_path):
    site, out, _ = built
    run(site, tmp_path / "clean", cache=False)
    copies = {k: v for k, v in files(out).items() if re.search(r"-\d+w\.", k)}
    assert copies and copies == {k: v for k, v in files(tmp_path / "clean").items() if re.search(r"-\d+w\.", k)}
    data = (site / "static/images/dong-lua.jpg").read_bytes()
    wanted = [(360, 480, "image/jpeg"), (360, 480, "image/webp")]
    assert make_variants(data, wanted) == make_variants(data, wanted)


def test_a_rebuild_does_not_resize_again(built, tmp_path, monkeypatch):
    site, out, first = built
    cached = list((site / ".xaweb-cache" / "images").iterdir())
    assert len(cached) == 10  # 3 widths x 2 formats of the photo; 1 x 2 of the logo and of the leader's photo (both small)

    def refuse(*args, **kwargs):
        raise AssertionError("resized again")

    monkeypatch.setattr(xaweb.images, "make_variants", refuse)
    again = run(site, out)  # same folder: nothing to do
    assert again.rendered == 0
    elsewhere = run(site, tmp_path / "elsewhere")  # a fresh folder: copies come from the cache
    assert elsewhere.rendered == first.rendered
    assert files(tmp_path / "elsewhere") == files(out)


def test_replacing_a_photo_rebuilds_like_a_clean_build(tmp_path):
    site = make_site(tmp_path, phone_photo())
    run(site, tmp_path / "out")
    (site / "static/images/dong-lua.jpg").write_bytes(jpeg((1200, 800), (40, 120, 60)))
    result = run(site, tmp_path / "out")
    assert 0 < result.rendered
    run(site, tmp_path / "clean", cache=False)
    assert files(tmp_path / "out") == files(tmp_path / "clean")
    page = (tmp_path / "out" / PAGE).read_text(encoding="utf-8")
    assert 'width="720" height="480"' in page and "dong-lua-1080w.jpg" in page

    # The leader's photo is shown by the home page only, through site.yaml: a new shape re-renders it.
    (site / "static/images/chu-tich.jpg").write_bytes(jpeg((400, 400), (90, 90, 90)))
    run(site, tmp_path / "out")
    run(site, tmp_path / "clean-2", cache=False)
    assert files(tmp_path / "out") == files(tmp_path / "clean-2")
    assert 'src="/images/chu-tich-400w.jpg"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


# --- warnings ----------------------------------------------------------------------------------


def test_images_without_alt_and_unreadable_ones_are_warned(built):
    _, out, result = built
    by_code = {(w.code, w.path, w.line) for w in result.warnings}
    # ![](/images/logo-htx.png) is on line 11 of the article.
    assert ("missing-alt", "content/tin-tuc/thu-hoach-lua.md", 11) in by_code
    assert ("bad-image", "static/images/anh-hong.jpg", None) in by_code
    # The unreadable file is shown as it is, with no copies.
    page = lxml.html.fromstring((out / PAGE).read_bytes())
    [broken] = page.xpath('//img[@src="/images/anh-hong.jpg"]')
    assert broken.get("loading") == "lazy" and not broken.xpath("ancestor::picture")
    assert not list(out.glob("images/anh-hong-*"))


# --- the markup ------------------------------------------------------------------------------


def _srcset(value: str) -> list[tuple[str, int]]:
    return [(url, int(w[:-1])) for url, w in (part.split() for part in value.split(","))]


def test_pages_use_picture_srcset_sizes_and_fixed_boxes(built):
    _, out, _ = built
    page = lxml.html.fromstring((out / PAGE).read_bytes())
    [lead] = page.xpath('//figure[@class="lead-image"]/picture')
    source, img = lead.xpath(".//source")[0], lead.xpath(".//img")[0]  # libxml2 nests <img> in <source>
    assert source.get("type") == "image/webp"
    assert [w for _, w in _srcset(source.get("srcset"))] == [w for _, w in _srcset(img.get("srcset"))] == [360, 720, 1080]
    assert img.get("src") == "/images/dong-lua-720w.jpg"
    assert (img.get("width"), img.get("height")) == ("720", "960")  # upright 3:4: the box is reserved
    assert img.get("sizes") and img.get("alt") == "Bà con thu hoạch lúa trên cánh đồng mẫu lớn."
    assert img.get("loading") is None  # the lead image is above the fold: loaded at once

    body = page.xpath('//div[@class="prose"]//picture//img')
    assert [i.get("alt") for i in body] == ["Máy gặt đập liên hợp trên cánh đồng", ""]
    assert all(i.get("loading") == "lazy" and i.get("width") and i.get("height") for i in body)
    logo = body[1]  # {width=120}: drawn 120 px wide, so asks for no more
    assert (logo.get("width"), logo.get("height")) == ("120", "60") and logo.get("sizes").endswith(", 120px")

    listing = lxml.html.fromstring((out / "tin-tuc/index.html").read_bytes())
    [card] = listing.xpath('//img[contains(@class, "card-image")]')
    assert card.get("loading") == "lazy" and card.xpath("ancestor::picture")

    for element in page.xpath("//img[@srcset] | //source[@srcset]"):
        for url, _ in _srcset(element.get("srcset")):
            assert (out / url.lstrip("/")).is_file(), url


# --- never heavier than a 360 px phone needs ----------------------------------------------------

_CONDITION = re.compile(r"\((min|max)-width:\s*([\d.]+)(rem|em|px)\)\s*(.+)")
_CALC = re.compile(r"calc\(100vw\s*-\s*([\d.]+)(rem|px)\)")


def _px(value: str, unit: str) -> float:
    return float(value) * (16 if unit in ("rem", "em") else 1)


def slot_width(sizes: str, viewport: int) -> float:
    """The width `sizes` gives an image on a screen `viewport` CSS px wide."""
    for part in (p.strip() for p in sizes.split(",")):
        condition = _CONDITION.fullmatch(part)
        if condition:
            limit = _px(condition[2], condition[3])
            if (viewport >= limit) if condition[1] == "min" else (viewport <= limit):
                part = condition[4].strip()
            else:
                continue
        if calc := _CALC.fullmatch(part):
            return viewport - _px(calc[1], calc[2])
        if part.endswith("vw"):
            return viewport * float(part[:-2]) / 100
        number = re.fullmatch(r"([\d.]+)(rem|em|px)", part)
        assert number, f"unknown sizes value {part!r}"
        return _px(number[1], number[2])
    raise AssertionError(f"no size in {sizes!r}")


def chosen(srcset: str, sizes: str, viewport: int, density: float) -> int:
    """The candidate a browser takes: the smallest at least as wide as the slot in device pixels."""
    widths = sorted(w for _, w in _srcset(srcset))
    need = slot_width(sizes, viewport) * density
    return next((w for w in widths if w >= need), widths[-1])


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example")
    site = root / "site"
    shutil.copytree(ROOT / "content-example", site, ignore=shutil.ignore_patterns(".xaweb-cache", "public"))
    build(BuildOptions(site, root / "out", now=NOW, cache=False))
    return root / "out"


def test_a_360px_phone_never_gets_more_than_720px(built, example):
    _, out, _ = built
    checked = 0
    for root in (out, example):
        for path in root.rglob("*.html"):
            doc = lxml.html.fromstring(path.read_bytes())
            for img in doc.xpath("//img[@srcset]"):
                assert img.get("sizes"), path
                assert chosen(img.get("srcset"), img.get("sizes"), 360, 2) <= 720, (path, img.get("sizes"))
                assert chosen(img.get("srcset"), img.get("sizes"), 360, 1) <= 360, (path, img.get("sizes"))
                assert int(img.get("src").rsplit("-", 1)[1].split("w.")[0]) <= 720
                checked += 1
            # Every raster image of the example's pages comes in resized copies.
            for img in doc.xpath("//img[not(@srcset)]"):
                assert not re.search(r"\.(jpe?g|png)$", img.get("src", ""), re.I) or "anh-hong" in img.get("src"), (path, img.get("src"))
    assert checked >= 10


def _browser_ready() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path("/usr/bin/chromium").is_file()


@pytest.mark.skipif(not os.environ.get("CI") and not _browser_ready(), reason="Chromium and Playwright are not installed here")
def current_sources(url: str) -> list[str]:
    """The image files Chromium chose on a 360 px phone screen at density 2."""
    from playwright.sync_api import sync_playwright

    from xaweb.check.browser import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        page.goto(url, wait_until="load")
        page.evaluate("() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }))")
        current = page.evaluate("() => [...document.querySelectorAll('picture img')].map(i => i.currentSrc)")
        browser.close()
    return current


def test_chromium_at_360px_loads_at_most_720px_copies(built):
    _, out, _ = built
    handler = partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE.removesuffix('index.html')}"
    try:
        with ThreadPoolExecutor(1) as pool:  # a thread of its own: another Playwright session may be open here
            current = pool.submit(current_sources, url).result()
    finally:
        server.shutdown()
        server.server_close()
    assert len(current) == 3 and all(current), current
    widths = [int(re.search(r"-(\d+)w\.", url)[1]) for url in current]
    assert max(widths) <= 720 and all(url.endswith(".webp") for url in current), current
