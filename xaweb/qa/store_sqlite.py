"""SQLite back-end: one file, WAL, a durable commit before "received".

- WAL lets status lookups and the admin read while submissions write; reads
  use one connection per thread (waitress serves each request on a thread).
- `synchronous=FULL` syncs the log at every commit, so an acknowledged
  question survives a power cut, not only a killed process.
- Group commit: all writes of the process go through one connection, each in
  its own SAVEPOINT (a refused insert undoes only itself), and a writer
  returns only once a COMMIT covering its write is done. Writers that queue
  while one commit syncs the disk share the next commit, so one disk sync
  serves many questions: throughput follows the number of concurrent
  submissions instead of the disk's sync latency, and nobody meets SQLite's
  busy handler (whose sleeping retries made the slowest requests ten times
  slower). `busy_timeout` still covers other processes (the CLI).
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from .core import utcnow
from .store import Store


class SqliteStore(Store):
    ID_COLUMN = "INTEGER PRIMARY KEY AUTOINCREMENT"  # ids are never reused, even after a deletion
    TIME_COLUMN = "TEXT"  # ISO 8601 in UTC with microseconds: compares as text in time order

    def __init__(self, path: str | Path, migrate: bool = True):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = self._open()
        self._write_lock = threading.Lock()
        self._batch = 1  # the batch the open write transaction belongs to
        self._committed = 0  # the last batch made durable
        self._failed: set[int] = set()  # batches whose commit failed: their writers must not answer "received"
        if migrate:
            self.migrate(utcnow())

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
            with self._lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        if not write:
            cur = self._reader().cursor()
            cur.execute("BEGIN")
            try:
                yield cur
            finally:
                cur.execute("COMMIT")
                cur.close()
            return
        with self._write_lock:
            if not self._writer.in_transaction:
                self._writer.execute("BEGIN IMMEDIATE")
            cur = self._writer.cursor()
            cur.execute("SAVEPOINT job")
            try:
                yield cur
            except BaseException:
                self._undo(cur)
                raise
            cur.execute("RELEASE job")
            cur.close()
            batch = self._batch
        self._commit(batch)

    def _undo(self, cur: sqlite3.Cursor) -> None:
        try:
            cur.execute("ROLLBACK TO job")
            cur.execute("RELEASE job")
        except sqlite3.Error:  # SQLite already rolled the whole transaction back: the batch is lost
            if self._writer.in_transaction:
                self._writer.rollback()
            self._failed.add(self._batch)
            self._batch += 1
        finally:
            cur.close()

    def _commit(self, batch: int) -> None:
        """Return once `batch` is on disk: commit it, unless a writer queued before us already did."""
        with self._write_lock:
            if batch in self._failed:
                raise sqlite3.OperationalError("the write was rolled back with its batch; nothing was stored")
            if self._committed >= batch:
                return
            try:
                self._writer.execute("COMMIT")
            except BaseException:
                if self._writer.in_transaction:
                    self._writer.rollback()
                self._failed.add(batch)
                self._batch += 1
                raise
            self._committed = batch
            self._batch = batch + 1
            if len(self._failed) > 1000:
                self._failed = {b for b in self._failed if b > batch - 1000}

    def _sql(self, sql: str) -> str:
        return sql

    def _last_id(self, table: str) -> int | None:
        row = self._one("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
        return int(row[0]) if row else None

    def _time_in(self, value: datetime | None) -> str | None:
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds") if value else None

    def _time_out(self, value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    def _unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and str(exc).startswith("UNIQUE constraint failed:")

    def unavailable(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.OperationalError)  # full disk, I/O error, locked past the timeout

    def close(self) -> None:
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self._write_lock:
            if self._writer.in_transaction:
                self._writer.execute("COMMIT")
            self._writer.close()
        self._local = threading.local()
