"""Province-scale benchmark: `xaweb build --province` against the way provinces do it today.

    python bench/province.py --communes 600 --pages 60 --runs 3 [--loop-communes 100]

Generates (or reuses) bench/corpus/province-<C>x<P>/:

  province/   province.yaml, communes.csv, shared/ (20 pages every commune publishes) and
              communes/<code>/content/ with P pages each (bench/corpus.py's pages; the same
              text in every commune, since nothing is shared between communes' caches)
  sites/      the same communes as single sites with their own site.yaml (what a shell loop builds)
  hugo/       the same communes as Hugo sites (bench/corpus.py's layouts)

and measures, each build one process under /usr/bin/time -v (wall time, peak RSS of the
largest process), --runs times, medians:

  province clean       xaweb build --province province -o OUT --clean   (no cache, new output)
  province no-change   the same without --clean, twice; the second is timed
  province one-edit    one sentence added to one commune's page, then the same command
  xaweb loop           for each of the first --loop-communes communes: xaweb build sites/<code>
                       (clean), then scaled to --communes
  hugo loop            the same with hugo --source hugo/<code>

The report is Markdown on stdout, appended to bench/results-<date>.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402
from run import hugo_binary  # noqa: E402

SHARED_PAGES = 20
SYLLABLES = ["An", "Bình", "Châu", "Đông", "Hòa", "Hưng", "Khánh", "Lộc", "Long", "Mỹ", "Nhơn", "Phú", "Phước", "Quới",
             "Tân", "Thạnh", "Thuận", "Trung", "Vĩnh", "Xuân"]


def commune_names(n: int) -> list[str]:
    names = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
    return names[:n] if n <= len(names) else [f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(n)]


def generate(root: Path, communes: int, pages: int) -> None:
    if (root / ".done").exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    province = root / "province"
    shared = corpus.make_pages(SHARED_PAGES)
    own = corpus.make_pages(pages)
    corpus.write_xaweb(province / "shared-site", shared)
    (province / "shared-site" / "content").rename(province / "shared")
    shutil.rmtree(province / "shared-site")
    (province / "shared" / "_index.md").unlink()
    (province / "province.yaml").write_text("name: Đồng Tháp\nbase_url: https://dongthap.gov.vn\ndefaults:\n  paginate: 10\n",
                                            encoding="utf-8")
    names = commune_names(communes)
    with open(province / "communes.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "kind"])
        for i, name in enumerate(names):
            writer.writerow([f"{30000 + i}", name, "phường" if i % 5 == 0 else "xã"])
    for i, name in enumerate(names):
        code = f"{30000 + i}"
        site = root / "sites" / code
        corpus.write_xaweb(site, own)
        text = (site / "site.yaml").read_text(encoding="utf-8")
        (site / "site.yaml").write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
                                        .replace('code: "99999"', f'code: "{code}"').replace("base_url: ", "# base_url: "),
                                        encoding="utf-8")
        shutil.copytree(site / "content", province / "communes" / code / "content")
        if i == 0:
            corpus.write_hugo(root / "hugo-template", own)
        shutil.copytree(root / "hugo-template", root / "hugo" / code)
    shutil.rmtree(root / "hugo-template")
    (root / ".done").write_text("ok", encoding="utf-8")


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KiB, stdout) of one command under GNU time; a failed build stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "CI": "true"})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    return wall, rss, done.stdout


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=600)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--loop-communes", type=int, default=100, help="communes the shell loops build (then scaled); 0: no loops")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    root = BENCH / "corpus" / f"province-{args.communes}x{args.pages}"
    print(f"generating {root} …", file=sys.stderr)
    generate(root, args.communes, args.pages)
    province, out = root / "province", BENCH / "out" / "province"
    xaweb = [sys.executable, "-m", "xaweb"]
    build = [*xaweb, "build", "--province", str(province), "-o", str(out), "-j", str(args.jobs)]
    edit_page = next((province / "communes" / "30000" / "content" / "tin-tuc").glob("*.md"))
    original = edit_page.read_text(encoding="utf-8")
    results: dict[str, list[tuple[float, int]]] = {k: [] for k in ("clean", "nochange", "edit", "xaweb loop", "hugo loop")}
    try:
        for run in range(1, args.runs + 1):
            shutil.rmtree(out, ignore_errors=True)
            for cache in province.glob("communes/*/.xaweb-cache"):
                shutil.rmtree(cache)
            wall, rss, _ = timed([*build, "--clean"])
            results["clean"].append((wall, rss))
            timed(build)  # fills the caches
            wall, rss, _ = timed(build)
            results["nochange"].append((wall, rss))
            edit_page.write_text(original + f"\n{corpus.EDIT_SENTENCE} ({run})\n", encoding="utf-8")
            wall, rss, said = timed(build)
            results["edit"].append((wall, rss))
            print(f"  one-edit: {said.strip().splitlines()[0]}", file=sys.stderr)
            edit_page.write_text(original, encoding="utf-8")
            codes = sorted(p.name for p in (root / "sites").iterdir())[: args.loop_communes]
            for tool, cmd in () if not codes else (("xaweb loop", lambda c: [*xaweb, "build", str(root / "sites" / c), "-o", str(out / "loop" / c), "--clean"]),
                              ("hugo loop", lambda c: [*hugo_binary(), "--source", str(root / "hugo" / c), "--destination",
                                                       str(out / "hugo" / c), "--cleanDestinationDir", "--quiet"])):
                shutil.rmtree(out / "loop", ignore_errors=True)
                shutil.rmtree(out / "hugo", ignore_errors=True)
                started, peak = time.perf_counter(), 0
                for c in codes:
                    _, rss, _ = timed(cmd(c))
                    peak = max(peak, rss)
                results[tool].append(((time.perf_counter() - started) * args.communes / len(codes), peak))
            print(f"run {run}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in results.items() if v), file=sys.stderr)
    finally:
        edit_page.write_text(original, encoding="utf-8")
    pages = args.communes * args.pages + SHARED_PAGES * args.communes
    lines = [f"### Province: {args.communes} communes × {args.pages} pages (+{SHARED_PAGES} shared), "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
             "", f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; "
             f"{args.runs} runs, medians; `-j {args.jobs}`; {pages:,} pages published in all.", "",
             "| measurement | wall time | peak RSS |", "|---|---:|---:|"]
    labels = {"clean": "`xaweb build --province` clean", "nochange": "no-change rebuild", "edit": "one commune's page edited",
              "xaweb loop": f"shell loop of `xaweb build` per commune (first {args.loop_communes}, scaled)",
              "hugo loop": f"shell loop of `hugo` per commune (first {args.loop_communes}, scaled)"}
    for key, label in labels.items():
        if not results[key]:
            continue  # --loop-communes 0: the province build alone
        walls = [w for w, _ in results[key]]
        lines.append(f"| {label} | {statistics.median(walls):.1f} s | {max(r for _, r in results[key]) / 1024:.0f} MiB |")
    report = "\n".join(lines) + "\n"
    print(report)
    with open(BENCH / f"results-{datetime.now(timezone.utc):%Y-%m-%d}.md", "a", encoding="utf-8") as f:
        f.write("\n" + report)
    (BENCH / "out").mkdir(exist_ok=True)
    (BENCH / "out" / "province-results.json").write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
