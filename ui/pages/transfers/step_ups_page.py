"""Step-up tracking for the hubs: the requests they sent to social care, each with its state, age in
working days in that state, red/amber/green and the outcome social care gave. Keys on the list:

    E endorse · S send · R received by the front door · D record social care's decision
    K escalate a decision the hub disagrees with · W withdraw · C close · Enter open the family

A decided step-up whose episode stays paused can be closed from here ("Close episode…").
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QTextBrowser,
    QVBoxLayout, QWidget,
)

from hubapp.domain.dto import Changes, HubRow
from hubapp.domain.errors import DomainError
from hubapp.domain.states import EPISODE_OPEN_STATES
from hubapp.domain.transfer_dto import ClosureResult, StepUpFilter, TransferDetail, TransferRow
from hubapp.services import queue, reference, transfers
from hubapp.services.session import Backend
from ui.app_events import app_events
from ui.models.base import FAMILY_ID_ROLE, ROW_ROLE
from ui.models.transfer_models import StepUpsModel
from ui.pages.transfers.closure_dialog import ClosureDialog
from ui.pages.transfers.detail_html import transfer_html
from ui.pages.transfers.triage import TransferTriage
from ui.resources import icon
from ui.tasks import LatestOnly, run_read
from ui.widgets.banner import Banner
from ui.widgets.rag_delegate import RagDelegate
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths

KEYS: dict[int, str] = {
    Qt.Key.Key_E: "endorse", Qt.Key.Key_S: "send", Qt.Key.Key_R: "receive", Qt.Key.Key_D: "decide",
    Qt.Key.Key_K: "escalate", Qt.Key.Key_W: "withdraw", Qt.Key.Key_C: "close",
}
HINTS = ("<b>E</b> endorse · <b>S</b> send · <b>R</b> received by the front door · <b>D</b> record the decision · "
         "<b>K</b> escalate · <b>W</b> withdraw · <b>C</b> close · <b>Enter</b> family")
MY_HUBS, ALL_HUBS = "mine", "all"


class StepUpsPage(QWidget):
    """The step-ups the hubs sent.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_loaded(object): the rows arrived (a tuple of ``TransferRow``).

    Args:
        backend: the open database.
        my_hubs: the signed-in worker's hubs (the default scope).
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_loaded = Signal(object)

    def __init__(self, backend: Backend, my_hubs: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StepUpsPage")
        self._backend = backend
        self._my_hubs = my_hubs
        self._latest = LatestOnly()
        self._latest_detail = LatestOnly()
        self._reselect: int | None = None
        self.closure_dialog: ClosureDialog | None = None
        self.triage = TransferTriage(backend, self)
        self.triage.sig_message_requested.connect(self._on_triage_message_requested)
        self.triage.sig_done.connect(self._on_triage_done)
        self._build()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(100)
        self._refresh_timer.timeout.connect(self.refresh)
        app_events().sig_data_changed.connect(self._on_app_events_data_changed)
        run_read(self, lambda: reference.hubs(backend.uow()), self._on_hubs_loaded, lambda exc: None)
        self.refresh()

    # ---- Public

    def refresh(self) -> None:
        """Load the list again, keeping the selected request selected."""
        current = self.current_row()
        self._reselect = current.id if current is not None else self._reselect
        hub = self.hub.currentData()
        hub_ids = self._my_hubs if hub == MY_HUBS else () if hub in (ALL_HUBS, None) else (int(hub),)
        f = StepUpFilter(hub_ids=hub_ids, open_only=self.open_only.isChecked(), text=self.text.text())
        backend = self._backend
        self._latest.start(self, lambda: queue.step_ups(backend.uow(), f), self._on_loaded, self._on_load_failed)

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload soon when transfers or episodes changed."""
        if changes.transfers or changes.episodes:
            self._refresh_timer.start()

    def focus_table(self) -> None:
        """Put the keyboard focus on the list."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def current_row(self) -> TransferRow | None:
        """The step-up chosen in the list."""
        index = self.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, TransferRow) else None

    def select_transfer(self, transfer_id: int) -> None:
        """Make one step-up the chosen row, scrolled into view, if it is in the list; a list still on
        its way chooses it when it arrives."""
        self._reselect = transfer_id
        index = self.model.index_of(transfer_id)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def act(self, action: str) -> None:
        """Take a step on the chosen step-up."""
        row = self.current_row()
        self.triage.run(action, [row] if row is not None else [])

    def close_episode(self) -> ClosureDialog | None:
        """Open the closure dialog for the chosen step-up's episode."""
        row = self.current_row()
        if row is None or row.episode_id is None or row.episode_status not in EPISODE_OPEN_STATES:
            self.banner.show_message("Choose a step-up whose episode is still open.", "info")
            return None
        dialog = ClosureDialog(self._backend, row.episode_id, self)
        dialog.sig_saved.connect(self._on_closure_saved)
        self.closure_dialog = dialog
        dialog.open()
        return dialog

    # ---- Building

    def _build(self) -> None:
        self.model = StepUpsModel(self)
        self.table = make_table(self.model, self, "StepUps")
        self.table.setAccessibleName("Step-up requests")
        self.table.setItemDelegateForColumn(StepUpsModel.RAG, RagDelegate(self.table))
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentChanged.connect(self._on_table_current_changed)
        self.table.installEventFilter(self)
        set_column_widths(self.table, {0: 7, 1: 5, 2: 15, 4: 11, 5: 10, 7: 11, 8: 11, 10: 8})
        self._fitter = ColumnFitter(self.table, {3: (1.0, 7), 6: (1.3, 10), 9: (0.8, 5)})
        self.results = EmptyStateStack(self.table, self)
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("StepUpDetail")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.results)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.hub = QComboBox(self)
        self.hub.addItem("My hubs", MY_HUBS)
        self.hub.addItem("All hubs", ALL_HUBS)
        self.hub.currentIndexChanged.connect(self.refresh)
        self.open_only = QCheckBox("Open only", self)
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(self.refresh)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Family name")
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(lambda _t: self._refresh_timer.start())
        title = QLabel("Step-ups", self)
        title.setToolTip("Step-up requests to children's social care")
        title.setProperty("role", "title")
        self.summary = QLabel("Loading…", self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(40)
        self.close_button = QPushButton("Close episode…", self)
        self.close_button.setToolTip("Close the chosen step-up's episode (for example once social care has the case)")
        self.close_button.clicked.connect(self.close_episode)
        refresh = QPushButton(icon("refresh.svg"), "Refresh", self)
        refresh.clicked.connect(self.refresh)
        self.banner = Banner(self)
        hints = QLabel(HINTS, self)
        hints.setProperty("role", "muted")
        hints.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.close_button)
        top.addWidget(refresh)
        filters = QHBoxLayout()
        filters.addWidget(self.hub)
        filters.addWidget(self.open_only)
        filters.addWidget(self.text, 1)
        frame = QFrame(self)
        frame.setObjectName("PageHeader")
        head = QVBoxLayout(frame)
        head.setContentsMargins(20, 14, 20, 12)
        head.setSpacing(10)
        head.addLayout(top)
        head.addLayout(filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(frame)
        body = QVBoxLayout()
        body.setContentsMargins(20, 8, 20, 12)
        body.setSpacing(6)
        body.addWidget(self.banner)
        body.addWidget(split, 1)
        body.addWidget(hints)
        layout.addLayout(body, 1)

    # ---- Loading

    def _on_hubs_loaded(self, hubs: tuple[HubRow, ...]) -> None:
        self.hub.blockSignals(True)
        for h in hubs:
            self.hub.addItem(h.name, h.id)
        self.hub.blockSignals(False)

    def _on_loaded(self, rows: tuple[TransferRow, ...]) -> None:
        had_focus = self.table.hasFocus()
        self.model.set_rows(rows)
        if rows:
            self.results.show_table()
            index = self.model.index_of(self._reselect) if self._reselect is not None else QModelIndex()
            self.table.setCurrentIndex(index if index.isValid() else self.model.index(0, 0))
        else:
            self.results.show_empty("No step-up requests are open.\n\nStep up a family from its record "
                                    "(Step up…); the request is tracked here until social care decides.")
            self.detail.clear()
        if had_focus:
            self.table.setFocus()
        waiting = sum(1 for r in rows if r.status in ("SENT", "RECEIVED_BY_FRONT_DOOR"))
        red = sum(1 for r in rows if r.rag == "red")
        self.summary.setText(f"{len(rows)} step-up{'s' if len(rows) != 1 else ''} · {waiting} waiting for social "
                             f"care's decision · {red} red")
        self.sig_loaded.emit(rows)

    def _on_load_failed(self, exc: Exception) -> None:
        self.banner.show_message(str(exc) if isinstance(exc, DomainError) else "The list could not be loaded.",
                                 "error")

    # ---- Slots

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, TransferRow):
            backend, transfer_id = self._backend, row.id
            self._latest_detail.start(self, lambda: transfers.get_transfer(backend.uow(), transfer_id),
                                      self._on_detail_loaded, lambda exc: self.detail.setPlainText(str(exc)))

    def _on_detail_loaded(self, detail: TransferDetail) -> None:
        current = self.current_row()
        if current is not None and current.id == detail.id:
            self.detail.setHtml(transfer_html(detail))

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        family_id = index.data(FAMILY_ID_ROLE)
        if family_id is not None:
            self.sig_open_family_requested.emit(int(family_id))

    @Slot(str, str)
    def _on_triage_message_requested(self, text: str, kind: str) -> None:
        self.banner.show_message(text, kind)

    @Slot(object)
    def _on_triage_done(self, result: object) -> None:
        if isinstance(result, TransferDetail):
            self._reselect = result.id
            self.model.replace_row(result.row)  # the next key works on the new version at once
        self.refresh()

    def _on_closure_saved(self, result: ClosureResult) -> None:
        self.banner.show_message("The episode is closed.", "success")
        app_events().publish(result.changes, self)

    @Slot(object, object)
    def _on_app_events_data_changed(self, changes: Changes, _source: object) -> None:
        self.maybe_refresh(changes)

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier \
                    and event.key() in KEYS:
                self.act(KEYS[event.key()])
                return True
        return super().eventFilter(watched, event)
