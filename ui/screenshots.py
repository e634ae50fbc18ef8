"""Scripted screenshots for developers: ``hubapp --screenshot PATH [--page ...] [--search TEXT]``.

Once the main window shows its first data, the requested page is brought up (a search is run, or a
family opened), and when that has loaded too the window is grabbed to a PNG and the program quits.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from ui.main_window import MainWindow
from ui.dialogs import screenshot_views as front_door_views
from ui.pages.dashboard import screenshot_views as dashboard_views

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
        page: ``search``, ``referrals``, ``family`` (the first family in the referrals list),
            ``family:ID``, ``caseload``, ``episode[:ID[:VIEW]]`` (see ``ui.pages.episode.screenshot_views``),
            ``step_downs``, ``step_ups``, ``dashboard[:VIEW]`` (see ``ui.pages.dashboard.screenshot_views``),
            or a front-door dialog: ``intake``, ``decide[:ID]``,
            ``request[:ID]``, ``new-family`` (see ``ui.dialogs.screenshot_views``).
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
        self._target: QWidget = window
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
            # A family this login may not see shows "not found": grab that too rather than wait.
            self.window.family_page.sig_family_failed.connect(self._grab_soon)
            self.window.open_family(family_id)
        elif self.page == "caseload":
            self.window.caseload_page.sig_loaded.connect(self._grab_soon)
            self.window.go_to("caseload")
            self.window.caseload_page.refresh()
        elif self.page.startswith("episode"):
            self._open_episode()
        elif self.page.partition(":")[0] in front_door_views.PAGES:
            front_door_views.show(self.window, self.page, self._grab_widget)
        elif self.page.partition(":")[0] == "dashboard":
            dashboard_views.show(self.window, self.page, self._grab_widget, self._fail)
        elif self.page in ("step_downs", "step_ups"):
            area = self.window.transfer_area
            page = area.queue_page if self.page == "step_downs" else area.step_ups_page
            (page.sig_queue_loaded if self.page == "step_downs" else page.sig_loaded).connect(self._grab_soon)
            area.go_to(self.page)
            page.refresh()
        else:
            self._grab_soon()

    def _open_episode(self) -> None:
        _, _, rest = self.page.partition(":")
        given, _, view = rest.partition(":")
        from ui.pages.episode import screenshot_views  # loads the episode page's modules, at first use

        page = self.window.episode_page

        def loaded(_detail: object) -> None:
            page.sig_episode_loaded.disconnect(loaded)
            screenshot_views.show_view(page, view, self._grab_widget)

        def chosen(episode_id: int | None) -> None:
            if episode_id is None:
                log.error("No episode to show")
                self._finish(1)
                return
            page.sig_episode_loaded.connect(loaded)
            self.window.open_episode(episode_id)

        if given.isdigit():
            chosen(int(given))
        else:
            screenshot_views.first_episode_id(page, chosen)

    def _fail(self, why: str) -> None:
        log.error("No screenshot: %s", why)
        self._finish(1)

    def _grab_widget(self, widget: QWidget) -> None:
        self._target = widget
        self._grab_soon()

    @Slot()
    def _grab_soon(self) -> None:
        QTimer.singleShot(SETTLE_MS, self._grab)

    def _grab(self) -> None:
        if self._done:
            return
        ok = self._target.grab().save(str(self.path))
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
