"""Fault 1 (issue 7): the connection is killed in the middle of a save.

An administrator's ``pg_terminate_backend`` ends the server process right after the save's first
INSERT (or UPDATE) ran. The service must raise ``DatabaseUnavailable`` (never a raw driver error),
leave nothing half-written in any table, and a second attempt must succeed once.
"""

from __future__ import annotations

import pytest

from hubapp.data.db import Database
from hubapp.domain.errors import DatabaseUnavailable
from hubapp.services import plans, referrals
from tests.integration._faults import killed_mid_save, table_counts
from tests.unit.hubapp.services._episode_world import EpisodeWorld
from tests.unit.hubapp.services._world import World, consent, household, request

pytestmark = pytest.mark.postgres


def test_a_request_killed_mid_save_leaves_nothing_and_saves_on_retry(pg_db: Database) -> None:
    w = World(pg_db)
    new = request(w.north, new_family=household(w.north), consent=consent())
    before = table_counts(pg_db)
    with killed_mid_save(pg_db.engine, "INSERT") as killed, pytest.raises(DatabaseUnavailable) as info:
        referrals.log_request(w.uow(), new)
    assert killed, "the save never reached its first INSERT"
    assert "cannot be reached" in str(info.value)
    assert table_counts(pg_db) == before  # not a family, a person or a consent left behind

    saved = referrals.log_request(w.uow(), new)  # the pool drops the dead connection: a new one works
    after = table_counts(pg_db)
    assert after["request_for_support"] == before["request_for_support"] + 1
    assert after["family"] == before["family"] + 1
    assert referrals.get_request(w.uow(), saved.id).summary == new.summary


def test_a_plan_killed_mid_save_keeps_the_saved_version_and_saves_on_retry(pg_db: Database) -> None:
    w = EpisodeWorld(pg_db)
    w.assess()
    plan = plans.start_plan(w.uow(), w.episode_id)
    data = w.plan_input(plan)
    before = table_counts(pg_db)
    with killed_mid_save(pg_db.engine, "UPDATE") as killed, pytest.raises(DatabaseUnavailable):
        plans.save_plan(w.uow(), data)
    assert killed
    assert table_counts(pg_db) == before
    unchanged = plans.get_plan(w.uow(), plan.id)
    assert (unchanged.version, unchanged.goals, unchanged.network_contribution) == (
        plan.version, plan.goals, plan.network_contribution)

    saved = plans.save_plan(w.uow(), data)  # the same input, the same expected version: it was never applied
    assert saved.version == plan.version + 1
    assert [len(g.actions) for g in saved.goals] == [2, 1]
    assert plans.get_plan(w.uow(), plan.id).network_contribution == "Nan collects Ella on Thursdays."


def test_a_kill_during_commit_is_reported_as_unavailable_not_a_driver_error(pg_db: Database) -> None:
    w = World(pg_db)
    before = table_counts(pg_db)
    # Killed when everything is written and the transaction is about to commit: the COMMIT fails.
    with killed_mid_save(pg_db.engine, "COMMIT") as killed, pytest.raises(DatabaseUnavailable):
        referrals.log_request(w.uow(), request(w.north, new_family=household(w.north), consent=consent()))
    assert killed
    assert table_counts(pg_db) == before
