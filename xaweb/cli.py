"""The `xaweb` command. Thin: parse arguments, call the pipeline, print.

Exit codes: 0 success, 1 the site has problems (all listed), 2 usage errors.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, build
from .config import KINDS
from .errors import BuildError, Problem
from .vietnamese import as_vn_datetime, nfc


def _print_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.level == "error" else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def _fail(exc: BuildError) -> None:
    _print_problems(exc.problems)
    errors = sum(p.level == "error" for p in exc.problems)
    warnings = len(exc.problems) - errors
    click.secho(f"Không dựng được trang: {errors} lỗi, {warnings} cảnh báo.", fg="red", bold=True, err=True)
    sys.exit(1)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return as_vn_datetime(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải là ngày giờ ISO (YYYY-MM-DD[THH:MM])") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xaweb")
def cli() -> None:
    """xaweb: dựng trang thông tin điện tử của UBND xã, phường, đặc khu."""


@cli.command("build")
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Thư mục đầu ra (mặc định: SITE/public).")
@click.option("--drafts", is_flag=True, help="Dựng cả bản nháp (draft: true).")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--now", "now", metavar="YYYY-MM-DD[THH:MM]", help="Thời điểm dùng để xét hết hạn (mặc định: bây giờ).")
@click.option("--timings", is_flag=True, help="In thời gian của từng bước.")
def build_command(site: Path, output: Path | None, drafts: bool, strict: bool, now: str | None, timings: bool) -> None:
    """Dựng trang web từ thư mục SITE (mặc định: thư mục hiện tại)."""
    options = BuildOptions(site, output, drafts=drafts, strict=strict, now=_parse_now(now))
    try:
        result = build(options)
    except BuildError as exc:
        _fail(exc)
        return
    _print_problems(result.warnings)
    total = sum(result.timings.values())
    click.echo(f"Đã dựng {result.pages} trang nội dung, ghi {result.files_written} tệp vào {result.out_dir} trong {total:.2f} giây.")
    if result.warnings:
        click.secho(f"{len(result.warnings)} cảnh báo.", fg="yellow")
    if timings:
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:<10} {seconds * 1000:8.1f} ms")


@cli.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", required=True, help="Tên xã/phường/đặc khu, ví dụ 'Tân An'.")
@click.option("--kind", type=click.Choice(KINDS), default="xã", show_default=True, help="Loại đơn vị hành chính.")
@click.option("--province", required=True, help="Tên tỉnh/thành phố, ví dụ 'Đồng Tháp'.")
@click.option("--base-url", help="Địa chỉ trang (mặc định: https://tenxa.tentinh.gov.vn).")
@click.option("--code", default="", help="Mã đơn vị hành chính.")
def new_command(directory: Path, name: str, kind: str, province: str, base_url: str | None, code: str) -> None:
    """Tạo một trang mới trong DIRECTORY với đủ các chuyên mục bắt buộc."""
    from .scaffold import scaffold_site

    try:
        created = scaffold_site(directory, nfc(name), kind, nfc(province), base_url, code)
    except BuildError as exc:
        _fail(exc)
        return
    click.echo(f"Đã tạo {len(created)} tệp trong {directory}.")
    click.echo(f"Dựng thử: xaweb build {directory}")


def main() -> None:
    cli(prog_name="xaweb")
