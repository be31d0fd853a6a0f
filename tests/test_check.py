"""`xaweb check`: each kind of finding, with its file, line and code; the JSON schema; exit codes.

The fixture `tests/sites/check-problems/` holds one of each problem (see its
files for the lines); it is checked as of 2025-06-01 with a 20 KiB file limit.
The browser test drives the system's Chromium through Playwright; it may skip
only outside CI (the environment variable CI unset) when they are missing.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from xaweb.check import CODES, CheckOptions, check_site
from xaweb.cli import cli
from xaweb.regulations import load_regulations
from xaweb.vietnamese import VN_TZ

SITES = Path(__file__).resolve().parent / "sites"
PROBLEMS = SITES / "check-problems"
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=VN_TZ)
LIMIT = 20 * 1024
NEWS = "content/tin-tuc/hop-dan-ap-hoa-thanh.md"


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".xaweb-cache", "public"))
    return dst


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def report():
    return check_site(PROBLEMS, CheckOptions(now=NOW, max_file_size=LIMIT))


def found(report) -> set[tuple]:
    return {(f.path, f.line, f.level, f.code) for f in report.findings}


# --- each finding -------------------------------------------------------------------------


def test_links_anchors_and_alt_text_point_at_the_content_line(report):
    assert {
        (NEWS, 4, "warning", "front-matter"),  # 'tieu_de' is not a key
        (NEWS, 8, "error", "broken-link"),  # /van-ban/khong-co-van-ban-nay/
        (NEWS, 10, "error", "broken-anchor"),  # #ket-luan on the same page
        (NEWS, 12, "warning", "missing-alt"),  # ![](/images/cho-que.png)
        (NEWS, 16, "error", "broken-anchor"),  # another page's missing #muc-khong-co
    } <= found(report)
    # The theme's own links (menu, feeds, resized images, sitemap) all resolve.
    broken = [f for f in report.findings if f.code in ("broken-link", "broken-anchor")]
    assert len(broken) == 3, broken
    link = next(f for f in broken if f.code == "broken-link")
    assert "/van-ban/khong-co-van-ban-nay/" in link.message


def test_required_sections_missing_or_empty_name_their_rule(report):
    missing = {f.path: f for f in report.findings if f.code == "missing-section"}
    intro = missing["content/gioi-thieu/"]
    assert intro.level == "error" and intro.rule == "Nghị định 224/2026/NĐ-CP, Điều 9"
    assert "Giới thiệu" in intro.message
    present = {"tin-tuc", "thong-bao", "van-ban", "lien-he"}
    assert set(missing) == {f"content/{r.path}/" for r in load_regulations() if r.required and r.path not in present}
    [empty] = [f for f in report.findings if f.code == "empty-section"]
    assert (empty.path, empty.level) == ("content/lien-he/_index.md", "error")
    assert "Luật Tiếp cận thông tin" in empty.rule


def test_stale_news_pinned_expired_announcement_and_document_without_file(report):
    assert {
        ("content/tin-tuc/", None, "warning", "stale-section"),  # newest news 2025-01-10, freshness 30 days
        ("content/thong-bao/lich-cat-dien-thang-3.md", 5, "warning", "expired-pinned"),  # line of 'pinned'
        ("content/thong-bao/lich-cat-dien-thang-3.md", 6, "warning", "missing-alt"),  # 'image' without 'image_alt'
        ("content/van-ban/qd-15-2025.md", 3, "warning", "document-no-file"),  # line of 'number'
        ("static/files/bao-cao-quy-1.pdf", None, "warning", "oversized-file"),
    } <= found(report)
    stale = next(f for f in report.findings if f.code == "stale-section")
    assert "30 ngày" in stale.message and "10/01/2025" in stale.message and stale.rule
    # Documents are fresh (90 days); the only announcement has expired, so it is not judged.
    assert {f.path for f in report.findings if f.code == "stale-section"} == {"content/tin-tuc/"}


def test_findings_depend_on_the_moment_and_the_limit():
    early = check_site(PROBLEMS, CheckOptions(now=datetime(2025, 2, 5, tzinfo=VN_TZ)))
    codes = {f.code for f in early.findings}
    assert "stale-section" not in codes  # 26 days after the newest news
    assert "expired-pinned" not in codes  # expires 2025-03-31
    assert "oversized-file" not in codes  # the default limit is 10 MB
    assert "broken-link" in codes


def test_every_code_is_documented(report):
    assert {f.code for f in report.findings} <= set(CODES)
    docs = (Path(__file__).resolve().parent.parent / "docs" / "check.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in docs, code


def test_check_writes_nothing_into_the_site(tmp_path):
    site = copy_site(PROBLEMS, tmp_path / "site")
    before = tree(site)
    check_site(site, CheckOptions(now=NOW))
    assert tree(site) == before
    assert not (site / ".xaweb-cache").exists() and not (site / "public").exists()


def test_build_errors_stop_before_links_but_are_all_reported():
    report = check_site(SITES / "broken-front-matter", CheckOptions(now=NOW))
    errors = {(f.path, f.line) for f in report.errors if f.code == "front-matter"}
    assert ("content/tin-tuc/ngay-sai.md", 3) in errors
    assert len({path for path, _ in errors}) >= 3
    assert not [f for f in report.findings if f.code.startswith("broken")]
    assert report.exit_code() == 1


def test_a_template_problem_is_reported_once_for_all_pages(tmp_path):
    site = copy_site(PROBLEMS, tmp_path / "site")
    (site / "templates" / "partials").mkdir(parents=True)
    (site / "templates" / "partials" / "print_button.html").write_text(
        '<p><a href="/huong-dan-in/">Hướng dẫn in</a></p>\n', encoding="utf-8")
    report = check_site(site, CheckOptions(now=NOW))
    [hit] = [f for f in report.findings if "/huong-dan-in/" in f.message]
    assert hit.code == "broken-link" and hit.path.startswith("public/") and hit.line
    assert "gặp ở 3 trang" in hit.message  # the three content pages include the partial


# --- the command ---------------------------------------------------------------------------


def run(*args: str, **kwargs):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False, **kwargs)


def test_json_report_has_a_stable_schema():
    result = run(str(PROBLEMS), "--format", "json", "--now", "2025-06-01T09:00", "--max-file-size", str(LIMIT / 1024 / 1024))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"schema", "xaweb", "site", "checked_at", "summary", "findings"}
    assert data["schema"] == 1
    assert data["site"] == {"path": str(PROBLEMS), "name": "Trang thông tin điện tử UBND xã Hòa Lợi", "code": "29999"}
    assert data["checked_at"] == "2025-06-01T09:00:00+07:00"
    findings = data["findings"]
    for f in findings:
        assert set(f) == {"path", "line", "level", "code", "message", "rule"}
        assert isinstance(f["path"], str) and f["path"] and (f["line"] is None or isinstance(f["line"], int))
        assert f["level"] in ("error", "warning") and f["code"] in CODES
        assert isinstance(f["message"], str) and isinstance(f["rule"], str)
    summary = data["summary"]
    assert summary["errors"] == sum(f["level"] == "error" for f in findings) > 0
    assert summary["warnings"] == sum(f["level"] == "warning" for f in findings) > 0
    assert summary["pages"] == 3
    keys = [(f["path"], f["line"] or 0, f["code"], f["message"]) for f in findings]
    assert keys == sorted(keys)
    assert {"path": NEWS, "line": 8, "level": "error", "code": "broken-link"}.items() <= next(
        f for f in findings if f["code"] == "broken-link").items()


def test_human_report_is_grouped_by_file():
    result = run(str(PROBLEMS), "--now", "2025-06-01")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line and not line.startswith(" ") and not line.startswith("Kết quả")]
    assert len(headers) == len(set(headers))  # each file once
    at = lines.index(NEWS)
    block = lines[at + 1 : at + 6]
    assert all(line.startswith("  dòng ") for line in block)
    assert "  dòng 8: lỗi: liên kết hỏng: /van-ban/khong-co-van-ban-nay/ không có trên trang [broken-link]" in block
    assert lines[-1].startswith("Kết quả: ") and "lỗi" in lines[-1]
    assert "\x1b[" not in result.stdout  # no colour codes on a pipe
    coloured = run(str(PROBLEMS), "--now", "2025-06-01", color=True)
    assert "\x1b[31m" in coloured.stdout  # red for errors on a terminal


def test_the_scaffolds_sample_content_is_listed_one_by_one_and_fails_strict(tmp_path):
    new = CliRunner().invoke(cli, ["new", str(tmp_path / "tan-an"), "--name", "Tân An", "--province", "Đồng Tháp"])
    assert new.exit_code == 0, new.output
    site = tmp_path / "tan-an"
    listed = run(str(site), "--format", "json")
    assert listed.exit_code == 0
    found = {(f["path"], f["line"]) for f in json.loads(listed.stdout)["findings"] if f["code"] == "placeholder"}
    config = (site / "site.yaml").read_text(encoding="utf-8").splitlines()
    assert {("site.yaml", n) for n, line in enumerate(config, 1) if "0000 000 000" in line or "Nguyễn Văn A" in line} <= found
    assert ("content/_index.md", 15) in found and len(found) > 20
    assert run(str(site), "--strict").exit_code == 1


def test_exit_codes_clean_site_and_strict(tmp_path, fill_in):
    new = CliRunner().invoke(cli, ["new", str(tmp_path / "tan-an"), "--name", "Tân An", "--province", "Đồng Tháp"])
    assert new.exit_code == 0, new.output
    site = tmp_path / "tan-an"
    fill_in(site)
    clean = run(str(site))
    assert clean.exit_code == 0, clean.output
    assert "Không có vấn đề nào" in clean.stdout

    # A warning (a document without its file) fails only with --strict.
    (site / "content" / "van-ban" / "cv-07.md").write_text(
        "---\ntitle: Công văn về phòng chống dịch\nnumber: 07/CV-UBND\ndoc_type: Công văn\n---\nNội dung công văn.\n", encoding="utf-8")
    warned = run(str(site))
    assert warned.exit_code == 0 and "[document-no-file]" in warned.stdout
    assert run(str(site), "--strict").exit_code == 1


def test_a_missing_browser_is_a_clear_error(tmp_path):
    result = run(str(PROBLEMS), "--browser", "--chromium", str(tmp_path / "khong-co-chromium"))
    assert result.exit_code == 2
    assert "Không kiểm tra được trong trình duyệt" in result.stderr
    assert "Playwright" in result.stderr or "Chromium" in result.stderr


# --- in a real browser --------------------------------------------------------------------


def _browser_ready() -> bool:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path("/usr/bin/chromium").is_file() or bool(shutil.which("chromium"))


@pytest.mark.skipif(not os.environ.get("CI") and not _browser_ready(), reason="Chromium and Playwright are not installed here")
def test_browser_check_finds_an_accessibility_violation():
    report = check_site(SITES / "check-browser", CheckOptions(now=NOW, browser=True))
    a11y = [f for f in report.findings if f.code == "a11y"]
    # The officer's link without text; the default theme itself has no violation.
    assert [(f.path, f.rule, f.level) for f in a11y] == [("public/tin-tuc/lich-tiem-chung-mo-rong/index.html", "link-name", "error")]
    assert a11y[0].line and "/link-name" in a11y[0].message and "360 px" in a11y[0].message  # where, and how to fix it
    assert not [f for f in report.findings if f.code == "external-request"]


def test_a_page_with_broken_yaml_does_not_hide_what_is_wrong_elsewhere(tmp_path):
    site = copy_site(SITES.parent.parent / "content-example", tmp_path / "site")
    (site / "content/tin-tuc/hong.md").write_text('---\ntitle: "Họp dân\ndate: 2025-01-01\n---\nx\n', encoding="utf-8")
    (site / "content/tin-tuc/khac.md").write_text("---\ntitle: Bài khác\ndate: 2025-01-02\n---\n[x](/khong-co/)\n", encoding="utf-8")
    result = run(str(site), "--format", "json")
    assert result.exit_code == 1
    errors = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"] if f["level"] == "error"}
    assert errors == {("content/tin-tuc/hong.md", 2, "front-matter"), ("content/tin-tuc/khac.md", 5, "broken-link")}
