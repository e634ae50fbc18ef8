"""Data transfer objects of the front door: the duplicate check and the request view.

Frozen, plain, Qt- and ORM-free, like ``dto.py`` (kept apart so the front door's shapes live
together). Dates are ``datetime.date``; timestamps are aware UTC ``datetime``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# ---- Duplicate and existing-involvement check -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonProbe:
    """One person as typed so far in a form; any field may still be empty.

    Args:
        given_name: the given name as typed.
        family_name: the family name as typed.
        date_of_birth: the date of birth, once it parses.
        nhs_number: the NHS number as typed (ignored until it is a valid number).
        key: which row of the form it came from (e.g. ``"members[0]"``), echoed in the matches.
    """

    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    key: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateQuery:
    """What the duplicate check looks for: the people typed and the household's postcode."""

    people: tuple[PersonProbe, ...] = ()
    postcode: str = ""
    limit: int = 8


@dataclass(frozen=True, slots=True)
class Involvement:
    """What the hubs already know of a family today."""

    open_episode_id: int | None = None
    open_episode_status: str | None = None
    open_episode_hub: str | None = None
    lead_worker: str | None = None
    active_plan_id: int | None = None
    pending_transfer_id: int | None = None
    pending_transfer: str | None = None
    closures_last_12_months: tuple[dt.date, ...] = ()
    last_request_at: dt.datetime | None = None
    undecided_request_id: int | None = None
    re_referral: bool = False

    def flags(self) -> tuple[str, ...]:
        """The involvement as short phrases, most important first (for chips)."""
        out: list[str] = []
        if self.undecided_request_id is not None:
            out.append(f"Request {self.undecided_request_id} awaiting a decision")
        if self.open_episode_id is not None:
            out.append("Open early help episode")
        if self.active_plan_id is not None:
            out.append("Active plan")
        if self.pending_transfer_id is not None:
            out.append("Transfer in progress")
        if self.closures_last_12_months:
            n = len(self.closures_last_12_months)
            out.append(f"{n} closure{'s' if n > 1 else ''} in the last 12 months")
        if self.re_referral:
            out.append("Referred before within 12 months")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class MatchedPerson:
    """A known person who matches someone typed, and why."""

    person_id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    dob_is_expected: bool
    nhs_number: str | None
    relation: str
    probe_key: str
    score: float
    reasons: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """Given and family name."""
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """A known family that may be the one being typed, with its matches and involvement."""

    family_id: int
    family_name: str
    hub_id: int
    hub_name: str
    postcode: str | None
    address: str
    score: float
    reasons: tuple[str, ...]
    people: tuple[MatchedPerson, ...]
    involvement: Involvement

    @property
    def all_reasons(self) -> tuple[str, ...]:
        """Every reason, the family's and each matched person's, without repeats."""
        seen: dict[str, None] = {}
        for reason in self.reasons:
            seen.setdefault(reason, None)
        for person in self.people:
            for reason in person.reasons:
                seen.setdefault(f"{person.full_name}: {reason}", None)
        return tuple(seen)


# ---- The request view ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentView:
    """Agreement to early help as recorded."""

    giver_name: str
    giver_relationship: str
    capacity: str
    capacity_note: str
    agreed: bool
    method: str
    given_on: dt.date
    scope_engagement: bool
    scope_sharing: bool
    scope_agencies: str
    scope_national_evaluation: bool
    restrictions: str
    withdrawn_on: dt.date | None
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class ShareView:
    """One recorded share of information and its basis."""

    what: str
    with_whom: str
    purpose: str
    lawful_basis: str
    with_agreement: bool
    without_agreement_reason: str | None
    without_agreement_note: str
    decided_by: str | None
    shared_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """A current plan of the family, for the "existing plan" decision."""

    id: int
    episode_id: int
    version_no: int
    status: str

    @property
    def label(self) -> str:
        """How the plan reads in a pick list."""
        return f"Plan {self.id} (version {self.version_no}, {self.status.lower()}), episode {self.episode_id}"


@dataclass(frozen=True, slots=True)
class SubjectView:
    """A person a request is about."""

    person_id: int
    name: str
    date_of_birth: dt.date | None
    dob_is_expected: bool


@dataclass(frozen=True, slots=True)
class RequestView:
    """Everything about one request for support: the request page and the decision dialog."""

    id: int
    version: int
    status: str
    family_id: int
    family_name: str
    hub_id: int
    hub_name: str
    received_at: dt.datetime
    channel: str | None
    urgency: str | None
    source: str
    cin_source: str | None
    referrer_name: str | None
    referrer_organisation: str | None
    referrer_role: str | None
    referrer_contact: str | None
    level_of_need: int | None
    presenting_needs: tuple[str, ...]
    summary: str | None
    subjects: tuple[SubjectView, ...]
    consents: tuple[ConsentView, ...]
    shares: tuple[ShareView, ...]
    involvement_at_logging: Involvement
    outcome: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_rationale: str | None
    decision_hub_id: int | None
    decision_hub_name: str | None
    csc_reference: str | None
    linked_plan_id: int | None
    episode_id: int | None
    feedback_at: dt.datetime | None
    feedback_method: str | None
    feedback_note: str | None
    created_by: str | None
    plans: tuple[PlanChoice, ...] = ()

    @property
    def has_agreement(self) -> bool:
        """Whether agreement to early help is recorded on this request and not withdrawn."""
        return any(c.agreed and c.scope_engagement and c.withdrawn_on is None for c in self.consents)
