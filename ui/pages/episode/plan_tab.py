"""The plan editor: needs mapped to the ten headline outcomes, the goals-and-actions grid, the family
network's contribution, services, notes for professionals and the review interval.

A draft is edited in place (Ctrl+S saves it whole). An agreed version is frozen: the grid is read
only, "Start a new version" makes a draft copy to edit, and the actions' progress can still be
recorded. "Agree with the family…" records the agreement; "Preview and print…" opens the preview.

Nothing typed is lost: the edits are kept as a draft on this PC while they are typed
(:class:`DraftAutosave`) and offered back when the plan is next opened, after a crash too. If
the database cannot be reached the banner says so and "Try again" saves the same edits once. If
someone else saved the draft first, the banner names them and offers "Reload" (take their version,
drop mine) or "Re-apply" (take their version, put my edits on top, save again; :mod:`plan_merge`).
Kept edits offered at start after a restart come back here too (:meth:`PlanTab.restore`).
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QLabel, QMenu, QPlainTextEdit, QPushButton, QScrollArea,
    QSpinBox, QTableView, QVBoxLayout, QWidget,
)

from hubapp.domain.errors import ConcurrencyConflict, DatabaseUnavailable, DomainError, ValidationError
from hubapp.domain.plan_dto import ActionStatusInput, EpisodeDetail, Owner, PlanDetail, PlanInput
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import plans
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.dialogs import prompts
from ui.pages.episode import plan_merge
from ui.pages.episode.dialogs import AgreeDialog, run_modal
from ui.pages.episode.field_errors import ErrorLabel, FieldErrors
from ui.pages.episode.kept_drafts import PLAN_KIND
from ui.pages.episode.needs_panel import NeedsPanel
from ui.pages.episode.plan_delegate import PlanDelegate
from ui.pages.episode.plan_model import WHAT, PlanEditModel
from ui.widgets.banner import Banner
from ui.widgets.draft_autosave import DraftAutosave
from ui.widgets.table import ColumnFitter, set_column_widths

#: The draft journal's kind for plan edits.
DRAFT_KIND = PLAN_KIND
#: The notice's action that copies kept edits which can no longer be saved.
COPY_EDITS = "Copy my edits"

PLAN_STATUS = {"DRAFT": "Draft – not agreed yet", "AGREED": "Agreed, waiting to start", "ACTIVE": "Agreed and running",
               "SUPERSEDED": "Replaced by a newer version", "ENDED": "Ended"}


def _button(text: str, parent: QWidget, tip: str = "") -> QPushButton:
    button = QPushButton(text, parent)
    if tip:
        button.setToolTip(tip)
    return button


class PlanTab(QWidget):
    """The plan of one episode.

    Signals:
        sig_changed(object): a save went through; the ``Changes`` it made.
        sig_print_requested(int): preview and print this plan version.
        sig_message(str): a short message for the status bar.
        sig_save_finished(bool): a save attempt ended (whether it saved).
        sig_reload_requested(object): a dialog's save was refused as stale: reload the episode, then
            open this kept draft again over it (a ``(Draft, DraftJournal)``, or ``None``).

    Args:
        backend: the open database.
        parent: the parent widget.
        journal: where drafts are kept (default: the user's data directory).
    """

    # ---- Signals
    sig_changed = Signal(object)
    sig_print_requested = Signal(int)
    sig_message = Signal(str)
    sig_save_finished = Signal(bool)
    sig_reload_requested = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None, journal: DraftJournal | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._latest = tasks.LatestOnly()
        self.episode: EpisodeDetail | None = None
        self.plan: PlanDetail | None = None
        self.owners: tuple[Owner, ...] = ()
        self._dirty = False
        self._saving = False
        self._base: plan_merge.PlanEdits | None = None  # the saved version the edits started from
        self._kept: Draft | None = None  # kept edits to put back once their version has loaded (a restart)
        self._stranded: Draft | None = None  # kept edits whose version can no longer take them (to copy)
        self.journal = journal or DraftJournal()
        self.autosave = DraftAutosave(self.journal, DRAFT_KIND, backend.display_name, self._snapshot, parent=self)
        self.notice = Banner(self)
        self.notice.setObjectName("PlanNotice")
        self.notice.sig_action_triggered.connect(self._on_notice_action_triggered)
        self._notice_action = ""
        self.reload_button = _button("Reload their version", self, "Drop your edits and show the version saved now")
        self.reload_button.hide()
        self.reload_button.clicked.connect(self.reload_theirs)

        self.title = QLabel("No plan yet", self)
        self.title.setProperty("role", "heading")
        self.start_button = _button("Start the plan", self, "Write the first version, one goal per open need")
        self.save_button = _button("&Save draft", self, "Save the whole draft (Ctrl+S)")
        self.save_button.setProperty("role", "primary")
        self.agree_button = _button("A&gree with the family…", self, "Record that the family agreed this version")
        self.new_version_button = _button("Start a &new version", self,
                                          "The agreed version stays as it is; a draft copy opens for changes")
        self.print_button = _button("Preview and &print…", self, "Professional and family copies (Ctrl+P)")

        self.needs = NeedsPanel(backend, self)
        self.needs.sig_changed.connect(self.sig_changed)
        self.needs.sig_reload_requested.connect(self.sig_reload_requested)

        self.model = PlanEditModel(self)
        self.model.sig_edited.connect(self._on_model_edited)
        self.grid = QTableView(self)
        self.grid.setObjectName("PlanGrid")
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(PlanDelegate(self.model, self.grid))
        self.grid.setAccessibleName("Goals and actions")
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked)
        self.grid.setTabKeyNavigation(True)
        self.grid.setWordWrap(True)
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setStretchLastSection(False)
        set_column_widths(self.grid, {0: 27, 2: 24, 3: 11, 4: 14})
        self._grid_fitter = ColumnFitter(self.grid, {WHAT: (1.0, 30)})
        self.model.modelReset.connect(self.grid.resizeRowsToContents)
        self.model.dataChanged.connect(lambda *_: self.grid.resizeRowsToContents())
        self.add_goal_button = _button("Add &goal", self, "A new goal (Ctrl+Insert in the grid)")
        self.add_action_button = _button("Add &action", self,
                                         "A new action under the current goal (Insert in the grid)")
        self.remove_button = _button("Remove", self, "Remove the goal or action (Ctrl+Delete in the grid)")
        self.progress_button = _button("Record progress", self, "Mark the current action started, done…")
        menu = QMenu(self.progress_button)
        for code in ("IN_PROGRESS", "DONE", "NOT_DONE", "CANCELLED"):
            menu.addAction(fmt.status_words(code), lambda c=code: self._set_status(c))
        self.progress_button.setMenu(menu)
        self.grid_errors = ErrorLabel(self)

        self.network = QPlainTextEdit(self)
        self.services = QPlainTextEdit(self)
        self.notes = QPlainTextEdit(self)
        for box, name in ((self.network, "Family network's contribution"), (self.services, "Services provided"),
                          (self.notes, "Notes for professionals")):
            box.setTabChangesFocus(True)
            box.setFixedHeight(64)
            box.setAccessibleName(name)
            box.textChanged.connect(self._on_model_edited)
        self.interval = QSpinBox(self)
        self.interval.setRange(1, 26)
        self.interval.setSuffix(" weeks")
        self.interval.setAccessibleName("Review every")
        self.interval.valueChanged.connect(self._on_model_edited)
        self.summary = ErrorLabel(self)
        self.errors = FieldErrors(self.summary)
        self.errors.add_prefix("goals", self.grid_errors)
        self._build()
        self._connect()
        self._show(None)

    # ---- Public

    def show_episode(self, episode: EpisodeDetail, owners: tuple[Owner, ...]) -> None:
        """Show the episode's draft if it has one, else the version in force."""
        self.episode, self.owners = episode, owners
        self.needs.show_episode(episode)
        plan_id = episode.draft_plan_id or episode.current_plan_id
        if plan_id is None:
            self._show(None)
            return
        if self._dirty and self.plan is not None and self.plan.id == plan_id:
            return  # keep what is being typed; the person saves or reloads it
        backend = self._backend
        self._latest.start(self, lambda: plans.get_plan(backend.uow(), plan_id), self._on_plan_fetched)

    def is_dirty(self) -> bool:
        """Whether there are unsaved edits."""
        return self._dirty

    def save(self) -> None:
        """Save the draft (every field at once)."""
        plan = self.plan
        if plan is None or not plan.editable or self._saving:
            return
        if self._dirty:
            self.autosave.flush()
        goals, problems = self.model.to_input()
        if problems:
            self._show_errors(problems)
            self.sig_save_finished.emit(False)
            return
        data = PlanInput(plan.id, plan.version, goals, self.network.toPlainText(), self.services.toPlainText(),
                         self.notes.toPlainText(), self.interval.value() * 7)
        backend = self._backend
        self._set_saving(True)
        tasks.run_write(self, lambda: plans.save_plan(backend.uow(), data), self._on_saved, self._on_failed)

    def edits(self) -> plan_merge.PlanEdits:
        """What the editor holds now."""
        return plan_merge.PlanEdits(copy.deepcopy(self.model.goals), self.network.toPlainText(),
                                    self.services.toPlainText(), self.notes.toPlainText(), self.interval.value())

    def reload_theirs(self) -> None:
        """After a refused save: show the version saved now and drop my edits (and their draft)."""
        plan = self.plan
        if plan is None:
            return
        self.autosave.discard()
        self._dirty = False
        self._hide_notice()
        backend, plan_id = self._backend, plan.id
        self._latest.start(self, lambda: plans.get_plan(backend.uow(), plan_id), self._show)

    def reapply(self) -> None:
        """After a refused save: take the version saved now, put my edits on top, and save again."""
        plan, base = self.plan, self._base
        if plan is None or base is None:
            return
        mine = self.edits()
        backend, plan_id = self._backend, plan.id

        def merged(latest: PlanDetail) -> None:
            self._show_edits(latest, plan_merge.reapply(base, mine, plan_merge.edits_of(latest)))
            self.save()

        self._hide_notice()
        self._latest.start(self, lambda: plans.get_plan(backend.uow(), plan_id), merged, self._on_failed)

    def restore(self, draft: Draft) -> None:
        """Put kept edits back (after a restart, from the front door) once their version has loaded.

        The edits go on top of the version saved now (re-applied if it moved on). If that version is no
        longer the one being drafted (agreed, replaced) the notice says so and offers to copy the edits;
        they stay kept on this PC.

        Args:
            draft: the kept draft (kind :data:`DRAFT_KIND`) about the episode shown; it is in this tab's journal.
        """
        e = self.episode
        plan_id = (e.draft_plan_id or e.current_plan_id) if e is not None else None
        if plan_id is None:
            self._strand(draft, "this episode has no plan now")
            return
        self._kept = draft
        backend = self._backend
        self._latest.start(self, lambda: plans.get_plan(backend.uow(), plan_id), self._on_plan_fetched)

    # ---- Building

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for b in (self.start_button, self.save_button, self.agree_button, self.new_version_button, self.print_button):
            top.addWidget(b)
        grid_head = QHBoxLayout()
        heading = QLabel("Goals and SMART actions", self)
        heading.setProperty("role", "heading")
        heading.setBuddy(self.grid)
        grid_head.addWidget(heading)
        self.hint = QLabel("Type to edit a cell · Tab moves on · Insert adds an action · Ctrl+S saves", self)
        self.hint.setProperty("role", "muted")
        grid_head.addWidget(self.hint)
        grid_head.addStretch(1)
        for b in (self.add_goal_button, self.add_action_button, self.remove_button, self.progress_button):
            grid_head.addWidget(b)
        fields = QGridLayout()
        fields.setHorizontalSpacing(12)
        for column, (label, box) in enumerate((("Family network's contribution", self.network),
                                               ("Services provided", self.services),
                                               ("Notes for professionals (not on the family copy)", self.notes))):
            caption = QLabel(label, self)
            caption.setProperty("role", "muted")
            caption.setBuddy(box)
            fields.addWidget(caption, 0, column)
            fields.addWidget(box, 1, column)
        interval_row = QHBoxLayout()
        caption = QLabel("Review the plan every", self)
        caption.setBuddy(self.interval)
        interval_row.addWidget(caption)
        interval_row.addWidget(self.interval)
        interval_row.addStretch(1)

        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 10, 12, 10)
        column.addLayout(top)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addLayout(notice_row)
        column.addWidget(self.summary)
        column.addWidget(self.needs)
        column.addSpacing(6)
        column.addLayout(grid_head)
        column.addWidget(self.grid, 1)
        column.addWidget(self.grid_errors)
        column.addLayout(fields)
        column.addLayout(interval_row)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.grid.setMinimumHeight(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self._start)
        self.save_button.clicked.connect(self.save)
        self.agree_button.clicked.connect(self._agree)
        self.new_version_button.clicked.connect(self._new_version)
        self.print_button.clicked.connect(lambda: self.plan and self.sig_print_requested.emit(self.plan.id))
        self.add_goal_button.clicked.connect(self._add_goal)
        self.add_action_button.clicked.connect(self._add_action)
        self.remove_button.clicked.connect(self._remove)
        for keys, slot in (("Ctrl+S", self.save), (QKeySequence.StandardKey.Print, self._print)):
            QShortcut(QKeySequence(keys), self, activated=slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.grid.installEventFilter(self)

    # ---- Showing

    def _on_plan_fetched(self, plan: PlanDetail) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            self._take_kept(plan, kept)
            return
        shown = self.plan
        if shown is not None and shown.id == plan.id and (shown.version == plan.version or self._dirty):
            return  # nothing new, or typing under way: never pull the grid from under the person
        self._show(plan)
        if plan.editable:
            self._offer_draft(plan)

    def _show(self, plan: PlanDetail | None) -> None:
        if plan is None or self.plan is None or plan.id != self.plan.id:
            self.autosave.restart()  # another version: its edits are another draft
            self._hide_notice()
        self._show_edits(plan, plan_merge.edits_of(plan) if plan is not None else None)
        self._dirty = False

    def _show_edits(self, plan: PlanDetail | None, edits: plan_merge.PlanEdits | None) -> None:
        """Show ``plan`` with ``edits`` in the editor (its own content, or edits restored or re-applied)."""
        self.plan = plan
        self._base = plan_merge.edits_of(plan) if plan is not None else None
        self._dirty = edits is not None and edits != self._base
        self.errors.clear()
        self.model.set_errors(())
        self.model.load(plan, self.owners)
        if edits is not None:
            self.model.load_goals(plan, edits.goals)
        editable = plan is not None and plan.editable
        for box, text in ((self.network, edits.network if edits else ""),
                          (self.services, edits.services if edits else ""),
                          (self.notes, edits.notes if edits else "")):
            box.blockSignals(True)
            box.setPlainText(text)
            box.setReadOnly(not editable)
            box.blockSignals(False)
        self.interval.blockSignals(True)
        self.interval.setValue(edits.interval_weeks if edits else 6)
        self.interval.setEnabled(editable)
        self.interval.blockSignals(False)
        e = self.episode
        can_plan = e is not None and e.status in plans.PLANNING_STATES
        self.start_button.setVisible(plan is None and can_plan and not (e and e.plans))
        self.save_button.setVisible(editable)
        self.agree_button.setVisible(editable)
        self.new_version_button.setVisible(plan is not None and not editable and can_plan
                                           and plan.status in ("AGREED", "ACTIVE"))
        self.print_button.setEnabled(plan is not None)
        for b in (self.add_goal_button, self.add_action_button, self.remove_button):
            b.setVisible(editable)
        self.hint.setVisible(editable)
        self.progress_button.setVisible(plan is not None and plan.status in ("AGREED", "ACTIVE"))
        if plan is None:
            self.title.setText("No plan yet" + ("" if can_plan else
                                                " – the plan is written once the assessment starts"))
        else:
            agreed = f" · agreed {fmt.uk_date(plan.agreed_on)} by {plan.agreed_by}" if plan.agreed else ""
            self.title.setText(f"Version {plan.version_no} · {PLAN_STATUS.get(plan.status, plan.status)}{agreed}")

    def _show_errors(self, errors: tuple | list) -> None:  # type: ignore[type-arg]
        errors = tuple(errors)
        self.model.set_errors(errors)
        self.errors.show(errors)

    # ---- Slots

    def _on_model_edited(self) -> None:
        if self.plan is not None and self.plan.editable:
            self._dirty = True
            self.autosave.touch()

    def _on_saved(self, plan: PlanDetail) -> None:
        self._set_saving(False)
        self.autosave.discard()
        self._hide_notice()
        self._show(plan)
        self.sig_message.emit(f"Version {plan.version_no} saved.")
        self.sig_changed.emit(plan.changes)
        self.sig_save_finished.emit(True)

    def _on_failed(self, exc: Exception) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
        elif isinstance(exc, ConcurrencyConflict):
            self.errors.clear()
            self._show_notice(f"{exc} Your edits are still here and kept on this PC.", "warning",
                              "Re-apply my edits and save", reload=True)
        elif isinstance(exc, DatabaseUnavailable):
            self.errors.clear()
            if self._dirty:
                self.autosave.touch()
                self.autosave.flush()
            self._show_notice("The database cannot be reached, so the plan was not saved. Your edits are still here "
                              "and kept on this PC. Try again when the connection is back.", "error",
                              "Try again (Ctrl+S)")
        else:
            self.errors.clear()
            self.summary.show_message(str(exc) if isinstance(exc, DomainError) else "The plan could not be saved.")
        self.sig_save_finished.emit(False)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    def _show_notice(self, text: str, kind: str, action: str, reload: bool = False) -> None:
        self._notice_action = action
        self.notice.show_message(text, kind, action)
        self.reload_button.setVisible(reload)

    def _hide_notice(self) -> None:
        self._notice_action = ""
        self._stranded = None
        self.notice.hide()
        self.reload_button.hide()

    def _on_notice_action_triggered(self) -> None:
        if self._notice_action.startswith("Re-apply"):
            self.reapply()
        elif self._notice_action == COPY_EDITS:
            self._copy_stranded()
        else:
            self.save()

    def _copy_stranded(self) -> None:
        kept = self._stranded
        if kept is not None:
            mine = plan_merge.from_json(kept.data.get("mine") or {})  # type: ignore[arg-type]
            QGuiApplication.clipboard().setText(plan_merge.as_text(mine))
            self.notice.action.setText("Copied")

    # ---- Drafts

    def _snapshot(self) -> tuple[str, dict[str, object]]:
        plan, e = self.plan, self.episode
        family = e.family_name if e is not None else "a family"
        title = f"Plan of the {family}" + (f" (version {plan.version_no})" if plan else "")
        base = self._base or plan_merge.PlanEdits([], "", "", "", 6)
        return title, {"plan_id": plan.id if plan else None, "episode_id": e.id if e else None,
                       "base": plan_merge.to_json(base), "mine": plan_merge.to_json(self.edits())}

    def _offer_draft(self, plan: PlanDetail) -> None:
        """A kept draft of this version's edits (the program died, or the page was left): offer it back."""
        waiting = self._waiting_draft(plan.id)
        if waiting is None or self._dirty:
            return
        answer = prompts.ask_restore(self, waiting)
        if answer == prompts.RESTORE:
            self.restore_draft(waiting)
        elif answer == prompts.DISCARD and prompts.confirm_discard_draft(self, waiting):
            self.journal.discard(waiting.id)

    def _take_kept(self, plan: PlanDetail, kept: Draft) -> None:
        """Show ``plan`` with kept edits on top, or say why they cannot go on it."""
        if self._dirty and self.plan is not None and self.plan.id == plan.id:
            return  # edits on screen win; the kept ones stay in the journal, offered again later
        self._show(plan)
        if kept.data.get("plan_id") != plan.id:
            self._strand(kept, "the version they were made to is no longer the plan's draft")
        elif not plan.editable:
            self._strand(kept, f"version {plan.version_no} of the plan is {fmt.status_words(plan.status).lower()} "
                               "now")
        else:
            self.restore_draft(kept)

    def _strand(self, kept: Draft, why: str) -> None:
        """Kept edits that cannot go back on the plan: say why, and offer to copy them."""
        self._stranded = kept
        self._show_notice(f"Your unsaved edits from {fmt.uk_datetime(kept.saved_at)} cannot be put back: {why}, "
                          "so they cannot be saved. They stay kept on this PC: copy what you need.", "warning",
                          COPY_EDITS)

    def _waiting_draft(self, plan_id: int) -> Draft | None:
        for draft in self.journal.drafts(DRAFT_KIND, self._backend.display_name):
            if draft.data.get("plan_id") == plan_id and draft.id != self.autosave.draft_id:
                return draft
        return None

    def restore_draft(self, draft: Draft) -> None:
        """Put a kept draft's edits back, on top of the version saved now (re-applied if it moved on)."""
        plan = self.plan
        if plan is None:
            return
        base = plan_merge.from_json(draft.data.get("base") or {})  # type: ignore[arg-type]
        mine = plan_merge.from_json(draft.data.get("mine") or {})  # type: ignore[arg-type]
        self._show_edits(plan, plan_merge.reapply(base, mine, plan_merge.edits_of(plan)))
        self.autosave.draft_id = draft.id
        self._dirty = True
        self._show_notice(f"Your unsaved edits from {fmt.uk_datetime(draft.saved_at)} are back. Save them with "
                          "Ctrl+S.", "info", "Save now")

    def _start(self) -> None:
        e = self.episode
        if e is None:
            return
        backend = self._backend
        tasks.run_write(self, lambda: plans.start_plan(backend.uow(), e.id), self._on_started, self._on_failed)

    def _on_started(self, plan: PlanDetail) -> None:
        self._show(plan)
        self.sig_changed.emit(plan.changes)

    def _new_version(self) -> None:
        plan = self.plan
        if plan is None:
            return
        backend = self._backend
        tasks.run_write(self, lambda: plans.new_version(backend.uow(), plan.id), self._on_started, self._on_failed)

    def _agree(self) -> None:
        plan, e = self.plan, self.episode
        if plan is None or e is None:
            return
        if self._dirty:
            self.summary.show_message("Save the draft first, so the family agrees what you see.")
            return
        adults = tuple(m for m in e.members if m.has_parental_responsibility) or e.members

        def agreed(detail: PlanDetail) -> None:
            self._on_started(detail)
            self.sig_message.emit(f"Version {plan.version_no} agreed with the family.")

        run_modal(AgreeDialog(self._backend, plan, adults, self), agreed, self.sig_reload_requested.emit)

    def _add_goal(self) -> None:
        if self.model.editable:
            index = self.model.add_goal()
            self.grid.setCurrentIndex(index)
            self.grid.setFocus()

    def _add_action(self) -> None:
        if self.model.editable:
            index = self.model.add_action(self.grid.currentIndex().row())
            self.grid.setCurrentIndex(index)
            self.grid.setFocus()
            self.grid.edit(index)

    def _remove(self) -> None:
        row = self.grid.currentIndex().row()
        if self.model.editable and row >= 0:
            self.model.remove_row(row)
            self.grid.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), WHAT))

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if watched is self.grid and event.type() == QEvent.Type.KeyPress and self.model.editable:
            assert isinstance(event, QKeyEvent)
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if event.key() == Qt.Key.Key_Insert:
                self._add_goal() if ctrl else self._add_action()
                return True
            if event.key() == Qt.Key.Key_Delete and ctrl:
                self._remove()
                return True
        return super().eventFilter(watched, event)

    def _print(self) -> None:
        if self.plan is not None:
            self.sig_print_requested.emit(self.plan.id)

    def _set_status(self, status: str) -> None:
        action_id = self.model.action_id_at(self.grid.currentIndex().row())
        if action_id is None:
            self.summary.show_message("Choose an action in the grid first.")
            return
        backend = self._backend
        data = ActionStatusInput(action_id, status)
        tasks.run_write(self, lambda: plans.set_action_status(backend.uow(), data), self._on_saved, self._on_failed)
