"""The engine's settings on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hubapp.data.db import Database, make_engine


@pytest.mark.postgres
def test_postgres_connections_run_without_jit(pg_url: str) -> None:
    # The server's default is on (jit_above_cost 100000): row-level security pushed the inbox's
    # count past it, and compiling took longer than running the query.
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
            assert conn.execute(text("SHOW application_name")).scalar() == "hubapp"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_caller_can_still_choose_connection_options(pg_url: str) -> None:
    engine = make_engine(pg_url, connect_args={"options": "-c jit=on"})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "on"
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
