"""`xaweb build`: the pipeline, top to bottom.

gather the inputs (config, files, feeds, Q&A export) → stop here if no input
changed → prepare (parse with the cache, assemble, plan; prepare.py)
→ fingerprint the outputs → render what changed → write (the output is
replaced whole, in one step: writer.py).

Every stage collects problems; the build stops after the first stage that
found errors, having reported all of them, and the previous output is left
as it was.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .cache import VERSION as CACHE_VERSION
from .cache import COMPILED_DIR, BuildCache, LastBuild, Summary
from .config import SiteConfig
from .content.assemble import next_expiry
from .content.links import broken_links, missing_pictures, moved_pages
from .content.placeholders import config_placeholders, index_placeholders, placeholder_summary
from .content.model import Site
from .digests import digest
from .discover import SiteFiles, stamp_of, walk_files
from .errors import BuildError, Problem, Problems, io_failure
from .images import CACHE_DIR as IMAGE_CACHE_DIR
from .images import image_jobs
from .parallel import default_jobs, derive_many, render_many
from .prepare import Inputs, Layer, Prepared, Progress, counter, gather, no_progress, prepare
from .render.deps import Fingerprints, listing_digest
from .render.kinds import KINDS
from .render.plan import Output
from .sources.merge import next_change
from .vietnamese import VN_TZ
from .writer import MARKER, MARKER_TEXT, StagedOutput, foreign_output

DEFAULT_OUTPUT = "public"


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None
    drafts: bool = False
    strict: bool = False
    now: datetime | None = None  # the moment expiry is judged against; default: the clock
    jobs: int | None = None  # worker processes; default: one per core
    cache: bool = True  # False: ignore and do not write .xaweb-cache (a clean build)
    offline: bool = False  # True: no network; sources come from their last good copies
    force: bool = False  # True: replace an output folder that xaweb did not write
    always_prepare: bool = False  # True (serve): prepare even when no input changed, so that `prepared` is set
    layer: Layer | None = None  # a commune of a province: its merged config and the shared content (province/)


@dataclass
class BuildResult:
    out_dir: Path
    pages: int  # content pages in the site
    rendered: int  # outputs rendered this time
    reused: int  # outputs unchanged since the last build
    deleted: int  # outputs of the last build removed
    static_copied: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    qa_pages: int = 0  # pages made from the Q&A endpoint's export (not counted in `pages`)
    cache_reset: bool = False  # the cache file was damaged and has been made anew
    prepared: Prepared | None = None  # what was prepared; None when no input changed (unless `always_prepare`)
    until: str = ""  # ISO: the moment time alone changes the output ("" never, or no cache)
    files: int = 0  # files in the output folder, generated and static (with a cache)
    read_dirs: tuple[Path, ...] = ()  # folders outside the site's own that were read (Inputs.read_dirs)


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._start
        self._start = now


def _needed_bodies(site: Site, dirty: list[Output], from_cache: set[str]) -> set[str]:
    """Cached pages keep no body in memory; load the bodies the dirty outputs show."""
    needed = {source for out in dirty for source in KINDS[out.kind].bodies(site, out)}
    return needed & from_cache


def _files_in(folder: Path) -> set[str]:
    """Every file under `folder`, as POSIX paths relative to it."""
    return {rel for rel, entry in walk_files(folder) if not entry.is_dir()}


def _inputs_stamp(config: SiteConfig, files: SiteFiles, template_dirs: list[Path], static_stamps: dict[str, str], options: BuildOptions,
                  source_digests: list[tuple[str, str]]) -> str:
    """A digest of every input's stamp, fetched sources included: equal stamps, equal output (until something expires)."""
    sources = [files.home_index, *files.section_indexes.values(), *(s for s, _ in files.pages)]
    templates = [(str(p), stamp_of(p)) for d in template_dirs for p in sorted(d.rglob("*")) if p.is_file()]
    return digest(
        # The config itself, not its file's stamp: a province merges it from three files.
        CACHE_VERSION, options.drafts, repr(config), sorted(files.section_indexes),
        [(s.path, s.stamp) for s in sources if s], sorted(static_stamps.items()), templates, list(source_digests),
    )


