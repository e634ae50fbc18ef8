"""Scripted screenshots for developers: ``hubapp --screenshot PATH [--page ...] [--search TEXT]``.

Once the main window shows its first data, the requested page is brought up (a search is run, or a
family opened), and when that has loaded too the window is grabbed to a PNG and the program quits.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ui.main_window import MainWindow

log = logging.getLogger(__name__)

SETTLE_MS = 300
GIVE_UP_MS = 120_000


class Screenshotter(QObject):
    """Drives the window to a page and grabs it.

    Signals:
        sig_done(int): the exit code (0 when the PNG was written).

    Args:
        window: the main window.
        path: where to write the PNG.
        page: ``search``, ``referrals``, ``family`` (the first family in the referrals list) or
            ``family:ID``.
        search: text to search for first.
        parent: the owning object.
    """

    # ---- Signals
    sig_done = Signal(int)

    def __init__(self, window: MainWindow, path: Path, page: str | None, search: str | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.path = path
        self.page = page or ""
        self.search = search
        self._done = False
        window.sig_first_data_loaded.connect(self._on_window_first_data_loaded)
        QTimer.singleShot(GIVE_UP_MS, self._on_give_up)

    @Slot()
    def _on_window_first_data_loaded(self) -> None:
        if self.search:
            self.window.search_page.sig_results_loaded.connect(self._grab_soon)
            self.window.run_search(self.search)
        elif self.page.startswith("family"):
            _, _, given = self.page.partition(":")
            family_id = int(given) if given else self.window.referrals_page.first_family_id()
            if family_id is None:
                log.error("No family to show: the referrals list is empty")
                self._finish(1)
                return
            self.window.family_page.sig_family_loaded.connect(self._grab_soon)
            self.window.open_family(family_id)
        else:
            self._grab_soon()

    @Slot()
    def _grab_soon(self) -> None:
        QTimer.singleShot(SETTLE_MS, self._grab)

    def _grab(self) -> None:
        if self._done:
            return
        ok = self.window.grab().save(str(self.path))
        if not ok:
            log.error("Could not write the screenshot to %s", self.path)
        self._finish(0 if ok else 1)

    def _on_give_up(self) -> None:
        if not self._done:
            log.error("Gave up waiting for data before the screenshot")
            self._finish(1)

    def _finish(self, code: int) -> None:
        self._done = True
        self.sig_done.emit(code)
