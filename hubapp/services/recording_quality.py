"""Recording quality (issue #9): what is missing or late in the hubs' records, counted per hub and
per worker, with a list of the records behind every count.

Six checks, each a key, a title and a one-sentence definition (:data:`CHECKS`). Each is one SQL
query bounded by the filter (hub, team, worker); counts are ``GROUP BY`` in the database, so the
panel never loads the city's history into Python. A record belongs to the hub and team of its
episode (a transfer to its own hub) and to the episode's lead practitioner (a transfer to its
receiving lead practitioner, else the episode's).

Recording quality is about the records as they stand on ``today``: the filter's period is not
used (a plan is open for more than a year, or it is not), only its hub, team and worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Date, String, and_, case, cast, exists, false, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select

from hubapp.data.models import (
    Assessment, ConsentRecord, Episode, Family, Hub, Meeting, Plan, PlanAction, PlanGoal, RequestForSupport,
    TransferRequest, Worker,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, transfer_rules
from hubapp.domain.errors import ValidationError
from hubapp.domain.report_dto import Column, QualityCheck, QualityCount, QualityReport, ReportFilter, Table
from hubapp.domain.states import (
    ASSESSMENT_OPEN_STATES, EPISODE_OPEN_STATES, PlanItemState, PlanState, ReviewState, TransferDirection,
)
from hubapp.domain.workdays import WorkingCalendar

from .reference import Timescales, load_calendar, load_timescales

Group = Literal["hub", "worker"]

#: Label of the worker group for records with no lead practitioner.
NO_WORKER = "No lead practitioner"

_OPEN = tuple(EPISODE_OPEN_STATES)
_IN_FORCE = (PlanState.AGREED, PlanState.ACTIVE)


# ---- Dialect-neutral date arithmetic -----------------------------------------------------------


def add_days(dialect: str, day: ColumnElement[Any], days: ColumnElement[Any]) -> ColumnElement[dt.date]:
    """``day + days`` as a date, in SQL, on either database."""
    if dialect == "postgresql":
        return cast(day + days, Date)
    return func.date(day, literal("+") + cast(days, String) + literal(" days"), type_=Date)


def utc_date(dialect: str, moment: ColumnElement[Any]) -> ColumnElement[dt.date]:
    """The UTC calendar date of a stored timestamp (what ``value.date()`` gives in Python)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.date(moment, type_=Date)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of that month when it is shorter)."""
    return add_months(day, -months)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, for a negative number), clamped to month end."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def apply_filter(stmt: Select[Any], flt: ReportFilter, hub: ColumnElement[Any], team: ColumnElement[Any],
                 worker: ColumnElement[Any]) -> Select[Any]:
    """Restrict a query to the filter's hub, team and worker (``None`` means any)."""
    if flt.hub_id is not None:
        stmt = stmt.where(hub == flt.hub_id)
    if flt.team_id is not None:
        stmt = stmt.where(team == flt.team_id)
    if flt.worker_id is not None:
        stmt = stmt.where(worker == flt.worker_id)
    return stmt


# ---- The checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    dialect: str
    on: dt.date
    calendar: WorkingCalendar
    timescales: Timescales


@dataclass(frozen=True)
class _Check:
    """One check: what it is called and means, its query, and how its list reads.

    ``query(ctx)`` returns a select whose first columns are ``family_id``, ``hub_id`` and
    ``worker_id`` (labelled so), then the list's raw values; ``row(ctx, values)`` turns those raw
    values into the list's row, and ``order`` sorts the rows (most urgent first).
    """

    key: str
    title: str
    definition: str
    columns: tuple[Column, ...]
    query: Callable[[_Ctx], tuple[Select[Any], ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]]
    row: Callable[[_Ctx, Sequence[Any]], tuple[object, ...]]
    empty: str


_LEAD = aliased(Worker, name="lead")
_COMMON = (Column("family", "Family"), Column("hub", "Hub"), Column("lead", "Lead practitioner"))


def _episode_base(*extra: Any) -> Select[Any]:
    """Open episodes with the family, hub and lead practitioner (the columns every list starts with)."""
    return (select(Episode.family_id.label("family_id"), Episode.hub_id.label("hub_id"),
                   Episode.lead_worker_id.label("worker_id"), Family.name.label("family_name"),
                   Hub.name.label("hub_name"), _LEAD.display_name.label("lead_name"), *extra)
            .join(Family, Family.id == Episode.family_id).join(Hub, Hub.id == Episode.hub_id)
            .outerjoin(_LEAD, _LEAD.id == Episode.lead_worker_id)
            .where(Episode.status.in_(_OPEN)))


