"""Tests for hubapp.domain.states: every legal transition, and illegal ones refused."""

from __future__ import annotations

from enum import StrEnum

import pytest

from hubapp.domain import states as s
from hubapp.domain.errors import IllegalTransition
from hubapp.domain.states import StateMachine

# Every legal transition of every machine, written out independently of the module's tables.
LEGAL: dict[str, set[tuple[str, str, str]]] = {
    "request": {
        ("DRAFT", "submit", "SUBMITTED"),
        ("DRAFT", "discard", "CLOSED"),
        ("SUBMITTED", "start_screening", "SCREENING"),
        ("SCREENING", "request_info", "AWAITING_INFO"),
        ("AWAITING_INFO", "info_received", "SCREENING"),
        ("SCREENING", "decide", "DECIDED"),
        ("AWAITING_INFO", "decide", "DECIDED"),
        ("SUBMITTED", "withdraw", "DECIDED"),
        ("SCREENING", "withdraw", "DECIDED"),
        ("AWAITING_INFO", "withdraw", "DECIDED"),
        ("DECIDED", "close", "CLOSED"),
    },
    "episode": {
        ("AWAITING_ALLOCATION", "allocate", "ALLOCATED"),
        ("ALLOCATED", "start_assessment", "ASSESSING"),
        ("ASSESSING", "activate_plan", "PLAN_ACTIVE"),
        ("PLAN_ACTIVE", "start_review", "IN_REVIEW"),
        ("IN_REVIEW", "complete_review", "PLAN_ACTIVE"),
        ("AWAITING_ALLOCATION", "start_closure", "CLOSING"),
        ("ALLOCATED", "start_closure", "CLOSING"),
        ("ASSESSING", "start_closure", "CLOSING"),
        ("PLAN_ACTIVE", "start_closure", "CLOSING"),
        ("IN_REVIEW", "start_closure", "CLOSING"),
        ("ON_HOLD", "start_closure", "CLOSING"),
        ("CLOSING", "cancel_closure", "PLAN_ACTIVE"),
        ("CLOSING", "close", "CLOSED"),
        ("PAUSED_STEPPED_UP", "close", "CLOSED"),
        ("PLAN_ACTIVE", "step_up", "PAUSED_STEPPED_UP"),
        ("IN_REVIEW", "step_up", "PAUSED_STEPPED_UP"),
        ("ON_HOLD", "step_up", "PAUSED_STEPPED_UP"),
        ("PLAN_ACTIVE", "put_on_hold", "ON_HOLD"),
        ("ON_HOLD", "resume", "PLAN_ACTIVE"),
        ("PAUSED_STEPPED_UP", "resume", "PLAN_ACTIVE"),
    },
    "assessment": {
        ("NOT_STARTED", "start", "IN_PROGRESS"),
        ("IN_PROGRESS", "submit", "SUBMITTED"),
        ("SUBMITTED", "authorise", "AUTHORISED"),
        ("SUBMITTED", "return_for_changes", "IN_PROGRESS"),
        ("NOT_STARTED", "abandon", "ABANDONED"),
        ("IN_PROGRESS", "abandon", "ABANDONED"),
        ("SUBMITTED", "abandon", "ABANDONED"),
    },
    "plan": {
        ("DRAFT", "agree", "AGREED"),
        ("AGREED", "activate", "ACTIVE"),
        ("AGREED", "supersede", "SUPERSEDED"),
        ("ACTIVE", "supersede", "SUPERSEDED"),
        ("DRAFT", "end", "ENDED"),
        ("AGREED", "end", "ENDED"),
        ("ACTIVE", "end", "ENDED"),
    },
    "plan_action": {
        ("OPEN", "start", "IN_PROGRESS"),
        ("OPEN", "complete", "DONE"),
        ("IN_PROGRESS", "complete", "DONE"),
        ("OPEN", "mark_not_done", "NOT_DONE"),
        ("IN_PROGRESS", "mark_not_done", "NOT_DONE"),
        ("OPEN", "cancel", "CANCELLED"),
        ("IN_PROGRESS", "cancel", "CANCELLED"),
    },
    "review": {
        ("SCHEDULED", "hold", "HELD"),
        ("SCHEDULED", "cancel", "CANCELLED"),
    },
    "step_up": {
        ("DRAFT", "endorse", "MANAGER_ENDORSED"),
        ("MANAGER_ENDORSED", "send", "SENT"),
        ("SENT", "receive", "RECEIVED_BY_FRONT_DOOR"),
        ("RECEIVED_BY_FRONT_DOOR", "decide", "DECIDED"),
        ("DECIDED", "close", "CLOSED"),
        ("DRAFT", "withdraw", "CLOSED"),
        ("MANAGER_ENDORSED", "withdraw", "CLOSED"),
        ("SENT", "withdraw", "CLOSED"),
    },
    "step_down": {
        ("PROPOSED_AT_CIN_REVIEW", "record_consent", "CONSENT_OBTAINED"),
        ("CONSENT_OBTAINED", "submit", "SUBMITTED_TO_EH"),
        ("SUBMITTED_TO_EH", "triage", "TRIAGED"),
        ("TRIAGED", "accept", "ACCEPTED"),
        ("TRIAGED", "decline", "DECLINED"),
        ("DECLINED", "escalate", "TRIAGED"),
        ("DECLINED", "close", "CLOSED"),
        ("DECLINED", "withdraw", "WITHDRAWN"),
        ("ACCEPTED", "allocate", "ALLOCATED"),
        ("ALLOCATED", "hold_handover_meeting", "HANDOVER_MEETING_HELD"),
        ("HANDOVER_MEETING_HELD", "close_csc", "CSC_CLOSED"),
        ("CSC_CLOSED", "complete", "COMPLETE"),
    }
    | {
        (state, action, target)
        for state in (
            "PROPOSED_AT_CIN_REVIEW", "CONSENT_OBTAINED", "SUBMITTED_TO_EH", "TRIAGED",
            "ACCEPTED", "ALLOCATED", "HANDOVER_MEETING_HELD",
        )
        for action, target in (
            ("family_declines", "FAMILY_DECLINED"),
            ("mark_not_suitable", "NOT_SUITABLE"),
            ("withdraw", "WITHDRAWN"),
        )
    },
}

