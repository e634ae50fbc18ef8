"""What the transfer, queue, revolving-door and closure services take in and hand back, and the two
errors they raise on purpose. Frozen, plain, Qt- and ORM-free (STYLE R4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hubapp.domain.dto import Changes
from hubapp.domain.errors import ConcurrencyConflict, DomainError

# ---- Inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewStepUp:
    """A hub asks social care to take a case: a draft step-up from an open episode."""

    episode_id: int
    reason: str
    risk_summary: str = ""
    outstanding_needs: str = ""
    consent_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewStepDown:
    """Social care hands a case to a hub: recorded by the hub as it arrives.

    ``stage`` is how far social care has got: ``PROPOSED_AT_CIN_REVIEW``, ``CONSENT_OBTAINED`` or
    (the usual case, the request is with early help now) ``SUBMITTED_TO_EH``.
    """

    family_id: int
    hub_id: int
    reason: str
    csc_reference: str
    requested_by_name: str
    risk_summary: str = ""
    outstanding_needs: str = ""
    stage: str = "SUBMITTED_TO_EH"
    to_service: str = "TARGETED_EH"
    consent_id: int | None = None
    requested_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TransferActionInput:
    """One step on a transfer, with what that step records (see ``transfer_rules.REQUIRED_FIELDS``).

    ``note`` is the reason, rationale or note of the step (a decline's reason, an acceptance's
    rationale, what information is asked for).
    """

    transfer_id: int
    expected_version: int
    action: str
    note: str = ""
    outcome: str = ""
    decided_by_name: str = ""
    decider_role: str = ""
    csc_reference: str = ""
    csc_outcome: str = ""
    csc_closure_code: str = ""
    meeting_on: dt.date | None = None
    joint_visit: bool = False
    worker_id: int | None = None


@dataclass(frozen=True, slots=True)
class BulkAllocateInput:
    """Allocate several accepted step-downs to one lead practitioner: ``(id, version)`` pairs."""

    items: tuple[tuple[int, int], ...]
    worker_id: int


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Filters of the coordinator's step-down queue (empty means "any")."""

    hub_ids: tuple[int, ...] = ()
    states: tuple[str, ...] = ()
    rags: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    text: str = ""
    flagged_only: bool = False


@dataclass(frozen=True, slots=True)
class StepUpFilter:
    """Filters of the step-up tracking list."""

    hub_ids: tuple[int, ...] = ()
    open_only: bool = True
    text: str = ""


@dataclass(frozen=True, slots=True)
class NeedOutcomeInput:
    """What became of one need at closure: ``MET``, ``NOT_MET`` or ``WITHDRAWN``, with evidence."""

    need_id: int
    status: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ClosureInput:
    """Close an episode with a DOMAIN §8.7 reason and the outcome of each need."""

    episode_id: int
    expected_version: int
    reason: str
    narrative: str = ""
    destination: str = ""
    post_closure_actions: str = ""
    need_outcomes: tuple[NeedOutcomeInput, ...] = ()


# ---- Outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevolvingFlag:
    """A revolving-door flag (DOMAIN §9): a short text for a chip and what it is based on."""

    code: str
    text: str
    detail: str


@dataclass(frozen=True, slots=True)
class TransferEventRow:
    """One step in a transfer's history."""

    at: dt.datetime
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    by: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class TransferRow:
    """A transfer in the step-down queue or the step-up list, with its age in the current state."""

    id: int
    version: int
    direction: str
    family_id: int
    family_name: str
    children: str
    hub_id: int
    hub_name: str
    status: str
    status_label: str
    state_changed_at: dt.datetime
    age_wd: int
    timescale_wd: int | None
    rag: str
    band: str
    requested_at: dt.datetime
    requested_by: str
    reason: str
    csc_reference: str | None
    receiving_worker: str | None
    episode_id: int | None
    episode_status: str | None
    outcome: str | None
    outcome_label: str
    decided_at: dt.datetime | None
    decided_by: str | None
    info_requested: bool
    flags: tuple[RevolvingFlag, ...]
    allowed_actions: tuple[str, ...]


