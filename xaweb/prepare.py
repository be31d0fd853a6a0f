"""The first half of every command: read every input, parse, assemble once, plan.

    gather(site_dir)  -> Inputs     config, theme, files, source feeds, the Q&A export (all I/O)
    prepare(inputs)   -> Prepared   parsed pages (with the cache), the assembled Site, its outputs

`xaweb build` renders a `Prepared` and writes it; `xaweb check` inspects it;
`xaweb serve` builds through `build`. Between the two halves the build looks
at its cache: when no input changed, it stops after `gather`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping

from .audio import probe_audio
from .cache import BuildCache, CachedPage, FileStamp
from .config import SiteConfig, Source, load_config
from .content.assemble import assemble_site
from .content.markup import make_markdown
from .content.model import ROOT_SECTION, Page, SectionInfo, Site, ThemeSettings
from .content.parse import PageError, parse_section
from .content.qa_pages import QaSource, build_sources, parse_sources
from .digests import digest
from .discover import SiteFiles, discover, overlay, read_source
from .errors import Problem, Problems
from .images import probe_images
from .parallel import parse_many
from .render.pictures import config_images, page_images
from .render.kinds import plan_outputs
from .render.plan import Output
from .render.theme import load_theme
from .sources.fetch import FetchReport, FetchSettings, fetch_sources
from .priorities import URGENT
from .sources.merge import Merged, check_sources, merge, page_alert
from .sources.qa_export import LoadedExport, load_export

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def counter(progress: Progress, stage: str, total: int) -> Callable[[int], None]:
    """Workers report how many items they finished; progress wants the running total."""
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        progress(stage, done, total)

    return tick


# --- gather: every input, read once --------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    site_dir: Path  # resolved
    config: SiteConfig
    template_dirs: list[Path]  # the site's templates/ first, then the theme chain
    theme: ThemeSettings
    files: SiteFiles
    fetched: FetchReport
    qa_export: LoadedExport
    qa_sources: list[QaSource]  # published Q&A, as content sources
    network_problems: list[Problem]  # warnings of this run's fetching only: never replayed from the cache
    preparsed: Mapping[str, CachedPage] = field(default_factory=dict)  # pages parsed already (a province's shared ones)
    read_dirs: tuple[Path, ...] = ()  # folders outside the site's own that were read: the theme chain, a province's static/


@dataclass(frozen=True)
class Layer:
    """What a province build lays under a commune's own folder (made by xaweb/province/commune.py)."""

    config: SiteConfig  # merged: the province's defaults < the commune's row < its own site.yaml
    shared: SiteFiles  # the shared content meant for this commune, paths "<shared_dir>/…"
    shared_dir: str
    static_dirs: tuple[Path, ...] = ()  # the province's static files, under the commune's own
    preparsed: Mapping[str, CachedPage] = field(default_factory=dict)  # the shared pages, parsed once for all
    fetched: FetchReport | None = None  # the province's source feeds, fetched once: used when the commune's are the same
    fetched_sources: tuple[Source, ...] = ()
    compiled_dir: Path | None = None  # the province's compiled templates, shared by every commune (even in a clean build)


def gather(site_dir: Path, problems: Problems, offline: bool = False, lap: Callable[[str], None] = lambda stage: None,
           layer: Layer | None = None) -> Inputs:
    """Read config, theme, files and the network inputs; raises BuildError when a stage found errors.

    `lap(stage)` is called after "discover" and "fetch", for `--timings`. With a `layer` (a commune of
    a province), the config is the layer's and the shared content shows under the commune's own.
    """
    config = layer.config if layer else load_config(site_dir)
    theme = load_theme(config.theme, site_dir)
    template_dirs = theme.template_dirs(site_dir)
    static_dirs = [*theme.static_dirs(), *(layer.static_dirs if layer else ())]
    files = discover(site_dir, static_dirs, template_dirs, content_required=layer is None)
    if layer:
        files = overlay(files, layer.shared, layer.shared_dir)
    problems.extend(files.problems)
    problems.extend(check_sources(config.sources, set(files.section_indexes)))
    problems.raise_if_errors()
    lap("discover")
    # At the edge, before anything is assembled: what was fetched becomes plain data.
    if layer and layer.fetched is not None and layer.fetched_sources == config.sources:
        fetched = layer.fetched
    else:
        fetched = fetch_sources(config.sources, site_dir, FetchSettings.from_config(config.source_settings), offline)
    problems.extend(fetched.problems)
    qa_problems: list[Problem] = []
    qa_export = load_export(config.qa, site_dir, qa_problems, offline)  # published Q&A: the export file or API
    problems.extend(qa_problems)
    qa_sources = build_sources(qa_export.data, config, config.qa.export_file or "qa.export_url")
    lap("fetch")
    return Inputs(site_dir, config, template_dirs, theme.settings, files, fetched, qa_export, qa_sources, fetched.problems + qa_problems,
                  layer.preparsed if layer else {}, (*theme.dirs, *(layer.static_dirs if layer else ())))


# --- prepare: parse, assemble, plan ----------------------------------------------------------


@dataclass
class Parsed:
    infos: dict[str, SectionInfo]
    home_intro: str
    pages: list[Page]
    hashes: dict[str, str]  # source -> content hash
    listings: dict[str, str]  # source -> digest of the parsed page without its body (only with a cache)
    from_cache: set[str]  # sources whose page came from the cache (without body)


