"""The referrals inbox table: requests for support, filtered and sorted in SQL, loaded a page at a time.

``fetchMore`` only *starts* loading the next page (through the loader the page injects, which runs
the service in a worker); the rows are inserted when the page arrives. A new filter or sort order
starts again from the first page, and a page of an older query is dropped (latest wins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from hubapp.domain.dto import Page, RequestFilter, RequestRow
from ui import formatting as fmt
from ui.models.base import ACCESSIBLE_TEXT, CENTRE, RAG_ROLE, Column, Index, RowTableModel

#: ``loader(filter, on_done, on_error)`` starts loading one page and calls back on the GUI thread.
PageLoader = Callable[[RequestFilter, Callable[[Page[RequestRow]], None], Callable[[Exception], None]], None]

PAGE_SIZE = 100


def _rag_word(r: RequestRow) -> str:
    return r.rag.capitalize() if r.rag else ""


class RequestsModel(RowTableModel[RequestRow]):
    """Rows of ``RequestRow`` for one ``RequestFilter``, paged lazily.

    Signals:
        sig_total_changed(int): how many requests match the filter.
        sig_loading_changed(bool): a page load started or ended.
        sig_page_loaded(int): a page arrived (its offset).
        sig_load_failed(object): a page load failed with this domain error.

    Args:
        loader: starts an asynchronous page load.
        parent: the owning object.
    """

    # ---- Signals
    sig_total_changed = Signal(int)
    sig_loading_changed = Signal(bool)
    sig_page_loaded = Signal(int)
    sig_load_failed = Signal(object)

    columns = (
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
        super().__init__(parent)
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

    def row_index_of(self, request_id: int) -> int:
        """The row showing a request, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == request_id), -1)

    def key(self, row: RequestRow) -> object:
        """The request's id."""
        return row.id

    def family_id(self, row: RequestRow) -> int | None:
        """The family the request is about."""
        return row.family_id

    def extra_data(self, row: RequestRow, column: int, role: int) -> Any:
        """The RAG colour key for the chip delegate."""
        if role == RAG_ROLE:
            return row.rag
        if role == ACCESSIBLE_TEXT and column == self.RAG:
            return f"{_rag_word(row)} against the timescale"
        return None

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
            self.beginResetModel()
            self._rows = list(page.rows)
            self.endResetModel()
        elif page.offset == len(self._rows) and page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        if page.total != self._total:
            self._total = page.total
            self.sig_total_changed.emit(page.total)
        self.sig_page_loaded.emit(page.offset)

    def _on_loader_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.sig_load_failed.emit(exc)

    # ---- Qt overrides

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, D102
        if parent.isValid() or self._loading or self._total is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, D102
        if self.canFetchMore(parent):
            self._start_load(len(self._rows))
