"""The state machines of requests, episodes, assessments, plans, reviews and transfers.

Each machine is plain data: a table of ``(state, action) -> new state``. Services call
:meth:`StateMachine.apply` before they change a record's status, so an illegal move raises
:class:`~hubapp.domain.errors.IllegalTransition` with a message fit to show a person, and
nothing is written. The machines know nothing about who may act or what must be recorded
with an action (a decision outcome, a closure reason); services check those.

States and actions are :class:`enum.StrEnum` members, so the stored value is the plain
string (``"DRAFT"``, ``"submit"``) and a machine accepts either the member or the string.
States are upper case, actions lower case. The source of every machine is DOMAIN.md §8.2–8.6.

A "plan action" (who does what by when, DOMAIN's ``PlanAction``) is called a *plan item*
in the enum names here, so that its actions do not read ``PlanActionAction``; the machine
is still :data:`PLAN_ACTION`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from hubapp.domain.errors import IllegalTransition


@dataclass(frozen=True)
class StateMachine:
    """A finite state machine given as a transition table.

    Args:
        entity: what the records are called in messages, e.g. ``"request for support"``
            (the message reads "Cannot <action> a <entity> that is <state>").
        transitions: ``(state, action) -> new state``. The order of the entries sets the
            order of :attr:`states` and of :meth:`allowed_actions`.
    """

    entity: str
    transitions: Mapping[tuple[str, str], str]
    _by_state: Mapping[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _states: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Freeze the table so a shared module-level machine cannot be changed by a caller.
        table = MappingProxyType(dict(self.transitions))
        by_state: dict[str, list[str]] = {}
        states: dict[str, None] = {}
        for (state, action), target in table.items():
            by_state.setdefault(state, []).append(action)
            states.setdefault(state, None)
            states.setdefault(target, None)
        object.__setattr__(self, "transitions", table)
        object.__setattr__(
            self, "_by_state", MappingProxyType({s: tuple(a) for s, a in by_state.items()})
        )
        object.__setattr__(self, "_states", tuple(states))

    def __hash__(self) -> int:
        return hash((self.entity, tuple(self.transitions.items())))

    @property
    def states(self) -> tuple[str, ...]:
        """Every state of the machine, in the order they first appear in the table."""
        return self._states

    @property
    def terminal_states(self) -> frozenset[str]:
        """The states with no way out."""
        return frozenset(s for s in self._states if s not in self._by_state)

    def allowed_actions(self, state: str) -> tuple[str, ...]:
        """The actions allowed from ``state`` (empty for a terminal or unknown state)."""
        return self._by_state.get(state, ())

    def can(self, state: str, action: str) -> bool:
        """Whether ``action`` is allowed from ``state``."""
        return (state, action) in self.transitions

    def apply(self, state: str, action: str) -> str:
        """The state a record moves to when ``action`` is done in ``state``.

        Args:
            state: the record's current state.
            action: what is being done.

        Returns:
            The new state (the enum member when the table was built from enums).

        Raises:
            IllegalTransition: the action is not allowed from ``state``.
        """
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise IllegalTransition(
                self.entity, str(state), str(action), self.allowed_actions(state)
            ) from None

    def is_terminal(self, state: str) -> bool:
        """Whether ``state`` has no way out.

        Raises:
            ValueError: ``state`` is not a state of this machine.
        """
        if state not in self._states:
            raise ValueError(f"{state!r} is not a state of a {self.entity}")
        return state not in self._by_state


def _machine(entity: str, rows: list[tuple[tuple[str, ...], str, str]]) -> StateMachine:
    """Build a machine from rows of ``(from_states, action, to_state)``."""
    table: dict[tuple[str, str], str] = {}
    for sources, action, target in rows:
        for source in sources:
            key = (source, action)
            if key in table:
                raise ValueError(f"duplicate transition {key} in {entity}")
            table[key] = target
    return StateMachine(entity, table)


# ---- Request for support (DOMAIN §8.2)


class RequestState(StrEnum):
    """Where a request for support is in the front door."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    SCREENING = "SCREENING"
    AWAITING_INFO = "AWAITING_INFO"
    DECIDED = "DECIDED"
    CLOSED = "CLOSED"


class RequestAction(StrEnum):
    """What can be done to a request for support."""

    SUBMIT = "submit"
    START_SCREENING = "start_screening"
    REQUEST_INFO = "request_info"
    INFO_RECEIVED = "info_received"
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    DISCARD = "discard"


