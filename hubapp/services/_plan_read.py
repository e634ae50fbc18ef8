"""Readers shared by the episode, assessment, plan, meeting and printing services.

Each function works inside an open session and returns DTOs; each reads a handful of rows with a
few queries (no N+1), so a whole episode page loads in one short transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hubapp.data.models import (
    Agency, Assessment, AssessmentFactor, Episode, Family, GoalProgress, Meeting, MeetingAttendee,
    Need, NeedPerson, OutcomeMeasurement, Person, Plan, PlanAction, PlanGoal, Worker, WorkerRole,
)
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.errors import NotFound, ValidationError
from hubapp.domain.meeting_dto import AttendeeRow, MeasurementRow, MeetingDetail, MeetingRow, ProgressRow
from hubapp.domain.plan_dto import (
    WHO_AGENCY, WHO_PERSON, WHO_TEXT, WHO_WORKER, AssessmentDetail, FactorRow, NeedRow, PlanActionRow,
    PlanDetail, PlanGoalRow, PlanVersionRow,
)
from hubapp.domain import plan_rules as rules
from hubapp.domain.states import ASSESSMENT, PlanState, ReviewState

WHOLE_FAMILY = "Whole family"


def today() -> dt.date:
    """Today's date (a function, so tests can patch it)."""
    return dt.date.today()


def now() -> dt.datetime:
    """The current time, aware UTC (a function, so tests can patch it)."""
    return dt.datetime.now(dt.UTC)


def sf_label(code: str | None) -> str:
    """The headline outcome's name, or "" for none."""
    return codes.label_of(codes.SF_OUTCOME, code, code) if code else ""


def roles_of(uow: UnitOfWork) -> set[str]:
    """The roles of the worker this unit of work acts for."""
    if uow.actor_id is None:
        return set()
    return set(uow.session.scalars(select(WorkerRole.role).where(WorkerRole.worker_id == uow.actor_id)))


def require_role(uow: UnitOfWork, role: str, field: str, message: str) -> None:
    """Refuse with a field error unless the acting worker holds ``role``."""
    if role not in roles_of(uow):
        raise ValidationError.single(field, "role", message)


def get_episode_row(s: Session, episode_id: int, *, lock: bool = False) -> Episode:
    """The episode, or ``NotFound``; ``lock`` takes a row lock (pass it on PostgreSQL only)."""
    episode = s.get(Episode, episode_id, with_for_update=lock)
    if episode is None:
        raise NotFound("early help episode", episode_id)
    return episode


def person_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Full names by person id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {pid: f"{g} {f}" for pid, g, f in s.execute(
        select(Person.id, Person.given_name, Person.family_name).where(Person.id.in_(wanted))
    )}


def worker_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Display names by worker id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(Worker.id, Worker.display_name).where(Worker.id.in_(wanted))).all())  # type: ignore[arg-type]


def agency_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Names by agency id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted))).all())  # type: ignore[arg-type]


# ---- Assessment and needs ----------------------------------------------------------------------


def read_assessment(s: Session, episode_id: int) -> AssessmentDetail | None:
    """The episode's latest assessment, with its factors."""
    a = s.scalars(select(Assessment).where(Assessment.episode_id == episode_id)
                  .order_by(Assessment.id.desc()).limit(1)).first()
    if a is None:
        return None
    factors = s.scalars(select(AssessmentFactor).where(AssessmentFactor.assessment_id == a.id)
                        .order_by(AssessmentFactor.id)).all()
    people = person_names(s, (f.person_id for f in factors))
    workers = worker_names(s, (a.completed_by_id, a.authorised_by_id))
    return AssessmentDetail(
        id=a.id, version=a.version, episode_id=a.episode_id, kind=a.kind, status=a.status,
        started_on=a.started_on, completed_on=a.completed_on,
        completed_by=workers.get(a.completed_by_id) if a.completed_by_id else None,
        authorised_by=workers.get(a.authorised_by_id) if a.authorised_by_id else None,
        authorised_at=a.authorised_at, strengths=a.strengths or "",
        needs_child_development=a.needs_child_development or "",
        needs_parenting_capacity=a.needs_parenting_capacity or "",
        needs_family_environment=a.needs_family_environment or "", child_voice=a.child_voice or "",
        analysis=a.analysis or "", level_of_need=a.level_of_need,
        factors=tuple(FactorRow(f.factor_code, codes.label_of(codes.ASSESSMENT_FACTOR, f.factor_code, f.factor_code),
                                f.person_id, people.get(f.person_id) if f.person_id else None) for f in factors),
        allowed_actions=ASSESSMENT.allowed_actions(a.status),
    )


