"""The abuse limits of several `xaweb qa serve` instances on one PostgreSQL database.

Same rules as the in-memory `core.RateLimiter` and `core.LoginThrottle` (this subclasses them),
counted in the database the instances share, so two instances behind a load balancer allow
what one would. Each check is one call of a function in the database (store.RATE_WAIT_FUNCTION):
an advisory lock per key (taken in key order, so two checks never wait on each other in a
cycle) serialises the instances on the same address or site, then the sliding window is read
and, if there is room, every key counted. The database's clock is the only clock, so machines
whose clocks differ still agree. The tables are UNLOGGED: a crash of the database forgets the
counts, as a restart of one process forgets its own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

from .core import LoginThrottle, RateLimiter, Tighter


class PostgresStore(Protocol):
    """What the counters need of store_postgres.PostgresStore (which makes them)."""

    def one_statement(self, sql: str, params: tuple) -> tuple | None: ...

    def transaction(self, write: bool = True) -> AbstractContextManager[Any]: ...


class SharedLimiter(RateLimiter):
    def __init__(self, store: PostgresStore) -> None:
        super().__init__()
        self.store = store

    def refusal(self, checks: list[tuple[str, tuple[int, float]]], tighter: Tighter | None = None) -> tuple[float, int]:
        busy = (tighter.key, tighter.limit[0], tighter.limit[1], tighter.index, tighter.count) if tighter else (None,) * 5
        row = self.store.one_statement("SELECT * FROM xaweb_rate_wait(%s, %s, %s, %s, %s, %s, %s, %s)", (  # store.RATE_WAIT_FUNCTION
            [k for k, _ in checks], [c for _, (c, _) in checks], [float(w) for _, (_, w) in checks], *busy))
        return (float(row[0]), int(row[1])) if row else (0.0, -1)

    def forget(self, older_than: float) -> int:
        """Drop events older than every window (the retention sweep calls it): idle keys do not pile up."""
        with self.store.transaction() as cur:
            cur.execute("DELETE FROM rate_hits WHERE at < now() - make_interval(secs => %s)", (older_than,))
            deleted = cur.rowcount
            cur.execute("DELETE FROM login_failures WHERE last_at < now() - make_interval(secs => %s)", (max(older_than, 86400.0),))
            return deleted


class SharedLoginThrottle(LoginThrottle):
    def __init__(self, store: PostgresStore, free: int = 5, cap: float = 900.0) -> None:
        super().__init__(free, cap)
        self.store = store

    def wait(self, account: str) -> float:
        row = self.store.one_statement("SELECT failures, EXTRACT(EPOCH FROM now() - last_at) FROM login_failures WHERE account = %s",
                                       (account,))
        if row is None or int(row[0]) < self.free:
            return 0.0
        return max(0.0, self._delay(int(row[0])) - float(row[1]))

    def failed(self, account: str) -> int:
        row = self.store.one_statement("INSERT INTO login_failures (account, failures, last_at) VALUES (%s, 1, now()) ON CONFLICT "
                                       "(account) DO UPDATE SET failures = login_failures.failures + 1, last_at = now() RETURNING failures",
                                       (account,))
        return int(row[0]) if row else 1

    def succeeded(self, account: str) -> None:
        self.store.one_statement("DELETE FROM login_failures WHERE account = %s RETURNING 1", (account,))
