"""The `xaweb` command. Thin: parse arguments, call the pipeline, print.

Exit codes: 0 success, 1 the site has problems (all listed), 2 usage errors.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import click

from . import __version__, cli_vi
from .config import KINDS
from .errors import BuildError, Problem
from .vietnamese import as_vn_datetime, nfc

cli_vi.install()  # click's own usage lines and errors, in Vietnamese


def _print_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.level == "error" else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def _fail(exc: BuildError, what: str) -> None:
    _print_problems(exc.problems)
    errors = sum(p.level == "error" for p in exc.problems)
    warnings = len(exc.problems) - errors
    click.secho(f"{what}: {errors} lỗi, {warnings} cảnh báo.", fg="red", bold=True, err=True)
    sys.exit(1)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return as_vn_datetime(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải là ngày giờ ISO (YYYY-MM-DD[THH:MM])") from None


@click.group(cls=cli_vi.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xaweb")
def cli() -> None:
    """xaweb: dựng trang thông tin điện tử của UBND xã, phường, đặc khu."""


STAGE_NAMES = {"discover": "đọc tệp", "fetch": "tải nguồn tin", "parse": "phân tích", "plan": "lập kế hoạch", "render": "dựng trang", "images": "thu nhỏ ảnh", "write": "ghi ra"}


class ProgressLine:
    """A live progress line on a terminal; nothing on a pipe (CI logs get the summary)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.perf_counter()
        self.last = 0.0
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or total < 100 or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        text = f"{STAGE_NAMES.get(stage, stage).capitalize()}: {done}/{total} ({now - self.start:.1f} giây)"
        click.echo(f"\r\033[K{text}", nl=False, err=True)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)


