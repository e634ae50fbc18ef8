"""Arrange a TAF meeting, or record one as held: who came (with their agencies), progress on each
goal of the plan in force (improved / no change / worse and a 0–10 score), and the decision, with
the next review date it leads to shown as it is chosen.

A meeting record is long to type, so while it is typed it is kept as a draft on this PC
(:class:`DraftAutosave`, kind ``"meeting"``), removed once recorded or deliberately discarded,
and offered back the next time a meeting of the episode is recorded, and at start after a crash
(``MeetingsTab.restore``). A record that lost a race can be opened again over the meeting as it is
now ("Reload and re-apply"), one that no longer applies keeps its text to copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateTimeEdit, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.meeting_dto import AttendeeInput, HeldInput, MeetingDetail, ProgressInput, ScheduleInput
from hubapp.domain.plan_dto import EpisodeDetail, PlanDetail
from hubapp.domain.plan_rules import next_review_due
from hubapp.domain.validation import format_uk_date
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import meetings
from hubapp.services.session import Backend
from ui.dialogs import prompts
from ui.pages.episode.dialogs import REAPPLIED, Kept, ServiceDialog, read_date
from ui.pages.episode.field_errors import ErrorLabel
from ui.pages.episode.kept_drafts import MEETING_KIND
from ui.widgets.draft_autosave import DraftAutosave
from ui.widgets.form_draft import COPY

#: The draft journal's kind for meeting records.
DRAFT_KIND = MEETING_KIND

RATINGS = (("", "Choose…"), ("IMPROVED", "Improved"), ("NO_CHANGE", "No change"), ("WORSE", "Worse"))
NAME, ROLE, AGENCY, PRESENT = range(4)


class MeetingDialog(ServiceDialog):
    """Record a meeting as held (``schedule`` false) or arrange one.

    Args:
        backend: the open database.
        episode: the episode.
        plan: the plan in force (its goals are rated), if any.
        scheduled: the scheduled meeting being recorded as held, if any.
        schedule: arrange a meeting instead of recording one.
        parent: the parent widget.
        journal: where the record's draft is kept (recording only; default: the user's data directory).
        draft: a kept draft of this record to carry on with.
    """

    def __init__(self, backend: Backend, episode: EpisodeDetail, plan: PlanDetail | None,
                 scheduled: MeetingDetail | None = None, schedule: bool = False, parent: QWidget | None = None,
                 journal: DraftJournal | None = None, draft: Draft | None = None) -> None:
        title = "Arrange a meeting" if schedule else "Record a meeting"
        super().__init__(title, parent)
        self.setMinimumSize(860, 640 if not schedule else 420)
        self._backend, self._episode, self._plan = backend, episode, plan
        self._scheduled, self._schedule = scheduled, schedule
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Arrange the meeting" if schedule else "Record the meeting")
        self.kind = QComboBox(self)
        for item in codes.CODE_LISTS[codes.MEETING_TYPE]:
            self.kind.addItem(item.label, item.code)
        default = scheduled.row.kind if scheduled else ("TAF_REVIEW" if plan and episode.meetings else "INITIAL_TAF")
        self.kind.setCurrentIndex(max(0, self.kind.findData(default)))
        self.field("Meeting", "kind", self.kind)
        if schedule:
            self.when = QDateTimeEdit(QDateTime.currentDateTime().addDays(7), self)
            self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
            self.when.setCalendarPopup(True)
            self.field("When", "scheduled_for", self.when)
        else:
            self.held_on = QLineEdit(format_uk_date(dt.date.today()), self)
            self.held_on.setPlaceholderText("dd/mm/yyyy")
            self.held_on.textChanged.connect(self._update_next_review)
            self.field("Held on", "held_on", self.held_on)
        self.location = QLineEdit(scheduled.row.location or "" if scheduled else "", self)
        self.location.setPlaceholderText("Family home, school, family hub, online…")
        self.field("Where", "location", self.location)
        self.attendees = self._attendee_table()
        self.field("Who " + ("is invited" if schedule else "was invited and who came"), "attendees",
                   self._with_buttons(self.attendees))
        self.attendee_errors = ErrorLabel(self)
        self.form.addRow("", self.attendee_errors)
        self.errors.add_prefix("attendees[", self.attendee_errors)
        if not schedule:
            self.progress = self._progress_table()
            self.field("Progress on each goal", "progress", self.progress)
            self.progress_errors = ErrorLabel(self)
            self.form.addRow("", self.progress_errors)
            self.errors.add_prefix("progress[", self.progress_errors)
            self.errors.add_prefix("goals[", self.progress_errors)
            self.decision = QComboBox(self)
            self.decision.addItem("No decision (not a review)", None)
            for item in codes.CODE_LISTS[codes.REVIEW_DECISION]:
                self.decision.addItem(item.label, item.code)
            self.decision.currentIndexChanged.connect(self._update_next_review)
            self.kind.currentIndexChanged.connect(self._update_next_review)
            self.field("Decision", "decision", self.decision)
            self.notes = QPlainTextEdit(self)
            self.notes.setTabChangesFocus(True)
            self.notes.setFixedHeight(64)
            self.field("Notes on the decision", "decision_notes", self.notes)
            self.next_review = QLabel(self)
            self.next_review.setProperty("role", "muted")
            self.form.addRow("Next review", self.next_review)
            self._update_next_review()
        self.autosave: DraftAutosave | None = None
        self._dirty = False
        if not schedule:
            self.autosave = DraftAutosave(journal or DraftJournal(), DRAFT_KIND, backend.display_name, self._snapshot,
                                          draft.id if draft else None, self)
            if draft is not None:
                self.restore(draft.data)
                self._dirty = True
                self.show_reapplied(draft)
            self._watch_edits()

    # ---- Drafts

    @property
    def is_dirty(self) -> bool:
        """Whether something was typed since the form opened."""
        return self._dirty

    def state(self) -> dict[str, Any]:
        """The record as typed, as plain JSON values."""
        attendees = []
        for row in range(self.attendees.rowCount()):
            texts = [(self.attendees.item(row, c).text() if self.attendees.item(row, c) else "")
                     for c in (NAME, ROLE, AGENCY)]
            present = self.attendees.item(row, PRESENT)
            attendees.append([*texts, present is not None and present.checkState() == Qt.CheckState.Checked])
        progress = []
        for row in range(self.progress.rowCount()):
            goal, rating = self.progress.item(row, 0), self.progress.cellWidget(row, 1)
            score, comment = self.progress.item(row, 2), self.progress.item(row, 3)
            progress.append({"goal_id": goal.data(Qt.ItemDataRole.UserRole) if goal else None,
                             "rating": rating.currentData() if isinstance(rating, QComboBox) else "",
                             "score": score.text() if score else "", "comment": comment.text() if comment else ""})
        return {"episode_id": self._episode.id, "meeting_id": self._scheduled.row.id if self._scheduled else None,
                "kind": self.kind.currentData(), "held_on": self.held_on.text(), "location": self.location.text(),
                "attendees": attendees, "progress": progress, "decision": self.decision.currentData(),
                "notes": self.notes.toPlainText()}

    def restore(self, data: dict[str, Any]) -> None:
        """Put a draft's record back into the form (goals matched by id; goals gone are left out)."""
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.get("kind"))))
        self.held_on.setText(str(data.get("held_on") or ""))
        self.location.setText(str(data.get("location") or ""))
        self.attendees.setRowCount(0)
        for name, role, agency, present in data.get("attendees") or []:
            row = self._add_attendee(self.attendees, str(name), str(role), str(agency))
            item = self.attendees.item(row, PRESENT)
            item.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
        by_goal = {p.get("goal_id"): p for p in data.get("progress") or []}
        for row in range(self.progress.rowCount()):
            goal = self.progress.item(row, 0)
            kept = by_goal.get(goal.data(Qt.ItemDataRole.UserRole) if goal else None)
            rating = self.progress.cellWidget(row, 1)
            if kept is None or not isinstance(rating, QComboBox):
                continue
            rating.setCurrentIndex(max(0, rating.findData(kept.get("rating") or "")))
            self.progress.item(row, 2).setText(str(kept.get("score") or ""))
            self.progress.item(row, 3).setText(str(kept.get("comment") or ""))
        self.decision.setCurrentIndex(max(0, self.decision.findData(data.get("decision"))))
        self.notes.setPlainText(str(data.get("notes") or ""))
        self._update_next_review()

    def typed_text(self) -> str:
        """The record as typed, as plain text to copy."""
        people = []
        for name, role, agency, present in self.state()["attendees"]:
            about = ", ".join(t for t in (role, agency) if t)
            people.append(f"- {name}" + (f" ({about})" if about else "") + ("" if present else " — did not come"))
        progress = []
        for row in range(self.progress.rowCount()):
            goal, rating = self.progress.item(row, 0), self.progress.cellWidget(row, 1)
            score, comment = self.progress.item(row, 2), self.progress.item(row, 3)
            said = [rating.currentText() if isinstance(rating, QComboBox) and rating.currentData() else "",
                    f"score {score.text()}" if score and score.text().strip() else "",
                    comment.text() if comment else ""]
            if any(said):
                progress.append(f"- {goal.text() if goal else ''}: " + "; ".join(t for t in said if t))
        parts = [f"Meeting: {self.kind.currentText()}", f"Held on: {self.held_on.text()}",
                 f"Where: {self.location.text()}", "Who was invited and who came:\n" + "\n".join(people)]
        if progress:
            parts.append("Progress on each goal:\n" + "\n".join(progress))
        if self.decision.currentData():
            parts.append(f"Decision: {self.decision.currentText()}")
        if self.notes.toPlainText().strip():
            parts.append(f"Notes on the decision:\n{self.notes.toPlainText()}")
        return "\n\n".join(parts)

    def keeps_typing(self) -> bool:  # noqa: D102 - a record keeps its own draft (arranging keeps none)
        return self.autosave is not None

    def kept_for_reapply(self) -> Kept | None:  # noqa: D102 - see ServiceDialog.kept_for_reapply
        autosave = self.autosave
        if autosave is None:
            return None
        autosave.touch()
        if not autosave.flush():
            return None
        draft = autosave.journal.load(autosave.draft_id)
        if draft is None:
            return None
        try:
            draft = autosave.journal.save(draft.kind, draft.id, draft.title, draft.database,
                                          {**draft.data, REAPPLIED: self.reapplied_note()})
        except OSError:
            pass  # the record is written already; only the note is lost
        return draft, autosave.journal

    def set_no_longer_applies(self, text: str) -> None:  # noqa: D102 - the record's own draft: offer to copy it
        super().set_no_longer_applies(text)
        if self.autosave is not None:
            self.banner.show_message(text, "warning", COPY)

    def copy_typed(self) -> None:  # noqa: D102 - the record's own draft, not a FormDraft
        if self.autosave is not None:
            QGuiApplication.clipboard().setText(self.typed_text())
            self.banner.action.setText("Copied")

    def _snapshot(self) -> tuple[str, dict[str, Any]]:
        return f"Meeting record for the {self._episode.family_name}", self.state()

    def _watch_edits(self) -> None:
        for edit in (self.held_on, self.location):
            edit.textEdited.connect(self._on_edited)
        self.notes.textChanged.connect(self._on_edited)
        for combo in (self.kind, self.decision):
            combo.activated.connect(self._on_edited)
        for table in (self.attendees, self.progress):
            table.itemChanged.connect(self._on_edited)
            table.model().rowsRemoved.connect(self._on_edited)
        for row in range(self.progress.rowCount()):
            rating = self.progress.cellWidget(row, 1)
            if isinstance(rating, QComboBox):
                rating.activated.connect(self._on_edited)

    def _on_edited(self, *_args: object) -> None:
        self._dirty = True
        if self.autosave is not None:
            self.autosave.touch()

    def _on_done(self, value: Any) -> None:
        if self.autosave is not None:
            self.autosave.discard()
        self._dirty = False
        super()._on_done(value)

    def _on_failed(self, exc: Exception) -> None:
        if self.autosave is not None and self._dirty:
            self.autosave.touch()
            self.autosave.flush()
        super()._on_failed(exc)

    def reject(self) -> None:  # noqa: D102 - Qt override: Cancel, Esc and the window's close button
        if self.autosave is not None and self._dirty:
            answer = prompts.ask_discard(self, "this meeting record")
            if answer == prompts.CANCEL:
                return
            if answer == prompts.DISCARD:
                self.autosave.discard()
            else:
                self.autosave.touch()
                self.autosave.flush()
        super().reject()

    # ---- Building

    def _attendee_table(self) -> QTableWidget:
        table = QTableWidget(0, 4, self)
        table.setHorizontalHeaderLabels(["Name", "Role", "Agency", "Came" if not self._schedule else "Invited"])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(PRESENT, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(True)
        table.setMinimumHeight(150)
        table.setAccessibleName("Attendees")
        e = self._episode
        if self._scheduled is not None:
            people = [(a.name, a.role or "", a.agency or "") for a in self._scheduled.attendees]
        else:
            people = [(m.full_name, m.relation_label, "") for m in e.members if m.has_parental_responsibility]
            if e.lead_worker:
                people.insert(0, (e.lead_worker, "Lead practitioner", "Early Help"))
        for name, role, agency in people:
            self._add_attendee(table, name, role, agency)
        return table

    def _add_attendee(self, table: QTableWidget, name: str = "", role: str = "", agency: str = "") -> int:
        row = table.rowCount()
        table.insertRow(row)
        for column, text in ((NAME, name), (ROLE, role), (AGENCY, agency)):
            table.setItem(row, column, QTableWidgetItem(text))
        present = QTableWidgetItem()
        present.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        present.setCheckState(Qt.CheckState.Checked)
        table.setItem(row, PRESENT, present)
        return row

    def _with_buttons(self, table: QTableWidget) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(table, 1)
        add = QPushButton("Add person", box)
        remove = QPushButton("Remove", box)
        add.clicked.connect(self._on_add_person)
        remove.clicked.connect(lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
        side = QVBoxLayout()
        side.addWidget(add)
        side.addWidget(remove)
        side.addStretch(1)
        row.addLayout(side)
        return box

    def _on_add_person(self) -> None:
        row = self._add_attendee(self.attendees)
        self.attendees.setCurrentCell(row, NAME)
        self.attendees.setFocus()
        self.attendees.editItem(self.attendees.item(row, NAME))

    def _progress_table(self) -> QTableWidget:
        goals = self._plan.goals if self._plan else ()
        table = QTableWidget(len(goals), 4, self)
        table.setHorizontalHeaderLabels(["Goal", "Progress", "Score 0–10", "Comment"])
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(True)
        table.setAccessibleName("Progress on each goal")
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 140)
        header.resizeSection(2, 90)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        for row, goal in enumerate(goals):
            item = QTableWidgetItem(f"{goal.position + 1}. {goal.sf_label}: {goal.description}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setData(Qt.ItemDataRole.UserRole, goal.id)
            item.setToolTip(goal.description)
            table.setItem(row, 0, item)
            rating = QComboBox(table)
            for code, label in RATINGS:
                rating.addItem(label, code)
            table.setCellWidget(row, 1, rating)
            table.setItem(row, 2, QTableWidgetItem(""))
            table.setItem(row, 3, QTableWidgetItem(""))
        table.setMinimumHeight(60 + 34 * max(1, len(goals)))
        if not goals:
            table.setToolTip("There is no agreed plan, so there are no goals to rate.")
        return table

    # ---- Reading the form

    def _update_next_review(self) -> None:
        if self._schedule:
            return
        held, error = read_date(self.held_on.text(), "held_on", "Held on")
        plan = self._plan
        if error is not None or held is None:
            self.next_review.setText("Type the date the meeting was held.")
            return
        if plan is None or plan.status != "ACTIVE" or self.kind.currentData() == "CLOSURE_TAF":
            self.next_review.setText("None: there is no running plan to review." if plan is None or
                                     plan.status != "ACTIVE" else "None after a closing meeting.")
            return
        due = next_review_due(self.decision.currentData(), held, plan.review_interval_days)
        self.next_review.setText(f"Due on {format_uk_date(due)} ({plan.review_interval_days // 7} weeks on)"
                                 if due else "None: this decision ends the regular reviews.")

    def _attendee_inputs(self) -> tuple[AttendeeInput, ...]:
        out = []
        for row in range(self.attendees.rowCount()):
            def cell(column: int, r: int = row) -> str:
                item = self.attendees.item(r, column)
                return item.text() if item is not None else ""

            present = self.attendees.item(row, PRESENT)
            attended = present is not None and present.checkState() == Qt.CheckState.Checked
            name = cell(NAME)
            person = next((m.person_id for m in self._episode.members if m.full_name == name.strip()), None)
            worker = self._episode.lead_worker_id if name.strip() == (self._episode.lead_worker or "") else None
            out.append(AttendeeInput(name, cell(AGENCY), cell(ROLE), person, worker, attended))
        return tuple(out)

    def _progress_inputs(self) -> tuple[tuple[ProgressInput, ...], list[str]]:
        out: list[ProgressInput] = []
        problems: list[str] = []
        for row in range(self.progress.rowCount()):
            goal_item = self.progress.item(row, 0)
            rating = self.progress.cellWidget(row, 1)
            score_item = self.progress.item(row, 2)
            comment_item = self.progress.item(row, 3)
            assert goal_item is not None and isinstance(rating, QComboBox)
            code = rating.currentData() or ""
            score_text = score_item.text().strip() if score_item is not None else ""
            score: int | None = None
            if score_text:
                try:
                    score = int(score_text)
                except ValueError:
                    problems.append(f"Goal {row + 1}: the score “{score_text}” must be a whole number from 0 to 10.")
            if not code and score is None and not (comment_item and comment_item.text().strip()):
                continue
            out.append(ProgressInput(int(goal_item.data(Qt.ItemDataRole.UserRole)), code, score,
                                     comment_item.text() if comment_item is not None else ""))
        return tuple(out), problems

    def call(self) -> Callable[[], Any] | None:  # noqa: D102
        backend, e = self._backend, self._episode
        kind = str(self.kind.currentData())
        if self._schedule:
            when = self.when.dateTime().toPython()
            assert isinstance(when, dt.datetime)
            data_s = ScheduleInput(e.id, kind, when.astimezone(dt.UTC), self.location.text(), self._attendee_inputs())
            return lambda: meetings.schedule_meeting(backend.uow(), data_s)
        held, error = read_date(self.held_on.text(), "held_on", "Held on")
        progress, problems = self._progress_inputs()
        if error is not None or problems:
            self.errors.show(error.errors if error else ())
            if problems:
                self.progress_errors.show_message("\n".join(problems))
            return None
        assert held is not None
        scheduled = self._scheduled
        data = HeldInput(
            e.id, kind, held, self._attendee_inputs(), progress, self.decision.currentData(),
            self.notes.toPlainText(), self.location.text(),
            meeting_id=scheduled.row.id if scheduled else None,
            expected_version=scheduled.row.version if scheduled else None,
        )
        return lambda: meetings.record_meeting(backend.uow(), data)
