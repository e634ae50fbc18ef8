"""Family plans (DOMAIN §1.5, §8.5): the draft editor, the family's agreement, versions (an agreed
version is frozen; editing it starts a new draft), what changed between versions, and progress on
the actions of the running plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from hubapp.data.models import Agency, Need, Plan, PlanAction, PlanGoal, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.plan_dto import (
    WHO_AGENCY, WHO_PERSON, WHO_TEXT, WHO_WORKER, ActionStatusInput, AgreementInput, PlanActionInput, PlanDetail,
    PlanDiff, PlanInput,
)
from hubapp.domain.plan_rules import MAX_REVIEW_INTERVAL_DAYS, MIN_REVIEW_INTERVAL_DAYS, diff_plans
from hubapp.domain.states import EpisodeState, PlanAction as PlanStep, PlanItemAction, PlanItemState, PlanState
from hubapp.domain.validation import check_date_range, check_date_sequence, check_length, format_uk_date, require

from . import _plan_read as read
from . import families
from ._checks import Checks
from .reference import load_timescales

P = PlanState
#: Episode states in which a plan can be written or agreed.
PLANNING_STATES = frozenset({EpisodeState.ASSESSING, EpisodeState.PLAN_ACTIVE, EpisodeState.IN_REVIEW,
                             EpisodeState.ON_HOLD})
#: Episode states in which a newly agreed version goes live at once.
RUNNING_STATES = frozenset({EpisodeState.PLAN_ACTIVE, EpisodeState.IN_REVIEW, EpisodeState.ON_HOLD})
_ITEM_STEP = {
    PlanItemState.IN_PROGRESS: PlanItemAction.START, PlanItemState.DONE: PlanItemAction.COMPLETE,
    PlanItemState.NOT_DONE: PlanItemAction.MARK_NOT_DONE, PlanItemState.CANCELLED: PlanItemAction.CANCEL,
}


def get_plan(uow: UnitOfWork, plan_id: int) -> PlanDetail:
    """One plan version with its goals and actions."""
    with uow:
        return read.read_plan(uow.session, plan_id)


def diff(uow: UnitOfWork, old_plan_id: int, new_plan_id: int) -> PlanDiff:
    """What changed from one version of a plan to another (same episode)."""
    with uow:
        old, new = read.read_plan(uow.session, old_plan_id), read.read_plan(uow.session, new_plan_id)
        if old.episode_id != new.episode_id:
            raise NotFound("version of this plan", new_plan_id)
        return diff_plans(old, new, {c.code: c.label for c in codes.CODE_LISTS[codes.SF_OUTCOME]})


def _detail(uow: UnitOfWork, plan_id: int) -> PlanDetail:
    uow.flush()
    detail = read.read_plan(uow.session, plan_id)
    return replace(detail, changes=Changes(plans=True, episodes=True))


def _locked(uow: UnitOfWork, plan_id: int, expected_version: int) -> Plan:
    plan = uow.session.get(Plan, plan_id, with_for_update=uow.dialect == "postgresql")
    if plan is None:
        raise NotFound("family plan", plan_id)
    if plan.version != expected_version:
        raise ConcurrencyConflict("family plan", plan_id)
    return plan


# ---- Start a plan, or a new version ------------------------------------------------------------


def start_plan(uow: UnitOfWork, episode_id: int) -> PlanDetail:
    """Start the episode's first plan as a draft: one goal for each open need, ready to edit.

    Raises:
        ValidationError: the episode is not at the planning stage, or already has a plan.
    """
    with uow:
        s = uow.session
        episode = read.get_episode_row(s, episode_id, lock=uow.dialect == "postgresql")
        checks = Checks()
        if episode.status not in PLANNING_STATES:
            checks.add("episode", "state", "A plan is written once the assessment has started.")
        if s.scalar(select(Plan.id).where(Plan.episode_id == episode_id).limit(1)) is not None:
            checks.add("episode", "one_plan", "This episode already has a plan; open it to start a new version.")
        checks.raise_if_any()
        plan = Plan(episode_id=episode_id, version_no=1, status=P.DRAFT, created_by_id=uow.actor_id,
                    review_interval_days=load_timescales(uow).review_interval_days)
        s.add(plan)
        s.flush()
        needs = s.scalars(select(Need).where(Need.episode_id == episode_id, Need.status == "OPEN")
                          .order_by(Need.identified_on, Need.id)).all()
        for position, need in enumerate(needs):
            s.add(PlanGoal(plan_id=plan.id, need_id=need.id, sf_outcome=need.sf_outcome,
                           description=need.description, position=position))
        detail = _detail(uow, plan.id)
        uow.commit()
        return detail


def new_version(uow: UnitOfWork, plan_id: int) -> PlanDetail:
    """Start a new draft version from an agreed one (which stays frozen), copying its goals and
    actions. If a draft already exists for the episode, that draft is returned instead.

    Raises:
        IllegalTransition: the version given is a draft itself, or has ended.
    """
    with uow:
        s = uow.session
        source = s.get(Plan, plan_id)
        if source is None:
            raise NotFound("family plan", plan_id)
        existing = read.draft_plan(s, source.episode_id)
        if existing is not None:
            return read.read_plan(s, existing.id)
        if source.status not in (P.AGREED, P.ACTIVE):
            states.PLAN.apply(source.status, PlanStep.SUPERSEDE)
        episode = read.get_episode_row(s, source.episode_id, lock=uow.dialect == "postgresql")
        if episode.status not in PLANNING_STATES:
            checks = Checks()
            checks.add("plan", "state", "A new version can only be started while the episode's plan is running.")
            checks.raise_if_any()
        top = max(s.scalars(select(Plan.version_no).where(Plan.episode_id == source.episode_id)))
        plan = Plan(
            episode_id=source.episode_id, version_no=top + 1, status=P.DRAFT, previous_plan_id=source.id,
            review_interval_days=source.review_interval_days, network_contribution=source.network_contribution,
            services_provided=source.services_provided, staff_notes=source.staff_notes, created_by_id=uow.actor_id,
        )
        s.add(plan)
        s.flush()
        copy_goals(s, source.id, plan.id)
        detail = _detail(uow, plan.id)
        uow.commit()
        return detail


def copy_goals(s: Session, from_plan_id: int, to_plan_id: int) -> None:
    """Copy every goal and action of one version into another (inside an open session)."""
    goals = s.scalars(select(PlanGoal).where(PlanGoal.plan_id == from_plan_id).order_by(PlanGoal.position)).all()
    for g in goals:
        copy = PlanGoal(plan_id=to_plan_id, need_id=g.need_id, sf_outcome=g.sf_outcome,
                        description=g.description, position=g.position)
        s.add(copy)
        s.flush()
        for a in s.scalars(select(PlanAction).where(PlanAction.goal_id == g.id).order_by(PlanAction.position)):
            s.add(PlanAction(goal_id=copy.id, what=a.what, who_person_id=a.who_person_id,
                             who_worker_id=a.who_worker_id, who_agency_id=a.who_agency_id, who_text=a.who_text,
                             due_on=a.due_on, status=a.status, completed_on=a.completed_on, position=a.position))


# ---- Edit a draft ------------------------------------------------------------------------------


def _goal_label(i: int) -> str:
    return f"Goal {i + 1}"


def _check_action(checks: Checks, s: Session, a: PlanActionInput, where: str, label: str,
                  members: set[int]) -> None:
    checks.run(require, a.what, f"{where}.what", f"What will happen ({label})")
    checks.run(check_length, a.what, f"{where}.what", f"What will happen ({label})", 20000)
    # The typed "who" is stored beside a chosen person, worker or agency too: checked either way.
    checks.run(check_length, a.who_text, f"{where}.who", f"Who ({label})", 200)
    if a.who_kind == WHO_TEXT or (not a.who_kind and a.who_text.strip()):
        if not a.who_text.strip():
            checks.add(f"{where}.who", "required", f"{label} needs an owner: who will do it?")
    elif a.who_kind in (WHO_PERSON, WHO_WORKER, WHO_AGENCY) and a.who_id is not None:
        if a.who_kind == WHO_PERSON and a.who_id not in members:
            checks.add(f"{where}.who", "member", f"{label}: the person doing it must be in this family.")
        if a.who_kind == WHO_WORKER and s.get(Worker, a.who_id) is None:
            checks.add(f"{where}.who", "exists", f"{label}: that worker does not exist.")
        if a.who_kind == WHO_AGENCY and s.get(Agency, a.who_id) is None:
            checks.add(f"{where}.who", "exists", f"{label}: that agency does not exist.")
    else:
        checks.add(f"{where}.who", "required", f"{label} needs an owner: who will do it?")
    if a.due_on is None:
        checks.add(f"{where}.due_on", "required", f"{label} needs a date: by when will it be done?")
    else:
        checks.run(check_date_range, a.due_on, f"{where}.due_on", f"{label}: due date")
    if a.status not in set(PlanItemState):
        checks.add(f"{where}.status", "code", f"{label}: status must be one of the listed ones.")
    if a.status == PlanItemState.DONE and a.completed_on is not None and a.completed_on > read.today():
        checks.add(f"{where}.completed_on", "not_future", f"{label}: the date it was done is in the future.")
    elif a.completed_on is not None:
        checks.run(check_date_range, a.completed_on, f"{where}.completed_on", f"{label}: date done")


def check_plan(s: Session, data: PlanInput, family_id: int, need_ids: set[int]) -> Checks:
    """Every broken rule of a plan as typed, by field (``goals[0].actions[2].who`` ...)."""
    checks = Checks()
    members = families.family_people(s, family_id)
    if not MIN_REVIEW_INTERVAL_DAYS <= data.review_interval_days <= MAX_REVIEW_INTERVAL_DAYS:
        checks.add("review_interval_days", "range",
                   f"Review interval must be between {MIN_REVIEW_INTERVAL_DAYS // 7} and "
                   f"{MAX_REVIEW_INTERVAL_DAYS // 7} weeks.")
    for name, label in (("network_contribution", "Family network's contribution"),
                        ("services_provided", "Services provided"), ("staff_notes", "Notes for professionals")):
        checks.run(check_length, getattr(data, name), name, label, 20000)
    for g, goal in enumerate(data.goals):
        glabel = _goal_label(g)
        checks.run(require, goal.description, f"goals[{g}].description", f"{glabel}: what we want to change")
        checks.run(check_length, goal.description, f"goals[{g}].description", glabel, 20000)
        if not codes.is_valid(codes.SF_OUTCOME, goal.sf_outcome):
            checks.add(f"goals[{g}].sf_outcome", "code", f"{glabel} needs one of the ten headline outcomes.")
        if goal.need_id is not None and goal.need_id not in need_ids:
            checks.add(f"goals[{g}].need_id", "exists", f"{glabel}: that need is not one of this family's.")
        for i, action in enumerate(goal.actions):
            _check_action(checks, s, action, f"goals[{g}].actions[{i}]", f"Action {i + 1} of goal {g + 1}", members)
    return checks


def save_plan(uow: UnitOfWork, data: PlanInput) -> PlanDetail:
    """Save the whole draft at once: its goals, SMART actions, the family network's contribution,
    the services, notes for professionals and the review interval.

    Raises:
        ValidationError: every broken rule, by field (an action without an owner or a date, an
            unknown outcome, an interval out of range...); nothing is written.
        IllegalTransition: the version is agreed (frozen): start a new version to change it.
        ConcurrencyConflict: someone saved this draft since it was opened.
    """
    with uow:
        s = uow.session
        plan = _locked(uow, data.plan_id, data.expected_version)
        if plan.status != P.DRAFT:
            frozen = Checks()
            frozen.add("plan", "frozen", f"Version {plan.version_no} was agreed and is frozen. "
                       "Start a new version to change it.")
            frozen.raise_if_any()
        episode = read.get_episode_row(s, plan.episode_id)
        need_ids = set(s.scalars(select(Need.id).where(Need.episode_id == episode.id)))
        checks = check_plan(s, data, episode.family_id, need_ids)
        checks.raise_if_any()
        plan.review_interval_days = data.review_interval_days
        plan.network_contribution = data.network_contribution.strip() or None
        plan.services_provided = data.services_provided.strip() or None
        plan.staff_notes = data.staff_notes.strip() or None
        flag_modified(plan, "review_interval_days")  # goals live in other tables: bump the version
        _replace_goals(s, plan.id, data)
        detail = _detail(uow, plan.id)
        uow.commit()
        return detail


def _replace_goals(s: Session, plan_id: int, data: PlanInput) -> None:
    """Write the typed goals and actions over the draft's, keeping the ids of those that stay."""
    existing = {g.id: g for g in s.scalars(select(PlanGoal).where(PlanGoal.plan_id == plan_id))}
    kept_goals: set[int] = set()
    for position, goal in enumerate(data.goals):
        row = existing.get(goal.id) if goal.id is not None else None
        if row is None:
            row = PlanGoal(plan_id=plan_id)
            s.add(row)
        row.description, row.sf_outcome = goal.description.strip(), goal.sf_outcome
        row.need_id, row.position = goal.need_id, position
        s.flush()
        kept_goals.add(row.id)
        actions = {a.id: a for a in s.scalars(select(PlanAction).where(PlanAction.goal_id == row.id))}
        kept_actions: set[int] = set()
        for apos, a in enumerate(goal.actions):
            action = actions.get(a.id) if a.id is not None else None
            if action is None:
                action = PlanAction(goal_id=row.id)
                s.add(action)
            action.what, action.position, action.due_on, action.status = a.what.strip(), apos, a.due_on, a.status
            action.completed_on = a.completed_on if a.status == PlanItemState.DONE else None
            kind = a.who_kind or (WHO_TEXT if a.who_text.strip() else "")
            action.who_person_id = a.who_id if kind == WHO_PERSON else None
            action.who_worker_id = a.who_id if kind == WHO_WORKER else None
            action.who_agency_id = a.who_id if kind == WHO_AGENCY else None
            action.who_text = a.who_text.strip() or None
            s.flush()
            kept_actions.add(action.id)
        gone = [i for i in actions if i not in kept_actions]
        if gone:
            s.execute(delete(PlanAction).where(PlanAction.id.in_(gone)))
    gone_goals = [i for i in existing if i not in kept_goals]
    if gone_goals:
        s.execute(delete(PlanAction).where(PlanAction.goal_id.in_(gone_goals)))
        s.execute(delete(PlanGoal).where(PlanGoal.id.in_(gone_goals)))