def current_consent(on: dt.date, episode_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """A current, non-withdrawn consent covering engagement and information sharing, recorded for
    the episode (or for the request that opened it), exists on ``on``."""
    return exists().where(
        ConsentRecord.agreed.is_(True), ConsentRecord.scope_engagement.is_(True),
        ConsentRecord.scope_sharing.is_(True), ConsentRecord.given_on <= on,
        or_(ConsentRecord.withdrawn_on.is_(None), ConsentRecord.withdrawn_on > on),
        or_(ConsentRecord.episode_id == episode_id,
            ConsentRecord.request_id.in_(select(RequestForSupport.id)
                                         .where(RequestForSupport.episode_id == episode_id)
                                         # the episode is the outer query's, two levels up: without
                                         # this the inner select would take its own copy of it
                                         .correlate_except(RequestForSupport))),
    )


def _consent_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    latest = (select(ConsentRecord.id).where(ConsentRecord.episode_id == Episode.id)
              .order_by(ConsentRecord.given_on.desc(), ConsentRecord.id.desc()).limit(1).scalar_subquery())
    c = aliased(ConsentRecord, name="latest_consent")
    stmt = (_episode_base(Episode.status, Episode.start_date, c.agreed, c.scope_engagement, c.scope_sharing,
                          c.withdrawn_on, c.given_on)
            .outerjoin(c, c.id == latest)
            .where(~current_consent(ctx.on, Episode.id))
            .order_by(Episode.start_date, Episode.id))
    return stmt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id


def _consent_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    status, start, agreed, engagement, sharing, withdrawn, given = v
    if agreed is None:
        why = "No consent recorded for this episode"
    elif not agreed:
        why = "Consent refused"
    elif withdrawn is not None and withdrawn <= ctx.on:
        why = f"Consent withdrawn on {withdrawn:%d/%m/%Y}"
    elif given > ctx.on:
        why = f"Consent dated in the future ({given:%d/%m/%Y})"
    elif not engagement:
        why = "Consent does not cover engagement with early help"
    elif not sharing:
        why = "Consent does not cover information sharing"
    else:  # only consents recorded against the request, not the episode, fall here
        why = "No current consent"
    return (_status_label(status), start, why)


def _status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def _no_owner(a: type[PlanAction] = PlanAction) -> ColumnElement[bool]:
    return and_(a.who_person_id.is_(None), a.who_worker_id.is_(None), a.who_agency_id.is_(None),
                func.coalesce(func.trim(a.who_text), "") == "")


def _plan_gaps_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    # The action counts of every plan in force, in one grouped pass (not a subquery per plan).
    gaps = (select(PlanGoal.plan_id.label("plan_id"),
                   func.count(case((_no_owner(), PlanAction.id))).label("no_owner"),
                   func.count(case((PlanAction.due_on.is_(None), PlanAction.id))).label("no_date"))
            .join(PlanAction, PlanAction.goal_id == PlanGoal.id)
            .where(PlanAction.status != PlanItemState.CANCELLED,
                   PlanGoal.plan_id.in_(select(Plan.id).where(Plan.status.in_(_IN_FORCE))))
            .group_by(PlanGoal.plan_id)).subquery("gaps")
    no_owner, no_date = func.coalesce(gaps.c.no_owner, 0), func.coalesce(gaps.c.no_date, 0)
    lead_missing = or_(Episode.lead_worker_id.is_(None), _LEAD.active.is_(False))
    stmt = (_episode_base(Plan.version_no, Plan.status, lead_missing, no_owner, no_date)
            .join(Plan, Plan.episode_id == Episode.id).outerjoin(gaps, gaps.c.plan_id == Plan.id)
            .where(Plan.status.in_(_IN_FORCE), or_(lead_missing, no_owner > 0, no_date > 0))
            .order_by(Episode.start_date, Plan.id))
    return stmt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id


def _plan_gaps_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    version, status, lead_missing, no_owner, no_date = v
    gaps = []
    if lead_missing:
        gaps.append("no active lead practitioner owns the plan")
    if no_owner:
        gaps.append(f"{no_owner} action{'s' if no_owner != 1 else ''} without an owner")
    if no_date:
        gaps.append(f"{no_date} action{'s' if no_date != 1 else ''} without a due date")
    text = "; ".join(gaps)
    return (version, _status_label(status), int(no_owner or 0), int(no_date or 0), text[:1].upper() + text[1:])


def review_due_expr(ctx: _Ctx) -> ColumnElement[dt.date]:
    """When the running plan's next review is due, in SQL: the last held meeting's next review
    date; before any meeting one review interval after the plan started; failing both, the
    earliest meeting arranged (the rule of ``plan_rules.review_due``)."""
    held = (Meeting.episode_id == Episode.id, Meeting.status == ReviewState.HELD)
    last_due = (select(Meeting.next_review_due).where(*held)
                .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1).scalar_subquery())
    arranged = (select(func.min(Meeting.scheduled_for))
                .where(Meeting.episode_id == Episode.id, Meeting.status == ReviewState.SCHEDULED).scalar_subquery())
    arranged_on = utc_date(ctx.dialect, arranged)
    first_due = add_days(ctx.dialect, Plan.started_on, Plan.review_interval_days)
    return case((exists().where(*held), func.coalesce(last_due, arranged_on)),
                else_=func.coalesce(first_due, arranged_on))


