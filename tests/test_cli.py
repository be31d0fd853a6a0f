"""The `xaweb` command as an officer uses it: `new`, then `build`, and what it prints.

Exit codes: 0 success, 1 the site has problems (all listed), 2 usage errors.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from xaweb import __version__
from xaweb.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
LOCATED = re.compile(r"^content/[a-z0-9/_-]+\.md:\d+: ")


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def copy_site(name: str, dst: Path) -> Path:
    shutil.copytree(SITES / name, dst, ignore=shutil.ignore_patterns(".xaweb-cache", "public"))
    return dst


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# --- new ------------------------------------------------------------------------


def test_new_then_build(tmp_path):
    site = tmp_path / "tan-an"
    result = invoke("new", site, "--name", "Tân An", "--province", "Đồng Tháp")
    assert result.exit_code == 0, result.output
    assert "Đã tạo" in result.stdout
    assert f"xaweb build {site}" in result.stdout
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert (config["name"], config["kind"], config["province"]) == ("Tân An", "xã", "Đồng Tháp")

    out = tmp_path / "public"
    result = invoke("build", site, "-o", out)
    assert result.exit_code == 0, result.output
    [warning] = [line for line in stderr_lines(result) if line.startswith("cảnh báo:")]
    assert "nội dung mẫu do xaweb tạo" in warning  # what is still the scaffold's, said once
    assert result.stdout.startswith("Đã dựng ")
    assert str(out) in result.stdout
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Tân An" in home and "Đồng Tháp" in home
    for rel in ("rss.xml", "atom.xml", "sitemap.xml", "robots.txt", "404.html", "so-do-trang/index.html"):
        assert (out / rel).is_file(), rel

    # The second build of an unchanged site renders nothing new.
    again = invoke("build", site, "-o", out)
    assert again.exit_code == 0, again.output
    assert " 0 tệp dựng mới" in again.stdout


def test_new_builds_into_the_default_public_folder(tmp_path):
    site = tmp_path / "hoa-phuoc"
    assert invoke("new", site, "--name", "Hòa Phước", "--province", "Đà Nẵng").exit_code == 0
    result = invoke("build", site, "--clean")
    assert result.exit_code == 0, result.output
    assert "Hòa Phước" in (site / "public/index.html").read_text(encoding="utf-8")
    assert not (site / ".xaweb-cache").exists(), "--clean writes no cache"


def test_new_refuses_a_non_empty_folder(tmp_path):
    site = tmp_path / "existing"
    site.mkdir()
    (site / "ghi-chu.txt").write_text("đừng xóa", encoding="utf-8")
    result = invoke("new", site, "--name", "Tân An", "--province", "Đồng Tháp")
    assert result.exit_code == 1
    assert "không trống" in result.stderr
    assert stderr_lines(result)[-1] == "Không tạo được trang mới: 1 lỗi, 0 cảnh báo."
    assert snapshot(site) == {"ghi-chu.txt": "đừng xóa".encode("utf-8")}


def test_new_special_zone(tmp_path):
    site = tmp_path / "phu-quoc"
    result = invoke("new", site, "--name", "Phú Quốc", "--kind", "đặc khu", "--province", "An Giang")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["kind"] == "đặc khu"
    out = tmp_path / "out"
    result = invoke("build", site, "-o", out)
    assert result.exit_code == 0, result.output
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Ủy ban nhân dân đặc khu Phú Quốc" in home
    assert "Trang thông tin điện tử UBND đặc khu Phú Quốc" in home


@pytest.mark.parametrize("args", [
    ["build", "--bogus"],
    ["new", "x", "--name", "A", "--province", "B", "--frobnicate"],
    ["new", "x", "--name", "A", "--province", "B", "--kind", "huyện"],
    ["new", "x", "--province", "B"],
    ["build", ".", "--now", "31/02/2024"],
    ["xay-dung"],
], ids=["unknown-build-option", "unknown-new-option", "bad-kind", "missing-name", "bad-now", "unknown-command"])
def test_usage_errors_exit_2(tmp_path, args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Cách dùng:" in result.output and "Lỗi: " in result.output  # click's own words, in Vietnamese
    assert not re.search(r"\b(Usage|Error|Try|Missing|Invalid|No such|Did you mean)\b", result.output), result.output
    assert not (tmp_path / "x").exists()


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"xaweb, phiên bản {__version__}"


def test_python_dash_m_help():
    proc = subprocess.run([sys.executable, "-m", "xaweb", "--help"], capture_output=True, text=True, encoding="utf-8",
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Cách dùng: xaweb [TÙY CHỌN] LỆNH [THAM SỐ]...")
    assert "Tùy chọn:" in proc.stdout and "Lệnh:" in proc.stdout and "Hiện hướng dẫn này rồi thoát." in proc.stdout
    for command in ("build", "new", "serve"):
        assert re.search(rf"^\s+{command}\s", proc.stdout, re.M), command


# --- build: problems ------------------------------------------------------------


def test_build_lists_every_problem_and_a_summary(tmp_path):
    site = copy_site("broken-front-matter", tmp_path / "site")
    out = tmp_path / "out"
    result = invoke("build", site, "-o", out)
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert lines[:-1] == [line for line in lines[:-1] if LOCATED.match(line)], lines
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "content/tin-tuc/loai-la.md:5",
        "content/tin-tuc/loi-yaml.md:4",
        "content/tin-tuc/ngay-sai.md:3",
        "content/tin-tuc/thieu-tieu-de.md:2",
    ]
    assert lines[-1] == "Không dựng được trang: 4 lỗi, 0 cảnh báo."
    assert "Đã dựng" not in result.output
    assert not out.exists()


def test_build_names_both_files_of_pages_with_one_title(tmp_path):
    site = copy_site("slug-collision", tmp_path / "site")
    result = invoke("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0
    [line] = stderr_lines(result)
    assert line.startswith("content/tin-tuc/hop-dan-b.md: cảnh báo:") and "content/tin-tuc/hop-dan-a.md" in line


@pytest.mark.parametrize("name", ["broken-template", "broken-template-syntax"])
def test_build_reports_template_errors_without_a_traceback(tmp_path, name):
    site = copy_site(name, tmp_path / "site")
    result = invoke("build", site, "-o", tmp_path / "out")
    assert isinstance(result.exception, SystemExit), f"crashed: {result.exception!r}"
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert "Traceback" not in result.output
    assert lines[:-1] and all(line.startswith("templates/page.html:4: ") for line in lines[:-1]), lines
    assert all("(khi dựng content/tin-tuc/" in line for line in lines[:-1]), lines
    assert re.fullmatch(r"Không dựng được trang: \d+ lỗi, 0 cảnh báo\.", lines[-1])


def test_strict_fails_on_warnings(tmp_path):
    site = copy_site("valid-tricky", tmp_path / "site")
    page = site / "content/tin-tuc/duong-dien.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("date: 2024-05-02\n", "date: 2024-05-02\ntac_gia: Đinh Văn Đức\n"), encoding="utf-8")
    out = tmp_path / "out"

    relaxed = invoke("build", site, "-o", out, "--now", "2024-08-01")
    assert relaxed.exit_code == 0, relaxed.output
    warning = "content/tin-tuc/duong-dien.md:4: cảnh báo: khóa 'tac_gia'"
    assert warning in relaxed.stderr
    assert relaxed.stdout.strip().endswith("1 cảnh báo.")
    before = snapshot(out)

    # The page now comes from the cache: its warning must still count.
    strict = invoke("build", site, "-o", out, "--now", "2024-08-01", "--strict")
    assert strict.exit_code == 1
    lines = stderr_lines(strict)
    assert lines[0].startswith(warning)
    assert lines[-1] == "Không dựng được trang: 0 lỗi, 1 cảnh báo."
    assert snapshot(out) == before

    clean = invoke("build", site, "-o", tmp_path / "out-2", "--now", "2024-08-01", "--strict", "--clean")
    assert clean.exit_code == 1
    assert stderr_lines(clean)[-1] == "Không dựng được trang: 0 lỗi, 1 cảnh báo."
    assert not (tmp_path / "out-2").exists()


def test_build_of_a_folder_without_a_site(tmp_path):
    result = invoke("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "site.yaml" in result.stderr
    assert stderr_lines(result)[-1].startswith("Không dựng được trang: 1 lỗi")


# --- progress and summaries -----------------------------------------------------------


def test_a_log_gets_plain_summary_lines_with_timings(tmp_path):
    site = copy_site("incremental", tmp_path / "site")
    first = invoke("build", site, "--timings")
    assert first.exit_code == 0, first.output
    assert "\r" not in first.output and "\033[" not in first.output  # nothing a CI log would garble
    summary = re.search(r"Đã dựng (\d+) trang nội dung vào .+: (\d+) tệp dựng mới, 0 tệp giữ nguyên, 0 tệp xóa", first.stdout)
    assert summary and int(summary[1]) > 0 and int(summary[2]) > int(summary[1]), first.stdout
    for stage in ("đọc tệp", "phân tích", "lập kế hoạch", "dựng trang", "ghi ra"):
        assert re.search(rf"^  {stage} +\d+\.\d ms$", first.stdout, re.M), (stage, first.stdout)

    again = invoke("build", site)
    assert f"0 tệp dựng mới, {summary[2]} tệp giữ nguyên, 0 tệp xóa" in again.stdout
    assert "phân tích" not in again.stdout  # timings only when asked


def _many_pages(site: Path, count: int) -> None:
    for i in range(count):
        (site / "content" / "tin-tuc" / f"tin-so-{i}.md").write_text(
            f"---\ntitle: Tin số {i}\ndate: 2025-03-{1 + i % 28:02d}\n---\nNội dung tin số {i}.\n", encoding="utf-8")


def _build_on_a_terminal(site: Path, env: dict[str, str]) -> str:
    """Run `xaweb build` with its output on a pseudo-terminal, as in an officer's console."""
    import pty  # POSIX only

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "xaweb", "build", str(site), "-j", "1"],
                            stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_gets_a_live_progress_line_and_a_ci_log_does_not(tmp_path):
    site = copy_site("incremental", tmp_path / "site")
    _many_pages(site, 150)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    shown = _build_on_a_terminal(site, env)
    pages = len([p for p in (site / "content").rglob("*.md") if p.name != "_index.md"])
    assert re.search(rf"\r\x1b\[KPhân tích: {pages}/{pages} \(\d+\.\d giây\)", shown), shown
    assert re.search(r"\r\x1b\[KDựng trang: (\d+)/\1 \(\d+\.\d giây\)", shown), shown
    assert shown.split("\r\x1b[K")[-1].startswith(f"Đã dựng {pages} trang")  # the line is cleared before the summary

    shutil.rmtree(site / ".xaweb-cache")
    in_ci = _build_on_a_terminal(site, {**env, "CI": "true"})
    assert "\x1b[K" not in in_ci and "Phân tích:" not in in_ci
    assert f"Đã dựng {pages} trang" in in_ci


