"""Deterministic synthetic demo data at any size, for demonstrations, manual testing and benchmarks.

:func:`generate` adds ``families`` households with three years of history to a database at
the head revision: requests for support in every state and with every outcome, consent and
information sharing, episodes in every state with assessments, needs, plan versions, TAF
meetings, outcome scores, case notes and closures, and step-up and step-down requests with
their event history. It creates the demo hubs, teams, workers and agencies it needs if they
are missing, so it can be called again on the same database to add more families.

Everything is synthetic: NHS numbers only from the never-issued 999 range, telephone numbers
from Ofcom's drama range, e-mail addresses at example.org.

Rows are built as plain dicts with their ids assigned up front (from ``max(id) + 1``) and
inserted in bulk, thousands per statement, committing every few tens of thousands of rows.
An interrupted run keeps the families already committed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import func, select

from hubapp.data.db import Database
from hubapp.data.models import Family

from .casework import CYCLE, Case
from .org import ensure_org
from .people import AREAS, Pools
from .sink import Sink

__all__ = ["CYCLE", "DemoSummary", "generate"]

#: Queued rows that trigger an insert and a commit.
FLUSH_ROWS = 25_000


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` added.

    Args:
        families: families added.
        seed: the seed used.
        counts: rows added per table (only tables that got rows), in insert order.
        seconds: wall-clock time taken.
    """

    families: int
    seed: int
    counts: Mapping[str, int]
    seconds: float

    @property
    def total(self) -> int:
        """All rows added."""
        return sum(self.counts.values())


def generate(
    db: Database,
    families: int,
    seed: int = 1,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Add ``families`` synthetic families (with their whole history) to ``db``.

    The same seed, size and ``today`` on an empty database give identical rows. On a database
    that already has families the random stream is derived from the seed and the first new
    family id, so a second call adds different families rather than copies.

    Args:
        db: a database at the head revision (the caller checks; see ``migrate.verify_schema``).
        families: how many families to add (0 only makes sure the organisation exists).
        seed: the random seed.
        today: the date the history runs up to (default: today). Nothing happens after it
            except scheduled meetings, due dates, hold-until dates and expected births.
        progress: called as ``progress(done, families)`` from time to time and at the end.

    Returns:
        Counts per table and the seconds taken.
    """
    if families < 0:
        raise ValueError("families must be 0 or more")
    started = time.perf_counter()
    today = today or dt.date.today()
    fallback = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    with db.sessionmaker() as session:
        sink = Sink(session, fallback)
        existing = session.scalar(select(func.count()).select_from(Family)) or 0
        first_id = sink.peek_id(Family)
        org = ensure_org(session, sink, existing + families, today - dt.timedelta(days=4 * 365))
        session.commit()
        rng = random.Random(seed if first_id == 1 else seed * 1_000_003 + first_id)
        pools = Pools(seed)
        flip: dict[str, int] = {}
        n_hubs = len(org.hubs)
        hub_areas = [AREAS[i::n_hubs] for i in range(n_hubs)]
        salt = 271_828  # fixed, so NHS numbers stay unique by person id across calls and seeds
        every = max(1, min(1000, families // 20))
        for i in range(families):
            h = rng.randrange(n_hubs)
            case = Case(rng, sink, pools, org.hubs[h], hub_areas[h], org.agencies, today, flip,
                        salt)
            case.run(CYCLE[i] if i < len(CYCLE) else None)
            if sink.size >= FLUSH_ROWS:
                _commit(sink)
            if progress is not None and (i + 1) % every == 0 and i + 1 < families:
                progress(i + 1, families)
        _commit(sink)
    if progress is not None:
        progress(families, families)
    return DemoSummary(families, seed, MappingProxyType(dict(sink.counts)),
                       time.perf_counter() - started)


def _commit(sink: Sink) -> None:
    """Insert what is queued, keep PostgreSQL's id sequences ahead of it, and commit."""
    sink.flush()
    sink.fix_sequences()
    sink.session.commit()
