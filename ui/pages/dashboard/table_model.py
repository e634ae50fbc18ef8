"""A thin, sortable table model over a :class:`hubapp.domain.report_dto.Table` (STYLE R14).

Every list on the dashboard (a drill-down, a recording-quality list, the Supporting Families list,
an evidence list) is a ``Table`` from a service; this model shows one as it is. Numbers are
right-aligned, dates read dd/mm/yyyy, and sorting is done here because a table is small and fully
loaded. The family behind each row is in ``FAMILY_ID_ROLE``, so Enter can open it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from hubapp.domain.report_dto import Column, Table
from ui.models.base import FAMILY_ID_ROLE, LEFT, RIGHT, ROW_ROLE
from ui.pages.dashboard.values import NUMERIC_KINDS, cell_text, sort_key

Index = QModelIndex | QPersistentModelIndex
#: The cell's raw value (what is exported), for tests and delegates.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 20


class ReportTableModel(QAbstractTableModel):
    """One ``Table``'s rows, in the order chosen by :meth:`sort`.

    Args:
        parent: the owning object.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table: Table | None = None
        self._columns: tuple[Column, ...] = ()
        # Rows as (values, family id), in display order.
        self._rows: list[tuple[tuple[object, ...], int | None]] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- Public

    @property
    def table(self) -> Table | None:
        """The table shown (in the service's order)."""
        return self._table

    def set_table(self, table: Table | None) -> None:
        """Show ``table`` (``None``: nothing), keeping the column sorted on, if it still exists."""
        self.beginResetModel()
        self._table = table
        self._columns = table.columns if table is not None else ()
        ids = tuple(table.family_ids) if table is not None else ()
        rows = table.rows if table is not None else ()
        self._rows = [(tuple(r), ids[n] if n < len(ids) else None) for n, r in enumerate(rows)]
        if self._sort is not None and self._sort[0] < len(self._columns):
            self._apply_sort(*self._sort)
        self.endResetModel()

    def displayed_table(self) -> Table | None:
        """The table in the order shown on screen (what an export writes)."""
        if self._table is None:
            return None
        return Table(title=self._table.title, columns=self._table.columns,
                     rows=tuple(values for values, _ in self._rows),
                     family_ids=tuple(fid for _, fid in self._rows),
                     explanation=self._table.explanation, filter=self._table.filter)

    def family_id_at(self, row: int) -> int | None:
        """The family behind a row, or ``None``."""
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def row_of_family(self, family_id: int) -> int:
        """The first row of a family, or -1."""
        return next((n for n, (_, fid) in enumerate(self._rows) if fid == family_id), -1)

    def column_kind(self, column: int) -> str:
        """The kind of a column (``text``, ``int``, ``date`` ...)."""
        return self._columns[column].kind if 0 <= column < len(self._columns) else "text"

    # ---- Private

    def _apply_sort(self, column: int, order: Qt.SortOrder) -> None:
        # Blanks stay last whichever way round; the sort is stable, so ties keep the service's order.
        present = [r for r in self._rows if r[0][column] is not None and r[0][column] != ""]
        blank = [r for r in self._rows if r[0][column] is None or r[0][column] == ""]
        present.sort(key=lambda r: sort_key(r[0][column]), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = present + blank

    # ---- Qt overrides

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self._columns)):
            return None
        values, family_id = self._rows[index.row()]
        column = self._columns[index.column()]
        value = values[index.column()] if index.column() < len(values) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(value, column.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = cell_text(value, column.kind)
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((RIGHT if column.kind in NUMERIC_KINDS else LEFT).value)
        if role == FAMILY_ID_ROLE:
            return family_id
        if role == ROW_ROLE:
            return values
        if role == VALUE_ROLE:
            return value
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: D102
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._columns)):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((RIGHT if column.kind in NUMERIC_KINDS else LEFT).value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:  # noqa: D102
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102
        if not (0 <= column < len(self._columns)):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        self._apply_sort(column, order)
        # Persistent indexes (the selection, the current row) follow their rows.
        where = {id(r): n for n, r in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [self.index(where[id(before[i.row()])], i.column()) if 0 <= i.row() < len(before) else QModelIndex()
               for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