STATE_ENUMS: dict[str, type[StrEnum]] = {
    "request": s.RequestState,
    "episode": s.EpisodeState,
    "assessment": s.AssessmentState,
    "plan": s.PlanState,
    "plan_action": s.PlanItemState,
    "review": s.ReviewState,
    "step_up": s.StepUpState,
    "step_down": s.StepDownState,
}
ACTION_ENUMS: dict[str, type[StrEnum]] = {
    "request": s.RequestAction,
    "episode": s.EpisodeAction,
    "assessment": s.AssessmentAction,
    "plan": s.PlanAction,
    "plan_action": s.PlanItemAction,
    "review": s.ReviewAction,
    "step_up": s.StepUpAction,
    "step_down": s.StepDownAction,
}
TERMINAL: dict[str, set[str]] = {
    "request": {"CLOSED"},
    "episode": {"CLOSED"},
    "assessment": {"AUTHORISED", "ABANDONED"},
    "plan": {"SUPERSEDED", "ENDED"},
    "plan_action": {"DONE", "NOT_DONE", "CANCELLED"},
    "review": {"HELD", "CANCELLED"},
    "step_up": {"CLOSED"},
    "step_down": {"COMPLETE", "CLOSED", "FAMILY_DECLINED", "NOT_SUITABLE", "WITHDRAWN"},
}

ALL_LEGAL = [(name, *t) for name, transitions in LEGAL.items() for t in sorted(transitions)]


@pytest.mark.parametrize(("machine", "state", "action", "target"), ALL_LEGAL)
def test_every_legal_transition(machine: str, state: str, action: str, target: str) -> None:
    assert s.MACHINES[machine].apply(state, action) == target


