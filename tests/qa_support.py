"""Shared pieces of the Q&A endpoint tests: databases, servers on 127.0.0.1, HTTP helpers.

Both back-ends run: SQLite in a temporary folder, and a real PostgreSQL given
by XAWEB_TEST_POSTGRES_URL (`.ci/run` starts one). Each test gets its own
PostgreSQL schema, dropped afterwards. Without the variable the PostgreSQL
cases skip locally, and fail under CI.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
import requests
import waitress

from xaweb.qa import core, service
from xaweb.qa.admin import hash_password
from xaweb.qa.app import QaConfig, create_app
from xaweb.qa.store import Store

PG_ENV = "XAWEB_TEST_POSTGRES_URL"
SITE_URL = "https://tanan.dongthap.gov.vn"
ORIGIN = {"Origin": SITE_URL}
SITE_ID = "tan-an"
OTHER_ID = "phu-my"
PASSWORD = "mat-khau-thu-nghiem"
OPEN_LIMITS = core.Limits(min_seconds=0, ip_questions=(100_000, 60.0), net_questions=(100_000, 60.0),
                          site_questions=(100_000, 60.0), site_questions_max=100_000,
                          ip_ratings=(100_000, 60.0), site_ratings=(100_000, 60.0), ip_logins=(1000, 60.0),
                          ip_tokens=(100_000, 60.0), ip_lookups=(100_000, 60.0))
BACKENDS = ["sqlite", "postgres"]


def postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: .ci/run must start PostgreSQL and export it")
        pytest.skip(f"{PG_ENV} not set (set it to run the PostgreSQL cases)")
    return url


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of the back-end."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'qa.sqlite3'}"
        return
    import psycopg

    base = postgres_url()
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def setup_sites(store: Store) -> dict[str, str]:
    """Two communes, one officer each; -> export tokens by site id."""
    tokens = {}
    for site_id, url in ((SITE_ID, SITE_URL), (OTHER_ID, "https://phumy.dongthap.gov.vn")):
        site = core.Site(site_id, url, f"UBND xã {site_id}", retention_days=30)
        store.put_site(site)
        tokens[site_id] = service.new_export_token(store, site)
        store.put_account(core.Account(f"canbo-{site_id}", site_id, hash_password(PASSWORD)))
    return tokens


class Server:
    """The WSGI app under waitress on 127.0.0.1, in a thread of this process. With `behind_proxy`,
    as `xaweb qa serve --trusted-proxy 127.0.0.1`: a test then speaks for many clients through
    X-Forwarded-For (see `from_address`)."""

    def __init__(self, db: str, limits: core.Limits = OPEN_LIMITS, threads: int = 16, behind_proxy: bool = False):
        self.app = create_app(QaConfig(db=db, limits=limits, retention_every=0))
        proxy = {"trusted_proxy": "127.0.0.1", "trusted_proxy_headers": {"x-forwarded-for"}} if behind_proxy else {}
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, threads=threads,
                                             max_request_body_size=4 * 1024 * 1024, connection_limit=400,
                                             asyncore_use_poll=True, **proxy)  # as `xaweb qa serve`: no 1024-descriptor limit
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def api(self, site: str = SITE_ID) -> str:
        return f"{self.url}/v1/sites/{site}"

    def token(self, site: str = SITE_ID) -> str:
        return requests.get(self.api(site) + "/token", timeout=10).json()["token"]

    def close(self) -> None:
        self.server.task_dispatcher.shutdown()  # let requests in flight finish first
        self.server.close()
        self.thread.join(10)
        self.app.store.close()


def from_address(address: str) -> dict[str, str]:
    """Headers that make a `behind_proxy` server see the request as coming from `address`."""
    return {"X-Forwarded-For": address}


def question(n: int | str = 1, **extra) -> dict:
    data = {"name": f"Người hỏi số {n}", "contact": "0912 345 678", "topic": "Hộ tịch, chứng thực",
            "question": f"Xin hỏi thủ tục đăng ký khai sinh cho con thứ {n} cần những giấy tờ gì ạ?", "consent": "on"}
    data.update(extra)
    return data


def submit_json(server: Server, data: dict, site: str = SITE_ID, headers: dict | None = None) -> requests.Response:
    return requests.post(server.api(site) + "/questions", data=json.dumps(data).encode("utf-8"), timeout=30,
                         headers={"Content-Type": "application/json", "Accept": "application/json", **ORIGIN, **(headers or {})})


def login(server: Server, site: str = SITE_ID) -> tuple[requests.Session, str]:
    """A logged-in officer's session for the JSON moderation API, and its CSRF token."""
    s = requests.Session()
    r = s.post(server.url + "/v1/admin/login", json={"username": f"canbo-{site}", "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return s, r.json()["csrf"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """A loopback TCP relay to `port`: `stop()` drops every connection and refuses new ones, as a
    database that went down does to its clients; `start()` brings it back on the same port."""

    def __init__(self, port: int):
        self.target, self.port = port, free_port()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.start()

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._up = True
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            self._up = False
            self._listener.close()
            for conn in self._conns:
                self._drop(conn)
            self._conns.clear()

    @staticmethod
    def _drop(conn: socket.socket) -> None:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            with self._lock:
                if not self._up:  # accepted as stop() ran: dropped like the others
                    self._drop(client)
                    self._drop(upstream)
                    return
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


OPEN_CLI_LIMITS = ("min_seconds=0", "ip_questions=100000/60", "site_questions=100000/60", "net_questions=100000/60",
                   "site_questions_max=100000", "ip_tokens=100000/60")


def launch_cli_server(db: str, port: int, log: Path, max_file_bytes: int | None = None, limits: tuple[str, ...] = OPEN_CLI_LIMITS,
                      extra: tuple[str, ...] = (), env: dict[str, str] | None = None) -> subprocess.Popen:
    """`xaweb qa serve` as its own process (not yet ready: see `wait_ready`); with `max_file_bytes`,
    no file it writes may grow past that (`ulimit -f`: a full disk, for that process alone)."""
    args = [sys.executable, "-m", "xaweb", "qa", "serve", "--db", db, "--port", str(port), "--threads", "8",
            *(a for limit in limits for a in ("--limit", limit)), *extra]
    def limit() -> None:
        import resource  # POSIX only, as this option is

        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT, preexec_fn=None if max_file_bytes is None else limit,
                            env={**os.environ, **(env or {})})


def wait_ready(proc: subprocess.Popen, port: int, log: Path) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"qa serve did not start:\n{log.read_text(encoding='utf-8', errors='replace')}")


def start_cli_server(db: str, port: int, log: Path, max_file_bytes: int | None = None, **options) -> subprocess.Popen:
    """`launch_cli_server`, ready when its readiness check answers."""
    return wait_ready(launch_cli_server(db, port, log, max_file_bytes, **options), port, log)

