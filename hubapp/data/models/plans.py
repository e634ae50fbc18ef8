"""Think Family plans: versions, goals, SMART actions, TAF meetings, attendees, goal progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Code, LongText, ShortText, Versioned, utcnow


class Plan(Versioned, Base):
    """One version of a family plan. An agreed version is frozen; edits start a new draft."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("episode_id", "version_no"),
        Index("ix_plan_episode_review", "episode_id",  # dashboard (migration 0003)
              postgresql_include=["id", "status", "started_on", "ended_on", "agreed_on", "review_interval_days"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(32))
    previous_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    agreed_on: Mapped[dt.date | None] = mapped_column(Date)
    agreed_by: Mapped[str | None] = mapped_column(ShortText)
    agreement_method: Mapped[str | None] = mapped_column(Code)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    review_interval_days: Mapped[int] = mapped_column(Integer, default=42)
    network_contribution: Mapped[str | None] = mapped_column(LongText)
    services_provided: Mapped[str | None] = mapped_column(LongText)
    staff_notes: Mapped[str | None] = mapped_column(LongText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlanGoal(Base):
    """A goal (outcome) in a plan, tied to a need and a Supporting Families headline outcome."""

    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))
    sf_outcome: Mapped[str | None] = mapped_column(Code)
    description: Mapped[str] = mapped_column(LongText)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanAction(Base):
    """A SMART action: what, who (a person, a worker or an agency), by when, and its status."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(LongText)
    who_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    who_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    who_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    who_text: Mapped[str | None] = mapped_column(ShortText)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="OPEN")
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Meeting(Versioned, Base):
    """A TAF meeting or review (initial TAF, review, step-down meeting, closure TAF)."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_review_held", "episode_id", "held_on",  # dashboard (migration 0003)
                            postgresql_where=text("status = 'HELD' AND kind = 'TAF_REVIEW'"),
                            sqlite_where=text("status = 'HELD' AND kind = 'TAF_REVIEW'")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[str] = mapped_column(Code)
    status: Mapped[str] = mapped_column(String(20), default="SCHEDULED")
    scheduled_for: Mapped[dt.datetime | None]
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(ShortText)
    decision: Mapped[str | None] = mapped_column(String(32))
    decision_notes: Mapped[str | None] = mapped_column(LongText)
    level_of_need: Mapped[int | None] = mapped_column(Integer)
    next_review_due: Mapped[dt.date | None] = mapped_column(Date, index=True)


class MeetingAttendee(Base):
    """Someone invited to or present at a meeting, with their agency."""

    __tablename__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(ShortText)
    agency: Mapped[str | None] = mapped_column(ShortText)
    role: Mapped[str | None] = mapped_column(ShortText)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    attended: Mapped[bool] = mapped_column(Boolean, default=True)


class GoalProgress(Base):
    """Progress on one goal at one review: improved / no change / worse, and a 0-10 scaling score."""

    __tablename__ = "goal_progress"
    __table_args__ = (
        UniqueConstraint("meeting_id", "goal_id"),
        CheckConstraint("scaling_score IS NULL OR (scaling_score BETWEEN 0 AND 10)", name="scaling_0_10"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id"))
    rating: Mapped[str] = mapped_column(String(20))
    scaling_score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(LongText)
