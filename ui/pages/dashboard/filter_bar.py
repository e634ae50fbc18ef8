"""The dashboard's filters: hub, team, lead practitioner, and the period (rolling 12 months by default).

A person with one hub opens on that hub (where their hub stands, and the view whose month figures
the dashboard keeps); "All my hubs" stays one pick away. A change of hub narrows the team and worker
lists to that hub. Choosing from a list applies at
once; dates apply when the field is left or Enter is pressed, and a date that is not a date (or a
period that ends before it starts) is said beside the fields rather than applied.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain.errors import ValidationError
from hubapp.domain.report_dto import FilterOption, FilterOptions, ReportFilter
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.flow_layout import FlowLayout

EVERYONE = None
MAX_COMBO_WIDTH = 240


class DashboardFilterBar(QWidget):
    """Hub, team, worker and period.

    Signals:
        sig_filter_changed(): the filter the controls describe changed (and is valid).

    Args:
        today: the day the default period ends.
        parent: the parent widget.
    """

    # ---- Signals
    sig_filter_changed = Signal()

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardFilterBar")
        self._today = today
        self._options = FilterOptions((), (), ())
        self._offered = False  # set_options has been called
        self._applied: ReportFilter = ReportFilter.rolling_12_months(today)
        self.hub = self._combo("Hub", "All my hubs")
        self.team = self._combo("Team", "All teams")
        self.worker = self._combo("Lead practitioner", "All lead practitioners")
        self.start = UkDateEdit(self)
        self.start.setAccessibleName("Period from")
        self.end = UkDateEdit(self)
        self.end.setAccessibleName("Period to")
        self.rolling = QPushButton("Last 12 months", self)
        self.rolling.setToolTip("The twelve months up to today")
        self.rolling.setAutoDefault(False)
        self.error = QLabel(self)
        self.error.setObjectName("FilterError")
        self.error.setProperty("chip", "red")
        self._build_layout()
        self._set_period(self._applied.period_start, self._applied.period_end)
        self.hub.currentIndexChanged.connect(self._on_hub_current_index_changed)
        self.team.currentIndexChanged.connect(self._on_choice_changed)
        self.worker.currentIndexChanged.connect(self._on_choice_changed)
        self.start.editingFinished.connect(self._on_dates_edited)
        self.end.editingFinished.connect(self._on_dates_edited)
        self.rolling.clicked.connect(self._on_rolling_clicked)

    # ---- Public

    def set_options(self, options: FilterOptions) -> None:
        """Offer these hubs, teams and workers (keeping the choices that are still offered).

        The first time, where only one hub is offered and none was chosen, that hub is chosen. A
        hub choice that changes here is applied (emitting :attr:`sig_filter_changed`)."""
        first, self._offered = not self._offered, True
        self._options = options
        hub = self.hub.currentData()
        if first and hub is None and len(options.hubs) == 1:
            hub = options.hubs[0].id
        self._fill(self.hub, options.hubs, "All my hubs", hub)
        self._fill_for_hub()
        if self.hub.currentData() != self._applied.hub_id:
            self._apply()

    def current_filter(self) -> ReportFilter:
        """The filter last applied (valid dates only)."""
        return self._applied

    def read(self) -> ReportFilter:
        """The filter the controls describe.

        Raises:
            ValidationError: a date is missing or not a date, or the period ends before it starts.
        """
        start = self.start.date("period_start", "The period's first day")
        end = self.end.date("period_end", "The period's last day")
        if start is None or end is None:
            raise ValidationError.single("period_start" if start is None else "period_end", "required",
                                         "Give both dates of the period, as dd/mm/yyyy.")
        if end < start:
            raise ValidationError.single("period_end", "order", "The period ends before it starts.")
        return ReportFilter(start, end, self.hub.currentData(), self.team.currentData(), self.worker.currentData())

    def choose(self, hub_id: int | None = None, team_id: int | None = None, worker_id: int | None = None) -> None:
        """Choose a hub, team and worker by id (as if picked from the lists)."""
        self._select(self.hub, hub_id)
        self._select(self.team, team_id)
        self._select(self.worker, worker_id)

    def set_period(self, start: dt.date, end: dt.date) -> None:
        """Type a period into the date fields and apply it."""
        self._set_period(start, end)
        self._apply()

    # ---- Private

    def _build_layout(self) -> None:
        # Label above each box, as on the other filter bars; the bar wraps on a narrow window.
        flow = FlowLayout(self, h_spacing=10, v_spacing=8)
        flow.setContentsMargins(0, 0, 0, 0)
        period = QWidget(self)
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.start)
        dash = QLabel("to", period)
        dash.setProperty("role", "muted")
        row.addWidget(dash)
        row.addWidget(self.end)
        row.addWidget(self.rolling)
        for caption, widget, buddy in (("H&ub", self.hub, None), ("&Team", self.team, None),
                                       ("&Lead practitioner", self.worker, None),
                                       ("Period (dd/mm/yyyy, &from – to)", period, self.start),
                                       (" ", self.error, None)):
            group = QWidget(self)
            column = QVBoxLayout(group)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(3)
            label = QLabel(caption, group)
            label.setProperty("role", "muted")
            label.setBuddy(buddy or widget)
            column.addWidget(label)
            column.addWidget(widget)
            flow.addWidget(group)
            if widget is self.error:
                self._error_group = group
                group.hide()

    def _combo(self, name: str, everyone: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everyone, EVERYONE)
        combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance(everyone) + 56)
        return combo

    @staticmethod
    def _fill(combo: QComboBox, options: tuple[FilterOption, ...], everyone: str, keep: object) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, EVERYONE)
        for option in options:
            combo.addItem(option.label, option.id)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        # The style's padding is not in the combo's own size hint: make room for the longest entry.
        longest = max((combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
                      default=0)
        combo.setMinimumWidth(min(longest + 56, MAX_COMBO_WIDTH))

    def _fill_for_hub(self) -> None:
        hub = self.hub.currentData()

        def in_hub(option: FilterOption) -> bool:
            return hub is None or option.hub_id in (None, hub) or hub in option.hub_ids

        self._fill(self.team, tuple(filter(in_hub, self._options.teams)), "All teams", self.team.currentData())
        self._fill(self.worker, tuple(filter(in_hub, self._options.workers)), "All lead practitioners",
                   self.worker.currentData())

    @staticmethod
    def _select(combo: QComboBox, value: int | None) -> None:
        index = combo.findData(value) if value is not None else 0
        if index >= 0:
            combo.setCurrentIndex(index)

    def _set_period(self, start: dt.date, end: dt.date) -> None:
        self.start.set_date(start)
        self.end.set_date(end)

    def _apply(self) -> None:
        try:
            flt = self.read()
        except ValidationError as exc:
            self.error.setText(str(exc.errors[0].message) if exc.errors else str(exc))
            self.error.show()
            self._error_group.show()
            return
        self.error.hide()
        self._error_group.hide()
        if flt != self._applied:
            self._applied = flt
            self.sig_filter_changed.emit()

    # ---- Slots

    @Slot(int)
    def _on_hub_current_index_changed(self, _index: int) -> None:
        self._fill_for_hub()
        self._apply()

    @Slot(int)
    def _on_choice_changed(self, _index: int) -> None:
        self._apply()

    @Slot()
    def _on_dates_edited(self) -> None:
        self._apply()

    @Slot()
    def _on_rolling_clicked(self) -> None:
        default = ReportFilter.rolling_12_months(self._today)
        self._set_period(default.period_start, default.period_end)
        self._apply()
