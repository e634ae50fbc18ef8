"""How a unit of work ends: what is kept, what is thrown away, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, select, text, update

from hubapp.data.db import Database
from hubapp.data.models import Hub
from hubapp.data.uow import UnitOfWork


def _hubs(db: Database) -> list[tuple[str, str]]:
    with UnitOfWork(db) as uow:
        return [tuple(r) for r in uow.session.execute(select(Hub.code, Hub.name).order_by(Hub.code))]


def test_leaving_without_a_commit_keeps_no_write_of_any_kind(db: Database) -> None:
    with UnitOfWork(db) as uow:
        uow.session.add(Hub(code="A", name="Kept"))
        uow.commit()
    with UnitOfWork(db) as uow:  # flushed
        uow.session.add(Hub(code="B", name="Flushed"))
        uow.flush()
    with UnitOfWork(db) as uow:  # pending, never flushed
        uow.session.add(Hub(code="C", name="Pending"))
    with UnitOfWork(db) as uow:  # changed on a loaded object
        hub = uow.session.scalars(select(Hub)).one()
        hub.name = "Changed"
    with UnitOfWork(db) as uow:  # Core statements, after a read
        uow.session.scalar(select(func.count(Hub.id)))
        uow.session.execute(insert(Hub).values(code="D", name="Core insert", version=1))
        uow.session.execute(update(Hub).where(Hub.code == "A").values(name="Core update"))
    with UnitOfWork(db) as uow:  # text, as a statement a service may send
        uow.session.execute(text("UPDATE hub SET name = 'Text update' WHERE code = 'A'"))
    with UnitOfWork(db) as uow:  # written, then read again
        uow.session.execute(text("UPDATE hub SET name = 'Then read' WHERE code = 'A'"))
        uow.session.scalar(select(func.count(Hub.id)))
    assert _hubs(db) == [("A", "Kept")]


def test_a_commit_then_a_read_keeps_the_commit(db: Database) -> None:
    with UnitOfWork(db) as uow:
        uow.session.add(Hub(code="A", name="Kept"))
        uow.commit()
        assert uow.session.scalar(select(func.count(Hub.id))) == 1
    assert _hubs(db) == [("A", "Kept")]


@pytest.mark.postgres
def test_reads_keep_the_drivers_prepared_statements(pg_db: Database) -> None:
    # psycopg prepares a statement sent five times on a connection, and drops every prepared
    # statement on a rollback: a read ending in a rollback would be parsed and planned afresh each
    # time. A read that wrote nothing ends in a commit instead, and the next read reuses the plan.
    def prepared(uow: UnitOfWork) -> list[Any]:
        return list(uow.session.scalars(text("SELECT statement FROM pg_prepared_statements")))

    for _ in range(6):
        with UnitOfWork(pg_db) as uow:
            uow.session.execute(select(Hub.id).where(Hub.code == "N")).all()
    with UnitOfWork(pg_db) as uow:
        assert any("FROM hub" in s for s in prepared(uow))
    with UnitOfWork(pg_db) as uow:  # a write left without a commit is rolled back as ever
        uow.session.execute(insert(Hub).values(code="X", name="Rolled back", version=1))
    with UnitOfWork(pg_db) as uow:
        assert uow.session.scalar(select(func.count(Hub.id))) == 0


def test_a_failed_statement_caught_inside_the_block_still_ends_cleanly(db: Database) -> None:
    with UnitOfWork(db) as uow:
        uow.session.add(Hub(code="A", name="Kept"))
        uow.commit()
    with UnitOfWork(db) as uow:
        with pytest.raises(Exception):  # noqa: B017 - whichever error the database gives
            uow.session.execute(text("SELECT no_such_column FROM hub")).all()
    assert _hubs(db) == [("A", "Kept")]
