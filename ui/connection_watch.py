"""Notices a lost database connection and finds out, off the GUI thread, when it is back.

Any task that meets ``DatabaseUnavailable`` (``ui.tasks.set_unavailable_handler``), or the
change feed losing its LISTEN connection, calls :meth:`ConnectionWatch.report_lost`. The watch
then probes the database with ``Backend.ping`` in a worker, after 1, 2, 4... seconds (at most
``MAX_DELAY_MS``), until one answers; then it says so, once. No polling happens on the GUI thread
and none while the connection is fine.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from hubapp.services.session import Backend
from ui import tasks

log = logging.getLogger(__name__)

FIRST_DELAY_MS = 1_000
MAX_DELAY_MS = 10_000


class ConnectionWatch(QObject):
    """Lost, then back: for the main window's banner.

    Signals:
        sig_lost(str): the database cannot be reached; why, for the log and the tooltip.
        sig_restored(): it answers again (reload what is shown).

    Args:
        backend: the open database.
        parent: the owning object (the main window).
    """

    # ---- Signals
    sig_lost = Signal(str)
    sig_restored = Signal()

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._lost = False
        self._probing = False
        self._stopped = False
        self._delay = FIRST_DELAY_MS
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def is_lost(self) -> bool:
        """Whether the connection is lost (the probe is still trying)."""
        return self._lost

    def report_lost(self, why: object = "") -> None:
        """Something met an unreachable database: say so (once) and start probing."""
        if self._stopped:
            return
        if not self._lost:
            self._lost = True
            self._delay = FIRST_DELAY_MS
            log.warning("The database cannot be reached: %s", why)
            self.sig_lost.emit(str(why))
        if not self._probing and not self._timer.isActive():
            self._timer.start(self._delay)

    def stop(self) -> None:
        """Stop probing (the window is closing)."""
        self._stopped = True
        self._timer.stop()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._stopped or not self._lost:
            return
        self._probing = True
        tasks.run_read(self, self._backend.ping, self._on_probe_done, self._on_probe_failed)

    def _on_probe_done(self, _result: object) -> None:
        self._probing = False
        if self._stopped or not self._lost:
            return
        self._lost = False
        log.info("The database answers again")
        self.sig_restored.emit()

    def _on_probe_failed(self, exc: Exception) -> None:
        self._probing = False
        if self._stopped:
            return
        self._delay = min(self._delay * 2, MAX_DELAY_MS)
        log.info("The database still cannot be reached (next try in %d ms): %s", self._delay, exc)
        self._timer.start(self._delay)
