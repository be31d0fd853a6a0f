"""PostgreSQL back-end (psycopg 3) for a province hosting all its communes.

A connection pool (psycopg_pool) shared by the server's threads; each method
runs in one transaction committed before it returns. PostgreSQL's default
`synchronous_commit = on` makes that commit durable, and it groups the
commits of concurrent submissions on its own.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator

import psycopg
from psycopg_pool import ConnectionPool

from .core import utcnow
from .store import Store


class PostgresStore(Store):
    ID_COLUMN = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    TIME_COLUMN = "TIMESTAMPTZ"

    def __init__(self, url: str, max_size: int = 16):
        # `check`: a connection the database dropped (a restart) is replaced before use, not handed to a
        # request; `timeout`: while the database is down a request waits this long, then gets 503.
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True, timeout=10,
                                   check=ConnectionPool.check_connection, kwargs={"application_name": "xaweb-qa"})
        self.pool.wait(timeout=30)
        self.migrate(utcnow())

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        # The pool commits when the block ends, or rolls back if it raised.
        with self.pool.connection() as conn, conn.cursor() as cur:
            yield cur

    def _lock_schema(self, cur: Any) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(4242001)")

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

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
