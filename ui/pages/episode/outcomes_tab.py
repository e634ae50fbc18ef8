"""Outcome measurements: add a score for a family member or the whole family, see every score, and
the distance travelled on each area from the first score to the latest (as on the printed plan)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from hubapp.domain.errors import DomainError, ValidationError
from hubapp.domain.meeting_dto import DistanceRow, MeasurementInput, MeasurementRow
from hubapp.domain.plan_dto import EpisodeDetail
from hubapp.domain.validation import format_uk_date
from hubapp.services import outcomes
from hubapp.services.session import Backend
from ui import formatting as fmt
from ui import tasks
from ui.models.base import CENTRE, Column, RowTableModel
from ui.pages.episode.dialogs import read_date
from ui.pages.episode.field_errors import ErrorLabel, FieldErrors
from ui.widgets.table import ColumnFitter, make_table, set_column_widths


def _change(d: DistanceRow) -> str:
    if d.change > 0:
        return f"Up {d.change}"
    return f"Down {-d.change}" if d.change < 0 else "No change"


class DistanceModel(RowTableModel[DistanceRow]):
    """First and latest score per person and area."""

    columns = (
        Column("Area", lambda d: d.area),
        Column("Who", lambda d: d.person),
        Column("First", lambda d: f"{d.first_score} on {fmt.uk_date(d.first_on)}"),
        Column("Latest", lambda d: f"{d.latest_score} on {fmt.uk_date(d.latest_on)}"),
        Column("Distance travelled", _change, align=CENTRE),
        Column("Scores", lambda d: str(d.measurements), align=CENTRE),
    )


class MeasurementsModel(RowTableModel[MeasurementRow]):
    """Every score, oldest first."""

    columns = (
        Column("Date", lambda m: fmt.uk_date(m.measured_on)),
        Column("Who", lambda m: m.person),
        Column("Tool", lambda m: m.tool),
        Column("Area", lambda m: m.area),
        Column("Score", lambda m: f"{m.score} of {m.scale_max}", align=CENTRE),
        Column("Family agreed", lambda m: fmt.yes_no(m.family_agreed), align=CENTRE),
    )

    def key(self, row: MeasurementRow) -> object:
        """The measurement's id."""
        return row.id


class OutcomesTab(QWidget):
    """Scores and distance travelled.

    Signals:
        sig_changed(object): a score was added (the ``Changes``).
    """

    # ---- Signals
    sig_changed = Signal(object)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.episode: EpisodeDetail | None = None
        self.distance_model = DistanceModel(self)
        self.distance = make_table(self.distance_model, self, "Distance")
        self.distance.setAccessibleName("Distance travelled")
        self.model = MeasurementsModel(self)
        self.table = make_table(self.model, self, "Measurements")
        self.table.setAccessibleName("Scores")
        self.person = QComboBox(self)
        self.tool = QComboBox(self)
        self.tool.setEditable(True)
        self.tool.addItems(outcomes.TOOLS)
        self.area = QComboBox(self)
        self.area.setEditable(True)
        self.area.addItems(outcomes.AREAS)
        self.score = QSpinBox(self)
        self.score.setRange(0, 10)
        self.score.setValue(5)
        self.measured_on = QLineEdit(format_uk_date(dt.date.today()), self)
        self.measured_on.setPlaceholderText("dd/mm/yyyy")
        self.add_button = QPushButton("&Add score", self)
        self.add_button.setProperty("role", "primary")
        self.summary = ErrorLabel(self)
        self.errors = FieldErrors(self.summary)
        form = QGridLayout()
        form.setHorizontalSpacing(8)
        for column, (label, widget, name) in enumerate((
            ("Who", self.person, "person_id"), ("Tool", self.tool, "tool"), ("Area", self.area, "area"),
            ("Score (0–10)", self.score, "score"), ("Date", self.measured_on, "measured_on"),
        )):
            caption = QLabel(label, self)
            caption.setProperty("role", "muted")
            caption.setBuddy(widget)
            error = ErrorLabel(self)
            self.errors.add(name, widget, error)
            form.addWidget(caption, 0, column)
            form.addWidget(widget, 1, column)
            form.addWidget(error, 2, column)
        form.addWidget(self.add_button, 1, 5)
        form.setColumnStretch(2, 1)
        heading = QLabel("Distance travelled", self)
        heading.setProperty("role", "heading")
        scores = QLabel("Every score", self)
        scores.setProperty("role", "heading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(heading)
        layout.addWidget(self.distance, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(scores)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        set_column_widths(self.distance, {1: 22, 2: 16, 3: 16, 4: 16, 5: 7})
        self._fitter = ColumnFitter(self.distance, {0: (1.0, 20)})
        set_column_widths(self.table, {0: 11, 1: 22, 2: 22, 4: 9, 5: 13})
        self._table_fitter = ColumnFitter(self.table, {3: (1.0, 20)})
        self.add_button.clicked.connect(self._add)

    def show_episode(self, episode: EpisodeDetail) -> None:
        """Show the episode's scores."""
        self.episode = episode
        chosen = self.person.currentData()
        self.person.clear()
        self.person.addItem("Whole family", None)
        for m in episode.members:
            self.person.addItem(m.full_name, m.person_id)
        self.person.setCurrentIndex(max(0, self.person.findData(chosen)))
        self.distance_model.set_rows(episode.distance)
        self.model.set_rows(episode.measurements)
        self.add_button.setEnabled(episode.status != "CLOSED")

    def _add(self) -> None:
        e = self.episode
        if e is None:
            return
        on, error = read_date(self.measured_on.text(), "measured_on", "Date")
        if error is not None:
            self.errors.show(error.errors)
            return
        assert on is not None
        data = MeasurementInput(e.id, self.area.currentText(), self.score.value(), on, self.tool.currentText(),
                                self.person.currentData())
        backend = self._backend
        tasks.run_write(self, lambda: outcomes.add_measurement(backend.uow(), data), self._on_added, self._on_failed)

    def _on_added(self, result: tuple) -> None:  # type: ignore[type-arg]
        rows, distance, changes = result
        self.errors.clear()
        self.model.set_rows(rows)
        self.distance_model.set_rows(distance)
        self.sig_changed.emit(changes)

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
        else:
            self.errors.clear()
            self.summary.show_message(str(exc) if isinstance(exc, DomainError) else "The score was not saved.")
