"""Step-up and step-down transfer requests between the hubs and children's social care."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Code, LongText, ShortText, Versioned, utcnow


class TransferRequest(Versioned, Base):
    """A tracked request to move a case up to social care (STEP_UP) or down to a hub (STEP_DOWN)."""

    __tablename__ = "transfer_request"
    __table_args__ = (
        Index("ix_transfer_direction_status_changed", "direction", "status", "state_changed_at"),
        Index("ix_transfer_hub_status", "hub_id", "status"),
        Index("ix_transfer_hub_family", "hub_id", "family_id"),  # visible families (migration 0003)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"))
    status: Mapped[str] = mapped_column(String(32))
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    from_service: Mapped[str] = mapped_column(Code)
    to_service: Mapped[str] = mapped_column(Code)
    reason: Mapped[str] = mapped_column(LongText)
    risk_summary: Mapped[str | None] = mapped_column(LongText)
    outstanding_needs: Mapped[str | None] = mapped_column(LongText)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_record.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    requested_by_name: Mapped[str | None] = mapped_column(ShortText)
    requested_at: Mapped[dt.datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    decided_by_name: Mapped[str | None] = mapped_column(ShortText)
    decider_role: Mapped[str | None] = mapped_column(ShortText)
    decided_at: Mapped[dt.datetime | None]
    decision_outcome: Mapped[str | None] = mapped_column(String(32))
    rationale: Mapped[str | None] = mapped_column(LongText)
    decline_reason: Mapped[str | None] = mapped_column(LongText)
    escalated_at: Mapped[dt.datetime | None]
    escalation_note: Mapped[str | None] = mapped_column(LongText)
    meeting_on: Mapped[dt.date | None] = mapped_column(Date)
    joint_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    receiving_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    allocated_on: Mapped[dt.date | None] = mapped_column(Date)
    csc_reference: Mapped[str | None] = mapped_column(String(60))
    csc_outcome: Mapped[str | None] = mapped_column(LongText)
    csc_closure_code: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TransferEvent(Base):
    """One state change of a transfer: the history behind "age in current state"."""

    __tablename__ = "transfer_event"
    __table_args__ = (Index("ix_transfer_event_transfer_to", "transfer_id", "to_status",  # dashboard (migration 0003)
                            postgresql_include=["at"]),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer_request.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    note: Mapped[str | None] = mapped_column(LongText)
