"""Data transfer objects: what services take in and hand back. Frozen, plain, Qt- and ORM-free.

Inputs are named ``New…``/``…Input``; outputs are rows for lists (``…Row``) and details for
pages (``…Detail``). Dates are ``datetime.date``; timestamps are aware UTC ``datetime``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


# ---- Who is working ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """The person using the program, as a worker record."""

    worker_id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    hub_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HubRow:
    """A hub, for pick lists."""

    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """A worker, for pick lists and display."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodeItem:
    """One entry of a code list, for pick lists."""

    code: str
    label: str
    maps_to: str | None = None
    ordinal: int | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write touched, so that open views can decide whether to refresh."""

    families: bool = False
    requests: bool = False
    episodes: bool = False
    transfers: bool = False
    plans: bool = False


# ---- People and families -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddressInput:
    """An address as typed; the postcode is normalised and checked by the service."""

    line1: str = ""
    line2: str = ""
    town: str = ""
    postcode: str = ""
    no_fixed_abode: bool = False


@dataclass(frozen=True, slots=True)
class NewPerson:
    """A person to create as a family member."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None = None
    dob_is_expected: bool = False
    sex: str = "U"
    relation: str = "OTHER_ADULT"
    has_parental_responsibility: bool = False
    lives_in_household: bool = True
    nhs_number: str = ""
    upn: str = ""
    ethnicity: str | None = None
    language: str = ""
    other_names: str = ""
    is_index_child: bool = False


@dataclass(frozen=True, slots=True)
class NewFamily:
    """A household to create, with its members and current address."""

    hub_id: int
    members: tuple[NewPerson, ...]
    address: AddressInput = AddressInput()
    name: str = ""


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A person in a family, with their place in it."""

    person_id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    dob_is_expected: bool
    age: int | None
    sex: str
    relation: str
    relation_label: str
    has_parental_responsibility: bool
    lives_in_household: bool
    nhs_number: str | None
    upn: str | None
    is_index_child: bool

    @property
    def full_name(self) -> str:
        """Given and family name."""
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True, slots=True)
class AddressRow:
    """An address and the period it applied."""

    line1: str | None
    line2: str | None
    town: str | None
    postcode: str | None
    no_fixed_abode: bool
    valid_from: dt.date | None
    valid_to: dt.date | None

    def one_line(self) -> str:
        """The address on one line."""
        if self.no_fixed_abode:
            return "No fixed abode"
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One thing that happened to a family, for the family view's history."""

    at: dt.datetime
    kind: str
    title: str
    detail: str
    status: str
    record_id: int


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """An early help episode, summarised."""

    id: int
    status: str
    hub_name: str
    start_date: dt.date
    end_date: dt.date | None
    lead_worker: str | None
    end_reason: str | None


@dataclass(frozen=True, slots=True)
class FamilyDetail:
    """Everything the family view shows."""

    id: int
    name: str
    hub_id: int
    hub_name: str
    lead_worker: str | None
    version: int
    members: tuple[MemberRow, ...]
    address: AddressRow | None
    previous_addresses: tuple[AddressRow, ...]
    episodes: tuple[EpisodeRow, ...]
    history: tuple[HistoryItem, ...]
    open_episode_id: int | None
    flags: tuple[str, ...] = ()


# ---- Search ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """What to look for. Any combination; empty fields are ignored."""

    name: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    postcode: str = ""
    limit: int = 50


@dataclass(frozen=True, slots=True)
class PersonHit:
    """A person found by a search, with the family they belong to and why they matched."""

    person_id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    nhs_number: str | None
    family_id: int | None
    family_name_display: str | None
    postcode: str | None
    hub_name: str | None
    score: float
    reasons: tuple[str, ...]
    open_episode: bool = False


# ---- Requests for support ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentInput:
    """Agreement to early help, as recorded at the front door."""

    giver_name: str
    giver_relationship: str
    capacity: str
    agreed: bool
    method: str
    given_on: dt.date
    scope_engagement: bool = True
    scope_sharing: bool = False
    scope_national_evaluation: bool = False
    restrictions: str = ""
    capacity_note: str = ""
    scope_agencies: str = ""


@dataclass(frozen=True, slots=True)
class ShareInput:
    """The basis for sharing information, recorded separately from agreement to early help."""

    what: str
    with_whom: str
    purpose: str
    lawful_basis: str
    with_agreement: bool
    without_agreement_reason: str | None = None
    without_agreement_note: str = ""


@dataclass(frozen=True, slots=True)
class NewRequest:
    """A request for support as logged by the hub worker.

    Either ``family_id`` names an existing family (with ``subject_person_ids`` from it), or
    ``new_family`` creates the household in the same transaction.
    """

    hub_id: int
    received_at: dt.datetime
    source: str
    referrer_name: str
    referrer_organisation: str = ""
    referrer_role: str = ""
    referrer_contact: str = ""
    channel: str = "PHONE"
    urgency: str = "ROUTINE"
    level_of_need: int | None = None
    presenting_needs: tuple[str, ...] = ()
    summary: str = ""
    family_id: int | None = None
    subject_person_ids: tuple[int, ...] = ()
    new_family: NewFamily | None = None
    consent: ConsentInput | None = None
    share: ShareInput | None = None
    submit: bool = True


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """A front-door decision on a request."""

    request_id: int
    expected_version: int
    outcome: str
    rationale: str
    decided_at: dt.datetime | None = None
    hub_id: int | None = None
    csc_reference: str = ""
    linked_plan_id: int | None = None
    feedback_method: str = ""
    feedback_note: str = ""


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """Filters and order for the referrals list."""

    hub_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    min_age_wd: int | None = None
    max_age_wd: int | None = None
    text: str = ""
    order_by: str = "received_at"
    descending: bool = True
    offset: int = 0
    limit: int = 200


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request in the referrals list."""

    id: int
    received_at: dt.datetime
    family_id: int
    family_name: str
    children: str
    source: str
    source_label: str
    referrer: str
    level_of_need: int | None
    status: str
    outcome: str | None
    hub_name: str
    age_wd: int
    rag: str
    version: int


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """A request with its decision, for the request page and after saving."""

    id: int
    version: int
    family_id: int
    hub_id: int
    status: str
    received_at: dt.datetime
    source: str
    cin_source: str | None
    referrer_name: str | None
    level_of_need: int | None
    presenting_needs: tuple[str, ...]
    summary: str | None
    subject_person_ids: tuple[int, ...]
    outcome: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_rationale: str | None
    csc_reference: str | None
    episode_id: int | None
    consent_agreed: bool | None
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, with the total count for the navigation badge."""

    rows: tuple[T, ...]
    total: int
    offset: int
