"""The province portal: every commune, the latest news across them, and the monitoring dashboard.

A static site of its own, rendered from the communes' figures (figures.py) with the
theme's `province/` templates (a province theme may override any of them) and
written whole in one step, like a commune's output (writer.StagedOutput):

    index.html                 communes grouped by kind, a search that ignores tone marks
    tin-moi/index.html         the latest news of every commune
    tim-kiem/                  a search of every commune's pages at once (search.py)
    bang-tin.json, bang-tin/   the province's bulletin board: its announcements, the communes' urgent items (board.py)
    thong-bao/<slug>/          the province's own announcements (shared/thong-bao/)
    giam-sat/index.html        the dashboard, sorted by name; giam-sat/<key>/ sorted by each column
    giam-sat/xa/<code>/        one commune's figures and findings in full (the rows only count them)
    giam-sat/so-lieu.csv|json  the same figures, for spreadsheets and other systems

Sorting is one page per column, so the table sorts without JavaScript; the charts
are SVG drawn here, each with the table of its numbers beside it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

import jinja2
from markupsafe import Markup

from ..i18n import Translator
from ..render.filters import make_filters
from ..render.theme import load_theme, template_loader
from ..vietnamese import collation_key, format_date, strip_diacritics
from ..writer import StagedOutput
from ..render.kinds.board import BOARD_DIR, PLAYLIST
from ..render.machine import to_json
from .board import province_playlist
from .commune import Shared, defaults_config
from .figures import CommuneFigures, totals
from .load import THEME_DIR, Province
from .search import portal_search

ANNOUNCEMENTS = "thong-bao"
LATEST_NEWS = 30
KIND_ORDER = ("phường", "xã", "đặc khu")


@dataclass(frozen=True)
class SortKey:
    slug: str  # "" for the default order (name)
    label: str
    key: Callable[[CommuneFigures], Any]


SORTS = (
    SortKey("", "Tên", lambda f: collation_key(f.name)),
    SortKey("so-trang", "Số trang", lambda f: -f.pages),
    SortKey("cap-nhat", "Cập nhật gần nhất", lambda f: f.last_update or "0"),
    SortKey("bai-moi", "Bài trong 30 ngày", lambda f: f.recent_posts),
    SortKey("thieu", "Chuyên mục bắt buộc còn thiếu", lambda f: -f.missing),
    SortKey("lien-ket-hong", "Liên kết hỏng", lambda f: -f.broken_links),
    SortKey("canh-bao", "Cảnh báo khi dựng", lambda f: -f.warnings),
    SortKey("hoi-dap", "Hỏi đáp đã trả lời", lambda f: -f.qa_answered),
)


def fold(text: str) -> str:
    """What the search compares: no tone marks, đ as d, lower case ('Tân An' -> 'tan an')."""
    return strip_diacritics(text).lower()


def write_portal(province: Province, shared: Shared, figures: list[CommuneFigures], out_dir: Path, now: datetime) -> Path:
    """The portal into `out_dir`, beside the communes' output folders (its search joins their indexes)."""
    files = render_portal(province, shared, figures, now, _playlists(out_dir.parent, figures))
    index, results = portal_search(out_dir.parent, [(f.code, f.name, f.url) for f in figures if f.built])
    files.update(index)
    staged = StagedOutput(out_dir)
    try:  # only what changed is written: an edit in one commune changes a few of the portal's 50,000 files
        staged.update(files, {url.lstrip("/"): path for url, path in _static_files(province).items()}, results)
    except BaseException:
        staged.discard()
        raise
    return out_dir