class RequestOutcome(StrEnum):
    """The decision recorded when a request reaches DECIDED."""

    ACCEPT_EH = "ACCEPT_EH"
    ADVICE_SIGNPOST = "ADVICE_SIGNPOST"
    PASS_TO_CSC = "PASS_TO_CSC"
    EXISTING_PLAN = "EXISTING_PLAN"
    RETURN_NO_CONSENT = "RETURN_NO_CONSENT"
    NFA = "NFA"
    WITHDRAWN = "WITHDRAWN"


_R = RequestState
_RA = RequestAction
#: Withdrawing a submitted request moves it to DECIDED, where the service records the
#: outcome WITHDRAWN, so every submitted request ends with an outcome. A draft that was
#: never submitted is discarded straight to CLOSED, with no outcome.
REQUEST = _machine(
    "request for support",
    [
        ((_R.DRAFT,), _RA.SUBMIT, _R.SUBMITTED),
        ((_R.DRAFT,), _RA.DISCARD, _R.CLOSED),
        ((_R.SUBMITTED,), _RA.START_SCREENING, _R.SCREENING),
        ((_R.SCREENING,), _RA.REQUEST_INFO, _R.AWAITING_INFO),
        ((_R.AWAITING_INFO,), _RA.INFO_RECEIVED, _R.SCREENING),
        # Deciding while still awaiting information covers "no reply came" (e.g. NFA).
        ((_R.SCREENING, _R.AWAITING_INFO), _RA.DECIDE, _R.DECIDED),
        ((_R.SUBMITTED, _R.SCREENING, _R.AWAITING_INFO), _RA.WITHDRAW, _R.DECIDED),
        ((_R.DECIDED,), _RA.CLOSE, _R.CLOSED),
    ],
)
REQUEST_OPEN_STATES = frozenset(REQUEST.states) - {_R.CLOSED}
#: Requests waiting for a front-door decision (the hub's intake queue).
REQUEST_UNDECIDED_STATES = frozenset({_R.SUBMITTED, _R.SCREENING, _R.AWAITING_INFO})


# ---- Early help episode (DOMAIN §8.3)


class EpisodeState(StrEnum):
    """Where a family's episode of early help is."""

    AWAITING_ALLOCATION = "AWAITING_ALLOCATION"
    ALLOCATED = "ALLOCATED"
    ASSESSING = "ASSESSING"
    PLAN_ACTIVE = "PLAN_ACTIVE"
    IN_REVIEW = "IN_REVIEW"
    CLOSING = "CLOSING"
    CLOSED = "CLOSED"
    PAUSED_STEPPED_UP = "PAUSED_STEPPED_UP"
    ON_HOLD = "ON_HOLD"


class EpisodeAction(StrEnum):
    """What can be done to an episode."""

    ALLOCATE = "allocate"
    START_ASSESSMENT = "start_assessment"
    ACTIVATE_PLAN = "activate_plan"
    START_REVIEW = "start_review"
    COMPLETE_REVIEW = "complete_review"
    START_CLOSURE = "start_closure"
    CANCEL_CLOSURE = "cancel_closure"
    CLOSE = "close"
    STEP_UP = "step_up"
    PUT_ON_HOLD = "put_on_hold"
    RESUME = "resume"


_E = EpisodeState
_EA = EpisodeAction
#: ON_HOLD and PAUSED_STEPPED_UP are entered only from a running plan (PLAN_ACTIVE or
#: IN_REVIEW), so "resume" always returns to PLAN_ACTIVE. Before a plan is active, a
#: step-up closes the episode instead (start_closure with reason STEPPED_UP_CSC).
#: Closing from ON_HOLD (the time box ran out) goes through CLOSING like any closure;
#: closing from PAUSED_STEPPED_UP is direct, as CSC has the case.
EPISODE = _machine(
    "early help episode",
    [
        ((_E.AWAITING_ALLOCATION,), _EA.ALLOCATE, _E.ALLOCATED),
        ((_E.ALLOCATED,), _EA.START_ASSESSMENT, _E.ASSESSING),
        ((_E.ASSESSING,), _EA.ACTIVATE_PLAN, _E.PLAN_ACTIVE),
        ((_E.PLAN_ACTIVE,), _EA.START_REVIEW, _E.IN_REVIEW),
        ((_E.IN_REVIEW,), _EA.COMPLETE_REVIEW, _E.PLAN_ACTIVE),
        (
            (_E.AWAITING_ALLOCATION, _E.ALLOCATED, _E.ASSESSING, _E.PLAN_ACTIVE, _E.IN_REVIEW,
             _E.ON_HOLD),
            _EA.START_CLOSURE,
            _E.CLOSING,
        ),
        ((_E.CLOSING,), _EA.CANCEL_CLOSURE, _E.PLAN_ACTIVE),
        ((_E.CLOSING, _E.PAUSED_STEPPED_UP), _EA.CLOSE, _E.CLOSED),
        ((_E.PLAN_ACTIVE, _E.IN_REVIEW, _E.ON_HOLD), _EA.STEP_UP, _E.PAUSED_STEPPED_UP),
        ((_E.PLAN_ACTIVE,), _EA.PUT_ON_HOLD, _E.ON_HOLD),
        ((_E.ON_HOLD, _E.PAUSED_STEPPED_UP), _EA.RESUME, _E.PLAN_ACTIVE),
    ],
)
EPISODE_OPEN_STATES = frozenset(EPISODE.states) - {_E.CLOSED}
#: Open episodes with a lead practitioner working them (for caseloads).
EPISODE_ALLOCATED_STATES = EPISODE_OPEN_STATES - {_E.AWAITING_ALLOCATION}


