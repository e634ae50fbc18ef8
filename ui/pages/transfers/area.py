"""The transfer area of the main window: the Step-downs and Step-ups pages with their navigation
entries, count badges and shortcuts (Ctrl+5, Ctrl+6), and the live-update listener that brings
other clients' changes in. Kept here so that the main window only creates it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hubapp.domain.dto import Actor
from hubapp.domain.transfer_dto import QueueCounts
from hubapp.services.session import Backend
from ui.change_listener import ChangeListener
from ui.pages.transfers.queue_page import QueuePage
from ui.pages.transfers.step_ups_page import StepUpsPage
from ui.resources import icon

if TYPE_CHECKING:
    from ui.main_window import MainWindow

STEP_DOWNS, STEP_UPS = "step_downs", "step_ups"
HINTS = (("Ctrl+5", "Step-downs"), ("Ctrl+6", "Step-ups"))


class TransferArea(QObject):
    """Adds the transfer pages to the main window and keeps their badges current.

    Args:
        window: the main window (its stack, navigation and pages already built).
        backend: the open database.
        actor: the signed-in worker.
    """

    def __init__(self, window: MainWindow, backend: Backend, actor: Actor) -> None:
        super().__init__(window)
        self.window = window
        self.queue_page = QueuePage(backend, actor.hub_ids, window)
        self.step_ups_page = StepUpsPage(backend, actor.hub_ids, window)
        for name, page, text, keys in ((STEP_DOWNS, self.queue_page, "Step-downs", "Ctrl+5"),
                                       (STEP_UPS, self.step_ups_page, "Step-ups", "Ctrl+6")):
            window._pages[name] = page
            window.stack.addWidget(page)
            window.nav.add_page(name, text, icon("referrals.svg"), keys)
            action = QAction(text, window)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, n=name: self.go_to(n))
            window.addAction(action)
        self.queue_page.sig_open_family_requested.connect(window.open_family)
        self.step_ups_page.sig_open_family_requested.connect(window.open_family)
        self.queue_page.sig_counts_loaded.connect(self._on_queue_page_counts_loaded)
        self.listener = ChangeListener(backend, self)
        self.listener.start()

    def go_to(self, name: str) -> None:
        """Show a transfer page with the keyboard on its list."""
        self.window.show_page(name)
        page: QueuePage | StepUpsPage = self.queue_page if name == STEP_DOWNS else self.step_ups_page
        page.focus_table()

    def refresh_if_shown(self, page: QWidget) -> None:
        """F5: reload a transfer page when it is the one shown."""
        if page is self.queue_page or page is self.step_ups_page:
            page.refresh()

    def stop(self) -> None:
        """Stop listening for other clients' changes (the window is closing)."""
        self.listener.stop()

    @Slot(object)
    def _on_queue_page_counts_loaded(self, counts: QueueCounts) -> None:
        self.window.nav.set_badge(STEP_DOWNS, counts.step_down_queue)
        self.window.nav.set_badge(STEP_UPS, counts.step_up_awaiting_decision)
