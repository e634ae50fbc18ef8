"""The coordinator's dashboard: where the hubs stand against target, and the families behind it.

Three tabs under one filter bar (hub, team, lead practitioner, period):

* **Indicators**: the twelve indicators of DOMAIN §9 as tiles. Arrow keys move between tiles;
  Enter (or a double-click) shows the list behind the number in place of the tiles; Enter on a
  row opens the family; Esc goes back to the tiles.
* **Recording quality**: the six checks, counts per hub and per worker, and the records.
* **Supporting Families**: readiness for a claim, and the evidence per family.

Ctrl+E exports the list shown (on the tiles: the indicators themselves); the Export menu has the
Ofsted Annex A list 2 and the Supporting Families extract. Nothing loads until the page is first
shown, and then the figures wait for the filter's options: a person with one hub opens on that hub
(the view whose month figures are kept, see ``hubapp.services._dashboard_kept``). Afterwards a
change anywhere (on any PC) reloads the tab shown, keeping what was chosen.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QStackedWidget, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from hubapp.domain.dto import Changes
from hubapp.domain.errors import DomainError
from hubapp.domain.report_dto import Column, Dashboard, ExportResult, FilterOptions, ReportFilter, Table
from hubapp.services import dashboard as dashboard_service
from hubapp.services.session import Backend
from ui.app_events import app_events
from ui.pages.dashboard.drill_view import CASELOAD_KEY, DrillDownView
from ui.pages.dashboard.exporter import Exporter
from ui.pages.dashboard.filter_bar import DashboardFilterBar
from ui.pages.dashboard.quality_tab import QualityTab
from ui.pages.dashboard.sf_tab import SupportingFamiliesTab
from ui.pages.dashboard.tile_grid import TileGrid
from ui.resources import icon
from ui.tasks import LatestOnly, run_read
from ui.widgets.banner import Banner

INDICATORS, QUALITY, SUPPORTING_FAMILIES = 0, 1, 2
REFRESH_DELAY_MS = 150
#: Indicator 12 shows the caseload per lead practitioner beside it (DOMAIN §9).
CASELOAD_INDICATOR = 12


def indicators_table(board: Dashboard) -> Table:
    """The twelve indicators as a list (what Ctrl+E exports from the tiles)."""
    columns = (Column("number", "No.", "int"), Column("indicator", "Indicator"), Column("value", "Figure", "float"),
               Column("unit", "Unit"), Column("numerator", "Counted", "int"), Column("denominator", "Out of", "int"),
               Column("target", "Target", "float"), Column("below_target", "Below target", "bool"),
               Column("explanation", "Explanation"))
    rows = tuple((i.number, i.title, i.value, i.unit, i.numerator, i.denominator, i.target, i.below_target,
                  i.explanation) for i in board.indicators)
    return Table("Indicators", columns, rows, (None,) * len(rows), filter=board.filter)


class DashboardPage(QWidget):
    """The dashboard page.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_message(str): a line for the status bar.
        sig_options_loaded(object): the ``FilterOptions`` arrived.
        sig_dashboard_loaded(object): a ``Dashboard`` arrived and its tiles show it (charts may follow).
        sig_drill_loaded(object): a drill-down ``Table`` arrived and is shown.
        sig_export_finished(object): an ``ExportResult``: the file was written.
        sig_export_failed(str): an export was refused, and why.

    Args:
        backend: the open database.
        parent: the parent widget.
        today: the day figures are taken (default: today).
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_message = Signal(str)
    sig_options_loaded = Signal(object)
    sig_dashboard_loaded = Signal(object)
    sig_drill_loaded = Signal(object)
    sig_export_finished = Signal(object)
    sig_export_failed = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardPage")
        self.setMinimumSize(400, 300)
        self._backend = backend
        self._today = today or dt.date.today()
        self._latest = LatestOnly()
        self._latest_drill = LatestOnly()
        self._started = False
        self._offered = False  # the filter's options arrived (or could not be read): figures may load
        self._stale = {INDICATORS: True, QUALITY: True, SUPPORTING_FAMILIES: True}
        self.dashboard: Dashboard | None = None
        self._announce = False  # a dashboard arrived and is announced once its tiles exist
        self.exporter = Exporter(backend, self)
        self.exporter.sig_exported.connect(self._on_exporter_exported)
        self.exporter.sig_failed.connect(self._on_exporter_failed)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        app_events().sig_data_changed.connect(self._on_app_events_data_changed)

    # ---- Public

    def current_filter(self) -> ReportFilter:
        """The filter applied."""
        return self.filters.current_filter()

    def refresh(self) -> None:
        """Load the tab shown again (the others when next shown), keeping what was chosen."""
        self._stale = dict.fromkeys(self._stale, True)
        self._load_tab(self.tabs.currentIndex())

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload soon if shown (any recorded change can move a figure), else when next shown."""
        if not any((changes.families, changes.requests, changes.episodes, changes.transfers, changes.plans)):
            return
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = dict.fromkeys(self._stale, True)

    def focus_first(self) -> None:
        """Put the keyboard focus where work starts on the tab shown."""
        tab = self.tabs.currentIndex()
        if tab == QUALITY:
            self.quality.focus_first()
        elif tab == SUPPORTING_FAMILIES:
            self.supporting_families.focus_first()
        elif self.indicator_stack.currentWidget() is self.drill:
            self.drill.list.focus_table()
        else:
            self.tiles.focus_tile(self.tiles.current_index())

    def open_drill_down(self, position: int) -> None:
        """Show the list behind the indicator at ``position`` in place of the tiles."""
        if self.dashboard is None or not 0 <= position < len(self.dashboard.indicators):
            return
        indicator = self.dashboard.indicators[position]
        key = self.drill.show_indicator(indicator, self._with_caseload(indicator.number))
        self.indicator_stack.setCurrentWidget(self.drill)
        self.drill.list.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if key is not None:
            self._load_drill(key)

    def close_drill_down(self) -> None:
        """Show the tiles again, the keyboard on the tile that was opened."""
        self._latest_drill.cancel()
        self.indicator_stack.setCurrentWidget(self.tiles)
        self.tiles.focus_tile(self.tiles.current_index())

    @property
    def reload_scheduled(self) -> bool:
        """Whether a reload after a change is about to start."""
        return self._refresh_timer.isActive()

    @property
    def drill_shown(self) -> bool:
        """Whether a drill-down is shown in place of the tiles."""
        return self.indicator_stack.currentWidget() is self.drill

    def current_list(self) -> Table | None:
        """What Ctrl+E exports: the list shown, or on the tiles the indicators themselves."""
        tab = self.tabs.currentIndex()
        if tab == QUALITY:
            return self.quality.current_list()
        if tab == SUPPORTING_FAMILIES:
            return self.supporting_families.current_list()
        if self.drill_shown:
            return self.drill.list.displayed_table()
        return indicators_table(self.dashboard) if self.dashboard is not None else None

    def export_current(self) -> None:
        """Ask where, then export the list shown (Ctrl+E)."""
        self.exporter.export_table(self.current_list())

    def export_annex_a(self) -> None:
        """Ask where, then export the Ofsted Annex A list 2 for the filter."""
        self.exporter.export_annex_a(self.current_filter(), self._today)

    def export_sf_extract(self) -> None:
        """Ask where, then export the Supporting Families progress extract for the filter."""
        self.exporter.export_sf_extract(self.current_filter(), self._today)

    # ---- Building

    def _build(self) -> None:
        title = QLabel("Dashboard", self)
        title.setProperty("role", "title")
        self.summary = QLabel("", self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(40)
        self.export_button = QToolButton(self)
        self.export_button.setText("Export")
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.export_button)
        self.export_action = menu.addAction("Export list…", self.export_current)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.export_action)
        menu.addSeparator()
        self.annex_action = menu.addAction("Ofsted Annex A list 2…", self.export_annex_a)
        self.sf_action = menu.addAction("Supporting Families progress extract…", self.export_sf_extract)
        self.export_button.setMenu(menu)
        self.export_button.setDefaultAction(self.export_action)
        self.export_button.setToolTip("Export the list shown to CSV or Excel (Ctrl+E); more exports in the menu")
        refresh = QPushButton(icon("refresh.svg"), "Refresh", self)
        refresh.setToolTip("Load the figures again (F5); they also reload by themselves when anyone changes a record")
        refresh.setAutoDefault(False)
        refresh.clicked.connect(self.refresh)
        self.filters = DashboardFilterBar(self._today, self)
        self.filters.sig_filter_changed.connect(self._on_filters_filter_changed)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.export_button)
        top.addWidget(refresh)
        header = QFrame(self)
        header.setObjectName("PageHeader")
        head = QVBoxLayout(header)
        head.setContentsMargins(20, 14, 20, 12)
        head.setSpacing(10)
        head.addLayout(top)
        head.addWidget(self.filters)

        self.tiles = TileGrid(self)
        self.tiles.sig_drill_requested.connect(self.open_drill_down)
        self.tiles.sig_tiles_made.connect(self._on_tiles_made)
        self.drill = DrillDownView(self)
        self.drill.sig_back_requested.connect(self.close_drill_down)
        self.drill.sig_list_chosen.connect(self._load_drill)
        self.drill.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.drill.sig_export_requested.connect(self.export_current)
        self.indicator_stack = QStackedWidget(self)
        self.indicator_stack.addWidget(self.tiles)
        self.indicator_stack.addWidget(self.drill)
        self.quality = QualityTab(self._backend, self)
        self.quality.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.supporting_families = SupportingFamiliesTab(self._backend, self)
        self.supporting_families.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("DashboardTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.indicator_stack, "&Indicators")
        self.tabs.addTab(self.quality, "&Recording quality")
        self.tabs.addTab(self.supporting_families, "&Supporting Families")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.banner = Banner(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(20, 8, 20, 12)
        body.setSpacing(6)
        body.addWidget(self.banner)
        body.addWidget(self.tabs, 1)
        layout.addLayout(body, 1)

    # ---- Loading

    def _with_caseload(self, number: int) -> bool:
        return number == CASELOAD_INDICATOR and self.dashboard is not None and self.dashboard.caseload is not None

    def _load_tab(self, tab: int) -> None:
        if not self._offered or not self._stale.get(tab, False):
            return
        self._stale[tab] = False
        flt = self.current_filter()
        if tab == QUALITY:
            self.quality.load(flt, self._today)
        elif tab == SUPPORTING_FAMILIES:
            self.supporting_families.load(flt, self._today)
        else:
            self._load_dashboard(flt)

    def _load_dashboard(self, flt: ReportFilter) -> None:
        backend, today = self._backend, self._today
        self.summary.setText("Loading…")
        self._latest.start(self, lambda: dashboard_service.dashboard(backend.uow(), flt, today=today),
                           self._on_dashboard_loaded, self._on_dashboard_failed)

    def _load_drill(self, key: str) -> None:
        if key == CASELOAD_KEY:
            self._latest_drill.cancel()
            if self.dashboard is not None and self.dashboard.caseload is not None:
                self.drill.set_table(self.dashboard.caseload, key)
                self.sig_drill_loaded.emit(self.dashboard.caseload)
            return
        flt, backend, today = self.current_filter(), self._backend, self._today
        self._latest_drill.start(self, lambda: dashboard_service.drill_down(backend.uow(), flt, key, today=today),
                                 lambda table: self._on_drill_loaded(table, key),
                                 lambda exc: self.drill.list.show_message(str(exc)))

    def _on_options_loaded(self, options: FilterOptions) -> None:
        self.filters.set_options(options)  # may choose the person's one hub before anything loads
        self.sig_options_loaded.emit(options)
        self._offered_now()

    def _on_options_failed(self, exc: BaseException) -> None:
        self.banner.show_message(str(exc), "error")
        self._offered_now()

    def _offered_now(self) -> None:
        if not self._offered:
            self._offered = True
            self._load_tab(self.tabs.currentIndex())

    def _on_dashboard_loaded(self, board: Dashboard) -> None:
        self.dashboard = board
        self._announce = True
        self.tiles.set_indicators(board.indicators)
        below = sum(1 for i in board.indicators if i.below_target)
        flt = board.filter
        self.summary.setText(
            f"{flt.period_start:%d/%m/%Y} to {flt.period_end:%d/%m/%Y} · "
            + (f"{below} indicator{'s' if below != 1 else ''} below target" if below else "none below target")
            + " · Enter on a tile lists the families behind it")
        if self.drill_shown and self.drill.indicator is not None:
            same = next((n for n, i in enumerate(board.indicators) if i.key == self.drill.indicator.key), None)
            if same is not None:
                indicator = board.indicators[same]
                key = self.drill.show_indicator(indicator, self._with_caseload(indicator.number))
                if key is not None:
                    self._load_drill(key)

    def _on_tiles_made(self) -> None:
        if self._announce and self.dashboard is not None:
            self._announce = False
            if self.tiles.hasFocus():  # the keyboard waited on the grid for the first tiles
                self.tiles.focus_tile(self.tiles.current_index())
            self.sig_dashboard_loaded.emit(self.dashboard)

    def _on_dashboard_failed(self, exc: Exception) -> None:
        self._stale[INDICATORS] = True
        self.summary.setText("")
        self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The figures could not be loaded.",
                                 "error")

    def _on_drill_loaded(self, table: Table, key: str) -> None:
        self.drill.set_table(table, key)
        self.sig_drill_loaded.emit(table)

    # ---- Slots

    @Slot()
    def _on_filters_filter_changed(self) -> None:
        self.refresh()

    @Slot(int)
    def _on_tabs_current_changed(self, tab: int) -> None:
        self._load_tab(tab)

    @Slot(object)
    def _on_exporter_exported(self, result: ExportResult) -> None:
        text = f"Exported {result.rows} row{'s' if result.rows != 1 else ''} to {result.path}"
        self.banner.show_message(text, "success")
        self.sig_message.emit(text)
        self.sig_export_finished.emit(result)

    @Slot(str)
    def _on_exporter_failed(self, text: str) -> None:
        self.banner.show_message(text, "error")
        self.sig_export_failed.emit(text)

    @Slot(object, object)
    def _on_app_events_data_changed(self, changes: Changes, _source: object) -> None:
        self.maybe_refresh(changes)

    # ---- Qt overrides

    def showEvent(self, event: QShowEvent) -> None:  # noqa: D102 - Qt override
        super().showEvent(event)
        if not self._started:
            # The first showing loads the data: nothing is read at start-up for a page not yet looked at.
            self._started = True
            backend = self._backend
            # The figures wait for the options (a few ms): a person with one hub opens on it.
            run_read(self, lambda: dashboard_service.filter_options(backend.uow()), self._on_options_loaded,
                     self._on_options_failed)
        self._load_tab(self.tabs.currentIndex())
