"""A new family on its own: the household editor, the hub, and the same "known to the hubs?" check.

Reached from the Search page when nobody is found (Ctrl+Shift+N) and from the intake form
("Create family now"). Ctrl+S creates the family; errors show beside their fields; a known
family that matches can be opened instead (Enter or Ctrl+L in the list), so no duplicate is made.
Like the intake form it keeps a draft on this PC while it is typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from hubapp.domain.dto import Actor, Changes, FamilyDetail, HubRow
from hubapp.domain.errors import DatabaseUnavailable, DomainError, FieldError, ValidationError
from hubapp.domain.front_door import DuplicateCandidate, DuplicateQuery
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import duplicates, families, intake, reference
from hubapp.services.session import Backend
from ui.app_events import app_events
from ui.dialogs import prompts
from ui.dialogs.duplicates_panel import DuplicatesPanel
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.intake_sections import place
from ui.tasks import LatestOnly, run_read, run_write
from ui.widgets.banner import Banner
from ui.widgets.code_combo import CodeCombo
from ui.widgets.draft_autosave import DraftAutosave
from ui.widgets.form_errors import FormErrors
from ui.widgets.household_editor import HouseholdEditor

KIND = "family"
DEBOUNCE_MS = 300


class NewFamilyDialog(FormDialog):
    """Create a household with its members and address.

    Signals:
        sig_family_created(object): the new family's ``FamilyDetail``.
        sig_open_family_requested(int): the person chose a known family instead.

    Args:
        backend: the open database.
        actor: the signed-in worker.
        journal: where drafts are kept.
        household: a household state to start from (typed in the intake form).
        draft: a draft to carry on with.
        parent: the parent widget.
    """

    # ---- Signals
    sig_family_created = Signal(object)
    sig_open_family_requested = Signal(int)

    def __init__(self, backend: Backend, actor: Actor, journal: DraftJournal, household: dict[str, Any] | None = None,
                 draft: Draft | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NewFamilyDialog")
        self.setWindowTitle("New family")
        self._backend = backend
        self._actor = actor
        self._dirty = draft is not None or household is not None
        self._saving = False
        self._latest = LatestOnly()
        self.errors = FormErrors(self)
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(self.save)
        self.hub = CodeCombo(self, "type to choose", width_chars=10)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("optional: the family name is made from the index child's surname")
        self.editor = HouseholdEditor(self.errors, "", self)
        self.panel = DuplicatesPanel("Open this family instead", self)
        self.save_button = self.make_button("Create family (Ctrl+S)", primary=True)
        self.cancel_button = self.make_button("Cancel (Esc)")
        self.autosave = DraftAutosave(journal, KIND, backend.display_name, self._snapshot,
                                      draft.id if draft else None, self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._build_layout()
        self._connect()
        state = draft.data if draft is not None else {"household": household} if household else None
        self._pending_hub = state.get("hub") if state else None
        if state:
            self.editor.restore(state.get("household") or {})
            self.name.setText(str(state.get("name", "")))
            self._debounce.start()
        self._chain_tabs()
        self.resize(1240, 640)
        run_read(self, lambda: reference.hubs(backend.uow()), self._on_hubs_loaded,
                 lambda exc: self.banner.show_message(str(exc), "error"))
        self.editor.first_input().setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- Public

    @property
    def draft_id(self) -> str:
        """The id of this form's draft."""
        return self.autosave.draft_id

    @Slot()
    def save(self) -> None:
        """Create the family (Ctrl+S)."""
        if self._saving:
            return
        self.commit_pick_lists()
        self.autosave.flush()
        hub = self.hub.code()
        data, local = self.editor.to_family(int(hub) if hub is not None else 0, self.name.text())
        if hub is None:
            local.append(FieldError("hub_id", "required", "Hub is required: choose it from the list."))
        self.banner.hide()
        backend = self._backend
        if local:
            mine = {e.field for e in local}
            run_read(self, lambda: intake.validate_family(backend.uow(), data),
                     lambda found: self._show_errors(local + [e for e in found if e.field not in mine]),
                     self._on_save_failed)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        run_write(self, lambda: families.create_family(backend.uow(), data), self._on_created, self._on_save_failed)

    # ---- Building

    def _build_layout(self) -> None:
        top = QWidget(self)
        grid = QGridLayout(top)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(3, 1)
        hub_error = place(grid, 0, 0, "H&ub", self.hub, self.errors, "hub_id")
        del hub_error
        place(grid, 0, 1, "Family na&me", self.name, self.errors, "name")
        left = QVBoxLayout()
        left.addWidget(top)
        heading = QLabel("People in the household", self)
        heading.setProperty("role", "section")
        left.addWidget(heading)
        left.addWidget(self.editor)
        left.addStretch(1)
        self.panel.setMinimumWidth(320)
        self.panel.setMaximumWidth(380)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addWidget(self.panel)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.save_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 14, 10)
        column.addWidget(self.banner)
        column.addLayout(middle, 1)
        column.addLayout(footer)

    def _connect(self) -> None:
        self.editor.sig_edited.connect(self._on_edited)
        self.editor.sig_probe_changed.connect(self._debounce.start)
        self.editor.sig_layout_changed.connect(self._chain_tabs)
        self.name.textEdited.connect(self._on_edited)
        self.hub.sig_edited.connect(self._on_edited)
        self.panel.sig_candidate_chosen.connect(self._on_candidate_chosen)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        for keys, slot in (("Ctrl+S", self.save), ("Ctrl+L", self.panel.choose_current),
                           ("F6", self.panel.focus_list)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

    def _chain_tabs(self) -> None:
        chain = [self.hub, self.name, *self.editor.focus_widgets(), self.save_button, self.cancel_button,
                 self.panel.list]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _snapshot(self) -> tuple[str, dict[str, Any]]:
        who = self.editor.title()
        return (f"New family with {who}" if who else "A new family with no names yet",
                {"household": self.editor.state(), "name": self.name.text(), "hub": self.hub.code()})

    def _show_errors(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        leftovers = self.errors.show(errors)
        n = len(errors)
        text = f"{n} thing{'s' if n != 1 else ''} to put right before the family can be created; each is shown " \
               "beside its field."
        if leftovers:
            text += " " + " ".join(e.message for e in leftovers)
        self.banner.show_message(text, "error")
        self.errors.focus_first()

    # ---- Slots

    @Slot()
    def _on_edited(self) -> None:
        self._dirty = True
        self.autosave.touch()

    def _on_hubs_loaded(self, hubs: tuple[HubRow, ...]) -> None:
        self.hub.set_items((h.name, h.id) for h in hubs)
        default = self._pending_hub or (self._actor.hub_ids[0] if self._actor.hub_ids else None)
        self.hub.set_code(default if default is not None else (hubs[0].id if hubs else None))

    @Slot()
    def _on_debounce_timeout(self) -> None:
        probes = tuple(p for p in self.editor.probes() if p.family_name or p.given_name or p.date_of_birth)
        if not probes and not self.editor.postcode():
            self._latest.cancel()
            self.panel.set_idle()
            return
        backend, query = self._backend, DuplicateQuery(people=probes, postcode=self.editor.postcode())
        self.panel.set_checking()
        self._latest.start(self, lambda: duplicates.check_duplicates(backend.uow(), query), self.panel.set_candidates,
                           lambda exc: self.panel.set_idle(str(exc)))

    @Slot(object)
    def _on_candidate_chosen(self, candidate: DuplicateCandidate) -> None:
        self.sig_open_family_requested.emit(candidate.family_id)
        self.autosave.flush()
        super().reject()

    def _on_created(self, detail: FamilyDetail) -> None:
        self._saving = False
        self.autosave.discard()
        self._dirty = False
        app_events().publish(Changes(families=True), self)
        self.sig_family_created.emit(detail)
        self.accept()

    def _on_save_failed(self, exc: Exception) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
        elif isinstance(exc, DatabaseUnavailable):
            self.autosave.touch()
            self.autosave.flush()
            self.banner.show_message("The database cannot be reached, so the family was not created. What you "
                                     "typed is kept on this PC. Try again when the connection is back.", "error",
                                     "Try again (Ctrl+S)")
        else:
            self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The family was not created.",
                                     "error")

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override: Esc, Cancel, the close button
        if self._saving:
            return
        if self._dirty:
            answer = prompts.ask_discard(self, "this family")
            if answer == prompts.CANCEL:
                return
            if answer == prompts.DISCARD:
                self.autosave.discard()
            else:
                self.autosave.touch()
                self.autosave.flush()
        super().reject()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: D102 - Qt override
        if self._dirty:
            self.autosave.flush()
        super().hideEvent(event)
