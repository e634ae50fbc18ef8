"""Another program keeps the embedded SQLite file locked while a save waits (issue 7).

SQLite lets one writer at a time; hubapp waits ``busy_timeout`` for the lock, then the save must be
refused in plain words (``DatabaseBusy``: the form stays open with what was typed, and no "cannot be
reached" banner, since the database is there), leave nothing half-written, and go through once the
lock is gone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from hubapp.data.db import Database
from hubapp.domain.errors import DatabaseBusy, DatabaseUnavailable
from hubapp.services import referrals
from tests.integration._faults import table_counts
from tests.unit.hubapp.services._world import World, consent, household, request


def _short_wait(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=200")  # after hubapp's 5 s, so the test is quick


def test_a_save_blocked_by_another_writer_is_refused_in_plain_words_and_leaves_nothing(
    sqlite_db: Database,
) -> None:
    w = World(sqlite_db)
    event.listen(sqlite_db.engine, "connect", _short_wait)
    sqlite_db.engine.dispose()  # new connections take the short wait
    new = request(w.north, new_family=household(w.north), consent=consent())
    before = table_counts(sqlite_db)
    path = make_url(str(sqlite_db.engine.url)).database
    assert path is not None and Path(path).exists()
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(DatabaseBusy) as info:
            referrals.log_request(w.uow(), new)
        assert not isinstance(info.value, DatabaseUnavailable)  # reachable: no connection banner
        assert "busy" in str(info.value) and "Nothing was saved" in str(info.value)
        assert "locked" not in str(info.value)  # SQLite's own words stay in the log, not on screen
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert table_counts(sqlite_db) == before

    saved = referrals.log_request(w.uow(), new)
    assert referrals.get_request(w.uow(), saved.id).summary == new.summary
    assert table_counts(sqlite_db)["request_for_support"] == before["request_for_support"] + 1
