"""The intake form: log a request for support while still on the phone, by keyboard alone.

Keys: Tab or Enter moves to the next field (Enter in the summary starts a new line; Tab leaves
it); type part of a choice and Enter takes it; Ctrl+S saves; Ctrl+Shift+S saves and starts the
next request; Esc cancels (asking first if anything was typed). While the household is typed,
known families appear on the right: F6 moves into them, Ctrl+L links the highlighted one, Ctrl+U
unlinks. Alt+P adds a person; Ctrl+Shift+N creates the typed household as a family at once.

Nothing typed is lost: the form is kept as a draft on this PC as it is typed
(:class:`DraftAutosave`) and removed once the request is saved. If the database cannot be
reached, the form stays open with a banner and a "Try again".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from hubapp.domain import codes
from hubapp.domain.dto import Actor, CodeItem, HubRow, NewRequest, RequestDetail
from hubapp.domain.errors import DatabaseUnavailable, DomainError, FieldError, ValidationError
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import intake, reference, referrals
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui.app_events import app_events
from ui.dialogs import prompts
from ui.dialogs.consent_sections import ConsentSection, ShareSection
from ui.dialogs.form_dialog import FormDialog
from ui.dialogs.intake_family import FamilyArea
from ui.dialogs.intake_sections import NeedsSection, RequestSection, section_title
from ui.tasks import run_read, run_write
from ui.widgets.banner import Banner
from ui.widgets.draft_autosave import DraftAutosave
from ui.widgets.form_errors import FormErrors

KIND = "request"


class IntakeDialog(FormDialog):
    """A new request for support.

    Signals:
        sig_request_saved(object): the ``RequestDetail`` of a saved request.
        sig_new_family_requested(object): create the typed household as a family now (its state).
        sig_save_finished(bool): a save attempt ended (whether it saved).

    Args:
        backend: the open database.
        actor: the signed-in worker (their first hub is the default).
        journal: where drafts are kept.
        draft: a draft to carry on with.
        family_id: a family to link at once (a request for a known family).
        family_name: its name, shown while it loads.
        parent: the parent widget.
    """

    # ---- Signals
    sig_request_saved = Signal(object)
    sig_new_family_requested = Signal(object)
    sig_save_finished = Signal(bool)

    def __init__(
        self, backend: Backend, actor: Actor, journal: DraftJournal, draft: Draft | None = None,
        family_id: int | None = None, family_name: str = "", parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IntakeDialog")
        self.setWindowTitle("New request for support")
        self._backend = backend
        self._actor = actor
        self._dirty = False
        self._saving = False
        self._retry_and_new = False
        self._pending_hub: int | None = None
        self.errors = FormErrors(self)
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(lambda: self.save(self._retry_and_new))
        self.request = RequestSection(self.errors, self)
        self.family = FamilyArea(backend, self.errors, self)
        self.needs = NeedsSection(self.errors, self)
        self.consent = ConsentSection(self.errors, self.family.consent_giver, self)
        self.share = ShareSection(self.errors, self)
        self.create_family_button = self.make_button("Create family now (Ctrl+Shift+N)")
        self.create_family_button.clicked.connect(self._on_create_family_clicked)
        self.save_button = self.make_button("Save (Ctrl+S)", primary=True)
        self.save_new_button = self.make_button("Save and new (Ctrl+Shift+S)")
        self.cancel_button = self.make_button("Cancel (Esc)")
        self.draft_status = QLabel("Not saved yet", self)
        self.draft_status.setObjectName("DraftStatus")
        self.autosave = DraftAutosave(journal, KIND, backend.display_name, self._snapshot,
                                      draft.id if draft else None, self)
        self._build_layout()
        self._connect()
        self._chain_tabs()
        self.resize(1340, 880)
        self._load_reference_data()
        if draft is not None:
            self.restore(draft.data)
            self._dirty = True
            self.draft_status.setText(f"Draft from {fmt.uk_datetime(draft.saved_at)} restored")
        elif family_id is not None:
            self.family.link_family(family_id, family_name)
            self._dirty = False  # opened for a family: nothing typed yet
            self.autosave.discard()
        self._focus_start(restored=draft is not None)

    # ---- Public

    @property
    def is_dirty(self) -> bool:
        """Whether something was typed since the form opened (or was last saved)."""
        return self._dirty

    @property
    def draft_id(self) -> str:
        """The id of this form's draft in the journal."""
        return self.autosave.draft_id

    def build_request(self) -> tuple[NewRequest, list[FieldError]]:
        """The request as typed, and the errors found before asking the service (dates, pick lists)."""
        values, errors = self.request.values()
        family_id, subjects, new_family, family_errors = self.family.values(int(values["hub_id"]))
        needs, need_errors = self.needs.values()
        consent, consent_errors = self.consent.value()
        share, share_errors = self.share.value()
        request = NewRequest(**values, **needs, family_id=family_id, subject_person_ids=subjects,
                             new_family=new_family, consent=consent, share=share)
        return request, errors + family_errors + need_errors + consent_errors + share_errors

    @Slot()
    def save(self, and_new: bool = False) -> None:
        """Save the request (Ctrl+S), or save it and start another (Ctrl+Shift+S)."""
        if self._saving:
            return
        self._retry_and_new = and_new
        self.commit_pick_lists()
        self.autosave.flush()
        request, local = self.build_request()
        self.banner.hide()
        backend = self._backend
        if local:
            # Ask for every other problem too (nothing is saved), so all of them show at once.
            run_read(self, lambda: intake.validate_request(backend.uow(), request),
                     lambda found: self._show_errors(self._merge(local, found)), self._on_save_failed)
            return
        self._set_saving(True)
        run_write(self, lambda: referrals.log_request(backend.uow(), request),
                  lambda detail: self._on_saved(detail, and_new), self._on_save_failed)

    def restore(self, data: dict[str, Any]) -> None:
        """Put a draft's state back into the form."""
        request = data.get("request") or {}
        self.request.restore(request)
        self._pending_hub = request.get("hub") if isinstance(request.get("hub"), int) else None
        self.family.restore(data.get("family") or {})
        self.needs.restore(data.get("needs") or {})
        self.consent.restore(data.get("consent") or {})
        self.share.restore(data.get("share") or {})
        self._chain_tabs()

    def reset(self) -> None:
        """An empty form for the next request (after "save and new")."""
        self.errors.clear()
        self.request.reset(self._default_hub())
        self.family.reset()
        self.needs.reset()
        self.consent.reset()
        self.share.reset()
        self._dirty = False
        self.autosave.restart()
        self.draft_status.setText("Not saved yet")
        self._chain_tabs()
        self._focus_start()

    def _focus_start(self, restored: bool = False) -> None:
        """Put the cursor where typing starts: the source, or in a restored draft the first empty field.

        Focus arrives as if by Tab, so text already in a field is selected and typing replaces it.
        """
        target: QWidget = self.request.source
        if restored:
            chain = self.request.focus_widgets()[5:] + self.family.focus_widgets()
            empty = [w for w in chain if isinstance(w, (QLineEdit, QComboBox)) and not _text(w).strip()]
            target = empty[0] if empty else self.needs.needs.edit
        target.setFocus(Qt.FocusReason.TabFocusReason)

    # ---- Building

    def _build_layout(self) -> None:
        body = QWidget(self)
        body.setObjectName("FormBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(16, 8, 16, 16)
        form.setSpacing(4)
        family_title = QHBoxLayout()
        family_title.addWidget(section_title("2 · Who is it about?", body), 1)
        family_title.addWidget(self.create_family_button, 0, Qt.AlignmentFlag.AlignBottom)
        for title, section in (("1 · Request", self.request), (None, self.family), ("3 · Needs", self.needs),
                               ("4 · Agreement to early help", self.consent),
                               ("5 · Information sharing (recorded separately)", self.share)):
            if title is None:
                form.addLayout(family_title)
            else:
                form.addWidget(section_title(title, body))
            form.addWidget(section)
        form.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("FormScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.family.panel.setParent(self)
        self.family.panel.setMinimumWidth(320)
        self.family.panel.setMaximumWidth(380)
        middle = QHBoxLayout()
        middle.setSpacing(10)
        middle.addWidget(self.scroll, 1)
        middle.addWidget(self.family.panel)
        footer = QHBoxLayout()
        footer.addWidget(self.draft_status, 1)
        for button in (self.cancel_button, self.save_new_button, self.save_button):
            footer.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(8)
        column.addWidget(self.banner)
        column.addLayout(middle, 1)
        column.addLayout(footer)

    def _connect(self) -> None:
        for section in (self.request, self.family, self.needs, self.consent, self.share):
            section.sig_edited.connect(self._on_form_edited)
        self.family.sig_layout_changed.connect(self._on_family_layout_changed)
        self.family.sig_linked.connect(self._on_family_linked)
        self.save_button.clicked.connect(lambda: self.save(False))
        self.save_new_button.clicked.connect(lambda: self.save(True))
        self.cancel_button.clicked.connect(self.reject)
        self.autosave.sig_saved.connect(self._on_autosave_saved)
        self.autosave.sig_failed.connect(self._on_autosave_failed)
        for keys, slot in (("Ctrl+S", lambda: self.save(False)), ("Ctrl+Shift+S", lambda: self.save(True)),
                           ("Ctrl+L", self._on_link_shortcut), ("Ctrl+U", self._on_unlink_shortcut),
                           ("F6", self.family.panel.focus_list), ("Ctrl+Shift+N", self._on_create_family_clicked)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)

    def _chain_tabs(self) -> None:
        chain = [w for w in (self.request.focus_widgets() + self.family.focus_widgets() + self.needs.focus_widgets()
                             + self.consent.focus_widgets() + self.share.focus_widgets()
                             + [self.save_button, self.save_new_button, self.cancel_button, self.family.panel.list])]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _load_reference_data(self) -> None:
        backend = self._backend

        def load() -> tuple[tuple[HubRow, ...], tuple[CodeItem, ...]]:
            return reference.hubs(backend.uow()), reference.code_list(backend.uow(), codes.REFERRAL_SOURCE)

        run_read(self, load, self._on_reference_loaded, lambda exc: self.banner.show_message(str(exc), "error"))

    def _default_hub(self) -> int | None:
        return self._actor.hub_ids[0] if self._actor.hub_ids else None

    # ---- Saving

    @staticmethod
    def _merge(local: list[FieldError], found: tuple[FieldError, ...]) -> list[FieldError]:
        """The form's own errors, then the service's on other fields."""
        mine = {e.field for e in local}
        return local + [e for e in found if e.field not in mine]

    def _show_errors(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        leftovers = self.errors.show(errors)
        n = len(errors)
        text = f"{n} thing{'s' if n != 1 else ''} to put right before this request can be saved; each is " \
               "shown beside its field. Nothing was saved, and what you typed is kept."
        if leftovers:
            text += " " + " ".join(e.message for e in leftovers)
        self.banner.show_message(text, "error")
        self.errors.focus_first()
        self.sig_save_finished.emit(False)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.scroll.widget().setEnabled(not saving)
        for button in (self.save_button, self.save_new_button, self.cancel_button):
            button.setEnabled(not saving)
        if saving:
            self.banner.show_message("Saving…", "info")

    def _on_saved(self, detail: RequestDetail, and_new: bool) -> None:
        self._set_saving(False)
        self.autosave.discard()
        self._dirty = False
        app_events().publish(detail.changes, self)
        if and_new:
            self.reset()
            self.banner.show_message(f"Request {detail.id} saved. Ready for the next one.", "success")
        else:
            self.banner.hide()
            self.accept()  # closed first, so whoever hears of the save knows the form is gone
        self.sig_request_saved.emit(detail)
        self.sig_save_finished.emit(True)

    def _on_save_failed(self, exc: Exception) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationError):
            self._show_errors(exc.errors)
            return
        if isinstance(exc, DatabaseUnavailable):
            self.autosave.touch()
            self.autosave.flush()
            self.banner.show_message(
                "The database cannot be reached, so nothing was saved. What you typed is kept on this PC and "
                "will be offered again if hubapp closes. Try again when the connection is back.",
                "error", "Try again (Ctrl+S)")
        else:
            self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The request was not saved.",
                                     "error")
        self.sig_save_finished.emit(False)

    def _snapshot(self) -> tuple[str, dict[str, Any]]:
        data = {"request": self.request.state(), "family": self.family.state(), "needs": self.needs.state(),
                "consent": self.consent.state(), "share": self.share.state()}
        who = self.family.title()
        referrer = self.request.referrer_name.text().strip()
        title = (f"Request about {who}" if who else f"Request from {referrer}" if referrer
                 else "A request with no names yet")
        return title, data

    # ---- Slots

    @Slot()
    def _on_form_edited(self) -> None:
        self._dirty = True
        self.autosave.touch()

    def _on_reference_loaded(self, result: tuple[tuple[HubRow, ...], tuple[CodeItem, ...]]) -> None:
        hubs, sources = result
        self.request.set_sources(sources)
        self.request.set_hubs(hubs, self._pending_hub if self._pending_hub is not None else self._default_hub())
        if self.request.hub.code() is None and hubs:
            self.request.hub.set_code(hubs[0].id)

    @Slot(object)
    def _on_autosave_saved(self, at: dt.datetime) -> None:
        self.draft_status.setText(f"Draft kept on this PC at {fmt.local_time(at):%H:%M:%S} (not saved yet)")

    @Slot(str)
    def _on_autosave_failed(self, why: str) -> None:
        self.draft_status.setText(f"The draft could not be kept on this PC: {why}")

    @Slot()
    def _on_family_linked(self) -> None:
        self.create_family_button.setVisible(not self.family.is_linked)
        self._chain_tabs()
        if self.focusWidget() is None or not self.focusWidget().isVisible():
            self.needs.needs.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_family_layout_changed(self) -> None:
        self.create_family_button.setVisible(not self.family.is_linked)
        self._chain_tabs()

    @Slot()
    def _on_link_shortcut(self) -> None:
        if not self.family.is_linked:
            self.family.panel.choose_current()
            self.needs.needs.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def _on_unlink_shortcut(self) -> None:
        if self.family.is_linked:
            self.family.unlink()

    @Slot()
    def _on_create_family_clicked(self) -> None:
        if not self.family.is_linked:
            self.sig_new_family_requested.emit(self.family.editor.state())

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override: Esc, Cancel and the window's close button
        if self._saving:
            return
        if self._dirty:
            answer = prompts.ask_discard(self)
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


def _text(widget: QWidget) -> str:
    return widget.currentText() if isinstance(widget, QComboBox) else widget.text()  # type: ignore[attr-defined]


__all__ = ["IntakeDialog", "KIND"]
