"""The ORM layer: optimistic locking, UTC timestamps, constraints, and error translation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import exc as sa_exc

from hubapp.data.db import Database
from hubapp.data.models import Family, Hub, Person
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import ConcurrencyConflict, DatabaseUnavailable
from hubapp.domain.names import name_keys


def _family(db: Database) -> int:
    with UnitOfWork(db) as uow:
        hub = Hub(code="N", name="North Hub")
        uow.session.add(hub)
        uow.flush()
        fam = Family(name="Smith family", hub_id=hub.id)
        uow.session.add(fam)
        uow.commit()
        return fam.id


def test_lost_update_is_refused(db: Database) -> None:
    family_id = _family(db)
    first, second = UnitOfWork(db), UnitOfWork(db)
    with first, second:
        a = first.session.get(Family, family_id)
        b = second.session.get(Family, family_id)
        assert a is not None and b is not None
        a.name = "Smith-Jones family"
        first.commit()
        b.name = "Jones family"
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with UnitOfWork(db) as uow:
        fam = uow.session.get(Family, family_id)
        assert fam is not None and fam.name == "Smith-Jones family" and fam.version == 2


def test_timestamps_come_back_aware_utc(db: Database) -> None:
    family_id = _family(db)
    with UnitOfWork(db) as uow:
        fam = uow.session.get(Family, family_id)
        assert fam is not None and fam.created_at.tzinfo is not None
        assert fam.created_at.utcoffset() == dt.timedelta(0)


def test_naive_timestamps_are_refused(db: Database) -> None:
    family_id = _family(db)
    with pytest.raises(sa_exc.StatementError):
        with UnitOfWork(db) as uow:
            fam = uow.session.get(Family, family_id)
            assert fam is not None
            fam.created_at = dt.datetime(2026, 1, 1, 12, 0)
            uow.commit()


def test_check_constraint_on_sex_holds_in_the_database(db: Database) -> None:
    keys = name_keys("Ella", "Smith")
    with pytest.raises(sa_exc.IntegrityError):
        with UnitOfWork(db) as uow:
            uow.session.add(Person(given_name="Ella", family_name="Smith", sex="X", given_name_key=keys.given_key,
                                   family_name_key=keys.family_key, search_name=keys.search_name,
                                   given_phonetic=keys.given_phonetic, family_phonetic=keys.family_phonetic))
            uow.commit()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sa_exc.IntegrityError):
        with UnitOfWork(db) as uow:
            uow.session.add(Family(name="Orphan family", hub_id=4242))
            uow.commit()


def test_failed_call_leaves_nothing_half_written(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with UnitOfWork(db) as uow:
            uow.session.add(Hub(code="X", name="Half"))
            uow.flush()
            raise RuntimeError("boom")
    with UnitOfWork(db) as uow:
        assert uow.session.query(Hub).count() == 0


@pytest.mark.postgres
def test_unreachable_server_is_database_unavailable() -> None:
    db = Database("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable) as caught:
        with UnitOfWork(db) as uow:
            uow.session.get(Hub, 1)
    assert "cannot be reached" in str(caught.value)
    db.dispose()


def test_sqlite_writes_the_audit_itself(sqlite_db: Database) -> None:
    from sqlalchemy import select

    from hubapp.data.models import AuditEvent

    family_id = _family(sqlite_db)
    with UnitOfWork(sqlite_db) as uow:
        fam = uow.session.get(Family, family_id)
        assert fam is not None
        fam.name = "Jones family"
        uow.commit()
    with UnitOfWork(sqlite_db) as uow:
        rows = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(r.table_name, r.action) for r in rows] == [
            ("hub", "INSERT"), ("family", "INSERT"), ("family", "UPDATE")]
        update = rows[-1]
        assert update.row_key == str(family_id) and update.db_user
        assert update.old_data["name"] == "Smith family"  # type: ignore[index]
        assert update.new_data["name"] == "Jones family"  # type: ignore[index]
        assert update.new_data["version"] == 2  # type: ignore[index]
