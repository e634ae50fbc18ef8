"""The coordinator's dashboard (DOMAIN §9, issue 9): the twelve indicators for a hub, team or lead
practitioner over a period, each with its target, secondary figures, a monthly trend and the lists
of families behind it (:func:`drill_down`).

Counting happens in SQL with aggregates grouped by the dates that decide a figure, so what comes
back to Python is bounded by the days of one period, not by the city's history; working days are
then counted on those distinct dates with the local holiday table. The definitions in words are in
:mod:`hubapp.domain.indicators`; where a definition needed reading, the reading is written there and
in the functions below.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import Counter, defaultdict
from dataclasses import replace
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, TypeVar

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import DBAPIError

from hubapp.data.models import (
    Assessment, Episode, Hub, RequestForSupport, Setting, SFClaim, Team, TransferEvent, TransferRequest, Worker,
    WorkerHub, WorkerRole,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain import indicators as ind
from hubapp.domain.errors import DomainError
from hubapp.domain.report_dto import (
    Dashboard, Figure, FilterOption, FilterOptions, Indicator, ReportFilter, Table, TrendPoint,
)
from hubapp.domain.states import (
    ASSESSMENT_OPEN_STATES, STEP_UP_ACCEPTED_OUTCOMES, EpisodeState, RequestOutcome, StepDownState,
)
from hubapp.domain.transfer_rules import state_label

from . import _dashboard_drill as drill
from ._dashboard_queries import (
    DOWN, UP, accepted_at_front_door, claimable_episodes, closed_in_period, consent_pivot, distance_groups,
    escalated_within, escalation_cohort, evidenced_families, first_event, new_requests, open_on, queue_counts,
    re_referrals, review_pivot, review_reference, revolving_children, revolving_scope, revolving_since, running_on,
    sent_to_csc, waiting_at,
)
from ._dashboard_kept import Kept, span_of
from ._dashboard_sql import Ctx, as_date
from .reference import load_calendar, load_timescales

E, R, T = Episode, RequestForSupport, TransferRequest
log = logging.getLogger(__name__)


def current_date() -> dt.date:
    """Today's date when the caller gives none (a function, so tests can patch it)."""
    return dt.date.today()


def now() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.UTC)


# ---- Filter options ----------------------------------------------------------------------------


def filter_options(uow: UnitOfWork) -> FilterOptions:
    """The hubs, teams and workers the person may filter by: those of their own hubs (every hub
    for an administrator, or when no worker is signed in)."""
    with uow:
        s = uow.session
        hubs_q = select(Hub.id, Hub.name).where(Hub.active.is_(True)).order_by(Hub.name)
        if uow.actor_id is not None and s.scalar(select(WorkerRole.worker_id).where(
                WorkerRole.worker_id == uow.actor_id, WorkerRole.role == "hub_admin")) is None:
            hubs_q = hubs_q.where(Hub.id.in_(select(WorkerHub.hub_id).where(WorkerHub.worker_id == uow.actor_id)))
        hubs = s.execute(hubs_q).all()
        hub_ids = [h for h, _ in hubs]
        teams = s.execute(select(Team.id, Team.name, Team.hub_id).where(
            Team.active.is_(True), Team.hub_id.in_(hub_ids)).order_by(Team.name)).all()
        team_hub = {t: h for t, _, h in teams}
        member_of: dict[int, list[int]] = defaultdict(list)
        for worker_id, hub_id in s.execute(select(WorkerHub.worker_id, WorkerHub.hub_id).where(
                WorkerHub.hub_id.in_(hub_ids)).order_by(WorkerHub.hub_id)):
            member_of[worker_id].append(hub_id)
        workers = s.execute(select(Worker.id, Worker.display_name, Worker.team_id).where(
            Worker.active.is_(True), Worker.id.in_(list(member_of))).order_by(Worker.display_name)).all()
        return FilterOptions(
            hubs=tuple(FilterOption(h, name, h) for h, name in hubs),
            teams=tuple(FilterOption(t, name, h) for t, name, h in teams),
            workers=tuple(FilterOption(w, name, team_hub.get(team) or member_of[w][0], tuple(member_of[w]))
                          for w, name, team in workers),
        )


# ---- The dashboard -----------------------------------------------------------------------------


def dashboard(uow: UnitOfWork, flt: ReportFilter, *, today: dt.date | None = None) -> Dashboard:
    """The twelve indicators of DOMAIN §9 for ``flt``, in order, with the caseload beside them.

    On PostgreSQL the figures are worked out on :data:`STREAMS` connections at once, all reading one
    snapshot of the database (``pg_export_snapshot``), so the dashboard is as consistent as one
    transaction's and takes about as long as its slowest stream. For one hub, the monthly parts of
    some figures are kept for the person (:mod:`hubapp.services._dashboard_kept`) and only the
    months changed since are worked out again. An empty period, a hub with no
    families or a worker with no cases gives zeros or None with an explanation, never an error.
    """
    on = today or current_date()
    with uow:
        ctx = _context(uow, flt, on, repeatable=True)
        targets = ind.targets(_settings(uow))
        words = drill.scope_words(ctx)
        if flt.period_end < flt.period_start:
            found = {fn.__name__: _empty_period(fn.__name__.lstrip("_")) for fn in _BUILDERS}
            caseload = drill.caseload(ctx)
        else:
            ctx.kept = Kept.open(ctx)
            figures = _work_out(uow, ctx)
            found = {fn.__name__: figures[fn.__name__] for fn in _BUILDERS}
            caseload = figures["caseload"]
            if ctx.kept is not None and ctx.kept.fresh:
                ctx.kept.save(ctx)
                try:
                    uow.commit()
                except DomainError as exc:  # the figures were read: only their parts are not kept
                    log.info("Dashboard parts not kept: %s", exc)
        built = [_finish(found[fn.__name__], targets, words) for fn in _BUILDERS]
        return Dashboard(flt, tuple(built), now(), caseload)


