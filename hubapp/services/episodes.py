"""Early help episodes: the episode page, allocation of a lead practitioner, the status flow
(DOMAIN §8.3), and the worker's caseload with overdue reviews flagged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    Agency, Closure, Episode, EpisodeChild, Family, Hub, Meeting, Person, Plan, Worker, WorkerHub, WorkerRole,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict
from hubapp.domain.plan_dto import (
    WHO_AGENCY, WHO_PERSON, WHO_WORKER, AllocationInput, CaseloadRow, EpisodeActionInput, EpisodeDetail, Owner,
)
from hubapp.domain.plan_rules import distance_travelled, overdue_days, review_due
from hubapp.domain.states import EpisodeAction, EpisodeState, PlanAction, PlanState, ReviewState
from hubapp.domain.validation import check_length, format_uk_date

from . import _plan_read as read
from . import families
from ._checks import Checks

E = EpisodeState
#: Actions a person takes from the episode page. Allocation has its own call; "complete_review"
#: happens when a review is recorded; stepping up and back belongs to the transfer request.
PAGE_ACTIONS = (
    EpisodeAction.START_ASSESSMENT, EpisodeAction.ACTIVATE_PLAN, EpisodeAction.START_REVIEW,
    EpisodeAction.PUT_ON_HOLD, EpisodeAction.RESUME, EpisodeAction.START_CLOSURE,
    EpisodeAction.CANCEL_CLOSURE, EpisodeAction.CLOSE,
)
MAX_HOLD_DAYS = 91


def page_actions(status: str) -> tuple[str, ...]:
    """The status actions the episode page offers in ``status``."""
    allowed = states.EPISODE.allowed_actions(status)
    out = [a for a in PAGE_ACTIONS if a in allowed]
    if status == E.PAUSED_STEPPED_UP:
        out = [a for a in out if a != EpisodeAction.RESUME]
    return tuple(out)


# ---- Read --------------------------------------------------------------------------------------


def get_episode(uow: UnitOfWork, episode_id: int) -> EpisodeDetail:
    """Everything the episode page shows (the plan in force is loaded with ``plans.get_plan``)."""
    with uow:
        return read_episode(uow.session, episode_id, Changes())


def read_episode(s: Session, episode_id: int, changes: Changes) -> EpisodeDetail:
    """Build an ``EpisodeDetail`` inside an open session."""
    e = read.get_episode_row(s, episode_id)
    hub_name = s.scalar(select(Hub.name).where(Hub.id == e.hub_id)) or ""
    lead = read.worker_names(s, (e.lead_worker_id,)).get(e.lead_worker_id or 0)
    family = families.read_family(s, e.family_id, read.today())
    children = tuple(s.scalars(select(EpisodeChild.person_id).where(EpisodeChild.episode_id == e.id)))
    plan = read.current_plan(s, e.id)
    draft = read.draft_plan(s, e.id)
    due = read.review_due(s, e.id, plan) if e.status in states.EPISODE_OPEN_STATES else None
    measurements = read.read_measurements(s, e.id)
    return EpisodeDetail(
        id=e.id, version=e.version, family_id=e.family_id, family_name=family.name, hub_id=e.hub_id,
        hub_name=hub_name, status=e.status, service=e.service, level_of_need=e.level_of_need,
        start_date=e.start_date, end_date=e.end_date, lead_worker_id=e.lead_worker_id, lead_worker=lead,
        allocated_at=e.allocated_at, on_hold_until=e.on_hold_until, end_reason=e.end_reason,
        members=family.members, child_ids=children, allowed_actions=page_actions(e.status),
        assessment=read.read_assessment(s, e.id), needs=read.read_needs(s, e.id),
        plans=read.read_plan_versions(s, e.id), current_plan_id=plan.id if plan else None,
        draft_plan_id=draft.id if draft else None, meetings=read.read_meetings(s, e.id),
        next_review_due=due, review_overdue=overdue_days(due, read.today()) > 0,
        measurements=measurements, distance=distance_travelled(measurements), changes=changes,
    )


def owners(uow: UnitOfWork, episode_id: int) -> tuple[Owner, ...]:
    """Who can own an action in this episode's plan: family members, the hub's workers, agencies."""
    with uow:
        s = uow.session
        e = read.get_episode_row(s, episode_id)
        out = [
            Owner(WHO_PERSON, m.person_id, m.full_name, m.relation_label)
            for m in families.read_family(s, e.family_id, read.today()).members
        ]
        workers = s.scalars(
            select(Worker).where(Worker.active.is_(True),
                                 Worker.id.in_(select(WorkerHub.worker_id).where(WorkerHub.hub_id == e.hub_id)))
            .order_by(Worker.display_name)
        ).all()
        out += [Owner(WHO_WORKER, w.id, w.display_name, w.job_title or "Worker") for w in workers]
        agencies = s.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
        out += [Owner(WHO_AGENCY, a.id, a.name, "Agency") for a in agencies]
        return tuple(out)


def lead_practitioners(uow: UnitOfWork, hub_id: int) -> tuple[Owner, ...]:
    """Workers of a hub who can lead an episode (family support workers first)."""
    with uow:
        s = uow.session
        rows = s.execute(
            select(Worker.id, Worker.display_name, func.count(Episode.id))
            .outerjoin(Episode, (Episode.lead_worker_id == Worker.id)
                       & Episode.status.in_(tuple(states.EPISODE_ALLOCATED_STATES)))
            .where(Worker.active.is_(True),
                   Worker.id.in_(select(WorkerHub.worker_id).where(WorkerHub.hub_id == hub_id)),
                   Worker.id.in_(select(WorkerRole.worker_id).where(WorkerRole.role == "family_support_worker")))
            .group_by(Worker.id, Worker.display_name).order_by(Worker.display_name)
        ).all()
        return tuple(Owner(WHO_WORKER, wid, name, f"{n} open {'family' if n == 1 else 'families'}")
                     for wid, name, n in rows)


# ---- Write -------------------------------------------------------------------------------------


def _locked(uow: UnitOfWork, episode_id: int, expected_version: int) -> Episode:
    episode = read.get_episode_row(uow.session, episode_id, lock=uow.dialect == "postgresql")
    if episode.version != expected_version:
        raise ConcurrencyConflict("early help episode", episode_id)
    return episode


def allocate(uow: UnitOfWork, data: AllocationInput) -> EpisodeDetail:
    """Make a worker the episode's lead practitioner (and the family's keyworker).

    An episode awaiting allocation moves to ALLOCATED; an allocated one just changes worker.

    Raises:
        ConcurrencyConflict: someone changed the episode since it was opened.
        ValidationError: the worker is not an active worker of the episode's hub.
        IllegalTransition: the episode is closed.
    """
    with uow:
        s = uow.session
        episode = _locked(uow, data.episode_id, data.expected_version)
        if episode.status == E.CLOSED:
            states.EPISODE.apply(episode.status, EpisodeAction.ALLOCATE)
        worker = s.get(Worker, data.worker_id)
        in_hub = s.scalar(select(WorkerHub.worker_id).where(
            WorkerHub.worker_id == data.worker_id, WorkerHub.hub_id == episode.hub_id))
        if worker is None or not worker.active or in_hub is None:
            checks = Checks()
            checks.add("worker_id", "hub_worker", "Lead practitioner must be an active worker of the episode's hub.")
            checks.raise_if_any()
        if episode.status == E.AWAITING_ALLOCATION:
            episode.status = states.EPISODE.apply(episode.status, EpisodeAction.ALLOCATE)
        episode.lead_worker_id = data.worker_id
        episode.allocated_at = read.now()
        if worker is not None and worker.team_id is not None:
            episode.team_id = worker.team_id
        family = s.get(Family, episode.family_id)
        assert family is not None
        family.lead_worker_id = data.worker_id
        uow.flush()
        detail = read_episode(s, episode.id, Changes(episodes=True, families=True))
        uow.commit()
        return detail


def episode_action(uow: UnitOfWork, data: EpisodeActionInput) -> EpisodeDetail:
    """Move the episode along its status flow, with what each step needs.

    - ``start_assessment``: opens the Early Help Assessment (in progress, started today).
    - ``activate_plan``: needs an authorised assessment and an agreed plan, which goes live.
    - ``put_on_hold``: needs a date, at most 13 weeks ahead; ``resume`` returns to the plan.
    - ``close``: needs a closure reason; the plan in force ends and the closure is recorded.

    Raises:
        IllegalTransition: the action is not allowed from the episode's status.
        ValidationError: what the step needs is missing, by field.
        ConcurrencyConflict: someone changed the episode since it was opened.
    """
    with uow:
        s = uow.session
        episode = _locked(uow, data.episode_id, data.expected_version)
        if data.action not in PAGE_ACTIONS:
            checks = Checks()
            checks.add("action", "code", f"'{data.action}' is not something the episode page can do.")
            checks.raise_if_any()
        new_state = states.EPISODE.apply(episode.status, data.action)
        on = read.today()
        checks = Checks()
        plan = read.current_plan(s, episode.id)
        changes = Changes(episodes=True, families=True)
        if data.action == EpisodeAction.START_ASSESSMENT:
            from . import assessments

            assessments.open_assessment(uow, episode, on)
        elif data.action == EpisodeAction.ACTIVATE_PLAN:
            assessment = read.read_assessment(s, episode.id)
            if assessment is None or assessment.status != states.AssessmentState.AUTHORISED:
                checks.add("assessment", "authorised",
                           "The assessment must be authorised by a manager before the plan starts.")
            if plan is None or plan.status != PlanState.AGREED:
                checks.add("plan", "agreed", "The family must agree a version of the plan before it starts.")
            checks.raise_if_any()
            assert plan is not None
            plan.status = states.PLAN.apply(plan.status, PlanAction.ACTIVATE)
            plan.started_on = on
            changes = Changes(episodes=True, families=True, plans=True)
        elif data.action == EpisodeAction.PUT_ON_HOLD:
            until = data.on_hold_until
            if until is None:
                checks.add("on_hold_until", "required", "Say until when the episode is on hold.")
            elif until <= on or until > on + dt.timedelta(days=MAX_HOLD_DAYS):
                checks.add("on_hold_until", "range",
                           f"On hold until must be after today and at most 13 weeks away "
                           f"(by {format_uk_date(on + dt.timedelta(days=MAX_HOLD_DAYS))}).")
            checks.raise_if_any()
            episode.status_before_hold = episode.status
            episode.on_hold_until = until
        elif data.action == EpisodeAction.RESUME:
            episode.on_hold_until = None
            episode.status_before_hold = None
        elif data.action == EpisodeAction.CLOSE:
            _close(uow, episode, data, checks, on)
            changes = Changes(episodes=True, families=True, plans=True)
        episode.status = new_state
        uow.flush()
        detail = read_episode(s, episode.id, changes)
        uow.commit()
        return detail


def _close(uow: UnitOfWork, episode: Episode, data: EpisodeActionInput, checks: Checks, on: dt.date) -> None:
    s = uow.session
    from .closures import refuse_if_transfer_pending  # never while a transfer is pending (issue 5)

    refuse_if_transfer_pending(s, episode)
    if not codes.is_valid(codes.EPISODE_CLOSURE_REASON, data.reason):
        checks.add("reason", "required", "Choose why the episode is closing.")
    if data.destination and not codes.is_valid(codes.CLOSURE_DESTINATION, data.destination):
        checks.add("destination", "code", "Where the family goes next must be chosen from the list.")
    checks.run(check_length, data.narrative, "narrative", "Closure summary", 20000)
    checks.raise_if_any()
    s.add(Closure(episode_id=episode.id, reason=data.reason, narrative=data.narrative.strip() or None,
                  destination=data.destination or None, closed_on=on, authorised_by_id=uow.actor_id,
                  authorised_at=read.now()))
    for plan in s.scalars(select(Plan).where(Plan.episode_id == episode.id,
                                             Plan.status.in_(tuple(states.PLAN_CURRENT_STATES)))):
        plan.status = states.PLAN.apply(plan.status, PlanAction.END)
        plan.ended_on = on
    for meeting in s.scalars(select(Meeting).where(Meeting.episode_id == episode.id,
                                                   Meeting.status == ReviewState.SCHEDULED)):
        meeting.status = states.REVIEW.apply(meeting.status, states.ReviewAction.CANCEL)
    episode.end_date = on
    episode.end_reason = data.reason


# ---- Caseload ----------------------------------------------------------------------------------

SCOPE_MINE, SCOPE_UNALLOCATED = "mine", "unallocated"


def caseload(uow: UnitOfWork, scope: str = SCOPE_MINE, hub_ids: tuple[int, ...] = ()) -> tuple[CaseloadRow, ...]:
    """The signed-in worker's open episodes (``mine``), or those awaiting allocation in their hubs
    (``unallocated``), overdue reviews first, then by when the next review is due.
    """
    with uow:
        s = uow.session
        stmt = (select(Episode, Family.name, Hub.name, Worker.display_name)
                .join(Family, Family.id == Episode.family_id).join(Hub, Hub.id == Episode.hub_id)
                .outerjoin(Worker, Worker.id == Episode.lead_worker_id))
        if scope == SCOPE_UNALLOCATED:
            stmt = stmt.where(Episode.status == E.AWAITING_ALLOCATION)
            if hub_ids:
                stmt = stmt.where(Episode.hub_id.in_(hub_ids))
        else:
            stmt = stmt.where(Episode.lead_worker_id == uow.actor_id,
                              Episode.status.in_(tuple(states.EPISODE_OPEN_STATES)))
        rows = s.execute(stmt.order_by(Episode.start_date)).all()
        ids = [e.id for e, *_ in rows]
        plans: dict[int, Plan] = {}
        for p in s.scalars(select(Plan).where(Plan.episode_id.in_(ids),
                                              Plan.status.in_(tuple(states.PLAN_CURRENT_STATES)))
                           .order_by(Plan.version_no)):
            # Keep the version in force: active beats agreed beats draft; a later version wins ties.
            held = plans.get(p.episode_id)
            rank = {PlanState.ACTIVE: 3, PlanState.AGREED: 2, PlanState.DRAFT: 1}
            if held is None or rank[PlanState(p.status)] >= rank[PlanState(held.status)]:
                plans[p.episode_id] = p
        last: dict[int, Meeting] = {}
        for m in s.scalars(select(Meeting).where(Meeting.episode_id.in_(ids), Meeting.status == ReviewState.HELD)
                           .order_by(Meeting.held_on, Meeting.id)):
            last[m.episode_id] = m
        scheduled = dict(s.execute(
            select(Meeting.episode_id, func.min(Meeting.scheduled_for))
            .where(Meeting.episode_id.in_(ids), Meeting.status == ReviewState.SCHEDULED).group_by(Meeting.episode_id)
        ).all())
        children = _children(s, ids)
        today = read.today()
        out = []
        for e, family_name, hub_name, lead in rows:
            plan = plans.get(e.id)
            meeting = last.get(e.id)
            due = None
            if plan is not None and plan.status == PlanState.ACTIVE:
                arranged = scheduled.get(e.id)
                due = review_due(plan.started_on, plan.review_interval_days,
                                 meeting.next_review_due if meeting else None, meeting is not None,
                                 arranged.date() if arranged else None)
            out.append(CaseloadRow(
                episode_id=e.id, family_id=e.family_id, family_name=family_name, children=children.get(e.id, ""),
                hub_name=hub_name, status=e.status, lead_worker=lead, start_date=e.start_date,
                plan_version_no=plan.version_no if plan else None, plan_status=plan.status if plan else None,
                last_review_on=meeting.held_on if meeting else None, next_review_due=due,
                overdue_days=overdue_days(due, today),
            ))
        out.sort(key=lambda r: (-r.overdue_days, r.next_review_due or dt.date.max, r.family_name))
        return tuple(out)


def _children(s: Session, episode_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    for episode_id, given, family_name in s.execute(
        select(EpisodeChild.episode_id, Person.given_name, Person.family_name)
        .join(Person, Person.id == EpisodeChild.person_id).where(EpisodeChild.episode_id.in_(episode_ids))
        .order_by(Person.date_of_birth)
    ):
        names.setdefault(episode_id, []).append(f"{given} {family_name}")
    return {k: ", ".join(v) for k, v in names.items()}


__all__ = [
    "allocate", "caseload", "episode_action", "get_episode", "lead_practitioners", "owners", "page_actions",
]
