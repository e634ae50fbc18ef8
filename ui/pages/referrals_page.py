"""The Referrals page: the inbox of requests for support, filtered and sorted in the database.

Filters (each reachable with Alt + its underlined letter): status, source (type to narrow it
down), level of need, age in working days, hub and family name. Clicking a column header sorts in
SQL. Rows arrive a page at a time as the table scrolls. Enter or a double-click opens the family.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hubapp.domain import codes
from hubapp.domain.dto import Changes, CodeItem, HubRow, Page, RequestFilter, RequestRow
from hubapp.domain.errors import DomainError
from hubapp.services import reference, referrals
from hubapp.services.session import Backend
from ui.models.base import FAMILY_ID_ROLE, KEY_ROLE
from ui.models.requests_model import RequestsModel
from ui.pages.request_filter_bar import RequestFilterBar
from ui.tasks import run_read
from ui.widgets.rag_delegate import RagDelegate
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths


class ReferralsPage(QWidget):
    """The referrals inbox.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_requests_loaded(int): the first page of a query arrived; how many requests match.

    Args:
        backend: the open database.
        my_hubs: the signed-in worker's hubs, the list's default scope (empty: every hub).
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_requests_loaded = Signal(int)

    def __init__(self, backend: Backend, my_hubs: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReferralsPage")
        self._backend = backend
        self._reselect_id: int | None = None
        self.filters = RequestFilterBar(my_hubs, self)
        self.filters.sig_filter_changed.connect(self._on_filters_filter_changed)

        self.model = RequestsModel(self._load_page, self)
        self.model.sig_total_changed.connect(self._on_model_total_changed)
        self.model.sig_page_loaded.connect(self._on_model_page_loaded)
        self.model.sig_loading_changed.connect(self._on_model_loading_changed)
        self.model.sig_load_failed.connect(self._on_model_load_failed)
        self.table = make_table(self.model, self, "Requests")
        self.table.setAccessibleName("Requests for support")
        self.table.setItemDelegateForColumn(RequestsModel.RAG, RagDelegate(self.table))
        self.table.activated.connect(self._on_table_activated)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(RequestsModel.RECEIVED, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self._sort = (RequestsModel.RECEIVED, Qt.SortOrder.DescendingOrder)
        self.results = EmptyStateStack(self.table, self)

        self._build_layout()
        # Fixed columns for the short facts; the wordy ones share what is left of the width.
        set_column_widths(self.table, {0: 7, 1: 16, 6: 4, 8: 6, 9: 11})
        self._fitter = ColumnFitter(self.table, {
            RequestsModel.FAMILY: (1.0, 10), RequestsModel.CHILDREN: (1.1, 12), RequestsModel.SOURCE: (0.9, 10),
            RequestsModel.REFERRER: (0.9, 10), RequestsModel.STATUS: (1.1, 13),
        })
        header.setSortIndicator(*self._sort)
        self._load_reference_data()
        self.model.set_filter(self.filters.read(self.model.filter))

    # ---- Public

    def refresh(self) -> None:
        """Load the list again, keeping the selected request selected (or the one about to be)."""
        if self._reselect_id is None:
            self._reselect_id = self._selected_id()
        self.model.reload()

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload when requests changed."""
        if changes.requests or changes.families:
            self.refresh()

    def focus_table(self) -> None:
        """Put the keyboard focus on the list."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def first_family_id(self) -> int | None:
        """The family of the first row (for scripted screenshots)."""
        return self.model.index(0, 0).data(FAMILY_ID_ROLE) if self.model.rowCount() else None

    def set_status_filter(self, label: str) -> None:
        """Choose a status filter by its label (e.g. "All statuses") and apply it now."""
        self.filters.set_status(label)

    def save_state(self) -> None:
        """Nothing to remember: the columns fit the window each time."""

    def add_header_widget(self, widget: QWidget) -> None:
        """Put a widget (e.g. the front door's buttons) on its own row under the page's title."""
        self._header.insertWidget(1, widget, 0, Qt.AlignmentFlag.AlignLeft)

    def selected_request_id(self) -> int | None:
        """The id of the request selected in the list."""
        return self._selected_id()

    def select_request(self, request_id: int) -> None:
        """Load the list again and select this request when it arrives (e.g. one just logged)."""
        self._reselect_id = request_id
        self.model.reload()

    # ---- Building

    def _build_layout(self) -> None:
        header = QFrame(self)
        header.setObjectName("PageHeader")
        title = QLabel("Referrals", self)
        title.setProperty("role", "title")
        self.summary = QLabel(self)
        self.summary.setProperty("role", "muted")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        head = QVBoxLayout(header)
        head.setContentsMargins(20, 14, 20, 12)
        head.setSpacing(10)
        head.addLayout(top)
        self._header = head
        head.addWidget(self.filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(20, 12, 20, 16)
        body.addWidget(self.results)
        layout.addLayout(body, 1)

    # ---- Filtering and loading

    def _load_page(
        self, f: RequestFilter, on_done: Callable[[Page[RequestRow]], None], on_error: Callable[[Exception], None]
    ) -> None:
        backend = self._backend
        run_read(self, lambda: referrals.list_requests(backend.uow(), f), on_done, on_error)

    def _load_reference_data(self) -> None:
        backend = self._backend

        def load() -> tuple[tuple[HubRow, ...], tuple[CodeItem, ...]]:
            return reference.hubs(backend.uow()), reference.code_list(backend.uow(), codes.REFERRAL_SOURCE)

        run_read(self, load, self._on_reference_loaded, lambda exc: None)

    def _on_reference_loaded(self, result: tuple[tuple[HubRow, ...], tuple[CodeItem, ...]]) -> None:
        hubs, sources = result
        if sources:
            self.filters.set_sources(list(sources))
        self.filters.set_hubs(hubs)

    def _selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(KEY_ROLE)) if index.isValid() else None

    @Slot()
    def _on_filters_filter_changed(self) -> None:
        self._reselect_id = self._selected_id()
        self.model.set_filter(self.filters.read(self.model.filter))

    @Slot(int, Qt.SortOrder)
    def _on_header_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if (column, order) == self._sort:
            return
        if self.model.sort_by_column(column, order):
            self._sort = (column, order)
            return
        header = self.table.horizontalHeader()  # not a sortable column: keep the indicator where it was
        header.blockSignals(True)
        header.setSortIndicator(*self._sort)
        header.blockSignals(False)

    # ---- Model events

    @Slot(int)
    def _on_model_total_changed(self, total: int) -> None:
        self._update_summary()

    @Slot(bool)
    def _on_model_loading_changed(self, loading: bool) -> None:
        self._update_summary()

    @Slot(int)
    def _on_model_page_loaded(self, offset: int) -> None:
        if offset != 0:
            return
        total = self.model.total or 0
        if total:
            self.results.show_table()
            row = self.model.row_index_of(self._reselect_id) if self._reselect_id is not None else -1
            self.table.setCurrentIndex(self.model.index(max(row, 0), 0))
            if row < 0:
                self.table.scrollToTop()
        elif self.filters.is_default():
            self.results.show_empty("Nothing is waiting for a decision.\n\nNew requests for support "
                                    "appear here as soon as they are logged.")
        else:
            self.results.show_empty("No requests match these filters.\n\nChange a filter, or "
                                    "choose Clear filters to see every undecided request.")
        self._reselect_id = None
        self._update_summary()
        self.sig_requests_loaded.emit(total)

    @Slot(object)
    def _on_model_load_failed(self, exc: object) -> None:
        message = str(exc) if isinstance(exc, DomainError) else "The list could not be loaded."
        self.results.show_empty(message)
        self.summary.setText("")

    def _update_summary(self) -> None:
        total = self.model.total
        if total is None:
            self.summary.setText("Loading…")
            return
        text = f"{total} request{'s' if total != 1 else ''}"
        if self.model.rowCount() < total:
            text += f" · showing {self.model.rowCount()}, more load as you scroll"
        if self.model.is_loading:
            text += " · loading…"
        self.summary.setText(text)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        family_id = index.data(FAMILY_ID_ROLE)
        if family_id is not None:
            self.sig_open_family_requested.emit(int(family_id))