# ---- Assessment (DOMAIN §8.4)


class AssessmentState(StrEnum):
    """Where an early help assessment is."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    ABANDONED = "ABANDONED"


class AssessmentAction(StrEnum):
    """What can be done to an assessment."""

    START = "start"
    SUBMIT = "submit"
    AUTHORISE = "authorise"
    RETURN_FOR_CHANGES = "return_for_changes"
    ABANDON = "abandon"


_A = AssessmentState
_AA = AssessmentAction
#: "return_for_changes" is a manager sending a submitted assessment back to the worker.
ASSESSMENT = _machine(
    "assessment",
    [
        ((_A.NOT_STARTED,), _AA.START, _A.IN_PROGRESS),
        ((_A.IN_PROGRESS,), _AA.SUBMIT, _A.SUBMITTED),
        ((_A.SUBMITTED,), _AA.AUTHORISE, _A.AUTHORISED),
        ((_A.SUBMITTED,), _AA.RETURN_FOR_CHANGES, _A.IN_PROGRESS),
        ((_A.NOT_STARTED, _A.IN_PROGRESS, _A.SUBMITTED), _AA.ABANDON, _A.ABANDONED),
    ],
)
ASSESSMENT_OPEN_STATES = frozenset({_A.NOT_STARTED, _A.IN_PROGRESS, _A.SUBMITTED})


# ---- Plan, plan action and review (DOMAIN §8.5)


class PlanState(StrEnum):
    """Where one version of a family plan is."""

    DRAFT = "DRAFT"
    AGREED = "AGREED"
    ACTIVE = "ACTIVE"
    SUPERSEDED = "SUPERSEDED"
    ENDED = "ENDED"


class PlanAction(StrEnum):
    """What can be done to a version of a family plan."""

    AGREE = "agree"
    ACTIVATE = "activate"
    SUPERSEDE = "supersede"
    END = "end"


_P = PlanState
_PA = PlanAction
#: A draft or agreed plan can be ended when its episode closes before it went live; an
#: agreed plan can be superseded by a newer version agreed before it was activated.
PLAN = _machine(
    "family plan",
    [
        ((_P.DRAFT,), _PA.AGREE, _P.AGREED),
        ((_P.AGREED,), _PA.ACTIVATE, _P.ACTIVE),
        ((_P.AGREED, _P.ACTIVE), _PA.SUPERSEDE, _P.SUPERSEDED),
        ((_P.DRAFT, _P.AGREED, _P.ACTIVE), _PA.END, _P.ENDED),
    ],
)
PLAN_CURRENT_STATES = frozenset({_P.DRAFT, _P.AGREED, _P.ACTIVE})


class PlanItemState(StrEnum):
    """Where one action of a plan (who, what, by when) is."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    NOT_DONE = "NOT_DONE"
    CANCELLED = "CANCELLED"


class PlanItemAction(StrEnum):
    """What can be done to one action of a plan."""

    START = "start"
    COMPLETE = "complete"
    MARK_NOT_DONE = "mark_not_done"
    CANCEL = "cancel"


_I = PlanItemState
_IA = PlanItemAction
#: An open item can be finished without ever being marked as started.
PLAN_ACTION = _machine(
    "plan action",
    [
        ((_I.OPEN,), _IA.START, _I.IN_PROGRESS),
        ((_I.OPEN, _I.IN_PROGRESS), _IA.COMPLETE, _I.DONE),
        ((_I.OPEN, _I.IN_PROGRESS), _IA.MARK_NOT_DONE, _I.NOT_DONE),
        ((_I.OPEN, _I.IN_PROGRESS), _IA.CANCEL, _I.CANCELLED),
    ],
)
PLAN_ACTION_OPEN_STATES = frozenset({_I.OPEN, _I.IN_PROGRESS})


