"""TAF meetings and reviews of an episode: when the next review is due (flagged when overdue), the
meetings held and arranged, and the buttons to arrange, record, cancel or print one.

A meeting record kept as a draft is offered back when a meeting is next recorded, and opens again
here after a restart or after "Reload and re-apply" (:meth:`MeetingsTab.restore`). Each dialog is
deleted once it has closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain.errors import DomainError
from hubapp.domain.meeting_dto import MeetingDetail, MeetingRow
from hubapp.domain.plan_dto import EpisodeDetail, PlanDetail
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import meetings, plans
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.models.base import Column, RowTableModel
from ui.pages.episode.dialogs import run_modal
from ui.pages.episode.field_errors import ErrorLabel
from ui.dialogs import prompts
from ui.pages.episode.meeting_dialog import DRAFT_KIND as MEETING_DRAFT
from ui.pages.episode.meeting_dialog import MeetingDialog
from ui.widgets.chips import ChipRow
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths


def _when(m: MeetingRow) -> str:
    if m.held_on:
        return fmt.uk_date(m.held_on)
    return fmt.uk_datetime(m.scheduled_for) if m.scheduled_for else ""


class MeetingsModel(RowTableModel[MeetingRow]):
    """Meetings, newest first."""

    columns = (
        Column("Date", _when),
        Column("Meeting", lambda m: m.kind_label),
        Column("Status", lambda m: fmt.status_words(m.status)),
        Column("Decision", lambda m: m.decision_label or ""),
        Column("Next review due", lambda m: fmt.uk_date(m.next_review_due)),
        Column("Plan", lambda m: f"Version {m.plan_version_no}" if m.plan_version_no else ""),
        Column("People", lambda m: str(m.attendee_count)),
    )

    def key(self, row: MeetingRow) -> object:
        """The meeting's id."""
        return row.id


