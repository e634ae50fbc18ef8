"""What each step of a transfer records and does to the episode at either end (DOMAIN §3, §8.3, §8.6).

Step-up: sending pauses the episode (PAUSED_STEPPED_UP) when its plan is running, so it stays open
until social care decides. If social care takes the case, the authority's policy (setting
``transfer.step_up_accepted``: ``pause``, the default, or ``close``) keeps the episode paused until a
step-down resumes it, or closes it as "stepped up"; an episode with no running plan cannot pause
and closes. Advice or no further action resumes a paused episode; so does withdrawing the request.

Step-down: accepting links the family's open episode (resuming it if paused) or opens one awaiting
allocation at the receiving hub; allocating makes the worker the lead practitioner of both.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    ConsentRecord, Episode, EpisodeChild, Family, FamilyMembership, Setting, TransferRequest, Worker, WorkerHub,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import transfer_rules as rules
from hubapp.domain.dto import Changes
from hubapp.domain.states import (
    EPISODE, EPISODE_OPEN_STATES, STEP_UP_ACCEPTED_OUTCOMES, EpisodeAction, EpisodeState, StepDownAction,
    StepUpAction, StepUpOutcome, TransferDirection,
)
from hubapp.domain.transfer_dto import TransferActionInput
from hubapp.domain.validation import check_length, format_uk_date

from ._checks import Checks
from .revolving import CHILD_RELATIONS

DA, UA, E = StepDownAction, StepUpAction, EpisodeState
POLICY_KEY = "transfer.step_up_accepted"
POLICY_PAUSE, POLICY_CLOSE = "pause", "close"

_NOTE_MESSAGES = {
    DA.ACCEPT: "Say why the step-down is accepted (the rationale is recorded with the decision).",
    DA.DECLINE: "A decline needs a reason: say why early help cannot take this family.",
    DA.ESCALATE: "Say who escalated the decline and why.",
    DA.FAMILY_DECLINES: "Say what the family said.",
    DA.MARK_NOT_SUITABLE: "Say why the step-down is not suitable.",
    DA.WITHDRAW: "Say why the request is withdrawn.",
    rules.REQUEST_INFO: "Say what information is needed.",
    UA.DECIDE: "Record social care's rationale for the decision.",
    rules.ESCALATE: "Say why the hub disagrees and who it was escalated to.",
}


def check_step(s: Session, t: TransferRequest, data: TransferActionInput, action: str, on: dt.date) -> Checks:
    """Every broken rule of the fields this step records (nothing is written)."""
    checks = Checks()
    required = rules.REQUIRED_FIELDS.get((t.direction, action), ())
    if "note" in required and not data.note.strip():
        checks.add("note", "required", _NOTE_MESSAGES.get(action, "Say why."))
    checks.run(check_length, data.note, "note", "Note", 20000)
    for name, label in (("decided_by_name", "Who decided"), ("decider_role", "Their role"),
                        ("csc_reference", "Social care reference")):
        checks.run(check_length, getattr(data, name), name, label, 60 if name == "csc_reference" else 200)
    checks.run(check_length, data.csc_outcome, "csc_outcome", "Social care outcome", 20000)
    up = t.direction == TransferDirection.STEP_UP
    if up and action == UA.DECIDE:
        if data.outcome not in set(StepUpOutcome):
            checks.add("outcome", "code", "Choose social care's decision from the list.")
        if not data.decided_by_name.strip():
            checks.add("decided_by_name", "required", "Say who decided at social care's front door.")
        if data.outcome in STEP_UP_ACCEPTED_OUTCOMES and not (data.csc_reference.strip() or t.csc_reference):
            checks.add("csc_reference", "required", "Social care took the case: record its reference.")
    if up and action == rules.ESCALATE and not rules.escalation_allowed(t.decision_outcome):
        checks.add("action", "accepted", "Social care took this case, so there is no decision to escalate.")
    if not up and action == DA.ALLOCATE:
        _check_worker(s, checks, data.worker_id, t.hub_id)
    if not up and action == DA.HOLD_HANDOVER_MEETING:
        if data.meeting_on is None:
            checks.add("meeting_on", "required", "Say when the handover meeting was held.")
        elif data.meeting_on > on:
            checks.add("meeting_on", "not_future",
                       f"The meeting date {format_uk_date(data.meeting_on)} is in the future.")
        elif data.meeting_on < t.requested_at.date():
            checks.add("meeting_on", "order", "The meeting cannot be before the step-down was requested "
                                              f"({format_uk_date(t.requested_at.date())}).")
    if not up and action == DA.CLOSE_CSC:
        if data.csc_closure_code not in rules.STEP_DOWN_CLOSURE_CODES:
            checks.add("csc_closure_code", "code", "Choose the closure code social care used: RC7 or RC9.")
        if not (data.csc_reference.strip() or t.csc_reference):
            checks.add("csc_reference", "required", "Record social care's reference for the case.")
    return checks


def _check_worker(s: Session, checks: Checks, worker_id: int | None, hub_id: int) -> None:
    if worker_id is None:
        checks.add("worker_id", "required", "Choose the lead practitioner.")
        return
    worker = s.get(Worker, worker_id)
    in_hub = s.scalar(select(WorkerHub.worker_id).where(WorkerHub.worker_id == worker_id, WorkerHub.hub_id == hub_id))
    if worker is None or not worker.active or in_hub is None:
        checks.add("worker_id", "hub_worker", "The lead practitioner must be an active worker of the receiving hub.")


def apply_step(uow: UnitOfWork, t: TransferRequest, data: TransferActionInput, action: str,
               at: dt.datetime, actor_name: str | None) -> Changes:
    """Record what the step records on the transfer and do what it does to the episode."""
    s = uow.session
    note = data.note.strip() or None
    if data.csc_reference.strip():
        t.csc_reference = data.csc_reference.strip()
    if data.csc_outcome.strip():
        t.csc_outcome = data.csc_outcome.strip()
    episodes = Changes(transfers=True, episodes=True, families=True)
    if t.direction == TransferDirection.STEP_UP:
        if action == UA.SEND:
            _pause(s, t.episode_id)
            return episodes
        if action == UA.DECIDE:
            t.decision_outcome, t.rationale, t.decided_at = data.outcome, note, at
            t.decided_by_name, t.decider_role = data.decided_by_name.strip(), data.decider_role.strip() or None
            if data.outcome in STEP_UP_ACCEPTED_OUTCOMES:
                _taken_by_csc(uow, t.episode_id)
            else:
                _resume(s, t.episode_id)
            return episodes
        if action == UA.WITHDRAW:
            _resume(s, t.episode_id)
            return episodes
        if action == rules.ESCALATE:
            t.escalated_at, t.escalation_note = at, note
        return Changes(transfers=True)
    if action in (DA.ACCEPT, DA.DECLINE):
        t.decided_by_id, t.decided_by_name, t.decided_at = uow.actor_id, actor_name, at
        t.decider_role = data.decider_role.strip() or "Early help coordinator"
        t.decision_outcome = "ACCEPTED" if action == DA.ACCEPT else "DECLINED"
        if action == DA.DECLINE:
            t.decline_reason = note
            return Changes(transfers=True)
        t.rationale = note
        _open_or_link_episode(s, t, at)
        return episodes
    if action == DA.ESCALATE:
        t.escalated_at, t.escalation_note = at, note
    elif action == DA.MARK_NOT_SUITABLE:
        t.decline_reason = note
    elif action == DA.ALLOCATE:
        assert data.worker_id is not None
        allocate_worker(s, t, data.worker_id, at)
        return episodes
    elif action == DA.HOLD_HANDOVER_MEETING:
        t.meeting_on, t.joint_visit = data.meeting_on, data.joint_visit
    elif action == DA.CLOSE_CSC:
        t.csc_closure_code = data.csc_closure_code
    return Changes(transfers=True)


def allocate_worker(s: Session, t: TransferRequest, worker_id: int, at: dt.datetime) -> None:
    """Make the worker the receiving lead practitioner, and the episode's and family's lead."""
    t.receiving_worker_id, t.allocated_on = worker_id, at.date()
    episode = s.get(Episode, t.episode_id) if t.episode_id else None
    if episode is None:
        return
    if episode.status == E.AWAITING_ALLOCATION:
        episode.status = EPISODE.apply(episode.status, EpisodeAction.ALLOCATE)
    if episode.status in EPISODE_OPEN_STATES:
        episode.lead_worker_id, episode.allocated_at = worker_id, at
        worker = s.get(Worker, worker_id)
        if worker is not None and worker.team_id is not None:
            episode.team_id = worker.team_id
        family = s.get(Family, episode.family_id)
        if family is not None:
            family.lead_worker_id = worker_id


def _open_or_link_episode(s: Session, t: TransferRequest, at: dt.datetime) -> None:
    """Accepting a step-down links the family's open episode, or opens one awaiting allocation."""
    episode = s.scalars(select(Episode).where(
        Episode.family_id == t.family_id, Episode.status.in_(tuple(EPISODE_OPEN_STATES))
    ).order_by(Episode.start_date.desc(), Episode.id.desc())).first()
    if episode is not None:
        if episode.status == E.PAUSED_STEPPED_UP:  # back from social care: the paused plan resumes
            episode.status = EPISODE.apply(episode.status, EpisodeAction.RESUME)
    else:
        episode = Episode(family_id=t.family_id, hub_id=t.hub_id, status=E.AWAITING_ALLOCATION,
                          service=t.to_service, start_date=at.date(), accepted_at=at)
        s.add(episode)
        s.flush()
        for person_id in s.scalars(select(FamilyMembership.person_id).where(
            FamilyMembership.family_id == t.family_id, FamilyMembership.end_date.is_(None),
            FamilyMembership.relation.in_(CHILD_RELATIONS),
        )):
            s.add(EpisodeChild(episode_id=episode.id, person_id=person_id))
    t.episode_id = episode.id
    if t.consent_id is not None:
        consent = s.get(ConsentRecord, t.consent_id)
        if consent is not None and consent.episode_id is None:
            consent.episode_id = episode.id