def _empty_period(key: str) -> _Result:
    return _Result(key, 0.0 if ind.BY_KEY[key].unit == "count" else None,
                   empty="The period ends before it starts, so there is nothing to count")


#: Connections the PostgreSQL dashboard works on at once (1: one after another, as on SQLite). Two
#: measured best on the 2-core benchmark server (one hub, 12 months, city scale: 800 -> 410 ms p50;
#: three streams 470 ms); more pay only where the server has the cores for them.
STREAMS = 2
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _tasks(*, with_parts: bool) -> dict[str, Callable[[Ctx], object]]:
    """Every figure the dashboard needs, by name: the indicators and the caseload, and with
    ``with_parts`` the parts ``_outcomes`` reads (:data:`_PARTS`) as tasks of their own, so they can
    run on other connections; without them ``_outcomes`` works them out itself."""
    parts = dict(_PARTS) if with_parts else {}
    return {**parts, **{fn.__name__: fn for fn in _BUILDERS}, "caseload": drill.caseload}


#: Rough cost of each task (ms of CPU, city scale, one hub and 12 months, nothing kept; measured on
#: the 2-core benchmark server), to share the work out evenly.
_COST = {"_revolving_door": 85, "_review": 80, "distance": 80, "_consent": 55, "_assessment": 50,
         "_re_referral": 45, "claimable": 40, "evidenced": 40, "_escalation": 30, "_step_up": 25, "_step_down": 25,
         "_front_door": 20, "caseload": 15, "_time_to_allocation": 15, "_unallocated": 10}
#: For the tasks whose monthly parts are kept: the part of their cost paid however many are kept (the
#: assessment's overdue count is worked out each time), and the part paid once any month is worked
#: out (a query over the hub's open episodes costs nearly as much for one month as for twelve).
_KEPT = {"_review": ("review", 0, 28), "_consent": ("consent", 0, 25), "_assessment": ("assessment", 15, 5),
         "_re_referral": ("re_referral", 0, 3), "_escalation": ("escalation", 0, 18), "distance": ("distance", 0, 6),
         "claimable": ("claimable", 0, 5), "_revolving_door": ("revolving_door", 0, 40),
         "_front_door": ("front_door", 0, 1), "_time_to_allocation": ("time_to_allocation", 0, 2),
         "_step_up": ("step_up", 0, 12)}


def _cost(ctx: Ctx, name: str) -> float:
    """What the task ``name`` will cost now: less the share of its monthly parts already kept."""
    cost = _COST.get(name, 10)
    if ctx.kept is None or name not in _KEPT:
        return cost
    key, always, fixed = _KEPT[name]
    months = len(ind.months(ctx.start, ctx.end)) or 1
    missing = max(0, months - ctx.kept.count(key))
    return always + (fixed + (cost - always - fixed) * missing / months if missing else 0)


def _work_out(uow: UnitOfWork, ctx: Ctx) -> dict[str, object]:
    """Every task's result by name: here on PostgreSQL with :data:`STREAMS` > 1, shared out over that
    many connections reading this transaction's snapshot; otherwise one after another."""
    snapshot = _export_snapshot(ctx) if ctx.pg and STREAMS > 1 else None
    if snapshot is None:
        return {name: fn(ctx) for name, fn in _tasks(with_parts=False).items()}
    # _outcomes runs last, here, once every stream has brought its parts.
    tasks = {name: fn for name, fn in _tasks(with_parts=True).items() if name != "_outcomes"}
    streams: list[list[str]] = [[] for _ in range(STREAMS)]
    load = [0] * STREAMS
    costs = {name: _cost(ctx, name) for name in tasks}
    for name in sorted(tasks, key=lambda n: -costs[n]):  # heaviest first, to the lightest stream
        i = load.index(min(load))
        streams[i].append(name)
        load[i] += costs[name]
    pool = _executor()
    others = [pool.submit(_in_snapshot, uow, snapshot, ctx, [(n, tasks[n]) for n in names]) for names in streams[1:]]
    try:
        out = {name: tasks[name](ctx) for name in streams[0]}
        for future in others:
            out.update(future.result())
    finally:
        wait(others)
    ctx.parts.update({name: out[name] for name in _PARTS})
    out["_outcomes"] = _outcomes(ctx)
    return out


def _export_snapshot(ctx: Ctx) -> str | None:
    """This transaction's snapshot for other connections to read, or None where the server cannot
    export one (then the figures are worked out one after another)."""
    try:  # not in a savepoint: a subtransaction cannot export its snapshot
        found = ctx.s.connection().exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        log.info("Dashboard on one connection: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        ctx.s.rollback()  # nothing was written; carry on in a new transaction
        ctx.s.connection().exec_driver_sql(PG_SETTINGS)
        return None
    return found if isinstance(found, str) and _SNAPSHOT_ID.match(found) else None


def _in_snapshot(uow: UnitOfWork, snapshot: str, lead: Ctx,
                 tasks: list[tuple[str, Callable[[Ctx], object]]]) -> dict[str, object]:
    """Run ``tasks`` on a connection of its own that reads the snapshot ``snapshot``."""
    with uow.db.sessionmaker() as s:
        try:
            conn = s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            conn.exec_driver_sql(PG_SETTINGS)
            ctx = Ctx(s, lead.dialect, lead.flt, lead.today, lead.cal, lead.ts, kept=lead.kept)
            return {name: fn(ctx) for name, fn in tasks}
        finally:
            s.rollback()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, STREAMS - 1) * 2, thread_name_prefix="dashboard")
        return _pool


def drill_down(uow: UnitOfWork, flt: ReportFilter, key: str, *, today: dt.date | None = None) -> Table:
    """The families or records behind one figure (``key`` is one of an indicator's ``drill_keys``).

    Raises:
        ValueError: ``key`` is not a drill-down the dashboard offers.
    """
    on = today or current_date()
    if key not in drill.DRILLS:
        raise ValueError(f"{key!r} is not a dashboard drill-down")
    with uow:
        return drill.DRILLS[key](_context(uow, flt, on))