@cli.command("build")
@click.argument("site", default=".", metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Thư mục đầu ra (mặc định: THƯ_MỤC/public).")
@click.option("--drafts", is_flag=True, help="Dựng cả bản nháp (draft: true).")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--now", "now", metavar="YYYY-MM-DD[THH:MM]", help="Thời điểm dùng để xét hết hạn (mặc định: bây giờ).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Số tiến trình song song (mặc định: số lõi CPU).")
@click.option("--clean", is_flag=True, help="Dựng lại toàn bộ, không dùng và không ghi bộ nhớ đệm .xaweb-cache.")
@click.option("--timings", is_flag=True, help="In thời gian của từng bước.")
@click.option("--offline", is_flag=True, help="Không tải nguồn tin qua mạng; dùng bản lưu gần nhất.")
@click.option("--force", is_flag=True, help="Cho phép thay một thư mục đầu ra không do xaweb tạo ra (mọi tệp trong đó bị xóa).")
@click.option("--province", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Dựng mọi xã của một tỉnh từ thư mục tỉnh (province.yaml, communes.csv) và cổng của tỉnh.")
@click.option("--only", metavar="MÃ,MÃ,…", help="Với --province: chỉ dựng các xã có mã này.")
@click.option("--shard", metavar="K/N", help="Với --province: chỉ dựng phần thứ K trong N phần (chạy song song trên nhiều máy CI).")
@click.option("--merge", is_flag=True, help="Với --province: chỉ dựng cổng của tỉnh từ số liệu các phần đã dựng.")
def build_command(site: Path, output: Path | None, drafts: bool, strict: bool, now: str | None, jobs: int | None, clean: bool, timings: bool,
                  offline: bool, force: bool, province: Path | None, only: str | None, shard: str | None, merge: bool) -> None:
    """Dựng trang web từ THƯ_MỤC của trang (mặc định: thư mục hiện tại)."""
    from .build import BuildOptions, build  # here, like every command's own imports: `xaweb --help` stays instant
    from .paths import CACHE_DIR

    if province is not None:
        _build_province(province, output, only, shard, merge, strict, _parse_now(now), jobs, clean, offline)
        return
    if only or shard or merge:
        raise click.UsageError("--only, --shard và --merge chỉ dùng cùng --province")

    options = BuildOptions(site, output, drafts=drafts, strict=strict, now=_parse_now(now), jobs=jobs, cache=not clean, offline=offline, force=force)
    progress = ProgressLine(sys.stderr.isatty() and not os.environ.get("CI"))
    try:
        result = build(options, progress)
    except BuildError as exc:
        progress.clear()
        _fail(exc, "Không dựng được trang")
        return
    progress.clear()
    if result.cache_reset:
        click.secho(f"Bộ nhớ đệm {CACHE_DIR}/ bị hỏng nên đã được tạo lại: lần này dựng lại toàn bộ.", fg="yellow", err=True)
    _print_problems(result.warnings)
    total = sum(result.timings.values())
    click.echo(
        f"Đã dựng {result.pages} trang nội dung vào {result.out_dir} trong {total:.2f} giây: "
        f"{result.rendered} tệp dựng mới, {result.reused} tệp giữ nguyên, {result.deleted} tệp xóa, "
        f"{result.static_copied} tệp tĩnh chép."
    )
    if result.qa_pages:
        click.echo(f"Kèm {result.qa_pages} trang hỏi đáp, đánh giá lấy từ máy chủ hỏi đáp.")
    if result.warnings:
        click.secho(f"{len(result.warnings)} cảnh báo.", fg="yellow")
    if timings:
        for stage, seconds in result.timings.items():
            click.echo(f"  {STAGE_NAMES.get(stage, stage):<14} {seconds * 1000:8.1f} ms")


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"'{value}' phải có dạng K/N với 1 ≤ K ≤ N (ví dụ 2/4)", param_hint="--shard")
    return int(k), int(n)


def _build_province(root: Path, output: Path | None, only: str | None, shard: str | None, merge: bool, strict: bool,
                    now: datetime | None, jobs: int | None, clean: bool, offline: bool) -> None:
    from .province.build import CommuneOutcome, ProvinceOptions, build_province

    live = sys.stderr.isatty() and not os.environ.get("CI")

    def report(done: int, total: int, outcome: CommuneOutcome) -> None:
        state = "LỖI" if outcome.failed else "xong"
        line = (f"[{done}/{total}] {outcome.code} {outcome.name}: {state}"
                + ("" if outcome.failed else f", {outcome.pages} trang, {outcome.rendered} tệp dựng mới")
                + (f", {len(outcome.problems)} cảnh báo" if outcome.problems and not outcome.failed else "")
                + f" ({outcome.seconds:.1f} giây)")
        if live and not outcome.failed:
            click.echo(f"\r\033[K{line}", nl=False, err=True)  # one line that counts up
        else:
            click.echo(("\r\033[K" if live else "") + line, err=True)
        if outcome.failed:
            _print_problems(outcome.problems)

    codes = tuple(c.strip() for c in only.split(",") if c.strip()) if only else ()
    options = ProvinceOptions(root, output, codes, _parse_shard(shard), merge, jobs, offline, strict, not clean, now)
    try:
        result = build_province(options, report)
    except BuildError as exc:
        _fail(exc, "Không dựng được các trang của tỉnh")
        return
    if live:
        click.echo("\r\033[K", nl=False, err=True)
    _print_problems(result.province_problems)
    built = len(result.outcomes) - len(result.failed)
    warnings = sum(len(o.problems) for o in result.outcomes if not o.failed)
    pages = sum(o.pages for o in result.outcomes)
    click.echo(f"Đã dựng {built}/{len(result.outcomes)} xã ({pages} trang nội dung, {warnings} cảnh báo) vào {result.out_dir} "
               f"trong {result.seconds:.1f} giây." if result.outcomes else f"Số liệu của {len(result.figures)} xã.")
    if result.portal:
        click.echo(f"Cổng của tỉnh: {result.portal}")
    if result.failed:
        click.secho(f"{len(result.failed)} xã dựng lỗi (vẫn giữ bản dựng trước): "
                    + ", ".join(f"{o.code} {o.name}" for o in result.failed), fg="red", bold=True, err=True)
        sys.exit(1)


@cli.command("serve")
@click.argument("site", default=".", metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("-p", "--port", default=1313, show_default=True, type=click.IntRange(0, 65535), help="Cổng.")
@click.option("--drafts", is_flag=True, help="Hiện cả bản nháp.")
@click.option("--offline", is_flag=True, help="Không tải nguồn tin qua mạng; dùng bản lưu gần nhất.")
def serve_command(site: Path, host: str, port: int, drafts: bool, offline: bool) -> None:
    """Dựng, phục vụ trang tại máy này và tự tải lại trình duyệt khi sửa nội dung."""
    from .serve import ServeError, serve

    try:
        serve(site, host, port, drafts, lambda text: click.echo(text, err=True), offline=offline)
    except ServeError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)


@cli.command("new")
@click.argument("directory", metavar="THƯ_MỤC_MỚI", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Tên xã/phường/đặc khu, ví dụ 'Tân An'.")
@click.option("--kind", type=click.Choice(KINDS), default="xã", show_default=True, help="Loại đơn vị hành chính.")
@click.option("--province", required=True, help="Tên tỉnh/thành phố, ví dụ 'Đồng Tháp'.")
@click.option("--base-url", help="Địa chỉ trang (mặc định: https://tenxa.tentinh.gov.vn).")
@click.option("--code", default="", help="Mã đơn vị hành chính.")
@click.option("--communes", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Tạo thư mục của cả tỉnh (docs/province.md) từ danh sách xã này (CSV: code,name,kind,…).")
def new_command(directory: Path, name: str | None, kind: str, province: str, base_url: str | None, code: str,
                communes: Path | None) -> None:
    """Tạo một trang mới trong THƯ_MỤC_MỚI với đủ các chuyên mục bắt buộc (hoặc thư mục của cả tỉnh, với --communes)."""
    from .scaffold import scaffold_site

    if communes is not None:
        from .province.scaffold import scaffold_province

        try:
            created = scaffold_province(directory, province, "tỉnh", communes, datetime.now().date().isoformat())
        except BuildError as exc:
            _fail(exc, "Không tạo được thư mục của tỉnh")
            return
        click.echo(f"Đã tạo {len(created)} tệp trong {directory}.")
        click.echo(f"Dựng thử: xaweb build --province {directory}")
        return
    if not name:
        raise click.UsageError("cần --name (tên xã), hoặc --communes để tạo thư mục của cả tỉnh")

    try:
        created = scaffold_site(directory, nfc(name), kind, nfc(province), base_url, code)
    except BuildError as exc:
        _fail(exc, "Không tạo được trang mới")
        return
    click.echo(f"Đã tạo {len(created)} tệp trong {directory}.")
    click.echo(f"Dựng thử: xaweb build {directory}")


def _add_qa_commands() -> None:
    from .qa.cli import qa  # the Q&A endpoint: `xaweb qa serve|list|answer|…`

    cli.add_command(qa)


_add_qa_commands()


@cli.command("check")
@click.argument("site", default=".", metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: báo cáo cho người đọc, theo từng tệp; json: cho CI (xem docs/check.md).")
@click.option("--strict", is_flag=True, help="Trả mã 1 cả khi chỉ có cảnh báo.")
@click.option("--browser", is_flag=True, help="Kiểm tra thêm khả năng tiếp cận (axe-core) trong Chromium không giao diện.")
@click.option("--chromium", metavar="PATH", help="Đường dẫn Chromium (mặc định: /usr/bin/chromium).")
@click.option("--max-file-size", type=click.FloatRange(0, min_open=True), default=10, show_default=True, metavar="MB",
              help="Cảnh báo tệp tĩnh lớn hơn mức này.")
@click.option("--now", "now", metavar="YYYY-MM-DD[THH:MM]", help="Thời điểm dùng để xét hết hạn và độ mới (mặc định: bây giờ).")
@click.option("--province", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Kiểm tra mọi xã của một tỉnh (thư mục có province.yaml), như khi dựng cả tỉnh.")
@click.option("--only", metavar="MÃ,MÃ,…", help="Với --province: chỉ kiểm tra các xã có mã này.")
def check_command(site: Path, fmt: str, strict: bool, browser: bool, chromium: str | None, max_file_size: float, now: str | None,
                  province: Path | None, only: str | None) -> None:
    """Kiểm tra trang trong THƯ_MỤC (mặc định: thư mục hiện tại) mà không cần dựng trước: liên kết hỏng,
    ảnh thiếu mô tả, chuyên mục bắt buộc, nội dung cũ, tệp quá lớn, và (--browser) khả năng tiếp cận."""
    import json

    from .check import CheckOptions, check_site, format_text
    from .check.browser import BrowserUnavailable

    options = CheckOptions(now=_parse_now(now), max_file_size=int(max_file_size * 1024 * 1024), browser=browser, chromium=chromium)
    if province is not None:
        from .province.check import check_province

        codes = tuple(c.strip() for c in only.split(",") if c.strip()) if only else ()
        try:
            reports = check_province(province, options, codes)
        except BuildError as exc:
            _fail(exc, "Không kiểm tra được các trang của tỉnh")
            return
        if fmt == "json":
            click.echo(json.dumps({"province": str(province), "communes": [r.to_json() for r in reports]}, ensure_ascii=False, indent=2))
        else:
            for r in reports:
                click.echo(click.style(f"== {r.code} {r.name} ==", bold=True))
                click.echo(format_text(r.report, click.style))
            failing = [r for r in reports if r.report.exit_code(strict)]
            click.echo(click.style(f"{len(reports)} xã đã kiểm tra, {len(failing)} xã có lỗi"
                                   + (f"{' hoặc cảnh báo' if strict else ''}: " + ", ".join(f"{r.code} {r.name}" for r in failing) if failing else "."),
                                   fg="red" if failing else "green", bold=True))
        sys.exit(max((r.report.exit_code(strict) for r in reports), default=0))
    try:
        report = check_site(site, options)
    except BrowserUnavailable as exc:
        click.secho(f"Không kiểm tra được trong trình duyệt: {exc}", fg="red", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(report, click.style))
    sys.exit(report.exit_code(strict))


@cli.group("feeds")
def feeds_group() -> None:
    """Nguồn tin nhận về từ hệ thống thông tin nguồn (khóa sources: trong site.yaml)."""


FETCH_STATES = {"fresh": "mới", "unchanged": "không đổi", "cached": "bản lưu", "missing": "không có"}


@feeds_group.command("fetch")
@click.argument("site", default=".", metavar="[THƯ_MỤC]", type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Trả mã 1 nếu có nguồn không tải được.")
def feeds_fetch_command(site: Path, strict: bool) -> None:
    """Tải mọi nguồn tin của trang trong THƯ_MỤC vào .xaweb-cache/sources/ (giữ bản tốt gần nhất của mỗi nguồn)."""
    from .config import load_config
    from .sources.fetch import FetchSettings, fetch_sources

    site_dir = site.resolve()
    try:
        config = load_config(site_dir)
    except BuildError as exc:
        _fail(exc, "Không tải được nguồn tin")
        return
    if not config.sources:
        click.echo("site.yaml chưa khai báo nguồn tin nào (sources:).")
        return
    report = fetch_sources(config.sources, site_dir, FetchSettings.from_config(config.source_settings))
    for source, copy in zip(config.sources, report.copies):
        parsed = copy.parsed
        what = f"{len(parsed.items)} tin, {len(parsed.alerts)} cảnh báo ({parsed.format})" if parsed else "không có dữ liệu"
        click.echo(f"{FETCH_STATES[copy.state]:<10} {source.name}: {what}")
    _print_problems(report.problems)
    if strict and report.problems:
        sys.exit(1)


def main() -> None:
    cli(prog_name="xaweb")