class ReviewState(StrEnum):
    """Where a TAF meeting or review is. OVERDUE is derived, never stored."""

    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


class ReviewAction(StrEnum):
    """What can be done to a scheduled review."""

    HOLD = "hold"
    CANCEL = "cancel"


REVIEW = _machine(
    "review",
    [
        ((ReviewState.SCHEDULED,), ReviewAction.HOLD, ReviewState.HELD),
        ((ReviewState.SCHEDULED,), ReviewAction.CANCEL, ReviewState.CANCELLED),
    ],
)


class ReviewDecision(StrEnum):
    """What a review decided about the episode."""

    CONTINUE = "CONTINUE"
    REVISE_PLAN = "REVISE_PLAN"
    STEP_UP = "STEP_UP"
    STEP_DOWN_TO_UNIVERSAL = "STEP_DOWN_TO_UNIVERSAL"
    CLOSE = "CLOSE"


class ProgressRating(StrEnum):
    """Progress on one plan outcome since the last review."""

    IMPROVED = "IMPROVED"
    NO_CHANGE = "NO_CHANGE"
    WORSE = "WORSE"


# ---- Transfers between early help and children's social care (DOMAIN §8.6)


class TransferDirection(StrEnum):
    """Which way a transfer goes."""

    STEP_UP = "STEP_UP"
    STEP_DOWN = "STEP_DOWN"


class StepUpState(StrEnum):
    """Where a step-up request (early help to the CSC front door) is."""

    DRAFT = "DRAFT"
    MANAGER_ENDORSED = "MANAGER_ENDORSED"
    SENT = "SENT"
    RECEIVED_BY_FRONT_DOOR = "RECEIVED_BY_FRONT_DOOR"
    DECIDED = "DECIDED"
    CLOSED = "CLOSED"


class StepUpAction(StrEnum):
    """What can be done to a step-up request."""

    ENDORSE = "endorse"
    SEND = "send"
    RECEIVE = "receive"
    DECIDE = "decide"
    CLOSE = "close"
    WITHDRAW = "withdraw"


class StepUpOutcome(StrEnum):
    """The front door's decision on a step-up request."""

    ACCEPTED_CIN_ASSESSMENT = "ACCEPTED_CIN_ASSESSMENT"
    ACCEPTED_S47_STRATEGY = "ACCEPTED_S47_STRATEGY"
    ADVICE_RETURNED_TO_EH = "ADVICE_RETURNED_TO_EH"
    NFA = "NFA"


#: Outcomes where CSC took the case (the KPI 7 "conversion" numerator).
STEP_UP_ACCEPTED_OUTCOMES = frozenset(
    {StepUpOutcome.ACCEPTED_CIN_ASSESSMENT, StepUpOutcome.ACCEPTED_S47_STRATEGY}
)

_U = StepUpState
_UA = StepUpAction
#: A request withdrawn before the front door received it closes with no outcome.
STEP_UP = _machine(
    "step-up request",
    [
        ((_U.DRAFT,), _UA.ENDORSE, _U.MANAGER_ENDORSED),
        ((_U.MANAGER_ENDORSED,), _UA.SEND, _U.SENT),
        ((_U.SENT,), _UA.RECEIVE, _U.RECEIVED_BY_FRONT_DOOR),
        ((_U.RECEIVED_BY_FRONT_DOOR,), _UA.DECIDE, _U.DECIDED),
        ((_U.DECIDED,), _UA.CLOSE, _U.CLOSED),
        ((_U.DRAFT, _U.MANAGER_ENDORSED, _U.SENT), _UA.WITHDRAW, _U.CLOSED),
    ],
)
STEP_UP_OPEN_STATES = frozenset(STEP_UP.states) - {_U.CLOSED}
#: Sent and waiting for the front door's decision (the 1-working-day clock runs here).
STEP_UP_AWAITING_DECISION_STATES = frozenset({_U.SENT, _U.RECEIVED_BY_FRONT_DOOR})