#: Planner settings for the dashboard's read-only transaction on PostgreSQL: random reads are cheap
#: on the SSDs and page cache the shared server runs on (the default 4 makes the planner scan a whole
#: table rather than probe an index a few thousand times), parallel workers cost more than they
#: give on the small per-hub sets the dashboard reads, and JIT compilation is off: the row-level
#: security subplans inflate the estimated costs past ``jit_above_cost``, and compiling the larger
#: statements took 100-700 ms each (EXPLAIN ANALYZE at city scale) to run a query of a few ms.
PG_SETTINGS = ("SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0; "
               "SET LOCAL work_mem = '16MB'; SET LOCAL jit = off")


def _context(uow: UnitOfWork, flt: ReportFilter, on: dt.date, *, repeatable: bool = False) -> Ctx:
    """The figures' context; with ``repeatable`` on PostgreSQL the transaction reads one snapshot
    throughout (which :func:`_export_snapshot` can share)."""
    if uow.dialect == "postgresql":
        options = {"isolation_level": "REPEATABLE READ"} if repeatable else {}
        uow.session.connection(execution_options=options).exec_driver_sql(PG_SETTINGS)
    return Ctx(uow.session, uow.dialect, flt, on, load_calendar(uow), load_timescales(uow))


def _settings(uow: UnitOfWork) -> dict[str, object]:
    return dict(uow.session.execute(select(Setting.key, Setting.value).where(
        Setting.key.startswith(ind.TARGET_PREFIX))).all())


class _Result:
    """What an indicator's builder found, before the target and the words are added."""

    def __init__(self, key: str, value: float | None, numerator: int = 0, denominator: int = 0, *,
                 empty: str = "", figures: Iterable[Figure] = (), trend: Iterable[TrendPoint] = (),
                 note: str = "") -> None:
        self.key, self.value, self.numerator, self.denominator = key, value, numerator, denominator
        self.empty, self.figures, self.trend, self.note = empty, tuple(figures), tuple(trend), note


def _finish(r: _Result, targets: dict[str, float | None], words: str) -> Indicator:
    d = ind.BY_KEY[r.key]
    target = targets.get(r.key)
    explanation = r.note
    if r.value is None or (d.unit == "count" and r.value == 0 and r.empty):
        explanation = f"{r.empty}{words}." if r.empty else explanation
    return Indicator(
        key=d.key, number=d.number, title=d.title, definition=d.definition, value=r.value, unit=d.unit,
        numerator=r.numerator, denominator=r.denominator, target=target, higher_is_better=d.higher_is_better,
        below_target=ind.below_target(r.value, target, d.higher_is_better), explanation=explanation,
        figures=r.figures, trend=r.trend, drill_keys=d.drill_keys,
    )


def _ratio_trend(ctx: Ctx, num: Counter[dt.date], den: Counter[dt.date]) -> tuple[TrendPoint, ...]:
    return tuple(TrendPoint(m, ind.percent(num[m], den[m]), num[m], den[m]) for m in ind.months(ctx.start, ctx.end))


def _median_trend(ctx: Ctx, per_month: dict[dt.date, Counter[int]]) -> tuple[TrendPoint, ...]:
    out = []
    for m in ind.months(ctx.start, ctx.end):
        values = per_month.get(m, Counter())
        out.append(TrendPoint(m, ind.median(values), sum(values.values()), 0))
    return tuple(out)


# ---- 1. Front-door timeliness ------------------------------------------------------------------


def _front_door(ctx: Ctx) -> _Result:
    found = _monthly(ctx, "front_door", _front_door_months)
    num = Counter({m: p[0] for m, p in found.items()})
    den = Counter({m: p[1] for m, p in found.items()})
    mix: Counter[str] = Counter()
    for p in found.values():
        mix.update(p[2])
    sla = ctx.ts.front_door_wd
    n_num, n_den = sum(num.values()), sum(den.values())
    figures = [Figure(f"Within {sla} working day{'s' if sla != 1 else ''}", n_num)]
    figures += [Figure(codes.label_of(codes.REQUEST_OUTCOME, o, o), mix[o])
                for o in codes.codes_of(codes.REQUEST_OUTCOME) if mix[o]]
    return _Result("front_door", ind.percent(n_num, n_den), n_num, n_den, figures=figures,
                   trend=_ratio_trend(ctx, num, den), empty="No requests for support were decided in this period")


def _front_door_months(ctx: Ctx) -> dict[dt.date, list[Any]]:
    """Per month of the period, by the month of the decision: [decided within the timescale,
    decided (not withdrawn), {outcome: decided}]."""
    recv, dec = ctx.day(R.received_at), ctx.day(R.decided_at)
    rows = ctx.s.execute(
        select(recv, dec, R.outcome, func.count())
        .where(R.decided_at >= ctx.start_ts, R.decided_at < ctx.end_ts, R.outcome.is_not(None),
               *ctx.request_scope())
        .group_by(recv, dec, R.outcome)
    ).all()
    out: dict[dt.date, list[Any]] = {m: [0, 0, {}] for m in ind.months(ctx.start, ctx.end)}
    sla = ctx.ts.front_door_wd
    for received, decided, outcome, n in rows:
        part = out[ind.month_start(as_date(decided))]  # type: ignore[arg-type]
        part[2][outcome] = part[2].get(outcome, 0) + n
        if outcome == RequestOutcome.WITHDRAWN:
            continue
        part[1] += n
        if (ctx.wd(as_date(received), as_date(decided)) or 0) <= sla:
            part[0] += n
    return out


# ---- 2. Unallocated queue ----------------------------------------------------------------------