def read_needs(s: Session, episode_id: int) -> tuple[NeedRow, ...]:
    """The episode's needs, in the order they were found."""
    needs = s.scalars(select(Need).where(Need.episode_id == episode_id).order_by(Need.identified_on, Need.id)).all()
    links: dict[int, list[int]] = {}
    for need_id, person_id in s.execute(
        select(NeedPerson.need_id, NeedPerson.person_id).where(NeedPerson.need_id.in_([n.id for n in needs]))
    ):
        links.setdefault(need_id, []).append(person_id)
    names = person_names(s, (p for ids in links.values() for p in ids))
    return tuple(
        NeedRow(
            id=n.id, version=n.version, description=n.description, sf_outcome=n.sf_outcome,
            sf_label=sf_label(n.sf_outcome), descriptor=n.descriptor, evidence_source=n.evidence_source,
            identified_on=n.identified_on, status=n.status, outcome_evidence=n.outcome_evidence,
            person_ids=tuple(sorted(links.get(n.id, ()))),
            people=", ".join(sorted(names[p] for p in links.get(n.id, ()) if p in names)) or WHOLE_FAMILY,
        )
        for n in needs
    )


# ---- Plans -------------------------------------------------------------------------------------


def read_plan_versions(s: Session, episode_id: int) -> tuple[PlanVersionRow, ...]:
    """Every version of the episode's plan, newest first, with goal and action counts."""
    plans = s.scalars(select(Plan).where(Plan.episode_id == episode_id).order_by(Plan.version_no.desc())).all()
    ids = [p.id for p in plans]
    goals = dict(s.execute(select(PlanGoal.plan_id, func.count(PlanGoal.id))
                           .where(PlanGoal.plan_id.in_(ids)).group_by(PlanGoal.plan_id)).all())
    actions = dict(s.execute(
        select(PlanGoal.plan_id, func.count(PlanAction.id)).join(PlanAction, PlanAction.goal_id == PlanGoal.id)
        .where(PlanGoal.plan_id.in_(ids)).group_by(PlanGoal.plan_id)
    ).all())
    return tuple(
        PlanVersionRow(p.id, p.version_no, p.status, p.agreed_on, p.agreed_by, p.started_on, p.ended_on,
                       p.created_at, goals.get(p.id, 0), actions.get(p.id, 0))
        for p in plans
    )


def current_plan(s: Session, episode_id: int) -> Plan | None:
    """The version in force: the active one, else the latest agreed one, else ``None``."""
    for status in (PlanState.ACTIVE, PlanState.AGREED):
        plan = s.scalars(select(Plan).where(Plan.episode_id == episode_id, Plan.status == status)
                         .order_by(Plan.version_no.desc()).limit(1)).first()
        if plan is not None:
            return plan
    return None


def draft_plan(s: Session, episode_id: int) -> Plan | None:
    """The draft version being worked on, if any."""
    return s.scalars(select(Plan).where(Plan.episode_id == episode_id, Plan.status == PlanState.DRAFT)
                     .order_by(Plan.version_no.desc()).limit(1)).first()


