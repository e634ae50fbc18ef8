"""Data transfer objects of TAF meetings and reviews, outcome measurements and printouts.

Frozen, plain, Qt- and ORM-free, like :mod:`hubapp.domain.plan_dto` (episodes, assessment, plans),
which uses the rows defined here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hubapp.domain.dto import Changes


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """A TAF meeting or review, summarised."""

    id: int
    version: int
    kind: str
    kind_label: str
    status: str
    scheduled_for: dt.datetime | None
    held_on: dt.date | None
    location: str | None
    decision: str | None
    decision_label: str | None
    next_review_due: dt.date | None
    plan_id: int | None
    plan_version_no: int | None
    attendee_count: int


@dataclass(frozen=True, slots=True)
class MeasurementRow:
    """One outcome score."""

    id: int
    person_id: int | None
    person: str
    tool: str
    area: str
    score: int
    scale_min: int
    scale_max: int
    measured_on: dt.date
    family_agreed: bool


@dataclass(frozen=True, slots=True)
class DistanceRow:
    """Distance travelled on one area for one person (or the whole family): first and latest score."""

    person: str
    tool: str
    area: str
    first_score: int
    first_on: dt.date
    latest_score: int
    latest_on: dt.date
    scale_min: int
    scale_max: int
    measurements: int

    @property
    def change(self) -> int:
        """Latest minus first (positive is better on every scale hubapp records)."""
        return self.latest_score - self.first_score


# ---- Meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendeeInput:
    """Someone invited to or present at a meeting, with their agency."""

    name: str
    agency: str = ""
    role: str = ""
    person_id: int | None = None
    worker_id: int | None = None
    attended: bool = True


@dataclass(frozen=True, slots=True)
class ProgressInput:
    """Progress on one goal at a review: improved / no change / worse, and a 0–10 score."""

    goal_id: int
    rating: str
    scaling_score: int | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleInput:
    """A TAF meeting or review to arrange."""

    episode_id: int
    kind: str
    scheduled_for: dt.datetime
    location: str = ""
    attendees: tuple[AttendeeInput, ...] = ()


@dataclass(frozen=True, slots=True)
class HeldInput:
    """A meeting that took place: who came, progress per goal, and the decision.

    ``meeting_id`` names the scheduled meeting this records (its ``expected_version`` too);
    without it a held meeting is recorded directly.
    """

    episode_id: int
    kind: str
    held_on: dt.date
    attendees: tuple[AttendeeInput, ...]
    progress: tuple[ProgressInput, ...] = ()
    decision: str | None = None
    decision_notes: str = ""
    location: str = ""
    meeting_id: int | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class AttendeeRow:
    """An attendee of a meeting."""

    name: str
    agency: str | None
    role: str | None
    attended: bool


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """Progress recorded on one goal at one meeting."""

    goal_id: int
    goal: str
    sf_label: str
    rating: str
    scaling_score: int | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class MeetingDetail:
    """A meeting with its attendees, per-goal progress and decision."""

    row: MeetingRow
    episode_id: int
    family_id: int
    decision_notes: str | None
    attendees: tuple[AttendeeRow, ...]
    progress: tuple[ProgressRow, ...]
    notice: str = ""
    changes: Changes = field(default_factory=Changes)


# ---- Outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasurementInput:
    """One score from an outcome tool, for a family member or the whole family."""

    episode_id: int
    area: str
    score: int
    measured_on: dt.date
    tool: str = "Family scaling"
    person_id: int | None = None
    scale_min: int = 0
    scale_max: int = 10
    family_agreed: bool = True


# ---- Printouts ---------------------------------------------------------------------------------

#: The copies of a plan that can be printed.
COPY_PROFESSIONAL, COPY_FAMILY, COPY_MEETING = "PROFESSIONAL", "FAMILY", "MEETING_RECORD"
#: What a printout is of.
KIND_PLAN, KIND_TAF_RECORD = "PLAN", "TAF_RECORD"


@dataclass(frozen=True, slots=True)
class Printout:
    """A rendered document, ready to preview, print or save (nothing is recorded yet)."""

    kind: str
    copy: str
    family_id: int
    plan_id: int | None
    meeting_id: int | None
    version_no: int | None
    title: str
    file_stem: str
    pdf: bytes
    html: str
    pages: int
    content_hash: str
    printed_at: dt.datetime
    printed_by: str
    problem: str = ""

    @property
    def has_pdf(self) -> bool:
        """Whether a PDF was made (see ``problem`` when not)."""
        return bool(self.pdf)


@dataclass(frozen=True, slots=True)
class PrintRecord:
    """The record written when a printout is printed or saved: a disclosure."""

    id: int
    printed_at: dt.datetime
    content_hash: str
    changes: Changes = field(default_factory=Changes)
