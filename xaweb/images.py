"""Resized copies of the photos a site shows, made with Pillow.

Officers upload 4 MB phone photos; citizens read on 360 px phones over slow
links. For every local JPEG or PNG a page (lead image, body) or `site.yaml`
shows, the build plans copies at a few widths (never wider than the original),
each in the source's format and in WebP: EXIF orientation applied, metadata
stripped (the colour profile is kept), JPEG progressive. The templates get the
copies' sizes from `site.images` (`render/pictures.py` writes the markup).

- `probe_images` reads only file headers: cheap enough for every build.
- `make_variants` is pure (bytes in, bytes out) and deterministic: the same
  photo gives the same bytes on every build, so incremental and clean builds
  agree byte for byte.
- `derive` is the I/O edge: it reads the photo, takes what it can from the
  derivative cache (`.xaweb-cache/images/`, keyed by the photo's content hash,
  the width, the format and the encoder settings) and resizes only the rest.

Copies are named after the original: `/images/cau.jpg` -> `/images/cau-720w.jpg`
and `/images/cau-720w.jpg.webp`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Protocol

from .content.model import ImageInfo, ImageVariant
from .discover import stamp_of
from .errors import Problem
from .writer import replace_file

if TYPE_CHECKING:  # Pillow is imported where it is used: a build without photos never loads it
    from PIL import Image

WIDTHS = (360, 720, 1080)  # a 360 px phone at 1x and 2x density, a phone at 3x or a desktop column
JPEG_QUALITY = 75
WEBP_QUALITY = 75
WEBP_METHOD = 4  # libwebp's effort, 0-6: 4 is its default balance of size and speed
MIMES = {"JPEG": "image/jpeg", "PNG": "image/png"}
MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"}  # colour modes the copies are made from
ORIENTATION = 0x0112  # EXIF tag
CACHE_DIR = "images"  # inside .xaweb-cache/

ImageJobOutput = tuple[str, int, int, str]  # (output path, width, height, mime)


class PlannedImage(Protocol):
    """A planned image output (render.plan.Output of kind "image"); images does not import render."""

    @property
    def path(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def subject(self) -> str: ...


class ImageError(Exception):
    """A file that is not a JPEG or PNG Pillow can read."""


@lru_cache(maxsize=1)
def encoder() -> str:
    """Everything besides the photo that decides a copy's bytes."""
    import PIL

    return f"1:{PIL.__version__}:{WIDTHS}:{JPEG_QUALITY}:{WEBP_QUALITY}:{WEBP_METHOD}"


def variant_widths(width: int) -> tuple[int, ...]:
    """Widths to make for an image `width` px wide: never wider than the original."""
    widths = [w for w in WIDTHS if w <= width]
    if width < WIDTHS[-1] and width not in widths:
        widths.append(width)
    return tuple(widths)


def variant_url(url: str, width: int, webp: bool) -> str:
    stem, dot, suffix = url.rpartition(".")
    name = f"{stem}-{width}w.{suffix}"
    return name + ".webp" if webp else name


def _display_size(im: Image.Image) -> tuple[int, int]:
    width, height = im.size
    if im.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):  # turned a quarter: width and height swap
        return height, width
    return width, height


