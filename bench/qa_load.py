"""Load benchmark of the Q&A endpoint: accepted submissions per second and latency.

    python bench/qa_load.py                                  # SQLite in a temporary folder
    python bench/qa_load.py --db postgresql://xaweb:xaweb@127.0.0.1:5432/xaweb_bench
    python bench/qa_load.py --count 5000 --clients 16 --threads 8
    python bench/qa_load.py --db postgresql://… --setup direct:1 --setup nginx:1 --setup nginx:2 --repeat 3

The server is the real thing, `xaweb qa serve` (waitress) in its own process
on 127.0.0.1, with the abuse limits opened up (one client address sends
everything) but every other check on: Origin, signed token, validation,
duplicate detection, a durable commit before the answer. Each submission is
a distinct question with its own token; tokens are fetched before the clock
starts (a citizen's browser fetches one when the page opens). Clients keep
one HTTP/1.1 connection each and send JSON; latency is measured per request
from send to full answer. Reported: accepted/s over the whole run, p50, p95,
p99 and max latency, and that every acknowledged code is in the database.
With `--setup nginx:N`, the clients talk to a real nginx (the Debian package)
running docs/qa-nginx.conf in front of N servers on the same database; the
setups of one round run one after the other, rounds repeat (`--repeat`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xaweb.qa import core  # noqa: E402
from xaweb.qa.backends import open_store  # noqa: E402

SITE_ID, SITE_URL = "bench", "https://bench.dongthap.gov.vn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int, threads: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "xaweb", "qa", "serve", "--db", db, "--port", str(port), "--threads", str(threads),
            "--trusted-proxy", "127.0.0.1",
            # Counts no run reaches, in 10-second windows: the shared counters (PostgreSQL) then hold about as many
            # events per key as a commune at its hourly ceiling does (site_questions_max, 3000).
            "--limit", "min_seconds=0", "--limit", "ip_questions=10000000/10", "--limit", "site_questions=10000000/10",
            "--limit", "net_questions=10000000/10", "--limit", "site_questions_max=10000000", "--limit", "ip_tokens=10000000/10"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_nginx(folder: Path, upstreams: list[int]) -> tuple[subprocess.Popen, int]:
    """docs/qa-nginx.conf with its ports changed (one `server` line per instance), as this user."""
    port = free_port()
    conf = (ROOT / "docs" / "qa-nginx.conf").read_text(encoding="utf-8")
    lines = "\n".join(f"    server 127.0.0.1:{u} max_fails=1 fail_timeout=3s;" for u in upstreams)
    conf = conf.replace("    server 127.0.0.1:8081 max_fails=1 fail_timeout=3s;\n    server 127.0.0.1:8082 max_fails=1 fail_timeout=3s;", lines)
    conf = conf.replace("    listen 80;", f"    listen 127.0.0.1:{port};")
    assert lines in conf and f"127.0.0.1:{port};" in conf, "docs/qa-nginx.conf changed shape"
    (folder / "xaweb-qa.conf").write_text(conf, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"events {{ worker_connections 1024; }}\nhttp {{\n  access_log off;\n  {temp}\n  include {folder / 'xaweb-qa.conf'};\n}}\n",
        encoding="utf-8")
    proc = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"),
                             "-e", str(folder / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("nginx did not start: " + (folder / "error.log").read_text(encoding="utf-8", errors="replace"))


def run(db: str, count: int, clients: int, threads: int, instances: int = 1, nginx: bool = False) -> dict:
    store = open_store(db)
    store.put_site(core.Site(SITE_ID, SITE_URL, "Bench"))
    before = store.count_questions(SITE_ID)
    store.close()
    ports = [free_port() for _ in range(instances)]
    procs = [start_server(db, p, threads) for p in ports]
    port = ports[0]
    if nginx:
        proxy, port = start_nginx(Path(tempfile.mkdtemp(prefix="qa-bench-nginx-")), ports)
        procs.append(proxy)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tokens = []
        for _ in range(count):
            conn.request("GET", f"/v1/sites/{SITE_ID}/token")
            tokens.append(json.loads(conn.getresponse().read())["token"])
        run_id = secrets.token_hex(4)
        bodies = [json.dumps({"name": f"Người thử {i}", "contact": "0912345678", "topic": "Khác", "consent": True, "token": t,
                              "question": f"Câu hỏi thử tải {run_id} số {i}: thủ tục chứng thực bản sao cần giấy tờ gì?"},
                             ensure_ascii=False).encode("utf-8") for i, t in enumerate(tokens)]
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Origin": SITE_URL}
        latencies: list[float] = []
        codes: list[str] = []
        failures: list[int] = []
        lock = threading.Lock()
        next_index = iter(range(count))

        def client() -> None:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine, my_codes, my_fail = [], [], []
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    break
                start = time.perf_counter()
                c.request("POST", f"/v1/sites/{SITE_ID}/questions", body=bodies[i], headers=headers)
                response = c.getresponse()
                data = response.read()
                mine.append(time.perf_counter() - start)
                if response.status == 201:
                    my_codes.append(json.loads(data)["code"])
                else:
                    my_fail.append(response.status)
            with lock:
                latencies.extend(mine)
                codes.extend(my_codes)
                failures.extend(my_fail)

        workers = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(30)
    store = open_store(db)
    stored = store.count_questions(SITE_ID) - before
    store.close()
    setup = (f"nginx → {instances} instance{'s' if instances > 1 else ''}" if nginx else
             f"direct, {instances} instance{'s' if instances > 1 else ''}")
    return {"db": "PostgreSQL" if db.startswith("postgres") else "SQLite", "setup": setup, "count": count, "clients": clients, "threads": threads,
            "accepted": len(codes), "failed": len(failures), "stored": stored, "seconds": elapsed,
            "per_second": len(codes) / elapsed, "p50_ms": 1000 * percentile(latencies, 50),
            "p95_ms": 1000 * percentile(latencies, 95), "p99_ms": 1000 * percentile(latencies, 99), "max_ms": 1000 * max(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", help="database URL (repeatable); default: a temporary SQLite file")
    parser.add_argument("--count", type=int, default=3000, help="submissions per run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads (xaweb qa serve --threads)")
    parser.add_argument("--setup", action="append", metavar="direct:1|nginx:N",
                        help="clients straight to one server, or through nginx (docs/qa-nginx.conf) to N (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every setup, interleaved")
    args = parser.parse_args()
    dbs = args.db or [f"sqlite:///{Path(tempfile.mkdtemp(prefix='qa-bench-')) / 'qa.sqlite3'}"]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.count} submissions, {args.clients} clients, {args.threads} server threads", file=sys.stderr)
    print("| setup | database | accepted/s | p50 | p95 | p99 | max | accepted | stored | refused |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    setups = []
    for setup in args.setup or ["direct:1"]:
        how, _, n = setup.partition(":")
        if how not in ("direct", "nginx") or not n.isdigit() or int(n) < 1 or (how == "direct" and n != "1"):
            raise SystemExit(f"--setup {setup}: direct:1 or nginx:N")
        setups.append((int(n), how == "nginx"))
    for _ in range(args.repeat):
        for db in dbs:
            for instances, nginx in setups:
                r = run(db, args.count, args.clients, args.threads, instances, nginx)
                print(f"| {r['setup']} | {r['db']} | {r['per_second']:.0f} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | "
                      f"{r['p99_ms']:.1f} ms | {r['max_ms']:.0f} ms | {r['accepted']} | {r['stored']} | {r['failed']} |", flush=True)
                if r["stored"] != r["accepted"]:
                    raise SystemExit(f"{r['db']}: {r['accepted']} acknowledged but {r['stored']} stored")


if __name__ == "__main__":
    main()
