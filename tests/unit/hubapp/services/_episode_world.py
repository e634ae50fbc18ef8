"""Builders for the plan services' tests: a family accepted onto early help, and the steps that
take its episode from allocation to a running plan, all through the services."""

from __future__ import annotations

import datetime as dt

from hubapp.data.db import Database
from hubapp.data.models import Agency, WorkerRole
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput
from hubapp.domain.plan_dto import (
    WHO_AGENCY, WHO_PERSON, WHO_WORKER, AgreementInput, AllocationInput, AssessmentInput, EpisodeActionInput,
    EpisodeDetail, NeedInput, PlanActionInput, PlanDetail, PlanGoalInput, PlanInput,
)
from hubapp.services import assessments, episodes, needs, plans, referrals

from ._world import World, consent, household, request

TODAY = dt.date.today()


class EpisodeWorld(World):
    """Two hubs, one worker holding every role, an agency, and a family with an episode."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        with UnitOfWork(db) as uow:
            for role in ("family_support_worker", "manager", "coordinator"):
                uow.session.add(WorkerRole(worker_id=self.worker_id, role=role))
            agency = Agency(name="Oak Primary School", kind="SCHOOL")
            uow.session.add(agency)
            uow.flush()
            self.agency_id = agency.id
            uow.commit()
        logged = referrals.log_request(self.uow(), request(self.north, new_family=household(self.north),
                                                           consent=consent()))
        decided = referrals.decide_request(self.uow(), DecisionInput(
            request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH",
            rationale="Needs met the early help threshold.",
        ))
        assert decided.episode_id is not None
        self.episode_id = decided.episode_id
        self.family_id = decided.family_id

    def episode(self) -> EpisodeDetail:
        return episodes.get_episode(self.uow(), self.episode_id)

    def member(self, given: str) -> int:
        return next(m.person_id for m in self.episode().members if m.given_name == given)

    # ---- Steps

    def allocate(self) -> EpisodeDetail:
        e = self.episode()
        return episodes.allocate(self.uow(), AllocationInput(e.id, e.version, self.worker_id))

    def assess(self) -> EpisodeDetail:
        e = self.allocate()
        e = episodes.episode_action(self.uow(), EpisodeActionInput(e.id, e.version, "start_assessment"))
        a = e.assessment
        assert a is not None
        a = assessments.save_assessment(self.uow(), AssessmentInput(
            a.id, a.version, strengths="Mum is warm and keen for help.",
            needs_child_development="Ella misses school most Mondays.", child_voice="Ella: I want to see my friends.",
            analysis="Attendance and routines are the heart of it.", level_of_need=2,
        ))
        a = assessments.submit_assessment(self.uow(), a.id, a.version)
        assessments.authorise_assessment(self.uow(), a.id, a.version)
        needs.save_need(self.uow(), NeedInput(self.episode_id, "Ella's attendance is 82%.", "SF01",
                                              person_ids=(self.member("Ella"),)))
        needs.save_need(self.uow(), NeedInput(self.episode_id, "Rent arrears of £900.", "SF10"))
        return self.episode()

    def plan_input(self, plan: PlanDetail, **changes: object) -> PlanInput:
        goals = (
            PlanGoalInput("Ella goes to school every day.", "SF01", actions=(
                PlanActionInput("Walk Ella to school on Mondays", WHO_PERSON, self.member("Joanne"),
                                due_on=TODAY + dt.timedelta(days=28)),
                PlanActionInput("Check attendance weekly", WHO_AGENCY, self.agency_id,
                                due_on=TODAY + dt.timedelta(days=42)),
            )),
            PlanGoalInput("Arrears paid off and rent up to date.", "SF10", actions=(
                PlanActionInput("Book a benefits check", WHO_WORKER, self.worker_id,
                                due_on=TODAY + dt.timedelta(days=14)),
            )),
        )
        base: dict[str, object] = dict(plan_id=plan.id, expected_version=plan.version, goals=goals,
                                       network_contribution="Nan collects Ella on Thursdays.", review_interval_days=42)
        base.update(changes)
        return PlanInput(**base)  # type: ignore[arg-type]

    def running_plan(self) -> PlanDetail:
        """Take the episode to a running, agreed version 1 of the plan."""
        self.assess()
        plan = plans.start_plan(self.uow(), self.episode_id)
        plan = plans.save_plan(self.uow(), self.plan_input(plan))
        plan = plans.agree_plan(self.uow(), AgreementInput(plan.id, plan.version, TODAY, "Joanne Smith", "SIGNED"))
        e = self.episode()
        episodes.episode_action(self.uow(), EpisodeActionInput(e.id, e.version, "activate_plan"))
        return plans.get_plan(self.uow(), plan.id)
