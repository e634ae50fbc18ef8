"""Early help episodes, assessments with factors, needs, closures, case notes, outcomes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Code, LongText, ShortText, Versioned, utcnow


class Episode(Versioned, Base):
    """An early help episode: one period of work with a family, from acceptance to closure."""

    __tablename__ = "episode"
    __table_args__ = (
        Index("ix_episode_hub_status", "hub_id", "status"),
        Index("ix_episode_hub_family", "hub_id", "family_id"),  # visible families (migration 0003)
        Index("ix_episode_hub_allocated", "hub_id", "allocated_at",  # dashboard (migration 0003)
              postgresql_include=["accepted_at", "team_id", "lead_worker_id"]),
        Index("ix_episode_hub_start", "hub_id", "start_date",  # dashboard (migration 0003)
              postgresql_include=["end_date", "status", "end_reason", "family_id", "team_id", "lead_worker_id",
                                  "accepted_at", "allocated_at"]),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    status: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(Code, default="TARGETED_EH")
    level_of_need: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    accepted_at: Mapped[dt.datetime]
    lead_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    allocated_at: Mapped[dt.datetime | None]
    sf_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    on_hold_until: Mapped[dt.date | None] = mapped_column(Date)
    status_before_hold: Mapped[str | None] = mapped_column(String(32))
    end_reason: Mapped[str | None] = mapped_column(Code)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EpisodeChild(Base):
    """A child an episode is for."""

    __tablename__ = "episode_child"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


class EpisodeReason(Base):
    """A reason for involvement (SSD categories) on an episode."""

    __tablename__ = "episode_reason"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), primary_key=True)
    reason_code: Mapped[str] = mapped_column(Code, primary_key=True)


class Assessment(Versioned, Base):
    """An Early Help Assessment (whole family, three domains); a re-assessment links the prior one."""

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_episode_kind", "episode_id", "kind",  # dashboard (migration 0003)
                            postgresql_include=["authorised_at", "status"]),
                      # The dashboard's assessments authorised in a month (migration 0009).
                      Index("ix_assessment_kind_authorised", "kind", "authorised_at", postgresql_include=["episode_id"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[str] = mapped_column(Code, default="EHA")
    status: Mapped[str] = mapped_column(String(32))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    authorised_at: Mapped[dt.datetime | None]
    strengths: Mapped[str | None] = mapped_column(LongText)
    needs_child_development: Mapped[str | None] = mapped_column(LongText)
    needs_parenting_capacity: Mapped[str | None] = mapped_column(LongText)
    needs_family_environment: Mapped[str | None] = mapped_column(LongText)
    child_voice: Mapped[str | None] = mapped_column(LongText)
    analysis: Mapped[str | None] = mapped_column(LongText)
    level_of_need: Mapped[int | None] = mapped_column(Integer)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))


class AssessmentFactor(Base):
    """A presenting factor (CIN N00181 code) found at assessment, optionally for one person."""

    __tablename__ = "assessment_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    factor_code: Mapped[str] = mapped_column(Code)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class Need(Versioned, Base):
    """A family need, mapped to a Supporting Families headline outcome, and its outcome."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    description: Mapped[str] = mapped_column(LongText)
    sf_outcome: Mapped[str | None] = mapped_column(Code)
    sf_taxonomy: Mapped[str | None] = mapped_column(String(40))
    descriptor: Mapped[str | None] = mapped_column(ShortText)
    evidence_source: Mapped[str | None] = mapped_column(ShortText)
    identified_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="OPEN")
    outcome_evidence: Mapped[str | None] = mapped_column(LongText)
    sustained_from: Mapped[dt.date | None] = mapped_column(Date)


class NeedPerson(Base):
    """A person a need affects."""

    __tablename__ = "need_person"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class Closure(Versioned, Base):
    """How and why an episode closed, who authorised it, and where the family went next."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), unique=True)
    reason: Mapped[str] = mapped_column(Code)
    narrative: Mapped[str | None] = mapped_column(LongText)
    destination: Mapped[str | None] = mapped_column(Code)
    closed_on: Mapped[dt.date] = mapped_column(Date)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    authorised_at: Mapped[dt.datetime | None]
    post_closure_actions: Mapped[str | None] = mapped_column(LongText)


class CaseNote(Versioned, Base):
    """A case note on a family (visit, call, meeting); confidential ones stay off family copies."""

    __tablename__ = "case_note"
    __table_args__ = (Index("ix_case_note_family_written", "family_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    written_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(Code, default="NOTE")
    subject: Mapped[str | None] = mapped_column(ShortText)
    text: Mapped[str] = mapped_column(LongText)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)


class OutcomeMeasurement(Base):
    """One score from an outcome tool (Family Star, scaling question...), for distance travelled."""

    __tablename__ = "outcome_measurement"
    __table_args__ = (
        Index("ix_outcome_measurement_family_area", "family_id", "tool", "area"),
        Index("ix_outcome_measurement_series", "episode_id", "person_id", "tool", "area", "measured_on", "id",
              postgresql_include=["score", "family_id"]),  # dashboard: distance travelled (migration 0003)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    tool: Mapped[str] = mapped_column(ShortText)
    tool_version: Mapped[str | None] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(ShortText)
    score: Mapped[int] = mapped_column(Integer)
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    measured_on: Mapped[dt.date] = mapped_column(Date)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    family_agreed: Mapped[bool] = mapped_column(Boolean, default=True)


class SFClaim(Versioned, Base):
    """A Supporting Families outcome claim for a family, and its audit status."""

    __tablename__ = "sf_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    claim_period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="DRAFT")
    audit_status: Mapped[str | None] = mapped_column(String(20))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(LongText)
