"""The declarative base, its naming convention, and the column types every model shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, TypeDecorator, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on both databases.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so the value is stored as naive
    UTC and made aware again when read. Naive datetimes are refused, so local time never sneaks in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; hubapp stores aware UTC timestamps only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JSONDoc = JSON().with_variant(JSONB(), "postgresql")
"""JSON on SQLite, JSONB on PostgreSQL."""


def utcnow() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """The declarative base: one MetaData, one naming convention (Alembic-friendly)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {dt.datetime: UTCDateTime()}


class Versioned:
    """Mixin for editable aggregates: an optimistic-locking version column, and who changed the
    row last and when.

    SQLAlchemy adds ``AND version = :old`` to every UPDATE and raises ``StaleDataError`` when
    no row matched, which the unit of work turns into ``ConcurrencyConflict``, naming who changed
    the row from ``changed_by`` and ``changed_at``.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: The database login that changed the row last (PostgreSQL: ``session_user``, set by a trigger
    #: whatever the statement says; SQLite: set with the audit rows). Read when a save is refused.
    changed_by: Mapped[str | None] = mapped_column(String(63))
    #: When the row was changed last (aware UTC).
    changed_at: Mapped[dt.datetime | None] = mapped_column()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


Code = String(40)
"""Column type for a code from a code list."""

ShortText = String(200)
LongText = String(20000)

__all__ = [
    "Base", "Code", "JSONDoc", "LongText", "ShortText", "UTCDateTime", "Versioned", "func", "utcnow",
]
