"""The dashboard's place in the main window: its navigation entry and shortcut (Ctrl+7), shown only
to coordinators, managers and hub administrators. Kept here so that the main window only creates it.

The page itself (its tabs, tile grid and Qt Charts) is built the first time it is shown or asked
for, not with the window: building and importing it was a fifth of a second of every coordinator's
start-up (the benchmark's start-up profile), for a page many open once a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from hubapp.domain.dto import Actor
from hubapp.services.session import Backend
from ui.resources import icon
from ui.widgets.lazy_page import LazyPage

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.pages.dashboard.dashboard_page import DashboardPage

DASHBOARD = "dashboard"
SHORTCUT = "Ctrl+7"
#: Who sees the dashboard (the embedded database's local worker has every role).
ROLES = frozenset({"coordinator", "manager", "hub_admin"})


def may_see_dashboard(actor: Actor) -> bool:
    """Whether the worker's roles include one that oversees the hubs."""
    return bool(ROLES.intersection(actor.roles))


def _make_page(backend: Backend, parent: QWidget) -> QWidget:
    from ui.pages.dashboard.dashboard_page import DashboardPage  # with Qt Charts, at first use

    return DashboardPage(backend, parent)


class DashboardArea(QObject):
    """Adds the dashboard to the main window when the worker may see it.

    Args:
        window: the main window (its stack, navigation and pages already built).
        backend: the open database.
        actor: the signed-in worker.
    """

    def __init__(self, window: MainWindow, backend: Backend, actor: Actor) -> None:
        super().__init__(window)
        self.window = window
        #: The dashboard's place in the window's stack (``None`` for workers without it).
        self.holder: LazyPage | None = None
        if not may_see_dashboard(actor):
            return
        self.holder = LazyPage(lambda parent: _make_page(backend, parent), window)
        self.holder.sig_built.connect(self._on_holder_built)
        window._pages[DASHBOARD] = self.holder  # noqa: SLF001 - areas register their pages, as the transfer area does
        window.stack.addWidget(self.holder)
        window.nav.add_page(DASHBOARD, "Dashboard", icon("referrals.svg"), SHORTCUT)
        action = QAction("Dashboard", window)
        action.setShortcut(QKeySequence(SHORTCUT))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(self.go_to)
        window.addAction(action)

    @property
    def page(self) -> DashboardPage | None:
        """The dashboard page, built on first use (``None`` for workers who may not see it)."""
        return None if self.holder is None else cast("DashboardPage", self.holder.page())

    def go_to(self) -> None:
        """Show the dashboard with the keyboard on its tiles."""
        page = self.page
        if page is None:
            return
        self.window.show_page(DASHBOARD)
        page.focus_first()

    def refresh_if_shown(self, page: QWidget) -> None:
        """F5: reload the dashboard when it is the page shown."""
        if self.holder is not None and self.holder.built and page is self.holder:
            cast("DashboardPage", self.holder.page()).refresh()

    @Slot(object)
    def _on_holder_built(self, page: DashboardPage) -> None:
        page.sig_open_family_requested.connect(self.window.open_family)
        page.sig_message.connect(self._on_page_message)

    @Slot(str)
    def _on_page_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)