def _playlists(out_root: Path, figures: list[CommuneFigures]) -> list[tuple[str, str, dict]]:
    """The board playlist each commune's last good build published (a failed build keeps its previous output)."""
    out = []
    for f in figures:
        try:
            playlist = json.loads((out_root / f.code / PLAYLIST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(playlist, dict):
            out.append((f.code, f.name, playlist))
    return out


def _theme(province: Province):
    name = str(province.root / THEME_DIR) if (province.root / THEME_DIR / "theme.yaml").is_file() else "default"
    return load_theme(name, province.root)


def _static_files(province: Province) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for folder in _theme(province).static_dirs():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                out["/" + path.relative_to(folder).as_posix()] = path
    return out


def render_portal(province: Province, shared: Shared, figures: list[CommuneFigures], now: datetime,
                  playlists: Sequence[tuple[str, str, dict]] = ()) -> dict[str, bytes]:
    """Every file of the portal: pure, from the figures, the shared announcements and the communes' board playlists."""
    theme = _theme(province)
    env = jinja2.Environment(loader=template_loader(theme.template_dirs(province.root)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    filters = make_filters(province.config.portal_url, "vi")
    env.filters["url"], env.filters["absurl"] = filters["url"], filters["absurl"]  # the one way a template writes a link
    env.filters["vndate"] = lambda iso: format_date(datetime.fromisoformat(iso), weekday=False) if iso else "—"
    env.filters["fold"] = fold
    env.globals["_"] = Translator("vi")  # the strings the portal shares with the commune sites' templates (the search form)
    config = province.config
    built = [f for f in figures if f.built]
    groups = [(kind, sorted((f for f in figures if f.kind == kind), key=lambda f: collation_key(f.name))) for kind in KIND_ORDER]
    news = sorted(((n, f) for f in built for n in f.news), key=lambda nf: (nf[0].date, nf[1].code), reverse=True)[:LATEST_NEWS]
    announcements = sorted((c.page for source, c in shared.pages.items()
                            if c.page.section == ANNOUNCEMENTS and not c.page.draft and not c.page.communes),
                           key=lambda p: (p.date.isoformat() if p.date else "", p.slug), reverse=True)
    common = {"province": config, "now": now, "totals": totals(figures), "nav": NAV, "stylesheets": theme.settings.stylesheets}

    def page(template: str, path: str, **context: Any) -> tuple[str, bytes]:
        html = env.get_template(f"province/{template}").render(current=path, **common, **context)
        return (path.strip("/") + "/index.html" if path != "/" else "index.html"), html.encode("utf-8")

    files = dict([
        page("index.html", "/", groups=[(k, g) for k, g in groups if g], news=news[:6], announcements=announcements[:5]),
        page("news.html", "/tin-moi/", news=news),
        page("search.html", "/tim-kiem/", sections=[(f.url, f.name) for f in sorted(built, key=lambda f: collation_key(f.name))]),
    ])
    for p in announcements:
        files.update([page("announcement.html", f"/{ANNOUNCEMENTS}/{p.slug}/", item=p)])
    board = province_playlist(config, defaults_config(province).board, announcements, playlists, now, filters["absurl"])
    files[PLAYLIST] = to_json(board)
    # The commune board's own template, so a screen looks the same whoever runs it.
    files[f"{BOARD_DIR}/index.html"] = env.get_template("board.html").render(
        playlist=board, output={"url": f"/{BOARD_DIR}/"}, config={"language": "vi", "site_title": config.portal_title, "emblem": ""},
        committee_name=board["site"]["committee"], province_line=config.portal_title).encode("utf-8")
    charts = {"compliance": compliance_chart(figures), "activity": activity_chart(figures)}
    monthly = _monthly(built)
    row = env.get_template("province/dashboard-row.html")
    row_html = {f.code: Markup(row.render(f=f)) for f in figures}  # each row once, shown in every sort order
    for sort in SORTS:
        rows = sorted(figures, key=lambda f: (sort.key(f), collation_key(f.name)))
        path = f"/giam-sat/{sort.slug}/" if sort.slug else "/giam-sat/"
        files.update([page("dashboard.html", path, rows=rows, row_html=row_html, sorts=SORTS, sort=sort, charts=charts,
                           monthly=monthly)])
    for f in figures:
        files.update([page("commune.html", f"/giam-sat/xa/{f.code}/", f=f)])
    files["giam-sat/so-lieu.csv"] = figures_csv(figures)
    files["giam-sat/so-lieu.json"] = figures_json(config.name, now, figures)
    return files


NAV = (("/", "Trang chủ"), ("/tin-moi/", "Tin mới các xã"), ("/tim-kiem/", "Tìm kiếm"), ("/giam-sat/", "Giám sát, đánh giá"))

CSV_COLUMNS = ("code", "name", "kind", "url", "built", "pages", "last_update", "recent_posts", "expired", "warnings", "broken_links",
               "errors", "missing_sections", "qa_answered", "qa_median_days",
               "qa_received", "qa_waiting")


def figures_csv(figures: list[CommuneFigures]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        missing = "; ".join(s.message for s in f.sections if s.code in ("missing-section", "empty-section"))
        writer.writerow([f.code, f.name, f.kind, f.url, int(f.built), f.pages, f.last_update, f.recent_posts, f.expired,
                         f.warnings, f.broken_links, f.errors, missing, f.qa_answered if f.qa else "",
                         "" if f.qa_median_days is None else f.qa_median_days,
                         "" if f.qa_received is None else f.qa_received, "" if f.qa_waiting is None else f.qa_waiting])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM: spreadsheets then read it as UTF-8


def figures_json(province: str, now: datetime, figures: list[CommuneFigures]) -> bytes:
    """One commune per line: readable, and written by json's C encoder (an indented dump of 600 communes takes a second)."""
    lines = ",\n".join(json.dumps(f.to_json(), ensure_ascii=False, sort_keys=True) for f in figures)
    head = json.dumps({"generated": now.isoformat(), "province": province}, ensure_ascii=False)[:-1]
    return (head + ', "communes": [\n' + lines + "\n]}\n").encode("utf-8")


def _monthly(built: list[CommuneFigures]) -> list[tuple[str, int]]:
    totals_by_month: dict[str, int] = {}
    for f in built:
        for month, count in f.monthly:
            totals_by_month[month] = totals_by_month.get(month, 0) + count
    return sorted(totals_by_month.items())


# --- charts: SVG drawn at build time, with a text equivalent in the page ----------------------


def compliance_chart(figures: list[CommuneFigures]) -> str:
    """One bar split three ways: every required section, some missing, build failed."""
    parts = [("Đủ chuyên mục bắt buộc", sum(f.built and f.missing == 0 for f in figures), "#1b7a3a"),
             ("Còn thiếu chuyên mục", sum(f.built and f.missing > 0 for f in figures), "#b35900"),
             ("Dựng lỗi", sum(not f.built for f in figures), "#a50e0e")]
    total = max(1, len(figures))
    width, x, bars, legend = 600, 0.0, [], []
    for i, (label, count, colour) in enumerate(parts):
        w = width * count / total
        if w:
            bars.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="40" fill="{colour}"><title>{label}: {count}</title></rect>')
        legend.append(f'<rect x="{i * 200}" y="56" width="16" height="16" fill="{colour}"/>'
                      f'<text x="{i * 200 + 22}" y="69" font-size="14">{label}: {count}</text>')
        x += w
    summary = "; ".join(f"{label}: {count}" for label, count, _ in parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 80" width="{width}" height="80" role="img" '
            f'aria-label="Mức độ đầy đủ: {summary}">'
            + "".join(bars + legend) + "</svg>")


def activity_chart(figures: list[CommuneFigures]) -> str:
    """Posts per month across the province, the last twelve months."""
    monthly = _monthly([f for f in figures if f.built])
    if not monthly:
        return ""
    top = max(1, max(count for _, count in monthly))
    bar, gap, height = 40, 10, 160
    items = []
    for i, (month, count) in enumerate(monthly):
        h = height * count / top
        x = i * (bar + gap)
        items.append(f'<rect x="{x}" y="{height - h:.1f}" width="{bar}" height="{h:.1f}" fill="#0b4f8a"><title>{month}: {count} bài</title></rect>'
                     f'<text x="{x + bar / 2}" y="{height + 16}" font-size="11" text-anchor="middle">{month[5:]}/{month[2:4]}</text>')
    width = len(monthly) * (bar + gap)
    summary = ", ".join(f"{m}: {c}" for m, c in monthly)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24}" width="{width}" height="{height + 24}" role="img" '
            f'aria-label="Số bài đăng mỗi tháng: {summary}">' + "".join(items) + "</svg>")
