"""Small dialogs of the episode page: allocate, agree the plan, a need, a reason or a date.

Each one saves through its service in a worker; a refused save keeps the dialog open with every
message beside its field and everything typed kept. Only a save that went through closes it.

A dialog that calls :meth:`ServiceDialog.keep_drafts` keeps what is typed as a draft on this PC
(:class:`FormDraft`): dropped once saved or discarded (Esc asks), and offered back when the same
dialog is next opened on the same record, after a crash too. The need dialog does (kind ``"need"``);
the others can be told to by whoever opens them, which knows what they are about (the episode page
does for a closure, the assessment tab for a return for changes). One reopened on a record that has
moved on since says so (:meth:`ServiceDialog.set_no_longer_applies`) and keeps the text to copy.

A save that lost a race (someone else changed the record since the dialog opened:
``ConcurrencyConflict``) can never go through as it is: the dialog says who changed it and when, and
offers "Reload and re-apply" (:data:`REAPPLY`). What was typed is kept in the journal, the dialog
closes, and whoever opened it reloads the episode and opens the same dialog again over it, with what
was typed put back (:attr:`ServiceDialog.reapply`); or, if it no longer applies, says so with the text
to copy. A dialog that keeps no draft says what happened and offers "Reload" (:data:`RELOAD`). A save
refused because the record moved to a state where the step is not allowed (``IllegalTransition``) goes
straight to the "no longer applies" state, with the text kept. Either way whoever opened the dialog
reloads the episode once it closes (:attr:`ServiceDialog.refused`). :func:`run_modal` runs a dialog
and hands on how it ended; closed dialogs are deleted, not left as hidden children of the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.errors import ConcurrencyConflict, DomainError, IllegalTransition, ValidationError
from hubapp.domain.dto import MemberRow
from hubapp.domain.plan_dto import AgreementInput, NeedInput, NeedRow, Owner, PlanDetail
from hubapp.domain.validation import format_uk_date, parse_uk_date
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import needs, plans
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.pages.episode.field_errors import ErrorLabel, FieldErrors
from ui.pages.episode.kept_drafts import NEED_KIND
from ui.widgets.banner import Banner
from ui.widgets.form_draft import About, FormDraft, KeepsDrafts

#: The banner's action after a lost race, in a dialog that keeps what is typed.
REAPPLY = "Reload and re-apply"
#: The banner's action after a lost race, in a dialog that keeps nothing.
RELOAD = "Reload"
#: A kept draft and the journal it is in, to open again on the episode as it is now.
Kept = tuple[Draft, DraftJournal]
#: The key of a draft written for "Reload and re-apply": what the reopened dialog says about it.
REAPPLIED = "reapplied"


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
        #: Why a save was refused as stale (a lost race, or a step the record no longer allows): whoever
        #: opened the dialog reloads the episode once it has closed.
        self.refused: DomainError | None = None
        #: What was typed, kept to open again on the episode as it is now ("Reload and re-apply").
        self.reapply: Kept | None = None
        self._saving = False
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(self._on_banner_action_triggered)
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

    def keep_drafts(self, kind: str, database: str, about: About, what: str, journal: DraftJournal | None = None,
                    draft: Draft | None = None) -> FormDraft:
        """Keep what is typed as a draft (see :meth:`KeepsDrafts.keep_drafts`).

        A draft kept by "Reload and re-apply" says so as the dialog opens again with it.
        """
        drafts = super().keep_drafts(kind, database, about, what, journal, draft)
        if draft is not None:
            self.show_reapplied(draft)
        return drafts

    def show_reapplied(self, draft: Draft) -> None:
        """If ``draft`` was kept by "Reload and re-apply", say that the record was reloaded under it."""
        note = draft.data.get(REAPPLIED)
        if isinstance(note, str) and note:
            self.banner.show_message(note, "info")

    def call(self) -> Callable[[], Any] | None:
        """The service call to run (``None`` when the form itself found problems)."""
        raise NotImplementedError

    def keeps_typing(self) -> bool:
        """Whether what is typed here is kept in the draft journal (so it can be opened again)."""
        return self.drafts is not None

    def kept_for_reapply(self) -> Kept | None:
        """Write what is typed to the journal now, to open again on the record as it is now.

        Returns:
            The draft as written and its journal; ``None`` if it could not be written (the disk refused).
        """
        drafts = self.drafts
        draft = drafts.keep_now() if drafts is not None else None
        if drafts is None or draft is None:
            return None
        journal = drafts.autosave.journal
        fields = draft.data.get("fields")
        fields = self.reapplied_fields(dict(fields) if isinstance(fields, dict) else {})
        note = self.reapplied_note()
        try:
            draft = journal.save(draft.kind, draft.id, draft.title, draft.database,
                                 {**draft.data, "fields": fields, REAPPLIED: note})
        except OSError:
            pass  # what was typed is written already; only the note and the narrowing are lost
        return draft, journal

    def reapplied_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The kept inputs to put back over the record as it is now (default: every one of them)."""
        return fields

    def reapplied_note(self) -> str:
        """What the dialog opened again by "Reload and re-apply" says: who changed the record, and when."""
        exc = self.refused
        if not isinstance(exc, ConcurrencyConflict):
            return ""
        when = f" at {exc.changed_at.astimezone():%H:%M on %d/%m/%Y}" if exc.changed_at else ""
        return (f"{exc.changed_by or 'Someone else'} changed this {exc.entity}{when}. It was reloaded and what "
                "you typed is put back: check it, then save.")

    def _on_buttons_accepted(self) -> None:
        if self._stale or self._saving or isinstance(self.refused, ConcurrencyConflict):
            return
        fn = self.call()
        if fn is None:
            return
        self._set_saving(True)
        tasks.run_write(self, fn, self._on_done, self._on_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)

    def _on_done(self, value: Any) -> None:
        self._set_saving(False)
        self.result_value = value
        if self.drafts is not None:
            self.drafts.discard()
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._set_saving(False)
        if self.drafts is not None:
            self.drafts.keep()
        if isinstance(exc, ConcurrencyConflict):
            self._lost_race(exc)
        elif isinstance(exc, IllegalTransition):
            self.refused = exc
            self.errors.clear()
            kept = ("What you typed is kept below: copy what you need, then close this (Esc)."
                    if self.keeps_typing() else "Nothing was saved: close this (Esc) to see how things are now.")
            self.set_no_longer_applies(f"This {exc.entity} is {fmt.status_words(exc.state).lower()} now, so this "
                                       f"cannot be saved. {kept}")
        elif isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first is not None:
                first.setFocus()
        else:
            self.errors.clear()
            self.summary.show_message(str(exc) if isinstance(exc, DomainError) else "The save failed.")

    def _lost_race(self, exc: ConcurrencyConflict) -> None:
        """Someone else changed the record first: say who and when; saving again cannot succeed."""
        self.refused = exc
        self.errors.clear()
        self.save_button.setEnabled(False)
        self.save_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        if self.keeps_typing():
            self.banner.show_message(f"{exc} What you typed is kept.", "warning", REAPPLY)
        else:
            self.banner.show_message(str(exc), "warning", RELOAD)
        self.adjustSize()  # make room for the message

    def _on_banner_action_triggered(self) -> None:
        if self._stale:
            self.copy_typed()
            return
        if not isinstance(self.refused, ConcurrencyConflict):
            return
        if self.keeps_typing():
            kept = self.kept_for_reapply()
            if kept is None:
                self.set_no_longer_applies(f"{self.refused} What you typed could not be kept on this PC (the disk "
                                           "refused): copy what you need, then close this (Esc).")
                return
            self.reapply = kept
        QDialog.reject(self)  # no question: what was typed is kept (or nothing was)

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override: Cancel, Esc and the window's close button
        if self._saving:
            return  # the save's outcome is on its way: closing now would leave it nowhere to go
        if self.drafts is not None and not self.drafts.ask_to_leave():
            return
        super().reject()


