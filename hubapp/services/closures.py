"""Closing an early help episode (DOMAIN §1.7, §8.7): a reason that maps to the SSD end reason, the
outcome of every need, and never while a transfer for it is pending.

The closure record itself, ending the plan in force and cancelling scheduled meetings, is the
episode service's (``episodes._close``); this module adds the need outcomes, the post-closure
actions and the pending-transfer rule, in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hubapp.data.models import Closure, Episode, Family, Need, TransferRequest
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, transfer_rules as rules
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.plan_dto import EpisodeActionInput
from hubapp.domain.states import (
    EPISODE, STEP_DOWN_QUEUE_STATES, STEP_UP_OPEN_STATES, EpisodeAction, EpisodeState, StepUpState,
    TransferDirection,
)
from hubapp.domain.transfer_dto import ClosureForm, ClosureInput, ClosureResult, NeedForClosure, TransferPending
from hubapp.domain.validation import check_length

from ._checks import Checks

E = EpisodeState
NEED_OUTCOMES = ("MET", "NOT_MET", "WITHDRAWN")
#: Where a family usually goes next, by closure reason (the dialog's suggestion).
DEFAULT_DESTINATION = {"OUTCOMES_MET": "UNIVERSAL", "STEP_DOWN_UNIVERSAL_OR_SINGLE_AGENCY": "SINGLE_AGENCY",
                       "STEPPED_UP_CSC": "CSC", "MOVED_OUT_OF_AREA": "OUT_OF_AREA"}
#: Step-ups still waiting for social care; once decided, the transfer no longer holds the episode.
_STEP_UP_PENDING = tuple(STEP_UP_OPEN_STATES - {StepUpState.DECIDED})
_STEP_DOWN_PENDING = tuple(STEP_DOWN_QUEUE_STATES)


def today() -> dt.date:
    """Today's date (a function, so tests can patch it)."""
    return dt.date.today()


def pending_transfer(s: Session, episode: Episode) -> TransferRequest | None:
    """A transfer that still holds the episode open: one of its own, or one for its family with no
    episode yet (a step-down on its way in)."""
    return s.scalars(select(TransferRequest).where(
        TransferRequest.family_id == episode.family_id,
        or_(TransferRequest.episode_id == episode.id, TransferRequest.episode_id.is_(None)),
        or_((TransferRequest.direction == TransferDirection.STEP_UP) & TransferRequest.status.in_(_STEP_UP_PENDING),
            (TransferRequest.direction == TransferDirection.STEP_DOWN)
            & TransferRequest.status.in_(_STEP_DOWN_PENDING)),
    ).order_by(TransferRequest.id)).first()


def _pending_text(t: TransferRequest) -> str:
    kind = rules.ENTITY[t.direction]
    return (f"The {kind} of {t.requested_at:%d/%m/%Y} is {t.status} "
            f"({rules.state_label(t.status).lower()}). Finish or withdraw it first.")


def refuse_if_transfer_pending(s: Session, episode: Episode) -> None:
    """Refuse to close an episode while a transfer for it is pending.

    Raises:
        TransferPending: naming the transfer and its state.
    """
    t = pending_transfer(s, episode)
    if t is not None:
        raise TransferPending(t.id, t.status, "Cannot close this early help episode while a transfer is pending. "
                              + _pending_text(t))


# ---- Read --------------------------------------------------------------------------------------


def closure_form(uow: UnitOfWork, episode_id: int) -> ClosureForm:
    """The episode, its needs and any transfer that blocks closure (for the closure dialog)."""
    with uow:
        s = uow.session
        row = s.execute(select(Episode, Family.name).join(Family, Family.id == Episode.family_id)
                        .where(Episode.id == episode_id)).first()
        if row is None:
            raise NotFound("early help episode", episode_id)
        e, family_name = row
        needs = tuple(NeedForClosure(n.id, n.description, n.status, n.outcome_evidence) for n in s.scalars(
            select(Need).where(Need.episode_id == e.id).order_by(Need.identified_on, Need.id)))
        blocking = pending_transfer(s, e)
        return ClosureForm(e.id, e.version, e.status, e.family_id, family_name, needs,
                           _pending_text(blocking) if blocking is not None else None)


# ---- Write -------------------------------------------------------------------------------------


