"""Time each screen's service call as the program makes it, and the same SQL sent bare.

A screen's time is one call of the ``hubapp.services`` function its page calls (on a fresh
``UnitOfWork`` from a signed-in ``Backend``, as in a worker thread of the program). While one
call runs, a ``before_cursor_execute`` listener records every statement and its parameters as
handed to the driver; the recorded statements are then replayed with the bare driver (psycopg or
sqlite3) on a connection of the same login, in one transaction ended as the service ended it,
and timed the same way. Screen time ÷ bare SQL time is what the layers above the driver cost
(SQLAlchemy, the ORM, building DTOs, the Python scoring of search hits).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import event, or_, select
from sqlalchemy.engine import make_url

from hubapp.data.models import Base, Family, FamilyMembership, Person, RequestForSupport
from hubapp.domain import states
from hubapp.domain.dto import ConsentInput, NewRequest, RequestFilter
from hubapp.domain.transfer_dto import QueueFilter
from hubapp.services import families, queue, referrals, search
from hubapp.services.session import Backend

#: The referrer named on the requests the benchmark saves (so a later run can leave them out).
BENCH_REFERRER = "Bench Referrer"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@dataclass
class Timing:
    """Times in ms of one measure, and what it was measured on."""

    times: list[float]
    bare: list[float] = field(default_factory=list)
    statements: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    @property
    def bare_p50(self) -> float | None:
        return statistics.median(self.bare) if self.bare else None


class Recorder:
    """Records the statements an engine sends while :attr:`on` is true."""

    def __init__(self, engine: Any) -> None:
        self.on = False
        self.calls: list[tuple[str, Any, bool]] = []
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                executemany: bool) -> None:
        if self.on:
            self.calls.append((statement, parameters, executemany))

    def record(self, call: Callable[[], object]) -> list[tuple[str, Any, bool]]:
        self.calls, self.on = [], True
        try:
            call()
        finally:
            self.on = False
        return self.calls


class BareReplay:
    """Sends recorded statements with the bare driver, on one connection kept open."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.conn: Any = sqlite3.connect(parsed.database, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys=ON")
        else:
            self.conn = psycopg.connect(
                host=parsed.host, port=parsed.port or 5432, dbname=parsed.database,
                user=parsed.username, password=parsed.password)

    def run(self, calls: list[tuple[str, Any, bool]]) -> float:
        """Replay ``calls`` in one transaction; returns ms.

        A read is rolled back. A write is rolled back too, after its rows are in: first (untimed)
        the rows with the same natural key as the recorded call's link rows are deleted (e.g.
        ``request_need (request_id, need_code)``), since the recorded call already committed them.
        """
        writes = any(not s.lstrip().upper().startswith(("SELECT", "WITH")) for s, _, _ in calls)
        cursor = self.conn.cursor()
        if self.dialect == "sqlite":
            cursor.execute("BEGIN")
        if writes:
            for statement, params in _link_row_deletes(calls, self.dialect):
                cursor.execute(statement, params)
        start = time.perf_counter()
        for statement, params, many in calls:
            if many:
                cursor.executemany(statement, params)
            else:
                cursor.execute(statement, params)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = (time.perf_counter() - start) * 1000
        if self.dialect == "sqlite":
            cursor.execute("ROLLBACK")
        else:
            self.conn.rollback()
        cursor.close()
        return elapsed

    def close(self) -> None:
        self.conn.close()


_INSERT = re.compile(r'^\s*INSERT INTO "?(\w+)"? \(([^)]*)\)', re.IGNORECASE)


def _link_row_deletes(calls: list[tuple[str, Any, bool]], dialect: str) -> list[tuple[str, Any]]:
    """DELETEs of the rows a recorded write put in tables keyed by their columns (no ``id``)."""
    out = []
    for statement, params, many in calls:
        match = _INSERT.match(statement)
        if match is None:
            continue
        table = Base.metadata.tables.get(match.group(1))
        if table is None or "id" in table.c:
            continue
        columns = [c.strip().strip('"') for c in match.group(2).split(",")]
        keys = [c.name for c in table.primary_key.columns]
        rows = []
        for p in (params if many else [params]):
            if isinstance(p, dict) and keys[0] not in p:  # insertmanyvalues: request_id__0, ...
                n = sum(1 for name in p if name.startswith(keys[0] + "__"))
                rows += [{k: p[f"{k}__{i}"] for k in keys} for i in range(n)]
            elif isinstance(p, dict):
                rows.append(p)
            else:
                rows.append(dict(zip(columns, p, strict=False)))
        for values in rows:
            if dialect == "sqlite":
                where = " AND ".join(f"{k} = ?" for k in keys)
                out.append((f"DELETE FROM {table.name} WHERE {where}", tuple(values[k] for k in keys)))
            else:
                where = " AND ".join(f"{k} = %({k})s" for k in keys)
                out.append((f"DELETE FROM {table.name} WHERE {where}", {k: values[k] for k in keys}))
    return out


@dataclass(frozen=True)
class Subjects:
    """What the screens are measured on, picked from the signed-in worker's hubs."""

    exact: str
    misspelt: str
    family_id: int
    family_note: str
    request_family_id: int
    request_children: tuple[int, ...]


