"""The plain rules of transfers (steps, note actions, RAG, age bands) and of the revolving door."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.domain import revolving, transfer_rules as rules
from hubapp.domain.errors import IllegalTransition
from hubapp.domain.states import STEP_DOWN, STEP_UP
from hubapp.services.reference import Timescales

D = dt.date(2026, 3, 2)


def test_accepting_an_untriaged_step_down_triages_it_first() -> None:
    assert rules.steps("STEP_DOWN", "SUBMITTED_TO_EH", "accept") == [
        ("triage", "SUBMITTED_TO_EH", "TRIAGED"), ("accept", "TRIAGED", "ACCEPTED")]
    assert rules.steps("STEP_DOWN", "TRIAGED", "decline") == [("decline", "TRIAGED", "DECLINED")]


@pytest.mark.parametrize(("state", "action"), [
    ("ACCEPTED", "accept"), ("DECLINED", "allocate"), ("COMPLETE", "withdraw"), ("ALLOCATED", "request_info"),
])
def test_illegal_steps_name_the_state(state: str, action: str) -> None:
    with pytest.raises(IllegalTransition) as err:
        rules.steps("STEP_DOWN", state, action)
    assert state in str(err.value) and "step-down request" in str(err.value)


def test_note_actions_stay_in_their_state() -> None:
    assert rules.steps("STEP_DOWN", "TRIAGED", "request_info") == [("request_info", "TRIAGED", "TRIAGED")]
    assert rules.steps("STEP_UP", "DECIDED", "escalate") == [("escalate", "DECIDED", "DECIDED")]
    assert rules.is_note_action("STEP_DOWN", "info_received")
    assert not rules.is_note_action("STEP_DOWN", "accept")


def test_allowed_actions_include_the_shortcuts_and_notes() -> None:
    allowed = rules.allowed_actions("STEP_DOWN", "SUBMITTED_TO_EH")
    assert allowed[:2] == ("accept", "decline") and "triage" in allowed and "request_info" in allowed
    assert rules.allowed_actions("STEP_DOWN", "COMPLETE") == ()
    assert "allocate" in rules.allowed_actions("STEP_DOWN", "ACCEPTED")


def test_every_state_and_action_has_a_label() -> None:
    for machine in (STEP_UP, STEP_DOWN):
        for state in machine.states:
            assert state in rules.STATE_LABELS
        for (_, action) in machine.transitions:
            assert action in rules.ACTION_LABELS


def test_timescales_and_rag() -> None:
    ts = Timescales()
    assert rules.timescale_wd("STEP_DOWN", "ACCEPTED", ts) == 10
    assert rules.timescale_wd("STEP_DOWN", "PROPOSED_AT_CIN_REVIEW", ts) is None
    assert rules.timescale_wd("STEP_UP", "SENT", ts) == 1
    assert [rules.rag(a, 10) for a in (9, 10, 11)] == ["green", "amber", "red"]
    assert rules.rag(50, None) == ""


def test_age_bands_cover_every_age() -> None:
    assert [rules.age_band(a) for a in (0, 1, 2, 5, 6, 10, 11, 20, 21, 400)] == [
        "0–1 working days", "0–1 working days", "2–5 working days", "2–5 working days", "6–10 working days",
        "6–10 working days", "11–20 working days", "11–20 working days", "Over 20 working days",
        "Over 20 working days"]
    assert rules.band_order("Over 20 working days") == 4 and rules.band_order("nonsense") == -1


# ---- Revolving door ------------------------------------------------------------------------------


def _ep(start: int, end: int | None = None, children: tuple[int, ...] = (), reason: str | None = None
        ) -> revolving.EhEpisode:
    return revolving.EhEpisode(D + dt.timedelta(start), None if end is None else D + dt.timedelta(end), reason,
                               frozenset(children))


def test_re_referral_is_within_365_days_of_a_closure_for_the_same_child() -> None:
    episodes = [_ep(-400, -100, (1,))]
    near = revolving.Referral(D, frozenset({1}), "request")
    assert revolving.previous_closure(near, episodes) == episodes[0]
    other_child = revolving.Referral(D, frozenset({2}), "request")
    assert revolving.previous_closure(other_child, episodes) is None
    late = revolving.Referral(D + dt.timedelta(300), frozenset({1}), "request")
    assert revolving.previous_closure(late, episodes) is None  # 400 days after it closed
    flag = revolving.re_referral_flag([near], episodes, D)
    assert flag is not None and flag.text == "Re-referral within 12 months" and "100 days" in flag.detail


def test_three_episode_starts_inside_any_24_months() -> None:
    assert revolving.most_in_window([D, D + dt.timedelta(700), D + dt.timedelta(730)]) == (3, D)
    assert revolving.most_in_window([D, D + dt.timedelta(400), D + dt.timedelta(731)])[0] == 2
    flag = revolving.many_episodes_flag({1: "Ella Smith"}, [_ep(0), _ep(300)], [D + dt.timedelta(500)])
    assert flag is not None and flag.text == "3 episodes in 24 months" and flag.detail.startswith("Ella Smith")
    assert revolving.many_episodes_flag({1: "Ella"}, [_ep(0), _ep(300)], []) is None


def test_social_care_episodes_inferred_from_transfers() -> None:
    events = [revolving.CscEvent(D, "start"), revolving.CscEvent(D + dt.timedelta(90), "end"),
              revolving.CscEvent(D + dt.timedelta(200), "end")]
    assert revolving.csc_episode_starts(events) == [D, D + dt.timedelta(200)]


def test_step_up_within_six_or_twelve_months() -> None:
    six = revolving.step_up_after_flag([D + dt.timedelta(100)], [D], [])
    assert six is not None and six.text == "Step-up within 6 months of a step-down"
    twelve = revolving.step_up_after_flag([D + dt.timedelta(300)], [], [D])
    assert twelve is not None and twelve.text == "Step-up within 12 months of an outcomes-met closure"
    assert revolving.step_up_after_flag([D + dt.timedelta(400)], [D], [D]) is None
    assert revolving.step_up_after_flag([D], [D + dt.timedelta(5)], []) is None  # before, not after
