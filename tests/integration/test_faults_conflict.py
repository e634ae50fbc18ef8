"""Fault 3 (issue 7): two people edit the same plan or the same request.

Two clients, each with its own ``Database`` (its own engine and connections) on the same
database. The second save is refused with ``ConcurrencyConflict`` naming who saved first and
when; the first person's save stays as it was (nothing overwritten silently); reloading and
saving again works. On SQLite and on PostgreSQL; with real login roles on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from hubapp.data.db import Database
from hubapp.data.models import Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput
from hubapp.domain.errors import ConcurrencyConflict
from hubapp.services import plans, referrals
from hubapp.services.context import local_username
from tests.integration.test_security_pg import Org, org  # noqa: F401 - the fixture
from tests.unit.hubapp.services._episode_world import EpisodeWorld
from tests.unit.hubapp.services._world import consent, household, request


@pytest.fixture
def two(db: Database) -> Iterator[tuple[EpisodeWorld, Database]]:
    """An episode world on ``db``, a second client's ``Database`` on the same database, and a
    worker record for the database login both use (so the audit can say who)."""
    w = EpisodeWorld(db)
    login = "postgres" if db.dialect == "postgresql" else local_username()
    with UnitOfWork(db) as uow:
        if uow.session.query(Worker).filter_by(username=login).first() is None:
            uow.session.add(Worker(username=login, display_name="Bea Other"))
        uow.commit()
    other = Database(db.engine.url.render_as_string(hide_password=False))
    yield w, other
    other.dispose()


def _recent(at: dt.datetime | None) -> bool:
    return at is not None and abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=2)


def test_second_plan_save_is_refused_naming_who_and_when(two: tuple[EpisodeWorld, Database]) -> None:
    w, other_db = two
    w.assess()
    opened = plans.start_plan(w.uow(), w.episode_id)          # both open version 1 of the draft
    theirs = plans.save_plan(UnitOfWork(other_db, w.worker_id), w.plan_input(
        opened, network_contribution="Grandad now does the school run."))
    mine = w.plan_input(opened, network_contribution="Nan collects Ella on Thursdays.", review_interval_days=28)
    with pytest.raises(ConcurrencyConflict) as info:
        plans.save_plan(w.uow(), mine)
    conflict = info.value
    assert conflict.changed_by == "Bea Other" and _recent(conflict.changed_at)
    assert "Bea Other" in str(conflict) and "Reload" in str(conflict)
    kept = plans.get_plan(w.uow(), opened.id)
    assert (kept.version, kept.network_contribution, kept.review_interval_days) == (
        theirs.version, "Grandad now does the school run.", 42)

    # Re-apply: take their latest version, put my edit on top, save again.
    again = plans.save_plan(w.uow(), w.plan_input(kept, network_contribution=kept.network_contribution,
                                                  review_interval_days=28))
    assert again.version == theirs.version + 1
    assert (again.network_contribution, again.review_interval_days) == ("Grandad now does the school run.", 28)


def test_second_decision_is_refused_naming_who_and_when(two: tuple[EpisodeWorld, Database]) -> None:
    w, other_db = two
    logged = referrals.log_request(w.uow(), request(w.north, new_family=household(w.north), consent=consent()))
    referrals.decide_request(UnitOfWork(other_db, w.worker_id), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="Needs met already."))
    with pytest.raises(ConcurrencyConflict) as info:
        referrals.decide_request(w.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="ADVICE_SIGNPOST", rationale="Signposted."))
    assert info.value.changed_by == "Bea Other" and _recent(info.value.changed_at)
    stored = referrals.get_request(w.uow(), logged.id)
    assert (stored.outcome, stored.decision_rationale) == ("NFA", "Needs met already.")


@pytest.mark.postgres
def test_with_login_roles_everyone_is_told_who_and_when(org: Org) -> None:  # noqa: F811
    alice, carol = org.backend("alice"), org.backend("carol")
    try:
        logged = referrals.log_request(alice.uow(), request(org.hub_a, family_id=org.family_a, consent=consent()))
        referrals.decide_request(alice.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="Known to school."))
        with pytest.raises(ConcurrencyConflict) as info:
            referrals.decide_request(carol.uow(), DecisionInput(
                request_id=logged.id, expected_version=logged.version, outcome="ADVICE_SIGNPOST", rationale="Advice."))
        assert info.value.changed_by == "Alice Hubworker" and _recent(info.value.changed_at)

        # A hub worker may not read the audit trail, yet is told too: the record says who changed it.
        second = referrals.log_request(carol.uow(), request(org.hub_a, family_id=org.family_a, consent=consent()))
        referrals.decide_request(carol.uow(), DecisionInput(
            request_id=second.id, expected_version=second.version, outcome="NFA", rationale="Known to school."))
        with org.raw("alice") as conn:
            assert conn.execute("SELECT has_table_privilege('audit_event', 'SELECT')").fetchone() == (False,)
        with pytest.raises(ConcurrencyConflict) as info:
            referrals.decide_request(alice.uow(), DecisionInput(
                request_id=second.id, expected_version=second.version, outcome="ADVICE_SIGNPOST", rationale="Advice."))
        assert info.value.changed_by == "Carol Coordinator" and _recent(info.value.changed_at)
        assert "changed by Carol Coordinator at " in str(info.value)
        assert referrals.get_request(alice.uow(), second.id).outcome == "NFA"
    finally:
        alice.close()
        carol.close()


@pytest.mark.postgres
def test_who_changed_a_row_cannot_be_forged_through_psql(org: Org) -> None:  # noqa: F811
    """The database sets ``changed_by`` and ``changed_at`` from the login and the clock, whatever
    the statement says (a person's credentials used in psql)."""
    with org.raw("alice") as conn:
        conn.execute("UPDATE family SET changed_by = 'someone_else', changed_at = '2001-01-01', "
                     "version = version + 1 WHERE id = %s", (org.family_a,))
        who, at = conn.execute("SELECT changed_by, changed_at FROM family WHERE id = %s", (org.family_a,)).fetchone()
        assert who == org.user("alice") and _recent(at)
        # A row another hub's worker cannot read: its last change cannot be read either.
        assert conn.execute("SELECT changed_by FROM family WHERE id = %s", (org.family_b,)).fetchall() == []


def test_every_save_stamps_who_and_when_on_the_record(two: tuple[EpisodeWorld, Database]) -> None:
    w, other_db = two
    logged = referrals.log_request(w.uow(), request(w.north, new_family=household(w.north), consent=consent()))
    referrals.decide_request(UnitOfWork(other_db, w.worker_id), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="NFA", rationale="Needs met already."))
    with UnitOfWork(w.db) as uow:
        who, at = uow.session.execute(text(
            "SELECT changed_by, changed_at FROM request_for_support WHERE id = :id"), {"id": logged.id}).one()
    login = "postgres" if w.db.dialect == "postgresql" else local_username()
    assert who == login and at is not None


