"""PostgreSQL back-end (psycopg 3) for a province hosting all its communes.

A connection pool (psycopg_pool) shared by the server's threads; each method
runs in one transaction committed before it returns. PostgreSQL's default
`synchronous_commit = on` makes that commit durable, and it groups the
commits of concurrent submissions on its own.
"""

from __future__ import annotations

import time
import weakref
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

import psycopg
from psycopg_pool import ConnectionPool

from .core import utcnow
from .limits_shared import SharedLimiter, SharedLoginThrottle
from .store import Store


IDLE_CHECK_SECONDS = 2.0


class PostgresStore(Store):
    ID_COLUMN = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    TIME_COLUMN = "TIMESTAMPTZ"
    DIALECT = "postgresql"
    SCRATCH_TABLE = "UNLOGGED "  # no write-ahead log: the rate counters cost no disk sync

    def __init__(self, url: str, max_size: int = 16, migrate: bool = True):
        # `check`: a connection the database may have dropped (a restart) is tested before use rather than
        # handed to a request; `timeout`: while the database is down a request waits this long, then gets 503.
        self._last_used: weakref.WeakKeyDictionary[psycopg.Connection, float] = weakref.WeakKeyDictionary()
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True, timeout=10,
                                   check=self._check_if_idle, kwargs={"application_name": "xaweb-qa"})
        self.pool.wait(timeout=30)
        if migrate:
            self.migrate(utcnow())

    def _check_if_idle(self, conn: psycopg.Connection) -> None:
        """Test a connection (one round trip) only if it sat unused for a while: under load every request
        would pay for it, and a connection that just worked is as good as tested. One the database drops
        under load fails its request with 503 (never a false "received"), and is replaced."""
        if time.monotonic() - self._last_used.get(conn, 0.0) > IDLE_CHECK_SECONDS:
            ConnectionPool.check_connection(conn)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self.pool.connection() as conn:
            try:
                yield conn
            finally:
                self._last_used[conn] = time.monotonic()

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        # The pool commits when the block ends, or rolls back if it raised.
        with self.connection() as conn, conn.cursor() as cur:
            yield cur

    def one_statement(self, sql: str, params: tuple) -> tuple | None:
        """One statement as its own transaction (autocommit: no BEGIN and COMMIT round trips); its first row."""
        with self.connection() as conn:
            conn.autocommit = True
            try:
                return conn.execute(sql, params).fetchone()
            finally:
                conn.autocommit = False

    def health(self, timeout: float = 2.0) -> None:
        # Not the requests' 10 s: a readiness probe must say "not ready" before the load balancer gives up.
        with self.pool.connection(timeout=timeout) as conn:
            conn.execute("SELECT 1")

    def _lock_schema(self, cur: Any) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(4242001)")  # two instances starting together migrate one after the other

    def limiter(self) -> SharedLimiter:
        return SharedLimiter(self)

    def login_throttle(self) -> SharedLoginThrottle:
        return SharedLoginThrottle(self)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        # A session lock on a connection held for the job: released when it ends, or when the process dies.
        with self.pool.connection() as conn:
            conn.autocommit = True
            row = conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 4242))", ("xaweb-qa:" + name,)).fetchone()
            got = bool(row and row[0])
            try:
                yield got
            finally:
                if got:
                    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 4242))", ("xaweb-qa:" + name,))
                conn.autocommit = False

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _last_id(self, table: str) -> int | None:
        row = self._one("SELECT pg_sequence_last_value(pg_get_serial_sequence(?, 'id'))", (table,))
        return int(row[0]) if row and row[0] is not None else None

    def _time_in(self, value: datetime | None) -> datetime | None:
        return value

    def _time_out(self, value: Any) -> datetime | None:
        return value

    def _unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def unavailable(self, exc: Exception) -> bool:
        # A lost connection, a server shutting down, no connection in time (PoolTimeout), a full disk.
        return isinstance(exc, psycopg.OperationalError)

    def close(self) -> None:
        self.pool.close()
