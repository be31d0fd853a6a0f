"""`xaweb build --province DIR`: every commune, each on its own, then the province portal.

    load province.yaml and communes.csv → list and parse shared/ once → fetch the shared
    source feeds once → build each commune (worker processes, one commune at a time each,
    its own cache and output folder) → write each commune's figures → the portal

A commune whose build fails is reported under its name and keeps its previous
output; the others are built. Each worker holds one commune at a time, so memory
does not grow with the number of communes. `--shard K/N` builds every N-th commune
(by code), and `--merge` builds only the portal from the figures every shard left in
the output folder: the union of the shards is the unsharded build, byte for byte.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..build import BuildOptions, BuildResult, build
from ..cache import COMPILED_DIR
from ..config import SiteConfig, Source
from ..errors import BuildError, Problem
from ..paths import CACHE_DIR
from ..sources.fetch import FetchReport, FetchSettings, fetch_sources
from ..vietnamese import VN_TZ
from ..writer import replace_file
from . import reuse
from .commune import Shared, commune_layer, defaults_config, load_shared
from .figures import CommuneFigures, dumps, figures_of
from .commune import STATIC_DIR
from .load import COMMUNES_DIR, SHARED_DIR, THEME_DIR, Commune, Province, from_province, load_province

DEFAULT_OUTPUT = "public"
FIGURES_DIR = ".figures"  # in the output folder: one JSON per commune, for the portal and for merging shards
PORTAL_DIR = "tinh"  # the province portal's output folder


@dataclass(frozen=True)
class ProvinceOptions:
    root: Path
    out_dir: Path | None = None  # default: <root>/public
    only: tuple[str, ...] = ()  # commune codes
    shard: tuple[int, int] | None = None  # (k, n), 1 ≤ k ≤ n
    merge: bool = False  # only the portal, from the figures in the output folder
    jobs: int | None = None
    offline: bool = False
    strict: bool = False
    cache: bool = True
    now: datetime | None = None


@dataclass
class CommuneOutcome:
    code: str
    name: str
    problems: list[Problem]  # the errors of a failed build, or the warnings of a good one, paths from the province folder
    failed: bool
    seconds: float
    rendered: int = 0
    pages: int = 0


@dataclass
class ProvinceResult:
    out_dir: Path
    outcomes: list[CommuneOutcome]
    province_problems: list[Problem]  # province.yaml, communes.csv, shared/ warnings
    portal: Path | None
    seconds: float
    figures: list[CommuneFigures] = field(default_factory=list)

    @property
    def failed(self) -> list[CommuneOutcome]:
        return [o for o in self.outcomes if o.failed]


def select(communes: list[Commune], only: tuple[str, ...], shard: tuple[int, int] | None) -> list[Commune]:
    """The communes of this run: `only` by code, then every n-th of the list sorted by code."""
    chosen = sorted(communes, key=lambda c: c.code)
    if only:
        wanted = {code.zfill(5) for code in only}
        unknown = wanted - {c.code for c in chosen}
        if unknown:
            raise BuildError([Problem("communes.csv", None, f"không có mã {', '.join(sorted(unknown))} trong danh sách xã")])
        chosen = [c for c in chosen if c.code in wanted]
    if shard:
        k, n = shard
        chosen = [c for i, c in enumerate(chosen) if i % n == k - 1]
    return chosen


# --- one commune, in a worker --------------------------------------------------------------

@dataclass
class _Run:
    """What every commune build of one run shares (a worker gets it when forked, or pickled)."""

    province: Province
    shared: Shared
    options: ProvinceOptions
    out_root: Path
    now: datetime
    fetched: FetchReport | None
    fetched_for: tuple[Source, ...]  # the sources `fetched` holds
    compiled: Path
    stamp: str  # reuse.province_stamp
    memo: dict[str, str] = field(default_factory=dict)  # folder stamps, per worker


_state: _Run | None = None


def _init(state: _Run | None = None) -> None:
    global _state
    if state is not None:
        _state = state


def build_commune(commune: Commune) -> tuple[CommuneOutcome, CommuneFigures]:
    assert _state is not None
    run = _state
    province, options, now = run.province, run.options, run.now
    started = time.perf_counter()
    out_dir = run.out_root / commune.code
    figures_path = run.out_root / FIGURES_DIR / f"{commune.code}.json"
    stored = _stored_figures(figures_path, now)
    own = reuse.own_stamp(province, commune)  # before the build: a file edited meanwhile makes the next run build again
    if stored is not None and options.cache:
        record = reuse.unchanged(run.stamp, own, province, commune, out_dir, now, run.memo)
        if record is not None:
            return CommuneOutcome(commune.code, commune.full_name, list(record.warnings), False, time.perf_counter() - started,
                                  0, stored.pages), stored
    try:
        layer = commune_layer(province, commune, run.shared, run.fetched, run.fetched_for, run.compiled)
        commune_options = BuildOptions(province.commune_dir(commune), out_dir, strict=options.strict, now=now,
                                       jobs=1, cache=options.cache, offline=options.offline, layer=layer)
        result: BuildResult = build(commune_options)
        if result.prepared is None and stored is None:  # nothing changed, but today's figures are still to be made
            result = build(replace(commune_options, always_prepare=True))
    except BuildError as exc:
        reuse.forget(province, commune)
        outcome = CommuneOutcome(commune.code, commune.full_name, [from_province(commune, p) for p in exc.problems], True,
                                 time.perf_counter() - started)
        figures = CommuneFigures(commune.code, commune.full_name, commune.kind, "", built=False,
                                 errors=sum(p.level == "error" for p in exc.problems))
        replace_file(figures_path, dumps(figures).encode("utf-8"))
        return outcome, figures
    if result.prepared is not None:
        figures = figures_of(result.prepared.site, commune.code, result.warnings, now, result.prepared.inputs.qa_export.data)
        replace_file(figures_path, dumps(figures).encode("utf-8"))
    else:
        assert stored is not None
        figures = stored
    warnings = [from_province(commune, p) for p in result.warnings]
    if options.cache:
        if reuse.own_network_inputs(layer.config, run.fetched_for):
            reuse.forget(province, commune)
        else:
            reuse.remember(run.stamp, own, province, commune, out_dir, list(result.read_dirs), result.until,
                           result.files, warnings, run.memo)
    outcome = CommuneOutcome(commune.code, commune.full_name, warnings, False, time.perf_counter() - started,
                             result.rendered, result.pages)
    return outcome, figures


def _stored_figures(path: Path, now: datetime) -> CommuneFigures | None:
    """The figures the commune's last build left, if they were made today and from a good build: while
    its inputs do not change, only the date moves them (posts of the last 30 days, stale sections)."""
    try:
        figures = CommuneFigures.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return figures if figures.built and figures.as_of == now.date().isoformat() else None


def province_sources(province: Province) -> SiteConfig | None:
    """The province's defaults as a config (for their source feeds), or None when they name no feeds."""
    return defaults_config(province) if province.defaults.get("sources") else None