def who_of(a: PlanAction) -> tuple[str, int | None]:
    """An action's owner kind and id."""
    if a.who_person_id is not None:
        return WHO_PERSON, a.who_person_id
    if a.who_worker_id is not None:
        return WHO_WORKER, a.who_worker_id
    if a.who_agency_id is not None:
        return WHO_AGENCY, a.who_agency_id
    return WHO_TEXT, None


def read_plan(s: Session, plan_id: int) -> PlanDetail:
    """One plan version with its goals and actions, owners named."""
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise NotFound("family plan", plan_id)
    family_id = s.scalar(select(Episode.family_id).where(Episode.id == plan.episode_id))
    goals = s.scalars(select(PlanGoal).where(PlanGoal.plan_id == plan_id)
                      .order_by(PlanGoal.position, PlanGoal.id)).all()
    actions = s.scalars(select(PlanAction).where(PlanAction.goal_id.in_([g.id for g in goals]))
                        .order_by(PlanAction.position, PlanAction.id)).all()
    people = person_names(s, (a.who_person_id for a in actions))
    workers = worker_names(s, [a.who_worker_id for a in actions] + [plan.created_by_id])
    agencies = agency_names(s, (a.who_agency_id for a in actions))
    needs = dict(s.execute(select(Need.id, Need.description)
                           .where(Need.id.in_([g.need_id for g in goals if g.need_id]))).all())
    by_goal: dict[int, list[PlanActionRow]] = {}
    for a in actions:
        kind, who_id = who_of(a)
        name = {WHO_PERSON: people, WHO_WORKER: workers, WHO_AGENCY: agencies}.get(kind, {}).get(who_id or 0)
        who = name or a.who_text or ""
        by_goal.setdefault(a.goal_id, []).append(PlanActionRow(
            id=a.id, position=a.position, what=a.what, who_kind=kind, who_id=who_id, who_text=a.who_text,
            who=who, due_on=a.due_on, status=a.status, completed_on=a.completed_on,
        ))
    goal_rows = tuple(
        PlanGoalRow(g.id, g.position, g.description, g.sf_outcome, sf_label(g.sf_outcome), g.need_id,
                    needs.get(g.need_id) if g.need_id else None, tuple(by_goal.get(g.id, ())))
        for g in goals
    )
    return PlanDetail(
        id=plan.id, version=plan.version, episode_id=plan.episode_id, family_id=family_id or 0,
        version_no=plan.version_no, status=plan.status, previous_plan_id=plan.previous_plan_id,
        started_on=plan.started_on, agreed_on=plan.agreed_on, agreed_by=plan.agreed_by,
        agreement_method=plan.agreement_method, ended_on=plan.ended_on,
        review_interval_days=plan.review_interval_days, network_contribution=plan.network_contribution or "",
        services_provided=plan.services_provided or "", staff_notes=plan.staff_notes or "",
        created_at=plan.created_at, created_by=workers.get(plan.created_by_id) if plan.created_by_id else None,
        goals=goal_rows,
    )


# ---- Meetings, reviews and outcomes ------------------------------------------------------------


def _meeting_row(m: Meeting, plan_versions: dict[int, int], attendees: dict[int, int]) -> MeetingRow:
    return MeetingRow(
        id=m.id, version=m.version, kind=m.kind, kind_label=codes.label_of(codes.MEETING_TYPE, m.kind, m.kind),
        status=m.status, scheduled_for=m.scheduled_for, held_on=m.held_on, location=m.location,
        decision=m.decision,
        decision_label=codes.label_of(codes.REVIEW_DECISION, m.decision, m.decision) if m.decision else None,
        next_review_due=m.next_review_due, plan_id=m.plan_id,
        plan_version_no=plan_versions.get(m.plan_id) if m.plan_id else None,
        attendee_count=attendees.get(m.id, 0),
    )


