"""Closing an early help episode: a DOMAIN §8.7 reason (its SSD end reason shown beside it), where
the family goes next, what became of each need, and post-closure actions. A transfer still pending
blocks closure, and the dialog says which and in what state.

What is typed is kept as a draft (kind ``"closure"``, about the episode) until the episode is
closed or the typing discarded. A kept closure opened again on an episode that has closed
meanwhile says so and keeps the text to copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from hubapp.domain import codes
from hubapp.domain.states import EPISODE_OPEN_STATES
from hubapp.domain.transfer_dto import ClosureForm, ClosureInput, NeedOutcomeInput
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import closures
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.pages.transfers.service_dialog import ServiceDialog

#: The draft journal's kind for a closure.
KIND = "closure"
NEED_CHOICES = (("", "Choose…"), ("MET", "Met"), ("NOT_MET", "Not met"), ("WITHDRAWN", "Withdrawn"))


class ClosureDialog(ServiceDialog):
    """Close one episode.

    Signals:
        sig_form_loaded(object): the ``ClosureForm`` arrived and the fields are ready.

    Args:
        backend: the open database.
        episode_id: the episode to close.
        parent: the parent widget.
        journal: where the draft is kept (default: the user's data directory).
        draft: a kept draft of this closure to carry on with.
    """

    # ---- Signals
    sig_form_loaded = Signal(object)

    def __init__(self, backend: Backend, episode_id: int, parent: QWidget | None = None,
                 journal: DraftJournal | None = None, draft: Draft | None = None) -> None:
        super().__init__("Close the early help episode", "Loading the episode…", parent)
        self.setObjectName("ClosureDialog")
        self.setMinimumWidth(640)
        self._backend = backend
        self.episode_id = episode_id
        self._form: ClosureForm | None = None
        self.keep_drafts(KIND, backend.display_name, self._about, "this closure", journal, draft)
        self.need_rows: list[tuple[int, QComboBox, QLineEdit]] = []
        self.reason = QComboBox(self)
        self.reason.addItem("Choose…", "")
        for code in codes.codes_of(codes.EPISODE_CLOSURE_REASON):
            ssd = codes.maps_to(codes.EPISODE_CLOSURE_REASON, code) or ""
            ssd_label = codes.label_of(codes.SSD_END_REASON, ssd, ssd)
            self.reason.addItem(f"{codes.label_of(codes.EPISODE_CLOSURE_REASON, code)}  (SSD: {ssd_label})", code)
        self.field("Reason *", "reason", self.reason)
        self.destination = QComboBox(self)
        self.destination.addItem("Not recorded", "")
        for code in codes.codes_of(codes.CLOSURE_DESTINATION):
            self.destination.addItem(codes.label_of(codes.CLOSURE_DESTINATION, code), code)
        self.field("Where the family goes next", "destination", self.destination)
        self.narrative = self.field("Closure summary", "narrative", _box(self))
        self.post = self.field("Post-closure actions", "post_closure_actions", _box(self))
        self.needs_grid = QGridLayout()
        self.needs_box = QWidget(self)
        self.needs_box.setLayout(self.needs_grid)
        self.form.addRow("Outcome of each need", self.errors.field("need_outcomes", self.needs_box, self))
        self.reason.currentIndexChanged.connect(self._on_reason_changed)
        self.save_button.setEnabled(False)
        tasks.run_read(self, lambda: closures.closure_form(backend.uow(), episode_id), self._on_form_loaded,
                       lambda exc: self.intro.setText(str(exc)))

    def _about(self) -> tuple[str, dict[str, object]]:
        family = f" — {self._form.family_name}" if self._form is not None else f" #{self.episode_id}"
        return f"Closing the early help episode{family}", {"episode_id": self.episode_id}

    def _on_form_loaded(self, form: ClosureForm) -> None:
        self._form = form
        self.setWindowTitle(f"Close the early help episode: {form.family_name}")
        if form.status not in EPISODE_OPEN_STATES:
            status = form.status.replace("_", " ").lower()
            self.intro.setText(f"This episode is {status}, so there is nothing to close.")
            self.intro.setProperty("role", "field-error")
            if self.drafts is not None and self.drafts.restored_from is not None:
                kept = self.drafts.restored_from.saved_at
                self.set_no_longer_applies(
                    f"This episode has been closed since you typed this ({fmt.uk_datetime(kept)}), so your "
                    "closure cannot be saved. What you typed is kept below: copy what you need, then close this "
                    "(Esc).")
        elif form.blocking_transfer:
            self.intro.setText("This episode cannot close while a transfer is pending. " + form.blocking_transfer)
            self.intro.setProperty("role", "field-error")
        else:
            self.intro.setText(f"The episode is {form.status.replace('_', ' ').lower()}. Closing it ends the plan in "
                               "force and cancels meetings still scheduled.")
            self.save_button.setEnabled(True)
        for row, need in enumerate(form.needs):
            label = QLabel(need.description, self.needs_box)
            label.setWordWrap(True)
            choice = QComboBox(self.needs_box)
            for code, text in NEED_CHOICES:
                choice.addItem(text, code)
            if need.status != "OPEN":
                choice.setCurrentIndex(max(0, choice.findData(need.status)))
            evidence = QLineEdit(need.outcome_evidence or "", self.needs_box)
            evidence.setPlaceholderText("What shows it (needed for 'Met')")
            self.needs_grid.addWidget(label, row, 0)
            self.needs_grid.addWidget(choice, row, 1)
            self.needs_grid.addWidget(evidence, row, 2)
            self.need_rows.append((need.id, choice, evidence))
            if self.drafts is not None:
                self.drafts.watch(f"need_{need.id}", choice, f"Outcome of “{need.description}”")
                self.drafts.watch(f"evidence_{need.id}", evidence, "What shows it")
        if not form.needs:
            self.needs_grid.addWidget(QLabel("No needs were recorded for this episode.", self.needs_box), 0, 0)
        self.needs_grid.setColumnStretch(0, 2)
        self.needs_grid.setColumnStretch(2, 2)
        self.reason.setFocus()
        self.sig_form_loaded.emit(form)

    def _on_reason_changed(self) -> None:
        default = closures.DEFAULT_DESTINATION.get(str(self.reason.currentData()), "")
        if default:
            self.destination.setCurrentIndex(max(0, self.destination.findData(default)))

    def call(self) -> Callable[[], Any] | None:  # noqa: D102 - see ServiceDialog
        if self._form is None:
            return None
        backend = self._backend
        data = ClosureInput(
            episode_id=self._form.episode_id, expected_version=self._form.version,
            reason=str(self.reason.currentData() or ""), narrative=self.narrative.toPlainText(),
            destination=str(self.destination.currentData() or ""),
            post_closure_actions=self.post.toPlainText(),
            need_outcomes=tuple(NeedOutcomeInput(need_id, str(choice.currentData() or ""), evidence.text())
                                for need_id, choice, evidence in self.need_rows if choice.currentData()),
        )
        return lambda: closures.close_episode(backend.uow(), data)


def _box(parent: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * 3 + 14)
    return box
