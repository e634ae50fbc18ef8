"""Plain rules of step-up and step-down transfers (DOMAIN.md §3, §8.6): what each step is called,
which timescale runs in each state, red/amber/green, age bands, and what each action needs.

The state machines themselves are in :mod:`hubapp.domain.states`. Besides the machines' actions a
transfer has a few *note actions* that are recorded in its history without moving it: asking the
sender for information (and hearing back), and escalating a step-up decision the hub disagrees
with. Accepting or declining a step-down that has not been triaged yet triages it first, so the
coordinator can decide straight from the queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from hubapp.domain.errors import IllegalTransition
from hubapp.domain.states import (
    STEP_DOWN, STEP_UP, STEP_UP_ACCEPTED_OUTCOMES, StateMachine, StepDownAction, StepDownState,
    StepUpAction, StepUpState, TransferDirection,
)

D, DA, U, UA = StepDownState, StepDownAction, StepUpState, StepUpAction
UP, DOWN = TransferDirection.STEP_UP, TransferDirection.STEP_DOWN

#: Note actions: recorded in the history, the state does not change.
REQUEST_INFO = "request_info"
INFO_RECEIVED = "info_received"
ESCALATE = "escalate"
#: The first event of a transfer (the demo data uses the same words).
CREATE, PROPOSE = "create", "propose"

_NOTE_ACTIONS: Mapping[tuple[str, str], frozenset[str]] = {
    (DOWN, REQUEST_INFO): frozenset({D.SUBMITTED_TO_EH, D.TRIAGED}),
    (DOWN, INFO_RECEIVED): frozenset({D.SUBMITTED_TO_EH, D.TRIAGED}),
    (UP, REQUEST_INFO): frozenset({U.SENT, U.RECEIVED_BY_FRONT_DOOR}),
    (UP, INFO_RECEIVED): frozenset({U.SENT, U.RECEIVED_BY_FRONT_DOOR}),
    # A step-up decision is escalated by recording the disagreement; the machine has no way back.
    (UP, ESCALATE): frozenset({U.DECIDED}),
}
#: Actions the coordinator may take on an untriaged step-down: the service triages it first.
_AUTO_TRIAGE = frozenset({DA.ACCEPT, DA.DECLINE})

ENTITY: Mapping[str, str] = {UP: "step-up request", DOWN: "step-down request"}

STATE_LABELS: Mapping[str, str] = {
    U.DRAFT: "Draft", U.MANAGER_ENDORSED: "Endorsed by manager", U.SENT: "Sent to front door",
    U.RECEIVED_BY_FRONT_DOOR: "Received by front door", U.DECIDED: "Decided", U.CLOSED: "Closed",
    D.PROPOSED_AT_CIN_REVIEW: "Proposed at CIN review", D.CONSENT_OBTAINED: "Consent obtained",
    D.SUBMITTED_TO_EH: "Submitted to early help", D.TRIAGED: "Triaged / panel", D.ACCEPTED: "Accepted",
    D.DECLINED: "Declined", D.ALLOCATED: "Allocated", D.HANDOVER_MEETING_HELD: "Handover meeting held",
    D.CSC_CLOSED: "Closed by social care", D.COMPLETE: "Complete", D.FAMILY_DECLINED: "Family declined",
    D.NOT_SUITABLE: "Not suitable", D.WITHDRAWN: "Withdrawn",
}

ACTION_LABELS: Mapping[str, str] = {
    CREATE: "Created", PROPOSE: "Proposed at CIN review", UA.ENDORSE: "Endorse", UA.SEND: "Send",
    UA.RECEIVE: "Received by front door", UA.DECIDE: "Record decision", UA.CLOSE: "Close",
    UA.WITHDRAW: "Withdraw", DA.RECORD_CONSENT: "Record consent", DA.SUBMIT: "Submitted to early help",
    DA.TRIAGE: "Triage", DA.ACCEPT: "Accept", DA.DECLINE: "Decline", DA.ESCALATE: "Escalate",
    DA.ALLOCATE: "Allocate lead practitioner", DA.HOLD_HANDOVER_MEETING: "Handover meeting held",
    DA.CLOSE_CSC: "Social care closed its case", DA.COMPLETE: "Complete",
    DA.FAMILY_DECLINES: "Family declined", DA.MARK_NOT_SUITABLE: "Not suitable",
    REQUEST_INFO: "Ask for information", INFO_RECEIVED: "Information received",
}

#: What someone did, for "X accepted this step-down request": ``{verb} this <transfer>``.
_DONE: Mapping[str, str] = {
    CREATE: "created", PROPOSE: "recorded the proposal of", UA.ENDORSE: "endorsed", UA.SEND: "sent",
    UA.RECEIVE: "recorded the front door receiving", UA.DECIDE: "recorded social care's decision on",
    UA.CLOSE: "closed", UA.WITHDRAW: "withdrew", DA.RECORD_CONSENT: "recorded consent for",
    DA.SUBMIT: "recorded the submission of", DA.TRIAGE: "triaged", DA.ACCEPT: "accepted", DA.DECLINE: "declined",
    DA.ESCALATE: "escalated", DA.ALLOCATE: "allocated", DA.HOLD_HANDOVER_MEETING: "recorded the handover meeting of",
    DA.CLOSE_CSC: "recorded social care closing", DA.COMPLETE: "completed",
    DA.FAMILY_DECLINES: "recorded the family declining", DA.MARK_NOT_SUITABLE: "marked as not suitable",
    REQUEST_INFO: "asked for information on", INFO_RECEIVED: "recorded information received for",
}

#: What a person must type for an action (the service checks the same): field -> label.
REQUIRED_FIELDS: Mapping[tuple[str, str], tuple[str, ...]] = {
    (DOWN, DA.ACCEPT): ("note",),
    (DOWN, DA.DECLINE): ("note",),
    (DOWN, DA.ESCALATE): ("note",),
    (DOWN, DA.ALLOCATE): ("worker_id",),
    (DOWN, DA.HOLD_HANDOVER_MEETING): ("meeting_on",),
    (DOWN, DA.CLOSE_CSC): ("csc_closure_code",),
    (DOWN, DA.FAMILY_DECLINES): ("note",),
    (DOWN, DA.MARK_NOT_SUITABLE): ("note",),
    (DOWN, DA.WITHDRAW): ("note",),
    (DOWN, REQUEST_INFO): ("note",),
    (UP, UA.DECIDE): ("outcome", "decided_by_name", "note"),
    (UP, UA.WITHDRAW): ("note",),
    (UP, ESCALATE): ("note",),
    (UP, REQUEST_INFO): ("note",),
}

#: The CIN census closure codes a step-down may record (DOMAIN §3: RC9 after assessment; RC7 otherwise).
STEP_DOWN_CLOSURE_CODES = ("RC7", "RC9")


#: The timescale (an attribute of ``Timescales``, in working days) that runs in each state.
#: States with none (the social care side before submission, decided, closed) show no RAG.
STATE_TIMESCALE: Mapping[tuple[str, str], str] = {
    (UP, U.DRAFT): "step_up_endorsement_wd",
    (UP, U.MANAGER_ENDORSED): "step_up_endorsement_wd",
    (UP, U.SENT): "step_up_decision_wd",
    (UP, U.RECEIVED_BY_FRONT_DOOR): "step_up_decision_wd",
    (DOWN, D.SUBMITTED_TO_EH): "step_down_decision_wd",
    (DOWN, D.TRIAGED): "step_down_decision_wd",
    (DOWN, D.DECLINED): "step_down_declined_wd",
    (DOWN, D.ACCEPTED): "allocation_wd",
    (DOWN, D.ALLOCATED): "step_down_handover_wd",
    (DOWN, D.HANDOVER_MEETING_HELD): "step_down_csc_closure_wd",
    (DOWN, D.CSC_CLOSED): "step_down_completion_wd",
}

#: Age bands for grouping the queue: (label, lowest, highest or None), in working days.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–1 working days", 0, 1),
    ("2–5 working days", 2, 5),
    ("6–10 working days", 6, 10),
    ("11–20 working days", 11, 20),
    ("Over 20 working days", 21, None),
)


def machine(direction: str) -> StateMachine:
    """The state machine of a direction."""
    return STEP_UP if direction == UP else STEP_DOWN


def state_label(state: str) -> str:
    """How a state reads on screen."""
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())


def action_label(action: str) -> str:
    """How an action reads on screen and in a transfer's history."""
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def done_phrase(action: str) -> str:
    """The verb phrase for someone having taken ``action``: "accepted", "asked for information on"."""
    return _DONE.get(action, "changed")


