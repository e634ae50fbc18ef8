"""SQL building blocks the dashboard shares: dates of timestamps, day differences, month snapshots,
and the hub / team / lead practitioner filter for each kind of record, on SQLite and PostgreSQL.

Timestamps are compared in UTC and their calendar day is the UTC day, as everywhere else in hubapp
(``received_at.date()`` on an aware UTC datetime).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, Integer, Select, cast, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubapp.data.models import Episode, Family, RequestForSupport, TransferRequest, Worker
from hubapp.domain.report_dto import ReportFilter
from hubapp.domain.workdays import WorkingCalendar
from hubapp.services.reference import Timescales


@dataclass
class Ctx:
    """What every indicator's query needs: the session, the filter, the calendar and settings."""

    s: Session
    dialect: str
    flt: ReportFilter
    today: dt.date
    cal: WorkingCalendar
    ts: Timescales
    #: Figures already worked out (by name), e.g. on another connection in parallel (see :meth:`part`).
    parts: dict[str, Any] = field(default_factory=dict)
    #: The kept month parts (``hubapp.services._dashboard_kept.Kept``), where the figures keep them.
    kept: Any = None

    def part(self, name: str, compute: Callable[[Ctx], Any]) -> Any:
        """The figure ``name``: worked out before (``parts``), or by ``compute`` now."""
        if name not in self.parts:
            self.parts[name] = compute(self)
        return self.parts[name]

    @property
    def pg(self) -> bool:
        return self.dialect == "postgresql"

    @property
    def start(self) -> dt.date:
        return self.flt.period_start

    @property
    def end(self) -> dt.date:
        return self.flt.period_end

    @property
    def start_ts(self) -> dt.datetime:
        return midnight(self.flt.period_start)

    @property
    def end_ts(self) -> dt.datetime:
        """Midnight after the last day (timestamps in the period are < this)."""
        return midnight(self.flt.period_end + dt.timedelta(days=1))

    # ---- Dates in SQL

    def day(self, col: Any) -> ColumnElement[dt.date]:
        """The UTC calendar day of a timestamp column."""
        if self.pg:
            # A literal, not a bound parameter, so the same expression can appear in GROUP BY.
            return cast(func.timezone(literal_column("'UTC'"), col), Date)
        return func.date(col, type_=Date)

    def days(self, a: Any, b: Any) -> ColumnElement[int]:
        """``b`` minus ``a`` in whole days (both dates)."""
        if self.pg:
            return cast(cast(b, Date) - cast(a, Date), Integer)
        return cast(func.julianday(b) - func.julianday(a), Integer)

    def date(self, d: dt.date) -> ColumnElement[dt.date]:
        """A date value for SQL."""
        return literal(d, Date)

    def snaps(self, days: Sequence[dt.date]) -> Any:
        """A one-column subquery ``snap`` holding ``days`` (month-end snapshots)."""
        parts = [select(self.date(d).label("snap")) for d in days]
        return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("snaps")

    # ---- Whose work

    def episode_scope(self, e: Any = Episode) -> list[ColumnElement[bool]]:
        """An episode is the hub's, the team's and the lead practitioner's it records."""
        f = self.flt
        out: list[ColumnElement[bool]] = []
        if f.hub_id is not None:
            out.append(e.hub_id == f.hub_id)
        if f.team_id is not None:
            out.append(e.team_id == f.team_id)
        if f.worker_id is not None:
            out.append(e.lead_worker_id == f.worker_id)
        return out

    def request_scope(self) -> list[ColumnElement[bool]]:
        """A request is its hub's; its team and worker are those of who decided it (or logged it,
        before a decision)."""
        f = self.flt
        r = RequestForSupport
        who = func.coalesce(r.decided_by_id, r.created_by_id)
        out: list[ColumnElement[bool]] = []
        if f.hub_id is not None:
            out.append(r.hub_id == f.hub_id)
        if f.team_id is not None:
            out.append(who.in_(select(Worker.id).where(Worker.team_id == f.team_id)))
        if f.worker_id is not None:
            out.append(who == f.worker_id)
        return out

    def transfer_scope(self) -> list[ColumnElement[bool]]:
        """A transfer is its hub's; its team and worker are the receiving lead practitioner's or the
        lead practitioner's of its episode."""
        f = self.flt
        t = TransferRequest
        out: list[ColumnElement[bool]] = []
        if f.hub_id is not None:
            out.append(t.hub_id == f.hub_id)
        if f.team_id is not None:
            out.append(or_(t.episode_id.in_(select(Episode.id).where(Episode.team_id == f.team_id)),
                           t.receiving_worker_id.in_(select(Worker.id).where(Worker.team_id == f.team_id))))
        if f.worker_id is not None:
            out.append(or_(t.receiving_worker_id == f.worker_id,
                           t.episode_id.in_(select(Episode.id).where(Episode.lead_worker_id == f.worker_id))))
        return out

    def family_scope(self, family_id: Any) -> list[ColumnElement[bool]]:
        """A family is its hub's and its keyworker's (and the keyworker's team's)."""
        f = self.flt
        if f.hub_id is None and f.team_id is None and f.worker_id is None:
            return []
        stmt: Select[Any] = select(Family.id)
        if f.hub_id is not None:
            stmt = stmt.where(Family.hub_id == f.hub_id)
        if f.team_id is not None:
            stmt = stmt.where(Family.lead_worker_id.in_(select(Worker.id).where(Worker.team_id == f.team_id)))
        if f.worker_id is not None:
            stmt = stmt.where(Family.lead_worker_id == f.worker_id)
        return [family_id.in_(stmt)]

    def wd(self, a: dt.date | None, b: dt.date | None) -> int | None:
        """Working days from ``a`` to ``b`` (never below 0; None without both)."""
        if a is None or b is None:
            return None
        return max(0, self.cal.working_days_between(a, b))


def midnight(d: dt.date) -> dt.datetime:
    """Midnight UTC at the start of ``d``."""
    return dt.datetime.combine(d, dt.time(0), tzinfo=dt.UTC)


def as_date(value: object) -> dt.date | None:
    """A date from what a driver returns for a date expression (date, datetime or ISO text)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


__all__ = ["Ctx", "as_date", "midnight"]
