"""The Early Help Assessment editor: the whole family's strengths, needs in the three domains, the
child's voice and the analysis, the level of need, and optional CIN factors; then submit it to a
manager, who authorises it or returns it for changes. What the manager types when returning it is
kept as a draft (kind ``"assessment_return"``) until it is saved or discarded; a return refused because
the assessment changed meanwhile asks the episode page to reload (and, if the manager chose "Reload and
re-apply", to open the return again over the assessment as it is now).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.errors import DomainError, ValidationError
from hubapp.domain.plan_dto import AssessmentDetail, AssessmentInput, EpisodeDetail, FactorInput
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import assessments
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.pages.episode.dialogs import TextDialog, run_modal
from ui.pages.episode.field_errors import ErrorLabel, FieldErrors
from ui.pages.episode.kept_drafts import RETURN_KIND

#: The three domains and the rest, with a prompt for each box.
SECTIONS = (
    ("strengths", "Strengths", "What is going well; who and what helps the family."),
    ("needs_child_development", "Child's development", "Health, learning, feelings and behaviour of each child."),
    ("needs_parenting_capacity", "Parents' and carers' capacity", "Care, safety, warmth, guidance and stability."),
    ("needs_family_environment", "Family and environment", "Housing, money, work, family history and community."),
    ("child_voice", "Child's voice", "What each child said, in their words; how they were asked."),
    ("analysis", "Analysis", "What it all means, and what needs to change."),
)


class AssessmentTab(QWidget):
    """The assessment of one episode.

    Signals:
        sig_changed(object): a save or step went through; the ``Changes``.
        sig_message(str): a short message for the status bar.
        sig_reload_requested(object): a dialog's save was refused as stale: reload the episode, then
            open this kept draft again over it (a ``(Draft, DraftJournal)``, or ``None``).
    """

    # ---- Signals
    sig_changed = Signal(object)
    sig_message = Signal(str)
    sig_reload_requested = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.detail: AssessmentDetail | None = None
        self.episode: EpisodeDetail | None = None
        self._dirty = False
        self.title = QLabel(self)
        self.title.setProperty("role", "heading")
        self.state = QLabel(self)
        self.state.setProperty("role", "muted")
        self.save_button = QPushButton("&Save", self)
        self.save_button.setProperty("role", "primary")
        self.save_button.setToolTip("Save what is typed (Ctrl+S)")
        self.submit_button = QPushButton("Su&bmit to a manager", self)
        self.authorise_button = QPushButton("&Authorise", self)
        self.return_button = QPushButton("&Return for changes…", self)
        self.summary = ErrorLabel(self)
        self.errors = FieldErrors(self.summary)
        self.boxes: dict[str, QPlainTextEdit] = {}
        self.level = QComboBox(self)
        self.level.addItem("Not set", None)
        for item in codes.CODE_LISTS[codes.LEVEL_OF_NEED]:
            self.level.addItem(f"{item.ordinal} – {item.label}", item.ordinal)
        self.level.currentIndexChanged.connect(self._on_edited)
        self.level.setMaximumWidth(320)
        self.factors = QListWidget(self)
        self.factors.setAccessibleName("Factors found")
        self.factor_code = QComboBox(self)
        self.factor_code.setAccessibleName("Factor")
        for item in codes.CODE_LISTS[codes.ASSESSMENT_FACTOR]:
            self.factor_code.addItem(f"{item.code} {item.label}", item.code)
        self.factor_person = QComboBox(self)
        self.factor_person.setAccessibleName("About")
        self.add_factor = QPushButton("Add factor", self)
        self.remove_factor = QPushButton("Remove", self)
        self.body = QWidget(self)
        self._build()
        self.save_button.clicked.connect(self.save)
        self.submit_button.clicked.connect(self._submit)
        self.authorise_button.clicked.connect(self._authorise)
        self.return_button.clicked.connect(self._return)
        self.add_factor.clicked.connect(self._on_add_factor_clicked)
        self.remove_factor.clicked.connect(self._on_remove_factor_clicked)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ---- Public

    def show_episode(self, episode: EpisodeDetail) -> None:
        """Show the episode's assessment (unsaved typing is kept while the same one is open)."""
        self.episode = episode
        self.factor_person.clear()
        self.factor_person.addItem("The whole family", None)
        for m in episode.members:
            self.factor_person.addItem(m.full_name, m.person_id)
        a = episode.assessment
        if self._dirty and a is not None and self.detail is not None and a.id == self.detail.id:
            return
        self._show(a)

    def save(self) -> None:
        """Save what is typed."""
        a = self.detail
        if a is None or a.status != "IN_PROGRESS":
            return
        factors = tuple(self.factors.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.factors.count()))
        data = AssessmentInput(
            a.id, a.version, level_of_need=self.level.currentData(),
            factors=tuple(FactorInput(code, person) for code, person in factors),
            **{name: self.boxes[name].toPlainText() for name, _, _ in SECTIONS},
        )
        backend = self._backend
        self._run(lambda: assessments.save_assessment(backend.uow(), data), "Assessment saved.")

    # ---- Building

    def _build(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(14)
        top.addWidget(self.title)
        top.addWidget(self.state, 1)
        for b in (self.save_button, self.submit_button, self.authorise_button, self.return_button):
            top.addWidget(b)
        grid = QGridLayout(self.body)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(14)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.summary, 1, 0, 1, 2)
        for i, (name, label, prompt) in enumerate(SECTIONS):
            box = QPlainTextEdit(self.body)
            box.setPlaceholderText(prompt)
            box.setTabChangesFocus(True)
            box.setMinimumHeight(96)
            box.setAccessibleName(label)
            box.textChanged.connect(self._on_edited)
            self.boxes[name] = box
            caption = QLabel(label, self.body)
            caption.setProperty("role", "heading")
            caption.setBuddy(box)
            error = ErrorLabel(self.body)
            self.errors.add(name, box, error)
            cell = QVBoxLayout()
            cell.addWidget(caption)
            cell.addWidget(box)
            cell.addWidget(error)
            grid.addLayout(cell, 2 + i // 2, i % 2)
        level_error = ErrorLabel(self.body)
        self.errors.add("level_of_need", self.level, level_error)
        factors_error = ErrorLabel(self.body)
        self.errors.add_prefix("factors", factors_error)
        side = QVBoxLayout()
        caption = QLabel("Level of need", self.body)
        caption.setProperty("role", "heading")
        caption.setBuddy(self.level)
        side.addWidget(caption)
        side.addWidget(self.level)
        side.addWidget(level_error)
        caption = QLabel("Factors found (CIN codes, optional)", self.body)
        caption.setProperty("role", "heading")
        side.addWidget(caption)
        row = QHBoxLayout()
        row.addWidget(self.factor_code, 3)
        row.addWidget(self.factor_person, 2)
        row.addWidget(self.add_factor)
        row.addWidget(self.remove_factor)
        side.addLayout(row)
        self.factors.setFixedHeight(110)
        side.addWidget(self.factors)
        side.addWidget(factors_error)
        grid.addLayout(side, 5, 0, 1, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # ---- Internals

    def _show(self, a: AssessmentDetail | None) -> None:
        self.detail = a
        self.errors.clear()
        editable = a is not None and a.status == "IN_PROGRESS"
        prompts = {name: prompt for name, _, prompt in SECTIONS}
        for name, box in self.boxes.items():
            box.blockSignals(True)
            box.setPlainText(getattr(a, name) if a else "")
            box.setReadOnly(not editable)
            box.setPlaceholderText(prompts[name] if editable else "Nothing recorded.")
            box.blockSignals(False)
        self.level.blockSignals(True)
        self.level.setCurrentIndex(max(0, self.level.findData(a.level_of_need)) if a and a.level_of_need else 0)
        self.level.setEnabled(editable)
        self.level.blockSignals(False)
        self.factors.clear()
        for f in a.factors if a else ():
            self._add_factor_item(f.code, f.person_id, f.person)
        for w in (self.factor_code, self.factor_person, self.add_factor, self.remove_factor):
            w.setEnabled(editable)
        self._dirty = False
        self.body.setEnabled(a is not None)
        self.save_button.setVisible(editable)
        self.submit_button.setVisible(editable)
        self.authorise_button.setVisible(a is not None and "authorise" in a.allowed_actions)
        self.return_button.setVisible(a is not None and "return_for_changes" in a.allowed_actions)
        if a is None:
            self.title.setText("Early Help Assessment")
            self.state.setText("Not started: start the assessment from the episode's actions above.")
            return
        self.title.setText("Early Help Assessment" if a.kind == "EHA" else "Re-assessment")
        parts = [fmt.status_words(a.status)]
        if a.started_on:
            parts.append(f"started {fmt.uk_date(a.started_on)}")
        if a.completed_on:
            parts.append(f"submitted {fmt.uk_date(a.completed_on)} by {a.completed_by or 'unknown'}")
        if a.authorised_at:
            parts.append(f"authorised {fmt.uk_datetime(a.authorised_at)} by {a.authorised_by or 'unknown'}")
        self.state.setText(" · ".join(parts))

    def _add_factor_item(self, code: str, person_id: int | None, person: str | None) -> None:
        label = codes.label_of(codes.ASSESSMENT_FACTOR, code, code)
        item = QListWidgetItem(f"{code} {label}" + (f" — {person}" if person else ""))
        item.setData(Qt.ItemDataRole.UserRole, (code, person_id))
        self.factors.addItem(item)

    def _on_add_factor_clicked(self) -> None:
        self._add_factor_item(str(self.factor_code.currentData()), self.factor_person.currentData(),
                              self.factor_person.currentText() if self.factor_person.currentData() else None)
        self._on_edited()

    def _on_remove_factor_clicked(self) -> None:
        if self.factors.currentRow() >= 0:
            self.factors.takeItem(self.factors.currentRow())
            self._on_edited()

    def _on_edited(self) -> None:
        if self.detail is not None and self.detail.status == "IN_PROGRESS":
            self._dirty = True

    def _run(self, fn: object, message: str) -> None:
        tasks.run_write(self, fn, lambda a: self._on_done(a, message), self._on_failed)  # type: ignore[arg-type]

    def _on_done(self, a: AssessmentDetail, message: str) -> None:
        self._dirty = False
        self._show(a)
        self.sig_message.emit(message)
        self.sig_changed.emit(a.changes)

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first is not None:
                first.setFocus()
        else:
            self.errors.clear()
            self.summary.show_message(str(exc) if isinstance(exc, DomainError) else "That did not work.")

    def _submit(self) -> None:
        a = self.detail
        if a is None:
            return
        if self._dirty:
            self.summary.show_message("Save the assessment first, then submit it.")
            return
        backend = self._backend
        self._run(lambda: assessments.submit_assessment(backend.uow(), a.id, a.version),
                  "Assessment submitted to a manager.")

    def _authorise(self) -> None:
        a = self.detail
        if a is not None:
            backend = self._backend
            self._run(lambda: assessments.authorise_assessment(backend.uow(), a.id, a.version),
                      "Assessment authorised.")

    def _return(self) -> None:
        self.return_for_changes()

    def return_for_changes(self, draft: Draft | None = None, journal: DraftJournal | None = None) -> None:
        """Ask what needs changing and return the assessment shown to its worker.

        What is typed is kept as a draft about the assessment. With ``draft`` (a restart), carry on
        with it; if the assessment has moved on since, the dialog says so and keeps the text to copy.

        Args:
            draft: a kept draft of this return to carry on with.
            journal: where drafts are kept (default: the user's data directory).
        """
        a, e = self.detail, self.episode
        if e is None or (a is None and draft is None):
            return
        kept_id = draft.data.get("assessment_id") if draft is not None else a.id if a is not None else None
        backend = self._backend

        def run(text: str) -> Callable[[], Any]:
            assert a is not None
            return lambda: assessments.return_assessment(backend.uow(), a.id, a.version, text)

        dialog = TextDialog("Return the assessment for changes", "What needs changing", "reason", run, self)
        title = f"Returning the assessment — {e.family_name}"
        dialog.keep_drafts(RETURN_KIND, backend.display_name,
                           lambda: (title, {"episode_id": e.id, "assessment_id": kept_id}), "these changes",
                           journal, draft)
        if a is None or a.id != kept_id or "return_for_changes" not in a.allowed_actions:
            why = (f"This assessment is {fmt.status_words(a.status).lower()} now" if a is not None and a.id == kept_id
                   else "This is no longer the episode's current assessment")
            dialog.set_no_longer_applies(f"{why}, so it cannot be returned for changes and this cannot be saved. "
                                         "What you typed is kept below: copy what you need, then close this (Esc).")
        run_modal(dialog, lambda returned: self._on_done(returned, "Assessment returned for changes."),
                  self.sig_reload_requested.emit)