def test_a_mistyped_command_is_answered_in_vietnamese_with_a_suggestion():
    result = CliRunner().invoke(cli, ["buld"], prog_name="xaweb")
    assert result.exit_code == 2
    assert "Lỗi: Không có lệnh 'buld'. Có phải ý bạn là 'build'?" in result.output
    assert "Xem hướng dẫn: xaweb --help" in result.output
    missing = CliRunner().invoke(cli, ["build", "--jobs"])
    assert "Lỗi: Tùy chọn '--jobs' cần một giá trị." in missing.output


def test_every_message_of_the_installed_click_is_in_the_vietnamese_table():
    """An upgrade of click that brings a new message must bring its translation too."""
    import ast
    import os

    import click

    from xaweb.cli_vi import MESSAGES, PLURALS

    folder = os.path.dirname(click.__file__)
    found = set()
    for name in os.listdir(folder):
        if name.endswith(".py"):
            for node in ast.walk(ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext") and node.args \
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
    # Messages for the programmer who declares options wrongly, never shown to an officer, and a one-letter format code.
    for_developers = {"Could not determine name for option with declarations {decls!r}", "Name '{name}' defined twice",
                      "Arguments take exactly one parameter declaration, got {length}: {decls}.",
                      "Boolean option {decl!r} cannot use the same flag for true/false.", "d",
                      "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
                      "Did you mean to pass '--{name}'?"}
    assert found - for_developers - set(MESSAGES) - set(PLURALS) == set()