@pytest.mark.parametrize("machine", sorted(LEGAL))
def test_table_is_exactly_the_legal_list(machine: str) -> None:
    m = s.MACHINES[machine]
    assert {(a, b, c) for (a, b), c in m.transitions.items()} == LEGAL[machine]


@pytest.mark.parametrize("machine", sorted(LEGAL))
def test_every_other_pair_is_illegal(machine: str) -> None:
    m = s.MACHINES[machine]
    legal = {(a, b) for a, b, _ in LEGAL[machine]}
    for state in STATE_ENUMS[machine]:
        for action in ACTION_ENUMS[machine]:
            if (state, action) in legal:
                continue
            with pytest.raises(IllegalTransition):
                m.apply(state, action)
            assert not m.can(state, action)


@pytest.mark.parametrize("machine", sorted(LEGAL))
def test_enums_match_machine(machine: str) -> None:
    m = s.MACHINES[machine]
    assert set(m.states) == {str(v) for v in STATE_ENUMS[machine]}
    used = {a for (_, a) in m.transitions}
    assert used == {str(v) for v in ACTION_ENUMS[machine]}


@pytest.mark.parametrize("machine", sorted(LEGAL))
def test_terminal_states(machine: str) -> None:
    m = s.MACHINES[machine]
    assert m.terminal_states == TERMINAL[machine]
    for state in m.states:
        assert m.is_terminal(state) == (state in TERMINAL[machine])
        assert (m.allowed_actions(state) == ()) == m.is_terminal(state)


@pytest.mark.parametrize("machine", sorted(LEGAL))
def test_every_state_reachable_from_the_first(machine: str) -> None:
    m = s.MACHINES[machine]
    seen = {m.states[0]}
    frontier = [m.states[0]]
    while frontier:
        state = frontier.pop()
        for action in m.allowed_actions(state):
            nxt = m.apply(state, action)
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(m.states)


def test_illegal_transition_message_names_state_and_action() -> None:
    with pytest.raises(IllegalTransition) as info:
        s.REQUEST.apply(s.RequestState.DRAFT, s.RequestAction.DECIDE)
    err = info.value
    assert err.entity == "request for support"
    assert err.state == "DRAFT"
    assert err.action == "decide"
    assert err.allowed == ("submit", "discard")
    assert str(err) == (
        "Cannot decide a request for support that is DRAFT. Allowed from DRAFT: submit, discard."
    )


def test_illegal_from_terminal_state_has_no_hint() -> None:
    with pytest.raises(IllegalTransition) as info:
        s.STEP_DOWN.apply("COMPLETE", "escalate")
    assert str(info.value) == "Cannot escalate a step-down request that is COMPLETE."
    assert info.value.allowed == ()


def test_unknown_state_is_illegal_not_a_crash() -> None:
    with pytest.raises(IllegalTransition, match="NOPE"):
        s.EPISODE.apply("NOPE", "allocate")
    with pytest.raises(ValueError, match="NOPE"):
        s.EPISODE.is_terminal("NOPE")


def test_apply_accepts_plain_strings_and_returns_enum_members() -> None:
    result = s.EPISODE.apply("AWAITING_ALLOCATION", "allocate")
    assert result is s.EpisodeState.ALLOCATED
    assert result == "ALLOCATED"


def test_allowed_actions_keep_table_order() -> None:
    assert s.REQUEST.allowed_actions("SCREENING") == ("request_info", "decide", "withdraw")
    assert s.STEP_DOWN.allowed_actions("DECLINED") == ("escalate", "close", "withdraw")


def test_request_screening_loop_and_full_path() -> None:
    state: str = s.RequestState.DRAFT
    for action in ("submit", "start_screening", "request_info", "info_received",
                   "request_info", "info_received", "decide", "close"):
        state = s.REQUEST.apply(state, action)
    assert state == "CLOSED"


def test_episode_review_loop_and_pause() -> None:
    state: str = "AWAITING_ALLOCATION"
    for action in ("allocate", "start_assessment", "activate_plan", "start_review",
                   "complete_review", "start_review", "step_up", "resume", "put_on_hold",
                   "resume", "start_closure", "close"):
        state = s.EPISODE.apply(state, action)
    assert state == "CLOSED"


