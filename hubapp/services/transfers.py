"""Step-up and step-down transfer requests (DOMAIN §3, §8.6): create them, move them on, read one.

Every change is one transaction that writes a ``TransferEvent`` per move, so the history gives the
age in the current state. The state machines are enforced (an illegal step raises
``IllegalTransition`` naming the state). Two people acting on one transfer at the same moment
never both succeed: the row is locked first (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a
write that takes the database's write lock), then its version is compared with the one the person
saw. The loser gets ``TransferConflict``, whose message says what the transfer is now and who moved
it; nothing of theirs is written.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, select, text, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from hubapp.data.models import ConsentRecord, Episode, Family, Hub, TransferEvent, TransferRequest, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, transfer_rules as rules
from hubapp.domain.dto import Changes
from hubapp.domain.errors import NotFound
from hubapp.domain.states import (
    EPISODE_OPEN_STATES, STEP_DOWN_QUEUE_STATES, STEP_UP_OPEN_STATES, StepDownState, StepUpState,
    TransferDirection,
)
from hubapp.domain.transfer_dto import (
    NewStepDown, NewStepUp, TransferActionInput, TransferConflict, TransferDetail,
)
from hubapp.domain.validation import check_date_range, check_length, require

from . import _transfer_read as read
from . import _transfer_steps as steps
from ._checks import Checks

UP, DOWN = TransferDirection.STEP_UP, TransferDirection.STEP_DOWN
#: How long a step waits for someone else's transaction on the same transfer before giving up.
LOCK_TIMEOUT = "5s"
_STAGES = (StepDownState.PROPOSED_AT_CIN_REVIEW, StepDownState.CONSENT_OBTAINED, StepDownState.SUBMITTED_TO_EH)
_STAGE_STEPS = ((rules.PROPOSE, StepDownState.PROPOSED_AT_CIN_REVIEW),
                ("record_consent", StepDownState.CONSENT_OBTAINED), ("submit", StepDownState.SUBMITTED_TO_EH))


def now() -> dt.datetime:
    """The current time, aware UTC (a function, so tests can patch it)."""
    return dt.datetime.now(dt.UTC)


# ---- Create ------------------------------------------------------------------------------------


def _check_text(checks: Checks, reason: str, risk: str, needs: str) -> None:
    checks.run(require, reason, "reason", "Reason")
    for value, name, label in ((reason, "reason", "Reason"), (risk, "risk_summary", "Risk summary"),
                               (needs, "outstanding_needs", "Outstanding needs")):
        checks.run(check_length, value, name, label, 20000)


def _check_consent(s: Session, checks: Checks, consent_id: int | None, family_id: int) -> None:
    if consent_id is not None:
        consent = s.get(ConsentRecord, consent_id)
        if consent is None or consent.family_id != family_id:
            checks.add("consent_id", "family", "The consent record must be one of this family's.")


def create_step_up(uow: UnitOfWork, data: NewStepUp) -> TransferDetail:
    """Draft a step-up from an open episode; it goes to a manager to endorse, then to social care.

    Raises:
        ValidationError: no reason, a closed episode, or one that already has a step-up pending.
    """
    with uow:
        s = uow.session
        episode = s.get(Episode, data.episode_id)
        checks = Checks()
        if episode is None:
            raise NotFound("early help episode", data.episode_id)
        if episode.status not in EPISODE_OPEN_STATES:
            checks.add("episode_id", "open", f"Only an open episode can be stepped up; this one is {episode.status}.")
        pending = s.scalars(select(TransferRequest).where(
            TransferRequest.episode_id == episode.id, TransferRequest.direction == UP,
            TransferRequest.status.in_(tuple(STEP_UP_OPEN_STATES - {StepUpState.DECIDED})))).first()
        if pending is not None:
            checks.add("episode_id", "pending", f"This episode already has a step-up request that is "
                                                f"{pending.status} ({rules.state_label(pending.status).lower()}).")
        _check_text(checks, data.reason, data.risk_summary, data.outstanding_needs)
        _check_consent(s, checks, data.consent_id, episode.family_id)
        checks.raise_if_any()
        at = now()
        t = TransferRequest(
            direction=UP, family_id=episode.family_id, episode_id=episode.id, hub_id=episode.hub_id,
            status=StepUpState.DRAFT, state_changed_at=at, from_service=episode.service, to_service="CSC",
            reason=data.reason.strip(), risk_summary=data.risk_summary.strip() or None,
            outstanding_needs=data.outstanding_needs.strip() or None, consent_id=data.consent_id,
            requested_by_id=uow.actor_id, requested_by_name=_actor_name(s, uow.actor_id), requested_at=at,
            created_at=at,
        )
        s.add(t)
        uow.flush()
        record_event(s, t.id, rules.CREATE, None, StepUpState.DRAFT, at, uow.actor_id, None)
        return _finish(uow, t.id, Changes(transfers=True, families=True))


def create_step_down(uow: UnitOfWork, data: NewStepDown) -> TransferDetail:
    """Record a step-down from social care as it arrives at a hub (with the social care reference).

    Raises:
        ValidationError: a missing reason, reference or social worker, an unknown hub or family, or
            a step-down for the family already in the queue.
    """
    with uow:
        s = uow.session
        checks = Checks()
        if s.get(Family, data.family_id) is None:
            checks.add("family_id", "exists", "Choose the family being stepped down.")
        if s.get(Hub, data.hub_id) is None:
            checks.add("hub_id", "exists", "Choose the receiving hub.")
        _check_text(checks, data.reason, data.risk_summary, data.outstanding_needs)
        checks.run(require, data.csc_reference, "csc_reference", "Social care reference")
        checks.run(check_length, data.csc_reference, "csc_reference", "Social care reference", 60)
        checks.run(require, data.requested_by_name, "requested_by_name", "Social worker")
        checks.run(check_length, data.requested_by_name, "requested_by_name", "Social worker", 200)
        if data.stage not in _STAGES:
            checks.add("stage", "code", "Say how far social care has got with the step-down.")
        if not codes.is_valid(codes.SERVICE, data.to_service) or data.to_service == "CSC":
            checks.add("to_service", "code", "Choose the early help service the family steps down to.")
        at = now()
        if data.requested_at is not None and data.requested_at.utcoffset() is None:
            checks.add("requested_at", "timezone", "The time the step-down was requested must include a time zone.")
        elif data.requested_at is not None and data.requested_at > at + dt.timedelta(minutes=5):
            checks.add("requested_at", "not_future", "The step-down cannot be requested in the future.")
        elif data.requested_at is not None:
            checks.run(check_date_range, data.requested_at, "requested_at", "Requested on")
        _check_consent(s, checks, data.consent_id, data.family_id)
        queued = s.scalars(select(TransferRequest).where(
            TransferRequest.family_id == data.family_id, TransferRequest.direction == DOWN,
            TransferRequest.status.in_(tuple(STEP_DOWN_QUEUE_STATES)))).first()
        if queued is not None:
            checks.add("family_id", "pending", f"This family already has a step-down in the queue "
                                               f"({queued.status}: {rules.state_label(queued.status).lower()}).")
        checks.raise_if_any()
        t = TransferRequest(
            direction=DOWN, family_id=data.family_id, hub_id=data.hub_id, status=data.stage,
            state_changed_at=at, from_service="CSC", to_service=data.to_service, reason=data.reason.strip(),
            risk_summary=data.risk_summary.strip() or None, outstanding_needs=data.outstanding_needs.strip() or None,
            consent_id=data.consent_id, requested_by_name=data.requested_by_name.strip(),
            requested_at=data.requested_at or at, csc_reference=data.csc_reference.strip(), created_at=at,
        )
        s.add(t)
        uow.flush()
        before: str | None = None
        for action, state in _STAGE_STEPS:
            record_event(s, t.id, action, before, state, at, uow.actor_id,
                   "Recorded from the social care request." if before is None else None)
            before = state
            if state == data.stage:
                break
        return _finish(uow, t.id, Changes(transfers=True, families=True))


# ---- Move on -----------------------------------------------------------------------------------


def lock_transfer(uow: UnitOfWork, transfer_id: int) -> TransferRequest:
    """Load a transfer for change, holding it against concurrent changes until commit.

    PostgreSQL: ``SELECT … FOR UPDATE`` (waiting up to ``LOCK_TIMEOUT`` for another transaction on
    the same row). SQLite: an update that changes nothing takes the database's write lock first
    (waiting up to its busy timeout), so the row read next is the committed one.

    Raises:
        NotFound: no such transfer (or not visible to this login).
        TransferConflict: someone else held it for longer than the lock timeout.
    """
    s = uow.session
    if uow.dialect == "postgresql":
        s.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        try:
            t = s.scalars(select(TransferRequest).where(TransferRequest.id == transfer_id)
                          .with_for_update().execution_options(populate_existing=True)).first()
        except sa_exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            raise TransferConflict("transfer", transfer_id, "", "Someone else is changing this transfer right "
                                   "now. Nothing was saved; try again in a moment.") from exc
    else:
        table = cast(Table, TransferRequest.__table__)
        s.execute(update(table).where(table.c.id == transfer_id).values(version=table.c.version))
        t = s.get(TransferRequest, transfer_id, populate_existing=True)
    if t is None:
        raise NotFound("transfer", transfer_id)
    return t


def conflict(s: Session, t: TransferRequest, attempted: str, actor_id: int | None = None) -> TransferConflict:
    """The error for someone who acted on an out-of-date view: what the transfer is now, and who has it.

    Args:
        s: the open session.
        t: the transfer as it is now.
        attempted: the step that was refused.
        actor_id: the person refused (a step of their own, seen twice, is told apart).
    """
    kind = rules.ENTITY[t.direction]
    last = read.last_event(s, t.id)
    last_by = s.scalar(select(TransferEvent.by_id).where(TransferEvent.transfer_id == t.id)
                       .order_by(TransferEvent.at.desc(), TransferEvent.id.desc()).limit(1))
    if last is not None:
        when = f"{last.at.astimezone():%H:%M on %d/%m/%Y}"
        mine = actor_id is not None and last_by == actor_id
        who = "you" if mine else last.by or "Social care"
        what = f"{who} {rules.done_phrase(last.action)} this {kind} at {when}."
        what = what[0].upper() + what[1:]
    else:
        mine, what = False, f"This {kind} was changed."
    holder = ""
    if t.receiving_worker_id:
        holder = f", allocated to {read.worker_names(s, [t.receiving_worker_id]).get(t.receiving_worker_id, '')}"
    opening = "This was already done: " if mine else "Someone else got there first: "
    message = (f"{opening}{what} It is now {t.status} "
               f"({rules.state_label(t.status).lower()}{holder}). Your '{rules.action_label(attempted).lower()}' "
               "was not saved; the list shows it as it is now.")
    return TransferConflict(kind, t.id, t.status, message)


def advance(uow: UnitOfWork, data: TransferActionInput) -> TransferDetail:
    """Take one step on a transfer, recording what the step needs (``transfer_rules.REQUIRED_FIELDS``).

    Raises:
        TransferConflict: the transfer changed since the person saw it (the message says how).
        IllegalTransition: the step is not allowed in the transfer's state (accepting twice,
            allocating a declined item …); the message names the state.
        ValidationError: a decline without a reason, an allocation without a worker, and so on.
    """
    with uow:
        s = uow.session
        t = lock_transfer(uow, data.transfer_id)
        if t.version != data.expected_version:
            raise conflict(s, t, data.action, uow.actor_id)
        moves = rules.steps(t.direction, t.status, data.action)
        at = now()
        steps.check_step(s, t, data, data.action, read.today()).raise_if_any()
        if moves[-1][2] != t.status:
            t.status, t.state_changed_at = moves[-1][2], at
        changes = steps.apply_step(uow, t, data, data.action, at, _actor_name(s, uow.actor_id))
        for action, before, after in moves:
            note = (data.note.strip() or None) if action == data.action else None
            record_event(s, t.id, action, before, after, at, uow.actor_id, note)
        return _finish(uow, t.id, changes)


# ---- Read --------------------------------------------------------------------------------------


def get_transfer(uow: UnitOfWork, transfer_id: int) -> TransferDetail:
    """One transfer with its history."""
    with uow:
        return detail(uow, transfer_id, Changes())


def detail(uow: UnitOfWork, transfer_id: int, changes: Changes) -> TransferDetail:
    """Build a ``TransferDetail`` inside an open unit of work."""
    s = uow.session
    t = s.get(TransferRequest, transfer_id)
    if t is None:
        raise NotFound("transfer", transfer_id)
    row = read.RowReader(uow).rows([t])[0]
    return TransferDetail(
        row=row, risk_summary=t.risk_summary, outstanding_needs=t.outstanding_needs, consent_id=t.consent_id,
        decider_role=t.decider_role, rationale=t.rationale, decline_reason=t.decline_reason,
        escalated_at=t.escalated_at, escalation_note=t.escalation_note, meeting_on=t.meeting_on,
        joint_visit=t.joint_visit, allocated_on=t.allocated_on, csc_outcome=t.csc_outcome,
        csc_closure_code=t.csc_closure_code, from_service=t.from_service, to_service=t.to_service,
        events=read.events(s, t.id), changes=changes,
    )


# ---- Helpers -----------------------------------------------------------------------------------


def record_event(s: Session, transfer_id: int, action: str, before: str | None, after: str, at: dt.datetime,
                 by_id: int | None, note: str | None) -> None:
    """Add one step to a transfer's history (inside an open session)."""
    s.add(TransferEvent(transfer_id=transfer_id, from_status=before, to_status=after, action=action, at=at,
                        by_id=by_id, note=note))


def _actor_name(s: Session, actor_id: int | None) -> str | None:
    return s.scalar(select(Worker.display_name).where(Worker.id == actor_id)) if actor_id else None


def _finish(uow: UnitOfWork, transfer_id: int, changes: Changes) -> TransferDetail:
    uow.flush()
    result = detail(uow, transfer_id, changes)
    uow.commit()
    return result


__all__ = ["advance", "conflict", "create_step_down", "create_step_up", "get_transfer", "lock_transfer", "record_event"]
