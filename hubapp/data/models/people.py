"""Families and people: households, members, addresses with history, identifiers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Code, ShortText, Versioned, utcnow


class Family(Versioned, Base):
    """A household worked with as a whole (Think Family)."""

    __tablename__ = "family"
    __table_args__ = (Index("ix_family_hub_id_id", "hub_id", "id"),)  # visible families (migration 0003)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(ShortText)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hub.id"), index=True)
    index_child_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    lead_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))

    memberships: Mapped[list[FamilyMembership]] = relationship(
        back_populates="family", lazy="raise", order_by="FamilyMembership.id"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="family", lazy="raise", order_by="Address.valid_from"
    )


class Person(Versioned, Base):
    """A child or adult. the search keys are kept by the service layer."""

    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_family_given", "family_name_key", "given_name_key"),
        Index("ix_person_given_name_key", "given_name_key"),  # search by given name (migration 0003)
        Index(
            "ix_person_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        CheckConstraint("sex IN ('M', 'F', 'U')", name="sex_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(ShortText)
    family_name: Mapped[str] = mapped_column(ShortText)
    other_names: Mapped[str | None] = mapped_column(ShortText)
    preferred_name: Mapped[str | None] = mapped_column(ShortText)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, index=True)
    dob_is_expected: Mapped[bool] = mapped_column(Boolean, default=False)
    sex: Mapped[str] = mapped_column(String(1), default="U")
    gender_identity: Mapped[str | None] = mapped_column(ShortText)
    ethnicity: Mapped[str | None] = mapped_column(Code)
    language: Mapped[str | None] = mapped_column(ShortText)
    religion: Mapped[str | None] = mapped_column(ShortText)
    disability: Mapped[str | None] = mapped_column(ShortText)
    deceased_on: Mapped[dt.date | None] = mapped_column(Date)
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    # Search keys, derived from the names by hubapp.services (folded case and accents).
    given_name_key: Mapped[str] = mapped_column(ShortText)
    family_name_key: Mapped[str] = mapped_column(ShortText)
    search_name: Mapped[str] = mapped_column(String(400))
    family_phonetic: Mapped[str] = mapped_column(String(60), index=True)
    given_phonetic: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The login role that created the row; on PostgreSQL a trigger sets it from session_user,
    # so a person not yet in any family stays visible to whoever created them (row security).
    created_by_role: Mapped[str | None] = mapped_column(String(63))

    memberships: Mapped[list[FamilyMembership]] = relationship(back_populates="person", lazy="raise")


class PersonAlias(Base):
    """Another name a person is or was known by (alias, previous surname, nickname)."""

    __tablename__ = "person_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    given_name: Mapped[str | None] = mapped_column(ShortText)
    family_name: Mapped[str | None] = mapped_column(ShortText)
    kind: Mapped[str] = mapped_column(Code, default="alias")
    search_name: Mapped[str] = mapped_column(String(400), index=True)


class PersonDobHistory(Base):
    """Every date of birth a person has had recorded; a change never overwrites history."""

    __tablename__ = "person_dob_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    dob_is_expected: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))


class PersonIdentifier(Base):
    """An identifier held for a person: NHS, UPN, NI, LA CMS ID, ULN, PNC, school URN..."""

    __tablename__ = "person_identifier"
    __table_args__ = (Index("ix_person_identifier_type_value", "id_type", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    id_type: Mapped[str] = mapped_column(Code)
    value: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class FamilyMembership(Base):
    """A person's place in a family: relationship to the index child, PR, lives in the household."""

    __tablename__ = "family_membership"
    __table_args__ = (UniqueConstraint("family_id", "person_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relation: Mapped[str] = mapped_column(Code)
    has_parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    lives_in_household: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    family: Mapped[Family] = relationship(back_populates="memberships", lazy="raise")
    person: Mapped[Person] = relationship(back_populates="memberships", lazy="raise")


class PersonRelationship(Base):
    """A typed edge between two people, for genograms and whole-family views."""

    __tablename__ = "person_relationship"
    __table_args__ = (UniqueConstraint("person_a_id", "person_b_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(Code)


class Address(Base):
    """A family's address over a period. The current one has ``valid_to`` empty."""

    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    line1: Mapped[str | None] = mapped_column(ShortText)
    line2: Mapped[str | None] = mapped_column(ShortText)
    town: Mapped[str | None] = mapped_column(ShortText)
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    uprn: Mapped[str | None] = mapped_column(String(12))
    no_fixed_abode: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    family: Mapped[Family] = relationship(back_populates="addresses", lazy="raise")
