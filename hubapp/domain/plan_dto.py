"""Data transfer objects of the family support worker's job: episodes, the assessment, needs, plan
versions with goals and actions, and the caseload. Frozen, plain, Qt- and ORM-free. Meetings,
outcome measurements and printouts are in :mod:`hubapp.domain.meeting_dto`; the shared ones
(``Changes``, ``MemberRow``) in :mod:`hubapp.domain.dto`.

Inputs are named ``…Input``; outputs are rows for lists (``…Row``) and details for pages
(``…Detail``). Dates are ``datetime.date``; timestamps are aware UTC ``datetime``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hubapp.domain.dto import Changes, MemberRow
from hubapp.domain.meeting_dto import DistanceRow, MeasurementRow, MeetingRow

# ---- Who does an action ------------------------------------------------------------------------

#: The kinds of owner a plan action can have.
WHO_PERSON, WHO_WORKER, WHO_AGENCY, WHO_TEXT = "person", "worker", "agency", "text"


@dataclass(frozen=True, slots=True)
class Owner:
    """Someone who can own an action: a family member, a worker or an agency (for pick lists)."""

    kind: str
    id: int | None
    name: str
    detail: str = ""


# ---- Episode -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllocationInput:
    """Give an episode a lead practitioner (first allocation or a change of worker)."""

    episode_id: int
    expected_version: int
    worker_id: int


@dataclass(frozen=True, slots=True)
class EpisodeActionInput:
    """Move an episode along its status flow (DOMAIN §8.3).

    ``on_hold_until`` is needed to put an episode on hold. Closing needs ``reason`` (a code of
    the episode closure reasons), and takes ``narrative`` and ``destination``.
    """

    episode_id: int
    expected_version: int
    action: str
    on_hold_until: dt.date | None = None
    reason: str = ""
    narrative: str = ""
    destination: str = ""


@dataclass(frozen=True, slots=True)
class PlanVersionRow:
    """One version of an episode's plan, for the versions list."""

    id: int
    version_no: int
    status: str
    agreed_on: dt.date | None
    agreed_by: str | None
    started_on: dt.date | None
    ended_on: dt.date | None
    created_at: dt.datetime
    goal_count: int
    action_count: int


@dataclass(frozen=True, slots=True)
class NeedRow:
    """A family need found at assessment, mapped to a Supporting Families headline outcome."""

    id: int
    version: int
    description: str
    sf_outcome: str | None
    sf_label: str
    descriptor: str | None
    evidence_source: str | None
    identified_on: dt.date
    status: str
    outcome_evidence: str | None
    person_ids: tuple[int, ...]
    people: str


@dataclass(frozen=True, slots=True)
class FactorRow:
    """A CIN factor found at assessment, optionally about one person."""

    code: str
    label: str
    person_id: int | None
    person: str | None


@dataclass(frozen=True, slots=True)
class AssessmentDetail:
    """The Early Help Assessment of an episode (whole family, three domains)."""

    id: int
    version: int
    episode_id: int
    kind: str
    status: str
    started_on: dt.date | None
    completed_on: dt.date | None
    completed_by: str | None
    authorised_by: str | None
    authorised_at: dt.datetime | None
    strengths: str
    needs_child_development: str
    needs_parenting_capacity: str
    needs_family_environment: str
    child_voice: str
    analysis: str
    level_of_need: int | None
    factors: tuple[FactorRow, ...]
    allowed_actions: tuple[str, ...]
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class EpisodeDetail:
    """Everything the episode page shows but the plan itself (loaded on its own)."""

    id: int
    version: int
    family_id: int
    family_name: str
    hub_id: int
    hub_name: str
    status: str
    service: str
    level_of_need: int | None
    start_date: dt.date
    end_date: dt.date | None
    lead_worker_id: int | None
    lead_worker: str | None
    allocated_at: dt.datetime | None
    on_hold_until: dt.date | None
    end_reason: str | None
    members: tuple[MemberRow, ...]
    child_ids: tuple[int, ...]
    allowed_actions: tuple[str, ...]
    assessment: AssessmentDetail | None
    needs: tuple[NeedRow, ...]
    plans: tuple[PlanVersionRow, ...]
    current_plan_id: int | None
    draft_plan_id: int | None
    meetings: tuple[MeetingRow, ...]
    next_review_due: dt.date | None
    review_overdue: bool
    measurements: tuple[MeasurementRow, ...]
    distance: tuple[DistanceRow, ...]
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """An episode in a worker's list, with when its next review is due."""

    episode_id: int
    family_id: int
    family_name: str
    children: str
    hub_name: str
    status: str
    lead_worker: str | None
    start_date: dt.date
    plan_version_no: int | None
    plan_status: str | None
    last_review_on: dt.date | None
    next_review_due: dt.date | None
    overdue_days: int

    @property
    def review_overdue(self) -> bool:
        """Whether the next review is past due."""
        return self.overdue_days > 0