def _unallocated(ctx: Ctx) -> _Result:
    days = ind.snapshots(ctx.start, ctx.end)
    if not days:
        return _Result("unallocated", 0, empty="The period is empty")
    # One pass over the episodes: a column per month-end snapshot (no join per snapshot).
    acc = ctx.day(E.accepted_at)
    cols = [func.sum(case((waiting_at(ctx, snap), 1), else_=0)) for snap in days]
    rows = ctx.s.execute(
        select(acc, *cols)
        .where(E.accepted_at < ctx.end_ts, or_(E.allocated_at.is_(None), E.allocated_at >= ctx.start_ts),
               or_(E.end_date.is_(None), E.end_date >= ctx.start), *ctx.episode_scope())
        .group_by(acc)
    ).all()
    counts = [sum(int(r[i + 1] or 0) for r in rows) for i in range(len(days))]
    trend = tuple(TrendPoint(ind.month_start(day), float(n), n, 0) for day, n in zip(days, counts, strict=True))
    final: Counter[int] = Counter()
    for r in rows:
        if r[-1]:
            final[ctx.wd(as_date(r[0]), days[-1]) or 0] += int(r[-1])
    count = counts[-1]
    figures = [Figure("Median wait since the decision", ind.median(final), "wd"),
               Figure("Longest wait since the decision", float(max(final)) if final else None, "wd")]
    empty = ("No episodes were waiting for a lead practitioner at the end of the period" if count == 0 else "")
    if count == 0 and (ctx.flt.worker_id is not None or ctx.flt.team_id is not None):
        empty = "Episodes waiting for a lead practitioner belong to no worker or team yet, so none show"
    return _Result("unallocated", float(count), count, 0, figures=figures, trend=trend, empty=empty)


# ---- 3. Time to allocation ---------------------------------------------------------------------


def _time_to_allocation(ctx: Ctx) -> _Result:
    per_month = {m: Counter({int(days): n for days, n in part.items()})
                 for m, part in _monthly(ctx, "time_to_allocation", _allocation_months).items()}
    values: Counter[int] = Counter()
    for found in per_month.values():
        values.update(found)
    within = sum(n for days, n in values.items() if days <= ctx.ts.allocation_wd)
    total = sum(values.values())
    figures = [Figure("Allocations in the period", total),
               Figure(f"Within {ctx.ts.allocation_wd} working days", ind.percent(within, total), "percent"),
               Figure("Longest", float(max(values)) if values else None, "wd")]
    return _Result("time_to_allocation", ind.median(values), total, 0, figures=figures,
                   trend=_median_trend(ctx, per_month),
                   empty="No lead practitioners were allocated to accepted requests in this period")


def _allocation_months(ctx: Ctx) -> dict[dt.date, dict[str, int]]:
    """Per month of the period, by the month of the allocation: {working days from the decision to
    the allocation: allocations} of the episodes the front door accepted."""
    acc, alloc = ctx.day(E.accepted_at), ctx.day(E.allocated_at)
    # Tested per allocation (a probe by episode), not as a join: the allocations of one hub and year
    # are few next to the city's accepted requests.
    rows = ctx.s.execute(
        select(acc, alloc, func.count())
        .where(E.allocated_at >= ctx.start_ts, E.allocated_at < ctx.end_ts, accepted_at_front_door(),
               *ctx.episode_scope())
        .group_by(acc, alloc)
    ).all()
    out: dict[dt.date, dict[str, int]] = {m: {} for m in ind.months(ctx.start, ctx.end)}
    for accepted, allocated, n in rows:
        days = str(ctx.wd(as_date(accepted), as_date(allocated)) or 0)  # JSON keys are text
        part = out[ind.month_start(as_date(allocated))]  # type: ignore[arg-type]
        part[days] = part.get(days, 0) + n
    return out


# ---- 4. Assessment timeliness ------------------------------------------------------------------


def _assessment(ctx: Ctx) -> _Result:
    a = Assessment
    alloc = ctx.day(E.allocated_at)
    found = _monthly(ctx, "assessment", _assessment_months)
    num = Counter({m: n for m, (n, _) in found.items()})
    den = Counter({m: n for m, (_, n) in found.items()})
    limit = ctx.ts.assessment_wd
    overdue = 0
    for allocated, n in ctx.s.execute(
        select(alloc, func.count()).select_from(a).join(E, E.id == a.episode_id)
        .where(a.kind == "EHA", a.status.in_(tuple(ASSESSMENT_OPEN_STATES)), E.status != EpisodeState.CLOSED,
               E.allocated_at.is_not(None), E.allocated_at < ctx.end_ts, *ctx.episode_scope())
        .group_by(alloc)
    ):
        if (ctx.wd(as_date(allocated), ctx.end) or 0) > limit:
            overdue += n
    n_num, n_den = sum(num.values()), sum(den.values())
    figures = [Figure(f"Authorised within {limit} working days", n_num),
               Figure("Not yet authorised and past the timescale", overdue)]
    return _Result("assessment", ind.percent(n_num, n_den), n_num, n_den, figures=figures,
                   trend=_ratio_trend(ctx, num, den), empty="No early help assessments were authorised in this period")


def _assessment_months(ctx: Ctx) -> dict[dt.date, list[int]]:
    """Per month of the period: [authorised within the timescale, authorised]."""
    a = Assessment
    alloc, auth = ctx.day(E.allocated_at), ctx.day(a.authorised_at)
    rows = ctx.s.execute(
        select(alloc, auth, func.count()).select_from(a).join(E, E.id == a.episode_id)
        .where(a.kind == "EHA", a.authorised_at >= ctx.start_ts, a.authorised_at < ctx.end_ts,
               *ctx.episode_scope())
        .group_by(alloc, auth)
    ).all()
    out = {m: [0, 0] for m in ind.months(ctx.start, ctx.end)}
    for allocated, authorised, n in rows:
        part = out[ind.month_start(as_date(authorised))]  # type: ignore[arg-type]
        part[1] += n
        days = ctx.wd(as_date(allocated), as_date(authorised))
        if days is not None and days <= ctx.ts.assessment_wd:
            part[0] += n
    return out


# ---- 5. Review compliance ----------------------------------------------------------------------


def _review(ctx: Ctx) -> _Result:
    days = ind.snapshots(ctx.start, ctx.end)
    if not days:
        return _Result("review", None, empty="The period is empty")
    return _share_at_snapshots(ctx, "review", days, _snapshots(ctx, "review", days, _review_counts),
                               ("Plans running", "Review overdue"),
                               "No episodes had a running plan at the end of the period")


