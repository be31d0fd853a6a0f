"""Parsing and rendering across processes.

The pipeline's parse and render steps are pure functions of their inputs, so
they split across worker processes without changing a byte of output. Each
worker keeps one Markdown instance and one Renderer (compiled templates) for
its whole life. Where `fork` exists the workers inherit the assembled site;
elsewhere (Windows) it is pickled to each worker once, at start.

Small jobs stay in the calling process: starting workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

from .content.markup import make_markdown
from .content.model import Page, SectionInfo, Site
from .content.parse import PageError, parse_page
from .errors import Problem
from .images import ImageJob, derive
from .render.plan import Output
from .writer import Sink

if TYPE_CHECKING:
    from .render.renderer import Renderer

MIN_PARSE_PER_WORKER = 200
MIN_RENDER_PER_WORKER = 300
MIN_IMAGES_PER_WORKER = 2  # resizing a photo takes a tenth of a second or more

ParseJob = tuple[str, str, SectionInfo, str]  # (text, source, section, cache key)
ParseResult = tuple[str, Page | None, list[Problem]]  # (cache key, page, problems)
RenderResult = tuple[str, list[Problem]]  # (output path written, problems)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _chunks(items: Sequence, n: int) -> list[Sequence]:
    size = max(1, -(-len(items) // n))
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- parsing -------------------------------------------------------------------

_md = None


def _parse_chunk(jobs: Sequence[ParseJob]) -> list[ParseResult]:
    global _md
    if _md is None:
        _md = make_markdown()
    results: list[ParseResult] = []
    for text, source, section, key in jobs:
        try:
            page, warnings = parse_page(text, source, section, _md)
            results.append((key, page, warnings))
        except PageError as exc:
            results.append((key, None, exc.problems))
    return results


def parse_many(jobs: list[ParseJob], workers: int, progress: Callable[[int], None]) -> Iterator[ParseResult]:
    """Parse in order-independent chunks; yields results as chunks finish."""
    if workers <= 1 or len(jobs) < 2 * MIN_PARSE_PER_WORKER:
        for chunk in _chunks(jobs, max(1, len(jobs) // 50)):
            results = _parse_chunk(chunk)
            progress(len(results))
            yield from results
        return
    with _context().Pool(workers) as pool:
        for results in pool.imap_unordered(_parse_chunk, _chunks(jobs, workers * 8)):
            progress(len(results))
            yield from results


# --- rendering -----------------------------------------------------------------

_renderer: Renderer | None = None
_sink: Sink | None = None
_pending: tuple[Site, list[Path], Path, Sink, Path | None, Mapping[str, str] | None] | None = None  # set before forking


def _init_render(site: Site | None = None, template_dirs: list[Path] | None = None, site_dir: Path | None = None,
                 sink: Sink | None = None, compiled_dir: Path | None = None, bodies: Mapping[str, str] | None = None) -> None:
    from .render.renderer import Renderer  # Jinja, feedgen, lxml: only where something is rendered

    global _renderer, _sink
    if site is None:  # forked: the parent's state is already here
        assert _pending is not None
        site, template_dirs, site_dir, sink, compiled_dir, bodies = _pending
    assert site is not None and template_dirs is not None and site_dir is not None
    _renderer = Renderer(site, template_dirs, site_dir, compiled_dir, bodies or {})
    _sink = sink


def _render_chunk(outputs: Sequence[Output]) -> list[RenderResult]:
    from .render.renderer import RenderError

    assert _renderer is not None and _sink is not None
    results: list[RenderResult] = []
    for out in outputs:
        try:
            _sink.write(out.path, _renderer.render(out))
        except RenderError as exc:
            results.append(("", [exc.problem]))
            continue
        results.append((out.path, []))
    return results


def render_many(site: Site, template_dirs: list[Path], site_dir: Path, sink: Sink, outputs: list[Output],
                workers: int, progress: Callable[[int], None], compiled_dir: Path | None = None,
                bodies: Mapping[str, str] | None = None) -> Iterator[RenderResult]:
    """Render outputs into `sink`; yields (path, problems) as chunks finish. `bodies`: the texts of cached
    pages (which the site holds without) that these outputs show."""
    global _pending
    state = (site, template_dirs, site_dir, sink, compiled_dir, bodies)
    if workers <= 1 or len(outputs) < 2 * MIN_RENDER_PER_WORKER or not sink.parallel_safe:
        _init_render(*state)
        for chunk in _chunks(outputs, max(1, len(outputs) // 50)):
            results = _render_chunk(chunk)
            progress(len(results))
            yield from results
        return
    ctx = _context()
    if ctx.get_start_method() == "fork":
        _pending = state
        pool = ctx.Pool(workers, initializer=_init_render)
    else:
        pool = ctx.Pool(workers, initializer=_init_render, initargs=state)
    try:
        with pool:
            for results in pool.imap_unordered(_render_chunk, _chunks(outputs, workers * 8)):
                progress(len(results))
                yield from results
    finally:
        _pending = None


# --- resized images ------------------------------------------------------------


def _derive_chunk(jobs: Sequence[ImageJob], staging: Path, cache_dir: Path | None) -> list[RenderResult]:
    return [result for job in jobs for result in derive(job, staging, cache_dir)]


def derive_many(jobs: list[ImageJob], staging: Path, cache_dir: Path | None, workers: int,
                progress: Callable[[int], None]) -> Iterator[RenderResult]:
    """Write resized copies into `staging`, one photo per task (decoding holds the GIL)."""
    if workers <= 1 or len(jobs) < 2 * MIN_IMAGES_PER_WORKER:
        for job in jobs:
            results = derive(job, staging, cache_dir)
            progress(1)
            yield from results
        return
    task = partial(_derive_chunk, staging=staging, cache_dir=cache_dir)
    with _context().Pool(workers) as pool:
        for results in pool.imap_unordered(task, _chunks(jobs, len(jobs))):  # one photo per task
            progress(1)
            yield from results