def run_modal(dialog: ServiceDialog, on_saved: Callable[[Any], None],
              on_refused: Callable[[Kept | None], None]) -> None:
    """Run a dialog (``exec``), hand on how it ended, and delete it.

    Args:
        dialog: the dialog.
        on_saved: called with the service's result once the save went through.
        on_refused: called when the save was refused as stale (reload the episode), with the draft to open
            again over it if the person chose "Reload and re-apply" (else ``None``).
    """
    try:
        if dialog.exec() and dialog.result_value is not None:
            on_saved(dialog.result_value)
        elif dialog.reapply is not None or dialog.refused is not None:
            on_refused(dialog.reapply)
    finally:
        if shiboken6.isValid(dialog):  # gone already if its window was
            dialog.deleteLater()


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

    What is typed is kept as a draft about the episode and the need (``None`` for a new one). Put back
    over a need someone else changed since ("Reload and re-apply"), only the inputs the person changed
    are put back: the others show the need as it is now.

    Args:
        backend: the open database.
        episode_id: the episode.
        members: the family's members (who a need can be about).
        need: the need to change (``None``: add one).
        parent: the parent widget.
        journal: where drafts are kept (default: the user's data directory).
        draft: a kept draft of this need to carry on with.
    """

    def __init__(self, backend: Backend, episode_id: int, members: tuple[MemberRow, ...], need: NeedRow | None = None,
                 parent: QWidget | None = None, journal: DraftJournal | None = None,
                 draft: Draft | None = None) -> None:
        super().__init__("Change the need" if need else "Add a need", parent)
        self._backend, self._episode_id, self._need = backend, episode_id, need
        family = f"{members[0].family_name} family" if members else "the family"
        # A kept change to a need no longer on the episode stays about that need.
        need_id = need.id if need else draft.data.get("need_id") if draft is not None else None
        title = f"{'Change to a need' if need_id is not None else 'New need'} — {family}"
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
        self._opened = self._inputs()  # the need as it was opened, before a kept draft is put back
        drafts = self.keep_drafts(NEED_KIND, backend.display_name,
                                  lambda: (title, {"episode_id": episode_id, "need_id": need_id}),
                                  "this need", journal, draft)
        self.field("What the need is", "description", self.description)
        self.field("Headline outcome", "sf_outcome", self.outcome)
        self.field("Who it affects (none ticked: the whole family)", "person_ids", self.people, keep=False)
        drafts.watch_value("person_ids", lambda: [int(i.data(Qt.ItemDataRole.UserRole)) for i in self._ticked()],
                           self._tick, lambda: ", ".join(i.text() for i in self._ticked()), self.people.itemChanged,
                           "Who it affects")
        self.field("Status", "status", self.status)
        self.field("What shows it is met", "outcome_evidence", self.evidence)

    def reapplied_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Only the inputs changed since the need was opened: the others take the need as it is now."""
        opened = self._opened
        return {name: value for name, value in fields.items() if name not in opened or opened[name] != value}

    def _inputs(self) -> dict[str, Any]:
        """Every input's value, as the draft keeps it."""
        return {"description": self.description.toPlainText(), "sf_outcome": self.outcome.currentData(),
                "person_ids": [int(i.data(Qt.ItemDataRole.UserRole)) for i in self._ticked()],
                "status": self.status.currentData(), "outcome_evidence": self.evidence.toPlainText()}

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
