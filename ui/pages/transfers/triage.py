"""Taking steps on transfers from a list: shared by the step-down queue and the step-up list.

A step the item's state does not allow is refused at once, with the message naming the state (the
same rule the service enforces). Steps that record nothing run straight away; the others open
:class:`TransferActionDialog`. Allocating with several items selected allocates them all to one
worker (bulk). Every outcome comes back as ``sig_message_requested``; a saved change is published
on the program's event hub, which reloads every list that shows it.

A step's dialog keeps what is typed as a draft; :meth:`TransferTriage.restore` opens a kept one again
(after a restart) on the transfer as it is now, saying so plainly when the step no longer applies.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from hubapp.domain import transfer_rules as rules
from hubapp.domain.dto import Changes
from hubapp.domain.errors import DomainError, IllegalTransition
from hubapp.domain.transfer_dto import BulkAllocateResult, TransferActionInput, TransferDetail, TransferRow
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import transfers
from hubapp.services.session import Backend
from ui import tasks
from ui.app_events import app_events
from ui.pages.transfers.action_dialog import TransferActionDialog, needs_dialog, no_longer_applies

_TRANSFERS = Changes(transfers=True)


class TransferTriage(QObject):
    """Runs steps on the transfers a page has selected.

    Signals:
        sig_message_requested(str, str): a message and its kind (``info``, ``success``, ``error``).
        sig_done(object): a step was saved (its ``TransferDetail`` or ``BulkAllocateResult``).

    Args:
        backend: the open database.
        page: the page (parent of the dialogs; the source of published changes).
    """

    # ---- Signals
    sig_message_requested = Signal(str, str)
    sig_done = Signal(object)

    def __init__(self, backend: Backend, page: QWidget) -> None:
        super().__init__(page)
        self._backend = backend
        self._page = page
        self.dialog: TransferActionDialog | None = None

    def run(self, action: str, rows: list[TransferRow]) -> None:
        """Take ``action`` on ``rows`` (several only for a bulk allocation)."""
        if not rows:
            self.sig_message_requested.emit("Choose an item in the list first.", "info")
            return
        if len(rows) > 1 and action != "allocate":
            rows = rows[:1]
        allowed = [r for r in rows if self._allowed(r, action, quiet=len(rows) > 1)]
        if not allowed:
            return
        if len(rows) > 1 and len(allowed) < len(rows):
            skipped = len(rows) - len(allowed)
            self.sig_message_requested.emit(f"{skipped} of the selected items are not accepted and are left out.",
                                            "info")
        if needs_dialog(action) or len(allowed) > 1:
            self._open_dialog(action, allowed)
            return
        row = allowed[0]
        backend = self._backend
        data = TransferActionInput(row.id, row.version, action)
        tasks.run_write(self._page, lambda: transfers.advance(backend.uow(), data), self._on_saved, self._on_refused)

    def restore(self, draft: Draft, journal: DraftJournal | None = None) -> None:
        """Open a kept draft of a step again, on the transfer as it is now (read first).

        If the transfer has moved on so that the step no longer applies, the dialog says so and keeps
        the text to copy; it cannot be saved.
        """
        transfer_id, action = draft.data.get("transfer_id"), str(draft.data.get("action") or "")
        if not isinstance(transfer_id, int) or not needs_dialog(action):
            self.sig_message_requested.emit(f"{draft.title}: this draft cannot be opened again.", "error")
            return
        backend = self._backend

        def failed(exc: Exception) -> None:
            self.sig_message_requested.emit(f"{draft.title}: the transfer could not be read ({exc}). What you typed "
                                            "is still kept on this PC and is offered again next time.", "error")

        tasks.run_read(self._page, lambda: transfers.get_transfer(backend.uow(), transfer_id),
                       lambda detail: self._reopen(detail, action, draft, journal), failed)

    def _reopen(self, detail: TransferDetail, action: str, draft: Draft, journal: DraftJournal | None) -> None:
        dialog = self._open_dialog(action, [detail.row], draft, journal)
        if not self._allowed(detail.row, action, quiet=True):
            dialog.set_no_longer_applies(no_longer_applies(detail, action))

    def _allowed(self, row: TransferRow, action: str, quiet: bool) -> bool:
        try:
            rules.steps(row.direction, row.status, action)
        except IllegalTransition as exc:
            if not quiet:
                self.sig_message_requested.emit(f"{row.family_name}: {exc}", "error")
            return False
        return True

    def _open_dialog(self, action: str, rows: list[TransferRow], draft: Draft | None = None,
                     journal: DraftJournal | None = None) -> TransferActionDialog:
        dialog = TransferActionDialog(self._backend, rows, action, self._page, journal, draft)
        dialog.sig_saved.connect(self._on_saved)
        dialog.sig_refused.connect(self._on_refused)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _on_saved(self, result: object) -> None:
        if isinstance(result, BulkAllocateResult):
            text = f"Allocated {len(result.allocated)} step-down{'s' if len(result.allocated) != 1 else ''}."
            if result.refused:
                text += " Not allocated: " + " ".join(reason for _, reason in result.refused)
            self.sig_message_requested.emit(text, "success" if not result.refused else "warning")
            app_events().publish(result.changes, self._page)
        elif isinstance(result, TransferDetail):
            last = result.events[-1] if result.events else None
            what = last.action_label if last is not None else "Saved"
            self.sig_message_requested.emit(
                f"{result.row.family_name}: '{what}' saved. It is now {result.row.status_label.lower()}.", "success")
            app_events().publish(result.changes, self._page)
        self.sig_done.emit(result)

    def _on_refused(self, exc: object) -> None:
        text = str(exc) if isinstance(exc, DomainError) else "The step could not be saved."
        self.sig_message_requested.emit(text, "error")
        # Whatever happened elsewhere, show the list as it is now.
        app_events().publish(_TRANSFERS, self._page)
