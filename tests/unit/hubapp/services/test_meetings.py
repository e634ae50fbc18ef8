"""TAF meetings and reviews, outcome measurements and the caseload, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.data.db import Database
from hubapp.domain.errors import ValidationError
from hubapp.domain.meeting_dto import AttendeeInput, HeldInput, MeasurementInput, ProgressInput, ScheduleInput
from hubapp.services import _plan_read, episodes, meetings, outcomes

from ._episode_world import TODAY, EpisodeWorld

PEOPLE = (AttendeeInput("Joanne Smith", role="Mother"), AttendeeInput("Mr Patel", agency="Oak Primary School"),
          AttendeeInput("Dr Ní Bhriain", agency="GP surgery", attended=False))


@pytest.fixture
def w(db: Database) -> EpisodeWorld:
    return EpisodeWorld(db)


def _review(w: EpisodeWorld, held_on: dt.date, decision: str = "CONTINUE", scores: tuple[int, ...] = (4, 6),
            **kw: object) -> HeldInput:
    plan = w.episode().current_plan_id
    assert plan is not None
    from hubapp.services import plans

    goals = plans.get_plan(w.uow(), plan).goals
    progress = tuple(ProgressInput(g.id, "IMPROVED", s) for g, s in zip(goals, scores, strict=False))
    base: dict[str, object] = dict(episode_id=w.episode_id, kind="TAF_REVIEW", held_on=held_on, attendees=PEOPLE,
                                   progress=progress, decision=decision)
    base.update(kw)
    return HeldInput(**base)  # type: ignore[arg-type]


def test_two_reviews_set_the_next_review_from_the_decision(w: EpisodeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = w.running_plan()
    initial = meetings.record_meeting(w.uow(), HeldInput(w.episode_id, "INITIAL_TAF", TODAY, PEOPLE))
    assert initial.row.next_review_due == TODAY + dt.timedelta(days=42)
    assert w.episode().next_review_due == TODAY + dt.timedelta(days=42)

    later = TODAY + dt.timedelta(days=40)
    monkeypatch.setattr(_plan_read, "today", lambda: later)
    first = meetings.record_meeting(w.uow(), _review(w, later))
    assert first.row.decision_label == "Continue with the plan"
    assert first.row.next_review_due == later + dt.timedelta(days=42)
    assert [p.rating for p in first.progress] == ["IMPROVED", "IMPROVED"]
    assert [a.attended for a in first.attendees] == [True, True, False]
    assert w.episode().status == "PLAN_ACTIVE"

    second = meetings.record_meeting(w.uow(), _review(w, later, "REVISE_PLAN", (5, 7)))
    assert "Version 2" in second.notice
    e = w.episode()
    assert e.draft_plan_id is not None and e.current_plan_id == plan.id
    assert [m.kind for m in e.meetings].count("TAF_REVIEW") == 2

    closing = meetings.record_meeting(w.uow(), _review(w, later, "CLOSE"))
    assert closing.row.next_review_due is None
    assert w.episode().status == "CLOSING"


def test_bad_review_input_is_refused_by_field_and_nothing_is_saved(w: EpisodeWorld) -> None:
    plan = w.running_plan()
    before = TODAY - dt.timedelta(days=3)
    bad = _review(w, before, scores=(11, -1), decision=None,
                  attendees=(AttendeeInput(""), AttendeeInput("Someone", attended=False)))
    with pytest.raises(ValidationError) as info:
        meetings.record_meeting(w.uow(), bad)
    by_field = {e.field: e for e in info.value.errors}
    assert by_field["held_on"].rule == "date_order"
    assert "before the plan it reviews" in by_field["held_on"].message
    assert by_field["progress[0].scaling_score"].message == "Goal 1: the score must be from 0 to 10, not 11."
    assert by_field["progress[1].scaling_score"].rule == "range"
    assert {"decision", "attendees[0].name"} <= set(by_field)
    assert w.episode().meetings == ()
    unrated = _review(w, TODAY, scores=(5,))
    with pytest.raises(ValidationError) as info:
        meetings.record_meeting(w.uow(), unrated)
    assert info.value.errors[0].field == "goals[1].rating"
    assert plan.id == w.episode().current_plan_id


def test_a_review_needs_an_agreed_plan(w: EpisodeWorld) -> None:
    w.assess()
    with pytest.raises(ValidationError) as info:
        meetings.record_meeting(w.uow(), HeldInput(w.episode_id, "TAF_REVIEW", TODAY, PEOPLE, decision="CONTINUE"))
    assert info.value.errors[0].rule == "no_plan"


def test_schedule_then_hold_then_cancel_another(w: EpisodeWorld) -> None:
    w.running_plan()
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    scheduled = meetings.schedule_meeting(
        w.uow(), ScheduleInput(w.episode_id, "TAF_REVIEW", when, "Family hub", PEOPLE))
    assert scheduled.row.status == "SCHEDULED" and not any(a.attended for a in scheduled.attendees)
    held = meetings.record_meeting(w.uow(), _review(w, TODAY, meeting_id=scheduled.row.id,
                                                    expected_version=scheduled.row.version))
    assert held.row.id == scheduled.row.id and held.row.status == "HELD"
    other = meetings.schedule_meeting(w.uow(), ScheduleInput(w.episode_id, "TAF_REVIEW", when))
    cancelled = meetings.cancel_meeting(w.uow(), other.row.id, other.row.version)
    assert cancelled.row.status == "CANCELLED"
    with pytest.raises(ValidationError):
        meetings.schedule_meeting(w.uow(), ScheduleInput(w.episode_id, "TEA_PARTY", when - dt.timedelta(days=30)))


def test_overdue_reviews_are_flagged_in_the_workers_list(w: EpisodeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w.running_plan()
    rows = episodes.caseload(w.uow())
    assert len(rows) == 1
    assert rows[0].next_review_due == TODAY + dt.timedelta(days=42) and not rows[0].review_overdue
    assert rows[0].children == "Ella Smith"
    monkeypatch.setattr(_plan_read, "today", lambda: TODAY + dt.timedelta(days=50))
    rows = episodes.caseload(w.uow())
    assert rows[0].overdue_days == 8
    assert w.episode().review_overdue
    assert episodes.caseload(w.uow(), episodes.SCOPE_UNALLOCATED) == ()


def test_measurements_show_distance_travelled(w: EpisodeWorld) -> None:
    w.running_plan()
    ella = w.member("Ella")
    outcomes.add_measurement(w.uow(), MeasurementInput(w.episode_id, "School attendance", 3, TODAY, person_id=ella))
    outcomes.add_measurement(w.uow(), MeasurementInput(w.episode_id, "Family routines", 2, TODAY))
    rows, distance, _ = outcomes.add_measurement(
        w.uow(), MeasurementInput(w.episode_id, "School attendance", 7, TODAY, person_id=ella))
    assert len(rows) == 3
    school = next(d for d in distance if d.area == "School attendance")
    assert (school.person, school.first_score, school.latest_score, school.change) == ("Ella Smith", 3, 7, 4)
    with pytest.raises(ValidationError) as info:
        outcomes.add_measurement(w.uow(), MeasurementInput(w.episode_id, "", 11, TODAY + dt.timedelta(days=1)))
    assert {e.field for e in info.value.errors} == {"area", "score", "measured_on"}
    assert len(w.episode().measurements) == 3
