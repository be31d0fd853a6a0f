"""Incremental builds: after any sequence of edits, the output equals a clean build's.

The guard is a hypothesis state machine over the fixture site in
`tests/sites/incremental/`. The site is held as data (a `SiteModel`: front
matter and bodies, static bytes, template overrides, site.yaml) and written to
disk after each random operation: body, title, date and tag edits, new pages
(in new sections too), deletions, renames, drafts, expiry, section `_index.md`
and `site.yaml` edits, static files (photos the build resizes too), template
overrides, the clock passing an `expires` date, and edits that break the build. Every few operations an incremental build (cache on) into `out_inc/`
is compared, file by file and byte by byte, with a clean build (cache off) of
the same files into its own folder; folders are compared too, so a deleted
page must leave no empty folder behind. (A clean build depends only on the
files, so each distinct state is built once, in a second process, while the
incremental build runs.) An operation the model knows is an error (an invalid
date, two pages naming one slug, a missing attachment, a template syntax error)
must make both builds raise `BuildError`, leave `out_inc/` exactly as it was,
and is then undone.

Random sequences favour some operations over others, so `TOUR` also runs
every kind of edit once, in a fixed order. Two plain tests check that a body
edit re-renders only what shows the page, and that worker processes change no
byte of the output.

A failure prints the operations since the start of the example and a diff of
the first differing files. CI (the environment variable CI set) runs a fixed,
derandomized set of examples. Locally, `XAWEB_INCREMENTAL_EXAMPLES=300 python
-m pytest tests/test_incremental.py` searches longer
(`XAWEB_INCREMENTAL_STEPS`, `XAWEB_INCREMENTAL_CHECK_EVERY` tune the rest).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Callable

import pytest
import yaml
from hypothesis import HealthCheck, Phase, currently_in_test_context, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

import xaweb.parallel
from xaweb.build import BuildOptions, BuildResult, build
from xaweb.errors import BuildError
from xaweb.render.theme import builtin_themes_dir
from xaweb.vietnamese import VN_TZ, slugify
from xaweb.writer import OLD_SUFFIX, TMP_SUFFIX

HERE = Path(__file__).parent
FIXTURE = HERE / "sites" / "incremental"
EXAMPLE = HERE.parent / "content-example"
THEME_TEMPLATES = builtin_themes_dir() / "default" / "templates"
NOW = datetime(2025, 6, 1, tzinfo=VN_TZ)

IN_CI = bool(os.environ.get("CI"))
CHECK_EVERY = int(os.environ.get("XAWEB_INCREMENTAL_CHECK_EVERY", 4))  # operations between two comparisons
_settings = dict(
    max_examples=int(os.environ.get("XAWEB_INCREMENTAL_EXAMPLES", 20)),
    stateful_step_count=int(os.environ.get("XAWEB_INCREMENTAL_STEPS", 12)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    derandomize=IN_CI,
    print_blob=True,
    # No "explain" phase: it traces every line of the replayed builds, slowly, to say little here.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
if IN_CI:
    _settings["database"] = None
SETTINGS = settings(**_settings)


# --- output trees ------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (-> bytes) and folder (-> None, key ending in '/') under root."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_dir():
            out[rel + "/"] = None
        else:
            out[rel] = path.read_bytes()
    return out


def tree_difference(incremental: Path, clean: Path) -> str:
    """'' when both trees are identical, else what differs (with a diff of the first files)."""
    a, b = tree(incremental), tree(clean)
    if a == b:
        return ""
    lines = []
    missing = sorted(b.keys() - a.keys())
    extra = sorted(a.keys() - b.keys())
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    if missing:
        lines.append(f"only in the clean build ({len(missing)}): {missing}")
    if extra:
        lines.append(f"only in the incremental build ({len(extra)}): {extra}")
    if differ:
        lines.append(f"different bytes ({len(differ)}): {differ}")
    for key in differ[:2]:
        old = a[key].decode("utf-8", "replace").splitlines()  # type: ignore[union-attr]
        new = b[key].decode("utf-8", "replace").splitlines()  # type: ignore[union-attr]
        diff = list(difflib.unified_diff(old, new, f"incremental/{key}", f"clean/{key}", n=1, lineterm=""))
        lines += diff[:40] + (["…"] if len(diff) > 40 else [])
    return "\n".join(lines)


def options(site: Path, out: Path, cache: bool, jobs: int = 1, now: datetime = NOW) -> BuildOptions:
    return BuildOptions(site, out, now=now, jobs=jobs, cache=cache)


def _clean_build(site: Path, out: Path, now: datetime) -> str | None:
    """A clean build; -> None, or the error as text ('BuildError: …') so it crosses processes."""
    try:
        build(options(site, out, cache=False, now=now))
    except Exception as exc:  # noqa: BLE001 - reported by the caller
        return f"{type(exc).__name__}: {exc}"
    return None


class CleanBuilds:
    """Clean builds, one per distinct site state, in a second process, remembered.

    A clean build is a pure function of the site's files and `now`, so
    a state seen before (shrinking replays the same prefixes over and over) is
    compared with the output already built for it. A new state is built in a
    second process while the incremental build runs in this one: the two share
    nothing (the clean build neither reads nor writes the cache). Without
    `fork` (Windows) the clean build runs here.
    """

    KEEP = 40  # clean outputs kept on disk

    def __init__(self, root: Path):
        self.root = root
        self.results: dict[str, str | None] = {}  # state digest -> error text or None, oldest first
        fork = "fork" in multiprocessing.get_all_start_methods()
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) if fork else None

    def start(self, site: Path, files: dict[str, bytes], now: datetime) -> Callable[[], tuple[str | None, Path, bool]]:
        """Start (or recall) the clean build of `site`, whose files are `files`, at `now`.

        -> a function returning (error or None, output folder, whether it was built just now).
        """
        h = hashlib.blake2b(now.isoformat().encode(), digest_size=16)
        for path, data in sorted(files.items()):
            h.update(f"{path}\0{len(data)}\0".encode())
            h.update(data)
        key = h.hexdigest()
        out = self.root / key
        if key in self.results:
            self.results[key] = self.results.pop(key)  # most recently used
            return lambda: (self.results[key], out, False)
        if self.pool is not None:
            future: Future = self.pool.submit(_clean_build, site, out, now)
        else:
            future = Future()
            future.set_result(_clean_build(site, out, now))

        def result() -> tuple[str | None, Path, bool]:
            self.results[key] = future.result()
            while len(self.results) > self.KEEP:
                oldest = next(iter(self.results))
                del self.results[oldest]
                shutil.rmtree(self.root / oldest, ignore_errors=True)
            return self.results[key], out, True

        return result

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".xaweb-cache", "public"))
    return target


# --- the site as data ----------------------------------------------------------------


class _TextDates(yaml.SafeLoader):
    """Front matter as xaweb reads it: dates stay text."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

