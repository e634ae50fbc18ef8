"""Reference data for pick lists and rules: code lists, hubs, workers, timescales, holidays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, Table, select

from hubapp import bank_holidays
from hubapp.data.models import CodeListItem, HolidayOverride, Hub, Setting, Worker, WorkerHub, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import CodeItem, HubRow, WorkerRow
from hubapp.domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Timescales:
    """Configurable timescales, in working days unless named otherwise.

    Defaults follow DOMAIN.md (front door one working day; EH allocation ten; assessment ten;
    review interval 42 days). An authority changes them in the ``setting`` table.
    """

    front_door_wd: int = 1
    allocation_wd: int = 10
    assessment_wd: int = 10
    review_interval_days: int = 42
    step_up_decision_wd: int = 1
    # Transfers (DOMAIN §3; no national standard, so each is a local setting). A step-down is
    # decided like a step-up (1), allocated within allocation_wd of acceptance, and its handover
    # meeting is the first TAF, within six weeks (30). The rest are local defaults.
    step_up_endorsement_wd: int = 1
    step_down_decision_wd: int = 1
    step_down_declined_wd: int = 5
    step_down_handover_wd: int = 30
    step_down_csc_closure_wd: int = 10
    step_down_completion_wd: int = 5
    # Dashboard windows in calendar days (DOMAIN §9 KPIs 10-12; defaults from hubapp.domain.revolving
    # and the Supporting Families sustainment reading of six months after closure, DOMAIN §4). The
    # re-referral window is DfE's fixed 12 months (revolving.RE_REFERRAL_DAYS), not a local setting.
    escalation_short_days: int = 182
    escalation_long_days: int = 365
    revolving_window_days: int = 730
    sf_sustainment_days: int = 182


_SETTING_KEYS = {
    "timescale.front_door_wd": "front_door_wd",
    "timescale.allocation_wd": "allocation_wd",
    "timescale.assessment_wd": "assessment_wd",
    "timescale.review_interval_days": "review_interval_days",
    "timescale.step_up_decision_wd": "step_up_decision_wd",
    **{f"timescale.{name}": name for name in (
        "step_up_endorsement_wd", "step_down_decision_wd", "step_down_declined_wd", "step_down_handover_wd",
        "step_down_csc_closure_wd", "step_down_completion_wd", "escalation_short_days",
        "escalation_long_days", "revolving_window_days", "sf_sustainment_days",
    )},
}


def load_timescales(uow: UnitOfWork) -> Timescales:
    """The timescales in force (inside an open unit of work)."""
    values: dict[str, int] = {}
    for key, value in uow.session.execute(_reads().timescales):
        if key in _SETTING_KEYS and isinstance(value, int):
            values[_SETTING_KEYS[key]] = value
    return Timescales(**values)


class _Reads(NamedTuple):
    timescales: Select[Any]
    holidays: Select[Any]


@cache
def _reads() -> _Reads:
    """The reads behind the timescales and the calendar, built once (many services make them)."""
    setting, holiday = cast(Table, Setting.__table__), cast(Table, HolidayOverride.__table__)
    return _Reads(select(setting.c.key, setting.c.value).where(setting.c.key.startswith("timescale.")),
                  select(holiday.c.day, holiday.c.name, holiday.c.removed))


def load_calendar(uow: UnitOfWork) -> WorkingCalendar:
    """The working-day calendar with the local holiday table (inside an open unit of work).

    The table is read every time; a calendar already built from the same rows is handed back
    (calendars do not change once built, and building one works out each year's bank holidays
    again, which costs more than the read).
    """
    rows = frozenset(tuple(row) for row in uow.session.execute(_reads().holidays))
    calendar = _calendars.get(rows)
    if calendar is None:
        extra = {day: name for day, name, is_removed in rows if not is_removed}
        removed = [day for day, _, is_removed in rows if is_removed]
        if len(_calendars) >= 8:  # the table was edited several times since start: forget the old ones
            _calendars.clear()
        calendar = _calendars[rows] = WorkingCalendar(extra_holidays=extra, removed_holidays=removed,
                                                      bank_holidays=bank_holidays.for_year)
    return calendar


#: Calendars built, by the holiday table's rows.
_calendars: dict[frozenset[tuple[Any, ...]], WorkingCalendar] = {}


def code_list(uow: UnitOfWork, list_name: str, *, include_inactive: bool = False) -> tuple[CodeItem, ...]:
    """One code list, in its order (ordinal, then label)."""
    with uow:
        return _code_list(uow, list_name, include_inactive=include_inactive)


def code_lists(uow: UnitOfWork, names: tuple[str, ...]) -> dict[str, tuple[CodeItem, ...]]:
    """Several code lists in one transaction (for a form's pick lists)."""
    with uow:
        return {name: _code_list(uow, name) for name in names}


def _code_list(uow: UnitOfWork, list_name: str, *, include_inactive: bool = False) -> tuple[CodeItem, ...]:
    stmt = select(CodeListItem).where(CodeListItem.list_name == list_name)
    if not include_inactive:
        stmt = stmt.where(CodeListItem.active.is_(True))
    rows = uow.session.scalars(stmt).all()
    rows = sorted(rows, key=lambda r: (r.ordinal if r.ordinal is not None else 10_000, r.label))
    return tuple(CodeItem(r.code, r.label, r.maps_to, r.ordinal) for r in rows)


def labels(uow: UnitOfWork, list_name: str) -> dict[str, str]:
    """Code to label for one list, including retired codes (inside an open unit of work)."""
    return {i.code: i.label for i in _code_list(uow, list_name, include_inactive=True)}


def hubs(uow: UnitOfWork) -> tuple[HubRow, ...]:
    """The active hubs."""
    with uow:
        rows = uow.session.scalars(select(Hub).where(Hub.active.is_(True)).order_by(Hub.name))
        return tuple(HubRow(h.id, h.code, h.name) for h in rows)


def workers(uow: UnitOfWork, hub_id: int | None = None, role: str | None = None) -> tuple[WorkerRow, ...]:
    """Active workers, optionally of one hub and/or holding one role."""
    with uow:
        s = uow.session
        stmt = select(Worker).where(Worker.active.is_(True)).order_by(Worker.display_name)
        if hub_id is not None:
            stmt = stmt.where(Worker.id.in_(select(WorkerHub.worker_id).where(WorkerHub.hub_id == hub_id)))
        if role is not None:
            stmt = stmt.where(Worker.id.in_(select(WorkerRole.worker_id).where(WorkerRole.role == role)))
        found = s.scalars(stmt).all()
        roles: dict[int, list[str]] = {}
        for wid, r in s.execute(
            select(WorkerRole.worker_id, WorkerRole.role).where(WorkerRole.worker_id.in_([w.id for w in found]))
        ):
            roles.setdefault(wid, []).append(r)
        return tuple(
            WorkerRow(w.id, w.username, w.display_name, tuple(sorted(roles.get(w.id, ())))) for w in found
        )