def _review_counts(ctx: Ctx, days: tuple[dt.date, ...]) -> list[tuple[int, int]]:
    """Per snapshot day: (plans running, those reviewed within their interval)."""
    q = review_pivot(ctx, days)
    c = q.c  # type: ignore[attr-defined]
    interval = func.coalesce(c.review_interval_days, ctx.ts.review_interval_days)
    cols = []
    for i, day in enumerate(days):
        running = running_on(ctx, c, day)
        ok = ctx.days(review_reference(getattr(c, f"r{i}"), c), ctx.date(day)) <= interval
        cols += [func.sum(case((running, 1), else_=0)), func.sum(case((and_(running, ok), 1), else_=0))]
    return _pairs(ctx, cols, len(days))


# ---- 6. Consent coverage -----------------------------------------------------------------------


def _consent(ctx: Ctx) -> _Result:
    days = ind.snapshots(ctx.start, ctx.end)
    if not days:
        return _Result("consent", None, empty="The period is empty")
    return _share_at_snapshots(ctx, "consent", days, _snapshots(ctx, "consent", days, _consent_counts),
                               ("Open episodes", "Without current consent"),
                               "No episodes were open at the end of the period")


def _consent_counts(ctx: Ctx, days: tuple[dt.date, ...]) -> list[tuple[int, int]]:
    """Per snapshot day: (episodes open, those with current consent)."""
    q = consent_pivot(ctx, days)
    c = q.c  # type: ignore[attr-defined]
    cols = []
    for i, day in enumerate(days):
        is_open = open_on(ctx, c, day)
        cols += [func.sum(case((is_open, 1), else_=0)),
                 func.sum(case((and_(is_open, getattr(c, f"c{i}") == 1), 1), else_=0))]
    return _pairs(ctx, cols, len(days))


