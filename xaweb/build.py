"""`xaweb build`: the pipeline, top to bottom.

load config → discover files → parse pages → assemble the site → plan outputs
→ render → write atomically. Every stage collects problems; the build stops
after the first stage that found errors, having reported all of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from .config import SiteConfig, load_config
from .content.assemble import assemble_site
from .content.markup import make_markdown
from .content.model import Page, SectionInfo, Site
from .content.parse import PageError, parse_page, parse_section
from .discover import SiteFiles, discover
from .errors import BuildError, Problem, Problems
from .render.plan import Output, plan_outputs
from .render.renderer import Renderer, RenderError
from .render.theme import load_theme
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


@dataclass
class BuildResult:
    out_dir: Path
    pages: int
    files_written: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._start
        self._start = now


def read_site(config: SiteConfig, files: SiteFiles, now: datetime, drafts: bool, problems: Problems) -> Site:
    """Parse every content file and assemble the site (pure apart from `files`)."""
    md = make_markdown()
    infos: dict[str, SectionInfo] = {}
    for path, source in files.section_indexes.items():
        try:
            infos[path] = parse_section(source.text if source else None, source.path if source else None, path, md)
        except PageError as exc:
            problems.extend(exc.problems)
            infos[path] = parse_section(None, None, path, md)
    home_intro = ""
    if files.home_index:
        try:
            home_intro = parse_section(files.home_index.text, files.home_index.path, "", md).intro_html
        except PageError as exc:
            problems.extend(exc.problems)
    root = SectionInfo(path="", source=None, title="")
    pages: list[Page] = []
    for source, section in files.pages:
        try:
            page, warnings = parse_page(source.text, source.path, infos.get(section, root), md)
        except PageError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(warnings)
        pages.append(page)
    sizes = {url: path.stat().st_size for url, path in files.static.items()}
    site, assembly_problems = assemble_site(config, infos, pages, now, home_intro, sizes, drafts)
    problems.extend(assembly_problems)
    return site


def render_outputs(renderer: Renderer, outputs: list[Output], problems: Problems, progress: Progress):
    """Yield (path, bytes) for each output; failures are collected, not raised."""
    total = len(outputs)
    for done, out in enumerate(outputs, 1):
        try:
            yield out.path, renderer.render(out)
        except RenderError as exc:
            problems.extend([exc.problem])
        if done % 50 == 0 or done == total:
            progress("render", done, total)


def build(options: BuildOptions, progress: Progress = _no_progress) -> BuildResult:
    site_dir = options.site_dir.resolve()
    out_dir = (options.out_dir or site_dir / DEFAULT_OUTPUT).resolve()
    if out_dir == site_dir or out_dir in site_dir.parents or out_dir == site_dir / "content":
        raise BuildError([Problem("", None, f"thư mục đầu ra {out_dir} không được chứa mã nguồn của trang")])
    timer = _Timer()
    problems = Problems()

    config = load_config(site_dir)
    theme = load_theme(config.theme, site_dir)
    files = discover(site_dir, theme.static_dirs())
    problems.extend(files.problems)
    problems.raise_if_errors()
    timer.lap("discover")

    now = options.now or datetime.now(VN_TZ)
    site = read_site(config, files, now, options.drafts, problems)
    problems.raise_if_errors()
    timer.lap("parse")

    outputs, plan_problems = plan_outputs(site)
    problems.extend(plan_problems)
    problems.raise_if_errors()
    for out in outputs:
        if "/" + out.path in files.static:
            problems.warn("static/" + out.path, None, f"tệp tĩnh bị thay bằng tệp do xaweb tạo ra ({out.url})")

    renderer = Renderer(site, theme.template_dirs(site_dir), site_dir)
    staged = StagedOutput(out_dir)
    try:
        staged.copy_tree(files.static)
        written = staged.write_all(render_outputs(renderer, outputs, problems, progress))
        timer.lap("render")
        problems.raise_if_errors(strict=options.strict)
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    timer.lap("write")
    pages = len(site.pages) + len(site.root_pages)
    return BuildResult(out_dir, pages, written + len(files.static), problems.warnings, timer.timings)
