"""Storage of the Q&A endpoint: one interface, two back-ends chosen by a database URL.

`open_store("sqlite:///var/lib/xaweb/qa.sqlite3")` (or a plain path) gives the
SQLite store; `open_store("postgresql://user:pass@host/db")` the PostgreSQL one.

The SQL is written once here, in the subset both databases speak, with `?`
placeholders, and so are the schema migrations; each back-end adapter
supplies connections, transactions, placeholders, value conversion and its
column types. Every write commits
before the method returns, so an answer sent after it ("received") survives a
crash of the server.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import datetime
from typing import Any, Iterator, Sequence

from .core import Account, LoginThrottle, QaError, Question, RateLimiter, Rating, Session, Site

Q_COLUMNS = tuple(f.name for f in fields(Question))
Q_TIMES = {"received_at", "consent_at", "answered_at", "published_at", "rejected_at", "erased_at"}
SITE_COLUMNS = ("id", "url", "name", "origins", "retention_days", "export_token_hash")


# One limits check in one round trip (limits_shared.SharedLimiter.refusal, the rules of
# core.RateLimiter.refusal): under an advisory lock per key, taken in key order, drop the events
# that left their window; if the busy key is past its threshold, tighten one check; find the
# check whose window is full the longest; count the event on every key only if none is. A count
# needs no disk sync: synchronous_commit is off for this transaction alone.
RATE_WAIT_FUNCTION = """
CREATE FUNCTION xaweb_rate_wait(keys TEXT[], counts INTEGER[], windows DOUBLE PRECISION[], busy_key TEXT, busy_count INTEGER,
                                busy_window DOUBLE PRECISION, busy_index INTEGER, busy_limit INTEGER,
                                OUT wait DOUBLE PRECISION, OUT which INTEGER)
LANGUAGE plpgsql AS $$
DECLARE
    k TEXT;
    nth TIMESTAMPTZ;
    left_in DOUBLE PRECISION;
BEGIN
    wait := 0;
    which := -1;
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR k IN SELECT DISTINCT u FROM unnest(keys) AS u ORDER BY u LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        DELETE FROM rate_hits WHERE key = keys[i] AND at <= now() - make_interval(secs => windows[i]);
    END LOOP;
    IF busy_key IS NOT NULL AND (SELECT COUNT(*) FROM (SELECT 1 FROM rate_hits WHERE key = busy_key
            AND at > now() - make_interval(secs => busy_window) LIMIT busy_count) AS recent) >= busy_count THEN
        counts[busy_index + 1] := busy_limit;
    END IF;
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        SELECT at INTO nth FROM rate_hits WHERE key = keys[i] ORDER BY at DESC OFFSET greatest(counts[i] - 1, 0) LIMIT 1;
        IF FOUND THEN
            left_in := greatest(extract(epoch FROM nth + make_interval(secs => windows[i]) - now()), 0.001);
            IF left_in > wait THEN
                wait := left_in;
                which := i - 1;
            END IF;
        END IF;
    END LOOP;
    IF which < 0 THEN
        INSERT INTO rate_hits (key, at) SELECT unnest(keys), now();
    END IF;