@pytest.mark.postgres
def test_a_deadlock_between_two_saves_is_a_refusal_not_a_raw_error(pg_db: Database) -> None:
    w = EpisodeWorld(pg_db)
    other = Database(pg_db.engine.url.render_as_string(hide_password=False))
    both_locked_one = threading.Barrier(2, timeout=10)
    outcomes: dict[str, BaseException | None] = {}

    def save(name: str, db: Database, first: int, second: int) -> None:
        try:
            with UnitOfWork(db, w.worker_id) as uow:
                uow.session.execute(text("UPDATE hub SET name = name WHERE id = :id"), {"id": first})
                both_locked_one.wait()
                uow.session.execute(text("UPDATE hub SET name = name WHERE id = :id"), {"id": second})
                uow.commit()
            outcomes[name] = None
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertions
            outcomes[name] = exc

    threads = [threading.Thread(target=save, args=("a", pg_db, w.north, w.south)),
               threading.Thread(target=save, args=("b", other, w.south, w.north))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    other.dispose()
    failed = [exc for exc in outcomes.values() if exc is not None]
    assert len(outcomes) == 2 and len(failed) == 1, outcomes  # PostgreSQL broke the deadlock: one won
    assert isinstance(failed[0], ConcurrencyConflict), repr(failed[0])
