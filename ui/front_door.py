"""The front door in the main window: opens the intake form, the request view, the decision and a new family.

:meth:`FrontDoor.install` adds what the front door needs to the main window: Ctrl+N (new
request; on a family's page, a request for that family), Ctrl+Shift+N (new family), the
inbox's View/Decide buttons (Ctrl+I, Ctrl+D), and the Search page's "Add a new family". It also
offers back unsaved drafts: at start (:meth:`offer_drafts`: a request, a new family, a decision, a
transfer dialog's, or one typed on an episode: its closure, an assessment return, a meeting record, a
need or edits to the plan, reopened on the episode's right tab), and when a new request is started
while one is waiting. (A decision, a transfer form or an episode's form offers its own kept draft
when it is opened again on the same record.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from hubapp.domain.dto import Actor, RequestDetail
from hubapp.drafts import Draft, DraftJournal
from hubapp.services.session import Backend
from ui.dialogs import prompts
from ui.dialogs.decision_dialog import KIND as DECISION_KIND
from ui.dialogs.decision_dialog import DecisionDialog
from ui.dialogs.intake_dialog import KIND as REQUEST_KIND
from ui.dialogs.intake_dialog import IntakeDialog
from ui.dialogs.new_family_dialog import KIND as FAMILY_KIND
from ui.dialogs.new_family_dialog import NewFamilyDialog
from ui.dialogs.request_view_dialog import RequestViewDialog
from ui.pages.episode import kept_drafts as episode_drafts
from ui.pages.request_actions import RequestActionBar
from ui.pages.transfers import kept_drafts as transfer_drafts

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class FrontDoor(QObject):
    """Opens and connects the front door's dialogs.

    Signals:
        sig_request_saved(object): a request was logged (its ``RequestDetail``).
        sig_request_decided(object): a request was decided (its ``RequestDetail``).
        sig_family_created(object): a family was created on its own (its ``FamilyDetail``).
        sig_open_family_requested(int): show this family.

    Args:
        parent: the window the dialogs belong to.
        backend: the open database.
        actor: the signed-in worker.
        journal: where drafts are kept (default: the user's data directory).
    """

    # ---- Signals
    sig_request_saved = Signal(object)
    sig_request_decided = Signal(object)
    sig_family_created = Signal(object)
    sig_open_family_requested = Signal(int)

    def __init__(self, parent: QWidget, backend: Backend, actor: Actor, journal: DraftJournal | None = None) -> None:
        super().__init__(parent)
        self._window = parent
        self.backend = backend
        self.actor = actor
        self.journal = journal or DraftJournal()
        self.intake: IntakeDialog | None = None
        self.decisions: dict[int, DecisionDialog] = {}
        self.views: dict[int, RequestViewDialog] = {}
        self.family_dialog: NewFamilyDialog | None = None
        self._main: MainWindow | None = None

    # ---- Installing into the main window

    def install(self, window: MainWindow) -> None:
        """Add the front door's shortcuts and buttons to the main window."""
        self._main = window
        bar = RequestActionBar(window.referrals_page.selected_request_id, window.referrals_page)
        window.referrals_page.add_header_widget(bar)
        bar.sig_new_requested.connect(self.new_request_here)
        bar.sig_view_requested.connect(self.view_request)
        bar.sig_decide_requested.connect(self.decide_request)
        window.search_page.sig_new_family_requested.connect(lambda: self.new_family())
        for text, keys, slot in (("New request", "Ctrl+N", self.new_request_here),
                                 ("New family", "Ctrl+Shift+N", lambda: self.new_family())):
            action = QAction(text, window)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            window.addAction(action)
        self.sig_open_family_requested.connect(self._show_family)
        self.sig_family_created.connect(lambda detail: self._show_family(detail.id))
        self.sig_request_saved.connect(self._on_request_saved)

    # ---- Opening

    @Slot()
    def new_request_here(self) -> IntakeDialog:
        """A new request; on a family's page, a request for that family."""
        main = self._main
        if main is not None and main.current_page() == "family" and main.family_page.family_id is not None:
            detail = main.family_page.detail
            return self.new_request(main.family_page.family_id, detail.name if detail else "")
        return self.new_request()

    def new_request(self, family_id: int | None = None, family_name: str = "") -> IntakeDialog:
        """Open the intake form (raising the one already open); offer a waiting draft first."""
        if self.intake is not None:
            self._raise(self.intake)
            return self.intake
        waiting = self._drafts(REQUEST_KIND)
        if waiting:
            answer = prompts.ask_restore(self._window, waiting[0], len(waiting) - 1)
            if answer == prompts.RESTORE:
                return self.open_intake(draft=waiting[0])
            if answer == prompts.DISCARD and prompts.confirm_discard_draft(self._window, waiting[0]):
                self.journal.discard(waiting[0].id)
        return self.open_intake(family_id=family_id, family_name=family_name)

    def open_intake(self, draft: Draft | None = None, family_id: int | None = None,
                    family_name: str = "") -> IntakeDialog:
        """Show the intake form (blank, for a family, or from a draft)."""
        dialog = IntakeDialog(self.backend, self.actor, self.journal, draft, family_id, family_name, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_request_saved.connect(self.sig_request_saved)
        dialog.sig_new_family_requested.connect(lambda state: self.new_family(state, dialog))
        dialog.finished.connect(lambda _r: self._forget_intake(dialog))
        self.intake = dialog
        self._raise(dialog)
        return dialog

    @Slot(int)
    def view_request(self, request_id: int) -> RequestViewDialog:
        """Show one request."""
        if request_id in self.views:
            self._raise(self.views[request_id])
            return self.views[request_id]
        dialog = RequestViewDialog(self.backend, request_id, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_decide_requested.connect(self.decide_request)
        dialog.sig_open_family_requested.connect(self.sig_open_family_requested)
        dialog.finished.connect(lambda _r: self.views.pop(request_id, None))
        self.views[request_id] = dialog
        self._raise(dialog)
        return dialog

    @Slot(int)
    def decide_request(self, request_id: int, draft: Draft | None = None) -> DecisionDialog:
        """Open the decision on one request (carrying on with a kept draft of it)."""
        if request_id in self.decisions:
            self._raise(self.decisions[request_id])
            return self.decisions[request_id]
        dialog = DecisionDialog(self.backend, self.actor, request_id, self._window, self.journal, draft)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_decided.connect(self._on_decided)
        dialog.finished.connect(lambda _r: self.decisions.pop(request_id, None))
        self.decisions[request_id] = dialog
        self._raise(dialog)
        return dialog

    def new_family(self, household: dict[str, Any] | None = None, intake: IntakeDialog | None = None,
                   draft: Draft | None = None) -> NewFamilyDialog:
        """Open the New family dialog; created from the intake form, the request links the new family."""
        if self.family_dialog is not None:
            self._raise(self.family_dialog)
            return self.family_dialog
        dialog = NewFamilyDialog(self.backend, self.actor, self.journal, household, draft, intake or self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if intake is not None:
            dialog.sig_family_created.connect(
                lambda detail: intake.family.link_family(detail.id, detail.name) if _alive(intake) else None)
            dialog.sig_open_family_requested.connect(
                lambda family_id: intake.family.link_family(family_id) if _alive(intake) else None)
        else:
            dialog.sig_family_created.connect(self.sig_family_created)
            dialog.sig_open_family_requested.connect(self.sig_open_family_requested)
        dialog.finished.connect(lambda _r: self._forget_family_dialog(dialog))
        self.family_dialog = dialog
        self._raise(dialog)
        return dialog

    def offer_drafts(self) -> None:
        """At start: offer the newest unsaved draft of this database back (the others wait for later)."""
        kinds = {REQUEST_KIND, FAMILY_KIND, DECISION_KIND}
        if self._main is not None:
            kinds |= transfer_drafts.KINDS | episode_drafts.KINDS
        waiting = [d for d in self.journal.drafts(database=self.backend.display_name) if d.kind in kinds]
        if not waiting:
            return
        answer = prompts.ask_restore(self._window, waiting[0], len(waiting) - 1)
        if answer == prompts.RESTORE:
            self.reopen(waiting[0])
        elif answer == prompts.DISCARD and prompts.confirm_discard_draft(self._window, waiting[0]):
            self.journal.discard(waiting[0].id)

    def reopen(self, draft: Draft) -> None:
        """Open a kept draft in the form it was typed in, on the same record, with what was typed."""
        if draft.kind == FAMILY_KIND:
            self.new_family(draft=draft)
        elif draft.kind == REQUEST_KIND:
            self.open_intake(draft=draft)
        elif draft.kind == DECISION_KIND and isinstance(draft.data.get("request_id"), int):
            if self._main is not None:
                self._main.show_page("referrals")
            self.decide_request(draft.data["request_id"], draft)
        elif draft.kind in transfer_drafts.KINDS and self._main is not None:
            transfer_drafts.reopen(self._main, draft, self.journal)
        elif draft.kind in episode_drafts.KINDS and self._main is not None:
            episode_drafts.reopen(self._main, draft, self.journal)

    # ---- Internals

    def _drafts(self, kind: str) -> list[Draft]:
        open_ids = {d.draft_id for d in (self.intake, self.family_dialog) if d is not None}
        return [d for d in self.journal.drafts(kind, self.backend.display_name) if d.id not in open_ids]

    @staticmethod
    def _raise(dialog: QDialog) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _forget_intake(self, dialog: IntakeDialog) -> None:
        if self.intake is dialog:
            self.intake = None

    def _forget_family_dialog(self, dialog: NewFamilyDialog) -> None:
        if self.family_dialog is dialog:
            self.family_dialog = None

    def _show_family(self, family_id: int) -> None:
        main = self._main
        if main is not None:
            main.open_family(family_id)
            main.activateWindow()

    def _on_request_saved(self, detail: RequestDetail) -> None:
        main = self._main
        if main is None:
            return
        main.show_page("referrals")
        main.referrals_page.select_request(detail.id)
        if self.intake is None or not self.intake.isVisible():
            # Back to the inbox, on the request just logged, ready for Ctrl+D ("save and new" stays put).
            main.activateWindow()
            main.referrals_page.focus_table()
        main.statusBar().showMessage(f"Request {detail.id} logged. Ctrl+D decides it; Ctrl+I shows it.", 10_000)

    def _on_decided(self, detail: RequestDetail) -> None:
        self.sig_request_decided.emit(detail)
        if self._main is not None:
            self._main.statusBar().showMessage(f"Request {detail.id} decided.", 8_000)
            if self._main.current_page() == "referrals" and not self.views:
                self._main.activateWindow()
                self._main.referrals_page.focus_table()
        view = self.views.get(detail.id)
        if view is not None:
            view.reload()


def _alive(dialog: QObject) -> bool:
    return shiboken6.isValid(dialog)


__all__ = ["FrontDoor"]
