"""The dashboard's kept month figures (PostgreSQL, migrations 0007 to 0009).

A figure made of monthly parts (a count per month, a snapshot at each month end) keeps each
month's part in ``hubapp_dashboard_cell``, for the person who worked it out, with the snapshot it
was read in. The next time that person opens the dashboard for the hub, a part is used again while
no change that the reader's snapshot sees, of that hub, of a table the figure reads (:data:`READS`)
and of that month or earlier, is missing from the part's snapshot (the triggers of migrations 0007
to 0009 log every change with its table and the first month it can move). So only the months
that changed, of the figures that read what changed, are worked out from the records again; the
figures are the same as working everything out, which
``tests/unit/hubapp/services/test_dashboard_kept.py`` checks after every kind of edit the figures
read.

Parts are kept for one day and for one set of the inputs that are not records (:func:`basis`): the
timescales and holidays, the person's hubs, what "today" is, and :data:`VERSION` of the parts'
definitions. Only the hub filter keeps parts (a team or a worker is a small share of a hub, and
moves with reassignments the log does not follow); SQLite works every figure out each time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ._dashboard_sql import Ctx

log = logging.getLogger(__name__)

#: The definition of the kept parts; change it whenever what a part holds or means changes, so
#: parts kept by an older program are not read as new ones.
VERSION = 4

#: The tables each kept figure's parts read (their changes are logged, migrations 0007 and 0008): a
#: change logged for another table leaves the figure's parts valid (migration 0009 logs the table).
#: A figure not named here, or a change logged without its table, makes every part stale.
READS: dict[str, tuple[str, ...]] = {
    "review": ("episode", "plan", "meeting"),
    "consent": ("episode", "consent_record"),
    "assessment": ("episode", "assessment"),
    "re_referral": ("episode", "episode_child", "request_for_support", "request_person"),
    "escalation": ("episode", "request_for_support", "transfer_request", "transfer_event"),
    "distance": ("episode", "outcome_measurement"),
    "claimable": ("episode", "need"),
    "front_door": ("request_for_support",),
    "time_to_allocation": ("episode", "request_for_support"),
    "step_up": ("episode", "transfer_request", "transfer_event"),
    # The revolving door's families with a start in scope, kept by month for it.
    "revolving_scope": ("episode", "request_for_support", "transfer_request"),
    # Social care episodes are inferred from the transfers' own dates and decisions, not their history.
    "revolving_door": ("episode", "episode_child", "request_for_support", "transfer_request", "family_membership"),
}

#: The valid parts: those of the hub and basis with no change that the reader sees, of a table the
#: figure reads and of the part's month or earlier, missing from the snapshot the part was read in.
#: Parts kept together share a snapshot, so the log is read once per snapshot (few), from the oldest
#: transaction a snapshot can miss, and then matched to the figures' tables (``MATERIALIZED``: each
#: step once, not once per part).
_READ = text("""
    WITH mine AS MATERIALIZED (
        SELECT indicator, span, payload, month, snap FROM hubapp_dashboard_cell
        WHERE hub_id = :hub AND basis = :basis),
    snaps AS MATERIALIZED (
        SELECT snap, snap::pg_snapshot AS seen FROM (SELECT DISTINCT snap FROM mine) s),
    unseen AS MATERIALIZED (
        SELECT s.snap, x.source, min(x.from_month) AS since FROM snaps s
        JOIN hubapp_dashboard_change x
          ON x.hub_id = :hub AND NOT pg_visible_in_snapshot(x.txid::text::xid8, s.seen)
        WHERE x.txid >= (SELECT min(pg_snapshot_xmin(seen))::text::bigint FROM snaps)
        GROUP BY s.snap, x.source),
    reads AS MATERIALIZED (
        SELECT r.key AS indicator, t.source
        FROM jsonb_each(CAST(:reads AS jsonb)) r CROSS JOIN LATERAL jsonb_array_elements_text(r.value) t(source)),
    stale AS MATERIALIZED (
        SELECT m.snap, m.indicator, min(u.since) AS since
        FROM (SELECT DISTINCT snap, indicator FROM mine) m JOIN unseen u ON u.snap = m.snap
        WHERE u.source IS NULL
           OR NOT EXISTS (SELECT 1 FROM reads r WHERE r.indicator = m.indicator)
           OR EXISTS (SELECT 1 FROM reads r WHERE r.indicator = m.indicator AND r.source = u.source)
        GROUP BY m.snap, m.indicator)
    SELECT m.indicator, m.span, m.payload FROM mine m
    LEFT JOIN stale ON stale.snap = m.snap AND stale.indicator = m.indicator
    WHERE stale.since IS NULL OR m.month < stale.since""")

_WRITE = text("""
    INSERT INTO hubapp_dashboard_cell (hub_id, indicator, span, basis, month, snap, payload)
    VALUES (:hub, :indicator, :span, :basis, :month, CAST(:snap AS text), CAST(:payload AS jsonb))
    ON CONFLICT (owner, hub_id, basis, indicator, span)
    DO UPDATE SET month = excluded.month, snap = excluded.snap, payload = excluded.payload, kept_at = now()""")


class Kept:
    """The valid kept parts of one dashboard's hub (:meth:`get`) and the parts worked out since
    (:meth:`put`), written back by :meth:`save`."""

    def __init__(self, hub_id: int, basis: str, snap: str, found: dict[tuple[str, str], Any]) -> None:
        self.hub_id, self.basis, self.snap = hub_id, basis, snap
        self._found = found
        self._new: dict[tuple[str, str], tuple[dt.date, Any]] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, ctx: Ctx) -> Kept | None:
        """The kept parts for ``ctx``'s filter, or None where none are kept (SQLite, a team or worker
        filter, no hub). Call it first in the dashboard's transaction, which must read one snapshot."""
        f = ctx.flt
        if not ctx.pg or f.hub_id is None or f.team_id is not None or f.worker_id is not None:
            return None
        basis = basis_of(ctx)
        snap = str(ctx.s.connection().exec_driver_sql("SELECT pg_current_snapshot()::text").scalar())
        found = {(i, span): payload for i, span, payload in ctx.s.execute(
            _READ, {"hub": f.hub_id, "basis": basis, "reads": json.dumps(READS)})}
        return cls(f.hub_id, basis, snap, found)

    def get(self, indicator: str, span: str) -> Any:
        """The kept part, or None."""
        return self._found.get((indicator, span))

    def count(self, indicator: str) -> int:
        """How many valid parts of ``indicator`` are kept."""
        return sum(1 for i, _ in self._found if i == indicator)

    def put(self, indicator: str, span: str, month: dt.date, payload: Any) -> None:
        """Keep a part worked out now; ``month`` is the first day of the month it belongs to (a
        change of that month or earlier makes it stale)."""
        with self._lock:
            self._new[(indicator, span)] = (month, payload)

    @property
    def fresh(self) -> int:
        """How many parts were worked out now (to be kept by :meth:`save`)."""
        return len(self._new)

    def save(self, ctx: Ctx) -> None:
        """Write the parts worked out now, and drop this person's parts of other days or settings.

        In a savepoint: a failure (a lost race with the same person's other window, say) only
        means the parts are worked out again next time."""
        if not self._new:
            return
        rows = [{"hub": self.hub_id, "indicator": i, "span": span, "basis": self.basis, "month": month,
                 "snap": self.snap, "payload": json.dumps(payload)} for (i, span), (month, payload) in self._new.items()]
        try:
            with ctx.s.begin_nested():
                old = ctx.s.execute(text("DELETE FROM hubapp_dashboard_cell WHERE basis <> :basis"),
                                    {"basis": self.basis}).rowcount
                ctx.s.execute(_WRITE, rows)
                if old:  # once a day or so: forget changes no kept part can be older than
                    ctx.s.execute(text("SELECT hubapp_dashboard_prune()"))
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            log.info("Dashboard parts not kept: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)


def basis_of(ctx: Ctx) -> str:
    """What, besides the records, the kept parts were worked out with: the parts' definition, today,
    the timescales, the holidays of the years around the period and who is asking (their hubs)."""
    who = ctx.s.connection().exec_driver_sql(
        "SELECT hubapp_is_admin(), hubapp_worker_hubs(), session_user::text").one()
    years = range(ctx.start.year - 3, max(ctx.end.year, ctx.today.year) + 2)
    holidays = [sorted(ctx.cal.holidays_in(y)) for y in years]
    parts = [VERSION, ctx.today.isoformat(), repr(ctx.ts), [str(d) for y in holidays for d in y],
             bool(who[0]), sorted(who[1] or []), who[2]]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def span_of(a: dt.date, b: dt.date) -> str:
    """A part's key: the days it covers (one day for a snapshot)."""
    return a.isoformat() if a == b else f"{a.isoformat()}/{b.isoformat()}"


__all__ = ["READS", "VERSION", "Kept", "basis_of", "span_of"]
