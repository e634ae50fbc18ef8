"""Supporting Families readiness: the families with three or more needs mapped to the headline
outcomes, whether each need has evidenced progress, when sustainment is reached and whether the
family is claimable in the claim period chosen; below, the evidence behind the family chosen, as
an auditor would follow it. Enter on either list opens the family.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from hubapp.domain.errors import DomainError, ValidationError
from hubapp.domain.report_dto import ReportFilter, Table
from hubapp.services import sf_readiness
from hubapp.services.session import Backend
from ui.pages.dashboard.report_list import ReportList
from ui.tasks import LatestOnly
from ui.widgets.date_edit import UkDateEdit


class SupportingFamiliesTab(QWidget):
    """The Supporting Families panel.

    Signals:
        sig_open_family_requested(int): open this family.
        sig_loaded(object): the readiness ``Table`` arrived.
        sig_evidence_loaded(object): the evidence ``Table`` of the family chosen arrived.

    Args:
        backend: the open database.
        parent: the parent widget.
    """

    # ---- Signals
    sig_open_family_requested = Signal(int)
    sig_loaded = Signal(object)
    sig_evidence_loaded = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SupportingFamiliesTab")
        self._backend = backend
        self._latest = LatestOnly()
        self._latest_evidence = LatestOnly()
        self._filter: ReportFilter | None = None
        self._today = dt.date.today()
        self._claim_typed = False
        self._evidence_family: int | None = None
        self.claim_start = UkDateEdit(self)
        self.claim_start.setAccessibleName("Claim period from")
        self.claim_end = UkDateEdit(self)
        self.claim_end.setAccessibleName("Claim period to")
        self.apply = QPushButton("Show claimable", self)
        self.apply.setAutoDefault(False)
        self.apply.clicked.connect(self._on_apply_clicked)
        self.claim_start.returnPressed.connect(self._on_apply_clicked)
        self.claim_end.returnPressed.connect(self._on_apply_clicked)
        self.error = QLabel(self)
        self.error.setProperty("chip", "red")
        self.error.hide()
        self.summary = QLabel(self)
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.families = ReportList("Supporting Families readiness", self)
        self.families.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.families.sig_current_family_changed.connect(self._on_families_current_family_changed)
        self.evidence = ReportList("Evidence", self)
        self.evidence.sig_open_family_requested.connect(self.sig_open_family_requested)
        self.evidence.show_message("Choose a family to see the evidence behind its claim.")
        row = QHBoxLayout()
        row.setSpacing(6)
        for caption, widget in (("&Claim period from", self.claim_start), ("to", self.claim_end)):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addWidget(self.apply)
        row.addWidget(self.error)
        row.addSpacing(12)
        row.addWidget(self.summary, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.families)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(split, 1)

    # ---- Public

    def load(self, flt: ReportFilter, today: dt.date) -> None:
        """Load the families for ``flt`` as on ``today``; the claim period is the filter's period unless
        one was typed."""
        self._filter, self._today = flt, today
        if not self._claim_typed:
            self.claim_start.set_date(flt.period_start)
            self.claim_end.set_date(flt.period_end)
        self._load()

    def claim_period(self) -> tuple[dt.date, dt.date]:
        """The claim period typed.

        Raises:
            ValidationError: a date is missing or wrong, or the period ends before it starts.
        """
        start = self.claim_start.date("claim_start", "The claim period's first day")
        end = self.claim_end.date("claim_end", "The claim period's last day")
        if start is None or end is None:
            raise ValidationError.single("claim_start", "required", "Give both dates of the claim period.")
        if end < start:
            raise ValidationError.single("claim_end", "order", "The claim period ends before it starts.")
        return start, end

    def current_list(self) -> Table | None:
        """The list with the keyboard focus (the evidence, else the families), for an export."""
        if self.evidence.view.hasFocus() and self.evidence.displayed_table() is not None:
            return self.evidence.displayed_table()
        return self.families.displayed_table()

    def focus_first(self) -> None:
        """Put the keyboard focus on the families."""
        self.families.focus_table()

    # ---- Private

    def _load(self) -> None:
        if self._filter is None:
            return
        try:
            start, end = self.claim_period()
        except ValidationError as exc:
            self.error.setText(exc.errors[0].message if exc.errors else str(exc))
            self.error.show()
            return
        self.error.hide()
        flt, backend, today = self._filter, self._backend, self._today
        self.summary.setText("Loading…")
        self._latest.start(
            self, lambda: sf_readiness.readiness_table(backend.uow(), flt, claim_start=start, claim_end=end,
                                                       today=today),
            self._on_loaded, self._on_failed)

    def _load_evidence(self, family_id: int) -> None:
        if self._filter is None:
            return
        self._evidence_family = family_id
        backend, today = self._backend, self._today
        self._latest_evidence.start(self, lambda: sf_readiness.evidence_table(backend.uow(), family_id, today=today),
                                    self._on_evidence_loaded, lambda exc: self.evidence.show_message(str(exc)))

    # ---- Slots

    def _on_loaded(self, table: Table) -> None:
        self._evidence_family = None  # the evidence is loaded again too (for the family still chosen)
        self.families.set_table(table)
        family_id = self.families.current_family_id()
        if family_id is not None and self._evidence_family is None:
            self._load_evidence(family_id)
        count = len(table.rows)
        claimable = _count_true(table, "claimable")
        self.summary.setText(
            f"{count} famil{'ies' if count != 1 else 'y'} with three or more needs mapped to the headline outcomes"
            + (f" · {claimable} claimable in the claim period" if claimable is not None else "")
            + ". Enter opens the family.")
        if not count:
            self._evidence_family = None
            self.evidence.show_message("No family to show evidence for.")
        self.sig_loaded.emit(table)

    def _on_failed(self, exc: Exception) -> None:
        self.summary.setText(str(exc) if isinstance(exc, DomainError) else "The list could not be loaded.")

    def _on_evidence_loaded(self, table: Table) -> None:
        self.evidence.set_table(table)
        self.sig_evidence_loaded.emit(table)

    @Slot(object)
    def _on_families_current_family_changed(self, family_id: object) -> None:
        if isinstance(family_id, int) and family_id != self._evidence_family:
            self._load_evidence(family_id)

    @Slot()
    def _on_apply_clicked(self) -> None:
        self._claim_typed = True
        self._load()


def _count_true(table: Table, key_part: str) -> int | None:
    """How many rows are true in the first yes/no column whose key contains ``key_part`` (None: no such column)."""
    for n, column in enumerate(table.columns):
        if column.kind == "bool" and key_part in column.key:
            return sum(1 for row in table.rows if row[n] is True)
    return None
