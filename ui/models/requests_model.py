"""The referrals inbox table: requests for support, filtered and sorted in SQL, loaded a page at a time.

``fetchMore`` only *starts* loading the next page (through the loader the page injects, which runs
the service in a worker); the rows are inserted when the page arrives. A new filter or sort order
starts again from the first page, and a page of an older query is dropped (latest wins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from hubapp.domain.dto import Page, RequestFilter, RequestRow
from ui import formatting as fmt
from ui.models.base import (
    ACCESSIBLE_TEXT,
    ALIGNMENT,
    CENTRE,
    DISPLAY,
    FAMILY_ID_ROLE,
    ITEM_FLAGS,
    KEY_ROLE,
    LEFT,
    NO_FLAGS,
    RAG_ROLE,
    ROW_ROLE,
    TOOLTIP,
    Column,
    Index,
)

#: ``loader(filter, on_done, on_error)`` starts loading one page and calls back on the GUI thread.
PageLoader = Callable[[RequestFilter, Callable[[Page[RequestRow]], None], Callable[[Exception], None]], None]

PAGE_SIZE = 100

_HORIZONTAL = Qt.Orientation.Horizontal
_LEFT = int(LEFT.value)


def _rag_word(r: RequestRow) -> str:
    return r.rag.capitalize() if r.rag else ""


class RequestsModel(QStandardItemModel):
    """Rows of ``RequestRow`` for one ``RequestFilter``, paged lazily.

    Every cell holds its text, tooltip and alignment, the row's DTO (``ROW_ROLE``), the request's id
    (``KEY_ROLE``), its family (``FAMILY_ID_ROLE``) and RAG (``RAG_ROLE``); the RAG cell also holds
    its accessible text. The cells are Qt's own items, filled once when a page arrives, so painting
    the table asks no Python code for any cell: over a Python ``data()``, a repaint of a full window
    of the inbox (27 rows) made about 2,500 calls into Python, seven roles and two ``flags`` a cell,
    and took 20 ms of thread CPU time against 13 ms so; filling a page of 100 rows takes about 5 ms.

    The first page of a query replaces every row (a reset); a further page is inserted after the rows
    loaded, so the view keeps its scroll position and selection.

    Signals:
        sig_total_changed(int): how many requests match the filter.
        sig_loading_changed(bool): a page load started or ended.
        sig_page_loaded(int): a page arrived (its offset).
        sig_load_failed(object): a page load failed with this domain error.

    Args:
        loader: starts an asynchronous page load.
        parent: the owning object.
        page_size: how many requests a page holds.
    """

    # ---- Signals
    sig_total_changed = Signal(int)
    sig_loading_changed = Signal(bool)
    sig_page_loaded = Signal(int)
    sig_load_failed = Signal(object)

    columns: tuple[Column[RequestRow], ...] = (
        Column("RAG", _rag_word, header_tip="Red, amber or green against the front-door timescale"),
        Column("Received", lambda r: fmt.uk_datetime(r.received_at)),
        Column("Family", lambda r: r.family_name),
        Column("Children", lambda r: r.children, tooltip=lambda r: r.children),
        Column("Source", lambda r: r.source_label, tooltip=lambda r: r.source_label),
        Column("Referrer", lambda r: r.referrer, tooltip=lambda r: r.referrer),
        Column("Level", lambda r: str(r.level_of_need) if r.level_of_need else "–", align=CENTRE,
               tooltip=lambda r: fmt.level_text(r.level_of_need), header_tip="Level of need (1–4)"),
        Column("Status", lambda r: fmt.request_status(r.status, r.outcome),
               tooltip=lambda r: fmt.request_status(r.status, r.outcome)),
        Column("Age (WD)", lambda r: str(r.age_wd), align=CENTRE,
               header_tip="Age in working days: from receipt to decision, or to today while undecided"),
        Column("Hub", lambda r: r.hub_name),
    )
    RAG, RECEIVED, FAMILY, CHILDREN, SOURCE, REFERRER, LEVEL, STATUS, AGE, HUB = range(10)

    #: Sortable columns: column -> (RequestFilter.order_by, whether the direction is inverted).
    #: Age grows as the received date gets older, so it sorts by received date the other way.
    SORT_KEYS: dict[int, tuple[str, bool]] = {
        RECEIVED: ("received_at", False),
        FAMILY: ("family_name", False),
        SOURCE: ("source", False),
        LEVEL: ("level_of_need", False),
        STATUS: ("status", False),
        AGE: ("received_at", True),
    }

    def __init__(self, loader: PageLoader, parent: QObject | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(0, len(self.columns), parent)
        self.invisibleRootItem().setFlags(NO_FLAGS)  # flags() of the root, as a table model says
        self._aligns = [int(column.align.value) for column in self.columns]
        #: Per column: its text, its tooltip and its alignment when not the prototype's (filling runs per cell).
        self._plan = [(column.text, column.tooltip, align if align != _LEFT else None)
                      for column, align in zip(self.columns, self._aligns, strict=True)]
        self._rows: list[RequestRow] = []
        self._loader = loader
        self._page_size = page_size
        self._filter = RequestFilter(limit=page_size)
        self._total: int | None = None
        self._generation = 0
        self._loading = False

    # ---- Public

    @property
    def filter(self) -> RequestFilter:
        """The filter in force (offset and limit aside)."""
        return self._filter

    @property
    def total(self) -> int | None:
        """How many requests match (``None`` before the first page arrived)."""
        return self._total

    @property
    def is_loading(self) -> bool:
        """Whether a page is being loaded."""
        return self._loading

    def set_filter(self, f: RequestFilter) -> None:
        """Show the requests matching ``f`` from the first page (rows stay until it arrives)."""
        self._filter = replace(f, offset=0, limit=self._page_size)
        self.reload()

    def reload(self) -> None:
        """Load the first page again (after a change); older loads in flight are dropped."""
        self._generation += 1
        self._start_load(0)

    def sort_by_column(self, column: int, order: Qt.SortOrder) -> bool:
        """Sort in SQL by a sortable column; returns ``False`` for a column that cannot sort."""
        if column not in self.SORT_KEYS:
            return False
        order_by, inverted = self.SORT_KEYS[column]
        descending = (order == Qt.SortOrder.DescendingOrder) != inverted
        self.set_filter(replace(self._filter, order_by=order_by, descending=descending))
        return True

    def set_rows(self, rows: Sequence[RequestRow]) -> None:
        """Replace every row (a reset)."""
        self._replace_rows(rows)

    def rows(self) -> tuple[RequestRow, ...]:
        """The rows, in order."""
        return tuple(self._rows)

    def row_at(self, row: int) -> RequestRow | None:
        """The DTO of one row, or ``None`` out of range."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_index_of(self, request_id: int) -> int:
        """The row showing a request, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == request_id), -1)

    def key(self, row: RequestRow) -> object:
        """The request's id."""
        return row.id

    def family_id(self, row: RequestRow) -> int | None:
        """The family the request is about."""
        return row.family_id

    # ---- Cells

    def _replace_rows(self, rows: Sequence[RequestRow]) -> None:
        """Every cell again, as one reset (no signal for each row removed or added)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)  # the reset says it all; no removal or insertion signals inside it
        try:
            self.removeRows(0, self.rowCount())
            self._rows = list(rows)
            root = self.invisibleRootItem()
            for r in self._rows:
                root.appendRow(self._cells(r))
        finally:
            self.blockSignals(blocked)
            self.endResetModel()

    def _cells(self, r: RequestRow) -> list[QStandardItem]:
        """One request's row of cells, holding every role a cell answers.

        The roles every cell shares are set once on a prototype that each cell clones. The items go
        straight to the model: a wrapper of a cloned item is not valid once the model owns it.
        """
        proto = QStandardItem()
        proto.setFlags(ITEM_FLAGS)
        proto.setData(r, ROW_ROLE)
        proto.setData(self.key(r), KEY_ROLE)
        proto.setData(self.family_id(r), FAMILY_ID_ROLE)
        proto.setData(r.rag, RAG_ROLE)  # the chip delegate's colour key
        proto.setData(_LEFT, ALIGNMENT)
        clone = proto.clone
        cells = []
        for text, tooltip, align in self._plan:
            cell = clone()
            cell.setData(text(r), DISPLAY)
            if tooltip is not None:
                tip = tooltip(r)
                if tip:
                    cell.setData(tip, TOOLTIP)
            if align is not None:
                cell.setData(align, ALIGNMENT)
            cells.append(cell)
        cells[self.RAG].setData(f"{_rag_word(r)} against the timescale", ACCESSIBLE_TEXT)
        return cells

    # ---- Loading

    def _start_load(self, offset: int) -> None:
        generation = self._generation
        self._set_loading(True)
        self._loader(
            replace(self._filter, offset=offset),
            lambda page: self._on_loader_page_loaded(generation, page),
            lambda exc: self._on_loader_failed(generation, exc),
        )

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.sig_loading_changed.emit(loading)

    def _on_loader_page_loaded(self, generation: int, page: Page[RequestRow]) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        if page.offset == 0:
            self._replace_rows(page.rows)
        elif page.offset == len(self._rows) and page.rows:
            self._rows.extend(page.rows)
            root = self.invisibleRootItem()
            for r in page.rows:  # row insertions, no reset: the view keeps scroll and selection
                root.appendRow(self._cells(r))
        if page.total != self._total:
            self._total = page.total
            self.sig_total_changed.emit(page.total)
        self.sig_page_loaded.emit(page.offset)

    def _on_loader_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.sig_load_failed.emit(exc)

    # ---- Qt overrides (none is asked per cell: a view asks them for its header or at the end of the list)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: D102
        # Answered here, not by header items: rows have no header (a standard model numbers them).
        if orientation != _HORIZONTAL or not (0 <= section < len(self.columns)):
            return None
        column = self.columns[section]
        if role == DISPLAY:
            return column.title
        if role == TOOLTIP:
            return column.header_tip or None
        if role == ALIGNMENT:
            return self._aligns[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102
        # Sorting is done in SQL (sort_by_column); the rows must stay in the order they were loaded.
        return

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, D102
        if parent.isValid() or self._loading or self._total is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, D102
        if self.canFetchMore(parent):
            self._start_load(len(self._rows))
