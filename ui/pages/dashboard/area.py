"""The dashboard's place in the main window: its navigation entry and shortcut (Ctrl+7), shown only
to coordinators, managers and hub administrators. Kept here so that the main window only creates it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hubapp.domain.dto import Actor
from hubapp.services.session import Backend
from ui.pages.dashboard.dashboard_page import DashboardPage
from ui.resources import icon

if TYPE_CHECKING:
    from ui.main_window import MainWindow

DASHBOARD = "dashboard"
SHORTCUT = "Ctrl+7"
#: Who sees the dashboard (the embedded database's local worker has every role).
ROLES = frozenset({"coordinator", "manager", "hub_admin"})


def may_see_dashboard(actor: Actor) -> bool:
    """Whether the worker's roles include one that oversees the hubs."""
    return bool(ROLES.intersection(actor.roles))


class DashboardArea(QObject):
    """Adds the dashboard page to the main window when the worker may see it.

    Args:
        window: the main window (its stack, navigation and pages already built).
        backend: the open database.
        actor: the signed-in worker.
    """

    def __init__(self, window: MainWindow, backend: Backend, actor: Actor) -> None:
        super().__init__(window)
        self.window = window
        self.page: DashboardPage | None = None
        if not may_see_dashboard(actor):
            return
        self.page = page = DashboardPage(backend, window)
        window._pages[DASHBOARD] = page  # noqa: SLF001 - areas register their pages, as the transfer area does
        window.stack.addWidget(page)
        window.nav.add_page(DASHBOARD, "Dashboard", icon("referrals.svg"), SHORTCUT)
        action = QAction("Dashboard", window)
        action.setShortcut(QKeySequence(SHORTCUT))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(self.go_to)
        window.addAction(action)
        page.sig_open_family_requested.connect(window.open_family)
        page.sig_message.connect(self._on_page_message)

    def go_to(self) -> None:
        """Show the dashboard with the keyboard on its tiles."""
        if self.page is None:
            return
        self.window.show_page(DASHBOARD)
        self.page.focus_first()

    def refresh_if_shown(self, page: QWidget) -> None:
        """F5: reload the dashboard when it is the page shown."""
        if self.page is not None and page is self.page:
            self.page.refresh()

    @Slot(str)
    def _on_page_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)