def _reviews_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    due = review_due_expr(ctx).label("due")
    last_held = (select(func.max(Meeting.held_on))
                 .where(Meeting.episode_id == Episode.id, Meeting.status == ReviewState.HELD).scalar_subquery())
    inner = (_episode_base(Plan.version_no, last_held.label("last_held"), due)
             .join(Plan, Plan.episode_id == Episode.id).where(Plan.status == PlanState.ACTIVE)
             .add_columns(Episode.team_id.label("team_id"))).subquery()
    stmt = (select(inner).where(inner.c.due < ctx.on).order_by(inner.c.due, inner.c.family_id))
    return stmt, inner.c.hub_id, inner.c.team_id, inner.c.worker_id


def _reviews_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    version, last_held, due, _team = v
    return (version, last_held, due, (ctx.on - due).days)


def _assessments_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    stmt = (_episode_base(Assessment.kind, Assessment.status, Assessment.started_on, Episode.allocated_at,
                          Episode.start_date)
            .join(Assessment, Assessment.episode_id == Episode.id)
            .where(Assessment.status.in_(tuple(ASSESSMENT_OPEN_STATES)))
            .order_by(func.coalesce(Assessment.started_on, Episode.start_date), Assessment.id))
    return stmt, Episode.hub_id, Episode.team_id, Episode.lead_worker_id


def _assessments_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    kind, status, started, allocated_at, episode_start = v
    allocated = allocated_at.date() if allocated_at else None
    since = started or allocated or episode_start
    age_wd = max(0, ctx.calendar.working_days_between(allocated or episode_start, ctx.on))
    return (codes.label_of(codes.ASSESSMENT_KIND, kind, kind), _status_label(status), started, allocated,
            (ctx.on - since).days, age_wd, age_wd > ctx.timescales.assessment_wd)


def _long_plans_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    first = (select(func.min(func.coalesce(Plan.started_on, Plan.agreed_on))).where(Plan.episode_id == Episode.id)
             .correlate(Episode).scalar_subquery())
    current = aliased(Plan, name="in_force")
    inner = (_episode_base(current.version_no, current.status, first.label("open_since"))
             .join(current, current.episode_id == Episode.id).where(current.status.in_(_IN_FORCE))
             .add_columns(Episode.team_id.label("team_id"))).subquery()
    stmt = (select(inner).where(inner.c.open_since < months_before(ctx.on, 12))
            .order_by(inner.c.open_since, inner.c.family_id))
    return stmt, inner.c.hub_id, inner.c.team_id, inner.c.worker_id


def _long_plans_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    version, status, since, _team = v
    months = (ctx.on.year - since.year) * 12 + ctx.on.month - since.month - (ctx.on.day < since.day)
    return (version, _status_label(status), since, months)


def stuck_condition(ctx: _Ctx) -> ColumnElement[bool]:
    """Transfers older in their state than the state's timescale allows (red on the queue).

    ``working_days_between(entered, today) > limit`` exactly when ``entered`` is before
    ``add_working_days(today, -limit)`` (see :mod:`hubapp.domain.workdays`), so each state's test
    is a plain comparison the database can use an index for.
    """
    tests = []
    for (direction, state), _name in transfer_rules.STATE_TIMESCALE.items():
        limit = transfer_rules.timescale_wd(direction, state, ctx.timescales)
        if limit is None:
            continue
        cutoff = ctx.calendar.add_working_days(ctx.on, -limit)
        tests.append(and_(TransferRequest.direction == direction, TransferRequest.status == state,
                          TransferRequest.state_changed_at
                          < dt.datetime.combine(cutoff, dt.time(0), tzinfo=dt.UTC)))
    return or_(*tests) if tests else false()