def _check(s: Session, e: Episode, data: ClosureInput) -> Checks:
    checks = Checks()
    if not codes.is_valid(codes.EPISODE_CLOSURE_REASON, data.reason):
        checks.add("reason", "required", "Choose why the episode is closing.")
    if data.destination and not codes.is_valid(codes.CLOSURE_DESTINATION, data.destination):
        checks.add("destination", "code", "Where the family goes next must be chosen from the list.")
    checks.run(check_length, data.narrative, "narrative", "Closure summary", 20000)
    checks.run(check_length, data.post_closure_actions, "post_closure_actions", "Post-closure actions", 20000)
    needs = {n.id: n for n in s.scalars(select(Need).where(Need.episode_id == e.id))}
    given = {o.need_id: o for o in data.need_outcomes}
    for o in data.need_outcomes:
        checks.run(check_length, o.evidence, f"need_outcomes[{o.need_id}].evidence", "Evidence", 20000)
    for need_id in given:
        if need_id not in needs:
            checks.add("need_outcomes", "episode", f"Need {need_id} is not one of this episode's needs.")
    for i, need in enumerate(sorted(needs.values(), key=lambda n: n.id)):
        outcome = given.get(need.id)
        status = outcome.status if outcome else need.status
        field = f"need_outcomes[{need.id}]"
        if status not in NEED_OUTCOMES:
            checks.add(field, "required", f"Record what became of need {i + 1} ({need.description[:60]}): "
                                          "met, not met or withdrawn.")
        elif status == "MET" and not ((outcome.evidence.strip() if outcome else "") or need.outcome_evidence):
            checks.add(field, "evidence", f"Need {i + 1} is met: say what shows it.")
    if data.reason == "OUTCOMES_MET" and needs and not any(
        (given[n].status if n in given else needs[n].status) == "MET" for n in needs
    ):
        checks.add("reason", "outcomes_met", "'Outcomes met' needs at least one need recorded as met.")
    return checks


def close_episode(uow: UnitOfWork, data: ClosureInput) -> ClosureResult:
    """Close an episode with a reason, the outcome of each need and where the family goes next.

    An open episode moves through CLOSING to CLOSED in one step; a paused (stepped-up) one closes
    directly.

    Raises:
        ConcurrencyConflict: the episode changed since it was opened.
        TransferPending: a transfer for the episode is still pending (the message names its state).
        IllegalTransition: the episode is already closed (the message names the state).
        ValidationError: no reason, a need without an outcome, "met" without evidence.
    """
    with uow:
        s = uow.session
        e = s.get(Episode, data.episode_id, with_for_update=uow.dialect == "postgresql")
        if e is None:
            raise NotFound("early help episode", data.episode_id)
        if e.version != data.expected_version:
            raise ConcurrencyConflict("early help episode", data.episode_id)
        _apply_moves(e)  # refuses a closed episode before anything else is checked
        refuse_if_transfer_pending(s, e)
        _check(s, e, data).raise_if_any()
        on = today()
        for outcome in data.need_outcomes:
            need = s.get(Need, outcome.need_id)
            assert need is not None
            need.status = outcome.status
            if outcome.evidence.strip():
                need.outcome_evidence = outcome.evidence.strip()
            if outcome.status == "MET" and need.sustained_from is None:
                need.sustained_from = on
        destination = data.destination or DEFAULT_DESTINATION.get(data.reason, "")
        _record(uow, e, data.reason, data.narrative, destination, data.post_closure_actions, on)
        uow.flush()
        result = ClosureResult(e.id, e.family_id, e.status, data.reason,
                               codes.maps_to(codes.EPISODE_CLOSURE_REASON, data.reason), on,
                               Changes(episodes=True, families=True, plans=True, transfers=True))
        uow.commit()
        return result


def _apply_moves(e: Episode) -> str:
    """The state after closing (start_closure first unless CLOSING or paused); checks each move."""
    state = e.status
    if state not in (E.CLOSING, E.PAUSED_STEPPED_UP):
        state = EPISODE.apply(state, EpisodeAction.START_CLOSURE)
    return EPISODE.apply(state, EpisodeAction.CLOSE)


def _record(uow: UnitOfWork, e: Episode, reason: str, narrative: str, destination: str, post: str,
            on: dt.date) -> None:
    from . import episodes

    new_state = _apply_moves(e)
    data = EpisodeActionInput(episode_id=e.id, expected_version=e.version, action=EpisodeAction.CLOSE,
                              reason=reason, narrative=narrative, destination=destination)
    episodes._close(uow, e, data, Checks(), on)  # the closure row, plans ended, meetings cancelled
    e.status = new_state
    if post.strip():
        uow.session.flush()
        closure = uow.session.scalars(select(Closure).where(Closure.episode_id == e.id)).one()
        closure.post_closure_actions = post.strip()


def close_stepped_up(uow: UnitOfWork, episode: Episode) -> None:
    """Close an episode because social care took the case (inside the step-up's transaction).

    Needs still open go with the family to social care: they are recorded as not met here.
    """
    s = uow.session
    for need in s.scalars(select(Need).where(Need.episode_id == episode.id, Need.status == "OPEN")):
        need.status = "NOT_MET"
        need.outcome_evidence = need.outcome_evidence or "Handed over to children's social care (step-up)."
    _record(uow, episode, "STEPPED_UP_CSC", "Children's social care took the case after a step-up request.",
            "CSC", "", today())


__all__ = ["close_episode", "close_stepped_up", "closure_form", "pending_transfer", "refuse_if_transfer_pending"]
