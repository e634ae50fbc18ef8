"""No double allocation: two coordinators on two real connections act on one item at the same moment,
many times over; exactly one wins and the other is told what happened (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select, text

from hubapp.data.db import Database
from hubapp.data.models import Episode, TransferEvent
from hubapp.data.uow import UnitOfWork
from hubapp.domain.transfer_dto import BulkAllocateInput, TransferActionInput, TransferConflict, TransferDetail
from hubapp.services import queue, transfers

from ._transfer_world import TransferWorld

ROUNDS = 25


def _race(dbs: tuple[Database, Database], actor_ids: tuple[int, int],
          calls: tuple[Callable[[UnitOfWork], object], Callable[[UnitOfWork], object]]) -> list[object]:
    """Run two service calls on two connections, released together by a barrier."""
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(k: int) -> None:
        uow = UnitOfWork(dbs[k], actor_ids[k])
        barrier.wait()
        try:
            results[k] = calls[k](uow)
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result under test
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _accept_vs_decline(tw: TransferWorld, other: Database, rounds: int) -> None:
    for i in range(rounds):
        t = tw.step_down(tw.family(f"Race{i}"))
        results = _race((tw.db, other), (tw.worker_id, tw.ben), (
            lambda uow, t=t: transfers.advance(uow, TransferActionInput(t.id, t.version, "accept", note="Take it.")),
            lambda uow, t=t: transfers.advance(uow, TransferActionInput(t.id, t.version, "decline", note="Too risky.")),
        ))
        winners = [r for r in results if isinstance(r, TransferDetail)]
        losers = [r for r in results if isinstance(r, TransferConflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        state = winners[0].status
        assert state in ("ACCEPTED", "DECLINED")
        assert f"It is now {state}" in str(losers[0]) and losers[0].state == state
        by = "Amira Khan" if state == "ACCEPTED" else "Ben Ortiz"
        assert by in str(losers[0])
        with UnitOfWork(tw.db) as uow:
            actions = list(uow.session.scalars(select(TransferEvent.action).where(TransferEvent.transfer_id == t.id)))
            assert actions.count("accept") + actions.count("decline") == 1
            assert actions.count("triage") == 1
            episodes = uow.session.scalars(select(Episode).where(Episode.family_id == t.row.family_id)).all()
            assert len(episodes) == (1 if state == "ACCEPTED" else 0)


def _allocate_twice(tw: TransferWorld, other: Database, rounds: int) -> None:
    for i in range(rounds):
        t = tw.act(tw.step_down(tw.family(f"Alloc{i}")), "accept", note="OK")
        results = _race((tw.db, other), (tw.worker_id, tw.ben), (
            lambda uow, t=t: transfers.advance(uow, TransferActionInput(t.id, t.version, "allocate",
                                                                        worker_id=tw.ben)),
            lambda uow, t=t: queue.bulk_allocate(uow, BulkAllocateInput(((t.id, t.version),), tw.worker_id)),
        ))
        single, bulk = results
        single_won = isinstance(single, TransferDetail)
        bulk_won = not isinstance(bulk, Exception) and t.id in bulk.allocated  # type: ignore[union-attr]
        assert single_won != bulk_won, results
        lead = tw.ben if single_won else tw.worker_id
        with UnitOfWork(tw.db) as uow:
            episode_lead = uow.session.scalar(select(Episode.lead_worker_id).where(Episode.id == t.row.episode_id))
            actions = list(uow.session.scalars(select(TransferEvent.action).where(TransferEvent.transfer_id == t.id)))
        assert actions.count("allocate") == 1
        assert episode_lead == lead
        if single_won:
            # Skipped while the other held the row (SKIP LOCKED), or refused after it committed.
            reason = dict(bulk.refused)[t.id]  # type: ignore[union-attr]
            assert "ALLOCATED" in reason or "changing it at this moment" in reason
        else:
            assert isinstance(single, TransferConflict) and "allocated to Amira Khan" in str(single)


@pytest.mark.postgres
def test_postgres_two_connections_one_item_exactly_one_winner(pg_url: str) -> None:
    first, second = Database(pg_url), Database(pg_url)
    try:
        tw = TransferWorld(first)
        _accept_vs_decline(tw, second, ROUNDS)
        _allocate_twice(tw, second, ROUNDS)
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_postgres_bulk_allocation_skips_an_item_someone_is_changing(pg_url: str) -> None:
    first, second = Database(pg_url), Database(pg_url)
    try:
        tw = TransferWorld(first)
        a = tw.act(tw.step_down(tw.family("Held")), "accept", note="OK")
        b = tw.act(tw.step_down(tw.family("Free")), "accept", note="OK")
        with second.engine.connect() as holder:  # another coordinator mid-change on item a
            holder.execute(text("SELECT id FROM transfer_request WHERE id = :id FOR UPDATE"), {"id": a.id})
            result = queue.bulk_allocate(tw.uow(), BulkAllocateInput(((a.id, a.version), (b.id, b.version)), tw.ben))
            holder.rollback()
        assert result.allocated == (b.id,)
        assert "changing it at this moment" in dict(result.refused)[a.id]
        assert transfers.get_transfer(tw.uow(), a.id).status == "ACCEPTED"
    finally:
        first.dispose()
        second.dispose()


def test_sqlite_two_connections_one_item_exactly_one_winner(sqlite_url: str) -> None:
    first, second = Database(sqlite_url), Database(sqlite_url)
    try:
        tw = TransferWorld(first)
        _accept_vs_decline(tw, second, ROUNDS)
        _allocate_twice(tw, second, 10)
    finally:
        first.dispose()
        second.dispose()
