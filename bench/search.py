"""Site search: xaweb's own index against Pagefind, on the same pages and the same queries.

    pip install -e ".[test]" && pip install -r bench/requirements.txt   # Playwright, pagefind[extended]
    python bench/search.py --sizes 1000 10000 --runs 3

Measures, for each engine:
- quality: the query set of tests/sites/search/queries.json (with and without tone marks, đ,
  NFD input, document numbers, phrases) on that small site: is the expected page first?
- bytes to first results: on the benchmark corpus (bench/corpus.py), for a few queries, what a
  browser with nothing cached downloads for search itself (the engine's scripts and index files,
  not the page around it) until ten results with their titles are in hand;
- build time added: Pagefind's indexing run (`python -m pagefind`) against the time xaweb takes
  to make its index files from the prepared site, medians of `--runs`.

Pagefind indexes the built HTML with `--root-selector main` (the page's own content, as xaweb's
index does) and is driven through its JavaScript API in Debian's Chromium. Prints a Markdown
report; raw numbers to bench/out/search-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import run as runner  # noqa: E402  (bench/run.py: corpora and machine facts)

SMALL_SITE = ROOT / "tests" / "sites" / "search"
QUERIES = json.loads((SMALL_SITE / "queries.json").read_text(encoding="utf-8"))
COST_QUERIES = ["ủy ban nhân dân xã", "thu tuc hanh chinh", "dang ky khai sinh", "quyết định", "xa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PAGEFIND_PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>pagefind</title>
<script type="module">
import * as pagefind from "/_pagefind/pagefind.js";
window.pfSearch = async (q) => {
  const found = await pagefind.search(q);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return data.map(d => d.meta.title);
};
window.pfReady = true;
</script></html>
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_xaweb(site: Path, out: Path) -> None:
    from xaweb.build import BuildOptions, build

    shutil.rmtree(out, ignore_errors=True)
    build(BuildOptions(site, out, cache=False))


def run_pagefind(out: Path) -> float:
    shutil.rmtree(out / "_pagefind", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--root-selector", "main", "--output-subdir", "_pagefind",
                    "--force-language", "vi"], check=True, capture_output=True)
    took = time.perf_counter() - start
    (out / "_pf.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return took


def xaweb_index_times(site: Path, runs: int) -> list[float]:
    """Seconds to make the search index files from the prepared site (what the build adds), `runs` times."""
    from xaweb.errors import Problems
    from xaweb.prepare import gather, prepare
    from xaweb.render.kinds.search import index_files, index_of

    problems = Problems()
    s = prepare(gather(site.resolve(), problems, offline=True), datetime.now(timezone.utc), problems, jobs=2).site
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        index_files(index_of(s.pages + s.root_pages, s))
        times.append(time.perf_counter() - start)
    return times


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class Served:
    def __init__(self, folder: Path):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def xaweb_search(browser, url: str, query: str) -> tuple[list[str], int]:
    """(titles, bytes of search.js and the index files) for one query in a fresh context."""
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "/tim-kiem/" in r.url or "search.js" in r.url else None)
    page.goto(f"{url}/tim-kiem/?q={quote(query)}")
    page.wait_for_function("(s => s.textContent && !s.textContent.startsWith('Đang'))(document.querySelector('[data-search-status]'))",
                           timeout=30_000)
    page.wait_for_load_state("networkidle")
    titles = page.locator(".search-results h2").all_inner_texts()
    context.close()
    return titles, sum(size for u, size in sizes.items() if "/tim-kiem/?" not in u)


def pagefind_search(browser, url: str, query: str) -> tuple[list[str], int]:
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "/_pagefind/" in r.url else None)
    page.goto(f"{url}/_pf.html")
    page.wait_for_function("window.pfReady === true", timeout=30_000)
    titles = page.evaluate("q => window.pfSearch(q)", query)
    page.wait_for_load_state("networkidle")
    context.close()
    return titles, sum(sizes.values())


def quality(browser, engine, url: str) -> tuple[int, list[str]]:
    hits, misses = 0, []
    for q in QUERIES:
        typed = unicodedata.normalize("NFD", q["query"]) if q.get("nfd") else q["query"]
        titles, _ = engine(browser, url, typed)
        if titles and titles[0] == q["first"]:
            hits += 1
        else:
            misses.append(f"{q['query']}{' (NFD)' if q.get('nfd') else ''} → {titles[0] if titles else 'nothing'}")
    return hits, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = runner.OUT_DIR / "search"
    work.mkdir(parents=True, exist_ok=True)
    raw: dict = {"machine": runner.machine_facts(["xaweb"]), "quality": {}, "sizes": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        small = work / "small"
        shutil.rmtree(small, ignore_errors=True)
        shutil.copytree(SMALL_SITE, small / "site")
        build_xaweb(small / "site", small / "out")
        run_pagefind(small / "out")
        served = Served(small / "out")
        for name, engine in (("xaweb", xaweb_search), ("pagefind", pagefind_search)):
            hits, misses = quality(browser, engine, served.url)
            raw["quality"][name] = {"first": hits, "of": len(QUERIES), "misses": misses}
            log(f"quality {name}: {hits}/{len(QUERIES)}")
        served.close()
        for n in args.sizes:
            root, _ = runner.ensure_corpus(n, False)
            out = work / f"out-{n}"
            log(f"N={n}: building")
            build_xaweb(root / "xaweb", out)
            pf_times = [run_pagefind(out) for _ in range(args.runs)]
            own_times = xaweb_index_times(root / "xaweb", args.runs)
            served = Served(out)
            cost = {}
            for q in COST_QUERIES:
                cost[q] = {"xaweb": xaweb_search(browser, served.url, q)[1], "pagefind": pagefind_search(browser, served.url, q)[1]}
            served.close()
            disk = {"xaweb": sum(f.stat().st_size for f in (out / "tim-kiem").rglob("*") if f.is_file()),
                    "pagefind": sum(f.stat().st_size for f in (out / "_pagefind").rglob("*") if f.is_file())}
            raw["sizes"][n] = {"index_seconds": {"xaweb": statistics.median(own_times), "pagefind": statistics.median(pf_times)},
                               "bytes_to_results": cost, "index_bytes": disk}
            log(f"N={n}: {raw['sizes'][n]}")
        browser.close()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (runner.OUT_DIR / f"search-{stamp}.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(raw))
    return 0


def report(raw: dict) -> str:
    lines = ["## Search: xaweb's index and Pagefind", "", f"Machine: {raw['machine']['cpu model']}, {raw['machine']['cpus (nproc)']} cores, {raw['machine']['ram']}; {raw['machine']['date']}", "",
             "| | xaweb | Pagefind |", "|---|---|---|"]
    q = raw["quality"]
    lines.append(f"| expected page first ({q['xaweb']['of']} queries) | {q['xaweb']['first']} | {q['pagefind']['first']} |")
    for n, s in raw["sizes"].items():
        lines.append(f"| N={n:,}: index build, median s | {s['index_seconds']['xaweb']:.2f} | {s['index_seconds']['pagefind']:.2f} |")
        lines.append(f"| N={n:,}: index on disk, MB | {s['index_bytes']['xaweb'] / 1e6:.1f} | {s['index_bytes']['pagefind'] / 1e6:.1f} |")
        for query, cost in s["bytes_to_results"].items():
            lines.append(f"| N={n:,}: KB to 10 results, «{query}» | {cost['xaweb'] / 1024:.0f} | {cost['pagefind'] / 1024:.0f} |")
    lines += ["", "Pagefind's misses: " + "; ".join(q["pagefind"]["misses"]) if q["pagefind"]["misses"] else "",
              "xaweb's misses: " + "; ".join(q["xaweb"]["misses"]) if q["xaweb"]["misses"] else ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
