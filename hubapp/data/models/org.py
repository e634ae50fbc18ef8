"""Organisation: hubs, teams, workers and their roles, partner agencies, reference data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Code, JSONDoc, ShortText, Versioned, utcnow


class Hub(Versioned, Base):
    """A locality Early Help hub. Families, requests and episodes belong to one."""

    __tablename__ = "hub"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(ShortText, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Team(Versioned, Base):
    """A team inside a hub (e.g. the front-door team, a family support team)."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("hub_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    name: Mapped[str] = mapped_column(ShortText)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Worker(Versioned, Base):
    """A person who uses hubapp. ``username`` is their PostgreSQL login role name."""

    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(63), unique=True)
    display_name: Mapped[str] = mapped_column(ShortText)
    email: Mapped[str | None] = mapped_column(ShortText)
    job_title: Mapped[str | None] = mapped_column(ShortText)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WorkerRole(Base):
    """A role a worker holds: hub_worker, family_support_worker, coordinator, manager, hub_admin."""

    __tablename__ = "worker_role"

    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class WorkerHub(Base):
    """The hubs a worker belongs to (row-level security keys on these)."""

    __tablename__ = "worker_hub"

    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), primary_key=True, index=True)


class Agency(Base):
    """A partner organisation: school, health visiting service, police, a charity."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(ShortText, unique=True)
    kind: Mapped[str | None] = mapped_column(Code)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CodeListItem(Base):
    """One code of one code list (CIN referral sources, factors, SF outcomes, closure reasons...).

    Seeded by migration from ``hubapp.domain.codes``; an authority may relabel, add local codes or
    retire codes (``active``) without a release.
    """

    __tablename__ = "code_list_item"

    list_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    code: Mapped[str] = mapped_column(Code, primary_key=True)
    label: Mapped[str] = mapped_column(ShortText)
    maps_to: Mapped[str | None] = mapped_column(Code)
    ordinal: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HolidayOverride(Base):
    """The local holiday table an administrator extends (extra closure days, or removals)."""

    __tablename__ = "holiday_override"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(ShortText)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)


class Setting(Base):
    """An organisation-wide setting (timescales, targets, labels), as a JSON value."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSONDoc)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
