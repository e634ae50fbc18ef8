"""A thin table model over a list of DTO rows, described by a tuple of columns (STYLE R14).

Subclasses declare ``columns`` and, if rows have an id, ``key``. The model never calls a service:
a page loads the rows in a worker and hands them over with :meth:`RowTableModel.set_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

T = TypeVar("T")

#: The row's DTO.
ROW_ROLE = Qt.ItemDataRole.UserRole
#: The row's own id (person, request, episode ...).
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
#: The id of the family the row belongs to (``None`` when it has none).
FAMILY_ID_ROLE = Qt.ItemDataRole.UserRole + 2
#: ``"red"``, ``"amber"`` or ``"green"`` for RAG cells.
RAG_ROLE = Qt.ItemDataRole.UserRole + 3

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
#: The roles and flags models answer most, looked up once (``data`` and ``flags`` run per cell and paint).
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
FONT = int(Qt.ItemDataRole.FontRole)
ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
NO_FLAGS = Qt.ItemFlag.NoItemFlags

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its title and how a row reads in it.

    Args:
        title: the header text.
        text: the cell text for a row.
        tooltip: a longer text for the cell's tooltip (default: none).
        align: the cell alignment.
        header_tip: the header's tooltip (say what an abbreviation means).
    """

    title: str
    text: Callable[[T], str]
    tooltip: Callable[[T], str] | None = None
    align: Qt.AlignmentFlag = LEFT
    header_tip: str = ""


class RowTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table of DTO rows.

    Args:
        parent: the owning object.
    """

    columns: tuple[Column[Any], ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    # ---- Public

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> tuple[T, ...]:
        """The rows, in order."""
        return tuple(self._rows)

    def row_at(self, row: int) -> T | None:
        """The DTO of one row, or ``None`` out of range."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def key(self, row: T) -> object:
        """The row's id (``KEY_ROLE``); override when rows have one."""
        return None

    def family_id(self, row: T) -> int | None:
        """The family the row belongs to (``FAMILY_ID_ROLE``); override when rows have one."""
        return None

    def extra_data(self, row: T, column: int, role: int) -> Any:
        """Hook for subclasses: a value for other roles (``None`` for none)."""
        return None

    # ---- Qt overrides

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        # Called for every role of every visible cell at each paint: the roles are compared with
        # module constants (an enum attribute look-up per comparison showed in the GUI profiles).
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._rows)) or not (0 <= c < len(self.columns)):
            return None
        row = self._rows[r]
        column = self.columns[c]
        if role == DISPLAY:
            return column.text(row)
        if role == TOOLTIP:
            if column.tooltip is not None:
                return column.tooltip(row) or None
            return None
        if role == ALIGNMENT:
            return int(column.align.value)
        if role == ROW_ROLE:
            return row
        if role == KEY_ROLE:
            return self.key(row)
        if role == FAMILY_ID_ROLE:
            return self.family_id(row)
        return self.extra_data(row, c, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: D102
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.columns)):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:  # noqa: D102
        return ITEM_FLAGS if index.isValid() else NO_FLAGS
