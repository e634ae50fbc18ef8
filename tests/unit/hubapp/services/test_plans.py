"""The family support worker's job on SQLite and PostgreSQL: allocation, assessment, plan
versions, agreement, and what changed between versions; bad input saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from hubapp.data.db import Database
from hubapp.domain.errors import ConcurrencyConflict, IllegalTransition, ValidationError
from hubapp.domain.plan_dto import (
    WHO_TEXT, AgreementInput, AssessmentInput, EpisodeActionInput, FactorInput, PlanActionInput, PlanGoalInput,
)
from hubapp.services import assessments, episodes, plans

from ._episode_world import TODAY, EpisodeWorld


@pytest.fixture
def w(db: Database) -> EpisodeWorld:
    return EpisodeWorld(db)


def test_allocation_moves_the_episode_and_names_the_keyworker(w: EpisodeWorld) -> None:
    assert w.episode().status == "AWAITING_ALLOCATION"
    e = w.allocate()
    assert e.status == "ALLOCATED"
    assert e.lead_worker == "Amira Khan"
    assert "start_assessment" in e.allowed_actions
    assert e.changes.episodes


def test_a_stale_episode_is_refused(w: EpisodeWorld) -> None:
    e = w.episode()
    w.allocate()
    with pytest.raises(ConcurrencyConflict):
        episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))


def test_assessment_submit_needs_its_parts_and_authorise_records_the_manager(w: EpisodeWorld) -> None:
    e = w.allocate()
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    assert e.status == "ASSESSING"
    a = e.assessment
    assert a is not None and a.status == "IN_PROGRESS"
    with pytest.raises(ValidationError) as info:
        assessments.submit_assessment(w.uow(), a.id, a.version)
    assert {err.field for err in info.value.errors} == {
        "strengths", "needs_child_development", "child_voice", "analysis"}
    with pytest.raises(ValidationError) as info:
        assessments.save_assessment(w.uow(), AssessmentInput(a.id, a.version, factors=(
            FactorInput("21"), FactorInput("3B"), FactorInput("XX"))))
    assert {err.rule for err in info.value.errors} == {"code", "no_factors_alone"}
    a = assessments.save_assessment(w.uow(), AssessmentInput(
        a.id, a.version, strengths="Close family.", needs_parenting_capacity="Mum is exhausted.",
        child_voice="Ella: home is noisy.", analysis="Support mum's routines.", level_of_need=3,
        factors=(FactorInput("4B", w.member("Joanne")),)))
    assert a.factors[0].person == "Joanne Smith"
    a = assessments.submit_assessment(w.uow(), a.id, a.version)
    assert a.status == "SUBMITTED" and a.completed_by == "Amira Khan"
    a = assessments.authorise_assessment(w.uow(), a.id, a.version)
    assert a.status == "AUTHORISED" and a.authorised_by == "Amira Khan"
    assert w.episode().level_of_need == 3


def test_only_a_manager_authorises(w: EpisodeWorld, db: Database) -> None:
    from hubapp.data.models import Worker, WorkerHub
    from hubapp.data.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        other = Worker(username="sam.lee", display_name="Sam Lee")
        uow.session.add(other)
        uow.flush()
        uow.session.add(WorkerHub(worker_id=other.id, hub_id=w.north))
        other_id = other.id
        uow.commit()
    e = w.allocate()
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    assert e.assessment is not None
    a = assessments.save_assessment(w.uow(), AssessmentInput(
        e.assessment.id, e.assessment.version, strengths="s", needs_family_environment="n", child_voice="c",
        analysis="a", level_of_need=2))
    a = assessments.submit_assessment(w.uow(), a.id, a.version)
    with pytest.raises(ValidationError) as info:
        assessments.authorise_assessment(UnitOfWork(db, other_id), a.id, a.version)
    assert info.value.errors[0].message == "Only a manager can authorise an assessment."
    with pytest.raises(ValidationError):
        assessments.save_assessment(w.uow(), AssessmentInput(a.id, a.version, strengths="changed"))


def test_first_plan_starts_from_the_needs_and_saves_smart_actions(w: EpisodeWorld) -> None:
    w.assess()
    plan = plans.start_plan(w.uow(), w.episode_id)
    assert plan.status == "DRAFT" and plan.version_no == 1
    assert [g.sf_outcome for g in plan.goals] == ["SF01", "SF10"]
    plan = plans.save_plan(w.uow(), w.plan_input(plan))
    assert [len(g.actions) for g in plan.goals] == [2, 1]
    walk = plan.goals[0].actions[0]
    assert (walk.who, walk.who_kind) == ("Joanne Smith", "person")
    assert plan.goals[0].actions[1].who == "Oak Primary School"
    assert plan.goals[1].actions[0].who == "Amira Khan"
    assert plan.network_contribution == "Nan collects Ella on Thursdays."


def test_action_without_owner_or_date_is_refused_and_nothing_is_saved(w: EpisodeWorld) -> None:
    w.assess()
    plan = plans.start_plan(w.uow(), w.episode_id)
    bad = w.plan_input(plan, goals=(
        PlanGoalInput("Ella goes to school.", "SF01", actions=(
            PlanActionInput("Walk to school", due_on=TODAY),
            PlanActionInput("Call the school", WHO_TEXT, who_text="Nan"),
        )),
        PlanGoalInput("", "SF99"),
    ), review_interval_days=400)
    with pytest.raises(ValidationError) as info:
        plans.save_plan(w.uow(), bad)
    by_field = {e.field: e for e in info.value.errors}
    assert by_field["goals[0].actions[0].who"].message == "Action 1 of goal 1 needs an owner: who will do it?"
    assert by_field["goals[0].actions[1].due_on"].rule == "required"
    assert {"goals[1].description", "goals[1].sf_outcome", "review_interval_days"} <= set(by_field)
    after = plans.get_plan(w.uow(), plan.id)
    assert after.version == plan.version
    assert [g.description for g in after.goals] == [g.description for g in plan.goals]
    assert all(not g.actions for g in after.goals)


def test_agreed_version_is_frozen_and_a_new_version_copies_it(w: EpisodeWorld) -> None:
    v1 = w.running_plan()
    assert v1.status == "ACTIVE" and v1.agreed_by == "Joanne Smith" and v1.started_on == TODAY
    assert w.episode().status == "PLAN_ACTIVE"
    with pytest.raises(ValidationError) as info:
        plans.save_plan(w.uow(), w.plan_input(v1))
    assert info.value.errors[0].rule == "frozen"

    v2 = plans.new_version(w.uow(), v1.id)
    assert (v2.version_no, v2.status, v2.previous_plan_id) == (2, "DRAFT", v1.id)
    assert [a.what for g in v2.goals for a in g.actions] == [a.what for g in v1.goals for a in g.actions]
    assert plans.new_version(w.uow(), v1.id).id == v2.id  # one draft at a time

    goals = list(w.plan_input(v2).goals)
    goals[0] = PlanGoalInput("Ella goes to school every day, on time.", "SF01", actions=(
        PlanActionInput("Walk Ella to school on Mondays", "person", w.member("Joanne"),
                        due_on=TODAY + dt.timedelta(days=56)),
    ))
    goals.append(PlanGoalInput("Family sleep routine.", "SF05", actions=(
        PlanActionInput("Bedtime chart", WHO_TEXT, who_text="Nan (family network)", due_on=TODAY),
    )))
    v2 = plans.save_plan(w.uow(), w.plan_input(v2, goals=tuple(goals), review_interval_days=56))
    v2 = plans.agree_plan(w.uow(), AgreementInput(v2.id, v2.version, TODAY, "Joanne Smith", "VERBAL"))
    assert v2.status == "ACTIVE"
    assert plans.get_plan(w.uow(), v1.id).status == "SUPERSEDED"
    assert w.episode().current_plan_id == v2.id

    change = plans.diff(w.uow(), v1.id, v2.id)
    kinds = {(line.kind, line.where) for line in change.lines}
    assert ("changed", "Review interval (days)") in kinds
    assert ("changed", "Goal 1") in kinds
    assert ("added", "Goal 3") in kinds
    assert ("removed", "Goal 1") in kinds  # "Check attendance weekly" went
    assert any(line.after.startswith("Walk Ella") and "by " in line.after for line in change.lines
               if line.kind == "changed")


def test_agreeing_needs_a_name_a_method_and_actions(w: EpisodeWorld) -> None:
    w.assess()
    plan = plans.start_plan(w.uow(), w.episode_id)
    with pytest.raises(ValidationError) as info:
        plans.agree_plan(w.uow(), AgreementInput(plan.id, plan.version, TODAY + dt.timedelta(days=2), " ", "SHOUTED"))
    fields = {e.field for e in info.value.errors}
    assert {"goals[0].actions", "agreed_by", "method", "agreed_on"} <= fields
    assert plans.get_plan(w.uow(), plan.id).status == "DRAFT"


def test_the_plan_starts_only_after_authorisation_and_agreement(w: EpisodeWorld) -> None:
    e = w.allocate()
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    with pytest.raises(ValidationError) as info:
        episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "activate_plan"))
    assert {err.field for err in info.value.errors} == {"assessment", "plan"}


def test_action_progress_on_the_running_plan(w: EpisodeWorld) -> None:
    from hubapp.domain.plan_dto import ActionStatusInput

    plan = w.running_plan()
    action = plan.goals[0].actions[0]
    plan = plans.set_action_status(w.uow(), ActionStatusInput(action.id, "DONE"))
    assert plan.goals[0].actions[0].status == "DONE"
    assert plan.goals[0].actions[0].completed_on == TODAY
    with pytest.raises(IllegalTransition):
        plans.set_action_status(w.uow(), ActionStatusInput(action.id, "IN_PROGRESS"))


def test_hold_and_close(w: EpisodeWorld) -> None:
    w.running_plan()
    e = w.episode()
    with pytest.raises(ValidationError):
        episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "put_on_hold"))
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "put_on_hold",
                                                            on_hold_until=TODAY + dt.timedelta(days=14)))
    assert e.status == "ON_HOLD" and e.on_hold_until == TODAY + dt.timedelta(days=14)
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "resume"))
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "start_closure"))
    with pytest.raises(ValidationError):
        episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "close"))
    e = episodes.episode_action(w.uow(), EpisodeActionInput(e.id, e.version, "close", reason="OUTCOMES_MET",
                                                            narrative="Ella attends every day."))
    assert (e.status, e.end_reason, e.end_date) == ("CLOSED", "OUTCOMES_MET", TODAY)
    assert all(p.status in ("ENDED", "SUPERSEDED") for p in e.plans)
    assert e.allowed_actions == ()
