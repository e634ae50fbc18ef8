"""My families: the signed-in worker's open episodes, overdue reviews first and flagged in red, or
the episodes waiting for a lead practitioner in their hubs. Enter opens the episode."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hubapp.domain.dto import Changes
from hubapp.domain.errors import DomainError
from hubapp.domain.plan_dto import CaseloadRow
from hubapp.services import episodes
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui.models.base import KEY_ROLE, RAG_ROLE, Column, RowTableModel
from ui.tasks import LatestOnly
from ui.widgets.rag_delegate import RagDelegate
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths


def _review(r: CaseloadRow) -> str:
    if r.review_overdue:
        return f"Overdue {r.overdue_days} day{'s' if r.overdue_days != 1 else ''}"
    return fmt.uk_date(r.next_review_due) or "—"


class CaseloadModel(RowTableModel[CaseloadRow]):
    """Episodes in a worker's list."""

    REVIEW = 5
    columns = (
        Column("Family", lambda r: r.family_name),
        Column("Children", lambda r: r.children, tooltip=lambda r: r.children),
        Column("Status", lambda r: fmt.status_words(r.status)),
        Column("Plan", lambda r: f"v{r.plan_version_no} {fmt.status_words(r.plan_status or '').lower()}"
               if r.plan_version_no else "None yet"),
        Column("Last review", lambda r: fmt.uk_date(r.last_review_on) or "—"),
        Column("Next review", _review, header_tip="Red: the review is overdue"),
        Column("Lead practitioner", lambda r: r.lead_worker or "Not allocated"),
        Column("Hub", lambda r: r.hub_name),
        Column("Since", lambda r: fmt.uk_date(r.start_date)),
    )

    def key(self, row: CaseloadRow) -> object:
        """The episode's id."""
        return row.episode_id

    def family_id(self, row: CaseloadRow) -> int | None:
        """The family's id."""
        return row.family_id

    def extra_data(self, row: CaseloadRow, column: int, role: int) -> Any:
        """The next-review cell is red when overdue, amber within a week, green otherwise."""
        if role == RAG_ROLE and column == self.REVIEW and row.next_review_due is not None:
            if row.review_overdue:
                return "red"
            return "amber" if _soon(row) else "green"
        return None


def _soon(row: CaseloadRow) -> bool:
    return row.next_review_due is not None and (row.next_review_due - dt.date.today()).days <= 7


class CaseloadPage(QWidget):
    """The worker's families.

    Signals:
        sig_open_episode_requested(int): open this episode.
        sig_loaded(int, int): rows shown and how many reviews are overdue.

    Args:
        backend: the open database.
        hub_ids: the worker's hubs (for the unallocated list).
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_episode_requested = Signal(int)
    sig_loaded = Signal(int, int)

    def __init__(self, backend: Backend, hub_ids: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CaseloadPage")
        self.setMinimumSize(400, 300)  # never the page that forces the window wider than a small screen
        self._backend = backend
        self._hub_ids = hub_ids
        self._latest = LatestOnly()
        self.model = CaseloadModel(self)
        self.table = make_table(self.model, self, "Caseload")
        self.table.setAccessibleName("My families")
        self.table.setItemDelegateForColumn(CaseloadModel.REVIEW, RagDelegate(self.table))
        self.table.activated.connect(self._on_table_activated)
        self.results = EmptyStateStack(self.table, self)
        self.scope = QComboBox(self)
        self.scope.addItem("My families", episodes.SCOPE_MINE)
        self.scope.addItem("Waiting for a lead practitioner (my hubs)", episodes.SCOPE_UNALLOCATED)
        self.scope.setAccessibleName("Show")
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.title = QLabel("My families", self)
        self.title.setProperty("role", "title")
        self.summary = QLabel(self)
        self.summary.setProperty("role", "muted")
        header = QFrame(self)
        header.setObjectName("PageHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 14, 20, 12)
        row.addWidget(self.title)
        row.addSpacing(16)
        row.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        caption = QLabel("&Show", self)
        caption.setBuddy(self.scope)
        row.addWidget(caption)
        row.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(20, 12, 20, 16)
        body.addWidget(self.results)
        layout.addLayout(body, 1)
        set_column_widths(self.table, {0: 20, 2: 14, 3: 16, 4: 11, 5: 15, 6: 18, 7: 14, 8: 11})
        self._fitter = ColumnFitter(self.table, {1: (1.0, 18)})
        self.refresh()

    # ---- Public

    def refresh(self) -> None:
        """Load the list again."""
        backend, scope, hubs = self._backend, str(self.scope.currentData()), self._hub_ids
        self._latest.start(self, lambda: episodes.caseload(backend.uow(), scope, hubs), self._on_loaded,
                           self._on_failed)

    def maybe_refresh(self, changes: Changes) -> None:
        """Reload when episodes or plans changed."""
        if changes.episodes or changes.plans or changes.families:
            self.refresh()

    def focus_table(self) -> None:
        """Put the keyboard focus on the list."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def first_episode_id(self) -> int | None:
        """The episode of the first row (for scripted screenshots)."""
        return self.model.index(0, 0).data(KEY_ROLE) if self.model.rowCount() else None

    # ---- Slots

    def _on_loaded(self, rows: tuple[CaseloadRow, ...]) -> None:
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.review_overdue)
        mine = self.scope.currentData() == episodes.SCOPE_MINE
        if rows:
            self.results.show_table()
            noun = "family" if len(rows) == 1 else "families"
            self.summary.setText(f"{len(rows)} {noun}" + (f" · {overdue} review{'s' if overdue != 1 else ''} overdue"
                                                          if overdue else ""))
        else:
            self.results.show_empty("No family is allocated to you yet." if mine else
                                    "No episode is waiting for a lead practitioner in your hubs.")
            self.summary.setText("")
        self.sig_loaded.emit(len(rows), overdue if mine else 0)

    def _on_failed(self, exc: Exception) -> None:
        self.results.show_empty(str(exc) if isinstance(exc, DomainError) else "The list could not be loaded.")

    def _on_table_activated(self, index: QModelIndex) -> None:
        episode_id = index.data(KEY_ROLE)
        if episode_id is not None:
            self.sig_open_episode_requested.emit(int(episode_id))
