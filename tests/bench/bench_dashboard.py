"""Benchmark: the coordinator's dashboard for one hub over the rolling 12 months (issue 9: under
300 ms at p95 on the city-scale data set on PostgreSQL).

:func:`measure` times ``dashboard()`` calls (and one drill-down per run) against a database that
already holds data; the suite's runner calls it. Run on its own (pytest ignores ``tests/bench``)::

    .venv/bin/python -m tests.bench.bench_dashboard --families 100000 [--runs 20] [--keep]
    .venv/bin/python -m tests.bench.bench_dashboard --url postgresql+psycopg://postgres@127.0.0.1/hubapp_bench

Without ``--url`` it creates a PostgreSQL database on the test server (``HUBAPP_TEST_PG_URL``, by
default the local one as ``postgres``), migrates it, fills it with ``hubapp.demo`` at the chosen
scale, measures, and drops it unless ``--keep`` is given. ``--sqlite PATH`` does the same in a
SQLite file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from hubapp.data.db import Database, make_engine
from hubapp.data.migrate import upgrade
from hubapp.data.models import Episode, Hub
from hubapp.data.uow import UnitOfWork
from hubapp.domain.report_dto import ReportFilter
from hubapp.services import dashboard

TARGET_MS = 300.0
#: The drill-down timed with each run (the largest list behind the first indicator).
DRILL_KEY = "front_door"


def busiest_hub(db: Database) -> int | None:
    """The hub with the most episodes (the heaviest realistic filter)."""
    with UnitOfWork(db) as uow:
        return uow.session.scalar(select(Episode.hub_id).group_by(Episode.hub_id)
                                  .order_by(func.count().desc()).limit(1)) or uow.session.scalar(select(Hub.id))


def measure(url: str, hub_id: int | None = None, runs: int = 20,
            before_each: Callable[[], None] | None = None) -> list[float]:
    """Seconds per ``dashboard()`` call for one hub and the rolling 12 months, ``runs`` times after
    one warm-up, followed by one timed drill-down (``front_door``) as the last element.

    On PostgreSQL the months' parts kept by the warm-up are read back unless something changed since
    (:mod:`hubapp.services._dashboard_kept`): ``before_each`` (untimed) can make a change first,
    such as :func:`log_change`.

    Args:
        url: a database at head with data (e.g. from ``hubapp-admin demo``).
        hub_id: the hub to filter on (default: the one with the most episodes).
        runs: how many dashboard calls to time.
        before_each: called before each timed call, outside the timing.

    Returns:
        ``runs`` dashboard timings, then the drill-down's timing, in seconds.
    """
    db = Database(url)
    try:
        hub = hub_id if hub_id is not None else busiest_hub(db)
        flt = ReportFilter.rolling_12_months(dt.date.today(), hub_id=hub)
        dashboard.dashboard(UnitOfWork(db), flt)  # warm up: connection pool, statement caches
        times = []
        for _ in range(runs):
            if before_each is not None:
                before_each()
            start = time.perf_counter()
            dashboard.dashboard(UnitOfWork(db), flt)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        dashboard.drill_down(UnitOfWork(db), flt, DRILL_KEY)
        times.append(time.perf_counter() - start)
        return times
    finally:
        db.dispose()


def log_change(admin_url: str, hub_id: int, source: str | None = None) -> None:
    """Log a change of this month in ``hub_id`` to the table ``source``, as the triggers do when
    someone records something today (needs the database owner: application roles cannot write the
    log), so the dashboard's kept parts of this month, of the figures that read ``source`` (every
    figure for None; all but the front door's for ``episode``), are worked out again and the rest
    read back."""
    engine = create_engine(admin_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO hubapp_dashboard_change (hub_id, from_month, source) "
                              "VALUES (:hub, date_trunc('month', current_date)::date, :source)"),
                         {"hub": hub_id, "source": source})
    finally:
        engine.dispose()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def build(url: str, families: int, seed: int) -> float:
    """Migrate ``url`` and fill it with demo families; returns the seconds the data took."""
    from hubapp.demo import generate

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    try:
        start = time.perf_counter()
        generate(db, families, seed, progress=lambda done, total: print(f"  {done}/{total} families", flush=True))
        return time.perf_counter() - start
    finally:
        db.dispose()


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def main() -> None:
    """Build (or use) a database, measure, and print p50 and p95."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="measure this database as it is (nothing is created or dropped)")
    parser.add_argument("--sqlite", help="build the demo data in this SQLite file instead of PostgreSQL")
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--hub", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database built for the run")
    args = parser.parse_args()
    made: str | None = None
    url = args.url
    if url is None and args.sqlite:
        url = f"sqlite:///{args.sqlite}"
        print(f"Building {args.families} demo families in {args.sqlite}...")
        print(f"Demo data loaded in {build(url, args.families, args.seed):.0f} s")
    elif url is None:
        server = os.environ.get("HUBAPP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        made = f"hubapp_bench_dash_{uuid.uuid4().hex[:8]}"
        with _admin(server).connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{made}"')
        url = make_url(server).set(database=made).render_as_string(hide_password=False)
        print(f"Building {args.families} demo families in database {made}...")
        print(f"Demo data loaded in {build(url, args.families, args.seed):.0f} s")
    try:
        times = measure(url, args.hub, args.runs)
        runs, drill = [t * 1000 for t in times[:-1]], times[-1] * 1000
        p50, p95 = statistics.median(runs), percentile(runs, 95)
        verdict = "ok" if p95 < TARGET_MS else "SLOW"
        print(f"{'measure':<28}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target")
        print(f"{'dashboard, one hub, 12 mo':<28}{len(runs):>6}{p50:>9.1f}{p95:>9.1f}{max(runs):>9.1f}"
              f"  <{TARGET_MS:.0f} {verdict}")
        print(f"{'drill-down ' + DRILL_KEY:<28}{1:>6}{drill:>9.1f}")
    finally:
        if made is not None and not args.keep:
            with _admin(url).connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{made}" WITH (FORCE)')
        elif made is not None:
            print(f"Kept database {made}")


if __name__ == "__main__":
    main()
