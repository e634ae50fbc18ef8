"""Small dialogs of the episode page: allocate, agree the plan, a need, a reason or a date.

Each one saves through its service in a worker; a refused save keeps the dialog open with every
message beside its field and everything typed kept. Only a save that went through closes it.

A dialog that calls :meth:`ServiceDialog.keep_drafts` keeps what is typed as a draft on this PC
(:class:`FormDraft`): dropped once saved or discarded (Esc asks), and offered back when the same
dialog is next opened on the same record, after a crash too. The need dialog does (kind ``"need"``);
the others can be told to by whoever opens them, which knows what they are about (the episode page
does for a closure, the assessment tab for a return for changes). One reopened on a record that has
moved on since says so (:meth:`ServiceDialog.set_no_longer_applies`) and keeps the text to copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.errors import DomainError, ValidationError
from hubapp.domain.dto import MemberRow
from hubapp.domain.plan_dto import AgreementInput, NeedInput, NeedRow, Owner, PlanDetail
from hubapp.domain.validation import format_uk_date, parse_uk_date
from hubapp.drafts import DraftJournal
from hubapp.services import needs, plans
from hubapp.services.session import Backend
from ui import tasks
from ui.pages.episode.field_errors import ErrorLabel, FieldErrors
from ui.widgets.banner import Banner
from ui.widgets.form_draft import KeepsDrafts

#: The draft journal's kind for a need being added or changed.
NEED_KIND = "need"


class ServiceDialog(KeepsDrafts, QDialog):
    """A form dialog whose OK runs a service call in a worker (and, told to, keeps a draft: :class:`KeepsDrafts`).

    Args:
        title: the window title.
        parent: the parent widget.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.result_value: Any = None
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(self.copy_typed)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.summary = ErrorLabel(self)
        self.errors = FieldErrors(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def field(self, label: str, name: str, widget: QWidget, keep: bool = True) -> QWidget:
        """Add a labelled input with its error line under it (kept in the draft, if one is kept)."""
        error = ErrorLabel(self)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(label, box)
        self.errors.add(name, widget, error)
        if keep:
            self.keep_field(name, widget, label)
        return widget

    def call(self) -> Callable[[], Any] | None:
        """The service call to run (``None`` when the form itself found problems)."""
        raise NotImplementedError

    def _on_buttons_accepted(self) -> None:
        if self._stale:
            return
        fn = self.call()
        if fn is None:
            return
        self.buttons.setEnabled(False)
        tasks.run_write(self, fn, self._on_done, self._on_failed)

    def _on_done(self, value: Any) -> None:
        self.buttons.setEnabled(True)
        self.result_value = value
        if self.drafts is not None:
            self.drafts.discard()
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        if self.drafts is not None:
            self.drafts.keep()
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first is not None:
                first.setFocus()
        else:
            self.errors.clear()
            self.summary.show_message(str(exc) if isinstance(exc, DomainError) else "The save failed.")

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override: Cancel, Esc and the window's close button
        if self.drafts is not None and not self.drafts.ask_to_leave():
            return
        super().reject()


def read_date(text: str, field: str, label: str) -> tuple[dt.date | None, ValidationError | None]:
    """A typed dd/mm/yyyy date, or the error saying why it is not one."""
    try:
        return parse_uk_date(text, field, label), None
    except ValidationError as exc:
        return None, exc


class AllocateDialog(ServiceDialog):
    """Choose the episode's lead practitioner (their open caseload is shown beside each name)."""

    def __init__(self, workers: tuple[Owner, ...], current: int | None, run: Callable[[int], Callable[[], Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__("Allocate a lead practitioner", parent)
        self._run = run
        self.workers = QListWidget(self)
        self.workers.setAccessibleName("Lead practitioner")
        for w in workers:
            item = QListWidgetItem(f"{w.name} — {w.detail}")
            item.setData(Qt.ItemDataRole.UserRole, w.id)
            self.workers.addItem(item)
            if w.id == current:
                self.workers.setCurrentItem(item)
        if self.workers.currentRow() < 0 and self.workers.count():
            self.workers.setCurrentRow(0)
        self.field("Lead practitioner", "worker_id", self.workers)
        if not workers:
            self.summary.show_message("No family support worker belongs to this hub yet.")

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        item = self.workers.currentItem()
        if item is None:
            self.summary.show_message("Choose a lead practitioner.")
            return None
        return self._run(int(item.data(Qt.ItemDataRole.UserRole)))


class AgreeDialog(ServiceDialog):
    """Record the family's agreement to a draft version of the plan."""

    def __init__(self, backend: Backend, plan: PlanDetail, adults: tuple[MemberRow, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Agree version {plan.version_no} of the plan", parent)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record the agreement")
        self._backend, self._plan = backend, plan
        self.agreed_by = QComboBox(self)
        self.agreed_by.setEditable(True)
        self.agreed_by.addItems([m.full_name for m in adults])
        self.method = QComboBox(self)
        for code, label in plans.agreement_methods():
            self.method.addItem(label, code)
        self.agreed_on = QLineEdit(format_uk_date(dt.date.today()), self)
        self.agreed_on.setPlaceholderText("dd/mm/yyyy")
        self.field("Agreed by", "agreed_by", self.agreed_by)
        self.field("How", "method", self.method)
        self.field("Agreed on", "agreed_on", self.agreed_on)

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        on, error = read_date(self.agreed_on.text(), "agreed_on", "Agreed on")
        if error is not None:
            self.errors.show(error.errors)
            return None
        assert on is not None
        backend, plan = self._backend, self._plan
        data = AgreementInput(plan.id, plan.version, on, self.agreed_by.currentText(), str(self.method.currentData()))
        return lambda: plans.agree_plan(backend.uow(), data)


class NeedDialog(ServiceDialog):
    """Add or change a family need and the headline outcome it maps to.

    What is typed is kept as a draft about the episode and the need (``None`` for a new one).
    """

    def __init__(self, backend: Backend, episode_id: int, members: tuple[MemberRow, ...], need: NeedRow | None = None,
                 parent: QWidget | None = None, journal: DraftJournal | None = None) -> None:
        super().__init__("Change the need" if need else "Add a need", parent)
        self._backend, self._episode_id, self._need = backend, episode_id, need
        family = f"{members[0].family_name} family" if members else "the family"
        title = f"{'Change to a need' if need else 'New need'} — {family}"
        drafts = self.keep_drafts(NEED_KIND, backend.display_name,
                                  lambda: (title, {"episode_id": episode_id, "need_id": need.id if need else None}),
                                  "this need", journal)
        self.description = QPlainTextEdit(need.description if need else "", self)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        self.outcome = QComboBox(self)
        for item in codes.CODE_LISTS[codes.SF_OUTCOME]:
            self.outcome.addItem(f"{item.label}", item.code)
        if need and need.sf_outcome:
            self.outcome.setCurrentIndex(max(0, self.outcome.findData(need.sf_outcome)))
        self.people = QListWidget(self)
        self.people.setFixedHeight(96)
        for m in members:
            item = QListWidgetItem(m.full_name)
            item.setData(Qt.ItemDataRole.UserRole, m.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = need is not None and m.person_id in need.person_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.status = QComboBox(self)
        for code, label in needs.NEED_STATUSES:
            self.status.addItem(label, code)
        if need:
            self.status.setCurrentIndex(max(0, self.status.findData(need.status)))
        self.evidence = QPlainTextEdit(need.outcome_evidence or "" if need else "", self)
        self.evidence.setTabChangesFocus(True)
        self.evidence.setFixedHeight(60)
        self.field("What the need is", "description", self.description)
        self.field("Headline outcome", "sf_outcome", self.outcome)
        self.field("Who it affects (none ticked: the whole family)", "person_ids", self.people, keep=False)
        drafts.watch_value("person_ids", lambda: [int(i.data(Qt.ItemDataRole.UserRole)) for i in self._ticked()],
                           self._tick, lambda: ", ".join(i.text() for i in self._ticked()), self.people.itemChanged,
                           "Who it affects")
        self.field("Status", "status", self.status)
        self.field("What shows it is met", "outcome_evidence", self.evidence)

    def _ticked(self) -> list[QListWidgetItem]:
        items = (self.people.item(i) for i in range(self.people.count()))
        return [item for item in items if item.checkState() == Qt.CheckState.Checked]

    def _tick(self, kept: object) -> bool:
        ids = set(kept) if isinstance(kept, list) else set()
        for i in range(self.people.count()):
            item = self.people.item(i)
            ticked = int(item.data(Qt.ItemDataRole.UserRole)) in ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        return True

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        people = tuple(int(item.data(Qt.ItemDataRole.UserRole)) for item in self._ticked())
        need = self._need
        data = NeedInput(
            self._episode_id, self.description.toPlainText(), str(self.outcome.currentData()), people,
            status=str(self.status.currentData()), outcome_evidence=self.evidence.toPlainText(),
            need_id=need.id if need else None, expected_version=need.version if need else None,
            identified_on=need.identified_on if need else None,
        )
        backend = self._backend
        return lambda: needs.save_need(backend.uow(), data)


class TextDialog(ServiceDialog):
    """Ask for one piece of text (a reason) or a date, then run a call with it."""

    def __init__(self, title: str, label: str, field: str, run: Callable[[str], Callable[[], Any]],
                 parent: QWidget | None = None, placeholder: str = "", multiline: bool = True) -> None:
        super().__init__(title, parent)
        self._run = run
        self.text: QPlainTextEdit | QLineEdit
        if multiline:
            self.text = QPlainTextEdit(self)
            self.text.setTabChangesFocus(True)
            self.text.setFixedHeight(90)
            self.text.setPlaceholderText(placeholder)
        else:
            self.text = QLineEdit(self)
            self.text.setPlaceholderText(placeholder)
        self.field(label, field, self.text)

    def value(self) -> str:
        """What was typed."""
        return self.text.toPlainText() if isinstance(self.text, QPlainTextEdit) else self.text.text()

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        return self._run(self.value())


class CloseDialog(ServiceDialog):
    """Close an episode: why, where the family goes next, and a summary."""

    def __init__(self, run: Callable[[str, str, str], Callable[[], Any]], parent: QWidget | None = None) -> None:
        super().__init__("Close the episode", parent)
        self._run = run
        self.reason = QComboBox(self)
        self.reason.addItem("Choose…", "")
        for item in codes.CODE_LISTS[codes.EPISODE_CLOSURE_REASON]:
            self.reason.addItem(item.label, item.code)
        self.destination = QComboBox(self)
        self.destination.addItem("Not recorded", "")
        for item in codes.CODE_LISTS[codes.CLOSURE_DESTINATION]:
            self.destination.addItem(item.label, item.code)
        self.narrative = QPlainTextEdit(self)
        self.narrative.setTabChangesFocus(True)
        self.narrative.setFixedHeight(90)
        self.field("Why it is closing", "reason", self.reason)
        self.field("Where the family goes next", "destination", self.destination)
        self.field("Summary", "narrative", self.narrative)

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        return self._run(str(self.reason.currentData()), str(self.destination.currentData()),
                         self.narrative.toPlainText())
