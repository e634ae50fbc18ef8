"""A read-only, row-selecting table set up the same way everywhere, and a view with an empty state."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QStackedWidget, QTableView, QWidget


def make_table(model: QAbstractItemModel, parent: QWidget | None = None, name: str = "") -> QTableView:
    """A table over ``model``: whole rows selected, one at a time, keyboard-first, no editing."""
    view = QTableView(parent)
    if name:
        view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setMinimumSectionSize(40)
    return view


def set_column_widths(view: QTableView, widths: dict[int, int]) -> None:
    """Size columns in characters of the view's font, never narrower than their own header.

    Room is left beside the header text for the sort arrow.
    """
    metrics = view.fontMetrics()
    char = metrics.horizontalAdvance("0")
    header = view.horizontalHeader()
    model = view.model()
    for column, chars in widths.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        minimum = int(metrics.horizontalAdvance(title) * 1.15) + 30
        header.resizeSection(column, max(chars * char + 16, minimum))


class ColumnFitter(QObject):
    """Shares a table's spare width among chosen columns, by weight, whenever the view resizes.

    The other columns keep the widths they were given. Every column stays resizable by hand
    until the next resize of the window. No horizontal scroll bar appears until each flexible
    column is down to its minimum.

    Args:
        view: the table.
        flexible: column -> (weight, minimum width in characters).
    """

    def __init__(self, view: QTableView, flexible: dict[int, tuple[float, int]]) -> None:
        super().__init__(view)
        self._view = view
        self._flexible = flexible
        view.horizontalHeader().setStretchLastSection(False)
        view.viewport().installEventFilter(self)

    def fit(self) -> None:
        """Size the flexible columns to the view's current width."""
        header = self._view.horizontalHeader()
        char = self._view.fontMetrics().horizontalAdvance("0")
        fixed = sum(header.sectionSize(c) for c in range(header.count())
                    if c not in self._flexible and not header.isSectionHidden(c))
        spare = self._view.viewport().width() - fixed
        weights = sum(w for w, _ in self._flexible.values())
        for column, (weight, minimum) in self._flexible.items():
            header.resizeSection(column, max(minimum * char + 16, int(spare * weight / weights)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


class EmptyStateStack(QStackedWidget):
    """Shows a table, or a calm sentence in its place when there is nothing to show.

    Args:
        view: the table.
        parent: the parent widget.
    """

    def __init__(self, view: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.label = QLabel(self)
        self.label.setProperty("role", "empty")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(view)
        self.addWidget(self.label)

    def show_empty(self, text: str) -> None:
        """Show ``text`` instead of the table."""
        self.label.setText(text)
        self.setCurrentWidget(self.label)

    def show_table(self) -> None:
        """Show the table."""
        self.setCurrentWidget(self.view)

    @property
    def is_empty_shown(self) -> bool:
        """Whether the empty-state text is shown."""
        return self.currentWidget() is self.label