def read_meetings(s: Session, episode_id: int) -> tuple[MeetingRow, ...]:
    """The episode's meetings, newest first (by the day they were held or are due)."""
    meetings = s.scalars(select(Meeting).where(Meeting.episode_id == episode_id)).all()
    versions = dict(s.execute(select(Plan.id, Plan.version_no).where(Plan.episode_id == episode_id)).all())
    counts = dict(s.execute(select(MeetingAttendee.meeting_id, func.count(MeetingAttendee.id))
                            .where(MeetingAttendee.meeting_id.in_([m.id for m in meetings]))
                            .group_by(MeetingAttendee.meeting_id)).all())
    rows = [_meeting_row(m, versions, counts) for m in meetings]

    def when(r: MeetingRow) -> dt.date:
        return r.held_on or (r.scheduled_for.date() if r.scheduled_for else dt.date.min)

    return tuple(sorted(rows, key=lambda r: (when(r), r.id), reverse=True))


def read_meeting(s: Session, meeting_id: int) -> MeetingDetail:
    """One meeting with attendees and per-goal progress."""
    m = s.get(Meeting, meeting_id)
    if m is None:
        raise NotFound("meeting", meeting_id)
    family_id = s.scalar(select(Episode.family_id).where(Episode.id == m.episode_id)) or 0
    attendees = s.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id)
                          .order_by(MeetingAttendee.id)).all()
    progress = s.execute(
        select(GoalProgress, PlanGoal.description, PlanGoal.sf_outcome, PlanGoal.position)
        .join(PlanGoal, PlanGoal.id == GoalProgress.goal_id).where(GoalProgress.meeting_id == m.id)
        .order_by(PlanGoal.position, PlanGoal.id)
    ).all()
    versions = {m.plan_id: s.scalar(select(Plan.version_no).where(Plan.id == m.plan_id))} if m.plan_id else {}
    return MeetingDetail(
        row=_meeting_row(m, {k: v for k, v in versions.items() if k and v}, {m.id: len(attendees)}),
        episode_id=m.episode_id, family_id=family_id, decision_notes=m.decision_notes,
        attendees=tuple(AttendeeRow(a.name, a.agency, a.role, a.attended) for a in attendees),
        progress=tuple(ProgressRow(g.goal_id, desc, sf_label(sf), g.rating, g.scaling_score, g.comment)
                       for g, desc, sf, _pos in progress),
    )


def review_due(s: Session, episode_id: int, plan: Plan | None) -> dt.date | None:
    """When the episode's next review is due, or ``None`` when none is (see
    ``plan_rules.review_due``). Only a running (active) plan is reviewed."""
    if plan is None or plan.status != PlanState.ACTIVE:
        return None
    last = s.scalars(select(Meeting).where(Meeting.episode_id == episode_id, Meeting.status == ReviewState.HELD)
                     .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1)).first()
    scheduled = s.scalar(select(func.min(Meeting.scheduled_for)).where(
        Meeting.episode_id == episode_id, Meeting.status == ReviewState.SCHEDULED))
    return rules.review_due(plan.started_on, plan.review_interval_days, last.next_review_due if last else None,
                            last is not None, scheduled.date() if scheduled else None)


def read_measurements(s: Session, episode_id: int) -> tuple[MeasurementRow, ...]:
    """The episode's outcome scores, oldest first."""
    rows = s.scalars(select(OutcomeMeasurement).where(OutcomeMeasurement.episode_id == episode_id)
                     .order_by(OutcomeMeasurement.measured_on, OutcomeMeasurement.id)).all()
    names = person_names(s, (r.person_id for r in rows))
    return tuple(
        MeasurementRow(r.id, r.person_id, names.get(r.person_id, WHOLE_FAMILY) if r.person_id else WHOLE_FAMILY,
                       r.tool, r.area, r.score, r.scale_min, r.scale_max, r.measured_on, r.family_agreed)
        for r in rows
    )


def family_name(s: Session, family_id: int) -> str:
    """A family's display name."""
    return s.scalar(select(Family.name).where(Family.id == family_id)) or ""
