"""The main window: global search in the toolbar, areas on the left, pages in the middle.

Keyboard first: Ctrl+K (or Ctrl+F) goes to the search box, Down moves into the results, Enter
opens a family; Ctrl+1, Ctrl+2 and Ctrl+3 switch area; Alt+Left goes back; F5 reloads the page.
The Referrals entry shows how many requests wait for a decision. When the database cannot be
reached, a banner says so across the top; once it answers again (:class:`ConnectionWatch`), the
banner goes and the page shown is reloaded, without the person doing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMessageBox, QSizePolicy, QToolBar,
    QVBoxLayout, QWidget,
)

from hubapp.domain.dto import Actor, Changes, FamilyDetail
from hubapp.domain.plan_dto import EpisodeDetail
from hubapp.services import referrals
from hubapp.services.session import Backend
from ui import settings, tasks
from ui.app_events import app_events
from ui.connection_watch import ConnectionWatch
from ui.front_door import FrontDoor
from ui.pages.caseload_page import CaseloadPage
from ui.pages.dashboard.area import DashboardArea
from ui.pages.family_page import FamilyPage
from ui.pages.referrals_page import ReferralsPage
from ui.pages.search_page import SearchPage
from ui.pages.transfers.area import HINTS as TRANSFER_HINTS, TransferArea
from ui.resources import icon
from ui.security import SecurityActions
from ui.widgets.banner import Banner
from ui.widgets.lazy_page import LazyPage
from ui.widgets.nav_list import NavList
from ui.widgets.page_stack import PageStack

if TYPE_CHECKING:
    from ui.pages.episode.episode_page import EpisodePage

BADGE_POLL_MS = 60_000
SEARCH, REFERRALS, FAMILY = "search", "referrals", "family"
CASELOAD, EPISODE = "caseload", "episode"
SHORTCUT_HINTS = (
    ("Ctrl+N", "New request"),
    ("Ctrl+K", "Search box"), ("Ctrl+1", "Search"), ("Ctrl+2", "Referrals"), ("Ctrl+3", "Family"),
    ("Ctrl+4", "My families"), *TRANSFER_HINTS, ("Alt+←", "Back"), ("F5", "Refresh"),
)
#: Hints shown only once their area exists.
FAMILY_HINT = "Ctrl+3"


class MainWindow(QMainWindow):
    """The program's one window.

    Signals:
        sig_first_data_loaded(): the first page has shown its first data (used for screenshots).

    Args:
        backend: the open database.
        actor: the signed-in worker.
        start_page: the page to show first (default: the one shown last).
        restore: whether to restore the remembered window geometry.
    """

    # ---- Signals
    sig_first_data_loaded = Signal()

    def __init__(self, backend: Backend, actor: Actor, start_page: str | None = None,
                 restore: bool = True) -> None:
        super().__init__()
        self.backend = backend
        self.actor = actor
        self._history: list[str] = []
        self._first_loaded = False
        self._error_shown = False
        self._badge_count: int | None = None
        self.setWindowTitle("hubapp – Early Help")
        self.setObjectName("MainWindow")

        self.search_page = SearchPage(backend, self)
        self.referrals_page = ReferralsPage(backend, actor.hub_ids, self)
        self.family_page = FamilyPage(backend, self)
        self.caseload_page = CaseloadPage(backend, actor.hub_ids, self)
        # Built when an episode is first opened (see ``episode_page``): not part of start-up.
        self._episode_holder = LazyPage(self._make_episode_page, self)
        self.stack = PageStack(self)  # lays out only the page shown (see page_stack)
        self._pages: dict[str, QWidget] = {
            SEARCH: self.search_page, REFERRALS: self.referrals_page, FAMILY: self.family_page,
            CASELOAD: self.caseload_page, EPISODE: self._episode_holder,
        }
        for page in self._pages.values():
            self.stack.addWidget(page)

        self._build_toolbar()
        self._build_sidebar()
        self._build_status_bar()
        self._build_actions()
        self._connect()
        self.front_door = FrontDoor(self, backend, actor)
        self.front_door.install(self)
        self.transfer_area = TransferArea(self, backend, actor)  # step-downs, step-ups, live updates
        self.dashboard_area = DashboardArea(self, backend, actor)  # Ctrl+7, coordinators and managers (issue 9)
        if self.dashboard_area.holder is not None:
            self._extra_hints = (("Ctrl+7", "Dashboard"),)
            self.hints.setText(self._hint_text(with_family=False))
        self.security = SecurityActions(self, backend, actor)  # idle lock, change my password (issue 6)
        self.connection = ConnectionWatch(backend, self)  # lost connection: banner, probe, reload (issue 7)
        self.connection.sig_lost.connect(self._on_connection_lost)
        self.connection.sig_restored.connect(self._on_connection_restored)
        self.transfer_area.listener.sig_listening_changed.connect(self._on_listener_listening_changed)
        tasks.set_unavailable_handler(self.connection.report_lost)

        self._badge_timer = QTimer(self)
        self._badge_timer.setInterval(BADGE_POLL_MS)
        self._badge_timer.timeout.connect(self.refresh_badge)
        self._badge_timer.start()
        self.refresh_badge()
        tasks.set_error_handler(self._on_task_error)

        if not (restore and settings.restore_geometry(self, "main_window")):
            self.resize(1360, 840)
        start = start_page or settings.last_page()
        self.show_page(start if start in (SEARCH, REFERRALS) else REFERRALS, remember=False)
        if self.current_page() == SEARCH:
            QTimer.singleShot(0, self._mark_first_data_loaded)

    # ---- Public

    def current_page(self) -> str:
        """The name of the page shown."""
        widget = self.stack.currentWidget()
        return next(name for name, page in self._pages.items() if page is widget)

    @property
    def episode_page(self) -> EpisodePage:
        """The episode page, built the first time an episode is opened (or the page asked for)."""
        return cast("EpisodePage", self._episode_holder.page())

    def _make_episode_page(self, parent: QWidget) -> QWidget:
        from ui.pages.episode.episode_page import EpisodePage  # its tabs and dialogs load with it

        page = EpisodePage(self.backend, parent)
        page.sig_back_requested.connect(self.go_back)
        page.sig_open_family_requested.connect(self.open_family)
        page.sig_message.connect(self._on_page_message_requested)
        page.sig_episode_loaded.connect(self._on_episode_page_episode_loaded)
        return page

    def show_page(self, name: str, remember: bool = True) -> None:
        """Show a page; ``remember`` puts the page being left on the back history."""
        if name == FAMILY and self.family_page.family_id is None:
            return
        if name == EPISODE and (not self._episode_holder.built or self.episode_page.episode_id is None):
            return
        current = self.current_page() if self.stack.count() else None
        if remember and current is not None and current != name:
            self._history.append(current)
            del self._history[:-20]
        self.stack.setCurrentWidget(self._pages[name])
        self.nav.select_page(name)
        self.back_action.setEnabled(bool(self._history))

    def go_to(self, name: str) -> None:
        """Show a page and put the keyboard focus where work starts on it (the shortcuts)."""
        self.show_page(name)
        if self.current_page() != name:
            return
        if name == SEARCH:
            if not self.search_page.focus_results():
                self.focus_search()
        elif name == REFERRALS:
            self.referrals_page.focus_table()
        elif name == CASELOAD:
            self.caseload_page.focus_table()
        elif name == EPISODE:
            self.episode_page.focus_first()
        else:
            self.family_page.focus_members()

    def go_back(self) -> None:
        """Show the page shown before this one."""
        current = self.current_page()
        while self._history:
            name = self._history.pop()
            if name != current:
                self.show_page(name, remember=False)
                break
        self.back_action.setEnabled(bool(self._history))

    def open_family(self, family_id: int) -> None:
        """Show a family on the family page."""
        self.family_page.show_family(family_id)
        self.show_page(FAMILY)
        self.family_page.focus_members()

    def open_episode(self, episode_id: int) -> None:
        """Show an early help episode on the episode page."""
        self.episode_page.show_episode(episode_id)
        self.show_page(EPISODE)

    def focus_search(self) -> None:
        """Put the keyboard focus in the global search box, its text selected."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def run_search(self, text: str) -> None:
        """Search now for ``text`` and show the results (as if typed and Enter pressed)."""
        self.search_box.setText(text)
        self.show_page(SEARCH)
        self.search_page.search_now(text)

    def refresh_badge(self) -> None:
        """Count the requests waiting for a decision, in a worker."""
        backend, hubs = self.backend, self.actor.hub_ids
        tasks.run_read(self, lambda: referrals.count_undecided(backend.uow(), hubs),
                       self._on_badge_counted, lambda exc: None)

    def refresh_current(self) -> None:
        """Load the page shown again."""
        page = self.stack.currentWidget()
        if page is self.search_page:
            self.search_page.refresh()
        elif page is self.referrals_page:
            self.referrals_page.refresh()
        elif page is self.family_page:
            self.family_page.refresh()
        elif page is self.caseload_page:
            self.caseload_page.refresh()
        elif page is self._episode_holder and self._episode_holder.built:
            self.episode_page.refresh()
        self.transfer_area.refresh_if_shown(page)
        self.dashboard_area.refresh_if_shown(page)
        self.refresh_badge()

    # ---- Building

    def _build_toolbar(self) -> None:
        bar = QToolBar("Search", self)
        bar.setObjectName("MainToolBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setVisible(False)
        name = QLabel("hubapp", bar)
        name.setObjectName("AppName")
        self.search_box = QLineEdit(bar)
        self.search_box.setObjectName("GlobalSearch")
        self.search_box.setPlaceholderText("Search people by name, date of birth, NHS number or postcode (Ctrl+K)")
        self.search_box.setAccessibleName("Search people")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.addAction(icon("search.svg"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search_box.setMaximumWidth(640)
        self.search_box.installEventFilter(self)
        bar.addWidget(name)
        bar.addWidget(self.search_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_sidebar(self) -> None:
        self.nav = NavList(self)
        self.nav.add_page(SEARCH, "Search", icon("search.svg"), "Ctrl+1")
        self.nav.add_page(REFERRALS, "Referrals", icon("referrals.svg"), "Ctrl+2")
        self.nav.add_page(CASELOAD, "My families", icon("family.svg"), "Ctrl+4")
        self.nav.setAccessibleName("Areas")
        sidebar = QFrame(self)
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(190)
        self.hints = hints = QLabel(self._hint_text(with_family=False), sidebar)
        hints.setObjectName("ShortcutHints")
        hints.setTextFormat(Qt.TextFormat.RichText)
        column = QVBoxLayout(sidebar)
        column.setContentsMargins(0, 0, 0, 12)
        column.addWidget(self.nav, 1)
        column.addWidget(hints)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        self.connection_banner = Banner(central)
        self.connection_banner.setObjectName("ConnectionBanner")
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.connection_banner)
        right.addWidget(self.stack, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)

    #: Hints of areas only some workers have (the dashboard), put in once the area exists.
    _extra_hints: tuple[tuple[str, str], ...] = ()

    def _hint_text(self, with_family: bool) -> str:
        hints = [*SHORTCUT_HINTS]
        hints[hints.index(("Alt+←", "Back")):0] = self._extra_hints
        rows = "".join(
            f"<tr><td style='padding-right:10px'><b>{keys}</b></td><td>{what}</td></tr>"
            for keys, what in hints if with_family or keys != FAMILY_HINT
        )
        return f"<table cellspacing='2'>{rows}</table>"

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(f"Signed in as {self.actor.display_name}", bar)
        self.database_label = QLabel(f"Database: {self.backend.display_name}", bar)
        self.database_label.setToolTip(self.backend.display_name)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)

    def _action(self, text: str, keys: list[QKeySequence.StandardKey | str], slot: object) -> QAction:
        action = QAction(text, self)
        sequences: list[QKeySequence] = []
        for key in keys:
            for sequence in (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                             else [QKeySequence(key)]):
                if sequence not in sequences:  # a standard key may repeat one given (Back is Alt+Left)
                    sequences.append(sequence)
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self._action("Search box", ["Ctrl+K", QKeySequence.StandardKey.Find], self.focus_search)
        self._action("Search", ["Ctrl+1"], lambda: self.go_to(SEARCH))
        self._action("Referrals", ["Ctrl+2"], lambda: self.go_to(REFERRALS))
        self._action("Family", ["Ctrl+3"], lambda: self.go_to(FAMILY))
        self._action("My families", ["Ctrl+4"], lambda: self.go_to(CASELOAD))
        self.back_action = self._action("Back", ["Alt+Left", QKeySequence.StandardKey.Back], self.go_back)
        self._action("Refresh", ["F5"], self.refresh_current)
        self._action("Quit", ["Ctrl+Q"], self.close)

    def _connect(self) -> None:
        self.search_box.textEdited.connect(self._on_search_box_text_edited)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self.nav.sig_page_chosen.connect(self._on_nav_page_chosen)
        self.search_page.sig_open_family_requested.connect(self.open_family)
        self.search_page.sig_message_requested.connect(self._on_page_message_requested)
        self.referrals_page.sig_open_family_requested.connect(self.open_family)
        self.referrals_page.sig_requests_loaded.connect(self._on_referrals_page_requests_loaded)
        self.family_page.sig_back_requested.connect(self.go_back)
        self.family_page.sig_family_loaded.connect(self._on_family_page_family_loaded)
        self.family_page.sig_open_episode_requested.connect(self.open_episode)
        self.caseload_page.sig_open_episode_requested.connect(self.open_episode)
        self.caseload_page.sig_loaded.connect(lambda _rows, overdue: self.nav.set_badge(CASELOAD, overdue))
        app_events().sig_data_changed.connect(self._on_app_events_data_changed)

    def _mark_first_data_loaded(self) -> None:
        if not self._first_loaded:
            self._first_loaded = True
            self.sig_first_data_loaded.emit()

    # ---- Slots

    @Slot(str)
    def _on_search_box_text_edited(self, text: str) -> None:
        if text.strip() and self.current_page() != SEARCH:
            self.show_page(SEARCH)
        self.search_page.search_later(text)

    @Slot()
    def _on_search_box_return_pressed(self) -> None:
        self.show_page(SEARCH)
        self.search_page.search_now(self.search_box.text())

    @Slot(str)
    def _on_nav_page_chosen(self, name: str) -> None:
        self.show_page(name)

    @Slot(str)
    def _on_page_message_requested(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot(int)
    def _on_referrals_page_requests_loaded(self, _total: int) -> None:
        if self.current_page() == REFERRALS:
            self._mark_first_data_loaded()

    @Slot(object)
    def _on_family_page_family_loaded(self, detail: FamilyDetail) -> None:
        item = self.nav.item_for(FAMILY)
        if item is None:
            item = self.nav.add_page(FAMILY, detail.name, icon("family.svg"), "Ctrl+3")
            self.hints.setText(self._hint_text(with_family=True))
        item.setText(detail.name)
        item.setToolTip(f"{detail.name} (Ctrl+3)")
        if self.current_page() == FAMILY:
            self.nav.select_page(FAMILY)

    @Slot(object)
    def _on_episode_page_episode_loaded(self, detail: EpisodeDetail) -> None:
        item = self.nav.item_for(EPISODE)
        if item is None:
            item = self.nav.add_page(EPISODE, "", icon("family.svg"))
        item.setText(f"Episode: {detail.family_name}")
        item.setToolTip(f"Early help episode of the {detail.family_name}")
        if self.current_page() == EPISODE:
            self.nav.select_page(EPISODE)

    @Slot(object, object)
    def _on_app_events_data_changed(self, changes: Changes, _source: object) -> None:
        if changes.requests:
            self.refresh_badge()
        self.referrals_page.maybe_refresh(changes)
        self.family_page.maybe_refresh(changes)
        self.caseload_page.maybe_refresh(changes)
        if self._episode_holder.built:
            self.episode_page.maybe_refresh(changes, _source)
        if changes.families and self.current_page() == SEARCH:
            self.search_page.refresh()

    @Slot(str)
    def _on_connection_lost(self, _why: str) -> None:
        self.connection_banner.show_message(
            "The database cannot be reached just now. Nothing you type is lost: forms keep it on this PC. "
            "hubapp keeps trying and carries on by itself when the connection is back.", "error")

    @Slot()
    def _on_connection_restored(self) -> None:
        self.connection_banner.hide()
        self.statusBar().showMessage("Connected to the database again.", 8_000)
        self.refresh_current()

    @Slot(bool)
    def _on_listener_listening_changed(self, listening: bool) -> None:
        if not listening:
            self.connection.report_lost("the live-update connection dropped")

    def _on_badge_counted(self, count: int) -> None:
        previous = self._badge_count
        self._badge_count = count
        self.nav.set_badge(REFERRALS, count)
        if previous is not None and previous != count:
            # Someone (perhaps on another PC) logged or decided a request: show the list as it is now.
            self.referrals_page.refresh()

    def _on_task_error(self, exc: BaseException, expected: bool) -> None:
        if expected:
            self.statusBar().showMessage(str(exc), 10_000)
            return
        if self._error_shown:
            self.statusBar().showMessage("Something went wrong again; the details are in the log.", 10_000)
            return
        self._error_shown = True
        box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong",
                          "hubapp hit an unexpected problem and stopped that task. Nothing else was "
                          "affected, and you can carry on.\n\nIf it happens again, tell IT what you "
                          f"were doing. Details were written to the log.\n\n{type(exc).__name__}: {exc}",
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self.current_page() == SEARCH:
                return self.search_page.focus_results()
            if event.key() == Qt.Key.Key_Escape:
                if self.search_box.text():
                    self.search_box.clear()
                    self.search_page.search_later("")
                else:
                    self.stack.currentWidget().setFocus()
                return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: D102 - Qt override
        settings.save_geometry(self, "main_window")
        current = self.current_page()
        settings.set_last_page(current if current in (SEARCH, REFERRALS) else REFERRALS)
        self.search_page.save_state()
        self.referrals_page.save_state()
        self.family_page.save_state()
        self._badge_timer.stop()
        self.transfer_area.stop()
        self.connection.stop()
        tasks.set_error_handler(None)
        tasks.set_unavailable_handler(None)
        super().closeEvent(event)
