"""The front door: requests for support, their people and needs, consent, information sharing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Code, JSONDoc, LongText, ShortText, Versioned, utcnow


class RequestForSupport(Versioned, Base):
    """A request for support (a "referral" or "contact") and its front-door decision."""

    __tablename__ = "request_for_support"
    __table_args__ = (
        Index("ix_request_hub_status_received", "hub_id", "status", "received_at"),
        Index("ix_request_received_at", "received_at"),
        # Row-level security's visible families (migration 0003): index-only by hub.
        Index("ix_request_hub_family", "hub_id", "family_id"),
        Index("ix_request_decision_hub_family", "decision_hub_id", "family_id"),
        Index("ix_request_hub_decided", "hub_id", "decided_at",  # dashboard (migration 0003)
              postgresql_include=["received_at", "outcome", "decided_by_id", "created_by_id"]),
        Index("ix_request_hub_received", "hub_id", "received_at",  # dashboard (migration 0003)
              postgresql_include=["status", "family_id", "decided_by_id", "created_by_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"))
    status: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[dt.datetime]
    channel: Mapped[str | None] = mapped_column(Code)
    referrer_name: Mapped[str | None] = mapped_column(ShortText)
    referrer_organisation: Mapped[str | None] = mapped_column(ShortText)
    referrer_role: Mapped[str | None] = mapped_column(ShortText)
    referrer_contact: Mapped[str | None] = mapped_column(ShortText)
    source: Mapped[str] = mapped_column(Code)
    cin_source: Mapped[str | None] = mapped_column(Code)
    urgency: Mapped[str | None] = mapped_column(Code)
    level_of_need: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(LongText)
    involvement_check: Mapped[object | None] = mapped_column(JSONDoc)
    outcome: Mapped[str | None] = mapped_column(String(32))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_rationale: Mapped[str | None] = mapped_column(LongText)
    decision_hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id"))
    csc_reference: Mapped[str | None] = mapped_column(String(60))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    linked_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    feedback_at: Mapped[dt.datetime | None]
    feedback_method: Mapped[str | None] = mapped_column(Code)
    feedback_note: Mapped[str | None] = mapped_column(LongText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    people: Mapped[list[RequestPerson]] = relationship(lazy="raise", cascade="all, delete-orphan")
    needs: Mapped[list[RequestNeed]] = relationship(lazy="raise", cascade="all, delete-orphan")


class RequestPerson(Base):
    """A child or adult a request is about."""

    __tablename__ = "request_person"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("request_for_support.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(Code, default="child")


class RequestNeed(Base):
    """A presenting need on a request (code list ``reason_for_involvement``)."""

    __tablename__ = "request_need"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("request_for_support.id", ondelete="CASCADE"), primary_key=True
    )
    need_code: Mapped[str] = mapped_column(Code, primary_key=True)


class ConsentRecord(Versioned, Base):
    """Agreement to early help (service consent), given or refused, and its scope."""

    __tablename__ = "consent_record"
    __table_args__ = (Index("ix_consent_record_episode_given", "episode_id", "given_on",  # dashboard (migration 0003)
                            postgresql_include=["agreed", "scope_engagement", "scope_sharing", "withdrawn_on",
                                                "family_id"]),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request_for_support.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    giver_name: Mapped[str] = mapped_column(ShortText)
    giver_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    giver_relationship: Mapped[str | None] = mapped_column(Code)
    capacity: Mapped[str] = mapped_column(Code)
    capacity_note: Mapped[str | None] = mapped_column(LongText)
    agreed: Mapped[bool] = mapped_column(Boolean)
    scope_engagement: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_sharing: Mapped[bool] = mapped_column(Boolean, default=False)
    scope_agencies: Mapped[str | None] = mapped_column(LongText)
    scope_national_evaluation: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(Code)
    given_on: Mapped[dt.date] = mapped_column(Date)
    restrictions: Mapped[str | None] = mapped_column(LongText)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class InformationShare(Base):
    """One share or refusal to share: what, with whom, why, on what lawful basis, who decided."""

    __tablename__ = "information_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request_for_support.id"), index=True)
    what: Mapped[str] = mapped_column(LongText)
    with_whom: Mapped[str] = mapped_column(ShortText)
    purpose: Mapped[str] = mapped_column(LongText)
    lawful_basis: Mapped[str] = mapped_column(Code)
    with_agreement: Mapped[bool] = mapped_column(Boolean)
    without_agreement_reason: Mapped[str | None] = mapped_column(Code)
    without_agreement_note: Mapped[str | None] = mapped_column(LongText)
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    shared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