def _officer_warnings(site: Site, outputs: list[Output], files: SiteFiles, last: LastBuild | None) -> list[Problem]:
    """What `xaweb check` would say and an officer must hear at build time: links that go nowhere,
    pages that moved since the last build, and how much of the scaffold's sample content is left."""
    pages = site.pages + site.root_pages
    answers = {o.url for o in outputs} | {"/" + o.path for o in outputs} | set(files.static)
    warnings = broken_links(pages, answers, list(files.static))
    warnings += missing_pictures(site.config, files.static)
    if last is not None:
        warnings += moved_pages(pages, last.summary.addresses)
    placeholders = sum(len(p.placeholders) for p in pages) + len(config_placeholders(site.config)) + len(index_placeholders(files))
    return warnings + ([placeholder_summary(placeholders)] if placeholders else [])


def build(options: BuildOptions, progress: Progress = no_progress) -> BuildResult:
    site_dir = options.site_dir.resolve()
    out_dir = (options.out_dir or site_dir / DEFAULT_OUTPUT).resolve()
    sources = [site_dir / d for d in ("content", "static", "templates", "themes")]
    if out_dir == site_dir or out_dir in site_dir.parents or any(out_dir == s or s in out_dir.parents for s in sources):
        # The output would be read back as input on the next build.
        raise BuildError([Problem("", None, f"thư mục đầu ra {out_dir} không được trùng, chứa hay nằm trong mã nguồn của trang")])
    if not options.force and foreign_output(out_dir):
        raise BuildError([Problem("", None, f"thư mục đầu ra {out_dir} không trống và không do xaweb tạo ra (thiếu tệp {MARKER}); "
                                            "dựng vào đó sẽ xóa các tệp đang có. Hãy chọn thư mục khác, hoặc thêm --force nếu chắc chắn")])
    timer = _Timer()
    problems = Problems()
    try:
        inputs = gather(site_dir, problems, options.offline, timer.lap, options.layer)
        cache = BuildCache(site_dir, out_dir) if options.cache else None
        try:
            return _build(options, inputs, cache, out_dir, problems, timer, progress)
        finally:
            if cache is not None:
                cache.close()
    except (OSError, sqlite3.Error) as exc:
        failure = io_failure(exc, out_dir)
        if failure is None:
            raise
        raise failure from exc


