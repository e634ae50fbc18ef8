"""Make the city-scale benchmark database: a fresh PostgreSQL database or SQLite file, migrated to
head, filled by the demo generator, with 2,000,000 audit rows and fresh planner statistics.

Loading, the demo generator writes through ``COPY`` (PostgreSQL) or the driver's ``executemany``
(SQLite); see ``hubapp.demo.sink``. On PostgreSQL the loading connection runs with
``session_replication_role = replica``, so the per-row audit triggers (and foreign-key triggers)
of migration 0002 do not fire: letting them fire would write one audit row per generated row
(about 9 million at city scale, at plpgsql speed). The audit table is instead filled afterwards,
in the database, with the rows the trigger would have written for the first inserts of the
busiest tables (action ``INSERT``, the row's key, its full ``to_jsonb`` image as ``new_data``, a
demo worker as ``db_user``, the row's own timestamp): realistic content and volume for the
indexes and the chronology, written in a minute instead of a quarter of an hour. The visibility
table that migration 0003's triggers keep (``hubapp_family_hub``) is rebuilt once, from the rows.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from hubapp.data.db import Database, make_engine
from hubapp.data.migrate import upgrade
from hubapp.data.models import Base
from hubapp.demo import generate

#: Scales: name -> families. "city" is DESIGN.md's "What fast means here".
SCALES = {"city": 100_000, "town": 20_000, "small": 2_000, "tiny": 200}
#: Audit rows at city scale (DESIGN.md), scaled down with the families for smaller scales.
CITY_AUDIT_ROWS = 2_000_000
#: The tables whose inserts make up the audit rows, busiest first (each up to what is left).
AUDIT_TABLES = ("person", "family", "family_membership", "address", "request_for_support", "episode",
                "plan", "transfer_request", "transfer_event", "case_note", "meeting", "plan_action",
                "plan_goal", "outcome_measurement", "meeting_attendee")
_STAMP_COLUMNS = ("created_at", "recorded_at", "received_at", "requested_at", "at", "noted_at")
#: Fixed "today" of the generated history, so runs on different days load the same rows.
TODAY = dt.date(2026, 3, 31)


@dataclass
class LoadReport:
    """How a load went: seconds per step and rows per table."""

    database: str
    families: int
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def admin_engine(admin_url: str) -> Engine:
    """An autocommit engine on the server's maintenance database (to create and drop databases)."""
    return create_engine(admin_url, isolation_level="AUTOCOMMIT")


def create_pg_database(admin_url: str) -> str:
    """Create an empty database with a unique name; returns its URL (same server and login)."""
    name = f"hubapp_bench_{uuid.uuid4().hex[:10]}"
    engine = admin_engine(admin_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    """Drop a benchmark database (after closing whatever is still connected to it)."""
    name = make_url(url).database
    assert name and name.startswith("hubapp_bench_"), name
    engine = admin_engine(admin_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name})
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    engine.dispose()


def drop_pg_roles(admin_url: str, prefix: str) -> list[str]:
    """Drop the group roles migration 0002 made with this run's ``prefix``; returns their names."""
    engine = admin_engine(admin_url)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p ORDER BY "
                                  "rolname = :app"),
                             {"p": prefix.replace("_", r"\_") + "%", "app": f"{prefix}app"}).scalars().all()
        for name in names:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
    engine.dispose()
    return list(names)


def audit_rows_for(families: int) -> int:
    """The audit rows that go with ``families`` (2,000,000 at city scale)."""
    return CITY_AUDIT_ROWS * families // SCALES["city"]


def load(url: str, families: int, seed: int = 1, log: Any = print) -> LoadReport:
    """Migrate ``url`` to head and fill it; returns the times and the row counts."""
    report = LoadReport(make_url(url).get_backend_name(), families)
    engine = make_engine(url)
    start = time.perf_counter()
    upgrade(engine)
    report.seconds["migrate"] = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _no_triggers)
        engine.dispose()  # connections made from now on skip the triggers
    db = Database(engine=engine)
    shown = [-1]

    def progress(done: int, total: int) -> None:
        if done * 10 // total > shown[0]:
            shown[0] = done * 10 // total
            log(f"  {done:>7}/{total} families  {time.perf_counter() - start:6.0f} s")

    start = time.perf_counter()
    summary = generate(db, families, seed, today=TODAY, progress=progress)
    report.seconds["generate"] = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        # The triggers that keep the visibility table (migration 0003) did not fire either.
        with engine.begin() as conn:
            conn.execute(text("SELECT hubapp_family_hub_rebuild()"))
    start = time.perf_counter()
    audit = audit_rows_for(families)
    _fill_audit(engine, audit)
    report.seconds["audit"] = time.perf_counter() - start
    start = time.perf_counter()
    _analyse(engine)
    report.seconds["analyse"] = time.perf_counter() - start
    report.counts = dict(summary.counts)
    report.counts["audit_event"] = count_rows(engine, "audit_event")
    engine.dispose()
    return report


def count_rows(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of a database (for a reused one)."""
    engine = make_engine(url)
    counts = {t.name: count_rows(engine, t.name) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return {k: v for k, v in counts.items() if v}


def _no_triggers(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET session_replication_role = replica")
    cursor.close()
    dbapi_connection.commit()


def _fill_audit(engine: Engine, wanted: int) -> None:
    """Audit rows as the 0002 trigger writes them, for the first inserts of ``AUDIT_TABLES``."""
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        users = conn.execute(text("SELECT username FROM worker ORDER BY id")).scalars().all()
        left = wanted - conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
        for name in AUDIT_TABLES:
            if left <= 0:
                break
            table = Base.metadata.tables[name]
            cols = [c.name for c in table.columns]
            stamp = next((c for c in _STAMP_COLUMNS if c in cols), None)
            key = " || ',' || ".join(f"CAST(t.{c.name} AS TEXT)" for c in table.primary_key.columns)
            if pg:
                image = "to_jsonb(t)"
                at = f"t.{stamp}" if stamp else "now()"
                user = f"(CAST(:users AS text[]))[1 + abs(hashtext({key})) % :n]"
                tx = f"{500_000_000 + AUDIT_TABLES.index(name) * 10_000_000} + row_number() OVER ()"
            else:
                image = "json_object(" + ", ".join(f"'{c}', t.{c}" for c in cols) + ")"
                at = f"t.{stamp}" if stamp else "CURRENT_TIMESTAMP"
                user = "(SELECT username FROM worker w WHERE w.id = 1 + t.rowid % :n)"
                tx = "NULL"
            sql = (f"INSERT INTO audit_event (at, db_user, action, table_name, row_key, old_data, "
                   f"new_data, tx_id) SELECT {at}, {user}, 'INSERT', '{name}', {key}, NULL, {image}, "
                   f'{tx} FROM "{name}" t LIMIT :left')
            params: dict[str, Any] = {"n": len(users), "left": left}
            if pg:
                params["users"] = list(users)
            left -= conn.execute(text(sql), params).rowcount


def _analyse(engine: Engine) -> None:
    """Fresh planner statistics (autovacuum would get there; a benchmark should not wait for it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