def test_step_down_escalation_path() -> None:
    state: str = "PROPOSED_AT_CIN_REVIEW"
    for action in ("record_consent", "submit", "triage", "decline", "escalate", "accept",
                   "allocate", "hold_handover_meeting", "close_csc", "complete"):
        state = s.STEP_DOWN.apply(state, action)
    assert state == "COMPLETE"


def test_step_down_cannot_fail_after_csc_closed() -> None:
    for action in ("family_declines", "mark_not_suitable", "withdraw"):
        with pytest.raises(IllegalTransition):
            s.STEP_DOWN.apply("CSC_CLOSED", action)


def test_state_sets() -> None:
    assert s.STEP_DOWN_QUEUE_STATES == {
        "PROPOSED_AT_CIN_REVIEW", "CONSENT_OBTAINED", "SUBMITTED_TO_EH", "TRIAGED",
        "ACCEPTED", "DECLINED", "ALLOCATED", "HANDOVER_MEETING_HELD", "CSC_CLOSED",
    }
    assert s.STEP_DOWN_FAILED_STATES == {"FAMILY_DECLINED", "NOT_SUITABLE", "WITHDRAWN"}
    assert s.EPISODE_OPEN_STATES == set(s.EpisodeState) - {"CLOSED"}
    assert s.EPISODE_ALLOCATED_STATES == s.EPISODE_OPEN_STATES - {"AWAITING_ALLOCATION"}
    assert s.REQUEST_OPEN_STATES == set(s.RequestState) - {"CLOSED"}
    assert s.REQUEST_UNDECIDED_STATES == {"SUBMITTED", "SCREENING", "AWAITING_INFO"}
    assert s.STEP_UP_OPEN_STATES == set(s.StepUpState) - {"CLOSED"}
    assert s.STEP_UP_AWAITING_DECISION_STATES == {"SENT", "RECEIVED_BY_FRONT_DOOR"}
    assert s.ASSESSMENT_OPEN_STATES == {"NOT_STARTED", "IN_PROGRESS", "SUBMITTED"}
    assert s.PLAN_CURRENT_STATES == {"DRAFT", "AGREED", "ACTIVE"}
    assert s.PLAN_ACTION_OPEN_STATES == {"OPEN", "IN_PROGRESS"}
    assert s.STEP_UP_ACCEPTED_OUTCOMES == {"ACCEPTED_CIN_ASSESSMENT", "ACCEPTED_S47_STRATEGY"}


def test_outcome_enums() -> None:
    assert [str(o) for o in s.RequestOutcome] == [
        "ACCEPT_EH", "ADVICE_SIGNPOST", "PASS_TO_CSC", "EXISTING_PLAN",
        "RETURN_NO_CONSENT", "NFA", "WITHDRAWN",
    ]
    assert [str(o) for o in s.ReviewDecision] == [
        "CONTINUE", "REVISE_PLAN", "STEP_UP", "STEP_DOWN_TO_UNIVERSAL", "CLOSE",
    ]
    assert [str(o) for o in s.ProgressRating] == ["IMPROVED", "NO_CHANGE", "WORSE"]
    assert [str(o) for o in s.TransferDirection] == ["STEP_UP", "STEP_DOWN"]
    assert [str(o) for o in s.StepUpOutcome] == [
        "ACCEPTED_CIN_ASSESSMENT", "ACCEPTED_S47_STRATEGY", "ADVICE_RETURNED_TO_EH", "NFA",
    ]


def test_machine_is_immutable_and_hashable() -> None:
    table = {("A", "go"): "B"}
    m = StateMachine("thing", table)
    table[("B", "go")] = "C"  # changing the source does not change the machine
    assert m.states == ("A", "B")
    with pytest.raises(TypeError):
        m.transitions[("B", "go")] = "C"  # type: ignore[index]
    assert hash(m) == hash(StateMachine("thing", {("A", "go"): "B"}))
    assert m == StateMachine("thing", {("A", "go"): "B"})
    assert m.is_terminal("B") and not m.is_terminal("A")