def is_note_action(direction: str, action: str) -> bool:
    """Whether ``action`` is recorded without changing the state."""
    return (direction, action) in _NOTE_ACTIONS


def steps(direction: str, state: str, action: str) -> list[tuple[str, str, str]]:
    """The moves an action makes: ``(action, from_state, to_state)`` for each history event.

    Accepting or declining an untriaged step-down triages it first (two events). A note action
    is one event that stays in the state.

    Raises:
        IllegalTransition: the action is not allowed in ``state``; the message names the state.
    """
    if (direction, action) in _NOTE_ACTIONS:
        if state not in _NOTE_ACTIONS[(direction, action)]:
            allowed = allowed_actions(direction, state)
            raise IllegalTransition(ENTITY[direction], state, action, allowed)
        return [(action, state, state)]
    m = machine(direction)
    out = []
    if direction == DOWN and state == D.SUBMITTED_TO_EH and action in _AUTO_TRIAGE:
        out.append((DA.TRIAGE.value, state, m.apply(state, DA.TRIAGE)))
        state = out[-1][2]
    if not m.can(state, action):
        raise IllegalTransition(ENTITY[direction], state, action, allowed_actions(direction, state))
    out.append((action, state, m.apply(state, action)))
    return out


def allowed_actions(direction: str, state: str) -> tuple[str, ...]:
    """Every action a person can take in ``state``, the note actions included."""
    out = list(machine(direction).allowed_actions(state))
    if direction == DOWN and state == D.SUBMITTED_TO_EH:
        out[:0] = [a for a in (DA.ACCEPT, DA.DECLINE) if a not in out]
    out += [a for (d, a), where in _NOTE_ACTIONS.items() if d == direction and state in where]
    return tuple(str(a) for a in out)