class MeetingsTab(QWidget):
    """The episode's TAF meetings.

    Signals:
        sig_changed(object): a meeting was arranged, recorded or cancelled (the ``Changes``).
        sig_print_requested(int): preview and print this meeting's record.
        sig_message(str): a short message for the status bar.
        sig_reload_requested(object): a record's save was refused as stale: reload the episode, then
            open this kept draft again over it (a ``(Draft, DraftJournal)``, or ``None``).
    """

    # ---- Signals
    sig_changed = Signal(object)
    sig_print_requested = Signal(int)
    sig_message = Signal(str)
    sig_reload_requested = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.journal = DraftJournal()  # unsaved meeting records (kept while typed, offered back)
        self._dialogs: list[MeetingDialog] = []  # open ones hold their drafts (closed ones are deleted)
        self.episode: EpisodeDetail | None = None
        self.next_due = QLabel(self)
        self.next_due.setProperty("role", "heading")
        self.chips = ChipRow(self)
        self.model = MeetingsModel(self)
        self.table = make_table(self.model, self, "Meetings")
        self.table.setAccessibleName("Meetings")
        self.stack = EmptyStateStack(self.table, self)
        self.record_button = QPushButton("&Record a meeting…", self)
        self.record_button.setProperty("role", "primary")
        self.schedule_button = QPushButton("Arra&nge a meeting…", self)
        self.held_button = QPushButton("Record this one as &held…", self)
        self.cancel_button = QPushButton("Cancel meeting", self)
        self.print_button = QPushButton("Print the &record…", self)
        self.message = ErrorLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.next_due)
        top.addWidget(self.chips, 1)
        buttons = QHBoxLayout()
        for b in (self.record_button, self.schedule_button, self.held_button, self.cancel_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        set_column_widths(self.table, {0: 16, 1: 30, 2: 10, 4: 13, 5: 9, 6: 6})
        self._fitter = ColumnFitter(self.table, {3: (1.0, 18)})
        self.record_button.clicked.connect(lambda: self._open(None, schedule=False))
        self.schedule_button.clicked.connect(lambda: self._open(None, schedule=True))
        self.held_button.clicked.connect(self._record_selected)
        self.cancel_button.clicked.connect(self._cancel_selected)
        self.print_button.clicked.connect(self._print_selected)
        self.table.activated.connect(lambda _index: self._print_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

    # ---- Public

    def show_episode(self, episode: EpisodeDetail) -> None:
        """Show the episode's meetings."""
        self.episode = episode
        self.model.set_rows(episode.meetings)
        if episode.meetings:
            self.stack.show_table()
        else:
            self.stack.show_empty("No meetings yet. The first Team Around the Family meeting agrees the plan "
                                  "and sets the review dates.")
        if episode.next_review_due:
            self.next_due.setText(f"Next review due {fmt.uk_date(episode.next_review_due)}")
        else:
            self.next_due.setText("No review due" + ("" if episode.current_plan_id else " – no agreed plan yet"))
        self.chips.set_chips([("Review overdue", "red")] if episode.review_overdue else [])
        open_episode = episode.status not in ("CLOSED",)
        self.record_button.setEnabled(open_episode)
        self.schedule_button.setEnabled(open_episode)
        self._update_buttons()

    def restore(self, draft: Draft, journal: DraftJournal | None = None) -> None:
        """Open a kept meeting record again, over the episode (and the meeting) as it is now, with what was typed.

        If the episode has closed since, or the arranged meeting it records was held or cancelled since,
        the dialog says so and keeps the text to copy; it cannot be saved.

        Args:
            draft: the kept draft (kind ``"meeting"``) about the episode shown.
            journal: the journal it came from (default: this tab's).
        """
        meeting_id = draft.data.get("meeting_id")
        if meeting_id is None:
            self._open(None, schedule=False, draft=draft, journal=journal)
            return
        backend = self._backend
        tasks.run_read(self, lambda: meetings.get_meeting(backend.uow(), meeting_id),
                       lambda detail: self._open(detail, schedule=False, draft=draft, journal=journal),
                       self._on_restore_failed(draft))

    # ---- Internals

    def _selected(self) -> MeetingRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _update_buttons(self) -> None:
        m = self._selected()
        self.held_button.setEnabled(m is not None and m.status == "SCHEDULED")
        self.cancel_button.setEnabled(m is not None and m.status == "SCHEDULED")
        self.print_button.setEnabled(m is not None and m.status == "HELD")

    def _open(self, scheduled: MeetingDetail | None, schedule: bool, draft: Draft | None = None,
              journal: DraftJournal | None = None) -> None:
        e = self.episode
        if e is None:
            return
        plan_id = e.current_plan_id
        if plan_id is None or schedule:
            self._show_dialog(None, scheduled, schedule, draft, journal)
            return
        backend = self._backend
        failed = self._on_failed if draft is None else self._on_restore_failed(draft)
        tasks.run_read(self, lambda: plans.get_plan(backend.uow(), plan_id),
                       lambda plan: self._show_dialog(plan, scheduled, schedule, draft, journal), failed)

    def _show_dialog(self, plan: PlanDetail | None, scheduled: MeetingDetail | None, schedule: bool,
                     draft: Draft | None = None, journal: DraftJournal | None = None) -> None:
        e = self.episode
        assert e is not None
        kept = draft is not None
        if draft is None and not schedule:
            draft = self._offer_draft(e.id, scheduled.row.id if scheduled else None)
        dialog = MeetingDialog(self._backend, e, plan, scheduled, schedule, self, journal or self.journal, draft)
        self._dialogs = [d for d in self._dialogs if shiboken6.isValid(d)] + [dialog]
        if kept:
            why = ""
            if e.status == "CLOSED":
                why = "This episode has been closed since you typed this, so this meeting record cannot be saved."
            elif scheduled is not None and scheduled.row.status != "SCHEDULED":
                why = (f"This meeting is {fmt.status_words(scheduled.row.status).lower()} now, so this record of it "
                       "cannot be saved.")
            if why:
                dialog.set_no_longer_applies(f"{why} What you typed is kept below: copy what you need, then close "
                                             "this (Esc).")

        def saved(detail: MeetingDetail) -> None:
            self.sig_message.emit(detail.notice or ("Meeting arranged." if schedule else "Meeting recorded."))
            if detail.notice:
                self.message.show_message(detail.notice)
            self.sig_changed.emit(detail.changes)

        run_modal(dialog, saved, self.sig_reload_requested.emit)

    def _offer_draft(self, episode_id: int, meeting_id: int | None) -> Draft | None:
        """A kept, unsaved record of a meeting of this episode: offer it back (``None``: start afresh)."""
        # Only a dialog still open holds its draft (one closed is deleted, or about to be).
        in_use = {d.autosave.draft_id for d in self._dialogs
                  if shiboken6.isValid(d) and d.isVisible() and d.autosave is not None}
        for draft in self.journal.drafts(MEETING_DRAFT, self._backend.display_name):
            if draft.id in in_use:
                continue  # still held by a form of this window
            if draft.data.get("episode_id") == episode_id and draft.data.get("meeting_id") == meeting_id:
                answer = prompts.ask_restore(self, draft)
                if answer == prompts.RESTORE:
                    return draft
                if answer == prompts.DISCARD and prompts.confirm_discard_draft(self, draft):
                    self.journal.discard(draft.id)
                return None
        return None

    def _record_selected(self) -> None:
        m = self._selected()
        if m is None:
            return
        backend = self._backend
        tasks.run_read(self, lambda: meetings.get_meeting(backend.uow(), m.id),
                       lambda detail: self._open(detail, schedule=False), self._on_failed)

    def _cancel_selected(self) -> None:
        m = self._selected()
        if m is None:
            return
        backend = self._backend
        tasks.run_write(self, lambda: meetings.cancel_meeting(backend.uow(), m.id, m.version),
                        lambda detail: self.sig_changed.emit(detail.changes), self._on_failed)

    def _print_selected(self) -> None:
        m = self._selected()
        if m is not None and m.status == "HELD":
            self.sig_print_requested.emit(m.id)

    def _on_failed(self, exc: Exception) -> None:
        self.message.show_message(str(exc) if isinstance(exc, DomainError) else "That did not work.")

    def _on_restore_failed(self, draft: Draft) -> Callable[[Exception], Any]:
        def failed(exc: Exception) -> None:
            self._on_failed(exc)
            self.sig_message.emit(f"{draft.title}: it could not be opened again. What you typed is still kept on "
                                  "this PC and is offered again next time.")

        return failed
