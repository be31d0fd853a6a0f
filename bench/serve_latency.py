"""How long `xaweb serve` takes from saving a file to the browser showing the new page.

    python bench/serve_latency.py --size 10000 --edits 15

Starts `xaweb serve` on the benchmark corpus (bench/corpus/<N>/xaweb, made by
bench/corpus.py as run.py makes it), opens the page that run.py's one-edit test
changes in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
then, --edits times: notes the clock, writes the page's file with one more
sentence, and waits for the browser's `load` event of the reloaded page, which
must show that sentence. Each latency is that wall time: the file watcher, the
rebuild, the server-sent event, the reload and the page load, all included.
Each edit adds a sentence to what the edits before wrote; with --title-edits every
other one also changes the title (which needs a build; a body edit serve applies
in memory).

Prints the median, minimum and maximum, and each edit's time with what serve
reported for it. The corpus file is restored at the end.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import ensure_corpus  # noqa: E402 - the same corpus as the build benchmark

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def start_serve(site: Path) -> tuple[subprocess.Popen, int, queue.Queue]:
    proc = subprocess.Popen([sys.executable, "-m", "xaweb", "serve", str(site), "--port", "0", "--offline"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    while True:
        line = lines.get(timeout=600)
        print("  serve:", line.rstrip())
        if found := re.search(r"http://127\.0\.0\.1:(\d+)/", line):
            return proc, int(found[1]), lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--title-edits", action="store_true", help="every other edit changes the title")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a killed run still restores the corpus file
    root, manifest = ensure_corpus(args.size, regenerate=False)
    site = root / "xaweb"
    rel = manifest["edit_page"]["xaweb"]
    entry = next(f for f in manifest["files"] if f["xaweb"] == rel)
    url_path = f"/{entry['section']}/{entry['slug']}/"
    page_file = site / rel
    original = page_file.read_text(encoding="utf-8")

    proc, port, lines = start_serve(site)
    times: list[tuple[float, str, str]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}{url_path}")
            page.wait_for_function("document.readyState === 'complete'")
            time.sleep(1.0)  # the event stream is open
            text = original
            for i in range(args.edits):
                marker = f"Câu đo thứ {i + 1} của phép đo tải lại."
                text += f"\n{marker}\n"
                kind = "body"
                if args.title_edits and i % 2:
                    text = re.sub(r'^title: ("?)', lambda m: f"{m[0]}Lần {i + 1}: ", text, count=1, flags=re.M)
                    kind = "title"
                while not lines.empty():
                    lines.get()
                try:
                    with page.expect_event("load", timeout=120_000):
                        started, wall = time.perf_counter(), time.time()
                        page_file.write_text(text, encoding="utf-8")
                except Exception:
                    while not lines.empty():
                        print("  serve:", lines.get().rstrip())
                    raise
                elapsed = time.perf_counter() - started
                # When the reload began, by the browser's clock (the same machine's): what precedes it is
                # the watcher, the rebuild and the event; what follows, loading the page.
                reload_at = page.evaluate("performance.timeOrigin") / 1000 - wall
                nav = page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                                    " return [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd]; })()")
                assert marker in page.inner_text("main"), f"edit {i + 1}: the reloaded page does not show the edit"
                said = ""
                while not said:
                    line = lines.get(timeout=60)
                    said = line.strip() if "Đã dựng lại" in line or "Lỗi" in line else ""
                times.append((elapsed, kind, said))
                print(f"  edit {i + 1:2} ({kind}): {elapsed * 1000:6.0f} ms (reload began after {reload_at * 1000:4.0f} ms; then {nav})   serve: {said}")
                time.sleep(0.5)
            browser.close()
    finally:
        page_file.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    for kind in ("body", "title"):
        ms = [t * 1000 for t, k, _ in times if k == kind]
        if ms:
            print(f"N={args.size:,}, {kind} edits ({len(ms)}): median {statistics.median(ms):.0f} ms, "
                  f"min {min(ms):.0f} ms, max {max(ms):.0f} ms (save to reloaded page in Chromium)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
