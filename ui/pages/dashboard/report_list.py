"""A list behind a figure: a ``Table`` in a sortable table view, or its explanation when it is empty.

Enter (or a double-click) on a row asks for the family behind it. The same widget shows every
dashboard list: drill-downs, recording-quality records, the Supporting Families list and the
evidence behind one family's claim.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from hubapp.domain.report_dto import Table
from ui.models.base import FAMILY_ID_ROLE
from ui.pages.dashboard.table_model import ReportTableModel
from ui.widgets.table import EmptyStateStack, make_table

MAX_COLUMN_CHARS = 32
#: Rows read to size the columns.
FIT_ROWS = 60


class ReportList(QWidget):
    """A ``Table`` on screen.

    Signals:
        sig_open_family_requested(int): open this family (Enter on a row).
        sig_current_family_changed(object): the family of the current row (``None`` for none).

    Args:
        name: the view's object and accessible name.
        parent: the parent widget.
        show_title: whether to show the table's title above it.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_current_family_changed = Signal(object)

    def __init__(self, name: str, parent: QWidget | None = None, show_title: bool = True) -> None:
        super().__init__(parent)
        self.model = ReportTableModel(self)
        self.view = make_table(self.model, self, name)
        self.view.setAccessibleName(name)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's own order until asked
        self.view.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # a number in the last column stays beside its heading
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.title = QLabel(self)
        self.title.setProperty("role", "heading")
        self.title.setVisible(show_title)
        self._show_title = show_title
        self.stack = EmptyStateStack(self.view, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)

    # ---- Public

    def set_table(self, table: Table | None, keep_family: bool = True) -> None:
        """Show ``table``; the row of the family that was current stays current if it is still there."""
        family = self.current_family_id() if keep_family else None
        row = self.view.currentIndex().row()
        self.model.set_table(table)
        if table is None:
            self.title.setText("")
            self.stack.show_empty("Loading…")
            return
        count = len(table.rows)
        self.title.setText(f"{table.title} ({count})" if table.title else "")
        if not count:
            self.stack.show_empty(table.explanation or "Nothing to list.")
        else:
            self.stack.show_table()
            self._fit_columns()
            target = self.model.row_of_family(family) if family is not None else -1
            if target < 0 and keep_family:
                target = min(row, count - 1)
            self.select_row(max(target, 0))

    def show_message(self, text: str) -> None:
        """Show ``text`` in place of the table (loading, or what went wrong)."""
        self.stack.show_empty(text)

    def select_row(self, row: int) -> None:
        """Make ``row`` current (and selected)."""
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(index)

    def current_family_id(self) -> int | None:
        """The family of the current row."""
        index = self.view.currentIndex()
        return self.model.family_id_at(index.row()) if index.isValid() else None

    def displayed_table(self) -> Table | None:
        """The table as shown (sorted as on screen), for an export."""
        return self.model.displayed_table()

    def focus_table(self) -> None:
        """Put the keyboard focus on the rows (the first one current if none is)."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.view.currentIndex().isValid():
            self.select_row(0)

    # ---- Private

    def _fit_columns(self) -> None:
        # Measured from the text of the first rows: Qt's resizeColumnsToContents asks the style for
        # every cell, which under the stylesheet costs hundreds of milliseconds on a long list.
        metrics = self.view.fontMetrics()
        bold = QFontMetrics(self.view.horizontalHeader().font())
        cap = MAX_COLUMN_CHARS * metrics.horizontalAdvance("0")
        header = self.view.horizontalHeader()
        rows = min(self.model.rowCount(), FIT_ROWS)
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            widest = max((metrics.horizontalAdvance(str(self.model.index(r, column).data() or ""))
                          for r in range(rows)), default=0)
            header.resizeSection(column, min(max(int(bold.horizontalAdvance(title) * 1.1) + 30, widest + 24), cap))

    # ---- Slots

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        family_id = index.data(FAMILY_ID_ROLE)
        if family_id is not None:
            self.sig_open_family_requested.emit(int(family_id))

    @Slot(QModelIndex, QModelIndex)
    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.sig_current_family_changed.emit(self.model.family_id_at(current.row()) if current.isValid() else None)
