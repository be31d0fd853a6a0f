"""`xaweb check`: everything an officer (or CI) should fix on a site, in one report.

`check_site(site_dir, options) -> Report` runs the build's own stages in
memory (`prepare`, as `xaweb build` does, then render: nothing is written,
the build cache is neither read nor written, no image is resized) and looks
at the result:

- the build's errors and warnings (front matter, config, templates);
- broken internal links and anchors, images without alt text (`links`);
- required sections missing or empty, per `xaweb/data/regulations.yaml`,
  naming the rule; stale sections (newest page older than the section's
  `freshness_days`); expired announcements still pinned; documents without
  an attached file;
- static files over a size limit;
- with `browser=True`, axe-core in headless Chromium (`browser`).

It is pure apart from reading the site, so a province can run it over every
commune and merge the reports. Findings are sorted; the JSON form
(`Report.to_json`, schema in docs/check.md) is stable for CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..content.model import DOCUMENT, Page, Site
from ..config import CONFIG_FILE
from ..content.parse import PageError, split_front_matter
from ..content.placeholders import CODE as PLACEHOLDER_CODE
from ..content.placeholders import config_placeholders, index_placeholders, placeholder_message
from ..discover import STATIC_DIR
from ..errors import BuildError, Problem, Problems
from ..parallel import render_many
from ..prepare import Layer, gather, prepare
from ..regulations import load_regulations, section_map
from ..render.filters import filesize
from ..render.kinds import KINDS
from ..vietnamese import VN_TZ, format_date
from ..writer import MemoryOutput
from ..yamltext import LineFinder
from .browser import browser_findings
from .links import BuiltSite, find_problems, scan_outputs
from .model import OUTPUT_PREFIX, Built, Finding, Report, line_of

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class CheckOptions:
    now: datetime | None = None  # the moment expiry and freshness are judged against; default: the clock
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger static file is a warning
    browser: bool = False  # also run axe-core in headless Chromium
    chromium: str | None = None  # Chromium's path; default /usr/bin/chromium, else on PATH
    layer: Layer | None = None  # a commune of a province, as its province build sees it (province/check.py)


# --- running the build's stages in memory ------------------------------------------------


def _build_in_memory(site_dir: Path, now: datetime, problems: Problems, layer: Layer | None = None) -> Built:
    """The build's first half (`prepare`), then rendering into memory; stops where the build would.

    Source feeds and the Q&A export come from their last good copies
    (offline): check never touches the network and writes nothing, yet sees
    every page the last build published from them.
    """
    built = Built(site_dir=site_dir)

    def record(exc: BuildError) -> None:
        problems.extend(p for p in exc.problems if p not in problems.items)

    try:
        inputs = gather(site_dir, problems, offline=True, layer=layer)
    except BuildError as exc:
        record(exc)
        return built
    built.static = inputs.files.static
    built.sources = {s.path: s.file for s, _ in inputs.files.pages}
    built.index_placeholders = index_placeholders(inputs.files)
    try:
        prepared = prepare(inputs, now, problems, keep_going=True)
    except BuildError as exc:
        record(exc)
        return built
    built.site, built.outputs = prepared.site, prepared.outputs
    if any(not p.path.startswith(("content/", "shared/")) for p in problems.errors):
        return built  # a broken config or theme: rendering would only add noise
    # A page that failed is left out, as the build would once it is fixed: the others are still checked.
    memory = MemoryOutput()
    # Resizing is the build's job; the copies' URLs are known from the plan.
    rendered = [out for out in prepared.outputs if not KINDS[out.kind].derived]
    for _, render_problems in render_many(prepared.site, inputs.template_dirs, site_dir, memory, rendered, 1, lambda n: None):
        problems.extend(render_problems)
    built.rendered = memory.files
    return built


# --- findings -----------------------------------------------------------------------------


def _from_problem(p: Problem, built: Built) -> Finding:
    code = p.code or ("front-matter" if p.path.startswith("content/") else "build")
    line = p.line
    if line is None and code == "missing-alt" and p.path in built.sources:  # a lead image: point at its key
        line = _key_line(built, p.path, "image")
    return Finding(p.path, line, p.level, code, p.message)


def _text(built: Built, source: str) -> str:
    path = built.sources.get(source) or built.site_dir / source
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _key_line(built: Built, source: str, key: str) -> int | None:
    """The line of a front-matter key (the front matter's first line when absent)."""
    text = _text(built, source)
    try:
        yaml_text, _, offset = split_front_matter(text, source)
    except PageError:
        return None
    return LineFinder(yaml_text or "", source, offset).line((key,))


def _listed_under(site: Site, path: str) -> list[Page]:
    return [p for p in site.listed_pages if p.section == path or p.section.startswith(path + "/")]


def _section_where(site: Site, path: str) -> str:
    section = site.section(path)
    return (section.info.source if section and section.info.source else None) or f"content/{path}/"


def section_findings(site: Site, now: datetime) -> list[Finding]:
    """Required sections missing or empty; sections with nothing new for `freshness_days`."""
    findings = []
    for rule in load_regulations():
        section = site.section(rule.path)
        where = _section_where(site, rule.path)
        pages = _listed_under(site, rule.path)
        if rule.required and section is None:
            message = f"thiếu chuyên mục bắt buộc “{rule.title}” (thư mục content/{rule.path}/): {rule.description}"
            findings.append(Finding(where, None, "error", "missing-section", message, rule.rule))
        elif rule.required and not pages and section is not None and not section.info.intro_html:
            message = f"chuyên mục bắt buộc “{rule.title}” chưa có bài nào: {rule.description}"
            findings.append(Finding(where, None, "error", "empty-section", message, rule.rule))
        dates = [p.lastmod for p in pages if p.lastmod]
        if rule.freshness_days and dates and now - max(dates) > timedelta(days=rule.freshness_days):
            message = (f"chuyên mục “{rule.title}” không có bài mới trong {rule.freshness_days} ngày "
                       f"(bài mới nhất: {format_date(max(dates), weekday=False)}); hãy cập nhật thông tin")
            findings.append(Finding(where, None, "warning", "stale-section", message, rule.rule))
    return findings


def page_findings(site: Site, built: Built) -> list[Finding]:
    """Expired announcements still pinned; documents without an attached file."""
    findings = []
    rules = section_map()
    for page in site.pages + site.root_pages:
        if page.pinned and page.expired and page.expires:
            message = (f"thông báo đã hết hạn ngày {format_date(page.expires, weekday=False)} nhưng vẫn được ghim "
                       "(pinned: true); hãy bỏ ghim hoặc gia hạn 'expires'")
            findings.append(Finding(page.source, _key_line(built, page.source, "pinned"), "warning", "expired-pinned", message))
        if page.kind == DOCUMENT and not (page.document and page.document.file):
            rule = rules.get(page.section.split("/")[0])
            message = "văn bản chưa có tệp đính kèm ('file'): người dân cần tải được toàn văn văn bản"
            findings.append(Finding(page.source, _key_line(built, page.source, "number"), "warning", "document-no-file",
                                    message, rule.rule if rule else ""))
        if page.placeholders:
            lines = _text(built, page.source).splitlines()
            findings += [Finding(page.source, n, "warning", PLACEHOLDER_CODE, placeholder_message(lines[n - 1] if n <= len(lines) else ""))
                         for n in page.placeholders]
    findings += [Finding(path, n, "warning", PLACEHOLDER_CODE, placeholder_message(text)) for path, n, text in built.index_placeholders]
    return findings + _config_placeholders(site, built)


def _config_placeholders(site: Site, built: Built) -> list[Finding]:
    path = built.site_dir / CONFIG_FILE
    finder = LineFinder(path.read_text(encoding="utf-8-sig"), CONFIG_FILE) if path.is_file() else None
    return [Finding(CONFIG_FILE, finder.line(key) if finder else None, "warning", PLACEHOLDER_CODE, placeholder_message(value))
            for key, value in config_placeholders(site.config)]


def file_findings(built: Built, limit: int) -> list[Finding]:
    """The site's own static files over `limit` bytes (the theme's are not the officer's to fix)."""
    own = built.site_dir / STATIC_DIR
    findings = []
    for url, path in built.static.items():
        size = path.stat().st_size
        if size > limit and path.is_relative_to(own):
            message = (f"tệp nặng {filesize(size)}, quá giới hạn {filesize(limit)}: người dân dùng điện thoại, mạng chậm "
                       "sẽ khó tải; hãy nén, thu nhỏ hoặc chia nhỏ tệp")
            findings.append(Finding(STATIC_DIR + url, None, "warning", "oversized-file", message))
    return findings


def link_findings(built: Built) -> list[Finding]:
    """Links, anchors and alt text in the rendered pages, pointed back at their content files."""
    site = built.site
    assert site is not None
    html = {path: data.decode("utf-8") for path, data in built.rendered.items() if path.endswith(".html")}
    files = {o.path for o in built.outputs} | {url.lstrip("/") for url in built.static}
    target = BuiltSite(files, site.config.base_url, scan_outputs(html))
    by_path = {o.path: o for o in built.outputs}
    hits = find_problems({path: by_path[path].url for path in html}, target)

    findings: list[Finding] = []
    shared: dict[tuple[str, str], list] = {}  # (code, target) -> [first finding, count] for template-made problems
    for hit in hits:
        out = by_path[hit.output]
        source = KINDS[out.kind].source(site, out)
        line = line_of(_text(built, source), [hit.target, hit.target.removeprefix(target.base_path)]) if source else None
        level = "warning" if hit.code == "missing-alt" else "error"
        if source is not None and line is not None:
            findings.append(Finding(source, line, level, hit.code, hit.message))
        else:  # from a template: it shows on many pages, say it once
            entry = shared.setdefault((hit.code, hit.target), [Finding(OUTPUT_PREFIX + hit.output, hit.line, level, hit.code, hit.message), 0])
            entry[1] += 1
    for first, count in shared.values():
        findings.append(first if count == 1 else Finding(first.path, first.line, first.level, first.code,
                                                         f"{first.message} (gặp ở {count} trang; có lẽ do mẫu giao diện)"))
    return findings


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per (path, line, code): the build and the link scan may see the same image."""
    seen: dict[tuple, Finding] = {}
    for f in sorted(findings, key=Finding.sort_key):
        seen.setdefault((f.path, f.line, f.code, f.message if f.code != "missing-alt" else ""), f)
    return tuple(seen.values())


def check_site(site_dir: Path, options: CheckOptions = CheckOptions()) -> Report:
    """Check a site folder; reads it, writes nothing (the browser check serves it from memory)."""
    site_dir = Path(site_dir).resolve()
    now = options.now or datetime.now(VN_TZ)
    problems = Problems()
    built = _build_in_memory(site_dir, now, problems, options.layer)
    findings = [_from_problem(p, built) for p in problems.items]
    findings += file_findings(built, options.max_file_size)
    site = built.site
    if site is not None:
        findings += section_findings(site, now) + page_findings(site, built)
        if built.rendered:
            findings += link_findings(built)
            if options.browser:
                findings += browser_findings(built, options.chromium)
    config = site.config if site else None
    return Report(
        site_dir=str(site_dir),
        name=getattr(config, "site_title", ""),
        code=getattr(config, "code", ""),
        now=now,
        pages=len(site.pages) + len(site.root_pages) if site else 0,
        findings=_dedupe(findings),
    )


# --- the report for people ----------------------------------------------------------------


def format_text(report: Report, style=lambda text, **_: text) -> str:
    """Findings grouped by file; `style` is `click.style` on a terminal (colour), identity otherwise."""
    lines = []
    current = None
    for f in report.findings:
        if f.path != current:
            current = f.path
            lines.append(style(f.path, bold=True))
        where = f"dòng {f.line}" if f.line else "—"
        level = style("lỗi", fg="red", bold=True) if f.level == "error" else style("cảnh báo", fg="yellow")
        rule = f" ({f.rule})" if f.rule else ""
        lines.append(f"  {where}: {level}: {f.message} [{f.code}]{rule}")
    errors, warnings = len(report.errors), len(report.warnings)
    if not report.findings:
        lines.append(style(f"Không có vấn đề nào ({report.pages} trang đã kiểm tra).", fg="green"))
    else:
        colour = "red" if errors else "yellow"
        lines.append(style(f"Kết quả: {errors} lỗi, {warnings} cảnh báo ({report.pages} trang đã kiểm tra).", fg=colour, bold=True))
    return "\n".join(lines)
