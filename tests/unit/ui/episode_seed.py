"""An episode for the UI tests, made through the services: accepted, and if asked, taken as far as a
running, agreed plan."""

from __future__ import annotations

import datetime as dt

from hubapp.domain.dto import ConsentInput, DecisionInput, NewRequest
from hubapp.domain.plan_dto import (
    WHO_PERSON, AgreementInput, AllocationInput, AssessmentInput, EpisodeActionInput, NeedInput, PlanActionInput,
    PlanGoalInput, PlanInput,
)
from hubapp.services import assessments, episodes, families, needs, plans, referrals
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded

TODAY = dt.date.today()


def accepted_episode(backend: Backend, seeded: Seeded, surname: str = "Smith") -> int:
    """A new request for a seeded family, with agreement, accepted onto early help: the episode id."""
    family_id = seeded.family_ids[surname]
    logged = referrals.log_request(backend.uow(), NewRequest(
        hub_id=seeded.hub_id, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2), source="SCHOOL_DSL",
        referrer_name="Mrs Okafor", family_id=family_id, level_of_need=2,
        consent=ConsentInput(giver_name="Sarah Smith", giver_relationship="MOTHER",
                             capacity="PARENTAL_RESPONSIBILITY", agreed=True, method="VERBAL", given_on=TODAY,
                             scope_sharing=True),
    ))
    decided = referrals.decide_request(backend.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Early help fits.",
    ))
    assert decided.episode_id is not None
    return decided.episode_id


def submitted_assessment(backend: Backend, seeded: Seeded) -> int:
    """An allocated episode whose assessment waits for a manager (so it can be returned): the episode id."""
    episode_id = accepted_episode(backend, seeded)
    assert backend.actor is not None
    e = episodes.get_episode(backend.uow(), episode_id)
    e = episodes.allocate(backend.uow(), AllocationInput(e.id, e.version, backend.actor.worker_id))
    e = episodes.episode_action(backend.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
    assert e.assessment is not None
    a = assessments.save_assessment(backend.uow(), AssessmentInput(
        e.assessment.id, e.assessment.version, strengths="Warm home.", needs_child_development="Jack misses school.",
        child_voice="Jack: school is boring.", analysis="Routines first.", level_of_need=2))
    assessments.submit_assessment(backend.uow(), a.id, a.version)
    return episode_id


def running_plan(backend: Backend, seeded: Seeded) -> int:
    """An episode with an authorised assessment and an agreed, running version 1: the episode id."""
    episode_id = submitted_assessment(backend, seeded)
    a = episodes.get_episode(backend.uow(), episode_id).assessment
    assert a is not None
    assessments.authorise_assessment(backend.uow(), a.id, a.version)
    family = families.get_family(backend.uow(), seeded.family_ids["Smith"], log_view=False)
    sarah = next(m.person_id for m in family.members if m.given_name == "Sarah")
    needs.save_need(backend.uow(), NeedInput(episode_id, "Jack's attendance is 85%.", "SF01"))
    plan = plans.start_plan(backend.uow(), episode_id)
    plan = plans.save_plan(backend.uow(), PlanInput(plan.id, plan.version, (
        PlanGoalInput("Jack goes to school every day.", "SF01", plan.goals[0].need_id, (
            PlanActionInput("Morning routine chart", WHO_PERSON, sarah, due_on=TODAY + dt.timedelta(days=21)),
        ), plan.goals[0].id),
    )))
    plan = plans.agree_plan(backend.uow(), AgreementInput(plan.id, plan.version, TODAY, "Sarah Smith", "SIGNED"))
    e = episodes.get_episode(backend.uow(), episode_id)
    episodes.episode_action(backend.uow(), EpisodeActionInput(e.id, e.version, "activate_plan"))
    return episode_id
