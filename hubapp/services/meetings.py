"""Team Around the Family meetings and reviews (DOMAIN §1.4, §1.6, §8.5): arrange one, record it
as held with its attendees, per-goal progress (improved / no change / worse and a 0–10 score) and
the decision, from which the next review date is computed; or cancel it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import delete, select

from hubapp.data.models import Episode, GoalProgress, Meeting, MeetingAttendee, Plan, PlanGoal, Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes, states
from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, NotFound
from hubapp.domain.meeting_dto import AttendeeInput, HeldInput, MeetingDetail, ProgressInput, ScheduleInput
from hubapp.domain.plan_rules import CLOSING_DECISIONS, SCORE_MAX, SCORE_MIN, next_review_due
from hubapp.domain.states import EpisodeAction, EpisodeState, PlanState, ProgressRating, ReviewAction, ReviewState
from hubapp.domain.validation import check_date_range, check_length, format_uk_date, require

from . import _plan_read as read
from . import families
from ._checks import Checks
from .plans import copy_goals

E = EpisodeState
REVIEW_KINDS = frozenset({"TAF_REVIEW"})
#: Meetings that look at the plan in force (and so cannot be dated before it).
PLAN_MEETINGS = frozenset({"INITIAL_TAF", "TAF_REVIEW", "CLOSURE_TAF"})
OPEN_EPISODE = states.EPISODE_OPEN_STATES


def get_meeting(uow: UnitOfWork, meeting_id: int) -> MeetingDetail:
    """One meeting with attendees, per-goal progress and the decision."""
    with uow:
        return read.read_meeting(uow.session, meeting_id)


def _check_attendees(checks: Checks, attendees: tuple[AttendeeInput, ...], members: set[int]) -> None:
    for i, a in enumerate(attendees):
        checks.run(require, a.name, f"attendees[{i}].name", f"Attendee {i + 1}'s name")
        checks.run(check_length, a.name, f"attendees[{i}].name", f"Attendee {i + 1}'s name", 200)
        checks.run(check_length, a.agency, f"attendees[{i}].agency", f"Attendee {i + 1}'s agency", 200)
        checks.run(check_length, a.role, f"attendees[{i}].role", f"Attendee {i + 1}'s role", 200)
        if a.person_id is not None and a.person_id not in members:
            checks.add(f"attendees[{i}].person_id", "member", f"Attendee {i + 1} is not a member of this family.")


def _add_attendees(uow: UnitOfWork, meeting_id: int, attendees: tuple[AttendeeInput, ...]) -> None:
    s = uow.session
    s.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))
    for a in attendees:
        worker_id = a.worker_id if a.worker_id is not None and s.get(Worker, a.worker_id) is not None else None
        s.add(MeetingAttendee(meeting_id=meeting_id, name=a.name.strip(), agency=a.agency.strip() or None,
                              role=a.role.strip() or None, person_id=a.person_id, worker_id=worker_id,
                              attended=a.attended))


def schedule_meeting(uow: UnitOfWork, data: ScheduleInput) -> MeetingDetail:
    """Arrange a TAF meeting or review, with who is invited.

    Raises:
        ValidationError: an unknown kind, a time in the past or without a time zone, bad invitees,
            or a closed episode.
    """
    with uow:
        s = uow.session
        episode = read.get_episode_row(s, data.episode_id)
        checks = Checks()
        if episode.status not in OPEN_EPISODE:
            checks.add("episode", "state", "Meetings are arranged only while the episode is open.")
        if not codes.is_valid(codes.MEETING_TYPE, data.kind):
            checks.add("kind", "code", "Choose the kind of meeting.")
        if data.scheduled_for.tzinfo is None:
            checks.add("scheduled_for", "timezone", "Meeting time must include a time zone.")
        elif data.scheduled_for < read.now() - dt.timedelta(hours=1):
            checks.add("scheduled_for", "not_past",
                       "A meeting is arranged for a time to come; record a past one as held.")
        else:
            checks.run(check_date_range, data.scheduled_for, "scheduled_for", "Meeting time")
        checks.run(check_length, data.location, "location", "Where", 200)
        _check_attendees(checks, data.attendees, families.family_people(s, episode.family_id))
        checks.raise_if_any()
        plan = read.current_plan(s, episode.id)
        meeting = Meeting(episode_id=episode.id, plan_id=plan.id if plan else None, kind=data.kind,
                          status=ReviewState.SCHEDULED, scheduled_for=data.scheduled_for,
                          location=data.location.strip() or None)
        s.add(meeting)
        s.flush()
        _add_attendees(uow, meeting.id, tuple(replace(a, attended=False) for a in data.attendees))
        uow.flush()
        detail = replace(read.read_meeting(s, meeting.id), changes=Changes(episodes=True))
        uow.commit()
        return detail


def _check_progress(checks: Checks, progress: tuple[ProgressInput, ...], goal_ids: list[int], required: bool) -> None:
    seen: set[int] = set()
    for i, p in enumerate(progress):
        label = f"Goal {goal_ids.index(p.goal_id) + 1}" if p.goal_id in goal_ids else f"Progress line {i + 1}"
        if p.goal_id not in goal_ids:
            checks.add(f"progress[{i}].goal_id", "exists", f"{label} is not a goal of the plan being reviewed.")
        if p.goal_id in seen:
            checks.add(f"progress[{i}].goal_id", "unique", f"{label} is rated twice.")
        seen.add(p.goal_id)
        if p.rating not in set(ProgressRating):
            checks.add(f"progress[{i}].rating", "required", f"{label}: choose improved, no change or worse.")
        if p.scaling_score is not None and not SCORE_MIN <= p.scaling_score <= SCORE_MAX:
            checks.add(f"progress[{i}].scaling_score", "range",
                       f"{label}: the score must be from {SCORE_MIN} to {SCORE_MAX}, not {p.scaling_score}.")
        checks.run(check_length, p.comment, f"progress[{i}].comment", f"{label}: comment", 20000)
    if required:
        for n, goal_id in enumerate(goal_ids):
            if goal_id not in seen:
                checks.add(f"goals[{n}].rating", "required", f"Goal {n + 1} has no progress rating.")


def record_meeting(uow: UnitOfWork, data: HeldInput) -> MeetingDetail:
    """Record a meeting as held: attendees, progress on each goal of the plan in force, and the
    decision. The next review date follows from the decision (see ``plan_rules.next_review_due``);
    a decision to close or step down starts the episode's closure; "revise the plan" starts a new
    draft version.

    Raises:
        ValidationError: every broken rule, by field: a date in the future or before the plan it
            reviews, a review without an agreed plan, a missing rating, a score outside 0–10, no
            one present, an unknown decision. Nothing is written.
        ConcurrencyConflict: the scheduled meeting changed since it was opened.
    """
    with uow:
        s = uow.session
        episode = read.get_episode_row(s, data.episode_id, lock=uow.dialect == "postgresql")
        meeting: Meeting | None = None
        if data.meeting_id is not None:
            meeting = s.get(Meeting, data.meeting_id, with_for_update=uow.dialect == "postgresql")
            if meeting is None or meeting.episode_id != episode.id:
                raise NotFound("meeting", data.meeting_id)
            if data.expected_version is not None and meeting.version != data.expected_version:
                raise ConcurrencyConflict("meeting", data.meeting_id)
            states.REVIEW.apply(meeting.status, ReviewAction.HOLD)
        plan = read.current_plan(s, episode.id)
        checks = Checks()
        if episode.status not in OPEN_EPISODE:
            checks.add("episode", "state", "Meetings are recorded only while the episode is open.")
        if not codes.is_valid(codes.MEETING_TYPE, data.kind):
            checks.add("kind", "code", "Choose the kind of meeting.")
        is_review = data.kind in REVIEW_KINDS
        if data.held_on > read.today():
            checks.add("held_on", "not_future", f"Held on {format_uk_date(data.held_on)} is in the future.")
        else:
            checks.run(check_date_range, data.held_on, "held_on", "Held on")
        if is_review and plan is None:
            checks.add("held_on", "no_plan", "There is no agreed plan to review yet: agree the plan first.")
        if plan is not None and data.kind in PLAN_MEETINGS:
            start = plan.started_on or plan.agreed_on
            if start is not None and data.held_on < start:
                checks.add("held_on", "date_order",
                           f"Review date {format_uk_date(data.held_on)} is before the plan it reviews "
                           f"(version {plan.version_no}, from {format_uk_date(start)}).")
        if data.decision is not None and data.decision not in set(states.ReviewDecision):
            checks.add("decision", "code", "Choose one of the listed decisions.")
        if is_review and not data.decision:
            checks.add("decision", "required", "A review needs a decision.")
        checks.run(check_length, data.decision_notes, "decision_notes", "Notes on the decision", 20000)
        checks.run(check_length, data.location, "location", "Where", 200)
        if not data.attendees:
            checks.add("attendees", "required", "List who came to the meeting.")
        elif not any(a.attended for a in data.attendees):
            checks.add("attendees", "present", "At least one person must have been at the meeting.")
        _check_attendees(checks, data.attendees, families.family_people(s, episode.family_id))
        goal_ids = list(s.scalars(select(PlanGoal.id).where(PlanGoal.plan_id == plan.id)
                                  .order_by(PlanGoal.position, PlanGoal.id))) if plan else []
        _check_progress(checks, data.progress, goal_ids, required=is_review)
        checks.raise_if_any()

        if meeting is None:
            meeting = Meeting(episode_id=episode.id, kind=data.kind, status=ReviewState.SCHEDULED)
            s.add(meeting)
        meeting.status = states.REVIEW.apply(meeting.status, ReviewAction.HOLD)
        meeting.kind, meeting.held_on = data.kind, data.held_on
        meeting.plan_id = plan.id if plan else None
        meeting.location = data.location.strip() or meeting.location
        meeting.decision = data.decision or None
        meeting.decision_notes = data.decision_notes.strip() or None
        meeting.level_of_need = episode.level_of_need
        interval = plan.review_interval_days if plan else 42
        running = plan is not None and plan.status == PlanState.ACTIVE
        meeting.next_review_due = (
            next_review_due(data.decision, data.held_on, interval)
            if running and data.kind != "CLOSURE_TAF" else None
        )
        s.flush()
        _add_attendees(uow, meeting.id, data.attendees)
        s.execute(delete(GoalProgress).where(GoalProgress.meeting_id == meeting.id))
        for p in data.progress:
            s.add(GoalProgress(meeting_id=meeting.id, goal_id=p.goal_id, rating=p.rating,
                               scaling_score=p.scaling_score, comment=p.comment.strip() or None))
        notice = _move_episode(uow, episode, data, plan)
        uow.flush()
        detail = replace(read.read_meeting(s, meeting.id), notice=notice,
                         changes=Changes(episodes=True, plans=True, families=True))
        uow.commit()
        return detail


def _move_episode(uow: UnitOfWork, episode: Episode, data: HeldInput, plan: Plan | None) -> str:
    """Move the episode on after a review; returns a sentence saying what happened, if anything."""
    s = uow.session
    status = episode.status
    if data.kind not in REVIEW_KINDS:
        return ""
    if data.decision in CLOSING_DECISIONS:
        if status == E.IN_REVIEW:
            status = states.EPISODE.apply(status, EpisodeAction.COMPLETE_REVIEW)
        if states.EPISODE.can(status, EpisodeAction.START_CLOSURE):
            episode.status = states.EPISODE.apply(status, EpisodeAction.START_CLOSURE)
            return "The episode is now closing: record the closure when the work is finished."
        return ""
    if status == E.PLAN_ACTIVE:
        status = states.EPISODE.apply(status, EpisodeAction.START_REVIEW)
    if status == E.IN_REVIEW:
        episode.status = states.EPISODE.apply(status, EpisodeAction.COMPLETE_REVIEW)
    revise = data.decision == states.ReviewDecision.REVISE_PLAN
    if revise and plan is not None and read.draft_plan(s, plan.episode_id) is None:
        top = max(s.scalars(select(Plan.version_no).where(Plan.episode_id == plan.episode_id)))
        draft = Plan(episode_id=plan.episode_id, version_no=top + 1, status=PlanState.DRAFT, previous_plan_id=plan.id,
                     review_interval_days=plan.review_interval_days, network_contribution=plan.network_contribution,
                     services_provided=plan.services_provided, staff_notes=plan.staff_notes,
                     created_by_id=uow.actor_id)
        s.add(draft)
        s.flush()
        copy_goals(s, plan.id, draft.id)
        return f"Version {draft.version_no} of the plan was started as a draft, for the revision agreed."
    return ""


def cancel_meeting(uow: UnitOfWork, meeting_id: int, expected_version: int) -> MeetingDetail:
    """Cancel a scheduled meeting.

    Raises:
        IllegalTransition: the meeting was already held or cancelled.
    """
    with uow:
        s = uow.session
        meeting = s.get(Meeting, meeting_id, with_for_update=uow.dialect == "postgresql")
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        if meeting.version != expected_version:
            raise ConcurrencyConflict("meeting", meeting_id)
        meeting.status = states.REVIEW.apply(meeting.status, ReviewAction.CANCEL)
        uow.flush()
        detail = replace(read.read_meeting(s, meeting.id), changes=Changes(episodes=True))
        uow.commit()
        return detail


__all__ = ["cancel_meeting", "get_meeting", "record_meeting", "schedule_meeting"]
