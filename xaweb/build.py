"""`xaweb build`: the pipeline, top to bottom.

load config → discover files → parse pages (or take them from the cache)
→ assemble the site → plan outputs → fingerprint them → render what changed
→ write (a fresh folder swapped in, or changed files moved in).

Every stage collects problems; the build stops after the first stage that
found errors, having reported all of them, and the previous output is left
as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from .cache import VERSION as CACHE_VERSION
from .cache import COMPILED_DIR, BuildCache
from .config import CONFIG_FILE, SiteConfig, load_config
from .content.assemble import assemble_site, next_expiry
from .content.markup import make_markdown
from .content.model import Page, SectionInfo, Site
from .content.parse import PageError, parse_section
from .discover import SiteFiles, discover, read_source, stamp_of, walk_files
from .errors import BuildError, Problem, Problems
from .images import CACHE_DIR as IMAGE_CACHE_DIR
from .images import image_jobs, probe_images
from .parallel import default_jobs, derive_many, parse_many, render_many
from .qa.fetch import LoadedExport, load_export
from .qa.publish import build_sources, parse_sources
from .render.deps import Fingerprints, digest, listing_digest
from .render.pictures import config_images, page_images
from .render.plan import Output, feed_pages, plan_outputs
from .render.theme import load_theme
from .sources.fetch import FetchReport, FetchSettings, fetch_sources
from .sources.merge import Merged, check_sources, merge, next_change
from .vietnamese import VN_TZ
from .writer import StagedOutput

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


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _counter(progress: Progress, stage: str, total: int) -> Callable[[int], None]:
    """Workers report how many items they finished; progress wants the running total."""
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        progress(stage, done, total)

    return tick


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._start
        self._start = now


@dataclass
class _Parsed:
    infos: dict[str, SectionInfo]
    home_intro: str
    pages: list[Page]
    hashes: dict[str, str]  # source -> content hash
    listings: dict[str, str]  # source -> digest of the parsed page without its body (only with a cache)
    from_cache: set[str]  # sources whose page came from the cache (without body)


def _parse_key(source_hash: str, info: SectionInfo) -> str:
    # parse_page reads only the section's path and kind.
    return digest(source_hash, info.path, info.kind)


def parse_content(files: SiteFiles, cache: BuildCache | None, jobs: int, problems: Problems, progress: Progress) -> _Parsed:
    md = make_markdown()
    infos: dict[str, SectionInfo] = {}
    for path, source in files.section_indexes.items():
        text = read_source(source, problems.items) if source else None
        try:
            infos[path] = parse_section(text, source.path if source else None, path, md)
        except PageError as exc:
            problems.extend(exc.problems)
            infos[path] = parse_section(None, None, path, md)
    home_intro = ""
    if files.home_index:
        text = read_source(files.home_index, problems.items)
        try:
            home_intro = parse_section(text, files.home_index.path, "", md).intro_html if text else ""
        except PageError as exc:
            problems.extend(exc.problems)

    root = SectionInfo(path="", source=None, title="")
    cached = cache.pages() if cache else {}
    known = cache.file_hashes() if cache else {}
    parsed = _Parsed(infos, home_intro, [], {}, {}, set())
    todo = []
    for source, section in files.pages:
        info = infos.get(section, root)
        stamp_hash = known.get(source.path)
        if stamp_hash and stamp_hash[0] == source.stamp:
            source_hash, text = stamp_hash[1], None  # unchanged since the last build: not even read
        else:
            text = read_source(source, problems.items)
            if text is None:
                continue
            source_hash = digest(text)
        parsed.hashes[source.path] = source_hash
        key = _parse_key(source_hash, info)
        hit = cached.get(source.path)
        if hit and hit[0] == key:
            parsed.pages.append(hit[1])
            problems.extend(hit[2])
            parsed.listings[source.path] = hit[3]
            parsed.from_cache.add(source.path)
        else:
            if text is None:
                text = read_source(source, problems.items)
                if text is None:
                    continue
            todo.append((text, source.path, info, key))

    fresh = []
    for key, page, page_problems in parse_many(todo, jobs, _counter(progress, "parse", len(todo))):
        problems.extend(page_problems)
        if page is not None:
            parsed.pages.append(page)
            fresh.append((key, page, [p for p in page_problems if p.level == "warning"]))
    if cache is not None:
        parsed.listings.update(cache.store_pages(fresh, keep=set(parsed.hashes)))
        cache.store_file_hashes({s.path: (s.stamp, parsed.hashes[s.path]) for s, _ in files.pages if s.path in parsed.hashes})
    # Workers finish in any order; the site must not depend on it.
    parsed.pages.sort(key=lambda p: p.source)
    return parsed


def assemble(config: SiteConfig, parsed: _Parsed, pages: list[Page], files: SiteFiles, now: datetime, drafts: bool,
             images: dict | None = None, merged: Merged = Merged()) -> tuple[Site, list[Problem]]:
    """Parsed pages -> the Site, with the sizes of the local images it shows (pass `images` to reuse them)."""
    sizes = {url: path.stat().st_size for url, path in files.static.items()}
    site, problems = assemble_site(config, parsed.infos, pages, now, parsed.home_intro, sizes, drafts)
    if images is None:
        shown = [url for page in site.pages + site.root_pages for url in page_images(page)] + list(config_images(config))
        images, image_problems = probe_images(shown, files.static)
        problems += image_problems
    return replace(site, images=images, feed_items=merged.items, alerts=merged.alerts), problems


def _needed_bodies(site: Site, dirty: list[Output], from_cache: set[str]) -> set[str]:
    """Cached pages keep no body in memory; load the bodies the dirty outputs show."""
    needed = {o.subject for o in dirty if o.kind == "page"}
    if site.config.feeds.full_content:  # type: ignore[attr-defined]
        for out in dirty:
            if out.kind in ("rss", "atom"):
                needed.update(p.source for p in feed_pages(site, out))
    return needed & from_cache


def _files_in(folder: Path) -> set[str]:
    """Every file under `folder`, as POSIX paths relative to it."""
    return {rel for rel, entry in walk_files(folder) if not entry.is_dir()}


def _add_qa_pages(parsed: _Parsed, sources: list, problems: Problems) -> None:
    """Published Q&A become ordinary pages, with source ids 'qa:<site>/<id>' and digests of their text."""
    pages, qa_problems = parse_sources(sources, parsed.infos)
    problems.extend(qa_problems)
    for page, text_digest in pages:
        parsed.pages.append(page)
        parsed.hashes[page.source] = parsed.listings[page.source] = text_digest
    parsed.pages.sort(key=lambda p: p.source)


def _inputs_stamp(site_dir: Path, files: SiteFiles, template_dirs: list[Path], static_stamps: dict[str, str], options: BuildOptions,
                  source_digests: list[tuple[str, str]] = ()) -> str:
    """A digest of every input's stamp, fetched sources included: equal stamps, equal output (until something expires)."""
    sources = [files.home_index, *files.section_indexes.values(), *(s for s, _ in files.pages)]
    templates = [(str(p), stamp_of(p)) for d in template_dirs for p in sorted(d.rglob("*")) if p.is_file()]
    return digest(
        CACHE_VERSION, options.drafts, stamp_of(site_dir / CONFIG_FILE), sorted(files.section_indexes),
        [(s.path, s.stamp) for s in sources if s], sorted(static_stamps.items()), templates, list(source_digests),
    )