DATE_KEYS = ("date", "updated", "expires", "issued", "effective")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")


def _valid_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _DATE.match(value):
        return value  # as an officer writes it (even an impossible one)
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: strings, lists, mappings


def read_markdown(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=_TextDates) or {}, body


def write_markdown(meta: dict, body: str) -> str:
    front = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in meta.items())
    return f"---\n{front}---\n{body}"


def section_of(path: str) -> str:
    """'content/tin-tuc/a.md' -> 'tin-tuc'; 'content/a.md' -> ''."""
    return "/".join(path.split("/")[1:-1])


KIND_BY_SECTION = {"van-ban": "document", "thu-tuc-hanh-chinh": "procedure"}
BROKEN_TEMPLATE = "{% if %}"


class SiteModel:
    """Everything the build reads, as values; `sync` writes the difference to disk."""

    def __init__(self, site: Path):
        self.content: dict[str, tuple[dict, str]] = {}
        for path in sorted((site / "content").rglob("*.md")):
            self.content[path.relative_to(site).as_posix()] = read_markdown(path.read_text(encoding="utf-8"))
        self.static = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "static").rglob("*")) if p.is_file()}
        self.templates: dict[str, str] = {}
        self.config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))

    # --- views ------------------------------------------------------------------

    def pages(self) -> list[str]:
        return sorted(p for p in self.content if not p.endswith("/_index.md"))

    def sections(self) -> list[str]:
        found = {section_of(p) for p in self.content}
        for path in list(found):  # nested sections imply their parents
            parts = path.split("/")
            found.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return sorted(found)

    def files(self) -> dict[str, bytes]:
        out = {"site.yaml": yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False).encode("utf-8")}
        out.update((path, write_markdown(meta, body).encode("utf-8")) for path, (meta, body) in self.content.items())
        out.update(self.static)
        out.update((path, text.encode("utf-8")) for path, text in self.templates.items())
        return out

    def url(self, path: str) -> str:
        meta, _ = self.content[path]
        slug = meta.get("slug") or slugify(str(meta.get("title", "")))
        section = section_of(path)
        return f"/{section}/{slug}/" if section else f"/{slug}/"

    def expected_errors(self) -> list[str]:
        """What the build must reject, predicted from the model alone."""
        errors = []
        statics = {p[len("static"):] for p in self.static}
        urls: dict[str, list[str]] = {}
        for path, (meta, _) in sorted(self.content.items()):
            if path.endswith("/_index.md"):
                if meta.get("paginate", 1) < 1:
                    errors.append(f"{path}: paginate < 1")
                continue
            errors += [f"{path}: invalid {k}: {meta[k]!r}" for k in DATE_KEYS if k in meta and not _valid_date(meta[k])]
            if not meta.get("title"):
                errors.append(f"{path}: no title")
            if "weight" in meta and not isinstance(meta["weight"], int):
                errors.append(f"{path}: weight is not an integer")
            if "slug" in meta and slugify(meta["slug"]) != meta["slug"]:
                errors.append(f"{path}: slug {meta['slug']!r} is not a slug")
            if meta.get("draft") or not meta.get("title"):
                continue  # drafts are parsed (so checked above) but not published
            for key in ("file", "image"):
                if str(meta.get(key, "")).startswith("/") and meta[key] not in statics:
                    errors.append(f"{path}: {key} {meta[key]} is not in static/")
            urls.setdefault(self.url(path), []).append(path)
        errors += self._address_errors(urls)
        errors += [f"{path}: template syntax error" for path, text in self.templates.items() if BROKEN_TEMPLATE in text]
        return errors

    def _address_errors(self, urls: dict[str, list[str]]) -> list[str]:
        """Pages at one address (docs/content.md): one keeps it (a named slug, else the file that bears
        the name, else the earliest date, else the first path); the others, if their address came from
        the title, move to one with their file name. Two named slugs, or a move onto a taken address, fail."""
        errors = []
        def claim(path: str) -> tuple:
            meta = self.content[path][0]
            slug = self.url(path).rstrip("/").rsplit("/", 1)[-1]
            return ("slug" not in meta, slugify(PurePosixPath(path).stem) != slug, "date" not in meta, meta.get("date", ""), path)
        owners = {url: min(paths, key=claim) for url, paths in urls.items()}
        taken = set(owners)
        for url, paths in urls.items():
            for path in sorted(p for p in paths if p != owners[url]):
                slug, stem = url.rstrip("/").rsplit("/", 1)[-1], slugify(PurePosixPath(path).stem)
                moved = url[: -len(slug) - 1] + (stem if stem.startswith(slug + "-") else f"{slug}-{stem}") + "/"
                if "slug" in self.content[path][0] or moved in taken:
                    errors.append(f"{path}: same URL as {owners[url]}, or its new one {moved} taken")
                taken.add(moved)
        return errors

    # --- disk ---------------------------------------------------------------------

    def sync(self, site: Path) -> None:
        want = self.files()
        have = {p.relative_to(site).as_posix(): p for top in ("content", "static", "templates", "themes") if (site / top).is_dir()
                for p in (site / top).rglob("*") if p.is_file()}
        for rel in have.keys() - want.keys():
            have[rel].unlink()
        for rel, data in want.items():
            path = site / rel
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        for top in ("content", "static", "templates", "themes"):  # git keeps no empty folders either
            for folder in sorted((p for p in (site / top).rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                if not any(folder.iterdir()):
                    folder.rmdir()
            if (site / top).is_dir() and top != "content" and not any((site / top).iterdir()):
                (site / top).rmdir()


# --- pools: small, so orderings tie and slugs collide ------------------------------

TITLES = [
    "Họp dân ấp Hòa Thạnh bàn làm đường",
    "Ngày hội Đại đoàn kết toàn dân tộc",
    "Trao quà Tết cho hộ nghèo",
    "Lịch tiếp công dân tháng 6/2025",
    "Lịch tiếp Công dân tháng 6/2025",  # same slug as the one above
    "Khánh thành cầu Hòa Lợi",
    "Khánh thành cầu Hoà Lợi",  # old-style tone mark: same slug again
    "Phòng, chống sốt xuất huyết mùa mưa",
    "Đường điện nông thôn – đợt 2",
    "Thông báo cắt điện ngày 15/4/2025",
]
PHOTO_BODY = "Cầu mới nối hai ấp.\n\n![Cầu Hòa Lợi ngày khánh thành](/images/cau-hoa-loi.jpg)\n"
BODIES = [
    "Bà con **ấp Hòa Phú** đóng góp 120 ngày công làm đường.\n",
    "Ủy ban nhân dân xã đề nghị các hộ gia đình thực hiện nghiêm.\n\n## Chi tiết\n\nXem [văn bản](/van-ban/) kèm theo.\n",
    "## Mục tiêu\n\nSố hóa 100% hồ sơ.\n\n## Địa bàn\n\n- Ấp Hòa Thạnh\n- Ấp Tân Quới\n\n### Tiến độ\n\nHoàn thành trong quý III.\n",
    "Đã sửa: “Hòa Lợi” thay cho “Hoà Lợi”.\n",
    PHOTO_BODY,
    "",
]
DATES = ["2024-07-01", "2024-11-18", "2025-01-20", "2025-03-10", "2025-03-10 08:30", "2025-05-28", "2025-06-01", "2025-07-15", None]
EXPIRES = ["2025-04-15", "2025-05-31", "2025-06-01", "2025-12-31", None]  # now is 2025-06-01 00:00
TAGS = ["Nông thôn mới", "nông thôn mới", "Nong thon moi", "Giao thông", "Văn hóa", "An sinh xã hội",
        "Tiếp công dân", "tiếp công dân", "Chuyển đổi số"]
DOC_TYPES = ["Quyết định", "quyết định", "Kế hoạch", "Thông báo", "Công văn"]
FIELDS = ["Hộ tịch", "hộ tịch", "Chứng thực", "Đất đai"]
NEW_SECTIONS = ["tin-tuc", "thong-bao", "van-ban", "thu-tuc-hanh-chinh", "hoi-dap", "cong-khai/ngan-sach", ""]
FILE_NAMES = ["bai-moi", "tin-2025-06", "thong-tin-them", "Ban-sao", "z-cuoi"]
SECTION_TITLES = ["Tin tức – Sự kiện", "Tin tức", "Thông báo", "Văn bản chỉ đạo, điều hành", "Hỏi đáp", "Công khai ngân sách"]
DESCRIPTIONS = ["Trang thử nghiệm dựng tăng dần của xã Hòa Lợi.", "Thông tin chính thức của UBND xã Hòa Lợi – “Vĩnh Long”."]
STATIC_PATHS = ["static/images/trao-qua.jpg", "static/images/cau-hoa-loi.jpg", "static/files/van-ban/qd-15-2025.pdf",
                "static/files/van-ban/kh-42-2024.pdf", "static/files/bieu-mau/to-khai-khai-sinh.pdf",
                "static/files/van-ban/cv-07-2025.pdf", "static/css/xaweb.css", "static/robots.txt"]


def _photo(fmt: str, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    """A small real photo (the build resizes JPEG and PNG files pages show)."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, colour)
    ImageDraw.Draw(im).ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill=(250, 220, 0))
    buffer = io.BytesIO()
    im.save(buffer, fmt)
    return buffer.getvalue()


STATIC_BYTES = [b"%PDF-1.4\n% v2\n%%EOF\n", b"%PDF-1.4\n% v3 (a longer version of the file)\n%%EOF\n",
                b"/* site css */\nbody { color: #222; }\n", b"User-agent: *\nDisallow: /nhap/\n",
                _photo("JPEG", (400, 250), (30, 90, 160)), _photo("JPEG", (800, 500), (160, 60, 30)), _photo("PNG", (300, 200), (20, 140, 70))]
FIELD_CHANGES = [
    ("updated", "2025-05-30"), ("updated", "2025-06-02 07:00"), ("updated", None),
    ("summary", "Tóm tắt: xã triển khai nhiệm vụ trọng tâm tháng 6."), ("summary", None),
    ("author", "Trần Thị Ánh"), ("author", None),
    ("weight", 1), ("weight", 3), ("weight", None),
    ("pinned", True), ("pinned", None),
    ("slug", "tin-moi"), ("slug", "qd-15-2025-quy-che-lam-viec"), ("slug", "Tin Mới"), ("slug", None),
    ("image", "/images/trao-qua.jpg"), ("image", "/images/cau-hoa-loi.jpg"), ("image", None),
]
OVERRIDES = ["partials/footer.html", "partials/card.html"]
CHILD_THEME = "tinh-thu"
HOME_BLOCKS = ["home_intro", "home_quick_links", "home_news", "home_contact"]


def child_theme(block: str, marker: str) -> dict[str, str]:
    """A province theme's files (docs/themes.md): the default theme with one home-page block replaced."""
    return {f"themes/{CHILD_THEME}/theme.yaml": f"name: {CHILD_THEME}\nextends: default\n",
            f"themes/{CHILD_THEME}/templates/home.html": '{% extends "default:home.html" %}\n{% block ' + block + " %}" + marker + "{% endblock %}\n"}
MARKERS = ["<!-- bản riêng của xã Hòa Lợi -->", "<p class=\"thu-nghiem\">Phiên bản thử nghiệm</p>"]


# --- the state machine -----------------------------------------------------------------


class IncrementalBuilds(RuleBasedStateMachine):
    """Random edits to the fixture site; incremental output must always equal a clean build's."""

    root: Path  # set per test: holds pristine/ (built once) and work/ (one example)
    clean_builds: CleanBuilds
    check_every = CHECK_EVERY

    def __init__(self) -> None:
        super().__init__()
        self.work = self.root / "work"
        if self.work.exists():
            shutil.rmtree(self.work)
        # Same absolute path every example: the cache keys its records by output folder.
        shutil.copytree(self.root / "pristine", self.work, symlinks=True)
        self.site, self.out = self.work / "site", self.work / "out_inc"
        self.model = SiteModel(self.site)
        self.now = NOW  # the moment expiry is judged against, for both builds
        self.pending = 0  # operations since the last comparison
        self.builds = 0
        self.log: list[str] = []
        self.failed = False

    # --- building and comparing ----------------------------------------------------

    def _history(self) -> str:
        return "\noperations:\n" + "\n".join(f"  {i}. {op}" for i, op in enumerate(self.log, 1))

    def _builds(self) -> tuple[str | None, str | None, Path, bool]:
        """An incremental build into out_inc/ and, at the same time, the clean build of this state.

        -> (incremental error, clean error, clean output, clean built just now); errors as 'Type: text'.
        """
        self.builds += 1
        clean = self.clean_builds.start(self.site, self.model.files(), self.now)
        try:
            build(options(self.site, self.out, cache=True, now=self.now))
            error = None
        except Exception as exc:  # noqa: BLE001 - compared with the clean build's outcome
            error = f"{type(exc).__name__}: {exc}"
        return (error, *clean())

    def _fail(self, message: str) -> None:
        self.failed = True
        raise AssertionError(message + self._history())

    def _check(self) -> None:
        """Incremental build == clean build, and the build leaves nothing beside its output."""
        error, clean_error, clean, _ = self._builds()
        self.pending = 0
        if error or clean_error:
            self._fail(f"unexpected build error:\nincremental: {error}\nclean: {clean_error}")
        difference = tree_difference(self.out, clean)
        if difference:
            self._fail(f"incremental output differs from a clean build:\n{difference}")
        leftovers = [p.name for p in self.work.iterdir() if p.name.endswith((TMP_SUFFIX, OLD_SUFFIX))]
        if leftovers:
            self._fail(f"staging folders left behind: {leftovers}")

    def _check_failure(self, expected: list[str]) -> None:
        """Both builds reject the site with BuildError; out_inc/ is left exactly as it was."""
        before = tree(self.out)
        error, clean_error, clean, fresh = self._builds()
        for name, err in (("incremental", error), ("clean", clean_error)):
            if err is None:
                self._fail(f"the {name} build succeeded; expected an error: {expected}")
            if not err.startswith(f"{BuildError.__name__}: "):
                self._fail(f"the {name} build raised {err.splitlines()[0]}; expected BuildError ({expected})")
        if tree(self.out) != before:
            self._fail("a failed build changed out_inc/")
        if fresh and clean.exists():
            self._fail(f"a failed clean build left its output folder {clean}")

    @contextmanager
    def edit(self, what: str):
        """Apply one operation to the model, write it, and build when it is time."""
        before = copy.deepcopy(self.model)
        yield self.model
        self.log.append(what)
        if currently_in_test_context():
            note(what)
        self.model.sync(self.site)
        self.pending += 1
        expected = self.model.expected_errors()
        if expected:
            self._check_failure(expected)
            self.model = before  # undo
            self.model.sync(self.site)
            self.log.append("(the site is invalid: both builds failed; undone)")
        elif self.pending >= self.check_every:
            self._check()

    def teardown(self) -> None:
        if self.pending and not self.failed:
            self._check()

    def _page(self, data, where=lambda path, meta: True) -> str | None:
        choices = [p for p in self.model.pages() if where(p, self.model.content[p][0])]
        return data.draw(st.sampled_from(choices), label="page") if choices else None

    # --- pages ------------------------------------------------------------------------

    @rule(data=st.data(), body=st.sampled_from(BODIES))
    def edit_body(self, data, body):
        path = self._page(data)
        with self.edit(f"body of {path} = {body[:30]!r}…") as m:
            m.content[path] = (m.content[path][0], body)

    @rule(data=st.data(), title=st.sampled_from(TITLES))
    def edit_title(self, data, title):
        path = self._page(data)
        with self.edit(f"title of {path} = {title!r}") as m:
            m.content[path][0]["title"] = title

    @rule(data=st.data(), date=st.sampled_from(DATES))
    def edit_date(self, data, date):
        path = self._page(data)
        with self.edit(f"date of {path} = {date}") as m:
            meta = m.content[path][0]
            if date is None:
                meta.pop("date", None)
            else:
                meta["date"] = date

    def _set_field(self, path: str, key: str, value: object) -> None:
        """One front-matter field of one page set (None: removed)."""
        with self.edit(f"{key} of {path} = {value!r}") as m:
            meta = m.content[path][0]
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value

    @rule(data=st.data(), change=st.sampled_from(FIELD_CHANGES))
    def edit_field(self, data, change):
        """Other front matter: updated, summary, author, weight, pinned, slug (moves the page), image."""
        key, value = change
        path = self._page(data)
        self._set_field(path, key, value)

    @rule(data=st.data(), tag=st.sampled_from(TAGS))
    def add_tag(self, data, tag):
        path = self._page(data)
        with self.edit(f"tag {tag!r} added to {path}") as m:
            meta = m.content[path][0]
            meta["tags"] = [*meta.get("tags", []), tag]

    @precondition(lambda self: any(self.model.content[p][0].get("tags") for p in self.model.pages()))
    @rule(data=st.data())
    def remove_tag(self, data):
        path = self._page(data, lambda p, meta: bool(meta.get("tags")))
        tag = data.draw(st.sampled_from(self.model.content[path][0]["tags"]), label="tag")
        with self.edit(f"tag {tag!r} removed from {path}") as m:
            meta = m.content[path][0]
            meta["tags"] = [t for t in meta["tags"] if t != tag]
            if not meta["tags"]:
                del meta["tags"]

    @precondition(lambda self: any(set(self.model.content[p][0].get("tags", ())) & set(TAGS) for p in self.model.pages()))
    @rule(data=st.data())
    def respell_tag(self, data):
        """Same topic, another spelling: 'Nông thôn mới' -> 'nông thôn mới' (one tag page)."""
        path = self._page(data, lambda p, meta: bool(set(meta.get("tags", ())) & set(TAGS)))
        tags = self.model.content[path][0]["tags"]
        old = data.draw(st.sampled_from([t for t in tags if t in TAGS]), label="tag")
        new = data.draw(st.sampled_from([t for t in TAGS if slugify(t) == slugify(old)]), label="spelling")
        with self.edit(f"tag {old!r} of {path} respelled {new!r}") as m:
            m.content[path][0]["tags"] = [new if t == old else t for t in tags]

    @rule(data=st.data(), expires=st.sampled_from(EXPIRES))
    def set_expires(self, data, expires):
        path = self._page(data)
        with self.edit(f"expires of {path} = {expires}") as m:
            meta = m.content[path][0]
            if expires is None:
                meta.pop("expires", None)
            else:
                meta["expires"] = expires

    @rule(data=st.data())
    def toggle_draft(self, data):
        path = self._page(data)
        with self.edit(f"draft toggled on {path}") as m:
            meta = m.content[path][0]
            if meta.pop("draft", False) is False:
                meta["draft"] = True

    @rule(data=st.data(), section=st.sampled_from(NEW_SECTIONS), name=st.sampled_from(FILE_NAMES),
          title=st.sampled_from(TITLES), date=st.sampled_from(DATES), tags=st.lists(st.sampled_from(TAGS), max_size=2),
          body=st.sampled_from(BODIES), with_index=st.booleans())
    def add_page(self, data, section, name, title, date, tags, body, with_index):
        folder = f"content/{section}/" if section else "content/"
        path = next(f"{folder}{name}{s}.md" for s in ("", "-2", "-3", "-4", "-5", "-6", "-7", "-8") if f"{folder}{name}{s}.md" not in self.model.content)
        meta: dict = {"title": title}
        if date:
            meta["date"] = date
        if tags:
            meta["tags"] = tags
        kind = KIND_BY_SECTION.get(section)
        if kind == "document":
            meta["number"] = f"{len(self.model.content)}/QĐ-UBND"
            meta["doc_type"] = data.draw(st.sampled_from(DOC_TYPES), label="doc_type")
            pdfs = [p[len("static"):] for p in self.model.static if p.endswith(".pdf")]
            attachment = data.draw(st.sampled_from([None, *pdfs]), label="file")
            if attachment:
                meta["file"] = attachment
            if data.draw(st.booleans(), label="explicit slug"):
                meta["slug"] = "vb-" + slugify(meta["number"])
        elif kind == "procedure":
            meta["field"] = data.draw(st.sampled_from(FIELDS), label="field")
        index = f"{folder}_index.md"
        new_section = section and section not in self.model.sections()
        with self.edit(f"new page {path} ({title!r}, {date}, tags {tags}){' with a new _index.md' if new_section and with_index else ''}") as m:
            m.content[path] = (meta, body)
            if new_section and with_index:
                m.content[index] = ({"title": SECTION_TITLES[len(section) % len(SECTION_TITLES)], "weight": 5}, "Giới thiệu chuyên mục.\n")

    @precondition(lambda self: len(self.model.pages()) > 1)
    @rule(data=st.data())
    def delete_page(self, data):
        path = self._page(data)
        with self.edit(f"deleted {path}") as m:
            del m.content[path]

    @rule(data=st.data(), name=st.sampled_from(FILE_NAMES), move=st.booleans())
    def rename_page(self, data, name, move):
        """Same content, another file name; sometimes another (article) section, so another URL."""
        path = self._page(data)
        folder = path.rpartition("/")[0]
        if move and section_of(path) not in KIND_BY_SECTION:
            folder = data.draw(st.sampled_from(["content", "content/tin-tuc", "content/thong-bao"]), label="to")
        new = f"{folder}/{name}.md"
        if new in self.model.content:
            new = f"{folder}/{name}-doi-ten.md"
        if new in self.model.content:
            return
        with self.edit(f"renamed {path} -> {new}") as m:
            m.content[new] = m.content.pop(path)

    @precondition(lambda self: any(section_of(p) in KIND_BY_SECTION for p in self.model.pages()))
    @rule(data=st.data())
    def edit_document_or_procedure(self, data):
        path = self._page(data, lambda p, meta: section_of(p) in KIND_BY_SECTION)
        if KIND_BY_SECTION[section_of(path)] == "document":
            key, value = data.draw(st.sampled_from([("doc_type", t) for t in DOC_TYPES] + [("issued", d) for d in ("2023-12-29", "2025-02-14", None)]), label="change")
        else:
            key, value = data.draw(st.sampled_from([("field", f) for f in FIELDS]), label="change")
        self._set_field(path, key, value)

    @rule(data=st.data(), how=st.sampled_from(["invalid date", "no title", "weight not a number"]))
    def break_page(self, data, how):
        """An edit the build must reject; `edit` checks both builds fail, then undoes it."""
        path = self._page(data)
        with self.edit(f"broke {path}: {how}") as m:
            meta = m.content[path][0]
            if how == "invalid date":
                meta["date"] = "2025-02-30"
            elif how == "no title":
                del meta["title"]
            else:
                meta["weight"] = "nặng"

    # --- sections, site.yaml -------------------------------------------------------------

    @rule(data=st.data(), change=st.sampled_from(["title", "weight", "paginate", "sort", "menu", "intro", "remove", "invalid paginate"]))
    def edit_section(self, data, change):
        section = data.draw(st.sampled_from(self.model.sections()), label="section")
        path = f"content/{section}/_index.md" if section else "content/_index.md"
        if change == "title":
            value = data.draw(st.sampled_from(SECTION_TITLES), label="title")
        elif change == "weight":
            value = data.draw(st.integers(0, 5), label="weight")
        elif change == "paginate":
            value = data.draw(st.sampled_from([None, 1, 2, 3]), label="paginate")
        elif change == "sort":
            value = data.draw(st.sampled_from(["date", "weight", "title"]), label="sort")
        elif change == "menu":
            value = data.draw(st.booleans(), label="menu")
        elif change == "intro":
            value = data.draw(st.sampled_from(BODIES), label="intro")
        else:
            value = 0 if change == "invalid paginate" else None
        with self.edit(f"{path}: {change} = {value!r}") as m:
            if change == "remove":
                m.content.pop(path, None)
                return
            meta, body = m.content.get(path, ({}, ""))
            if change == "intro":
                body = value
            elif change == "invalid paginate":
                meta["paginate"] = 0
            elif value is None:
                meta.pop(change, None)
            else:
                meta[change] = value
            m.content[path] = (meta, body)

    @rule(change=st.sampled_from([
        ("description", DESCRIPTIONS[0]), ("description", DESCRIPTIONS[1]),
        ("paginate", 1), ("paginate", 2), ("paginate", 3),
        ("feeds.items", 1), ("feeds.items", 3), ("feeds.items", 20),
        ("feeds.full_content", True), ("feeds.full_content", False),
        ("home.news_count", 1), ("home.news_count", 6),
        ("base_url", "https://hoaloi.vinhlong.gov.vn"), ("base_url", "https://vinhlong.gov.vn/hoa-loi"),
        ("language", "en"), ("language", "vi"),
        ("footer.responsible", "Bà Lê Thị Hoa – Chủ tịch UBND xã"), ("contact.phone", "0270 3 999 999"),
        ("leaders", [{"name": "Ông Trần Văn Bình", "role": "Chủ tịch UBND xã", "phone": "0270 3 812 346"}]), ("leaders", []),
        ("quick_links", [{"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn",
                          "description": "Nộp hồ sơ trực tuyến"}]), ("quick_links", []),
    ]))
    def edit_config(self, change):
        key, value = change
        with self.edit(f"site.yaml: {key} = {value!r}") as m:
            *parents, last = key.split(".")
            target = m.config
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value

    @rule(days=st.sampled_from([10, 1, 45, 200]))
    def clock_advances(self, days):
        """Time passes between two builds, nothing edited: pages reach their 'expires' date."""
        with self.edit(f"the clock advances {days} day(s)"):
            self.now += timedelta(days=days)

    # --- static files and templates ---------------------------------------------------------

    @rule(path=st.sampled_from(STATIC_PATHS), data=st.sampled_from([None, *STATIC_BYTES]))
    def static_file(self, path, data):
        with self.edit(f"{path}: {'deleted' if data is None else f'written ({len(data)} bytes)'}") as m:
            if data is None:
                m.static.pop(path, None)
            else:
                m.static[path] = data

    @rule(block=st.sampled_from([None, *HOME_BLOCKS]), marker=st.sampled_from(MARKERS))
    def theme_block_override(self, block, marker):
        """A province theme extending the default one that replaces one block of the home page
        (docs/themes.md); None: back to the default theme."""
        with self.edit(f"themes/{CHILD_THEME}: " + (f"home.html overrides {block} with {marker!r}" if block else "removed")) as m:
            for path in [p for p in m.templates if p.startswith("themes/")]:
                del m.templates[path]
            if block is None:
                m.config.pop("theme", None)
                return
            m.templates.update(child_theme(block, marker))
            m.config["theme"] = CHILD_THEME

    @rule(name=st.sampled_from(OVERRIDES), action=st.sampled_from(["add", "add", "remove", "break"]), marker=st.sampled_from(MARKERS))
    def template_override(self, name, action, marker):
        """A site template replacing the theme's, as docs/themes.md describes."""
        path = f"templates/{name}"
        with self.edit(f"{path}: {action}" + (f" with {marker!r}" if action == "add" else "")) as m:
            theme = (THEME_TEMPLATES / name).read_text(encoding="utf-8")
            if action == "add":
                m.templates[path] = theme + marker + "\n"
            elif action == "remove":
                m.templates.pop(path, None)
            else:
                m.templates[path] = theme + BROKEN_TEMPLATE + "\n"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The fixture site with one incremental build done, at the path every example reuses."""
    root = tmp_path_factory.mktemp("incremental")
    work = root / "work"
    site = copy_site(FIXTURE, work / "site")
    SiteModel(site).sync(site)  # the model's own spelling of every file
    build(options(site, work / "out_inc", cache=True))
    shutil.copytree(work, root / "pristine", symlinks=True)
    return root


@pytest.fixture
def clean_builds(tmp_path: Path):
    builds = CleanBuilds(tmp_path / "clean")
    yield builds
    builds.close()  # before any other test forks: no worker left behind


def test_incremental_build_equals_clean_build(pristine: Path, clean_builds: CleanBuilds):
    machine = type("IncrementalBuilds", (IncrementalBuilds,), {"root": pristine, "clean_builds": clean_builds})
    run_state_machine_as_test(machine, settings=SETTINGS)


# --- every kind of edit, in a fixed order -------------------------------------------------
# Random sequences favour some operations over others; this tour makes sure CI
# runs each kind at least once, with a comparison after every two edits.

NEWS = "content/tin-tuc/hop-dan-ap-hoa-thanh.md"
NOTICE = "content/thong-bao/tuyen-dung.md"
DOC = "content/van-ban/kh-42-2024.md"
PROC = "content/thu-tuc-hanh-chinh/chung-thuc-ban-sao.md"


def _set(path: str, key: str, value: object) -> Callable[[SiteModel], None]:
    def change(m: SiteModel) -> None:
        meta = m.content.setdefault(path, ({}, ""))[0]
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return change


def _set_config(key: str, value: object) -> Callable[[SiteModel], None]:
    def change(m: SiteModel) -> None:
        *parents, last = key.split(".")
        target = m.config
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return change


def _body(path: str, body: str) -> Callable[[SiteModel], None]:
    return lambda m: m.content.__setitem__(path, (m.content[path][0], body))


def _move(old: str, new: str) -> Callable[[SiteModel], None]:
    return lambda m: m.content.__setitem__(new, m.content.pop(old))


def _override(name: str, extra: str | None) -> Callable[[SiteModel], None]:
    def change(m: SiteModel) -> None:
        if extra is None:
            m.templates.pop(f"templates/{name}", None)
        else:
            m.templates[f"templates/{name}"] = (THEME_TEMPLATES / name).read_text(encoding="utf-8") + extra + "\n"
    return change


def _theme_block(block: str | None, marker: str) -> Callable[[SiteModel], None]:
    def change(m: SiteModel) -> None:
        for path in [p for p in m.templates if p.startswith("themes/")]:
            del m.templates[path]
        m.config.pop("theme", None)
        if block:
            m.templates.update(child_theme(block, marker))
            m.config["theme"] = CHILD_THEME
    return change


# Written to a file, not to an address; and a root link, which gets the base path (bodies from the cache too).
LINKING_BODY = "Xem [lịch tiếp dân](../thong-bao/lich-tiep-cong-dan.md#gio) và [hỏi đáp](/hoi-dap/).\n"

TOUR: list[tuple[str, Callable[[SiteModel], None]]] = [
    ("body edit", _body(NEWS, BODIES[2])),
    ("title edit: the page moves", _set(NEWS, "title", TITLES[5])),
    ("date edit: lists reorder", _set(NEWS, "date", "2024-07-01")),
    ("tag added", _set(NEWS, "tags", ["nông thôn mới", "Giao thông", "Văn hóa"])),
    ("tag respelled on the page that names the tag", _set(NEWS, "tags", ["Nong thon moi", "Giao thông", "Văn hóa"])),
    ("tag removed", _set(NEWS, "tags", ["Giao thông"])),
    ("new page in a new section with _index.md", lambda m: m.content.update({
        "content/hoi-dap/_index.md": ({"title": "Hỏi đáp", "weight": 5}, "Câu hỏi của bà con.\n"),
        "content/hoi-dap/bai-moi.md": ({"title": TITLES[7], "date": "2025-05-30", "tags": ["Văn hóa"]}, BODIES[0])})),
    ("new page in a new nested section, no _index.md", lambda m: m.content.update({
        "content/cong-khai/ngan-sach/tin-2025-06.md": ({"title": TITLES[8], "date": "2025-05-29"}, BODIES[3])})),
    ("new page at the root", lambda m: m.content.update({"content/z-cuoi.md": ({"title": TITLES[1]}, BODIES[0])})),
    ("page deleted", lambda m: m.content.pop("content/tin-tuc/ngay-hoi-dai-doan-ket.md")),
    ("page renamed (same content)", _move("content/tin-tuc/trao-qua-tet.md", "content/tin-tuc/a-trao-qua.md")),
    ("page moved to another section", _move("content/hoi-dap/bai-moi.md", "content/thong-bao/bai-moi.md")),
    ("draft", _set("content/thong-bao/lich-tiep-cong-dan.md", "draft", True)),
    ("draft again published", _set("content/thong-bao/lich-tiep-cong-dan.md", "draft", None)),
    ("expires in the past", _set(NEWS, "expires", "2025-05-31")),
    ("expires removed", _set("content/thong-bao/cat-dien.md", "expires", None)),
    ("updated", _set(NOTICE, "updated", "2025-05-30")),
    ("pinned", _set(NOTICE, "pinned", True)),
    ("slug: the page moves", _set(NOTICE, "slug", "tin-moi")),
    ("aliases: its old addresses send readers on", _set(NOTICE, "aliases", ["/thong-bao/tuyen-dung/", "/tin/tuyen-dung.html"])),
    ("the page moves again: its aliases follow", _set(NOTICE, "slug", "tuyen-dung-2025")),
    ("one alias removed", _set(NOTICE, "aliases", ["/tin/tuyen-dung.html"])),
    ("lead image", _set(NOTICE, "image", "/images/trao-qua.jpg")),
    ("lead image file replaced (another size, PNG)", lambda m: m.static.__setitem__("static/images/trao-qua.jpg", STATIC_BYTES[6])),
    ("document type respelled", _set(DOC, "doc_type", "quyết định")),
    ("document issued another year", _set(DOC, "issued", "2023-12-29")),
    ("procedure field", _set(PROC, "field", "Hộ tịch")),
    ("section title", _set("content/tin-tuc/_index.md", "title", "Tin tức")),
    ("section out of the menu", _set("content/thong-bao/_index.md", "menu", False)),
    ("section weight", _set("content/van-ban/_index.md", "weight", 0)),
    ("section paginate", _set("content/tin-tuc/_index.md", "paginate", 1)),
    ("section sorted by title", _set("content/thong-bao/_index.md", "sort", "title")),
    ("section intro", _body("content/tin-tuc/_index.md", "Tin hoạt động của xã Hòa Lợi.\n")),
    ("section _index.md removed", lambda m: m.content.pop("content/thu-tuc-hanh-chinh/_index.md")),
    ("home intro", _body("content/_index.md", BODIES[1])),
    ("site.yaml feeds.items", _set_config("feeds.items", 1)),
    ("site.yaml feeds.full_content", _set_config("feeds.full_content", True)),
    ("site.yaml base_url with a path", _set_config("base_url", "https://vinhlong.gov.vn/hoa-loi")),
    ("a body links to another page's file, and to a page by its address", _body(NEWS, LINKING_BODY)),
    ("a section's introduction links to a page's file", _body("content/tin-tuc/_index.md", "Xem [lịch tiếp dân](../thong-bao/lich-tiep-cong-dan.md).\n")),
    ("the linked page's title changes: the link follows it", _set("content/thong-bao/lich-tiep-cong-dan.md", "title",
                                                                  "Lịch tiếp công dân của Chủ tịch xã")),
    ("site.yaml language", _set_config("language", "en")),
    ("site.yaml footer block", _set_config("footer.responsible", "Bà Lê Thị Hoa – Chủ tịch UBND xã")),
    ("site.yaml leaders block", _set_config("leaders", [{"name": "Ông Trần Văn Bình", "role": "Chủ tịch UBND xã"}])),
    ("site.yaml quick links block", _set_config("quick_links", [{"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn"}])),
    ("a province theme overrides one home block", _theme_block("home_quick_links", MARKERS[0])),
    ("the theme overrides another block instead", _theme_block("home_contact", MARKERS[1])),
    ("back to the default theme", _theme_block(None, "")),
    ("static photo added, shown in a body", lambda m: (m.static.__setitem__("static/images/cau-hoa-loi.jpg", STATIC_BYTES[5]),
                                                        _body(NEWS, PHOTO_BODY)(m))),
    ("static photo replaced by a smaller one", lambda m: m.static.__setitem__("static/images/cau-hoa-loi.jpg", STATIC_BYTES[4])),
    ("attachment replaced (another size)", lambda m: m.static.__setitem__("static/files/van-ban/kh-42-2024.pdf", STATIC_BYTES[1])),
    ("static file deleted", lambda m: m.static.pop("static/files/bieu-mau/to-khai-khai-sinh.pdf")),
    ("static file over a generated one", lambda m: m.static.__setitem__("static/robots.txt", STATIC_BYTES[3])),
    ("static file over a generated one, deleted", lambda m: m.static.pop("static/robots.txt")),
    ("static file over a theme file", lambda m: m.static.__setitem__("static/css/xaweb.css", STATIC_BYTES[2])),
    ("static file over a theme file, deleted", lambda m: m.static.pop("static/css/xaweb.css")),
    ("template override", _override("partials/footer.html", MARKERS[0])),
    ("template override of the list cards", _override("partials/card.html", MARKERS[1])),
    ("template override removed", _override("partials/footer.html", None)),
    ("error: template syntax", _override("partials/card.html", BROKEN_TEMPLATE)),
    ("error: impossible date", _set(NEWS, "date", "2025-02-30")),
    ("the title of another page: it moves to an address with its file name", _set("content/tin-tuc/a-trao-qua.md", "title", TITLES[6])),
    ("error: two pages naming one slug", lambda m: (_set("content/tin-tuc/a-trao-qua.md", "slug", "trung")(m), _set(NEWS, "slug", "trung")(m))),
    ("error: the attachment deleted", lambda m: m.static.pop("static/files/van-ban/qd-15-2025.pdf")),
    ("error: section paginate 0", _set("content/tin-tuc/_index.md", "paginate", 0)),
]


def test_every_kind_of_edit(pristine: Path, clean_builds: CleanBuilds):
    """Each operation once, in an order where each one changes what the site shows."""
    machine = type("Tour", (IncrementalBuilds,), {"root": pristine, "clean_builds": clean_builds, "check_every": 2})()
    for what, change in TOUR:
        with machine.edit(what) as m:
            change(m)
        if what.startswith("error: "):
            assert machine.log[-1].startswith("(the site is invalid"), f"{what}: the model expected no error"
        if what == "expires in the past":
            with machine.edit("the clock passes tuyen-dung's 'expires'"):
                machine.now += timedelta(days=10)
    machine.teardown()


# --- deterministic checks ------------------------------------------------------------------


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def test_body_edit_renders_only_what_shows_the_page(tmp_path: Path):
    site = copy_site(FIXTURE, tmp_path / "site")
    out = tmp_path / "public"
    first = build(options(site, out, cache=True))
    again = build(options(site, out, cache=True))
    assert again.rendered == 0 and again.reused == first.rendered

    page = site / "content" / "tin-tuc" / "trao-qua-tet.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Mỗi phần quà", "Mỗi suất quà"), encoding="utf-8")
    before = _inodes(out)
    result = build(options(site, out, cache=True))
    rewritten = {path for path, inode in _inodes(out).items() if before.get(path) != inode}

    assert "tin-tuc/trao-qua-tet-cho-ho-ngheo/index.html" in rewritten
    assert "Mỗi suất quà" in (out / "tin-tuc" / "trao-qua-tet-cho-ho-ngheo" / "index.html").read_text(encoding="utf-8")
    assert len(rewritten) == result.rendered
    assert 1 <= result.rendered <= first.rendered // 3, sorted(rewritten)
    assert result.reused == first.rendered - result.rendered
    # Other sections' pages and lists are untouched.
    assert not {p for p in rewritten if p.startswith(("van-ban/", "thu-tuc-hanh-chinh/", "thong-bao/"))}, sorted(rewritten)
    assert not tree_difference(out, build(options(site, tmp_path / "clean", cache=False)).out_dir)


def test_parallel_build_equals_serial_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(xaweb.parallel, "MIN_PARSE_PER_WORKER", 1)
    monkeypatch.setattr(xaweb.parallel, "MIN_RENDER_PER_WORKER", 1)
    site = copy_site(EXAMPLE, tmp_path / "site")
    serial: BuildResult = build(options(site, tmp_path / "serial", cache=False, jobs=1))
    parallel = build(options(site, tmp_path / "parallel", cache=True, jobs=2))
    assert parallel.rendered == serial.rendered > 0
    assert not tree_difference(tmp_path / "parallel", tmp_path / "serial")

    # An incremental build with workers: a handful of changed outputs (a new title shows in lists), still split across the pool.
    news = sorted((site / "content" / "tin-tuc").glob("[!_]*.md"))[0]
    news.write_text(news.read_text(encoding="utf-8").replace("title: ", "title: Cập nhật - ", 1), encoding="utf-8")
    incremental = build(options(site, tmp_path / "parallel", cache=True, jobs=2))
    assert 2 <= incremental.rendered < serial.rendered
    build(options(site, tmp_path / "serial-2", cache=False, jobs=1))
    assert not tree_difference(tmp_path / "parallel", tmp_path / "serial-2")