def _build(options: BuildOptions, inputs: Inputs, cache: BuildCache | None, out_dir: Path, problems: Problems,
           timer: _Timer, progress: Progress) -> BuildResult:
    now = options.now or datetime.now(VN_TZ)
    jobs = options.jobs or default_jobs()
    config, files, template_dirs, site_dir, fetched = inputs.config, inputs.files, inputs.template_dirs, inputs.site_dir, inputs.fetched
    qa_sources = inputs.qa_sources
    static_stamps = {url: stamp_of(path) for url, path in files.static.items()}
    inputs_stamp = _inputs_stamp(config, files, template_dirs, static_stamps, options,
                                 [*fetched.digests, ("qa", digest(inputs.qa_export.raw))])
    existing = _files_in(out_dir)  # a file removed by hand is written again
    last = cache.last_build() if cache is not None and existing else None
    if (last and not options.always_prepare and last.inputs == inputs_stamp and (not last.next_expiry or now < datetime.fromisoformat(last.next_expiry))
            and len(existing) == last.summary.files):
        problems.extend(last.summary.warnings)
        problems.raise_if_errors(strict=options.strict)
        timer.lap("parse")
        return BuildResult(out_dir, last.summary.pages, 0, last.summary.outputs, 0, 0, problems.warnings, timer.timings, len(qa_sources),
                           until=last.next_expiry, files=last.summary.files, read_dirs=inputs.read_dirs)

    prepared = prepare(inputs, now, problems, drafts=options.drafts, cache=cache, jobs=jobs, progress=progress)
    parsed, site, outputs, merged = prepared.parsed, prepared.site, prepared.outputs, prepared.merged
    problems.extend(_officer_warnings(site, outputs, files, last))
    timer.lap("parse")
    if cache is not None:
        shown = site.pages + site.root_pages
        listings = {p.source: listing_digest(p, parsed.listings[p.source], site.images) for p in shown}
        fingerprint = Fingerprints(site, template_dirs, parsed.hashes, listings, cache.template_facts())
        current = {o.path: fingerprint(o) for o in outputs}
        template_facts = fingerprint.templates.facts
    else:  # a clean build renders everything and records nothing
        current = {o.path: "" for o in outputs}
    previous = cache.fingerprints() if cache is not None and existing else {}
    dirty = [o for o in outputs if previous.get(o.path) != current[o.path] or o.path not in existing]
    stale = [p for p in previous if p not in current and "/" + p not in files.static]  # a static file shows again

    needed = _needed_bodies(site, dirty, parsed.from_cache)
    bodies = cache.bodies(needed) if needed and cache is not None else {}
    timer.lap("plan")

    staged = StagedOutput(out_dir)
    try:
        if not previous or not (out_dir / MARKER).is_file():  # else linked in with the unchanged files
            staged.write(MARKER, MARKER_TEXT.encode("utf-8"))
        old_static = cache.static_stamps() if previous and cache is not None else {}
        # A generated file wins over a static file at its path (warned above), in every build.
        changed_static = {url: path for url, path in files.static.items() if url[1:] not in current
                          and (old_static.get(url) != static_stamps[url] or url[1:] not in existing or url[1:] in previous)}
        staged.copy_tree(changed_static)
        stale += [url.lstrip("/") for url in old_static if url not in files.static and url.lstrip("/") not in current]

        pages_dirty = [o for o in dirty if not KINDS[o.kind].derived]
        photos = image_jobs(site.images, [o for o in dirty if KINDS[o.kind].derived], files.static)

        written = set()
        layer = options.layer
        compiled = layer.compiled_dir if layer and layer.compiled_dir else cache.dir / COMPILED_DIR if cache is not None else None
        for path, render_problems in render_many(site, template_dirs, site_dir, staged, pages_dirty, jobs,
                                                 counter(progress, "render", len(pages_dirty)), compiled, bodies):
            problems.extend(render_problems)
            if path:
                written.add(path)
        problems.raise_if_errors()
        timer.lap("render")
        image_cache = cache.dir / IMAGE_CACHE_DIR if cache is not None else None
        for path, image_problems in derive_many(photos, staged.staging, image_cache, jobs, counter(progress, "images", len(photos))):
            problems.extend(image_problems)
            if path:
                written.add(path)
        problems.raise_if_errors(strict=options.strict)
        timer.lap("images")
        if previous:
            staged.apply(stale)
        else:
            staged.swap()
    except BaseException:
        staged.discard()
        raise
    until, files_written = "", 0
    if cache is not None:
        cache.store_outputs(current, static_stamps, template_facts)
        expiry = min(filter(None, [next_expiry(site.pages + site.root_pages, now), next_change(merged, config.sources, now)]), default=None)
        until = expiry.isoformat() if expiry else ""
        files_written = len(set(current) | {url[1:] for url in files.static})
        # Fetch warnings are of this run only; the next one reports its own.
        warnings = [w for w in problems.warnings if w not in inputs.network_problems]
        summary = Summary(len(site.pages) + len(site.root_pages) - len(qa_sources), len(outputs), warnings, files_written,
                          {p.source: p.url for p in site.pages + site.root_pages})
        cache.store_build(LastBuild(inputs_stamp, until, summary))
    timer.lap("write")
    return BuildResult(
        out_dir=out_dir,
        pages=len(site.pages) + len(site.root_pages) - len(qa_sources),
        rendered=len(written),
        reused=len(outputs) - len(dirty),
        deleted=len(stale),
        static_copied=len(changed_static),
        warnings=problems.warnings,
        timings=timer.timings,
        qa_pages=len(qa_sources),
        cache_reset=cache is not None and cache.was_damaged,
        prepared=prepared,
        until=until,
        files=files_written,
        read_dirs=inputs.read_dirs,
    )
