"""The coordinator's step-down queue: every step-down not complete, oldest in its state first.

Each row shows red/amber/green against the timescale of its state, the age in working days in that
state and the family's revolving-door flags; rows are grouped by age band (or by state, or not at
all) and filtered by state, hub, RAG, age band, flags and family name.

The list is loaded a page at a time (:data:`hubapp.services.queue.PAGE_SIZE` rows): the first page
with the counts of the whole queue, then the next page whenever the list is scrolled to its end (the
view's ``fetchMore``; End and Page Down do it too). A reload (a filter, Refresh, anyone's change)
starts again from the first page but asks for as many rows as were loaded, so the selection and the
place in the list survive it; a page still on its way for the old list is dropped. Keyboard triage
on the list (on the rows loaded):

    A accept · D decline (with a reason) · I ask for information · R information received
    L allocate a lead practitioner (select several rows with Shift/Ctrl to allocate them together)
    T triage · E escalate a decline · M handover meeting held · X social care closed its case
    C complete · W withdraw · F family declined · U not suitable · N new step-down · Enter open family

The list reloads by itself when anyone (on any PC) changes a transfer.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent, QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal, Slot,
)
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter,
    QStyledItemDelegate, QStyleOptionViewItem, QTextBrowser, QTreeView, QVBoxLayout, QWidget,
)

from hubapp.domain.dto import Changes, HubRow
from hubapp.domain.errors import DomainError
from hubapp.domain.transfer_dto import QueueCursor, QueueFilter, QueueResult, TransferDetail, TransferRow
from hubapp.services import queue, reference, transfers
from hubapp.services.session import Backend
from ui.app_events import app_events
from ui.models.base import FAMILY_ID_ROLE
from ui.models.transfer_models import GROUP_NONE, GROUP_ROLE, QueueModel
from ui.pages.transfers.detail_html import transfer_html
from ui.pages.transfers.new_transfer_dialogs import NewStepDownDialog
from ui.pages.transfers.queue_filters import QueueFilterBar
from ui.pages.transfers.triage import TransferTriage
from ui.resources import icon
from ui.tasks import LatestOnly, run_read
from ui.widgets.banner import Banner
from ui.widgets.rag_delegate import RagDelegate

#: Keys on the list and the step each takes.
KEYS: dict[int, str] = {
    Qt.Key.Key_A: "accept", Qt.Key.Key_D: "decline", Qt.Key.Key_I: "request_info", Qt.Key.Key_R: "info_received",
    Qt.Key.Key_L: "allocate", Qt.Key.Key_T: "triage", Qt.Key.Key_E: "escalate", Qt.Key.Key_M: "hold_handover_meeting",
    Qt.Key.Key_X: "close_csc", Qt.Key.Key_C: "complete", Qt.Key.Key_W: "withdraw", Qt.Key.Key_F: "family_declines",
    Qt.Key.Key_U: "mark_not_suitable",
}
HINTS = ("<b>A</b> accept · <b>D</b> decline · <b>I</b> ask for information · <b>L</b> allocate (several: "
         "select with Shift/Ctrl) · <b>T</b> triage · <b>E</b> escalate · <b>M</b> meeting held · <b>X</b> social "
         "care closed · <b>C</b> complete · <b>W</b> withdraw · <b>N</b> new · <b>Enter</b> family")
REFRESH_DELAY_MS = 100
#: Column widths in characters; the flexible ones share what is left of the width (weight, minimum).
FIXED_COLUMNS = {0: 10, 1: 6, 2: 16, 6: 13, 7: 16, 8: 8}
FLEXIBLE_COLUMNS = {3: (1.0, 7), 4: (1.1, 7), 5: (1.3, 8), 9: (0.8, 6)}


class _QueueRagDelegate(RagDelegate):
    """The RAG pill on item rows; a group row's label (which spans the row) drawn as plain text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: D102 - Qt override
        if index.data(GROUP_ROLE) is not None:
            QStyledItemDelegate.paint(self, painter, option, index)
        else:
            super().paint(painter, option, index)


