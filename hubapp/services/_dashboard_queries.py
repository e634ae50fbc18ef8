"""The conditions and queries the dashboard's figures and their lists share (DOMAIN §9): which
records count for an indicator, written once so a figure and its drill-down cannot drift apart.

Each function builds SQL for a :class:`~hubapp.services._dashboard_sql.Ctx` (filter, period,
calendar, timescales) or, for the revolving door and re-referrals, gathers the few rows the rules of
:mod:`hubapp.domain.revolving` then decide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by, array_agg

from hubapp.data.models import (
    ConsentRecord, Episode, EpisodeChild, FamilyMembership, Meeting, Need, OutcomeMeasurement, Person, Plan,
    RequestForSupport, RequestPerson, TransferEvent, TransferRequest,
)
from hubapp.domain import indicators as ind
from hubapp.domain import revolving as rules
from hubapp.domain.states import (
    STEP_DOWN_QUEUE_STATES, STEP_UP_ACCEPTED_OUTCOMES, EpisodeState, PlanState, RequestOutcome, RequestState,
    ReviewState, StepUpState, TransferDirection,
)

from . import revolving as facts_service
from .revolving import chunks, id_in
from ._dashboard_sql import Ctx, as_date

E, R, T = Episode, RequestForSupport, TransferRequest
UP, DOWN = TransferDirection.STEP_UP, TransferDirection.STEP_DOWN
#: Plan versions that ran (were ACTIVE) at some time.
RAN = (PlanState.ACTIVE, PlanState.SUPERSEDED, PlanState.ENDED)
#: Episode states that count as "plan active" at today's snapshot (IN_REVIEW is a running plan).
PLAN_RUNNING = (EpisodeState.PLAN_ACTIVE, EpisodeState.IN_REVIEW)
MET = "MET"


def waiting_at(ctx: Ctx, snap: dt.date) -> object:
    """An episode accepted and still without a lead practitioner (and not closed) on ``snap``."""
    after = _midnight_after(snap)
    return and_(E.accepted_at < after, or_(E.allocated_at.is_(None), E.allocated_at >= after),
                or_(E.end_date.is_(None), E.end_date > snap))


def _midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)


def accepted_at_front_door() -> object:
    """Episodes the front door accepted (a request decided ACCEPT_EH opened them).

    A correlated look-up with LIMIT, so PostgreSQL probes the request index per episode instead of
    hashing every accepted request in the city.
    """
    return (select(R.id).where(R.episode_id == E.id, R.outcome == RequestOutcome.ACCEPT_EH).limit(1)
            .scalar_subquery().is_not(None))


#: The longest review interval a plan may set (plan_rules.MAX_REVIEW_INTERVAL_DAYS): a review held
#: longer ago than this before a snapshot cannot make a plan up to date on it.
_LOOKBACK_DAYS = 182


def review_pivot(ctx: Ctx, days: tuple[dt.date, ...], detail: bool = False) -> object:
    """Each plan version that ran in the period, with (``r0``, ``r1``...) the last review held on or
    before each snapshot day, in one pass over its episode's reviews."""
    m = Meeting
    lookback = ctx.start - dt.timedelta(days=max(_LOOKBACK_DAYS, ctx.ts.review_interval_days))
    cols = [Plan.id, Plan.agreed_on, Plan.started_on, Plan.ended_on, Plan.review_interval_days, E.end_date,
            E.status]
    if detail:
        cols += [E.family_id, E.hub_id, E.lead_worker_id, Plan.version_no]
    last = [func.max(case((m.held_on <= ctx.date(day), m.held_on))).label(f"r{i}") for i, day in enumerate(days)]
    return (select(*cols, *last).select_from(Plan).join(E, E.id == Plan.episode_id)
            .outerjoin(m, and_(m.episode_id == Plan.episode_id, m.status == ReviewState.HELD, m.kind == "TAF_REVIEW",
                               m.held_on >= lookback, m.held_on <= ctx.end))
            .where(Plan.status.in_(RAN), Plan.started_on <= ctx.end,
                   or_(Plan.ended_on.is_(None), Plan.ended_on >= ctx.start),
                   or_(E.end_date.is_(None), E.end_date >= ctx.start), *ctx.episode_scope())
            .group_by(*cols).subquery("running"))