def _pairs(ctx: Ctx, cols: list[Any], n: int) -> list[tuple[int, int]]:
    row = ctx.s.execute(select(*cols)).one()
    return [(int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i in range(n)]


def _share_at_snapshots(ctx: Ctx, key: str, days: tuple[dt.date, ...], found: list[tuple[int, int]],
                        labels: tuple[str, str], empty: str) -> _Result:
    """An indicator that is a share at each month-end snapshot: ``found`` holds, per day of
    ``days``, the records counted and those meeting the rule; the figure is the last day's share,
    ``labels`` name the count and those not meeting the rule."""
    trend = tuple(TrendPoint(ind.month_start(day), ind.percent(good, n), good, n)
                  for day, (n, good) in zip(days, found, strict=True))
    den, num = found[-1]
    figures = [Figure(labels[0], den), Figure(labels[1], den - num)]
    return _Result(key, ind.percent(num, den), num, den, figures=figures, trend=trend, empty=empty)


# ---- Kept month parts (PostgreSQL, hub filter: hubapp.services._dashboard_kept) ----------------


#: One month's part of a kept figure (a list of counts, or of ids): what is kept as JSON.
Part = TypeVar("Part")


def _from(ctx: Ctx, first: dt.date) -> Ctx:
    """``ctx`` for the days from ``first`` to the end of the period."""
    return replace(ctx, flt=replace(ctx.flt, period_start=max(first, ctx.start)), parts={}, kept=None)


def _snapshots(ctx: Ctx, key: str, days: tuple[dt.date, ...],
               count: Callable[[Ctx, tuple[dt.date, ...]], list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """``count`` at each snapshot day, the kept ones read and the rest worked out (from the first
    day not kept on: changes only move later days) and kept."""
    kept = ctx.kept
    if kept is None:
        return count(ctx, days)
    have = [kept.get(key, span_of(day, day)) for day in days]
    first = next((i for i, h in enumerate(have) if h is None), len(days))
    if first < len(days):
        for i, pair in enumerate(count(_from(ctx, ind.month_start(days[first])), days[first:]), start=first):
            have[i] = pair
            kept.put(key, span_of(days[i], days[i]), ind.month_start(days[i]), list(pair))
    return [(int(n), int(good)) for n, good in have]


def _monthly(ctx: Ctx, key: str, count: Callable[[Ctx], dict[dt.date, Part]], *,
             tail: str = "") -> dict[dt.date, Part]:
    """``count``'s part for each month of the period (from the period's first day, to its last), the
    kept ones read and the rest worked out (``count`` is given the period from the first month not
    kept on) and kept. ``tail`` ends each part's key: what else, besides its days, the part was
    worked out for."""
    kept = ctx.kept
    if kept is None:
        return count(ctx)
    spans = {m: span_of(max(m, ctx.start), min(ind.month_end(m), ctx.end)) + tail
             for m in ind.months(ctx.start, ctx.end)}
    have = {m: kept.get(key, span) for m, span in spans.items()}
    first = next((m for m, h in have.items() if h is None), None)
    if first is not None:
        for m, part in count(_from(ctx, first)).items():
            have[m] = part
            kept.put(key, spans[m], m, part)
    return have  # type: ignore[return-value]


# ---- 7. Step-up rate and conversion ------------------------------------------------------------


def _step_up(ctx: Ctx) -> _Result:
    # The episodes open in the period count once, in the month they were first open in it, which
    # depends on the period's first day: the parts are kept for it.
    found = _monthly(ctx, "step_up", lambda later: _step_up_months(later, ctx.start), tail=f"@{ctx.start.isoformat()}")
    sent = Counter({m: p[0] for m, p in found.items()})
    opened = Counter({m: p[1] for m, p in found.items()})
    open_total = sum(p[2] for p in found.values())
    n_decided, taken_on = sum(p[3] for p in found.values()), sum(p[4] for p in found.values())
    n_sent = sum(sent.values())
    figures = [Figure("Step-up requests sent", n_sent), Figure("Episodes open in the period", open_total),
               Figure("Step-up rate", ind.percent(n_sent, open_total), "percent"),
               Figure("Step-ups decided", n_decided), Figure("Taken on by social care", taken_on),
               Figure("Conversion (taken on ÷ decided)", ind.percent(taken_on, n_decided), "percent")]
    return _Result("step_up", ind.percent(n_sent, open_total), n_sent, open_total, figures=figures,
                   trend=_ratio_trend(ctx, sent, opened), empty="No early help episodes were open in this period")


def _step_up_months(ctx: Ctx, period_start: dt.date) -> dict[dt.date, list[int]]:
    """Per month of ``ctx``'s period (the last months of the one starting on ``period_start``):
    [step-ups sent to social care, requested in the month; early help episodes open in the month;
    episodes first open in the period in the month; step-ups decided in the month; of them, taken on
    by social care]."""
    req = ctx.day(T.requested_at)
    months = ind.months(ctx.start, ctx.end)
    out = {m: [0, 0, 0, 0, 0] for m in months}
    for day, n in ctx.s.execute(
        select(req, func.count()).where(T.direction == UP, T.requested_at >= ctx.start_ts,
                                        T.requested_at < ctx.end_ts, sent_to_csc(), *ctx.transfer_scope())
        .group_by(req)
    ):
        out[ind.month_start(as_date(day))][0] += n  # type: ignore[index]
    # One pass over the episodes open in these months: per month, those open in it, and those first
    # open in the period in it (they started in it, or before the period for its first month).
    first_month = ind.month_start(period_start)
    cols = []
    for m in months:
        m1 = min(ind.month_end(m), ctx.end)
        cols.append(func.sum(case((and_(E.start_date <= ctx.date(m1),
                                        or_(E.end_date.is_(None), E.end_date >= ctx.date(m))), 1), else_=0)))
        starts = E.start_date <= ctx.date(m1) if m == first_month else E.start_date.between(ctx.date(m), ctx.date(m1))
        cols.append(func.sum(case((starts, 1), else_=0)))
    found = ctx.s.execute(select(*cols).where(
        E.start_date <= ctx.end, or_(E.end_date.is_(None), E.end_date >= ctx.start), *ctx.episode_scope())).one()
    for i, m in enumerate(months):
        out[m][1], out[m][2] = int(found[2 * i] or 0), int(found[2 * i + 1] or 0)
    dec = ctx.day(T.decided_at)
    for day, outcome, n in ctx.s.execute(
        select(dec, T.decision_outcome, func.count()).where(
            T.direction == UP, T.decided_at >= ctx.start_ts, T.decided_at < ctx.end_ts,
            T.decision_outcome.is_not(None), *ctx.transfer_scope()).group_by(dec, T.decision_outcome)
    ):
        part = out[ind.month_start(as_date(day))]  # type: ignore[index]
        part[3] += n
        part[4] += n if outcome in STEP_UP_ACCEPTED_OUTCOMES else 0
    return out


# ---- 8. Step-down flow -------------------------------------------------------------------------


def _step_down(ctx: Ctx) -> _Result:
    inner = (select(first_event(StepDownState.SUBMITTED_TO_EH).label("sub"), T.allocated_on)
             .where(T.direction == DOWN, T.allocated_on >= ctx.start, T.allocated_on <= ctx.end,
                    *ctx.transfer_scope()).subquery())
    sub = ctx.day(inner.c.sub)
    values: Counter[int] = Counter()
    per_month: dict[dt.date, Counter[int]] = defaultdict(Counter)
    for submitted, allocated, n in ctx.s.execute(
            select(sub, inner.c.allocated_on, func.count()).group_by(sub, inner.c.allocated_on)):
        days = ctx.wd(as_date(submitted), as_date(allocated))
        if days is None:
            continue
        values[days] += n
        per_month[ind.month_start(as_date(allocated))][days] += n  # type: ignore[arg-type]
    closed = first_event(StepDownState.CSC_CLOSED)
    handover = (select(T.meeting_on, closed.label("closed"))
                .where(T.direction == DOWN, *ctx.transfer_scope(),
                       exists().where(TransferEvent.transfer_id == T.id,
                                      TransferEvent.to_status == StepDownState.CSC_CLOSED,
                                      TransferEvent.at >= ctx.start_ts, TransferEvent.at < ctx.end_ts))
                .subquery())
    before = and_(handover.c.meeting_on.is_not(None), handover.c.meeting_on <= ctx.day(handover.c.closed))
    closed_n, before_n = ctx.s.execute(
        select(func.count(), func.sum(case((before, 1), else_=0))).select_from(handover)).one()
    closed_n, before_n = int(closed_n or 0), int(before_n or 0)
    queue = queue_counts(ctx)
    figures = [Figure("Step-downs allocated", sum(values.values())),
               Figure("CSC closed in the period", closed_n),
               Figure("Handover meeting held before CSC closure", ind.percent(before_n, closed_n), "percent"),
               Figure("In the queue", sum(n for n, _ in queue.values()))]
    for state in (s for s in StepDownState if s in queue):
        n, oldest = queue[state]
        figures.append(Figure(f"{state_label(state)}: {n} waiting, oldest (working days)", float(oldest), "wd"))
    return _Result("step_down", ind.median(values), sum(values.values()), 0, figures=figures,
                   trend=_median_trend(ctx, per_month), empty="No step-downs were allocated in this period")


# ---- 9. Re-referral within 12 months -----------------------------------------------------------


def _re_referral(ctx: Ctx) -> _Result:
    found = _monthly(ctx, "re_referral", _re_referral_months)
    num = Counter({m: n for m, (n, _) in found.items()})
    den = Counter({m: n for m, (_, n) in found.items()})
    n_num, n_den = sum(num.values()), sum(den.values())
    figures = [Figure("New requests", n_den), Figure("Re-referrals", n_num),
               Figure("National social care comparator (2023-24)", 22.0, "percent")]
    return _Result("re_referral", ind.percent(n_num, n_den), n_num, n_den, figures=figures,
                   trend=_ratio_trend(ctx, num, den), empty="No new requests for support were received in this period")


def _re_referral_months(ctx: Ctx) -> dict[dt.date, list[int]]:
    """Per month of the period: [re-referrals, new requests]."""
    recv = ctx.day(R.received_at)
    out = {m: [0, 0] for m in ind.months(ctx.start, ctx.end)}
    for day, n in ctx.s.execute(select(recv, func.count()).where(*new_requests(ctx)).group_by(recv)):
        out[ind.month_start(as_date(day))][1] += n  # type: ignore[arg-type]
    for _, _, day, _ in re_referrals(ctx):
        out[ind.month_start(day)][0] += 1
    return out


# ---- 10. Escalation after an outcomes-met closure ----------------------------------------------


def _escalation(ctx: Ctx) -> _Result:
    short, long = ctx.ts.escalation_short_days, ctx.ts.escalation_long_days
    found = _monthly(ctx, "escalation", _escalation_months)
    counts = {short: [sum(p[0] for p in found.values()), sum(p[1] for p in found.values())],
              long: [sum(p[2] for p in found.values()), sum(p[3] for p in found.values())]}
    num = Counter({m: p[3] for m, p in found.items()})
    den = Counter({m: p[2] for m, p in found.items()})
    figures = [Figure(f"Within {round(short / 30.4)} months", ind.percent(counts[short][1], counts[short][0]),
                      "percent"),
               Figure(f"Closures followed for {round(short / 30.4)} months", counts[short][0]),
               Figure(f"Within {round(long / 30.4)} months", ind.percent(counts[long][1], counts[long][0]),
                      "percent"),
               Figure(f"Closures followed for {round(long / 30.4)} months", counts[long][0])]
    return _Result("escalation", ind.percent(counts[long][1], counts[long][0]), counts[long][1], counts[long][0],
                   figures=figures, trend=_ratio_trend(ctx, num, den),
                   empty=f"No episodes closed with outcomes met had their {round(long / 30.4)} months after "
                         "closure end in this period")


def _escalation_months(ctx: Ctx) -> dict[dt.date, list[int]]:
    """Per month of the period, by the month a closure's window ends in: [closures followed for the
    short window, of them escalated, closures followed for the long window, of them escalated]."""
    short, long = ctx.ts.escalation_short_days, ctx.ts.escalation_long_days
    f_short = case((escalated_within(ctx, short), 1), else_=0)
    f_long = case((escalated_within(ctx, long), 1), else_=0)
    out = {m: [0, 0, 0, 0] for m in ind.months(ctx.start, ctx.end)}
    # Only closures whose 6 or 12 months end in the period (for one month: two months of closures,
    # not the half-year between).
    due_in_period = or_(*(E.end_date.between(ctx.start - dt.timedelta(days=w), ctx.end - dt.timedelta(days=w))
                          for w in (short, long)))
    for end, hit_short, hit_long, n in ctx.s.execute(
            select(E.end_date, f_short, f_long, func.count()).where(*escalation_cohort(ctx, (due_in_period,)))
            .group_by(E.end_date, f_short, f_long)):
        for col, window, hit in ((0, short, hit_short), (2, long, hit_long)):
            due = end + dt.timedelta(days=window)
            if ctx.start <= due <= ctx.end:
                part = out[ind.month_start(due)]
                part[col] += n
                part[col + 1] += n * hit
    return out


# ---- 11. Revolving door ------------------------------------------------------------------------


def _revolving_door(ctx: Ctx) -> _Result:
    found = _revolving_found(ctx)
    per_month: dict[dt.date, set[int]] = defaultdict(set)
    for (_, child_id), hits in found.items():
        for d in hits:
            per_month[ind.month_start(d)].add(child_id)
    trend = tuple(TrendPoint(m, float(len(per_month[m])), len(per_month[m]), 0) for m in ind.months(ctx.start, ctx.end))
    families = len({f for f, _ in found})
    figures = [Figure("Families", families)]
    return _Result("revolving_door", float(len(found)), len(found), 0, figures=figures, trend=trend,
                   empty="No child had three or more episodes within 24 months starting in this period"
                   if not found else "")


def _revolving_found(ctx: Ctx) -> dict[tuple[int, int], set[dt.date]]:
    """The children who count, as (family, child), with their qualifying starts in the period.

    Kept by month: a month's part holds the children who count by the end of that month (a
    qualifying start and a start in scope, both in the period and by then) for whom one of the two
    fell in that month, with their qualifying starts by then. Every child who counts is in the part of
    the later of its first start in scope and its last qualifying start, with all its qualifying
    starts, and a part reads nothing dated after its month (social care episodes are inferred from
    the transfers in date order). Parts are kept for one period start (the starts in scope count from
    it)."""
    if ctx.kept is None:
        return {(f, c): set(hits) for f, c, _, hits, _ in revolving_children(ctx, names=False)}
    # The parts are worked out over the whole period (starts in scope count from its first day), for
    # the months of the period _monthly asks for.
    parts = _monthly(ctx, "revolving_door", lambda later: _revolving_parts(ctx, ind.months(later.start, later.end)),
                     tail=f"@{ctx.start.isoformat()}")
    found: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    for part in parts.values():
        for f, c, hits in part:
            found[(int(f), int(c))].update(dt.date.fromordinal(int(h)) for h in hits)
    return found


def _revolving_parts(ctx: Ctx, months: list[dt.date]) -> dict[dt.date, list[list[Any]]]:
    """The kept parts of :func:`_revolving_found` for ``months`` (the last months of the period):
    per month, ``[family, child, [qualifying starts by the month's end, as ordinals]]``. The families'
    starts in scope over the whole period are kept by month too (``revolving_scope``)."""
    scope: dict[int, list[dt.date]] = defaultdict(list)
    for part in _monthly(ctx, "revolving_scope", _revolving_scope_months).values():
        for fid, days in part:
            scope[int(fid)] += [dt.date.fromordinal(int(day)) for day in days]
    scope = {fid: sorted(days) for fid, days in scope.items()}
    found = revolving_since(ctx, scope, since=months[0])
    out: dict[dt.date, list[list[Any]]] = {m: [] for m in months}
    for fid, child_id, _, hits, _ in found:
        in_scope = scope[fid]
        for m in months:
            last = min(ind.month_end(m), ctx.end)
            by_then = [h for h in hits if h <= last]
            if not by_then or in_scope[0] > last:
                continue
            if any(ind.month_start(h) == m for h in by_then) or any(ind.month_start(d) == m for d in in_scope):
                out[m].append([fid, child_id, [h.toordinal() for h in by_then]])
    return out


def _revolving_scope_months(ctx: Ctx) -> dict[dt.date, list[list[Any]]]:
    """:func:`revolving_scope` kept by month: per month, ``[family, [its days in scope in the
    month, as ordinals]]``."""
    out: dict[dt.date, dict[int, list[int]]] = {m: defaultdict(list) for m in ind.months(ctx.start, ctx.end)}
    for fid, days in revolving_scope(ctx).items():
        for day in days:
            out[ind.month_start(day)][fid].append(day.toordinal())
    return {m: [[fid, days] for fid, days in sorted(part.items())] for m, part in out.items()}


# ---- 12. Outcomes and the Supporting Families pipeline -----------------------------------------


def _outcomes(ctx: Ctx) -> _Result:
    # One expression object in SELECT and GROUP BY, so PostgreSQL sees the same parameters in both.
    met = case((E.end_reason == "OUTCOMES_MET", 1), else_=0)
    num: Counter[dt.date] = Counter()
    den: Counter[dt.date] = Counter()
    for end, is_met, n in ctx.s.execute(select(E.end_date, met, func.count())
                                        .where(*closed_in_period(ctx)).group_by(E.end_date, met)):
        den[ind.month_start(end)] += n
        num[ind.month_start(end)] += n * is_met
    n_num, n_den = sum(num.values()), sum(den.values())
    distance, areas = ctx.part("distance", _distance)
    evidenced = ctx.part("evidenced", _evidenced)
    claimable = ctx.part("claimable", _claimable)
    audited, passed = ctx.part("claims_audited", _claims_audited)
    figures = [Figure("Closures (not opened in error)", n_den), Figure("Closed with outcomes met", n_num),
               Figure("Mean distance travelled (latest − first score)", distance, "score"),
               Figure("Areas with two or more scores", areas),
               Figure("Families with three or more evidenced needs", evidenced),
               Figure("Families past the sustainment window (claimable)", claimable),
               Figure("Claims audited", audited),
               Figure("Claims passing audit", ind.percent(passed, audited), "percent")]
    return _Result("outcomes", ind.percent(n_num, n_den), n_num, n_den, figures=figures,
                   trend=_ratio_trend(ctx, num, den), empty="No episodes were closed in this period")


def _evidenced(ctx: Ctx) -> int:
    return int(ctx.s.scalar(select(func.count()).select_from(evidenced_families(ctx).subquery())) or 0)


def _claimable(ctx: Ctx) -> int:
    return len({f for part in _monthly(ctx, "claimable", _claimable_months).values() for f in part})


def _claimable_months(ctx: Ctx) -> dict[dt.date, list[int]]:
    """Per month of the period: the families (ids) whose claimable episode's sustainment window
    ended in it (a family can be claimable in several months; the figure counts it once)."""
    wait = dt.timedelta(days=ctx.ts.sf_sustainment_days)
    q = claimable_episodes(ctx).subquery()
    out: dict[dt.date, set[int]] = {m: set() for m in ind.months(ctx.start, ctx.end)}
    for family_id, end in ctx.s.execute(select(q.c.family_id, q.c.end_date).distinct()):
        out[ind.month_start(end + wait)].add(family_id)
    return {m: sorted(ids) for m, ids in out.items()}


def _claims_audited(ctx: Ctx) -> tuple[int, int]:
    audited, passed = ctx.s.execute(
        select(func.count(), func.sum(case((SFClaim.audit_status == "PASSED", 1), else_=0)))
        .join(E, E.id == SFClaim.episode_id)
        .where(SFClaim.submitted_on >= ctx.start, SFClaim.submitted_on <= ctx.end,
               SFClaim.audit_status.is_not(None), *ctx.episode_scope())).one()
    return int(audited or 0), int(passed or 0)


def _distance(ctx: Ctx) -> tuple[float | None, int]:
    # Scores count up to the period's end, so a month's part is kept for that end only.
    found = _monthly(ctx, "distance", _distance_months, tail=f"<={ctx.end.isoformat()}")
    total, n = sum(p[0] for p in found.values()), sum(p[1] for p in found.values())
    return (round(total / n, 2) if n else None), n


def _distance_months(ctx: Ctx) -> dict[dt.date, list[int]]:
    """Per month of the period, by the month the episode closed: [sum of latest − first score, areas
    with two or more scores]."""
    g = distance_groups(ctx).subquery()  # type: ignore[attr-defined]
    out = {m: [0, 0] for m in ind.months(ctx.start, ctx.end)}
    for end, total, n in ctx.s.execute(select(g.c.end_date, func.sum(g.c.latest - g.c.first), func.count())
                                       .group_by(g.c.end_date)):
        part = out[ind.month_start(as_date(end))]  # type: ignore[arg-type]
        part[0] += int(total or 0)
        part[1] += int(n or 0)
    return out


#: What ``_outcomes`` reads through ``ctx.part``, by name (each a query of its own).
_PARTS: dict[str, Callable[[Ctx], object]] = {
    "distance": _distance, "evidenced": _evidenced, "claimable": _claimable, "claims_audited": _claims_audited,
}

_BUILDERS: tuple[Callable[[Ctx], _Result], ...] = (
    _front_door, _unallocated, _time_to_allocation, _assessment, _review, _consent, _step_up, _step_down,
    _re_referral, _escalation, _revolving_door, _outcomes,
)

__all__ = ["dashboard", "drill_down", "filter_options"]