def _pause(s: Session, episode_id: int | None) -> None:
    episode = s.get(Episode, episode_id) if episode_id else None
    if episode is not None and EPISODE.can(episode.status, EpisodeAction.STEP_UP):
        if episode.status == E.ON_HOLD:
            episode.on_hold_until, episode.status_before_hold = None, None
        episode.status = EPISODE.apply(episode.status, EpisodeAction.STEP_UP)


def _resume(s: Session, episode_id: int | None) -> None:
    episode = s.get(Episode, episode_id) if episode_id else None
    if episode is not None and episode.status == E.PAUSED_STEPPED_UP:
        episode.status = EPISODE.apply(episode.status, EpisodeAction.RESUME)


def step_up_policy(s: Session) -> str:
    """What happens to an episode when social care takes the case: ``pause`` or ``close``."""
    value = s.scalar(select(Setting.value).where(Setting.key == POLICY_KEY))
    return POLICY_CLOSE if value == POLICY_CLOSE else POLICY_PAUSE


def _taken_by_csc(uow: UnitOfWork, episode_id: int | None) -> None:
    s = uow.session
    episode = s.get(Episode, episode_id) if episode_id else None
    if episode is None or episode.status not in EPISODE_OPEN_STATES:
        return
    if step_up_policy(s) == POLICY_PAUSE and episode.status != E.CLOSING:
        _pause(s, episode.id)
        if episode.status == E.PAUSED_STEPPED_UP:
            return
    from .closures import close_stepped_up

    close_stepped_up(uow, episode)
