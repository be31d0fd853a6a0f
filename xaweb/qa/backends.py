"""Choose a store from a database URL (the store adapters import the interface; this imports them)."""

from __future__ import annotations

from .store import Store


def open_store(url: str, migrate: bool = True) -> Store:
    """'sqlite:///path', 'sqlite:path' or a plain path -> SQLite; 'postgresql://…' or 'postgres://…' -> PostgreSQL.
    The schema is created or brought up to date, unless `migrate` is False (a restored copy being checked)."""
    if url.startswith(("postgresql://", "postgres://")):
        from .store_postgres import PostgresStore

        return PostgresStore(url, migrate=migrate)
    from .store_sqlite import SqliteStore

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite:")
    return SqliteStore(path, migrate=migrate)