def running_on(ctx: Ctx, c: Any, day: dt.date) -> Any:
    """The plan version (columns ``c`` of :func:`review_pivot`) was running on ``day``: its episode
    open and, at today's snapshot, "plan active"."""
    out = [c.started_on <= ctx.date(day), or_(c.ended_on.is_(None), c.ended_on > ctx.date(day)),
           or_(c.end_date.is_(None), c.end_date > ctx.date(day))]
    if day >= ctx.today:
        out.append(c.status.in_(PLAN_RUNNING))
    return and_(*out)


def review_reference(last: Any, c: Any) -> Any:
    """The date a running plan was last looked at: the later of its last review and its agreement."""
    return case((and_(last.is_not(None), or_(c.agreed_on.is_(None), last > c.agreed_on)), last),
                else_=func.coalesce(c.agreed_on, c.started_on))


def consent_pivot(ctx: Ctx, days: tuple[dt.date, ...], detail: bool = False) -> object:
    """Each episode open in the period, with (``c0``, ``c1``...) whether a current consent record of
    the episode covered engagement and information sharing on each snapshot day."""
    c = ConsentRecord
    cols = [E.id, E.start_date, E.end_date, E.status]
    if detail:
        cols += [E.family_id, E.hub_id, E.lead_worker_id]
    covered = [func.max(case((and_(c.given_on <= ctx.date(day),
                                   or_(c.withdrawn_on.is_(None), c.withdrawn_on > ctx.date(day))), 1), else_=0))
               .label(f"c{i}") for i, day in enumerate(days)]
    return (select(*cols, *covered).select_from(E)
            .outerjoin(c, and_(c.episode_id == E.id, c.agreed.is_(True), c.scope_engagement.is_(True),
                               c.scope_sharing.is_(True), c.given_on <= ctx.end))
            .where(E.start_date <= ctx.end, or_(E.end_date.is_(None), E.end_date >= ctx.start), *ctx.episode_scope())
            .group_by(*cols).subquery("open_episodes"))


def open_on(ctx: Ctx, c: Any, day: dt.date) -> Any:
    """The episode (columns ``c`` of :func:`consent_pivot`) was open on ``day``."""
    out = [c.start_date <= ctx.date(day), or_(c.end_date.is_(None), c.end_date > ctx.date(day))]
    if day >= ctx.today:
        out.append(c.status != EpisodeState.CLOSED)
    return and_(*out)


def sent_to_csc() -> object:
    """A step-up that was sent to social care (its history has the move to SENT)."""
    return exists().where(TransferEvent.transfer_id == T.id, TransferEvent.to_status == StepUpState.SENT)


def first_event(to_status: str) -> object:
    """When a transfer first moved to ``to_status`` (from its history)."""
    return (select(func.min(TransferEvent.at)).where(TransferEvent.transfer_id == T.id,
                                                     TransferEvent.to_status == to_status).scalar_subquery())


def queue_counts(ctx: Ctx) -> dict[str, tuple[int, int]]:
    """The step-down queue at the snapshot: per state, how many and the oldest age in working days."""
    changed = ctx.day(T.state_changed_at)
    out: dict[str, tuple[int, int]] = {}
    for state, day, n in ctx.s.execute(
        select(T.status, changed, func.count()).where(
            T.direction == DOWN, T.status.in_(tuple(STEP_DOWN_QUEUE_STATES)), T.state_changed_at < ctx.end_ts,
            *ctx.transfer_scope()).group_by(T.status, changed)
    ):
        have, oldest = out.get(state, (0, 0))
        out[state] = (have + n, max(oldest, ctx.wd(as_date(day), ctx.end) or 0))
    return out


def new_requests(ctx: Ctx) -> list[object]:
    """Requests received in the period (drafts are not requests yet)."""
    return [R.received_at >= ctx.start_ts, R.received_at < ctx.end_ts, R.status != RequestState.DRAFT,
            *ctx.request_scope()]


