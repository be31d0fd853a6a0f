"""`xaweb check`: everything an officer (or CI) should fix on a site, in one report.

`check_site(site_dir, options) -> Report` runs the build's own stages in
memory (config, discover, parse, assemble, plan, render: nothing is written,
the build cache is neither read nor written, no image is resized) and looks
at the result:

- the build's errors and warnings (front matter, config, templates);
- broken internal links and anchors, images without alt text (`check_links`);
- required sections missing or empty, per `xaweb/data/regulations.yaml`,
  naming the rule; stale sections (newest page older than the section's
  `freshness_days`); expired announcements still pinned; documents without
  an attached file;
- static files over a size limit;
- with `browser=True`, axe-core in headless Chromium (`check_browser`).

It is pure apart from reading the site, so a province can run it over every
commune and merge the reports. Findings are sorted; the JSON form
(`Report.to_json`, schema in docs/check.md) is stable for CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import __version__
from .build import assemble, parse_content
from .check_browser import browser_findings
from .check_links import BuiltSite, find_problems, scan_outputs
from .config import load_config
from .content.model import DOCUMENT, Page, Site
from .content.parse import PageError, split_front_matter
from .discover import STATIC_DIR, discover
from .errors import BuildError, Problem, Problems
from .regulations import load_regulations, section_map
from .render.filters import filesize
from .render.plan import Output, plan_outputs
from .render.renderer import Renderer, RenderError
from .render.theme import load_theme
from .vietnamese import VN_TZ, format_date
from .yamltext import LineFinder

JSON_SCHEMA = 1
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
LEVELS = ("error", "warning")
OUTPUT_PREFIX = "public/"  # how findings in generated pages are shown: where `xaweb build` puts them

# Every finding code, for docs/check.md and the JSON consumers.
CODES = {
    "front-matter": "lỗi hoặc cảnh báo của bản dựng trong một tệp nội dung (phần đầu trang, Markdown)",
    "build": "lỗi hoặc cảnh báo khác của bản dựng (site.yaml, giao diện, tệp tĩnh)",
    "bad-image": "ảnh không đọc được, nên không được thu nhỏ",
    "broken-link": "liên kết nội bộ (href, src, srcset) đến tệp không có trên trang",
    "broken-anchor": "liên kết đến mục #... không có trong trang đích",
    "missing-alt": "ảnh thiếu mô tả (alt, image_alt)",
    "missing-section": "thiếu chuyên mục bắt buộc",
    "empty-section": "chuyên mục bắt buộc chưa có nội dung",
    "stale-section": "chuyên mục không có bài mới trong số ngày quy định (freshness_days)",
    "expired-pinned": "thông báo đã hết hạn nhưng vẫn ghim",
    "document-no-file": "văn bản chưa có tệp đính kèm",
    "oversized-file": "tệp tĩnh vượt giới hạn dung lượng",
    "a11y": "vi phạm WCAG 2.1 A/AA do axe-core tìm thấy trong Chromium (--browser)",
    "external-request": "trang tải tài nguyên từ máy chủ khác (--browser)",
}


@dataclass(frozen=True)
class CheckOptions:
    now: datetime | None = None  # the moment expiry and freshness are judged against; default: the clock
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger static file is a warning
    browser: bool = False  # also run axe-core in headless Chromium
    chromium: str | None = None  # Chromium's path; default /usr/bin/chromium, else on PATH


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # site-relative: "content/tin-tuc/a.md", "static/files/x.pdf", "public/index.html"
    line: int | None
    level: str  # "error" or "warning"
    code: str  # one of CODES
    message: str  # Vietnamese
    rule: str = ""  # the legal basis (regulations.yaml) or the axe-core rule id; "" if none

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.code, self.message)


@dataclass(frozen=True)
class Report:
    site_dir: str
    name: str  # the site's title, "" if site.yaml did not load
    code: str  # administrative code from site.yaml
    now: datetime
    pages: int
    findings: tuple[Finding, ...] = field(default=())

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": JSON_SCHEMA,
            "xaweb": __version__,
            "site": {"path": self.site_dir, "name": self.name, "code": self.code},
            "checked_at": self.now.isoformat(),
            "summary": {"pages": self.pages, "errors": len(self.errors), "warnings": len(self.warnings)},
            "findings": [
                {"path": f.path, "line": f.line, "level": f.level, "code": f.code, "message": f.message, "rule": f.rule}
                for f in self.findings
            ],
        }


# --- running the build's stages in memory ------------------------------------------------


@dataclass
class _Built:
    site: Site | None = None
    outputs: list[Output] = field(default_factory=list)
    rendered: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    static: dict[str, Path] = field(default_factory=dict)  # URL path -> file
    sources: dict[str, Path] = field(default_factory=dict)  # content path -> file
    site_dir: Path = Path(".")


def _build_in_memory(site_dir: Path, now: datetime, problems: Problems) -> _Built:
    """The build's stages up to rendering, without writing; stops where the build would."""
    built = _Built(site_dir=site_dir)
    try:
        config = load_config(site_dir)
        theme = load_theme(config.theme, site_dir)
    except BuildError as exc:
        problems.extend(exc.problems)
        return built
    template_dirs = theme.template_dirs(site_dir)
    files = discover(site_dir, theme.static_dirs(), template_dirs)
    problems.extend(files.problems)
    built.static = files.static
    built.sources = {s.path: s.file for s, _ in files.pages}
    if problems.errors:
        return built
    parsed = parse_content(files, None, 1, problems, lambda *_: None)
    site, more = assemble(config, parsed, parsed.pages, files, now, drafts=False)
    problems.extend(more)
    built.site = site
    outputs, more = plan_outputs(site)
    problems.extend(more)
    built.outputs = outputs
    if problems.errors:
        return built  # rendering a site with missing pages would only add noise
    renderer = Renderer(site, template_dirs, site_dir)
    for out in outputs:
        if out.kind == "image":
            continue  # resizing is the build's job; the copies' URLs are known from the plan
        try:
            built.rendered[out.path] = renderer.render(out)
        except RenderError as exc:
            problems.items.append(exc.problem)
    return built