# --- the whole province ----------------------------------------------------------------------


def build_province(options: ProvinceOptions, report: Callable[[int, int, CommuneOutcome], None] = lambda done, total, o: None
                   ) -> ProvinceResult:
    from .portal import write_portal

    global _state
    started = time.perf_counter()
    province = load_province(options.root)
    out_root = (options.out_dir or province.root / DEFAULT_OUTPUT).resolve()
    if province.root in out_root.parents and out_root.relative_to(province.root).parts[0] in (SHARED_DIR, THEME_DIR, COMMUNES_DIR, STATIC_DIR):
        raise BuildError([Problem("", None, f"thư mục đầu ra {out_root} không được nằm trong mã nguồn của tỉnh")])
    now = options.now or datetime.now(VN_TZ)
    shared = load_shared(province)
    errors = [p for p in shared.problems if p.level == "error"]
    if errors:
        raise BuildError(shared.problems)  # every commune would publish them: nothing is built
    province_problems = province.warnings + shared.problems
    outcomes: list[CommuneOutcome] = []
    if not options.merge:
        communes = select(province.communes, options.only, options.shard)
        fetched = None
        defaults = province_sources(province)
        if defaults is not None:  # once for the province, not once per commune
            fetched = fetch_sources(defaults.sources, province.root, FetchSettings.from_config(defaults.source_settings), options.offline)
            province_problems += fetched.problems
        # Templates are compiled once for the whole province (a clean build compiles them into a folder of its own).
        compiled = province.root / CACHE_DIR / COMPILED_DIR if options.cache else Path(tempfile.mkdtemp(prefix="xaweb-templates-"))
        compiled.mkdir(parents=True, exist_ok=True)
        state = _Run(province, shared, options, out_root, now, fetched, defaults.sources if defaults else (), compiled,
                     reuse.province_stamp(province, options.strict, fetched))
        out_root.mkdir(parents=True, exist_ok=True)
        jobs = max(1, min(options.jobs or os.cpu_count() or 1, len(communes)))
        try:
            for outcome, _ in _run(communes, jobs, state):
                outcomes.append(outcome)
                report(len(outcomes), len(communes), outcome)
        finally:
            _state = None
            if not options.cache:
                shutil.rmtree(compiled, ignore_errors=True)
        outcomes.sort(key=lambda o: o.code)
    portal = None
    figures: list[CommuneFigures] = []
    if not options.shard:  # a shard's communes are only part of the province: --merge makes the portal
        figures = read_figures(out_root, province)
        portal = write_portal(province, shared, figures, out_root / PORTAL_DIR, now)
    return ProvinceResult(out_root, outcomes, province_problems, portal, time.perf_counter() - started, figures)


def _run(communes: list[Commune], jobs: int, state: _Run):
    global _state
    if jobs <= 1:
        _state = state
        for commune in communes:
            yield build_commune(commune)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        _state = state
        pool = ctx.Pool(jobs, initializer=_init)
    else:
        pool = ctx.Pool(jobs, initializer=_init, initargs=(state,))
    with pool:
        yield from pool.imap_unordered(build_commune, communes)


def read_figures(out_root: Path, province: Province) -> list[CommuneFigures]:
    """Every commune's figures as its last build left them; a commune never built shows as not built."""
    out = []
    for commune in sorted(province.communes, key=lambda c: c.code):
        path = out_root / FIGURES_DIR / f"{commune.code}.json"
        try:
            out.append(CommuneFigures.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            out.append(CommuneFigures(commune.code, commune.full_name, commune.kind, "", built=False))
    return out