def re_referrals(ctx: Ctx) -> list[tuple[int, int, dt.date, rules.EhEpisode]]:
    """``(request id, family id, received, the episode that closed before)`` for each re-referral.

    SQL keeps the requests whose family had an early help episode close in the 365 days before;
    :func:`hubapp.domain.revolving.previous_closure` then decides, child by child.
    """
    recv = ctx.day(R.received_at)
    # A look-up with LIMIT per request (by the family's episodes), so PostgreSQL probes the index
    # instead of hashing every closed episode in the city (and their row-level security) per call.
    closed_before = select(E.id).where(
        E.family_id == R.family_id, E.status == EpisodeState.CLOSED, E.end_date.is_not(None),
        E.start_date < recv, ctx.days(E.end_date, recv) >= 0, ctx.days(E.end_date, recv) <= rules.RE_REFERRAL_DAYS,
    ).limit(1).scalar_subquery().is_not(None)
    candidates = ctx.s.execute(select(R.id, R.family_id, recv).where(*new_requests(ctx), closed_before)).all()
    if not candidates:
        return []
    request_ids = [c[0] for c in candidates]
    family_ids = sorted({c[1] for c in candidates})
    subjects: dict[int, set[int]] = defaultdict(set)
    episodes: dict[int, list[tuple[int, rules.EhEpisode]]] = defaultdict(list)
    kids: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(request_ids):
        for rid, pid in ctx.s.execute(select(RequestPerson.request_id, RequestPerson.person_id)
                                      .where(RequestPerson.request_id.in_(chunk))):
            subjects[rid].add(pid)
    closed_rows = []
    for chunk in _chunks(family_ids):
        closed_rows += ctx.s.execute(select(E.id, E.family_id, E.start_date, E.end_date, E.end_reason).where(
            E.family_id.in_(chunk), E.status == EpisodeState.CLOSED,
            E.end_date >= ctx.start - dt.timedelta(days=rules.RE_REFERRAL_DAYS), E.end_date <= ctx.end)).all()
    for chunk in _chunks([r[0] for r in closed_rows]):
        for eid, pid in ctx.s.execute(select(EpisodeChild.episode_id, EpisodeChild.person_id)
                                      .where(EpisodeChild.episode_id.in_(chunk))):
            kids[eid].add(pid)
    for eid, fid, start, end, reason in closed_rows:
        episodes[fid].append((eid, rules.EhEpisode(start, end, reason, frozenset(kids[eid]))))
    out = []
    for rid, fid, received in candidates:
        day = as_date(received)
        assert day is not None
        found = rules.previous_closure(rules.Referral(day, frozenset(subjects[rid]), "request"),
                                       [e for _, e in episodes[fid]])
        if found is not None:
            out.append((rid, fid, day, found))
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    """``ids`` in lists of at most ``size`` (for ``IN`` lists)."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def escalated_within(ctx: Ctx, days: int) -> object:
    """The family was referred to social care, or stepped up, 0 to ``days`` days after the closure."""
    req, dec = ctx.day(T.requested_at), ctx.day(R.decided_at)
    step_up = exists().where(T.family_id == E.family_id, T.direction == UP, sent_to_csc(),
                             ctx.days(E.end_date, req) >= 0, ctx.days(E.end_date, req) <= days)
    passed = exists().where(R.family_id == E.family_id, R.outcome == RequestOutcome.PASS_TO_CSC,
                            R.decided_at.is_not(None), ctx.days(E.end_date, dec) >= 0,
                            ctx.days(E.end_date, dec) <= days)
    return or_(step_up, passed)


def escalation_cohort(ctx: Ctx, extra: Iterable[object] = ()) -> object:
    short, long = ctx.ts.escalation_short_days, ctx.ts.escalation_long_days
    return (E.end_reason == "OUTCOMES_MET", E.status == EpisodeState.CLOSED,
            E.end_date >= ctx.start - dt.timedelta(days=max(short, long)),
            E.end_date <= ctx.end - dt.timedelta(days=min(short, long)), *ctx.episode_scope(), *extra)


def revolving_children(ctx: Ctx, *, names: bool = True) -> list[tuple[int, int, str, tuple[dt.date, ...],
                                                                       list[dt.date]]]:
    """``(family id, child id, name, qualifying starts in the period, all starts)`` per child.

    With ``names=False`` the name is empty and ``person`` is not read (the count needs only the
    children's ids; on PostgreSQL the row-level security of ``person`` costs more than the rest).

    A child counts for the hub, team or worker where an episode of the window started in the period
    (an early help episode there, or a step-up, step-down or referral to social care there). SQL
    narrows to the families with such a start and three or more starts in the period and the window
    before it; their starts are then counted child by child, with social care episodes inferred from
    the transfers as :mod:`hubapp.domain.revolving` does.
    """
    return revolving_since(ctx, revolving_scope(ctx), names=names)


def revolving_scope(ctx: Ctx) -> dict[int, list[dt.date]]:
    """The days in the period of each family's starts in scope (only they can make a family's
    children count here): early help episodes, step-ups taken on and step-downs requested, and
    referrals passed to social care, of the hub, team or worker."""
    rows = ctx.s.execute(union_all(
        select(E.family_id, E.start_date).where(E.start_date >= ctx.start, E.start_date <= ctx.end,
                                                *ctx.episode_scope()),
        select(T.family_id, ctx.day(T.decided_at)).where(
            T.direction == UP, T.decision_outcome.in_(tuple(STEP_UP_ACCEPTED_OUTCOMES)),
            T.decided_at >= ctx.start_ts, T.decided_at < ctx.end_ts, *ctx.transfer_scope()),
        select(T.family_id, ctx.day(T.requested_at)).where(
            T.direction == DOWN, T.requested_at >= ctx.start_ts, T.requested_at < ctx.end_ts, *ctx.transfer_scope()),
        select(R.family_id, ctx.day(R.decided_at)).where(
            R.outcome == RequestOutcome.PASS_TO_CSC, R.decided_at >= ctx.start_ts, R.decided_at < ctx.end_ts,
            *ctx.request_scope()),
    )).all()
    out: dict[int, list[dt.date]] = defaultdict(list)
    for fid, day in rows:
        out[fid].append(as_date(day))  # type: ignore[arg-type]
    return {fid: sorted(days) for fid, days in out.items()}


def revolving_since(ctx: Ctx, scope: dict[int, list[dt.date]], *, names: bool = False,
                    since: dt.date | None = None) -> list[tuple[int, int, str, tuple[dt.date, ...], list[dt.date]]]:
    """:func:`revolving_children` for the families of ``scope`` (:func:`revolving_scope`), and with
    ``since`` only those with a start of any kind, anywhere, on or after it (only they can have a
    qualifying start or a start in scope from then on)."""
    if not scope:
        return []
    window = ctx.ts.revolving_window_days
    lo = ctx.start - dt.timedelta(days=window)
    lo_ts = dt.datetime.combine(lo, dt.time(0), tzinfo=dt.UTC)
    family_ids = sorted(scope)
    # Families with three or more starts in the period and the window before it: early help episodes
    # (a child's starts are never more than the family's) and events with social care.
    candidates: set[int] = set()
    for chunk in chunks(ctx.s, family_ids):
        eh = (select(E.family_id.label("fid"), func.count().label("n"), func.max(E.start_date).label("last"))
              .where(id_in(ctx.s, E.family_id, chunk), E.start_date >= lo, E.start_date <= ctx.end)
              .group_by(E.family_id).subquery())
        events = union_all(
            select(T.family_id.label("fid"), ctx.day(T.decided_at).label("day")).where(
                T.direction == UP, T.decision_outcome.in_(tuple(STEP_UP_ACCEPTED_OUTCOMES)),
                T.decided_at >= lo_ts, T.decided_at < ctx.end_ts, id_in(ctx.s, T.family_id, chunk)),
            select(T.family_id.label("fid"), ctx.day(T.requested_at).label("day")).where(
                T.direction == DOWN, T.requested_at >= lo_ts, T.requested_at < ctx.end_ts,
                id_in(ctx.s, T.family_id, chunk)),
            select(R.family_id.label("fid"), ctx.day(R.decided_at).label("day")).where(
                R.outcome == RequestOutcome.PASS_TO_CSC, R.decided_at >= lo_ts, R.decided_at < ctx.end_ts,
                id_in(ctx.s, R.family_id, chunk)),
        ).subquery()
        csc = (select(events.c.fid, func.count().label("n"), func.max(events.c.day).label("last"))
               .group_by(events.c.fid).subquery())
        keep = [eh.c.n + func.coalesce(csc.c.n, 0) >= rules.EPISODES_THRESHOLD]
        if since is not None:
            keep.append(or_(eh.c.last >= ctx.date(since), csc.c.last >= ctx.date(since)))
        candidates.update(ctx.s.execute(select(eh.c.fid).outerjoin(csc, csc.c.fid == eh.c.fid).where(*keep)).scalars())
    if not candidates:
        return []
    family_ids = sorted(candidates)
    facts = _revolving_facts(ctx, family_ids, lo, names)
    out = []
    for fid in family_ids:
        f = facts[fid]
        csc_starts = rules.csc_episode_starts(f.csc_events)
        for child_id, name in sorted(f.children.items()):
            starts = [e.start for e in f.episodes if not e.child_ids or child_id in e.child_ids] + csc_starts
            hits = ind.revolving_starts(starts, ctx.start, ctx.end, window, rules.EPISODES_THRESHOLD)
            if hits:
                out.append((fid, child_id, name, hits, sorted(starts)))
    return out


def _revolving_facts(ctx: Ctx, family_ids: list[int], since: dt.date, names: bool = True) -> dict[int, object]:
    """The revolving-door facts of :mod:`hubapp.services.revolving` that the count needs, for a few
    families: their current children, their early help episodes starting on or after ``since`` (earlier
    ones cannot share a window with a start in the period) and their whole transfer history (social
    care episodes are inferred from its order)."""
    facts: dict[int, object] = {f: facts_service._FamilyFacts() for f in family_ids}
    for chunk in chunks(ctx.s, family_ids):
        current_children = (id_in(ctx.s, FamilyMembership.family_id, chunk), FamilyMembership.end_date.is_(None),
                            FamilyMembership.relation.in_(facts_service.CHILD_RELATIONS))
        if names:
            for fid, pid, given, family_name in ctx.s.execute(
                select(FamilyMembership.family_id, Person.id, Person.given_name, Person.family_name)
                .join(Person, Person.id == FamilyMembership.person_id).where(*current_children)
            ):
                facts[fid].children[pid] = f"{given} {family_name}"  # type: ignore[attr-defined]
        else:
            for fid, pid in ctx.s.execute(
                    select(FamilyMembership.family_id, FamilyMembership.person_id).where(*current_children)):
                facts[fid].children[pid] = ""  # type: ignore[attr-defined]
        kids: dict[int, set[int]] = defaultdict(set)
        rows = ctx.s.execute(
            select(E.id, E.family_id, E.start_date, E.end_date, E.end_reason, E.status, EpisodeChild.person_id)
            .outerjoin(EpisodeChild, EpisodeChild.episode_id == E.id)
            .where(id_in(ctx.s, E.family_id, chunk), E.start_date >= since)).all()
        for r in rows:
            if r.person_id is not None:
                kids[r.id].add(r.person_id)
        seen: set[int] = set()
        for r in rows:
            if r.id in seen:
                continue
            seen.add(r.id)
            end = r.end_date if r.status == EpisodeState.CLOSED else None
            facts[r.family_id].episodes.append(  # type: ignore[attr-defined]
                rules.EhEpisode(r.start_date, end, r.end_reason, frozenset(kids[r.id])))
        for fid, decided in ctx.s.execute(select(R.family_id, R.decided_at).where(
                id_in(ctx.s, R.family_id, chunk), R.outcome == RequestOutcome.PASS_TO_CSC,
                R.decided_at.is_not(None))):
            facts[fid].csc_events.append(rules.CscEvent(decided.date(), "start"))  # type: ignore[attr-defined]
        for t in ctx.s.execute(
            select(T.family_id, T.direction, T.status, T.requested_at, T.decided_at, T.decision_outcome)
            .where(id_in(ctx.s, T.family_id, chunk))
        ):
            facts_service._add_transfer(facts[t.family_id], t)  # type: ignore[arg-type]
    return facts


def closed_in_period(ctx: Ctx) -> list[object]:
    return [E.status == EpisodeState.CLOSED, E.end_date >= ctx.start, E.end_date <= ctx.end,
            E.end_reason != "OPENED_IN_ERROR", *ctx.episode_scope()]


def open_in_period(ctx: Ctx) -> list[object]:
    return [E.start_date <= ctx.end, or_(E.end_date.is_(None), E.end_date >= ctx.start), *ctx.episode_scope()]


def evidenced_need() -> object:
    """A need mapped to a headline outcome, met, with the evidence of it written down."""
    return and_(Need.sf_outcome.is_not(None), Need.status == MET, Need.outcome_evidence.is_not(None),
                func.length(func.trim(Need.outcome_evidence)) > 0)


def evidenced_families(ctx: Ctx) -> object:
    """Families with three or more evidenced needs on episodes open in the period."""
    return (select(E.family_id, func.count(Need.id).label("needs")).join(Need, Need.episode_id == E.id)
            .where(*open_in_period(ctx), evidenced_need()).group_by(E.family_id)
            .having(func.count(Need.id) >= 3))


def claimable_episodes(ctx: Ctx) -> object:
    """Closed episodes whose family reached the end of the sustainment window in the period: at least
    three needs mapped to headline outcomes, every one of them met with evidence."""
    wait = ctx.ts.sf_sustainment_days
    mapped = func.count(Need.id)
    good = func.sum(case((evidenced_need(), 1), else_=0))
    return (select(E.id, E.family_id, E.end_date, E.hub_id, E.lead_worker_id, mapped.label("needs"))
            .join(Need, and_(Need.episode_id == E.id, Need.sf_outcome.is_not(None)))
            .where(E.status == EpisodeState.CLOSED, E.end_date >= ctx.start - dt.timedelta(days=wait),
                   E.end_date <= ctx.end - dt.timedelta(days=wait), *ctx.episode_scope())
            .group_by(E.id, E.family_id, E.end_date, E.hub_id, E.lead_worker_id)
            .having(and_(mapped >= 3, good == mapped)))


def distance_groups(ctx: Ctx) -> object:
    """Per episode closed in the period (with the day it closed), person, tool and area with at least
    two scores: the first and the latest score (the ``distance_travelled`` rule of the episode page,
    in SQL)."""
    m = OutcomeMeasurement
    if ctx.pg:
        # One ordered pass per group (an index on (episode_id, person_id, tool, area, measured_on, id)
        # serves it), no window over the whole hub.
        first = array_agg(aggregate_order_by(m.score, m.measured_on, m.id))[1]
        latest = array_agg(aggregate_order_by(m.score, m.measured_on.desc(), m.id.desc()))[1]
        return (select(m.episode_id, E.end_date, m.person_id, m.tool, m.area, first.label("first"),
                       latest.label("latest"), func.count().label("n"))
                .join(E, E.id == m.episode_id).where(m.measured_on <= ctx.end, *closed_in_period(ctx))
                .group_by(m.episode_id, E.end_date, m.person_id, m.tool, m.area).having(func.count() >= 2))
    key = (m.episode_id, func.coalesce(m.person_id, 0), m.tool, m.area)
    ranked = (select(m.episode_id, E.end_date, func.coalesce(m.person_id, 0).label("person"), m.tool, m.area,
                     m.score,
                     func.row_number().over(partition_by=key, order_by=(m.measured_on, m.id)).label("up"),
                     func.row_number().over(partition_by=key, order_by=(m.measured_on.desc(), m.id.desc()))
                     .label("down"))
              .join(E, E.id == m.episode_id)
              .where(m.measured_on <= ctx.end, *closed_in_period(ctx)).subquery())
    first_w = func.max(case((ranked.c.up == 1, ranked.c.score)))
    latest_w = func.max(case((ranked.c.down == 1, ranked.c.score)))
    return (select(ranked.c.episode_id, ranked.c.end_date, ranked.c.person, ranked.c.tool, ranked.c.area,
                   first_w.label("first"), latest_w.label("latest"), func.count().label("n"))
            .group_by(ranked.c.episode_id, ranked.c.end_date, ranked.c.person, ranked.c.tool, ranked.c.area)
            .having(func.count() >= 2))
