"""The lists behind the dashboard's figures (:func:`hubapp.services.dashboard.drill_down`) and the
caseload per lead practitioner. Each list uses the same conditions as the figure it explains, so the
two can be checked against each other; each row carries its family id so the screen can open the family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import case, func, or_, select

from hubapp.data.models import (
    Assessment, Episode, Family, Hub, Person, RequestForSupport, RequestPerson, SFClaim, Team,
    TransferRequest, Worker,
)
from hubapp.domain import codes
from hubapp.domain import indicators as ind
from hubapp.domain.report_dto import Column, Table
from hubapp.domain.states import (
    ASSESSMENT_OPEN_STATES, EPISODE_ALLOCATED_STATES, STEP_DOWN_QUEUE_STATES, STEP_UP_ACCEPTED_OUTCOMES,
    EpisodeState, RequestOutcome, StepDownState,
)
from hubapp.domain.transfer_rules import state_label
from hubapp.domain.validation import format_uk_date

from . import _dashboard_queries as base
from ._dashboard_sql import Ctx, as_date

E, R, T = Episode, RequestForSupport, TransferRequest
FAMILY, HUB, LEAD = Column("family", "Family"), Column("hub", "Hub"), Column("lead", "Lead practitioner")


def scope_words(ctx: Ctx) -> str:
    """" for North Hub, Family Support Team, Amira Khan" (empty when nothing is filtered)."""
    parts = []
    f = ctx.flt
    if f.hub_id is not None:
        parts.append(ctx.s.scalar(select(Hub.name).where(Hub.id == f.hub_id)) or f"hub {f.hub_id}")
    if f.team_id is not None:
        parts.append(ctx.s.scalar(select(Team.name).where(Team.id == f.team_id)) or f"team {f.team_id}")
    if f.worker_id is not None:
        parts.append(ctx.s.scalar(select(Worker.display_name).where(Worker.id == f.worker_id))
                     or f"worker {f.worker_id}")
    return (" for " + ", ".join(parts)) if parts else ""


class _Names:
    """Hub and worker names (small tables), and family names for a set of families."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.hubs = dict(ctx.s.execute(select(Hub.id, Hub.name)).all())
        self._workers: dict[int, str] | None = None

    def worker(self, worker_id: int | None) -> str | None:
        if worker_id is None:
            return None
        if self._workers is None:
            self._workers = dict(self.ctx.s.execute(select(Worker.id, Worker.display_name)).all())
        return self._workers.get(worker_id)

    def hub(self, hub_id: int | None) -> str | None:
        return self.hubs.get(hub_id) if hub_id is not None else None

    def families(self, ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in base._chunks(sorted(set(ids)), 5000):
            out.update(self.ctx.s.execute(select(Family.id, Family.name).where(Family.id.in_(chunk))).all())
        return out

    def children(self, table: Any, key: Any, ids: Sequence[int]) -> dict[int, str]:
        """Children's names per row of a link table (request_person or episode_child)."""
        out: dict[int, list[str]] = {}
        for chunk in base._chunks(sorted(set(ids)), 5000):
            for k, given, family in self.ctx.s.execute(
                select(key, Person.given_name, Person.family_name).join(Person, Person.id == table.person_id)
                .where(key.in_(chunk)).order_by(Person.date_of_birth)
            ):
                out.setdefault(k, []).append(f"{given} {family}")
        return {k: ", ".join(v) for k, v in out.items()}


def _table(ctx: Ctx, key: str, title: str, columns: Sequence[Column], rows: list[tuple[int, tuple[Any, ...]]],
           empty: str) -> Table:
    """A table from ``(family_id, row)`` pairs; ``empty`` explains an empty list."""
    return Table(title=title, columns=tuple(columns), rows=tuple(r for _, r in rows),
                 family_ids=tuple(f for f, _ in rows),
                 explanation="" if rows else f"{empty}{scope_words(ctx)}.", filter=ctx.flt)


# ---- 1

def _front_door(ctx: Ctx, late_only: bool = False) -> Table:
    n = _Names(ctx)
    found = ctx.s.execute(
        select(R.id, R.family_id, Family.name, R.hub_id, func.coalesce(R.decided_by_id, R.created_by_id),
               R.received_at, R.decided_at, R.outcome)
        .join(Family, Family.id == R.family_id)
        .where(R.decided_at >= ctx.start_ts, R.decided_at < ctx.end_ts, R.outcome.is_not(None),
               R.outcome != RequestOutcome.WITHDRAWN, *ctx.request_scope())
        .order_by(R.decided_at)).all()
    kids = n.children(RequestPerson, RequestPerson.request_id, [r[0] for r in found])
    sla = ctx.ts.front_door_wd
    rows = []
    for rid, fid, family, hub, who, received, decided, outcome in found:
        days = ctx.wd(received.date(), decided.date()) or 0
        if late_only and days <= sla:
            continue
        rows.append((fid, (family, kids.get(rid, ""), n.hub(hub), n.worker(who), received, decided, days, days <= sla,
                           codes.label_of(codes.REQUEST_OUTCOME, outcome, outcome))))
    cols = (FAMILY, Column("children", "Children"), HUB, Column("decided_by", "Decided by"),
            Column("received", "Received", "datetime"), Column("decided", "Decided", "datetime"),
            Column("wd", "Working days", "int"), Column("within", f"Within {sla} WD", "bool"),
            Column("outcome", "Decision"))
    title = "Requests decided outside the timescale" if late_only else "Requests decided in the period"
    return _table(ctx, "front_door", title, cols, rows,
                  "No requests were decided outside the timescale in this period" if late_only
                  else "No requests for support were decided in this period")


# ---- 2

def _unallocated(ctx: Ctx) -> Table:
    n = _Names(ctx)
    snap = ctx.end
    acc = ctx.day(E.accepted_at)
    found = ctx.s.execute(
        select(E.family_id, Family.name, E.hub_id, E.accepted_at).join(Family, Family.id == E.family_id)
        .where(acc <= ctx.date(snap), or_(E.allocated_at.is_(None), ctx.day(E.allocated_at) > ctx.date(snap)),
               or_(E.end_date.is_(None), E.end_date > snap), *ctx.episode_scope())).all()
    rows = [(fid, (family, n.hub(hub), accepted, ctx.wd(accepted.date(), snap)))
            for fid, family, hub, accepted in found]
    rows.sort(key=lambda r: -(r[1][3] or 0))
    cols = (FAMILY, HUB, Column("accepted", "Accepted", "datetime"), Column("wait", "Waiting (working days)", "int"))
    return _table(ctx, "unallocated", f"Waiting for a lead practitioner on {format_uk_date(snap)}", cols, rows,
                  "No episodes were waiting for a lead practitioner at the end of the period")


# ---- 3

def _time_to_allocation(ctx: Ctx) -> Table:
    n = _Names(ctx)
    found = ctx.s.execute(
        select(E.family_id, Family.name, E.hub_id, E.lead_worker_id, E.accepted_at, E.allocated_at)
        .join(Family, Family.id == E.family_id)
        .where(E.allocated_at >= ctx.start_ts, E.allocated_at < ctx.end_ts, base.accepted_at_front_door(),
               *ctx.episode_scope()).order_by(E.allocated_at)).all()
    rows = [(fid, (family, n.hub(hub), n.worker(lead), acc, alloc, ctx.wd(acc.date(), alloc.date())))
            for fid, family, hub, lead, acc, alloc in found]
    cols = (FAMILY, HUB, LEAD, Column("accepted", "Accepted", "datetime"), Column("allocated", "Allocated", "datetime"),
            Column("wd", "Working days", "int"))
    return _table(ctx, "time_to_allocation", "Allocations in the period", cols, rows,
                  "No lead practitioners were allocated to accepted requests in this period")


# ---- 4

def _assessment(ctx: Ctx, overdue: bool = False) -> Table:
    n = _Names(ctx)
    a = Assessment
    limit = ctx.ts.assessment_wd
    stmt = (select(E.family_id, Family.name, E.hub_id, E.lead_worker_id, E.allocated_at, a.status, a.authorised_at)
            .select_from(a).join(E, E.id == a.episode_id).join(Family, Family.id == E.family_id)
            .where(a.kind == "EHA", *ctx.episode_scope()))
    if overdue:
        stmt = stmt.where(a.status.in_(tuple(ASSESSMENT_OPEN_STATES)), E.status != EpisodeState.CLOSED,
                          E.allocated_at.is_not(None), E.allocated_at < ctx.end_ts)
    else:
        stmt = stmt.where(a.authorised_at >= ctx.start_ts, a.authorised_at < ctx.end_ts)
    rows = []
    for fid, family, hub, lead, alloc, status, auth in ctx.s.execute(stmt.order_by(E.allocated_at)):
        days = ctx.wd(alloc.date() if alloc else None, auth.date() if auth else ctx.end)
        if overdue and (days or 0) <= limit:
            continue
        rows.append((fid, (family, n.hub(hub), n.worker(lead), alloc, status, auth, days,
                           days is not None and days <= limit)))
    cols = (FAMILY, HUB, LEAD, Column("allocated", "Allocated", "datetime"), Column("status", "Assessment"),
            Column("authorised", "Authorised", "datetime"), Column("wd", "Working days", "int"),
            Column("within", f"Within {limit} WD", "bool"))
    if overdue:
        return _table(ctx, "assessment_overdue", "Assessments past the timescale, not yet authorised", cols, rows,
                      "No assessments were past the timescale at the end of the period")
    return _table(ctx, "assessment", "Assessments authorised in the period", cols, rows,
                  "No early help assessments were authorised in this period")


# ---- 5

def _review(ctx: Ctx, overdue_only: bool = False) -> Table:
    n = _Names(ctx)
    q = base.review_pivot(ctx, (ctx.end,), detail=True)
    c = q.c  # type: ignore[attr-defined]
    ref = base.review_reference(c.r0, c)
    found = ctx.s.execute(select(c.family_id, c.hub_id, c.lead_worker_id, c.version_no, c.r0, c.agreed_on,
                                 ref.label("ref"), c.review_interval_days)
                          .where(base.running_on(ctx, c, ctx.end))).all()
    names = n.families([r[0] for r in found])
    rows = []
    for fid, hub, lead, version, last, agreed, refd, interval in found:
        refd = as_date(refd)
        since = (ctx.end - refd).days if refd else None
        ok = since is not None and since <= (interval or ctx.ts.review_interval_days)
        if overdue_only and ok:
            continue
        rows.append((fid, (names.get(fid), n.hub(hub), n.worker(lead), version, as_date(last), as_date(agreed),
                           since, interval, ok)))
    rows.sort(key=lambda r: -(r[1][6] or 0))
    cols = (FAMILY, HUB, LEAD, Column("version", "Plan version", "int"), Column("last_review", "Last review", "date"),
            Column("agreed", "Plan agreed", "date"), Column("days", "Days since", "int"),
            Column("interval", "Review interval (days)", "int"), Column("ok", "Up to date", "bool"))
    title = "Reviews overdue" if overdue_only else f"Running plans on {format_uk_date(ctx.end)}"
    return _table(ctx, "review", title, cols, rows, "No running plans had a review overdue at the end of the period"
                  if overdue_only else "No episodes had a running plan at the end of the period")


# ---- 6

def _consent(ctx: Ctx) -> Table:
    n = _Names(ctx)
    q = base.consent_pivot(ctx, (ctx.end,), detail=True)
    c = q.c  # type: ignore[attr-defined]
    found = ctx.s.execute(
        select(c.family_id, Family.name, c.hub_id, c.lead_worker_id, c.start_date, c.status, c.c0)
        .join(Family, Family.id == c.family_id).where(base.open_on(ctx, c, ctx.end)).order_by(c.start_date)).all()
    rows = [(fid, (family, n.hub(hub), n.worker(lead), start, status, bool(ok)))
            for fid, family, hub, lead, start, status, ok in found]
    rows.sort(key=lambda r: r[1][5])
    cols = (FAMILY, HUB, LEAD, Column("start", "Started", "date"), Column("status", "Status"),
            Column("consent", "Current consent", "bool"))
    return _table(ctx, "consent", f"Open episodes on {format_uk_date(ctx.end)}", cols, rows,
                  "No episodes were open at the end of the period")


# ---- 7

def _step_up(ctx: Ctx) -> Table:
    n = _Names(ctx)
    in_period = or_((T.requested_at >= ctx.start_ts) & (T.requested_at < ctx.end_ts) & base.sent_to_csc(),
                    (T.decided_at >= ctx.start_ts) & (T.decided_at < ctx.end_ts) & T.decision_outcome.is_not(None))
    found = ctx.s.execute(
        select(T.family_id, Family.name, T.hub_id, E.lead_worker_id, T.requested_at, T.status, T.decided_at,
               T.decision_outcome)
        .join(Family, Family.id == T.family_id).outerjoin(E, E.id == T.episode_id)
        .where(T.direction == "STEP_UP", in_period, *ctx.transfer_scope()).order_by(T.requested_at)).all()
    rows = [(fid, (family, n.hub(hub), n.worker(lead), req, state_label(status), dec, outcome,
                   outcome in STEP_UP_ACCEPTED_OUTCOMES if outcome else None))
            for fid, family, hub, lead, req, status, dec, outcome in found]
    cols = (FAMILY, HUB, LEAD, Column("requested", "Requested", "datetime"), Column("status", "State"),
            Column("decided", "Decided", "datetime"), Column("outcome", "Decision"),
            Column("taken", "Taken on by social care", "bool"))
    return _table(ctx, "step_up", "Step-ups sent or decided in the period", cols, rows,
                  "No step-up requests were sent or decided in this period")


# ---- 8

def _step_down(ctx: Ctx) -> Table:
    n = _Names(ctx)
    sub = base.first_event(StepDownState.SUBMITTED_TO_EH)
    closed = base.first_event(StepDownState.CSC_CLOSED)
    found = ctx.s.execute(
        select(T.family_id, Family.name, T.hub_id, T.receiving_worker_id, sub, T.allocated_on, T.meeting_on, closed)
        .join(Family, Family.id == T.family_id)
        .where(T.direction == "STEP_DOWN", T.allocated_on >= ctx.start, T.allocated_on <= ctx.end,
               *ctx.transfer_scope()).order_by(T.allocated_on)).all()
    rows = []
    for fid, family, hub, worker, submitted, allocated, meeting, csc in found:
        submitted_day = as_date(submitted)
        rows.append((fid, (family, n.hub(hub), n.worker(worker), submitted_day, allocated,
                           ctx.wd(submitted_day, allocated), meeting, as_date(csc))))
    cols = (FAMILY, HUB, LEAD, Column("submitted", "Submitted to early help", "date"),
            Column("allocated", "Allocated", "date"), Column("wd", "Working days", "int"),
            Column("meeting", "Handover meeting", "date"), Column("csc_closed", "CSC closed", "date"))
    return _table(ctx, "step_down", "Step-downs allocated in the period", cols, rows,
                  "No step-downs were allocated in this period")


def _step_down_queue(ctx: Ctx) -> Table:
    n = _Names(ctx)
    found = ctx.s.execute(
        select(T.family_id, Family.name, T.hub_id, T.status, T.state_changed_at, T.csc_reference)
        .join(Family, Family.id == T.family_id)
        .where(T.direction == "STEP_DOWN", T.status.in_(tuple(STEP_DOWN_QUEUE_STATES)),
               T.state_changed_at < ctx.end_ts, *ctx.transfer_scope())).all()
    rows = [(fid, (family, n.hub(hub), state_label(status), ref, changed, ctx.wd(changed.date(), ctx.end)))
            for fid, family, hub, status, changed, ref in found]
    rows.sort(key=lambda r: -(r[1][5] or 0))
    cols = (FAMILY, HUB, Column("state", "State"), Column("reference", "Social care reference"),
            Column("since", "In this state since", "datetime"), Column("age", "Age (working days)", "int"))
    return _table(ctx, "step_down_queue", "Step-down queue", cols, rows, "The step-down queue is empty")


# ---- 9

def _re_referral(ctx: Ctx) -> Table:
    n = _Names(ctx)
    found = base.re_referrals(ctx)
    names = n.families([f for _, f, _, _ in found])
    kids = n.children(RequestPerson, RequestPerson.request_id, [r for r, *_ in found])
    hubs = dict(ctx.s.execute(select(R.id, R.hub_id).where(R.id.in_([r for r, *_ in found] or [0]))).all())
    rows = [(fid, (names.get(fid), kids.get(rid, ""), n.hub(hubs.get(rid)), day, ep.end,
                   (day - ep.end).days if ep.end else None))
            for rid, fid, day, ep in found]
    cols = (FAMILY, Column("children", "Children"), HUB, Column("received", "Request received", "date"),
            Column("closed", "Previous episode closed", "date"), Column("days", "Days between", "int"))
    return _table(ctx, "re_referral", "Re-referrals within 12 months", cols, rows,
                  "No new request came within 12 months of an early help episode closing in this period")


# ---- 10

def _escalation(ctx: Ctx) -> Table:
    n = _Names(ctx)
    short, long = ctx.ts.escalation_short_days, ctx.ts.escalation_long_days
    found = ctx.s.execute(
        select(E.family_id, Family.name, E.hub_id, E.lead_worker_id, E.end_date,
               case((base.escalated_within(ctx, short), True), else_=False),
               case((base.escalated_within(ctx, long), True), else_=False))
        .join(Family, Family.id == E.family_id).where(*base.escalation_cohort(ctx)).order_by(E.end_date)).all()
    rows = []
    for fid, family, hub, lead, end, hit_short, hit_long in found:
        in_short = ctx.start <= end + dt.timedelta(days=short) <= ctx.end
        in_long = ctx.start <= end + dt.timedelta(days=long) <= ctx.end
        if in_short or in_long:
            rows.append((fid, (family, n.hub(hub), n.worker(lead), end, bool(hit_short) if in_short else None,
                               bool(hit_long) if in_long else None)))
    cols = (FAMILY, HUB, LEAD, Column("closed", "Closed (outcomes met)", "date"),
            Column("short", f"Escalated within {round(short / 30.4)} months", "bool"),
            Column("long", f"Escalated within {round(long / 30.4)} months", "bool"))
    return _table(ctx, "escalation", "Outcomes-met closures followed up in the period", cols, rows,
                  "No outcomes-met closures had their follow-up window end in this period")


# ---- 11

def _revolving_door(ctx: Ctx) -> Table:
    n = _Names(ctx)
    found = base.revolving_children(ctx)
    names = n.families([f for f, *_ in found])
    hubs = dict(ctx.s.execute(select(Family.id, Family.hub_id).where(
        Family.id.in_([f for f, *_ in found] or [0]))).all())
    window = ctx.ts.revolving_window_days
    rows = []
    for fid, _child, name, hits, starts in found:
        last = hits[-1]
        inside = [s for s in starts if 0 <= (last - s).days <= window]
        rows.append((fid, (names.get(fid), name, n.hub(hubs.get(fid)), len(inside), last,
                           ", ".join(format_uk_date(s) for s in inside))))
    cols = (FAMILY, Column("child", "Child"), HUB, Column("episodes", "Episodes in 24 months", "int"),
            Column("latest", "Latest start", "date"), Column("starts", "Episode starts"))
    return _table(ctx, "revolving_door", "Children with three or more episodes in 24 months", cols, rows,
                  "No child had three or more episodes within 24 months starting in this period")


# ---- 12

def _outcomes(ctx: Ctx) -> Table:
    n = _Names(ctx)
    found = ctx.s.execute(
        select(E.family_id, Family.name, E.hub_id, E.lead_worker_id, E.end_date, E.end_reason)
        .join(Family, Family.id == E.family_id).where(*base.closed_in_period(ctx)).order_by(E.end_date)).all()
    rows = [(fid, (family, n.hub(hub), n.worker(lead), end,
                   codes.label_of(codes.EPISODE_CLOSURE_REASON, reason, reason), reason == "OUTCOMES_MET"))
            for fid, family, hub, lead, end, reason in found]
    cols = (FAMILY, HUB, LEAD, Column("closed", "Closed", "date"), Column("reason", "Reason"),
            Column("met", "Outcomes met", "bool"))
    return _table(ctx, "outcomes", "Episodes closed in the period", cols, rows,
                  "No episodes were closed in this period")


def _sf_evidenced(ctx: Ctx) -> Table:
    n = _Names(ctx)
    q = base.evidenced_families(ctx).subquery()  # type: ignore[attr-defined]
    found = ctx.s.execute(select(q.c.family_id, Family.name, Family.hub_id, Family.lead_worker_id, q.c.needs)
                          .join(Family, Family.id == q.c.family_id).order_by(Family.name)).all()
    rows = [(fid, (family, n.hub(hub), n.worker(lead), needs)) for fid, family, hub, lead, needs in found]
    cols = (FAMILY, HUB, Column("keyworker", "Keyworker"), Column("needs", "Evidenced needs", "int"))
    return _table(ctx, "sf_evidenced", "Families with three or more evidenced needs", cols, rows,
                  "No family had three or more evidenced needs on an episode open in this period")


def _sf_claimable(ctx: Ctx) -> Table:
    n = _Names(ctx)
    q = base.claimable_episodes(ctx).subquery()  # type: ignore[attr-defined]
    claimed = select(SFClaim.episode_id).where(SFClaim.episode_id.is_not(None))
    found = ctx.s.execute(select(q.c.family_id, Family.name, q.c.hub_id, q.c.lead_worker_id, q.c.end_date, q.c.needs,
                                 case((q.c.id.in_(claimed), True), else_=False))
                          .join(Family, Family.id == q.c.family_id).order_by(q.c.end_date)).all()
    wait = dt.timedelta(days=ctx.ts.sf_sustainment_days)
    rows = [(fid, (family, n.hub(hub), n.worker(lead), end, end + wait, needs, bool(claimed_)))
            for fid, family, hub, lead, end, needs, claimed_ in found]
    cols = (FAMILY, HUB, LEAD, Column("closed", "Closed", "date"), Column("sustained", "Sustainment reached", "date"),
            Column("needs", "Needs (all evidenced)", "int"), Column("claimed", "Claim made", "bool"))
    return _table(ctx, "sf_claimable", "Families past the sustainment window", cols, rows,
                  "No family reached the end of the sustainment window in this period")


def caseload(ctx: Ctx) -> Table:
    """Caseload per lead practitioner: open episodes at the snapshot, running plans, closures in the period."""
    running = (EpisodeState.PLAN_ACTIVE, EpisodeState.IN_REVIEW)
    is_open = E.status.in_(tuple(EPISODE_ALLOCATED_STATES))
    closed = (E.status == EpisodeState.CLOSED) & (E.end_date >= ctx.start) & (E.end_date <= ctx.end)
    found = ctx.s.execute(
        select(E.lead_worker_id, Worker.display_name, Team.name,
               func.sum(case((is_open, 1), else_=0)), func.sum(case((E.status.in_(running), 1), else_=0)),
               func.sum(case((closed, 1), else_=0)))
        .join(Worker, Worker.id == E.lead_worker_id).outerjoin(Team, Team.id == Worker.team_id)
        .where(E.lead_worker_id.is_not(None), or_(is_open, closed), *ctx.episode_scope())
        .group_by(E.lead_worker_id, Worker.display_name, Team.name).order_by(Worker.display_name)).all()
    rows: list[tuple[Any, tuple[Any, ...]]] = [
        (None, (name, team, int(o or 0), int(r or 0), int(c or 0))) for _, name, team, o, r, c in found]
    cols = (LEAD, Column("team", "Team"), Column("open", "Open episodes", "int"),
            Column("running", "Plans running", "int"), Column("closed", "Closed in the period", "int"))
    return _table(ctx, "caseload", "Caseload per lead practitioner", cols, rows,
                  "No lead practitioner has open episodes or closed any in this period")


DRILLS: dict[str, Callable[[Ctx], Table]] = {
    "front_door": _front_door,
    "front_door_late": lambda ctx: _front_door(ctx, late_only=True),
    "unallocated": _unallocated,
    "time_to_allocation": _time_to_allocation,
    "assessment": _assessment,
    "assessment_overdue": lambda ctx: _assessment(ctx, overdue=True),
    "review": _review,
    "review_overdue": lambda ctx: _review(ctx, overdue_only=True),
    "consent": _consent,
    "step_up": _step_up,
    "step_down": _step_down,
    "step_down_queue": _step_down_queue,
    "re_referral": _re_referral,
    "escalation": _escalation,
    "revolving_door": _revolving_door,
    "outcomes": _outcomes,
    "sf_evidenced": _sf_evidenced,
    "sf_claimable": _sf_claimable,
    "caseload": caseload,
}

# Every drill key an indicator names has a list here (checked once, at import).
assert {k for d in ind.INDICATORS for k in d.drill_keys} <= set(DRILLS), "a drill key has no list"

__all__ = ["DRILLS", "caseload", "scope_words"]
