"""Recording quality: the six checks with their totals, the counts per hub and per worker of the
check chosen, and the records behind them (Enter on a record opens the family).

Choosing a check lists all its records; choosing a hub or a worker in the counts narrows the list
to theirs. A reload keeps the check, the hub or worker and the record that were chosen.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from hubapp.domain.errors import DomainError
from hubapp.domain.report_dto import QualityCheck, QualityCount, QualityReport, ReportFilter, Table
from hubapp.services import recording_quality
from hubapp.services.session import Backend
from ui.models.base import RIGHT, ROW_ROLE, Column, RowTableModel
from ui.pages.dashboard.report_list import ReportList
from ui.tasks import LatestOnly
from ui.widgets.keys import ENTER_KEYS
from ui.widgets.table import make_table

Selection = tuple[str, str | None, int | None]  # check key, group, group id


class ChecksModel(RowTableModel[QualityCheck]):
    """The six checks and how many records each finds."""

    columns = (
        Column("Check", lambda c: c.title, tooltip=lambda c: c.definition),
        Column("Records", lambda c: str(c.total), align=RIGHT),
    )

    def key(self, row: QualityCheck) -> object:
        """The check's key."""
        return row.key


class CountsModel(RowTableModel[QualityCount]):
    """How many records each hub (or worker) has for one check."""

    def __init__(self, who: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (Column(who, lambda c: c.group_label), Column("Records", lambda c: str(c.count), align=RIGHT))

    def key(self, row: QualityCount) -> object:
        """The hub's or worker's id."""
        return row.group_id


class QualityTab(QWidget):
    """The recording-quality panel.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_loaded(object): a ``QualityReport`` arrived.
        sig_list_loaded(object): the ``Table`` of records shown arrived.

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_loaded = Signal(object)
    sig_list_loaded = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QualityTab")
        self._backend = backend
        self._latest = LatestOnly()
        self._latest_list = LatestOnly()
        self._filter: ReportFilter | None = None
        self._today = dt.date.today()
        self._selection: Selection | None = None
        self.report: QualityReport | None = None
        self.checks_model = ChecksModel(self)
        self.checks = self._table(self.checks_model, "Recording quality checks")
        self.hubs_model = CountsModel("Hub", self)
        self.hubs = self._table(self.hubs_model, "Records per hub")
        self.workers_model = CountsModel("Worker", self)
        self.workers = self._table(self.workers_model, "Records per worker")
        rows = self.checks.verticalHeader().defaultSectionSize()
        self.checks.setMinimumHeight(rows * 7 + 8)  # the six checks and the heading, without scrolling
        self.checks.selectionModel().currentRowChanged.connect(self._on_checks_current_row_changed)
        for view, group in ((self.hubs, "hub"), (self.workers, "worker")):
            view.selectionModel().currentRowChanged.connect(
                lambda current, _prev, g=group: self._on_counts_current_row_changed(current, g))
        self.list = ReportList("Recording quality records", self)
        self.list.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.summary = QLabel(self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        for caption, view in (("Checks", self.checks), ("Per hub", self.hubs), ("Per worker", self.workers)):
            top.addWidget(self._titled(caption, view))
        top.setStretchFactor(0, 5)
        top.setStretchFactor(1, 3)
        top.setStretchFactor(2, 3)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.list)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    # ---- Public

    def load(self, flt: ReportFilter, today: dt.date) -> None:
        """Load the checks for ``flt`` as the records stand on ``today`` (keeping what was chosen)."""
        self._filter, self._today = flt, today
        backend = self._backend
        self.summary.setText("Loading…")
        self._latest.start(self, lambda: recording_quality.quality_report(backend.uow(), flt, today=today),
                           self._on_loaded, self._on_failed)

    def focus_first(self) -> None:
        """Put the keyboard focus on the checks."""
        self.checks.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_list(self) -> Table | None:
        """The list of records shown (for an export)."""
        return self.list.displayed_table()

    def select_check(self, key: str) -> None:
        """Choose a check by key and list all its records."""
        for row, check in enumerate(self.checks_model.rows()):
            if check.key == key:
                if self.checks.currentIndex().row() == row:
                    self._show_counts(key)
                    self._load_list((key, None, None))
                else:
                    self.checks.setCurrentIndex(self.checks_model.index(row, 0))

    # ---- Private

    def _table(self, model: RowTableModel, name: str) -> QTableView:  # type: ignore[type-arg]
        view = make_table(model, self, name)
        view.setAccessibleName(name)
        view.installEventFilter(self)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes the room, the count its own
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, view.fontMetrics().horizontalAdvance("Records") + 36)
        return view

    def _titled(self, caption: str, view: QWidget) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        label = QLabel(caption, box)
        label.setProperty("role", "heading")
        column.addWidget(label)
        column.addWidget(view, 1)
        return box

    def _show_counts(self, check_key: str) -> None:
        assert self.report is not None
        mine = [c for c in self.report.counts if c.check_key == check_key]
        for model in (self.hubs_model, self.workers_model):
            model.set_rows([c for c in mine if c.group == ("hub" if model is self.hubs_model else "worker")])

    def _load_list(self, selection: Selection) -> None:
        if self._filter is None:
            return
        self._selection = selection
        key, group, group_id = selection
        flt, backend, today = self._filter, self._backend, self._today
        self._latest_list.start(
            self, lambda: recording_quality.quality_list(backend.uow(), flt, key, group=group,  # type: ignore[arg-type]
                                                         group_id=group_id, today=today),
            self._on_list_loaded, lambda exc: self.list.show_message(str(exc)))

    @staticmethod
    def _select_key(view: QTableView, model: RowTableModel, key: object) -> bool:  # type: ignore[type-arg]
        for row in range(model.rowCount()):
            if model.key(model.row_at(row)) == key:
                view.setCurrentIndex(model.index(row, 0))
                return True
        return False

    # ---- Slots

    def _on_loaded(self, report: QualityReport) -> None:
        self.report = report
        previous = self._selection
        self.checks_model.set_rows(report.checks)
        total = sum(c.total for c in report.checks)
        self.summary.setText(f"{total} record{'s' if total != 1 else ''} with something missing or late, "
                             f"as at {self._today:%d/%m/%Y}. Choose a check, then a hub or a worker; "
                             "Enter on a record opens the family.")
        # At first, the first check that finds something (else the first check).
        first = next((c for c in report.checks if c.total), report.checks[0] if report.checks else None)
        key = previous[0] if previous else (first.key if first is not None else None)
        if key is None:
            return
        self.checks.blockSignals(True)
        self.checks.selectionModel().blockSignals(True)
        self._select_key(self.checks, self.checks_model, key)
        self.checks.selectionModel().blockSignals(False)
        self.checks.blockSignals(False)
        self._show_counts(key)
        group, group_id = (previous[1], previous[2]) if previous and previous[0] == key else (None, None)
        if group is not None:
            view, model = (self.hubs, self.hubs_model) if group == "hub" else (self.workers, self.workers_model)
            view.selectionModel().blockSignals(True)
            if not self._select_key(view, model, group_id):
                group, group_id = None, None
            view.selectionModel().blockSignals(False)
        self._load_list((key, group, group_id))
        self.sig_loaded.emit(report)

    def _on_failed(self, exc: Exception) -> None:
        self.summary.setText(str(exc) if isinstance(exc, DomainError) else "Recording quality could not be loaded.")

    def _on_list_loaded(self, table: Table) -> None:
        self.list.set_table(table)
        if self._selection is not None and self._selection[1] is not None:
            view = self.hubs if self._selection[1] == "hub" else self.workers
            label = view.currentIndex().siblingAtColumn(0).data()
            if label:
                self.list.title.setText(f"{table.title}: {label} ({len(table.rows)})")
        self.sig_list_loaded.emit(table)

    @Slot(QModelIndex, QModelIndex)
    def _on_checks_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        check = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(check, QualityCheck) and self.report is not None:
            self._show_counts(check.key)
            self._load_list((check.key, None, None))

    def _on_counts_current_row_changed(self, current: QModelIndex, group: str) -> None:
        count = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(count, QualityCount):
            self._load_list((count.check_key, group, count.group_id))

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == QEvent.Type.KeyPress and watched in (self.checks, self.hubs, self.workers):
            assert isinstance(event, QKeyEvent)
            if event.key() in ENTER_KEYS:
                self.list.focus_table()  # Enter on a check or a count moves on to its records
                return True
        return super().eventFilter(watched, event)