END
$$"""


# Schema migrations, applied in order inside one transaction and recorded in
# `schema_migrations`. Never edit a released step: add the next one.
# {id}: an auto-increment key; {time}: a timestamp column; {scratch}: a table kept without crash
# safety where that is cheaper (all back-end specific).
MIGRATIONS: tuple[tuple[int, tuple[str | tuple[str, str], ...]], ...] = (
    (1, (
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE sites (id TEXT PRIMARY KEY, url TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', "
        "origins TEXT NOT NULL DEFAULT '', retention_days INTEGER NOT NULL, export_token_hash TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE questions (id {id}, site TEXT NOT NULL REFERENCES sites (id), code TEXT NOT NULL UNIQUE, "
        "status TEXT NOT NULL, topic TEXT NOT NULL, question TEXT NOT NULL, received_at {time} NOT NULL, "
        "consent_at {time} NOT NULL, nonce TEXT NOT NULL UNIQUE, name TEXT, contact TEXT, "
        "publish_name INTEGER NOT NULL DEFAULT 0, dedup_key TEXT, title TEXT NOT NULL DEFAULT '', "
        "public_question TEXT NOT NULL DEFAULT '', answer TEXT NOT NULL DEFAULT '', office TEXT NOT NULL DEFAULT '', "
        "reject_reason TEXT NOT NULL DEFAULT '', answered_at {time}, published_at {time}, rejected_at {time}, erased_at {time})",
        "CREATE UNIQUE INDEX questions_dedup ON questions (site, dedup_key)",
        "CREATE INDEX questions_site_status ON questions (site, status, id)",
        "CREATE TABLE ratings (id {id}, site TEXT NOT NULL REFERENCES sites (id), "
        "score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), comment TEXT, created_at {time} NOT NULL, nonce TEXT NOT NULL UNIQUE)",
        "CREATE INDEX ratings_site ON ratings (site, id)",
        "CREATE TABLE accounts (username TEXT PRIMARY KEY, site TEXT NOT NULL REFERENCES sites (id), "
        "password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, site TEXT NOT NULL, "
        "csrf TEXT NOT NULL, expires_at {time} NOT NULL)",
        "CREATE TABLE access_log (id {id}, at {time} NOT NULL, actor TEXT NOT NULL, site TEXT NOT NULL, "
        "question_id BIGINT, action TEXT NOT NULL)",
    )),
    # The abuse limits of several instances on one database (limits_shared.py): one row per counted
    # event, and failed logins per account. {scratch}: not crash-safe where that is cheaper (counts
    # a crash may forget, like a restart of one process forgets its own).
    (2, (
        "CREATE {scratch}TABLE rate_hits (key TEXT NOT NULL, at {time} NOT NULL)",
        "CREATE INDEX rate_hits_key_at ON rate_hits (key, at)",
        "CREATE {scratch}TABLE login_failures (account TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_at {time} NOT NULL)",
        ("postgresql", RATE_WAIT_FUNCTION),
    )),
)


class Duplicate(QaError):
    pass


REPLAYED = "Biểu mẫu này đã được gửi một lần. Vui lòng tải lại trang nếu muốn gửi câu hỏi khác."
DUPLICATE = "Câu hỏi này đã được gửi trước đó và đang được xử lý; không cần gửi lại."


class Store(ABC):
    """What the endpoint, the admin and the CLI need from a database."""

    # --- adapter primitives ------------------------------------------------------

    @abstractmethod
    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        """A cursor inside a transaction committed on exit (rolled back on error)."""

    @abstractmethod
    def _sql(self, sql: str) -> str:
        """Placeholders and dialect: the `?` SQL of this module -> the back-end's."""

    @abstractmethod
    def _time_in(self, value: datetime | None) -> Any: ...

    @abstractmethod
    def _time_out(self, value: Any) -> datetime | None: ...

    def _time(self, value: Any) -> datetime:
        """A NOT NULL timestamp column: never None."""
        stamp = self._time_out(value)
        assert stamp is not None, "NULL in a NOT NULL timestamp column"
        return stamp

    @abstractmethod
    def _unique_violation(self, exc: Exception) -> bool:
        """Whether a failed insert broke a unique constraint (and nothing else)."""

    @abstractmethod
    def unavailable(self, exc: Exception) -> bool:
        """Whether `exc` says the database cannot be reached or cannot write now (stopped, restarting,
        disk full): the request gets 503 and a retry later, not a 500."""

    @abstractmethod
    def close(self) -> None: ...

    def _all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self.transaction(write=False) as cur:
            cur.execute(self._sql(sql), tuple(params))
            return list(cur.fetchall())

    def _one(self, sql: str, params: Sequence = ()) -> tuple | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _write(self, sql: str, params: Sequence = ()) -> int:
        with self.transaction() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return cur.rowcount

    # --- schema ---------------------------------------------------------------------

    ID_COLUMN = "INTEGER PRIMARY KEY"
    TIME_COLUMN = "TEXT"
    SCRATCH_TABLE = ""
    DIALECT = "sqlite"

    def migrate(self, now: datetime) -> list[int]:
        """Apply the migrations this database has not had yet; -> the versions applied."""
        applied = []
        with self.transaction() as cur:
            self._lock_schema(cur)
            cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            cur.execute("SELECT version FROM schema_migrations")
            done = {int(r[0]) for r in cur.fetchall()}
            for version, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in statements:
                    if isinstance(statement, tuple):  # (dialect, SQL): that back-end's alone, as written
                        if statement[0] == self.DIALECT:
                            cur.execute(statement[1])
                        continue
                    cur.execute(statement.format(id=self.ID_COLUMN, time=self.TIME_COLUMN, scratch=self.SCRATCH_TABLE))
                cur.execute(self._sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), (version, now.isoformat()))
                applied.append(version)
        return applied

    def _lock_schema(self, cur: Any) -> None:
        """Keep two processes from migrating at once (the first write already does it in SQLite)."""

    def schema_version(self) -> int:
        row = self._one("SELECT MAX(version) FROM schema_migrations")
        return int(row[0]) if row and row[0] is not None else 0

    @abstractmethod
    def _last_id(self, table: str) -> int | None:
        """The last id the table's counter gave out (None: none yet); a restore must bring it back too."""

    def figures(self) -> dict[str, Any]:
        """What a restore drill compares (`xaweb qa verify`): counts, the latest question, the id counters.
        Read only; a database of an older schema reports its version and nothing else."""
        version = self.schema_version()
        out: dict[str, Any] = {"schema_version": version, "schema_expected": MIGRATIONS[-1][0]}
        if version != MIGRATIONS[-1][0]:
            return out
        count = lambda sql: int((self._one(sql) or (0,))[0])  # noqa: E731
        out["sites"] = count("SELECT COUNT(*) FROM sites")
        out["accounts"] = count("SELECT COUNT(*) FROM accounts")
        out["ratings"] = count("SELECT COUNT(*) FROM ratings")
        out["questions"] = {r[0]: int(r[1]) for r in self._all("SELECT status, COUNT(*) FROM questions GROUP BY status ORDER BY status")}
        out["orphans"] = count("SELECT COUNT(*) FROM questions WHERE site NOT IN (SELECT id FROM sites)")
        latest = self._one("SELECT id, site, code, received_at FROM questions ORDER BY id DESC LIMIT 1")
        out["latest"] = {"id": latest[0], "site": latest[1], "code": latest[2], "received_at": self._time(latest[3]).isoformat()} if latest else None
        out["counters_behind"] = [t for t in ("questions", "ratings", "access_log")
                                  if count(f"SELECT COALESCE(MAX(id), 0) FROM {t}") > (self._last_id(t) or 0)]
        return out

    # --- what instances share --------------------------------------------------------

    def limiter(self) -> RateLimiter:
        """The abuse limits' counters: in this process's memory, unless the database is shared."""
        return RateLimiter()

    def login_throttle(self) -> LoginThrottle:
        return LoginThrottle()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Whether this process may run the job `name` now, no other instance running it meanwhile
        (the retention sweep). One process per database needs no lock."""
        yield True

    # --- health and the signing secret ----------------------------------------------

    def health(self, timeout: float = 2.0) -> None:
        """Raises unless the database answers (within `timeout` seconds where the back-end can wait)."""
        self._all("SELECT 1")

    def secret(self) -> bytes:
        """The key that signs form tokens, made once and shared by every server process."""
        row = self._one("SELECT value FROM settings WHERE key = 'form_secret'")
        if row:
            return bytes.fromhex(row[0])
        value = secrets.token_hex(32)
        self._write("INSERT INTO settings (key, value) VALUES ('form_secret', ?) ON CONFLICT (key) DO NOTHING", (value,))
        row = self._one("SELECT value FROM settings WHERE key = 'form_secret'")
        assert row is not None, "written just above, by this process or another"
        return bytes.fromhex(row[0])

    # --- sites ---------------------------------------------------------------------------

    def put_site(self, site: Site) -> None:
        values = (site.id, site.url, site.name, " ".join(site.origins), site.retention_days, site.export_token_hash)
        self._write(f"INSERT INTO sites ({', '.join(SITE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET url = excluded.url, name = excluded.name, origins = excluded.origins, "
                    "retention_days = excluded.retention_days, export_token_hash = excluded.export_token_hash", values)

    def sites(self) -> list[Site]:
        rows = self._all(f"SELECT {', '.join(SITE_COLUMNS)} FROM sites ORDER BY id")
        return [Site(r[0], r[1], r[2], tuple(r[3].split()), int(r[4]), r[5]) for r in rows]

    def site(self, site_id: str) -> Site | None:
        return next((s for s in self.sites() if s.id == site_id), None)

    # --- questions -----------------------------------------------------------------------

    def _q_values(self, q: Question, columns: Sequence[str]) -> list:
        values = [getattr(q, c) for c in columns]
        return [self._time_in(v) if c in Q_TIMES else int(v) if isinstance(v, bool) else v for c, v in zip(columns, values)]

    def _q_row(self, row: Sequence[Any]) -> Question:
        """A row selected as Q_COLUMNS, in order; NULL text columns come back as ""."""
        v = dict(zip(Q_COLUMNS, row))
        return Question(
            site=v["site"], code=v["code"], status=v["status"], topic=v["topic"], question=v["question"] or "",
            received_at=self._time(v["received_at"]), consent_at=self._time(v["consent_at"]), nonce=v["nonce"],
            name=v["name"], contact=v["contact"], publish_name=bool(v["publish_name"]), dedup_key=v["dedup_key"],
            id=v["id"], title=v["title"] or "", public_question=v["public_question"] or "", answer=v["answer"] or "",
            office=v["office"] or "", reject_reason=v["reject_reason"] or "",
            answered_at=self._time_out(v["answered_at"]), published_at=self._time_out(v["published_at"]),
            rejected_at=self._time_out(v["rejected_at"]), erased_at=self._time_out(v["erased_at"]),
        )

    def add_question(self, q: Question) -> Question:
        """Insert and commit; a replayed token or the same question again raises Duplicate (409)."""
        columns = [c for c in Q_COLUMNS if c != "id"]
        sql = f"INSERT INTO questions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING id"
        try:
            with self.transaction() as cur:
                cur.execute(self._sql(sql), self._q_values(q, columns))
                new_id = cur.fetchone()[0]
        except Exception as exc:
            if not self._unique_violation(exc):
                raise
            raise self._which_duplicate(q) from None
        return replace(q, id=new_id)

    def _which_duplicate(self, q: Question) -> Duplicate:
        """Which rule a refused insert broke, asked in this order (a replay breaks both; the databases
        name different ones first). Asked in a write transaction: in SQLite that is the connection
        whose batch, not yet committed, may hold the first copy."""
        with self.transaction() as cur:
            cur.execute(self._sql("SELECT 1 FROM questions WHERE nonce = ?"), (q.nonce,))
            replayed = cur.fetchone() is not None
            cur.execute(self._sql("SELECT 1 FROM questions WHERE site = ? AND dedup_key = ?"), (q.site, q.dedup_key))
            duplicate = cur.fetchone() is not None
        if replayed:
            return Duplicate(409, "replayed", REPLAYED)
        if duplicate:
            return Duplicate(409, "duplicate", DUPLICATE)
        return Duplicate(409, "code_taken", "code collision")  # one in 10^17: the caller retries with a new code

    def _questions(self, where: str, params: Sequence, tail: str = "") -> list[Question]:
        rows = self._all(f"SELECT {', '.join(Q_COLUMNS)} FROM questions WHERE {where} {tail}", params)
        return [self._q_row(r) for r in rows]

    def _question_where(self, site: str, column: str, value: object) -> Question | None:
        found = self._questions(f"site = ? AND {column} = ?", (site, value))  # column: one of the callers' literals
        return found[0] if found else None

    def question(self, site: str, question_id: int) -> Question | None:
        return self._question_where(site, "id", question_id)

    def question_by_code(self, site: str, code: str) -> Question | None:
        return self._question_where(site, "code", code)

    def questions_like(self, site: str, nonce: str, dedup_key: str | None) -> list[Question]:
        """The questions of `site` sent with this form token, or with the same words from the same person."""
        return self._questions("site = ? AND (nonce = ? OR dedup_key = ?)", (site, nonce, dedup_key or ""))

    def questions(self, site: str, status: str | None = None, limit: int = 200) -> list[Question]:
        if status:
            return self._questions("site = ? AND status = ?", (site, status), f"ORDER BY id DESC LIMIT {int(limit)}")
        return self._questions("site = ?", (site,), f"ORDER BY id DESC LIMIT {int(limit)}")

    def published(self, site: str) -> list[Question]:
        return self._questions("site = ? AND status = 'published'", (site,), "ORDER BY id")

    def count_questions(self, site: str | None = None) -> int:
        row = self._one("SELECT COUNT(*) FROM questions" + (" WHERE site = ?" if site else ""), (site,) if site else ())
        return int(row[0]) if row else 0

    def waiting_counts(self) -> dict[str, int]:
        """Questions received and not yet answered, per site (the metrics' backlog)."""
        return {r[0]: int(r[1]) for r in self._all("SELECT site, COUNT(*) FROM questions WHERE status = 'received' GROUP BY site")}

    def update_question(self, q: Question, expected_status: str) -> Question:
        """Save a state change made by `core`, unless someone else changed the question meanwhile."""
        columns = [c for c in Q_COLUMNS if c not in ("id", "site", "code", "nonce", "received_at", "consent_at")]
        sets = ", ".join(f"{c} = ?" for c in columns)
        changed = self._write(f"UPDATE questions SET {sets} WHERE id = ? AND site = ? AND status = ?",
                              [*self._q_values(q, columns), q.id, q.site, expected_status])
        if changed != 1:
            raise QaError(409, "conflict", "Câu hỏi vừa được người khác thay đổi; vui lòng tải lại và thử lại.")
        return q

    def received_between(self, site: str, since: datetime, until: datetime) -> list[Question]:
        """Questions still waiting for an answer, received in [since, until]: a flood to moderate at once."""
        return self._questions("site = ? AND status = 'received' AND received_at >= ? AND received_at <= ?",
                               (site, self._time_in(since), self._time_in(until)), "ORDER BY id")

    def unerased_done(self) -> list[Question]:
        """Answered or rejected questions still holding personal data (retention candidates)."""
        return self._questions("erased_at IS NULL AND (answered_at IS NOT NULL OR rejected_at IS NOT NULL)", ())

    # --- ratings -------------------------------------------------------------------------

    def add_rating(self, r: Rating) -> Rating:
        try:
            with self.transaction() as cur:
                cur.execute(self._sql("INSERT INTO ratings (site, score, comment, created_at, nonce) VALUES (?, ?, ?, ?, ?) RETURNING id"),
                            (r.site, r.score, r.comment, self._time_in(r.created_at), r.nonce))
                new_id = cur.fetchone()[0]
        except Exception as exc:
            if not self._unique_violation(exc):
                raise  # a full disk or a broken database: a 5xx and a log line, never "thank you"
            raise Duplicate(409, "replayed", "Đánh giá này đã được gửi một lần. Cảm ơn bạn.") from None
        return Rating(r.site, r.score, r.created_at, r.nonce, r.comment, new_id)

    def scores(self, site: str) -> list[int]:
        return [int(r[0]) for r in self._all("SELECT score FROM ratings WHERE site = ?", (site,))]

    def ratings(self, site: str, limit: int = 100) -> list[Rating]:
        rows = self._all(f"SELECT site, score, created_at, nonce, comment, id FROM ratings WHERE site = ? ORDER BY id DESC LIMIT {int(limit)}", (site,))
        return [Rating(r[0], int(r[1]), self._time(r[2]), r[3], r[4], r[5]) for r in rows]

    def erase_rating_comments(self, site: str, before: datetime) -> int:
        return self._write("UPDATE ratings SET comment = NULL WHERE site = ? AND created_at < ? AND comment IS NOT NULL",
                           (site, self._time_in(before)))

    # --- accounts and sessions -----------------------------------------------------------

    def put_account(self, account: Account) -> None:
        self._write("INSERT INTO accounts (username, site, password_hash, disabled) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (username) DO UPDATE SET site = excluded.site, password_hash = excluded.password_hash, "
                    "disabled = excluded.disabled", (account.username, account.site, account.password_hash, int(account.disabled)))

    def account(self, username: str) -> Account | None:
        row = self._one("SELECT username, site, password_hash, disabled FROM accounts WHERE username = ?", (username,))
        return Account(row[0], row[1], row[2], bool(row[3])) if row else None

    def accounts(self) -> list[Account]:
        rows = self._all("SELECT username, site, password_hash, disabled FROM accounts ORDER BY site, username")
        return [Account(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def delete_account(self, username: str) -> bool:
        self._write("DELETE FROM sessions WHERE username = ?", (username,))
        return self._write("DELETE FROM accounts WHERE username = ?", (username,)) == 1

    def add_session(self, s: Session) -> None:
        self._write("INSERT INTO sessions (token_hash, username, site, csrf, expires_at) VALUES (?, ?, ?, ?, ?)",
                    (s.token_hash, s.username, s.site, s.csrf, self._time_in(s.expires_at)))

    def session(self, token_hash: str) -> Session | None:
        row = self._one("SELECT s.token_hash, s.username, s.site, s.csrf, s.expires_at FROM sessions s "
                        "JOIN accounts a ON a.username = s.username AND a.site = s.site AND a.disabled = 0 "
                        "WHERE s.token_hash = ?", (token_hash,))
        return Session(row[0], row[1], row[2], row[3], self._time(row[4])) if row else None

    def delete_session(self, token_hash: str) -> None:
        self._write("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def purge_sessions(self, now: datetime) -> int:
        return self._write("DELETE FROM sessions WHERE expires_at < ?", (self._time_in(now),))

    # --- access log: who saw personal data -------------------------------------------------

    def log_access(self, actor: str, site: str, question_id: int | None, action: str, at: datetime) -> None:
        self._write("INSERT INTO access_log (at, actor, site, question_id, action) VALUES (?, ?, ?, ?, ?)",
                    (self._time_in(at), actor, site, question_id, action))

    def access_log(self, site: str, limit: int = 200) -> list[tuple[datetime, str, int | None, str]]:
        rows = self._all(f"SELECT at, actor, question_id, action FROM access_log WHERE site = ? ORDER BY id DESC LIMIT {int(limit)}", (site,))
        return [(self._time(r[0]), r[1], r[2], r[3]) for r in rows]