# --- findings -----------------------------------------------------------------------------


def _from_problem(p: Problem, built: _Built) -> Finding:
    code = p.code or ("front-matter" if p.path.startswith("content/") else "build")
    line = p.line
    if line is None and code == "missing-alt" and p.path in built.sources:  # a lead image: point at its key
        line = _key_line(built, p.path, "image")
    return Finding(p.path, line, p.level, code, p.message)


def _text(built: _Built, source: str) -> str:
    path = built.sources.get(source) or built.site_dir / source
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _key_line(built: _Built, source: str, key: str) -> int | None:
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
        elif rule.required and not pages and not section.info.intro_html:  # type: ignore[union-attr]
            message = f"chuyên mục bắt buộc “{rule.title}” chưa có bài nào: {rule.description}"
            findings.append(Finding(where, None, "error", "empty-section", message, rule.rule))
        dates = [p.lastmod for p in pages if p.lastmod]
        if rule.freshness_days and dates and now - max(dates) > timedelta(days=rule.freshness_days):
            message = (f"chuyên mục “{rule.title}” không có bài mới trong {rule.freshness_days} ngày "
                       f"(bài mới nhất: {format_date(max(dates), weekday=False)}); hãy cập nhật thông tin")
            findings.append(Finding(where, None, "warning", "stale-section", message, rule.rule))
    return findings


def page_findings(site: Site, built: _Built) -> list[Finding]:
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
    return findings


def file_findings(built: _Built, limit: int) -> list[Finding]:
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


def line_of(text: str, needles: list[str]) -> int | None:
    """The line of the first needle found in `text`."""
    for needle in needles:
        at = text.find(needle) if needle else -1
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


def link_findings(built: _Built) -> list[Finding]:
    """Links, anchors and alt text in the rendered pages, pointed back at their content files."""
    site = built.site
    assert site is not None
    html = {path: data.decode("utf-8") for path, data in built.rendered.items() if path.endswith(".html")}
    files = {o.path for o in built.outputs} | {url.lstrip("/") for url in built.static}
    target = BuiltSite(files, site.config.base_url, scan_outputs(html))  # type: ignore[attr-defined]
    by_path = {o.path: o for o in built.outputs}
    hits = find_problems({path: by_path[path].url for path in html}, target)

    findings: list[Finding] = []
    shared: dict[tuple[str, str], list] = {}  # (code, target) -> [first finding, count] for template-made problems
    for hit in hits:
        source = _source_of(site, by_path[hit.output])
        line = line_of(_text(built, source), [hit.target, hit.target.removeprefix(target.base_path)]) if source else None
        level = "warning" if hit.code == "missing-alt" else "error"
        if line is not None:
            findings.append(Finding(source, line, level, hit.code, hit.message))  # type: ignore[arg-type]
        else:  # from a template: it shows on many pages, say it once
            entry = shared.setdefault((hit.code, hit.target), [Finding(OUTPUT_PREFIX + hit.output, hit.line, level, hit.code, hit.message), 0])
            entry[1] += 1
    for first, count in shared.values():
        findings.append(first if count == 1 else Finding(first.path, first.line, first.level, first.code,
                                                         f"{first.message} (gặp ở {count} trang; có lẽ do mẫu giao diện)"))
    return findings


def _source_of(site: Site, out: Output) -> str | None:
    """The content file whose text an output shows: a page's file, a section's or the home page's _index.md."""
    if out.kind == "page":
        return out.subject
    if out.kind in ("list", "doc_filter") and out.number == 1:
        section = site.section(out.subject)
        return section.info.source if section else None
    if out.kind == "home":
        return "content/_index.md"
    return None


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
    built = _build_in_memory(site_dir, now, problems)
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