class StepDownState(StrEnum):
    """Where a step-down request (CSC to early help) is."""

    PROPOSED_AT_CIN_REVIEW = "PROPOSED_AT_CIN_REVIEW"
    CONSENT_OBTAINED = "CONSENT_OBTAINED"
    SUBMITTED_TO_EH = "SUBMITTED_TO_EH"
    TRIAGED = "TRIAGED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    ALLOCATED = "ALLOCATED"
    HANDOVER_MEETING_HELD = "HANDOVER_MEETING_HELD"
    CSC_CLOSED = "CSC_CLOSED"
    COMPLETE = "COMPLETE"
    CLOSED = "CLOSED"
    FAMILY_DECLINED = "FAMILY_DECLINED"
    NOT_SUITABLE = "NOT_SUITABLE"
    WITHDRAWN = "WITHDRAWN"


class StepDownAction(StrEnum):
    """What can be done to a step-down request."""

    RECORD_CONSENT = "record_consent"
    SUBMIT = "submit"
    TRIAGE = "triage"
    ACCEPT = "accept"
    DECLINE = "decline"
    ESCALATE = "escalate"
    ALLOCATE = "allocate"
    HOLD_HANDOVER_MEETING = "hold_handover_meeting"
    CLOSE_CSC = "close_csc"
    COMPLETE = "complete"
    CLOSE = "close"
    FAMILY_DECLINES = "family_declines"
    MARK_NOT_SUITABLE = "mark_not_suitable"
    WITHDRAW = "withdraw"


_D = StepDownState
_DA = StepDownAction
#: Steps before CSC closes its case, from which the transfer can still fail.
_STEP_DOWN_BEFORE_CSC_CLOSED = (
    _D.PROPOSED_AT_CIN_REVIEW, _D.CONSENT_OBTAINED, _D.SUBMITTED_TO_EH, _D.TRIAGED,
    _D.ACCEPTED, _D.ALLOCATED, _D.HANDOVER_MEETING_HELD,
)
#: A DECLINED request is escalated back to TRIAGED (the service records who escalated
#: and why), closed when CSC accepts the decline, or withdrawn.
STEP_DOWN = _machine(
    "step-down request",
    [
        ((_D.PROPOSED_AT_CIN_REVIEW,), _DA.RECORD_CONSENT, _D.CONSENT_OBTAINED),
        ((_D.CONSENT_OBTAINED,), _DA.SUBMIT, _D.SUBMITTED_TO_EH),
        ((_D.SUBMITTED_TO_EH,), _DA.TRIAGE, _D.TRIAGED),
        ((_D.TRIAGED,), _DA.ACCEPT, _D.ACCEPTED),
        ((_D.TRIAGED,), _DA.DECLINE, _D.DECLINED),
        ((_D.DECLINED,), _DA.ESCALATE, _D.TRIAGED),
        ((_D.DECLINED,), _DA.CLOSE, _D.CLOSED),
        ((_D.ACCEPTED,), _DA.ALLOCATE, _D.ALLOCATED),
        ((_D.ALLOCATED,), _DA.HOLD_HANDOVER_MEETING, _D.HANDOVER_MEETING_HELD),
        ((_D.HANDOVER_MEETING_HELD,), _DA.CLOSE_CSC, _D.CSC_CLOSED),
        ((_D.CSC_CLOSED,), _DA.COMPLETE, _D.COMPLETE),
        (_STEP_DOWN_BEFORE_CSC_CLOSED, _DA.FAMILY_DECLINES, _D.FAMILY_DECLINED),
        (_STEP_DOWN_BEFORE_CSC_CLOSED, _DA.MARK_NOT_SUITABLE, _D.NOT_SUITABLE),
        ((*_STEP_DOWN_BEFORE_CSC_CLOSED, _D.DECLINED), _DA.WITHDRAW, _D.WITHDRAWN),
    ],
)
STEP_DOWN_FAILED_STATES = frozenset({_D.FAMILY_DECLINED, _D.NOT_SUITABLE, _D.WITHDRAWN})
#: The coordinator's queue: everything not COMPLETE, CLOSED or failed (DECLINED included,
#: as it waits for escalation or closure).
STEP_DOWN_QUEUE_STATES = (
    frozenset(STEP_DOWN.states) - {_D.COMPLETE, _D.CLOSED} - STEP_DOWN_FAILED_STATES
)

#: Every machine by a short name, for generic code (e.g. listing allowed actions).
MACHINES: Mapping[str, StateMachine] = MappingProxyType(
    {
        "request": REQUEST,
        "episode": EPISODE,
        "assessment": ASSESSMENT,
        "plan": PLAN,
        "plan_action": PLAN_ACTION,
        "review": REVIEW,
        "step_up": STEP_UP,
        "step_down": STEP_DOWN,
    }
)
