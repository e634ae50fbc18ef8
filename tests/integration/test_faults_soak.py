"""Fault 5 (issue 7): twenty clients create and update requests at once, against PostgreSQL.

Twenty threads, each a client with its own ``Database`` (engine and connection), for
``SOAK_SECONDS`` (60 by default; ``HUBAPP_SOAK_SECONDS`` shortens it) or ``MAX_OPS`` operations
each, whichever comes first, on 127.0.0.1 only. Each client mixes:

* logging a request for one of a few shared families (``log_request``);
* deciding a request that is still waiting, chosen from the requests all clients logged, so that
  several clients race for the same row (``decide_request``);
* saving one shared plan draft with its own text (``save_plan``), read-modify-write on one row.

Every acknowledged write must be in the database as acknowledged; every refused one must have
raised ``ConcurrencyConflict`` or ``IllegalTransition`` (a deadlock included: never a raw error);
and the counts reconcile: requests created = rows added, a request's version = 1 + acknowledged
decisions (0 or 1), the plan's version = its first version + acknowledged saves, and its text is
that of the last acknowledged save. The throughput is printed and recorded as a property.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hubapp.data.db import Database
from hubapp.data.models import Plan, RequestForSupport
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput
from hubapp.domain.errors import ConcurrencyConflict, IllegalTransition
from hubapp.services import families, plans, referrals
from tests.unit.hubapp.services._episode_world import EpisodeWorld
from tests.unit.hubapp.services._world import child, household, parent, request

pytestmark = pytest.mark.postgres

CLIENTS = 20
SOAK_SECONDS = float(os.environ.get("HUBAPP_SOAK_SECONDS", "60"))
MAX_OPS = 4000


@dataclass
class ClientLog:
    """What one client did: acknowledged writes, refusals by kind, and anything unexpected."""

    created: list[int] = field(default_factory=list)
    decided: list[tuple[int, str]] = field(default_factory=list)
    plan_saves: list[tuple[int, str]] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    unexpected: list[BaseException] = field(default_factory=list)
    ops: int = 0


class Shared:
    """The requests logged so far (any client may try to decide any of them)."""

    def __init__(self, first: list[int]) -> None:
        self.lock = threading.Lock()
        self.waiting = list(first)

    def pick(self, rng: random.Random) -> int | None:
        with self.lock:
            # The newest few: several clients tend to pick the same one, so decisions really race.
            return rng.choice(self.waiting[-6:]) if self.waiting else None

    def add(self, request_id: int) -> None:
        with self.lock:
            self.waiting.append(request_id)

    def done(self, request_id: int) -> None:
        with self.lock:
            if request_id in self.waiting:
                self.waiting.remove(request_id)


def _client(n: int, url: str, w: EpisodeWorld, family_ids: list[int], plan_id: int, shared: Shared,
            deadline: list[float], start: threading.Barrier, log: ClientLog) -> None:
    db = Database(url)
    rng = random.Random(n)
    uow = lambda: UnitOfWork(db, w.worker_id)  # noqa: E731 - a fresh unit of work per call
    try:
        start.wait()  # the deadline is set just before the barrier opens
        while time.monotonic() < deadline[0] and log.ops < MAX_OPS:
            log.ops += 1
            roll, marker = rng.random(), f"client {n} op {log.ops}"
            try:
                if roll < 0.35:
                    detail = referrals.log_request(uow(), request(
                        w.north, family_id=rng.choice(family_ids), summary=marker,
                        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)))
                    log.created.append(detail.id)
                    shared.add(detail.id)
                elif roll < 0.7:
                    request_id = shared.pick(rng)
                    if request_id is None:
                        continue
                    seen = referrals.get_request(uow(), request_id)
                    if seen.outcome is not None:
                        shared.done(request_id)
                        continue
                    referrals.decide_request(uow(), DecisionInput(
                        request_id=request_id, expected_version=seen.version, outcome="NFA", rationale=marker))
                    log.decided.append((request_id, marker))
                    shared.done(request_id)
                else:
                    plan = plans.get_plan(uow(), plan_id)
                    saved = plans.save_plan(uow(), w.plan_input(plan, network_contribution=marker))
                    log.plan_saves.append((saved.version, marker))
            except (ConcurrencyConflict, IllegalTransition) as exc:
                log.refused[type(exc).__name__] += 1
            except BaseException as exc:  # noqa: BLE001 - anything else is a failure of the test
                log.unexpected.append(exc)
    finally:
        db.dispose()


def test_twenty_clients_for_a_minute_lose_nothing_and_reconcile(
    pg_db: Database, pg_url: str, tmp_path: Path, record_property: pytest.RecordProperty,
) -> None:
    assert "127.0.0.1" in pg_url or "localhost" in pg_url, "the soak test runs on loopback only"
    w = EpisodeWorld(pg_db)
    w.assess()
    plan = plans.save_plan(w.uow(), w.plan_input(plans.start_plan(w.uow(), w.episode_id)))
    family_ids = [w.family_id] + [
        families.create_family(w.uow(), household(w.north, parent("Mo", f"Family{i}"), child("Kai", f"Family{i}"),
                                                  postcode="B12 9QQ")).id
        for i in range(4)]
    with UnitOfWork(pg_db) as u:
        requests_before = u.session.scalar(select(func.count(RequestForSupport.id))) or 0
    first = [referrals.log_request(w.uow(), request(w.north, family_id=f)).id for f in family_ids]
    shared = Shared(first)

    logs = [ClientLog() for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]
    threads = [threading.Thread(target=_client, name=f"soak-client-{i}", daemon=True,
                                args=(i, pg_url, w, family_ids, plan.id, shared, deadline, start, logs[i]))
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    began = time.monotonic()
    deadline[0] = began + SOAK_SECONDS
    start.wait()
    for t in threads:
        t.join(timeout=SOAK_SECONDS + 120)
    elapsed = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a client is still running: something hung"

    unexpected = [e for log in logs for e in log.unexpected]
    assert not unexpected, f"raw errors escaped the services: {unexpected[:5]!r}"
    created = [i for log in logs for i in log.created]
    decided = [d for log in logs for d in log.decided]
    saves = [s for log in logs for s in log.plan_saves]
    refused = sum((log.refused for log in logs), Counter())
    ops = sum(log.ops for log in logs)

    with UnitOfWork(pg_db) as u:
        s = u.session
        rows = {r.id: r for r in s.scalars(select(RequestForSupport))}
        stored_plan = s.get(Plan, plan.id)
        assert stored_plan is not None
        # Every acknowledged request is there, and nothing else was added.
        assert len(rows) == requests_before + len(first) + len(created)
        assert set(created) <= set(rows)
        # Each request decided at most once, as acknowledged; the others still wait.
        winners = Counter(request_id for request_id, _ in decided)
        assert max(winners.values(), default=1) == 1, "two clients were both told they decided one request"
        markers = dict(decided)
        for request_id in (*first, *created):
            row = rows[request_id]
            if request_id in markers:
                assert (row.status, row.outcome, row.decision_rationale, row.version) == (
                    "DECIDED", "NFA", markers[request_id], 2), request_id
            else:
                assert row.outcome is None and row.version == 1, request_id
        # The plan moved once per acknowledged save, and holds the last one's text.
        assert stored_plan.version == plan.version + len(saves)
        assert sorted(v for v, _ in saves) == list(range(plan.version + 1, stored_plan.version + 1))
        if saves:
            assert stored_plan.network_contribution == max(saves)[1]

    acknowledged = len(created) + len(decided) + len(saves)
    figures = {
        "clients": CLIENTS, "seconds": round(elapsed, 1), "operations": ops, "acknowledged": acknowledged,
        "created": len(created), "decided": len(decided), "plan_saves": len(saves), "refused": dict(refused),
        "ops_per_second": round(ops / elapsed, 1), "acknowledged_per_second": round(acknowledged / elapsed, 1),
    }
    (tmp_path / "soak.json").write_text(json.dumps(figures, indent=1))
    for key in ("ops_per_second", "acknowledged_per_second", "operations", "refused"):
        record_property(key, figures[key])
    print(f"\nsoak: {json.dumps(figures)}")
    # The races were real: some saves were refused, and plenty went through.
    assert sum(refused.values()) > 0 and len(created) > CLIENTS and len(decided) > 0 and len(saves) > 0
