"""Keeps a form's draft in the journal as the person types (throttled), and drops it once saved.

The form calls :meth:`DraftAutosave.touch` on every change; the draft is written at most every
``THROTTLE_MS`` (the first change of a burst starts the clock, so nothing waits longer than
that), and at once by :meth:`flush` (when the form hides, or before a save is attempted). A
write is a small local file (``hubapp.drafts``), fast enough for the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from hubapp.drafts import DraftJournal, new_id

log = logging.getLogger(__name__)

THROTTLE_MS = 400


class DraftAutosave(QObject):
    """The draft of one form.

    Signals:
        sig_saved(object): the draft was written; the time (aware UTC).
        sig_failed(str): the draft could not be written (disk full, read-only); why.

    Args:
        journal: where drafts are kept.
        kind: the form's kind, e.g. ``"request"``.
        database: which database the draft belongs to.
        snapshot: returns ``(title, data)``: the draft's title and the form's state as JSON values.
        draft_id: an existing draft to keep writing (a restored one); default a new id.
        parent: the owning object (the form).
    """

    # ---- Signals
    sig_saved = Signal(object)
    sig_failed = Signal(str)

    def __init__(
        self, journal: DraftJournal, kind: str, database: str,
        snapshot: Callable[[], tuple[str, dict[str, Any]]], draft_id: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal = journal
        self.kind = kind
        self.database = database
        self.draft_id = draft_id or new_id()
        self._snapshot = snapshot
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def pending(self) -> bool:
        """Whether a change waits to be written."""
        return self._pending

    def touch(self) -> None:
        """The form changed: write the draft soon."""
        self._pending = True
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> bool:
        """Write now if anything changed; returns whether the draft on disk is up to date."""
        self._timer.stop()
        if not self._pending:
            return True
        return self._write()

    def discard(self) -> None:
        """The form was saved (or deliberately thrown away): forget the draft."""
        self._timer.stop()
        self._pending = False
        self.journal.discard(self.draft_id)

    def restart(self) -> None:
        """Start a new draft (after "save and new"); the old one must already be discarded."""
        self._timer.stop()
        self._pending = False
        self.draft_id = new_id()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._pending:
            self._write()

    def _write(self) -> bool:
        title, data = self._snapshot()
        try:
            self.journal.save(self.kind, self.draft_id, title, self.database, data)
        except OSError as exc:
            log.warning("The draft could not be kept: %s", exc)
            self.sig_failed.emit(str(exc))
            return False
        self._pending = False
        self.sig_saved.emit(dt.datetime.now(dt.UTC))
        return True
