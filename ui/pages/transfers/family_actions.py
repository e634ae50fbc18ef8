"""The family record's transfer and closure menu: step up the open episode, record a step-down
arriving from social care, close the open episode.

Its dialogs keep what is typed as drafts; :meth:`FamilyTransferActions.restore` opens a kept one
again after a restart (whichever page it was typed on), saying so plainly when it no longer applies.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from hubapp.domain.dto import FamilyDetail, HubRow
from hubapp.domain.plan_dto import EpisodeDetail
from hubapp.domain.states import EPISODE_OPEN_STATES, EpisodeState
from hubapp.domain.transfer_dto import ClosureResult, TransferDetail
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import episodes, reference
from hubapp.services.session import Backend
from ui import tasks
from ui.app_events import app_events
from ui.pages.transfers.closure_dialog import KIND as CLOSURE_KIND
from ui.pages.transfers.closure_dialog import ClosureDialog
from ui.pages.transfers.new_transfer_dialogs import STEP_DOWN_KIND, STEP_UP_KIND, NewStepDownDialog, NewStepUpDialog
from ui.pages.transfers.service_dialog import ServiceDialog

#: The states of an episode that can be stepped up.
STEP_UP_FROM = frozenset({EpisodeState.PLAN_ACTIVE, EpisodeState.IN_REVIEW, EpisodeState.ON_HOLD,
                          EpisodeState.ALLOCATED, EpisodeState.ASSESSING, EpisodeState.AWAITING_ALLOCATION})
#: The kinds of draft :meth:`FamilyTransferActions.restore` opens.
DRAFT_KINDS = frozenset({CLOSURE_KIND, STEP_UP_KIND, STEP_DOWN_KIND})


class FamilyTransferActions(QWidget):
    """A menu button whose three actions follow the family shown.

    Signals:
        sig_message_requested(str): a sentence for the status bar after a save.

    Args:
        backend: the open database.
        parent: the family page.
    """

    # ---- Signals
    sig_message_requested = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._detail: FamilyDetail | None = None
        self.dialog: ServiceDialog | None = None
        # One short button with a menu keeps the family page's header narrow; Alt+T opens it.
        self.menu_button = QPushButton("Ac&tions", self)
        self.menu_button.setToolTip("Step up to social care, record a step-down from social care, or close the "
                                    "episode (Alt+T)")
        self.menu_button.setAutoDefault(False)
        menu = QMenu(self.menu_button)
        self.step_up_action = menu.addAction("Step up to social care…", self.step_up)
        self.step_up_action.setToolTip("Ask children's social care to take the case (the episode pauses)")
        self.step_down_action = menu.addAction("Record a step-down from social care…", self.step_down)
        self.close_action = menu.addAction("Close the episode…", self.close_episode)
        self.menu_button.setMenu(menu)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.menu_button)
        self.set_family(None)

    def set_family(self, detail: FamilyDetail | None) -> None:
        """Follow the family shown (``None`` while none is)."""
        self._detail = detail
        status = self._open_status()
        self.step_up_action.setEnabled(status in STEP_UP_FROM)
        self.step_down_action.setEnabled(detail is not None)
        self.close_action.setEnabled(status is not None)
        self.menu_button.setEnabled(detail is not None)

    def _open_status(self) -> str | None:
        d = self._detail
        if d is None or d.open_episode_id is None:
            return None
        return next((e.status for e in d.episodes if e.id == d.open_episode_id
                     and e.status in EPISODE_OPEN_STATES), None)

    def step_up(self) -> None:
        """Draft a step-up from the open episode."""
        d = self._detail
        if d is None or d.open_episode_id is None:
            return
        self._open(NewStepUpDialog(self._backend, d.open_episode_id, d.name, self.window()))

    def step_down(self) -> None:
        """Record a step-down for this family."""
        d = self._detail
        if d is None:
            return
        hubs = (HubRow(d.hub_id, "", d.hub_name),)
        self._open(NewStepDownDialog(self._backend, hubs, (d.id, d.name), self.window()))

    def close_episode(self) -> None:
        """Close the open episode."""
        d = self._detail
        if d is None or d.open_episode_id is None:
            return
        self._open(ClosureDialog(self._backend, d.open_episode_id, self.window()))

    def restore(self, draft: Draft, journal: DraftJournal | None = None) -> None:
        """Open a kept closure, step-up or step-down draft again (after a restart).

        A closure checks its episode as it loads; a step-up reads its episode first and says so if it
        can no longer be stepped up; a step-down is new, so it always applies.
        """
        backend, data = self._backend, draft.data
        if draft.kind == CLOSURE_KIND and isinstance(data.get("episode_id"), int):
            self._open(ClosureDialog(backend, data["episode_id"], self.window(), journal, draft))
        elif draft.kind == STEP_UP_KIND and isinstance(data.get("episode_id"), int):
            episode_id: int = data["episode_id"]
            tasks.run_read(self, lambda: episodes.get_episode(backend.uow(), episode_id),
                           lambda e: self._reopen_step_up(e, draft, journal),
                           lambda exc: self._reopen_step_up(None, draft, journal, str(exc)))
        elif draft.kind == STEP_DOWN_KIND:
            tasks.run_read(self, lambda: reference.hubs(backend.uow()),
                           lambda hubs: self._reopen_step_down(hubs, draft, journal),
                           lambda exc: self._reopen_step_down((), draft, journal, str(exc)))

    def _reopen_step_up(self, e: EpisodeDetail | None, draft: Draft, journal: DraftJournal | None,
                        problem: str = "") -> None:
        fields = draft.data.get("fields") or {}
        name = e.family_name if e is not None else str(fields.get("family") or "the family")
        dialog = NewStepUpDialog(self._backend, int(draft.data["episode_id"]), name, self.window(), journal, draft)
        self._open(dialog)
        if e is not None and e.status not in STEP_UP_FROM:
            dialog.set_no_longer_applies(
                f"This episode is {e.status.replace('_', ' ').lower()} now, so it can no longer be stepped up and "
                "this request cannot be saved. What you typed is kept below: copy what you need, then close this "
                "(Esc).")
        elif problem:
            dialog.banner.show_message(f"The episode could not be checked ({problem}); saving checks it again.",
                                       "warning")

    def _reopen_step_down(self, hubs: tuple[HubRow, ...], draft: Draft, journal: DraftJournal | None,
                          problem: str = "") -> None:
        fields = draft.data.get("fields") or {}
        kept = fields.get("family") if isinstance(fields.get("family"), dict) else {}
        family_id = draft.data.get("family_id")
        family = (family_id, str(kept.get("name") or "")) if isinstance(family_id, int) else None
        dialog = NewStepDownDialog(self._backend, hubs, family, self.window(), journal, draft)
        self._open(dialog)
        if problem:
            dialog.banner.show_message(f"The hubs could not be read ({problem}); try again once the connection is "
                                       "back. What you typed is kept.", "warning")

    def _open(self, dialog: ServiceDialog) -> None:
        dialog.sig_saved.connect(self._on_saved)
        self.dialog = dialog
        dialog.open()

    def _on_saved(self, result: object) -> None:
        if isinstance(result, TransferDetail):
            kind = "Step-up drafted" if result.row.direction == "STEP_UP" else "Step-down recorded"
            self.sig_message_requested.emit(f"{kind} for the {result.row.family_name}.")
            app_events().publish(result.changes, self)
        elif isinstance(result, ClosureResult):
            self.sig_message_requested.emit("The episode is closed.")
            app_events().publish(result.changes, self)
