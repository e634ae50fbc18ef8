"""The family page's "Chronology" and "Access" tabs (issue 6).

Chronology: what happened to the family, read from the records (``chronology.family_chronology``),
filtered by kind and a date range, newest or oldest first. Access: who has looked at, printed or
exported the record (``chronology.access_history``; reading it is itself logged).

Both load in a worker, only while their tab is shown, and again when another family is shown.
:class:`FamilyTabs` adds them to the family page's tab widget.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QTabWidget, QVBoxLayout, QWidget,
)

from hubapp.domain.dto import FamilyDetail
from hubapp.domain.errors import DomainError, ValidationError
from hubapp.services import chronology
from hubapp.services.chronology import AccessRow, ChronologyEntry
from hubapp.services.session import Backend
from ui.models.chronology_model import KIND_LABELS, AccessModel, ChronologyModel
from ui import tasks
from ui.tasks import LatestOnly
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.table import EmptyStateStack, make_table, set_column_widths

NEWEST, OLDEST = "newest", "oldest"


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the chronology PDF, or ``None`` (cancelled). Tests replace it."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Save the chronology as PDF", suggested, "PDF (*.pdf)")
    return Path(name) if name else None


def _print_to(backend: Backend, family_id: int, path: Path, kinds: tuple[str, ...], since: dt.date | None,
              until: dt.date | None, newest: bool) -> tuple[Path, int]:
    """Render, log and save the chronology PDF (runs in a worker)."""
    from hubapp.printing.chronology_pdf import print_chronology  # ReportLab loads when first used

    pdf, pages = print_chronology(backend.uow(), family_id, kinds, since, until, newest)
    path.write_bytes(pdf)
    return path, pages


class ChronologyTab(QWidget):
    """A family's chronology with a kind filter, a date range and an order.

    Signals:
        sig_loaded(int): entries shown.

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_loaded = Signal(int)
    sig_printed = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChronologyTab")
        self._backend = backend
        self._latest = LatestOnly()
        self.family_id: int | None = None
        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Kind of event")
        self.kind_combo.addItem("All kinds", "")
        for kind in chronology.KINDS:
            self.kind_combo.addItem(KIND_LABELS.get(kind, kind.title()), kind)
        self.since_edit = UkDateEdit(self)
        self.since_edit.setAccessibleName("From date")
        self.until_edit = UkDateEdit(self)
        self.until_edit.setAccessibleName("To date")
        self.order_combo = QComboBox(self)
        self.order_combo.setAccessibleName("Order")
        self.order_combo.addItem("Newest first", NEWEST)
        self.order_combo.addItem("Oldest first", OLDEST)
        self.apply_button = QPushButton("&Show", self)
        self.print_button = QPushButton("&Print chronology…", self)
        self.print_button.setToolTip("Save this chronology, as filtered, as a PDF (the print is logged)")
        self.message = QLabel(self)
        self.message.setProperty("role", "muted")
        # The count and "Saved to …" may be long; they must not widen the window's minimum.
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.model = ChronologyModel(self)
        self.table = make_table(self.model, self, "Chronology")
        self.table.setAccessibleName("Chronology")
        self.stack = EmptyStateStack(self.table, self)

        # Two rows, so the filter never makes the window's minimum width wider.
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for caption, widget in (("Kind", self.kind_combo), ("From", self.since_edit), ("to", self.until_edit)):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addStretch(1)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addWidget(self.order_combo)
        actions.addWidget(self.apply_button)
        actions.addSpacing(12)
        actions.addWidget(self.message, 1)
        actions.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.stack, 1)
        set_column_widths(self.table, {0: 16, 1: 11, 2: 30, 3: 50})

        self.kind_combo.currentIndexChanged.connect(lambda _i: self.load())
        self.order_combo.currentIndexChanged.connect(lambda _i: self.load())
        self.apply_button.clicked.connect(self.load)
        self.print_button.clicked.connect(self.print_pdf)
        self.since_edit.returnPressed.connect(self.load)
        self.until_edit.returnPressed.connect(self.load)

    def set_family(self, family_id: int | None) -> None:
        """Forget the rows shown (another family); :meth:`load` fetches them."""
        if family_id != self.family_id:
            self.model.set_rows(())
        self.family_id = family_id

    def _filter(self) -> tuple[tuple[str, ...], dt.date | None, dt.date | None, bool] | None:
        try:
            since = self.since_edit.date("since", "From date")
            until = self.until_edit.date("until", "To date")
        except ValidationError as exc:
            self.message.setText(str(exc))
            return None
        kind = self.kind_combo.currentData()
        return ((kind,) if kind else ()), since, until, self.order_combo.currentData() == NEWEST

    def print_pdf(self) -> None:
        """Ask where to save, then render, log and save the PDF in a worker."""
        chosen = self._filter()
        if self.family_id is None or chosen is None:
            return
        path = ask_pdf_path(self, f"chronology-family-{self.family_id}.pdf")
        if path is None:
            return
        backend, family_id = self._backend, self.family_id
        self.print_button.setEnabled(False)
        self.message.setText("Printing…")
        tasks.run_write(self, lambda: _print_to(backend, family_id, path, *chosen), self._on_printed,
                        self._on_print_failed)

    def _on_printed(self, result: tuple[Path, int]) -> None:
        path, pages = result
        self.print_button.setEnabled(True)
        self.message.setText(f"Saved {pages} page{'s' if pages != 1 else ''} to {path}")
        self.sig_printed.emit(path)

    def _on_print_failed(self, exc: Exception) -> None:
        self.print_button.setEnabled(True)
        self.message.setText(str(exc) if isinstance(exc, DomainError) else "The chronology could not be printed.")

    def load(self) -> None:
        """Fetch the chronology with the filter as set, in a worker."""
        chosen = self._filter()
        if self.family_id is None or chosen is None:
            return
        kinds, since, until, newest = chosen
        backend, family_id = self._backend, self.family_id
        self.message.setText("Loading…")
        self._latest.start(
            self, lambda: chronology.family_chronology(backend.uow(), family_id, kinds, since, until),
            lambda rows: self._on_loaded(rows, newest), self._on_failed)

    def _on_loaded(self, rows: tuple[ChronologyEntry, ...], newest: bool) -> None:
        shown = list(reversed(rows)) if newest else list(rows)
        self.model.set_rows(shown)
        self.message.setText(f"{len(shown)} event{'s' if len(shown) != 1 else ''}")
        if shown:
            self.stack.show_table()
        else:
            self.stack.show_empty("Nothing to show for this filter.")
        self.sig_loaded.emit(len(shown))

    def _on_failed(self, exc: Exception) -> None:
        self.model.set_rows(())
        self.message.setText(str(exc) if isinstance(exc, DomainError) else "The chronology could not be loaded.")