def parse_key(source_hash: str, info: SectionInfo) -> str:
    # parse_page reads only the section's path and kind.
    return digest(source_hash, info.path, info.kind)


def parse_content(files: SiteFiles, cache: BuildCache | None, jobs: int, problems: Problems, progress: Progress,
                  preparsed: Mapping[str, CachedPage] = {}) -> Parsed:
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

    cached = cache.pages() if cache else {}
    known = cache.file_hashes() if cache else {}
    parsed = Parsed(infos, home_intro, [], {}, {}, set())
    todo = []
    fresh: list[tuple[str, Page, list[Problem]]] = []
    for source, section in files.pages:
        info = infos.get(section, ROOT_SECTION)
        known_file = known.get(source.path)
        if known_file and known_file.stamp == source.stamp:
            source_hash, text = known_file.hash, None  # unchanged since the last build: not even read
        else:
            text = read_source(source, problems.items)
            if text is None:
                continue
            source_hash = digest(text)
        parsed.hashes[source.path] = source_hash
        key = parse_key(source_hash, info)
        hit = cached.get(source.path)
        ready = preparsed.get(source.path)
        if hit and hit.key == key:
            parsed.pages.append(hit.page)
            problems.extend(hit.warnings)
            parsed.listings[source.path] = hit.listing
            parsed.from_cache.add(source.path)
        elif ready and ready.key == key:  # parsed once for every commune; cached like a page parsed here
            parsed.pages.append(ready.page)
            fresh.append((key, ready.page, ready.warnings))
            problems.extend(ready.warnings)
        else:
            if text is None:
                text = read_source(source, problems.items)
                if text is None:
                    continue
            todo.append((text, source.path, info, key))

    for key, page, page_problems in parse_many(todo, jobs, counter(progress, "parse", len(todo))):
        problems.extend(page_problems)
        if page is not None:
            parsed.pages.append(page)
            fresh.append((key, page, [p for p in page_problems if p.level == "warning"]))
    if cache is not None:
        parsed.listings.update(cache.store_pages(fresh, keep=set(parsed.hashes)))
        cache.store_file_hashes({s.path: FileStamp(s.stamp, parsed.hashes[s.path]) for s, _ in files.pages if s.path in parsed.hashes})
    # Workers finish in any order; the site must not depend on it.
    parsed.pages.sort(key=lambda p: p.source)
    return parsed


def assemble(inputs: Inputs, parsed: Parsed, pages: list[Page], now: datetime, drafts: bool,
             images: dict | None = None) -> tuple[Site, list[Problem]]:
    """Parsed pages -> the Site, with the sizes of the local images it shows (pass `images` to reuse them)."""
    config, files = inputs.config, inputs.files
    sizes = {url: path.stat().st_size for url, path in files.static.items()}
    site, problems = assemble_site(config, parsed.infos, pages, now, parsed.home_intro, sizes, drafts)
    if images is None:
        shown = [url for page in site.pages + site.root_pages for url in page_images(page)] + list(config_images(config))
        images, image_problems = probe_images(shown, files.static)
        problems += image_problems
    bulletins = [page.audio.file for page in site.pages + site.root_pages if page.audio]
    audio, audio_problems = probe_audio(bulletins, files.static) if bulletins else ({}, [])
    problems += audio_problems
    return replace(site, images=images, audio=audio, theme=inputs.theme), problems


def _add_qa_pages(parsed: Parsed, sources: list, problems: Problems) -> None:
    """Published Q&A become ordinary pages, with source ids 'qa:<site>/<id>' and digests of their text."""
    pages, qa_problems = parse_sources(sources, parsed.infos)
    problems.extend(qa_problems)
    for page, text_digest in pages:
        parsed.pages.append(page)
        parsed.hashes[page.source] = parsed.listings[page.source] = text_digest
    parsed.pages.sort(key=lambda p: p.source)


@dataclass(frozen=True)
class Prepared:
    inputs: Inputs
    parsed: Parsed
    merged: Merged
    site: Site
    outputs: list[Output]


def prepare(inputs: Inputs, now: datetime, problems: Problems, *, drafts: bool = False, cache: BuildCache | None = None,
            jobs: int = 1, progress: Progress = no_progress, keep_going: bool = False) -> Prepared:
    """Parse (with the cache), assemble once, plan every output.

    Raises BuildError after the first stage with errors, unless `keep_going`
    (`xaweb check`, which reports as much as it can find).
    """
    def stage_done() -> None:
        if not keep_going:
            problems.raise_if_errors()

    config, files = inputs.config, inputs.files
    parsed = parse_content(files, cache, jobs, problems, progress, inputs.preparsed)
    _add_qa_pages(parsed, inputs.qa_sources, problems)
    stage_done()
    site, assembly_problems = assemble(inputs, parsed, parsed.pages, now, drafts)
    hours = config.source_settings.alert_hours
    own = [page_alert(p, hours, config.committee) for p in site.pages + site.root_pages if p.priority == URGENT and not p.expired]
    merged = merge(config.sources, inputs.fetched.documents, now, hours, own)
    site = replace(site, feed_items=merged.items, alerts=merged.alerts)
    problems.extend(assembly_problems)
    stage_done()
    outputs, plan_problems = plan_outputs(site)
    problems.extend(plan_problems)
    stage_done()
    for out in outputs:
        if "/" + out.path in files.static:
            problems.warn("static/" + out.path, None, f"tệp tĩnh bị thay bằng tệp do xaweb tạo ra ({out.url})")
    return Prepared(inputs, parsed, merged, site, outputs)