def build(options: BuildOptions, progress: Progress = _no_progress) -> BuildResult:
    site_dir = options.site_dir.resolve()
    out_dir = (options.out_dir or site_dir / DEFAULT_OUTPUT).resolve()
    sources = [site_dir / d for d in ("content", "static", "templates", "themes")]
    if out_dir == site_dir or out_dir in site_dir.parents or any(out_dir == s or s in out_dir.parents for s in sources):
        # The output would be read back as input on the next build.
        raise BuildError([Problem("", None, f"thư mục đầu ra {out_dir} không được trùng, chứa hay nằm trong mã nguồn của trang")])
    timer = _Timer()
    problems = Problems()
    jobs = options.jobs or default_jobs()

    config = load_config(site_dir)
    theme = load_theme(config.theme, site_dir)
    template_dirs = theme.template_dirs(site_dir)
    files = discover(site_dir, theme.static_dirs(), template_dirs)
    problems.extend(files.problems)
    problems.extend(check_sources(config.sources, set(files.section_indexes)))
    problems.raise_if_errors()
    timer.lap("discover")

    # At the edge, before anything is assembled: what was fetched becomes plain data.
    fetched = fetch_sources(config.sources, site_dir, FetchSettings.from_config(config.source_settings), options.offline)
    problems.extend(fetched.problems)
    qa_export = load_export(config.qa, site_dir)  # published Q&A: the export file, or the endpoint's export API
    timer.lap("fetch")

    cache = BuildCache(site_dir, out_dir) if options.cache else None
    try:
        return _build(options, config, template_dirs, files, cache, out_dir, site_dir, jobs, problems, timer, progress, fetched, qa_export)
    finally:
        if cache is not None:
            cache.close()


