"""The Q&A store's failure paths, on SQLite and PostgreSQL: a database error is an error, never a thank-you.

A rating refused by the database for any reason but a replayed nonce (a
constraint, a full disk) must raise, so the endpoint answers 5xx and logs it;
only a second insert of the same nonce is "already sent".
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from qa_support import BACKENDS, SITE_ID, database, setup_sites
from xaweb.qa.backends import open_store
from xaweb.qa.core import QaError, Rating

NOW = datetime(2026, 1, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with database(request.param, tmp_path) as url:
        s = open_store(url)
        setup_sites(s)
        yield s
        s.close()


def test_a_replayed_rating_is_already_sent(store):
    store.add_rating(Rating(SITE_ID, 5, NOW, "nonce-1"))
    with pytest.raises(QaError) as replay:
        store.add_rating(Rating(SITE_ID, 4, NOW, "nonce-1"))
    assert replay.value.status == 409


def test_any_other_database_refusal_raises_and_is_not_a_thank_you(store):
    with pytest.raises(Exception) as failed:
        store.add_rating(Rating(SITE_ID, 9, NOW, "nonce-2"))  # breaks the score CHECK, not the nonce UNIQUE
    assert not isinstance(failed.value, QaError)
    assert store.scores(SITE_ID) == []


@pytest.mark.fault("disk full (Q&A server)")
def test_a_full_disk_loses_no_rating_silently(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'qa.sqlite3'}")
    setup_sites(s)
    s.add_rating(Rating(SITE_ID, 5, NOW, "first"))
    pages = s._writer.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]  # the SQLite adapter's writer
    s._writer.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]  # the file may not grow: a full disk
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for i in range(200):
            s.add_rating(Rating(SITE_ID, 4, NOW, f"n-{i}", "Nhận xét " * 50))
    s.close()