def misspell(word: str) -> str:
    """``word`` with two inner letters swapped ("Fletcher" -> "Fltecher")."""
    if len(word) < 4:
        return word + word[-1]
    i = len(word) // 2 - 1
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def pick_subjects(backend: Backend) -> Subjects:
    """A person to search for, the busiest family to open, a family to log a request for."""
    hubs = backend.actor.hub_ids if backend.actor else ()
    with backend.uow() as uow:
        s = uow.session
        # The family with the most requests in the worker's hubs: "everything on it". Requests an
        # earlier run saved (``--reuse``) do not count, or each run would open a heavier family
        # than the last (the one it saved 30 requests into).
        counts = s.execute(
            select(RequestForSupport.family_id)
            .join(Family, Family.id == RequestForSupport.family_id)
            .where(Family.hub_id.in_(hubs),
                   or_(RequestForSupport.referrer_name.is_(None), RequestForSupport.referrer_name != BENCH_REFERRER))
        ).scalars().all()
        tally: dict[int, int] = {}
        for fid in counts:
            tally[fid] = tally.get(fid, 0) + 1
        family_id = max(tally, key=lambda k: (tally[k], k))
        person = s.execute(
            select(Person.given_name, Person.family_name)
            .join(FamilyMembership, FamilyMembership.person_id == Person.id)
            .where(FamilyMembership.family_id == family_id, Person.dob_is_expected.is_(False))
            .order_by(Person.id).limit(1)
        ).one()
        other = sorted(tally)[len(tally) // 2]
        children = tuple(s.scalars(
            select(FamilyMembership.person_id).where(
                FamilyMembership.family_id == other,
                FamilyMembership.relation.in_(("SELF", "SIBLING", "HALF_SIBLING")),
                FamilyMembership.end_date.is_(None))
        ).all())
    family_name = person.family_name.split()[-1]
    return Subjects(
        exact=f"{person.given_name} {person.family_name}",
        misspelt=f"{person.given_name} {misspell(family_name)}",
        family_id=family_id, family_note=f"{tally.get(family_id, 0)} requests",
        request_family_id=other, request_children=children[:3],
    )


def new_request(backend: Backend, subjects: Subjects) -> NewRequest:
    """A request for support about an existing family, with consent (the front door's save)."""
    hub = backend.actor.hub_ids[0] if backend.actor else 1
    return NewRequest(
        hub_id=hub, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5), source="SCHOOL_DSL",
        referrer_name=BENCH_REFERRER, referrer_organisation="Sparkhill Academy",
        referrer_role="Designated safeguarding lead", referrer_contact="0121 496 0000",
        channel="PHONE", urgency="ROUTINE", level_of_need=3,
        presenting_needs=("WELLBEING_DEVELOPMENT",), summary="Attendance has dropped this term.",
        family_id=subjects.request_family_id, subject_person_ids=subjects.request_children,
        consent=ConsentInput(giver_name="Bench Parent", giver_relationship="MOTHER",
                             capacity="PARENTAL_RESPONSIBILITY", agreed=True, method="VERBAL",
                             given_on=dt.date.today()),
    )


def screen_calls(backend: Backend, subjects: Subjects) -> dict[str, Callable[[], object]]:
    """Each measured screen: its name and the service call its page makes."""
    hubs = backend.actor.hub_ids if backend.actor else ()
    undecided = tuple(sorted(s.value for s in states.REQUEST_UNDECIDED_STATES))
    request = new_request(backend, subjects)

    def queue_page() -> object:  # the page loads the queue and its counts together
        return (queue.step_down_queue(backend.uow(), QueueFilter(hub_ids=hubs)),
                queue.counts(backend.uow(), hubs))

    return {
        "search by name, exact": lambda: search.quick_search(backend.uow(), subjects.exact),
        "search by name, misspelt": lambda: search.quick_search(backend.uow(), subjects.misspelt),
        "family record, everything": lambda: families.get_family(backend.uow(), subjects.family_id),
        "referrals inbox, first page": lambda: referrals.list_requests(
            backend.uow(), RequestFilter(hub_ids=hubs, statuses=undecided, limit=100)),
        "referrals inbox, all statuses": lambda: referrals.list_requests(
            backend.uow(), RequestFilter(hub_ids=hubs, limit=100)),
        "step-down queue, first page": queue_page,
        "save a request for support": lambda: referrals.log_request(backend.uow(), request),
    }


def measure_screen(backend: Backend, call: Callable[[], object], runs: int, warmup: int,
                   bare: BareReplay | None) -> Timing:
    """``runs`` timed calls after ``warmup``; then the last call's SQL replayed bare ``runs`` times."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    recorder = Recorder(backend.db.engine)
    calls = recorder.record(call)
    event.remove(backend.db.engine, "before_cursor_execute", recorder._before)
    timing = Timing(times, statements=len(calls))
    if bare is not None and calls:
        for _ in range(warmup):
            bare.run(calls)
        timing.bare = [bare.run(calls) for _ in range(runs)]
    return timing