# ---- Agree -------------------------------------------------------------------------------------


def agree_plan(uow: UnitOfWork, data: AgreementInput) -> PlanDetail:
    """Record the family's agreement to a draft; the version is frozen from then on.

    While the episode's plan is running, the agreed version goes live at once and the version it
    replaces is superseded. At the assessment stage it waits for the episode's "start the plan".

    Raises:
        ValidationError: no goals, a goal without actions, an action without owner or date, no
            name of who agreed, an unknown method, or a date in the future or before the draft.
    """
    with uow:
        s = uow.session
        plan = _locked(uow, data.plan_id, data.expected_version)
        new_state = states.PLAN.apply(plan.status, PlanStep.AGREE)
        episode = read.get_episode_row(s, plan.episode_id, lock=uow.dialect == "postgresql")
        detail = read.read_plan(s, plan.id)
        checks = Checks()
        if episode.status not in PLANNING_STATES:
            checks.add("plan", "state", "The plan can only be agreed while the episode is open and planning.")
        if not detail.goals:
            checks.add("goals", "required", "A plan needs at least one goal before the family can agree it.")
        for g, goal in enumerate(detail.goals):
            if not goal.actions:
                checks.add(f"goals[{g}].actions", "required", f"Goal {g + 1} needs at least one action.")
            for i, a in enumerate(goal.actions):
                if not a.who.strip():
                    checks.add(f"goals[{g}].actions[{i}].who", "required",
                               f"Action {i + 1} of goal {g + 1} needs an owner: who will do it?")
                if a.due_on is None:
                    checks.add(f"goals[{g}].actions[{i}].due_on", "required",
                               f"Action {i + 1} of goal {g + 1} needs a date: by when will it be done?")
        checks.run(require, data.agreed_by, "agreed_by", "Who agreed the plan")
        checks.run(check_length, data.agreed_by, "agreed_by", "Who agreed the plan", 200)
        if not codes.is_valid(codes.CONSENT_METHOD, data.method):
            checks.add("method", "code", "How the family agreed must be signed, verbal or electronic.")
        if data.agreed_on > read.today():
            checks.add("agreed_on", "not_future", f"Agreed on {format_uk_date(data.agreed_on)} is in the future.")
        checks.extend(check_date_sequence([
            ("created_at", "Draft started", plan.created_at.date()), ("agreed_on", "Agreed on", data.agreed_on),
        ]))
        checks.raise_if_any()
        plan.status = new_state
        plan.agreed_on, plan.agreed_by, plan.agreement_method = data.agreed_on, data.agreed_by.strip(), data.method
        for older in s.scalars(select(Plan).where(Plan.episode_id == plan.episode_id, Plan.id != plan.id,
                                                  Plan.status.in_((P.AGREED, P.ACTIVE)))):
            older.status = states.PLAN.apply(older.status, PlanStep.SUPERSEDE)
            older.ended_on = data.agreed_on
        if episode.status in RUNNING_STATES:
            plan.status = states.PLAN.apply(plan.status, PlanStep.ACTIVATE)
            plan.started_on = data.agreed_on
        result = _detail(uow, plan.id)
        uow.commit()
        return result