def _build(options: BuildOptions, config: SiteConfig, template_dirs: list[Path], files: SiteFiles, cache: BuildCache | None,
           out_dir: Path, site_dir: Path, jobs: int, problems: Problems, timer: _Timer, progress: Progress,
           fetched: FetchReport, qa_export: LoadedExport) -> BuildResult:
    now = options.now or datetime.now(VN_TZ)
    static_stamps = {url: stamp_of(path) for url, path in files.static.items()}
    qa_sources = build_sources(qa_export.data, config, config.qa.export_file or "qa.export_url")
    inputs = _inputs_stamp(site_dir, files, template_dirs, static_stamps, options, [*fetched.digests, ("qa", digest(qa_export.raw))])
    existing = _files_in(out_dir)  # a file removed by hand is written again
    last = cache.last_build() if cache is not None and existing else None
    if last and last[0] == inputs and (not last[1] or now < datetime.fromisoformat(last[1])) and len(existing) == last[2][3]:
        pages, outputs_count, warnings, _ = last[2]  # type: ignore[misc]
        problems.extend(warnings)
        problems.raise_if_errors(strict=options.strict)
        timer.lap("parse")
        return BuildResult(out_dir, pages, 0, outputs_count, 0, 0, problems.warnings, timer.timings, len(qa_sources))

    parsed = parse_content(files, cache, jobs, problems, progress)
    _add_qa_pages(parsed, qa_sources, problems)
    problems.raise_if_errors()
    merged = merge(config.sources, fetched.documents, now, config.source_settings.alert_hours)
    site, assembly_problems = assemble(config, parsed, parsed.pages, files, now, options.drafts, merged=merged)
    problems.extend(assembly_problems)
    problems.raise_if_errors()
    timer.lap("parse")

    outputs, plan_problems = plan_outputs(site)
    problems.extend(plan_problems)
    problems.raise_if_errors()
    for out in outputs:
        if "/" + out.path in files.static:
            problems.warn("static/" + out.path, None, f"tệp tĩnh bị thay bằng tệp do xaweb tạo ra ({out.url})")
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
    if needed:
        bodies = cache.bodies(needed) if cache is not None else {}
        pages = [replace(p, body_html=bodies[p.source]) if p.source in needed else p for p in parsed.pages]
        site, _ = assemble(config, parsed, pages, files, now, options.drafts, site.images, merged)
    timer.lap("plan")

    staged = StagedOutput(out_dir)
    try:
        old_static = cache.static_stamps() if previous and cache is not None else {}
        # A generated file wins over a static file at its path (warned above), in every build.
        changed_static = {url: path for url, path in files.static.items() if url[1:] not in current
                          and (old_static.get(url) != static_stamps[url] or url[1:] not in existing or url[1:] in previous)}
        staged.copy_tree(changed_static)
        stale += [url.lstrip("/") for url in old_static if url not in files.static and url.lstrip("/") not in current]

        pages_dirty = [o for o in dirty if o.kind != "image"]
        photos = image_jobs(site.images, [o for o in dirty if o.kind == "image"], files.static)

        written = set()
        compiled = cache.dir / COMPILED_DIR if cache is not None else None
        for path, render_problems in render_many(site, template_dirs, site_dir, staged.staging, pages_dirty, jobs,
                                                 _counter(progress, "render", len(pages_dirty)), compiled):
            problems.extend(render_problems)
            if path:
                written.add(path)
        problems.raise_if_errors()
        timer.lap("render")
        image_cache = cache.dir / IMAGE_CACHE_DIR if cache is not None else None
        for path, image_problems in derive_many(photos, staged.staging, image_cache, jobs, _counter(progress, "images", len(photos))):
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
    if cache is not None:
        cache.store_outputs(current, static_stamps, template_facts)
        expiry = min(filter(None, [next_expiry(site.pages + site.root_pages, now), next_change(merged, config.sources, now)]), default=None)
        files_written = len(set(current) | {url[1:] for url in files.static})
        # Fetch warnings are of this run only; the next one reports its own.
        warnings = [w for w in problems.warnings if w not in fetched.problems]
        summary = (len(site.pages) + len(site.root_pages) - len(qa_sources), len(outputs), warnings, files_written)
        cache.store_build(inputs, expiry.isoformat() if expiry else "", summary)
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
    )