def probe(path: Path, url: str) -> ImageInfo:
    """An image's displayed size and planned copies, from its header alone."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.format not in MIMES:
                raise ImageError(f"định dạng {im.format} không thu nhỏ được (chỉ JPEG, PNG)")
            if im.mode not in MODES:
                raise ImageError(f"chế độ màu {im.mode} không thu nhỏ được")
            mime = MIMES[im.format]
            width, height = _display_size(im)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(str(exc)) from None
    variants = []
    for w in variant_widths(width):
        h = max(1, round(height * w / width))
        variants += [ImageVariant(variant_url(url, w, False), w, h, mime), ImageVariant(variant_url(url, w, True), w, h, "image/webp")]
    return ImageInfo(url, width, height, tuple(variants), key=f"{stamp_of(path)}|{encoder()}")


def probe_images(urls: Iterable[str], static: Mapping[str, Path]) -> tuple[dict[str, ImageInfo], list[Problem]]:
    """-> ({url: info}, warnings) for the images in static/ among `urls`, sorted by URL.

    A missing file is reported elsewhere (the page's 'image', or `xaweb check`
    for links); an unreadable one is shown as it is, with a warning.
    """
    infos: dict[str, ImageInfo] = {}
    problems = []
    for url in sorted(set(urls)):
        path = static.get(url)
        if path is None:
            continue
        try:
            infos[url] = probe(path, url)
        except ImageError as exc:
            message = f"không đọc được ảnh ({exc}); ảnh được dùng nguyên bản, không thu nhỏ"
            problems.append(Problem("static" + url, None, message, "warning", "bad-image"))
    return infos, problems


# --- making copies: pure -----------------------------------------------------------


def _prepared(data: bytes, largest: tuple[int, int]) -> tuple[Image.Image, bytes | None]:
    """The photo decoded no larger than needed, upright, in a mode its format can save."""
    from PIL import Image, ImageOps

    # Annotated as the base class: exif_transpose and convert return plain Images.
    im: Image.Image = Image.open(io.BytesIO(data))
    if im.format == "JPEG":
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly: a 4000 px photo needed at
        # 1080 px is decoded at 2000 px, four times less work. The result stays >= `largest`.
        turned = _display_size(im) != im.size
        im.draft(None, largest[::-1] if turned else largest)
    icc = im.info.get("icc_profile")
    im = ImageOps.exif_transpose(im)
    has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    if im.mode not in ("RGB", "L", "RGBA", "LA") or (has_alpha and im.mode not in ("RGBA", "LA")):
        im = im.convert("RGBA" if has_alpha else "RGB")
    return im, icc


def make_variants(data: bytes, wanted: list[tuple[int, int, str]]) -> list[bytes]:
    """The photo resized to each (width, height, mime), encoded: same input, same bytes."""
    from PIL import Image

    im, icc = _prepared(data, max((w, h) for w, h, _ in wanted))
    out = []
    for width, height, mime in wanted:
        resized = im.resize((width, height), Image.Resampling.LANCZOS) if im.size != (width, height) else im.copy()
        resized.info = {}  # no EXIF, XMP, comments or GPS position: only what is passed below
        buffer = io.BytesIO()
        profile = {"icc_profile": icc} if icc else {}
        if mime == "image/webp":
            resized.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, **profile)
        elif mime == "image/jpeg":
            resized = resized.convert("RGB") if resized.mode not in ("RGB", "L") else resized
            resized.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True, **profile)
        else:
            resized.save(buffer, "PNG", optimize=True, **profile)
        out.append(buffer.getvalue())
    return out


# --- the I/O edge -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageJob:
    """The copies of one photo a build must write (all from one decode)."""

    source: Path
    url: str  # "/images/cau.jpg", for messages
    outputs: tuple[ImageJobOutput, ...]


def image_jobs(images: Mapping[str, ImageInfo], outputs: Iterable[PlannedImage], static: Mapping[str, Path]) -> list[ImageJob]:
    """Group planned image outputs (`Output` of kind "image") by their photo."""
    grouped: dict[str, list[ImageJobOutput]] = {}
    for out in outputs:
        variant = next(v for v in images[out.subject].variants if v.url == out.url)
        grouped.setdefault(out.subject, []).append((out.path, variant.width, variant.height, variant.mime))
    return [ImageJob(static[url], url, tuple(outs)) for url, outs in grouped.items()]


def _cache_name(content_hash: str, width: int, mime: str) -> str:
    key = hashlib.blake2b(f"{content_hash}|{width}|{mime}|{encoder()}".encode(), digest_size=16).hexdigest()
    return f"{key}.{mime.rpartition('/')[2]}"


def derive(job: ImageJob, staging: Path, cache_dir: Path | None) -> list[tuple[str, list[Problem]]]:
    """Write a job's copies into `staging`, resizing only what the cache lacks."""
    try:
        data = job.source.read_bytes()
    except OSError as exc:
        return [("", [Problem("static" + job.url, None, f"không đọc được ảnh: {exc.strerror}")])]
    content_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
    names = [_cache_name(content_hash, w, mime) for _, w, _, mime in job.outputs]
    found: dict[int, bytes] = {}
    if cache_dir is not None:
        for i, name in enumerate(names):
            if (cache_dir / name).is_file():
                found[i] = (cache_dir / name).read_bytes()
    missing = [i for i in range(len(job.outputs)) if i not in found]
    if missing:
        try:
            made = make_variants(data, [job.outputs[i][1:] for i in missing])
        except Exception as exc:  # noqa: BLE001 - a damaged photo names itself, whatever Pillow raised
            return [("", [Problem("static" + job.url, None, f"không thu nhỏ được ảnh ({type(exc).__name__}: {exc}); hãy lưu lại ảnh rồi dựng lại")])]
        for i, blob in zip(missing, made):
            found[i] = blob
            if cache_dir is not None:
                replace_file(cache_dir / names[i], blob)
    results: list[tuple[str, list[Problem]]] = []
    for i, (path, *_rest) in enumerate(job.outputs):
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(found[i])
        results.append((path, []))
    return results


