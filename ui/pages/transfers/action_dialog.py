"""The dialog for one step on a transfer (or one allocation for several): only the fields that step
records (``transfer_rules.REQUIRED_FIELDS`` and the service's checks), with sensible defaults so that
a coordinator can usually confirm with Ctrl+Enter.

What is typed for a step on one transfer is kept as a draft (kind ``"transfer_step"``, about the
transfer and the step) until it is saved or discarded; an allocation is a choice in a list and keeps
none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from hubapp.domain import codes, transfer_rules as rules
from hubapp.domain.errors import ValidationError
from hubapp.domain.plan_dto import Owner
from hubapp.domain.transfer_dto import BulkAllocateInput, TransferActionInput, TransferDetail, TransferRow
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import episodes, queue, transfers
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.pages.transfers.service_dialog import ServiceDialog
from ui.widgets.date_edit import UkDateEdit

_NOTE_LABELS = {
    "accept": "Rationale", "decline": "Reason for declining", "escalate": "Who escalated, and why",
    "request_info": "What information is needed", "family_declines": "What the family said",
    "mark_not_suitable": "Why it is not suitable", "withdraw": "Why it is withdrawn", "decide": "Their rationale",
    "close": "Note", "info_received": "What arrived",
}
_NOTE_DEFAULTS = {"accept": "Needs can be met at early help level."}
_INTROS = {
    "accept": "Accepting opens an early help episode awaiting allocation (or links the family's open one).",
    "decline": "Social care can escalate a decline; the reason is shared with them.",
    "allocate": "The worker becomes the lead practitioner of the family's episode.",
    "decide": "Record social care's decision on the step-up. If they take the case the episode stays paused "
              "(or closes, by local policy); otherwise the plan resumes.",
    "close_csc": "Social care has closed its case: record the CIN closure code (RC9 after an assessment, "
                 "otherwise RC7).",
}
#: The draft journal's kind for a step on a transfer.
KIND = "transfer_step"
#: Steps taken straight from the keyboard, without a dialog.
DIRECT_ACTIONS = frozenset({"triage", "info_received", "complete", "record_consent", "submit", "endorse", "send",
                            "receive"})


def needs_dialog(action: str) -> bool:
    """Whether a step asks for anything before it is taken."""
    return action not in DIRECT_ACTIONS


def no_longer_applies(detail: TransferDetail, action: str) -> str:
    """Why a kept step can no longer be saved: what the transfer is now, and who moved it on."""
    row = detail.row
    last = detail.events[-1] if detail.events else None
    moved = (f" ({last.by or 'social care'} {rules.done_phrase(last.action)} it, {fmt.uk_datetime(last.at)})"
             if last is not None else "")
    return (f"This {rules.ENTITY[row.direction]} is now {rules.state_label(row.status).lower()}{moved}, so "
            f"“{rules.action_label(action)}” no longer applies and cannot be saved. What you typed is kept "
            "below: copy what you need, then close this (Esc).")


class TransferActionDialog(ServiceDialog):
    """One step on one transfer, or an allocation of several accepted step-downs (``rows`` > 1).

    Args:
        backend: the open database.
        rows: the transfers acted on (several only for ``allocate``).
        action: the step.
        parent: the parent widget.
        journal: where the draft is kept (default: the user's data directory).
        draft: a kept draft of this step to carry on with.
    """

    def __init__(self, backend: Backend, rows: list[TransferRow], action: str, parent: QWidget | None = None,
                 journal: DraftJournal | None = None, draft: Draft | None = None) -> None:
        self.rows = rows
        self.action = action
        self.direction = rows[0].direction
        names = rows[0].family_name if len(rows) == 1 else f"{len(rows)} step-downs"
        super().__init__(f"{rules.action_label(action)}: {names}", _INTROS.get(action, ""), parent)
        self.setObjectName("TransferActionDialog")
        self._backend = backend
        if len(rows) == 1 and action != "allocate":
            self.keep_drafts(KIND, backend.display_name, self._about,
                             f"this “{rules.action_label(action).lower()}”", journal, draft)
        required = rules.REQUIRED_FIELDS.get((self.direction, action), ())
        self.note: QPlainTextEdit | None = None
        self.outcome: QComboBox | None = None
        self.decided_by: QLineEdit | None = None
        self.decider_role: QLineEdit | None = None
        self.csc_reference: QLineEdit | None = None
        self.csc_outcome: QPlainTextEdit | None = None
        self.closure_code: QComboBox | None = None
        self.meeting_on: UkDateEdit | None = None
        self.joint_visit: QCheckBox | None = None
        self.worker: QComboBox | None = None
        if action == "decide":
            self.outcome = QComboBox(self)
            for code in codes.codes_of(codes.TRANSFER_OUTCOME):
                self.outcome.addItem(codes.label_of(codes.TRANSFER_OUTCOME, code), code)
            self.field("Decision", "outcome", self.outcome)
            self.decided_by = QLineEdit(self)
            self.field("Decided by", "decided_by_name", self.decided_by)
            self.decider_role = QLineEdit("CSC front door team manager", self)
            self.field("Their role", "decider_role", self.decider_role)
        if action in ("decide", "close_csc"):
            self.csc_reference = QLineEdit(rows[0].csc_reference or "", self)
            self.field("Social care reference", "csc_reference", self.csc_reference)
        if action == "close_csc":
            self.closure_code = QComboBox(self)
            for code in rules.STEP_DOWN_CLOSURE_CODES[::-1]:
                self.closure_code.addItem(f"{code} – {codes.label_of(codes.CIN_CLOSURE_REASON, code)}", code)
            self.field("CIN closure code", "csc_closure_code", self.closure_code)
            self.csc_outcome = _text_box(self)
            self.field("Social care's outcome", "csc_outcome", self.csc_outcome)
        if action == "hold_handover_meeting":
            self.meeting_on = UkDateEdit(self)
            self.meeting_on.set_date(dt.date.today())
            self.field("Meeting held on", "meeting_on", self.meeting_on)
            self.joint_visit = QCheckBox("A joint visit with the social worker took place", self)
            self.form.addRow("", self.joint_visit)
        if action == "allocate":
            self.worker = QComboBox(self)
            self.worker.setObjectName("WorkerCombo")
            self.worker.addItem("Loading…", None)
            self.field("Lead practitioner", "worker_id", self.worker)
            hub_id = rows[0].hub_id
            tasks.run_read(self, lambda: episodes.lead_practitioners(backend.uow(), hub_id),
                           self._on_workers_loaded, lambda exc: self.show_problems(
                               list(exc.errors) if isinstance(exc, ValidationError) else []))
        if action in _NOTE_LABELS or "note" in required:
            label = _NOTE_LABELS.get(action, "Note") + (" *" if "note" in required else " (optional)")
            self.note = _text_box(self)
            self.note.setPlainText(_NOTE_DEFAULTS.get(action, ""))
            self.field(label, "note", self.note)
        first = self.outcome or self.worker or self.closure_code or self.meeting_on or self.note
        if first is not None:
            first.setFocus()
            if isinstance(first, QPlainTextEdit) and not (self.drafts and self.drafts.restored_from):
                first.selectAll()  # the offered default is replaced by typing; kept typing never is

    def _about(self) -> tuple[str, dict[str, object]]:
        row = self.rows[0]
        title = f"{rules.action_label(self.action)} on the {rules.ENTITY[row.direction]} — {row.family_name}"
        return title, {"transfer_id": row.id, "action": self.action, "direction": row.direction}

    def _on_workers_loaded(self, workers: tuple[Owner, ...]) -> None:
        assert self.worker is not None
        self.worker.clear()
        for w in workers:
            self.worker.addItem(f"{w.name} ({w.detail})" if w.detail else w.name, w.id)
        if not workers:
            self.worker.addItem("No family support workers in this hub", None)

    def call(self) -> Callable[[], Any] | None:  # noqa: D102 - see ServiceDialog
        backend = self._backend
        meeting = None
        if self.meeting_on is not None:
            try:
                meeting = self.meeting_on.date("meeting_on", "Meeting date")
            except ValidationError as exc:
                self.show_problems(list(exc.errors))
                return None
        worker_id = self.worker.currentData() if self.worker is not None else None
        if self.action == "allocate" and len(self.rows) > 1:
            items = tuple((r.id, r.version) for r in self.rows)
            if worker_id is None:
                self.show_problems([_missing_worker()])
                return None
            return lambda: queue.bulk_allocate(backend.uow(), BulkAllocateInput(items, int(worker_id)))
        row = self.rows[0]
        data = TransferActionInput(
            transfer_id=row.id, expected_version=row.version, action=self.action,
            note=self.note.toPlainText() if self.note is not None else "",
            outcome=self.outcome.currentData() if self.outcome is not None else "",
            decided_by_name=self.decided_by.text() if self.decided_by is not None else "",
            decider_role=self.decider_role.text() if self.decider_role is not None else "",
            csc_reference=self.csc_reference.text() if self.csc_reference is not None else "",
            csc_outcome=self.csc_outcome.toPlainText() if self.csc_outcome is not None else "",
            csc_closure_code=self.closure_code.currentData() if self.closure_code is not None else "",
            meeting_on=meeting, joint_visit=bool(self.joint_visit and self.joint_visit.isChecked()),
            worker_id=worker_id,
        )
        return lambda: transfers.advance(backend.uow(), data)


def _text_box(parent: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * 4 + 14)
    return box


def _missing_worker() -> Any:
    from hubapp.domain.errors import FieldError

    return FieldError("worker_id", "required", "Choose the lead practitioner.")