# ---- Assessment --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactorInput:
    """A CIN factor code found at assessment, optionally about one family member."""

    code: str
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    """What the worker typed into the assessment (saved while it is in progress)."""

    assessment_id: int
    expected_version: int
    strengths: str = ""
    needs_child_development: str = ""
    needs_parenting_capacity: str = ""
    needs_family_environment: str = ""
    child_voice: str = ""
    analysis: str = ""
    level_of_need: int | None = None
    factors: tuple[FactorInput, ...] = ()


@dataclass(frozen=True, slots=True)
class NeedInput:
    """A family need to add (``need_id`` None) or change."""

    episode_id: int
    description: str
    sf_outcome: str
    person_ids: tuple[int, ...] = ()
    evidence_source: str = ""
    identified_on: dt.date | None = None
    status: str = "OPEN"
    outcome_evidence: str = ""
    need_id: int | None = None
    expected_version: int | None = None


# ---- Plan --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanActionInput:
    """A SMART action as typed: what, who (a person, worker, agency or free text), by when."""

    what: str
    who_kind: str = ""
    who_id: int | None = None
    who_text: str = ""
    due_on: dt.date | None = None
    status: str = "OPEN"
    completed_on: dt.date | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanGoalInput:
    """A goal as typed, with its headline outcome, the need it answers, and its actions."""

    description: str
    sf_outcome: str
    need_id: int | None = None
    actions: tuple[PlanActionInput, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanInput:
    """The whole of a draft plan version, saved at once."""

    plan_id: int
    expected_version: int
    goals: tuple[PlanGoalInput, ...]
    network_contribution: str = ""
    services_provided: str = ""
    staff_notes: str = ""
    review_interval_days: int = 42


@dataclass(frozen=True, slots=True)
class AgreementInput:
    """The family's agreement to a draft plan version."""

    plan_id: int
    expected_version: int
    agreed_on: dt.date
    agreed_by: str
    method: str


@dataclass(frozen=True, slots=True)
class PlanActionRow:
    """A SMART action of a plan version."""

    id: int
    position: int
    what: str
    who_kind: str
    who_id: int | None
    who_text: str | None
    who: str
    due_on: dt.date | None
    status: str
    completed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class PlanGoalRow:
    """A goal of a plan version with its actions."""

    id: int
    position: int
    description: str
    sf_outcome: str | None
    sf_label: str
    need_id: int | None
    need_description: str | None
    actions: tuple[PlanActionRow, ...]


@dataclass(frozen=True, slots=True)
class PlanDetail:
    """One version of a family plan with everything in it."""

    id: int
    version: int
    episode_id: int
    family_id: int
    version_no: int
    status: str
    previous_plan_id: int | None
    started_on: dt.date | None
    agreed_on: dt.date | None
    agreed_by: str | None
    agreement_method: str | None
    ended_on: dt.date | None
    review_interval_days: int
    network_contribution: str
    services_provided: str
    staff_notes: str
    created_at: dt.datetime
    created_by: str | None
    goals: tuple[PlanGoalRow, ...]
    changes: Changes = field(default_factory=Changes)

    @property
    def editable(self) -> bool:
        """Only a draft can be edited; an agreed version is frozen."""
        return self.status == "DRAFT"

    @property
    def agreed(self) -> bool:
        """Whether the family agreed this version."""
        return self.agreed_on is not None


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One difference between two plan versions, in words."""

    kind: str
    where: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """What changed from one plan version to another."""

    old_version_no: int
    new_version_no: int
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True, slots=True)
class ActionStatusInput:
    """Progress on one action of the running plan (its content stays frozen)."""

    action_id: int
    status: str
    completed_on: dt.date | None = None
