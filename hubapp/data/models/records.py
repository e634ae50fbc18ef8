"""Records about records: printed documents, the audit trail and the access log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Code, JSONDoc, ShortText, utcnow


class PrintedDocument(Base):
    """A generated PDF: which plan or review version, which copy, its hash, who printed it, when."""

    __tablename__ = "printed_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    kind: Mapped[str] = mapped_column(Code)
    copy: Mapped[str] = mapped_column(Code)
    content_hash: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    printed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """An append-only audit row for one insert, update or delete of one row.

    On PostgreSQL these are written by triggers; no application role may change or delete them.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_table_key", "table_name", "row_key"),
        Index("ix_audit_event_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    db_user: Mapped[str] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(63))
    row_key: Mapped[str] = mapped_column(String(100))
    old_data: Mapped[object | None] = mapped_column(JSONDoc)
    new_data: Mapped[object | None] = mapped_column(JSONDoc)
    tx_id: Mapped[int | None] = mapped_column(BigInteger)


class AccessLog(Base):
    """A look at, print of or export of a record: who, what, when. Printing is a disclosure."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_family_at", "family_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    db_user: Mapped[str] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    detail: Mapped[str | None] = mapped_column(ShortText)