class AccessTab(QWidget):
    """Who has looked at, printed or exported the family's record.

    Signals:
        sig_loaded(int): rows shown.

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_loaded = Signal(int)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccessTab")
        self._backend = backend
        self._latest = LatestOnly()
        self.family_id: int | None = None
        self.note = QLabel("Every look at, print of and export of this record is logged; the latest 200 "
                           "are shown, newest first.", self)
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.model = AccessModel(self)
        self.table = make_table(self.model, self, "AccessLog")
        self.table.setAccessibleName("Who has looked at this record")
        self.stack = EmptyStateStack(self.table, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        set_column_widths(self.table, {0: 16, 1: 12, 2: 24})

    def set_family(self, family_id: int | None) -> None:
        """Forget the rows shown (another family); :meth:`load` fetches them."""
        if family_id != self.family_id:
            self.model.set_rows(())
        self.family_id = family_id

    def load(self) -> None:
        """Fetch the access history in a worker (this look is logged too)."""
        if self.family_id is None:
            return
        backend, family_id = self._backend, self.family_id
        self._latest.start(self, lambda: chronology.access_history(backend.uow(), family_id),
                           self._on_loaded, self._on_failed)

    def _on_loaded(self, rows: tuple[AccessRow, ...]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.stack.show_table()
        else:
            self.stack.show_empty("Nobody has looked at this record yet.")
        self.sig_loaded.emit(len(rows))

    def _on_failed(self, exc: Exception) -> None:
        self.model.set_rows(())
        self.stack.show_empty(str(exc) if isinstance(exc, DomainError) else "The access log could not be loaded.")


class FamilyTabs(QObject):
    """Adds the Chronology and Access tabs to a family page's tab widget and keeps them loaded.

    Args:
        backend: the open database.
        tabs: the family page's tab widget.
        family_loaded: the page's ``sig_family_loaded`` (carries a ``FamilyDetail``).
    """

    def __init__(self, backend: Backend, tabs: QTabWidget, family_loaded: Signal) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self.chronology = ChronologyTab(backend, tabs)
        self.access = AccessTab(backend, tabs)
        tabs.addTab(self.chronology, "Chronology")
        tabs.addTab(self.access, "Access")
        self._stale: set[QWidget] = set()
        family_loaded.connect(self._on_family_loaded)
        tabs.currentChanged.connect(self._on_tabs_current_changed)

    @Slot(object)
    def _on_family_loaded(self, detail: FamilyDetail) -> None:
        for tab in (self.chronology, self.access):
            tab.set_family(detail.id)
        self._stale = {self.chronology, self.access}
        self._load_if_shown()

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        self._load_if_shown()

    def _load_if_shown(self) -> None:
        current = self._tabs.currentWidget()
        if current in self._stale:
            self._stale.discard(current)
            current.load()  # type: ignore[attr-defined]