def _transfers_query(ctx: _Ctx) -> tuple[Select[Any], Any, Any, Any]:
    episode = aliased(Episode, name="transfer_episode")
    worker = func.coalesce(TransferRequest.receiving_worker_id, episode.lead_worker_id)
    stmt = (select(TransferRequest.family_id.label("family_id"), TransferRequest.hub_id.label("hub_id"),
                   worker.label("worker_id"), Family.name.label("family_name"), Hub.name.label("hub_name"),
                   _LEAD.display_name.label("lead_name"),
                   TransferRequest.direction, TransferRequest.status, TransferRequest.state_changed_at)
            .join(Family, Family.id == TransferRequest.family_id).join(Hub, Hub.id == TransferRequest.hub_id)
            .outerjoin(episode, episode.id == TransferRequest.episode_id)
            .outerjoin(_LEAD, _LEAD.id == worker)
            .where(stuck_condition(ctx))
            .order_by(TransferRequest.state_changed_at, TransferRequest.id))
    return stmt, TransferRequest.hub_id, episode.team_id, worker


def _transfers_row(ctx: _Ctx, v: Sequence[Any]) -> tuple[object, ...]:
    direction, status, since = v
    age = max(0, ctx.calendar.working_days_between(since.date(), ctx.on))
    limit = transfer_rules.timescale_wd(direction, status, ctx.timescales) or 0
    kind = "Step-up" if direction == TransferDirection.STEP_UP else "Step-down"
    return (kind, transfer_rules.state_label(status), since.date(), age, limit, age - limit)


CHECKS: tuple[_Check, ...] = (
    _Check("consent", "Open episodes without current consent",
           "An open episode with no agreed, non-withdrawn consent, recorded for it, that covers both "
           "engagement with early help and information sharing.",
           (*_COMMON, Column("status", "Episode status"), Column("started", "Episode started", "date"),
            Column("why", "What is missing")),
           _consent_query, _consent_row, "Every open episode has current consent."),
    _Check("plan_gaps", "Plans without an owner or a date on an action",
           "A plan in force (agreed or active) whose episode has no active lead practitioner, or with an "
           "action (not cancelled) that names no one to do it or has no due date.",
           (*_COMMON, Column("version", "Plan version", "int"), Column("plan_status", "Plan status"),
            Column("no_owner", "Actions without an owner", "int"),
            Column("no_date", "Actions without a due date", "int"), Column("gap", "What is missing")),
           _plan_gaps_query, _plan_gaps_row, "Every plan in force has an owner and dated, owned actions."),
    _Check("reviews_overdue", "Reviews overdue",
           "An open episode with an active plan whose next review was due before today and has not "
           "been held (due one review interval after the plan started, then as the last review set).",
           (*_COMMON, Column("version", "Plan version", "int"), Column("last_review", "Last review held", "date"),
            Column("due", "Review due", "date"), Column("overdue", "Days overdue", "int")),
           _reviews_query, _reviews_row, "No review is overdue."),
    _Check("assessments_unauthorised", "Assessments not authorised",
           "An assessment of an open episode that is not started, in progress or submitted, i.e. not yet "
           "authorised by a manager (age from its start, or from allocation when not started).",
           (*_COMMON, Column("kind", "Assessment"), Column("status", "Status"),
            Column("started", "Started", "date"), Column("allocated", "Allocated", "date"),
            Column("age_days", "Age (days)", "int"), Column("age_wd", "Working days since allocation", "int"),
            Column("late", "Beyond the assessment timescale", "bool")),
           _assessments_query, _assessments_row, "Every assessment of an open episode is authorised."),
    _Check("plans_over_12_months", "Plans open more than 12 months",
           "An open episode with a plan in force whose first version started (or was agreed) more than "
           "12 months before today.",
           (*_COMMON, Column("version", "Plan version in force", "int"), Column("plan_status", "Plan status"),
            Column("since", "Plan open since", "date"), Column("months", "Months open", "int")),
           _long_plans_query, _long_plans_row, "No plan has been open for more than 12 months."),
    _Check("transfers_stuck", "Transfers stuck beyond their timescale",
           "A step-up or step-down request that has been in its current state for more working days "
           "than that state's timescale allows (red on the queue).",
           (*_COMMON, Column("direction", "Direction"), Column("state", "State"),
            Column("since", "In this state since", "date"), Column("age_wd", "Working days in state", "int"),
            Column("limit_wd", "Timescale (working days)", "int"), Column("over_wd", "Working days over", "int")),
           _transfers_query, _transfers_row, "No transfer is beyond its timescale."),
)