def escalation_allowed(outcome: str | None) -> bool:
    """Whether a decided step-up may be escalated: only when social care did not take the case."""
    return outcome is not None and outcome not in STEP_UP_ACCEPTED_OUTCOMES


def timescale_wd(direction: str, state: str, timescales: object) -> int | None:
    """The working days allowed in ``state`` (``None`` where no timescale runs)."""
    name = STATE_TIMESCALE.get((direction, state))
    if name is None:
        return None
    value = getattr(timescales, name, None)
    return int(value) if isinstance(value, int) else None


def rag(age_wd: int, limit_wd: int | None) -> str:
    """Red, amber or green for an item waiting ``age_wd`` against ``limit_wd``; "" with no limit.

    Green before the last working day allowed, amber on it, red after (as the front door).
    """
    if limit_wd is None:
        return ""
    if age_wd < limit_wd:
        return "green"
    return "amber" if age_wd == limit_wd else "red"


def age_band(age_wd: int) -> str:
    """The label of the age band ``age_wd`` falls in."""
    for label, low, high in AGE_BANDS:
        if age_wd >= low and (high is None or age_wd <= high):
            return label
    return AGE_BANDS[0][0]


def band_order(label: str) -> int:
    """Where a band sorts (oldest last); unknown labels sort first."""
    return next((i for i, (name, _, _) in enumerate(AGE_BANDS) if name == label), -1)