# ---- Progress on the running plan --------------------------------------------------------------


def set_action_status(uow: UnitOfWork, data: ActionStatusInput) -> PlanDetail:
    """Record progress on one action of an agreed or running version (what, who and when stay
    frozen; only the status moves, along the plan action machine).

    Raises:
        IllegalTransition: the move is not allowed (e.g. reopening a done action).
        ValidationError: the version is a draft (edit it instead), or a done date in the future.
    """
    with uow:
        s = uow.session
        action = s.get(PlanAction, data.action_id, with_for_update=uow.dialect == "postgresql")
        if action is None:
            raise NotFound("plan action", data.action_id)
        goal = s.get(PlanGoal, action.goal_id)
        assert goal is not None
        plan = s.get(Plan, goal.plan_id)
        assert plan is not None
        checks = Checks()
        if plan.status not in (P.AGREED, P.ACTIVE):
            checks.add("status", "state", "Progress is recorded on the agreed plan; a draft is edited instead.")
        step = _ITEM_STEP.get(PlanItemState(data.status)) if data.status in set(PlanItemState) else None
        if step is None:
            checks.add("status", "code", "Choose started, done, not done or cancelled.")
        done_on = data.completed_on or read.today()
        if data.status == PlanItemState.DONE and done_on > read.today():
            checks.add("completed_on", "not_future", "The date it was done cannot be in the future.")
        checks.raise_if_any()
        assert step is not None
        action.status = states.PLAN_ACTION.apply(action.status, step)
        action.completed_on = done_on if action.status == PlanItemState.DONE else None
        flag_modified(plan, "status")  # progress is a change to the plan: others' open copies are stale
        result = _detail(uow, plan.id)
        uow.commit()
        return result


def agreement_methods() -> tuple[tuple[str, str], ...]:
    """How a family can agree a plan: (code, label)."""
    return tuple((c.code, c.label) for c in codes.CODE_LISTS[codes.CONSENT_METHOD])


def due_soon(plan: PlanDetail, within_days: int, on: dt.date) -> int:
    """How many open actions fall due within ``within_days`` of ``on`` (for the page's summary)."""
    limit = on + dt.timedelta(days=within_days)
    return sum(1 for g in plan.goals for a in g.actions
               if a.status in states.PLAN_ACTION_OPEN_STATES and a.due_on is not None and a.due_on <= limit)


__all__ = [
    "agree_plan", "agreement_methods", "check_plan", "copy_goals", "diff", "due_soon", "get_plan", "new_version",
    "save_plan", "set_action_status", "start_plan",
]