_BY_KEY = {c.key: c for c in CHECKS}


def _ctx(uow: UnitOfWork, today: dt.date | None) -> _Ctx:
    return _Ctx(uow.dialect, today or dt.date.today(), load_calendar(uow), load_timescales(uow))


def _filtered(check: _Check, ctx: _Ctx, flt: ReportFilter) -> tuple[Select[Any], Any, Any]:
    """The check's query restricted to the filter, with its hub and worker expressions."""
    stmt, hub, team, worker = check.query(ctx)
    return apply_filter(stmt, flt, hub, team, worker), hub, worker


def quality_report(uow: UnitOfWork, flt: ReportFilter, *, today: dt.date | None = None) -> QualityReport:
    """Every check's total, and how many records each hub and each worker has per check.

    Counts are zero (and the per-group counts empty) where nothing is missing or late; a hub with
    no families gives six zeros, never an error.
    """
    with uow:
        s = uow.session
        ctx = _ctx(uow, today)
        checks: list[QualityCheck] = []
        grouped: list[tuple[str, int, int | None, int]] = []
        for check in CHECKS:
            sub = _filtered(check, ctx, flt)[0].order_by(None).subquery()
            rows = s.execute(select(sub.c.hub_id, sub.c.worker_id, func.count())
                             .group_by(sub.c.hub_id, sub.c.worker_id)).all()
            checks.append(QualityCheck(check.key, check.title, check.definition, sum(n for *_, n in rows)))
            grouped.extend((check.key, hub, worker, n) for hub, worker, n in rows)
        hubs = dict(s.execute(select(Hub.id, Hub.name).where(Hub.id.in_({g[1] for g in grouped}))).all())
        workers = dict(s.execute(select(Worker.id, Worker.display_name)
                                 .where(Worker.id.in_({g[2] for g in grouped if g[2] is not None}))).all())
        counts: list[QualityCount] = []
        for check in CHECKS:
            mine = [g for g in grouped if g[0] == check.key]
            by_hub: dict[int, int] = {}
            by_worker: dict[int | None, int] = {}
            for _key, hub, worker, n in mine:
                by_hub[hub] = by_hub.get(hub, 0) + n
                by_worker[worker] = by_worker.get(worker, 0) + n
            counts += sorted((QualityCount(check.key, "hub", h, hubs.get(h, f"Hub {h}"), n)
                              for h, n in by_hub.items()), key=lambda c: (-c.count, c.group_label))
            counts += sorted((QualityCount(check.key, "worker", w, workers.get(w, NO_WORKER) if w else NO_WORKER, n)
                              for w, n in by_worker.items()), key=lambda c: (-c.count, c.group_label))
        return QualityReport(flt, tuple(checks), tuple(counts), dt.datetime.now(dt.UTC))


def quality_list(uow: UnitOfWork, flt: ReportFilter, check_key: str, *, group: Group | None = None,
                 group_id: int | None = None, today: dt.date | None = None) -> Table:
    """The records behind one check (optionally of one hub or one worker), most urgent first.

    ``group="worker"`` with ``group_id=None`` lists the records with no lead practitioner.

    Raises:
        ValidationError: an unknown check or group.
    """
    check = _BY_KEY.get(check_key)
    if check is None:
        raise ValidationError.single("check_key", "code", f"There is no recording-quality check {check_key!r}.")
    if group not in (None, "hub", "worker"):
        raise ValidationError.single("group", "code", "Group the list by hub or by worker.")
    with uow:
        ctx = _ctx(uow, today)
        stmt, hub, worker = _filtered(check, ctx, flt)
        if group == "hub":
            stmt = stmt.where(hub == group_id)
        elif group == "worker":
            stmt = stmt.where(worker == group_id if group_id is not None else worker.is_(None))
        rows = uow.session.execute(stmt).all()
        out, family_ids = [], []
        for r in rows:
            family_id, _hub_id, _worker_id, family, hub, lead, *rest = r
            out.append((family, hub, lead or NO_WORKER, *check.row(ctx, rest)))
            family_ids.append(family_id)
        return Table(check.title, check.columns, tuple(out), tuple(family_ids),
                     "" if out else check.empty, flt)


__all__ = [
    "CHECKS", "NO_WORKER", "add_days", "add_months", "apply_filter", "current_consent", "months_before",
    "quality_list", "quality_report", "review_due_expr", "stuck_condition", "utc_date",
]
