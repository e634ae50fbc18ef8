"""Versions of the plan and what changed: pick a version to see how it differs from the one before
(or from any other ticked as the base), and preview or print any version."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from hubapp.domain.errors import DomainError
from hubapp.domain.plan_dto import DiffLine, EpisodeDetail, PlanDiff, PlanVersionRow
from hubapp.services import plans
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui.models.base import Column, RowTableModel
from ui.tasks import LatestOnly
from ui.widgets.table import ColumnFitter, EmptyStateStack, make_table, set_column_widths

KINDS = {"added": "Added", "removed": "Removed", "changed": "Changed", "status": "Progress"}


def _value(line: DiffLine, text: str) -> str:
    return fmt.status_words(text) if line.kind == "status" else " ".join(text.split())


class VersionsModel(RowTableModel[PlanVersionRow]):
    """The plan's versions, newest first."""

    columns = (
        Column("Version", lambda v: str(v.version_no)),
        Column("Status", lambda v: fmt.status_words(v.status)),
        Column("Agreed", lambda v: f"{fmt.uk_date(v.agreed_on)} by {v.agreed_by}" if v.agreed_on else "Not agreed"),
        Column("Started", lambda v: fmt.uk_date(v.started_on)),
        Column("Ended", lambda v: fmt.uk_date(v.ended_on)),
        Column("Goals", lambda v: str(v.goal_count)),
        Column("Actions", lambda v: str(v.action_count)),
    )

    def key(self, row: PlanVersionRow) -> object:
        """The plan version's id."""
        return row.id


class DiffModel(RowTableModel[DiffLine]):
    """What changed, one line per difference."""

    columns = (
        Column("Change", lambda d: KINDS.get(d.kind, d.kind)),
        Column("Where", lambda d: d.where),
        Column("Before", lambda d: _value(d, d.before), tooltip=lambda d: d.before),
        Column("After", lambda d: _value(d, d.after), tooltip=lambda d: d.after),
    )


class VersionsTab(QWidget):
    """Versions and the differences between them.

    Signals:
        sig_print_requested(int): preview and print this plan version.
    """

    # ---- Signals
    sig_print_requested = Signal(int)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._latest = LatestOnly()
        self.versions_model = VersionsModel(self)
        self.versions = make_table(self.versions_model, self, "Versions")
        self.versions.setAccessibleName("Plan versions")
        self.base = QComboBox(self)
        self.base.setAccessibleName("Compare with")
        self.diff_model = DiffModel(self)
        self.diff = make_table(self.diff_model, self, "WhatChanged")
        self.diff.setAccessibleName("What changed")
        self.diff.setWordWrap(True)
        self.diff_stack = EmptyStateStack(self.diff, self)
        self.heading = QLabel("What changed", self)
        self.heading.setProperty("role", "heading")
        self.print_button = QPushButton("Preview and print this version…", self)
        top = QHBoxLayout()
        label = QLabel("Plan versions", self)
        label.setProperty("role", "heading")
        top.addWidget(label)
        top.addStretch(1)
        top.addWidget(self.print_button)
        compare = QHBoxLayout()
        compare.addWidget(self.heading)
        compare.addStretch(1)
        caption = QLabel("Compared with", self)
        caption.setBuddy(self.base)
        compare.addWidget(caption)
        compare.addWidget(self.base)
        upper = QWidget(self)
        column = QVBoxLayout(upper)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.versions)
        lower = QWidget(self)
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(compare)
        column.addWidget(self.diff_stack)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([200, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(splitter)
        set_column_widths(self.versions, {0: 7, 1: 18, 2: 30, 3: 11, 4: 11, 5: 6})
        set_column_widths(self.diff, {0: 9, 1: 22})
        self._fitter = ColumnFitter(self.diff, {2: (1.0, 20), 3: (1.0, 20)})
        self.versions.selectionModel().currentRowChanged.connect(lambda *_: self._on_version_chosen())
        self.base.activated.connect(lambda _i: self._compare())
        self.print_button.clicked.connect(self._print)
        self.versions.activated.connect(lambda _i: self._print())

    # ---- Public

    def show_episode(self, episode: EpisodeDetail) -> None:
        """Show the episode's plan versions; the newest is chosen and compared with the one before."""
        self.versions_model.set_rows(episode.plans)
        self.print_button.setEnabled(bool(episode.plans))
        if episode.plans:
            self.versions.setCurrentIndex(self.versions_model.index(0, 0))
            self._on_version_chosen()
        else:
            self.diff_stack.show_empty("No plan has been written yet.")

    def diff_lines(self) -> tuple[DiffLine, ...]:
        """The differences shown."""
        return self.diff_model.rows()

    # ---- Internals

    def _chosen(self) -> PlanVersionRow | None:
        return self.versions_model.row_at(self.versions.currentIndex().row())

    def _on_version_chosen(self) -> None:
        chosen = self._chosen()
        self.base.clear()
        if chosen is None:
            return
        for v in self.versions_model.rows():
            if v.id != chosen.id:
                self.base.addItem(f"Version {v.version_no}", v.id)
        older = [v for v in self.versions_model.rows() if v.version_no < chosen.version_no]
        if older:
            self.base.setCurrentIndex(self.base.findData(older[0].id))
        self._compare()

    def _compare(self) -> None:
        chosen = self._chosen()
        base_id = self.base.currentData()
        if chosen is None or base_id is None:
            self.diff_model.set_rows(())
            self.diff_stack.show_empty("This is the first version: there is nothing to compare it with yet.")
            self.heading.setText("What changed")
            return
        backend, new_id = self._backend, chosen.id
        self.heading.setText(f"What changed in version {chosen.version_no}")
        self._latest.start(self, lambda: plans.diff(backend.uow(), int(base_id), new_id), self._on_diff,
                           self._on_failed)

    def _on_diff(self, diff: PlanDiff) -> None:
        self.heading.setText(f"What changed from version {diff.old_version_no} to version {diff.new_version_no}")
        self.diff_model.set_rows(diff.lines)
        self.diff.resizeRowsToContents()
        if diff.lines:
            self.diff_stack.show_table()
        else:
            self.diff_stack.show_empty("Nothing changed between these versions.")

    def _on_failed(self, exc: Exception) -> None:
        self.diff_stack.show_empty(str(exc) if isinstance(exc, DomainError) else "The versions could not be compared.")

    def _print(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.sig_print_requested.emit(chosen.id)