class QueuePage(QWidget):
    """The step-down queue.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_queue_loaded(object): the first page's ``QueueResult`` arrived (a load or reload).
        sig_more_loaded(object): a later page's ``QueueResult`` arrived and was added to the list.
        sig_counts_loaded(object): the ``QueueCounts`` for the navigation badges.
        sig_detail_loaded(object): the ``TransferDetail`` shown under the list.

    Args:
        backend: the open database.
        my_hubs: the signed-in worker's hubs (the default scope).
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_queue_loaded = Signal(object)
    sig_more_loaded = Signal(object)
    sig_counts_loaded = Signal(object)
    sig_detail_loaded = Signal(object)

    def __init__(self, backend: Backend, my_hubs: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QueuePage")
        self._backend = backend
        self._my_hubs = my_hubs
        self._hubs: tuple[HubRow, ...] = ()
        self._latest = LatestOnly()
        self._latest_detail = LatestOnly()
        self._latest_more = LatestOnly()  # the next page; dropped by any reload
        self._more_pending = False
        self._reselect: list[int] = []
        self._shown_filter: QueueFilter | None = None  # the filter of the rows in the list
        self._cursor: QueueCursor | None = None  # where the rows in the list end
        #: The first page's result (its counts cover the whole queue).
        self.result: QueueResult | None = None
        self.triage = TransferTriage(backend, self)
        self.triage.sig_message_requested.connect(self._on_triage_message_requested)
        self.triage.sig_done.connect(self._on_triage_done)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        # The chosen item's detail loads once the event loop is free again: after a (re)load that is
        # after the list has painted, whose hundreds of model calls otherwise queued for the GIL
        # behind the detail's worker (the GUI probe's stall: 80-95 ms -> about the paint alone);
        # holding Down loads only the item it stops on.
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(0)
        self._detail_timer.timeout.connect(self._on_detail_timer_timeout)
        self._build()
        app_events().sig_data_changed.connect(self._on_app_events_data_changed)
        run_read(self, lambda: reference.hubs(backend.uow()), self._on_hubs_loaded, lambda exc: None)
        self.refresh()

    # ---- Public

    def refresh(self) -> None:
        """Load the queue (and the counts) again, keeping the selection.

        With the same filter it asks for as many rows as are loaded (and the page on its way, which
        is dropped), so the selection and the place in the list survive; with another filter, one
        page. No next page is fetched until the reload arrives.
        """
        self._reselect = [r.id for r in self.selected_rows()] or self._reselect
        f, backend, hubs = self.current_filter(), self._backend, self._my_hubs
        size = queue.PAGE_SIZE
        limit = size
        if f == self._shown_filter:
            limit = max(size, len(self.model.rows()) + (size if self._more_pending else 0))
        self._latest_more.cancel()
        self._more_pending = False
        self.model.pause_fetching()
        self._latest.start(self, lambda: (queue.step_down_queue(backend.uow(), f, limit=limit),
                                          queue.counts(backend.uow(), hubs)),
                           lambda loaded: self._on_loaded(f, loaded), self._on_load_failed)

    def fetch_more(self) -> None:
        """Load the next page after the rows in the list (what scrolling to the end does)."""
        self.model.fetchMore(QModelIndex())

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload soon when transfers, episodes or families changed."""
        if changes.transfers or changes.episodes or changes.families:
            self._refresh_timer.start()

    def focus_table(self) -> None:
        """Put the keyboard focus on the list, on the first item if none is chosen."""
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.selected_rows():
            self._select_first()

    def selected_rows(self) -> list[TransferRow]:
        """The items selected (in list order), or the current one."""
        rows = [self.model.row_for(i) for i in self.tree.selectionModel().selectedRows()]
        found = [r for r in rows if r is not None]
        if not found:
            current = self.model.row_for(self.tree.currentIndex())
            found = [current] if current is not None else []
        return found

    def select_ids(self, ids: list[int]) -> None:
        """Select these items (the first becomes current)."""
        selection = self.tree.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for n, transfer_id in enumerate(ids):
            index = self.model.index_of(transfer_id)
            if index.isValid():
                if n == 0:
                    self.tree.setCurrentIndex(index)
                selection.select(index, flags)

    def select_transfer(self, transfer_id: int) -> None:
        """Make one transfer the selected item, scrolled into view, if it is in the list; a list still
        on its way selects it when it arrives."""
        self._reselect = [transfer_id]
        index = self.model.index_of(transfer_id)
        if index.isValid():
            self.select_ids([transfer_id])
            self.tree.scrollTo(index)

    def act(self, action: str) -> None:
        """Take a step on the selected items (what the keys do)."""
        self.triage.run(action, self.selected_rows())

    def new_step_down(self) -> NewStepDownDialog:
        """Open the dialog that records a step-down arriving from social care."""
        hubs = tuple(sorted(self._hubs, key=lambda h: h.id not in self._my_hubs))
        dialog = NewStepDownDialog(self._backend, hubs, None, self)
        dialog.sig_saved.connect(self._on_new_saved)
        dialog.open()
        return dialog

    def current_filter(self) -> QueueFilter:
        """The filter the controls describe."""
        return self.filters.read()

    # ---- Building

    def _build(self) -> None:
        self.model = QueueModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("QueueTree")
        self.tree.setAccessibleName("Step-down queue")
        self.tree.setModel(self.model)
        self.model.sig_fetch_more_requested.connect(self._on_model_fetch_more_requested)
        self.model.set_fetch_gate(self._end_in_sight)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setItemDelegateForColumn(0, _QueueRagDelegate(self.tree))
        self.tree.setIndentation(14)
        self.tree.installEventFilter(self)
        self.tree.activated.connect(self._on_tree_activated)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        for column, chars in FIXED_COLUMNS.items():  # never narrower than the header's own text
            caption = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            header.resizeSection(column, max(metrics.horizontalAdvance("0") * chars + 16,
                                             int(metrics.horizontalAdvance(caption) * 1.15) + 24))
        self.tree.viewport().installEventFilter(self)
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("TransferDetail")
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("Choose an item to see its details and history.")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.filters = QueueFilterBar(self._my_hubs, self)
        self.filters.sig_filter_changed.connect(self._refresh_soon)
        self.filters.sig_grouping_changed.connect(self._on_filters_grouping_changed)

        title = QLabel("Step-down queue", self)
        title.setProperty("role", "title")
        self.summary = QLabel("Loading…", self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(40)
        self.new_button = QPushButton("New step-down…", self)
        self.new_button.setToolTip("Record a step-down arriving from social care (N on the list)")
        self.new_button.clicked.connect(self.new_step_down)
        refresh = QPushButton(icon("refresh.svg"), "Refresh", self)
        refresh.setToolTip("Load the queue again (F5); it also reloads by itself when anyone changes it")
        refresh.clicked.connect(self.refresh)
        self.banner = Banner(self)
        self.hints = QLabel(HINTS, self)
        self.hints.setProperty("role", "muted")
        self.hints.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.new_button)
        top.addWidget(refresh)
        header_frame = QFrame(self)
        header_frame.setObjectName("PageHeader")
        head = QVBoxLayout(header_frame)
        head.setContentsMargins(20, 14, 20, 12)
        head.setSpacing(10)
        head.addLayout(top)
        head.addWidget(self.filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header_frame)
        body = QVBoxLayout()
        body.setContentsMargins(20, 8, 20, 12)
        body.setSpacing(6)
        body.addWidget(self.banner)
        body.addWidget(split, 1)
        body.addWidget(self.hints)
        layout.addLayout(body, 1)

    # ---- Loading

    def _on_hubs_loaded(self, hubs: tuple[HubRow, ...]) -> None:
        self._hubs = hubs
        self.filters.set_hubs(hubs)

    def _on_loaded(self, f: QueueFilter, loaded: tuple[QueueResult, object]) -> None:
        result, counts = loaded
        self._latest_more.cancel()  # belt and braces: nothing may continue the list this replaces
        self._more_pending = False
        self.result = result
        self._shown_filter = f
        self._cursor = result.cursor
        reselect = self._reselect
        had_focus = self.tree.hasFocus()
        self.model.set_rows(result.rows, more=result.more, band_counts=result.band_counts,
                            state_counts=result.state_counts)
        self._expand()
        still = [i for i in reselect if self.model.index_of(i).isValid()]
        if still:
            self.select_ids(still)
        elif result.rows:
            self._select_first()
        else:
            self.detail.clear()
        if had_focus:
            self.tree.setFocus()
        self._show_summary()
        self.sig_counts_loaded.emit(counts)
        self.sig_queue_loaded.emit(result)

    def _on_load_failed(self, exc: Exception) -> None:
        self.model.stop_fetching(more=self.model.more)
        self.summary.setText("")
        self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The queue could not be loaded.",
                                 "error")

    def _on_more_loaded(self, after: QueueCursor, result: QueueResult) -> None:
        if after != self._cursor:  # it continues a list no longer shown (a reload came first)
            return
        self._more_pending = False
        self._cursor = result.cursor
        # An item someone changed since the last page now sorts after it, and comes again: it stays
        # where it is until the reload their change brings.
        shown = {r.id for r in self.model.rows()}
        self.model.append_rows([r for r in result.rows if r.id not in shown], more=result.more)
        self._show_summary()
        self.sig_more_loaded.emit(result)

    def _on_more_failed(self, exc: Exception) -> None:
        self._more_pending = False
        self.model.stop_fetching(more=False)  # not again by itself: Refresh tries once more
        why = str(exc) if isinstance(exc, DomainError) else "The rest of the queue could not be loaded."
        self.banner.show_message(f"{why} Refresh (F5) to try again.", "error")

    def _show_summary(self) -> None:
        """The whole queue's counts, and how many rows the filters leave (or, flagged only, how many
        flagged rows are loaded so far)."""
        result = self.result
        if result is None:
            return
        text = f"{result.total} in the queue · {result.red} red · {result.amber} amber · {result.green} green"
        with_csc = result.total - result.red - result.amber - result.green
        if with_csc:
            text += f" · {with_csc} still with social care"
        if result.matched is None:  # flagged only: the flags are known only for the rows read
            loaded = len(self.model.rows())
            text += f" · showing {loaded} flagged" + (" so far" if self.model.more else "")
        elif result.matched != result.total:
            text += f" · showing {result.matched}"
        self.summary.setText(text)

    def _expand(self) -> None:
        """Open every group, its label spanning the row (after the model was reset)."""
        self.tree.expandAll()
        if self.model.grouping != GROUP_NONE:
            for row in range(self.model.rowCount()):
                self.tree.setFirstColumnSpanned(row, QModelIndex(), True)

    def _end_in_sight(self) -> bool:
        """Whether the end of the list is in sight: then the next page is due.

        The tree asks on every full layout too (a reload, opening the groups), before its scroll bar
        knows the new length, so "everything loaded fits" is worked out from the rows and their
        height rather than read from a scroll bar at 0 of 0.
        """
        bar = self.tree.verticalScrollBar()
        if bar.maximum() > 0:
            return bar.value() >= bar.maximum()
        shown = len(self.model.rows()) + (self.model.rowCount() if self.model.grouping != GROUP_NONE else 0)
        row_height = max(1, self.tree.fontMetrics().height())  # no taller than a row: never stuck short
        return shown * row_height <= self.tree.viewport().height()

    def _select_first(self) -> None:
        first = next((r for r in self._rows_in_view_order()), None)
        if first is not None:
            self.select_ids([first.id])

    def _rows_in_view_order(self) -> list[TransferRow]:
        out = []
        for row in range(self.model.rowCount()):
            top = self.model.index(row, 0)
            item = self.model.row_for(top)
            if item is not None:
                out.append(item)
            for child in range(self.model.rowCount(top)):
                found = self.model.row_for(self.model.index(child, 0, top))
                if found is not None:
                    out.append(found)
        return out

    def _load_detail(self, transfer_id: int) -> None:
        backend = self._backend
        self._latest_detail.start(self, lambda: transfers.get_transfer(backend.uow(), transfer_id),
                                  self._on_detail_loaded, lambda exc: self.detail.setPlainText(str(exc)))

    def _on_detail_loaded(self, detail: TransferDetail) -> None:
        current = self.model.row_for(self.tree.currentIndex())
        if current is not None and current.id == detail.id:
            self.detail.setHtml(transfer_html(detail))
            self.sig_detail_loaded.emit(detail)

    # ---- Slots

    @Slot()
    def _on_model_fetch_more_requested(self) -> None:
        f, after, backend = self._shown_filter, self._cursor, self._backend
        if f is None or after is None:
            self.model.stop_fetching(more=False)
            return
        size = queue.PAGE_SIZE
        self._more_pending = True
        self._latest_more.start(self, lambda: queue.step_down_queue(backend.uow(), f, limit=size, after=after),
                                lambda result: self._on_more_loaded(after, result), self._on_more_failed)

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """A new group from a later page: open it, its label spanning the row, like the others."""
        if parent.isValid() or self.model.grouping == GROUP_NONE:
            return
        for row in range(first, last + 1):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
            self.tree.expand(self.model.index(row, 0))

    @Slot()
    def _refresh_soon(self) -> None:
        self._refresh_timer.start()

    @Slot(str)
    def _on_filters_grouping_changed(self, grouping: str) -> None:
        ids = [r.id for r in self.selected_rows()]
        self.model.set_grouping(grouping)
        self._expand()
        self.select_ids(ids)

    @Slot(QModelIndex, QModelIndex)
    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.model.row_for(current) is not None:
            self._detail_timer.start()

    @Slot()
    def _on_detail_timer_timeout(self) -> None:
        row = self.model.row_for(self.tree.currentIndex())
        if row is not None:
            self._load_detail(row.id)

    @Slot(QModelIndex)
    def _on_tree_activated(self, index: QModelIndex) -> None:
        family_id = index.data(FAMILY_ID_ROLE)
        if family_id is not None:
            self.sig_open_family_requested.emit(int(family_id))

    @Slot(str, str)
    def _on_triage_message_requested(self, text: str, kind: str) -> None:
        self.banner.show_message(text, kind)

    @Slot(object)
    def _on_triage_done(self, result: object) -> None:
        if isinstance(result, TransferDetail):
            # The new version at once, so the next key works on it; the reload follows.
            self._reselect = [result.id]
            if self.model.replace_row(result.row):
                self._expand()
                self.select_ids([result.id])
                self.tree.setFocus()
        self.refresh()

    def _on_new_saved(self, detail: TransferDetail) -> None:
        self.banner.show_message(f"Step-down recorded for the {detail.row.family_name}.", "success")
        self._reselect = [detail.id]
        app_events().publish(detail.changes, self)
        self.refresh()

    @Slot(object, object)
    def _on_app_events_data_changed(self, changes: Changes, _source: object) -> None:
        self.maybe_refresh(changes)

    # ---- Qt overrides

    def _fit_columns(self) -> None:
        header = self.tree.header()
        char = self.fontMetrics().horizontalAdvance("0")
        spare = self.tree.viewport().width() - sum(header.sectionSize(c) for c in FIXED_COLUMNS) - 2
        weights = sum(w for w, _ in FLEXIBLE_COLUMNS.values())
        for column, (weight, minimum) in FLEXIBLE_COLUMNS.items():
            header.resizeSection(column, max(minimum * char + 16, int(spare * weight / weights)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
            return False
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier:
                if event.key() in KEYS:
                    self.act(KEYS[event.key()])
                    return True
                if event.key() == Qt.Key.Key_N:
                    self.new_step_down()
                    return True
        return super().eventFilter(watched, event)