#: Where a page of the step-down queue ends: the last row's ``(state_changed_at, id)`` (the queue's
#: order), given back to ask for the rows after it.
QueueCursor = tuple[dt.datetime, int]


@dataclass(frozen=True, slots=True)
class QueueResult:
    """One page of the rows that pass the filters, and counts for the page summary and the navigation.

    ``total``, ``red``, ``amber`` and ``green`` count the whole queue the state, hub and text filters
    leave (before the RAG, band and flag filters). ``matched`` is how many rows pass every filter, and
    ``band_counts`` and ``state_counts`` how many of them fall in each age band and each state, by
    label (``None`` and empty with "flagged only": flags are worked out only for the rows read).
    ``more`` says rows follow ``cursor``.
    """

    rows: tuple[TransferRow, ...]
    total: int
    red: int
    amber: int
    green: int
    matched: int | None = None
    more: bool = False
    cursor: QueueCursor | None = None
    band_counts: tuple[tuple[str, int], ...] = ()
    state_counts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Counts for the navigation badges."""

    step_down_queue: int
    step_down_red: int
    step_up_open: int
    step_up_awaiting_decision: int


@dataclass(frozen=True, slots=True)
class TransferDetail:
    """One transfer with every DOMAIN §3 field, its history and what can be done next."""

    row: TransferRow
    risk_summary: str | None
    outstanding_needs: str | None
    consent_id: int | None
    decider_role: str | None
    rationale: str | None
    decline_reason: str | None
    escalated_at: dt.datetime | None
    escalation_note: str | None
    meeting_on: dt.date | None
    joint_visit: bool
    allocated_on: dt.date | None
    csc_outcome: str | None
    csc_closure_code: str | None
    from_service: str
    to_service: str
    events: tuple[TransferEventRow, ...]
    changes: Changes = field(default_factory=Changes)

    @property
    def id(self) -> int:
        """The transfer's id."""
        return self.row.id

    @property
    def version(self) -> int:
        """The version to send with the next step."""
        return self.row.version

    @property
    def status(self) -> str:
        """The state it is in."""
        return self.row.status


@dataclass(frozen=True, slots=True)
class BulkAllocateResult:
    """Which items were allocated, and why each of the others was not."""

    allocated: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class NeedForClosure:
    """A need as the closure form shows it."""

    id: int
    description: str
    status: str
    outcome_evidence: str | None


@dataclass(frozen=True, slots=True)
class ClosureForm:
    """What the closure dialog needs: the episode, its needs and any transfer blocking closure."""

    episode_id: int
    version: int
    status: str
    family_id: int
    family_name: str
    needs: tuple[NeedForClosure, ...]
    blocking_transfer: str | None


@dataclass(frozen=True, slots=True)
class ClosureResult:
    """The closed episode."""

    episode_id: int
    family_id: int
    status: str
    reason: str
    ssd_end_reason: str | None
    closed_on: dt.date
    changes: Changes = field(default_factory=Changes)


# ---- Errors ------------------------------------------------------------------------------------


class TransferConflict(ConcurrencyConflict):
    """Someone else moved the transfer first; this step was refused and nothing was written.

    Args:
        entity: ``"step-up request"`` or ``"step-down request"``.
        key: the transfer's id.
        state: the state it is in now.
        message: what happened, naming the state and who has it.
    """

    def __init__(self, entity: str, key: int, state: str, message: str) -> None:
        super().__init__(entity, key)
        self.state = state
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


class TransferPending(DomainError):
    """An episode cannot close while a transfer for it is still pending.

    Args:
        transfer_id: the pending transfer.
        state: the state it is in.
        message: the sentence to show.
    """

    def __init__(self, transfer_id: int, state: str, message: str) -> None:
        self.transfer_id = transfer_id
        self.state = state
        super().__init__(message)
