"""The list behind one indicator's number, in place of the tiles: Esc goes back to them.

An indicator may have several lists (its ``drill_keys``, the first the main one); a choice above
the table switches between them. Beside indicator 12 the caseload per lead practitioner is offered
too (DOMAIN §9), from the dashboard already loaded.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain.report_dto import Indicator, Table
from ui.pages.dashboard.report_list import ReportList
from ui.pages.dashboard.tile import counts_text
from ui.pages.dashboard.values import figure_text, key_words
from ui.resources import icon

#: The list choice that shows the dashboard's caseload table (not a drill-down key).
CASELOAD_KEY = "__caseload__"


class DrillDownView(QWidget):
    """One indicator's list.

    Signals:
        sig_back_requested(): Esc or the Back button: show the tiles again.
        sig_list_chosen(str): load the list with this drill-down key.
        sig_open_family_requested(int): open this family (Enter on a row).
        sig_export_requested(): the Export button.

    Args:
        parent: the parent widget.
    """

    # ---- Signals
    sig_back_requested = Signal()
    sig_list_chosen = Signal(str)
    sig_open_family_requested = Signal(int)
    sig_export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DrillDownView")
        self.indicator: Indicator | None = None
        self._titles: dict[str, str] = {}  # each list's own title, once loaded, names it in the choice
        self.back = QPushButton(icon("back.svg"), "Indicators", self)
        self.back.setToolTip("Back to the indicators (Esc)")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.sig_back_requested)
        self.heading = QLabel(self)
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        self.definition = QLabel(self)
        self.definition.setProperty("role", "muted")
        self.definition.setWordWrap(True)
        self.lists = QComboBox(self)
        self.lists.setAccessibleName("List")
        self.lists.activated.connect(self._on_lists_activated)
        caption = QLabel("&List", self)
        caption.setBuddy(self.lists)
        self.export = QPushButton("Export list… (Ctrl+E)", self)
        self.export.setAutoDefault(False)
        self.export.clicked.connect(self.sig_export_requested)
        self.list = ReportList("Drill-down", self)
        self.list.sig_open_family_requested.connect(self.sig_open_family_requested)
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addSpacing(8)
        top.addWidget(self.heading, 1)
        top.addWidget(caption)
        top.addWidget(self.lists)
        top.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.definition)
        layout.addWidget(self.list, 1)

    # ---- Public

    def show_indicator(self, indicator: Indicator, with_caseload: bool) -> str | None:
        """Set up for ``indicator``; returns the key of the list to load first (``None``: none)."""
        same = self.indicator is not None and self.indicator.key == indicator.key
        chosen = self.current_key() if same else None
        self.indicator = indicator
        counts = counts_text(indicator)
        self.heading.setText(f"{indicator.number}. {indicator.title}: {figure_text(indicator.value, indicator.unit)}"
                             + (f" ({counts})" if counts else ""))
        self.definition.setText(indicator.definition)
        self.lists.blockSignals(True)
        self.lists.clear()
        for key in indicator.drill_keys:
            self.lists.addItem(self._titles.get(key, key_words(key)), key)
        if with_caseload and "caseload" not in indicator.drill_keys:
            self.lists.addItem("Caseload per lead practitioner", CASELOAD_KEY)
        index = self.lists.findData(chosen) if chosen is not None else 0
        self.lists.setCurrentIndex(max(index, 0))
        self.lists.blockSignals(False)
        self.lists.setEnabled(self.lists.count() > 1)
        self._fit_lists()
        if not self.lists.count():
            self.list.set_table(Table(indicator.title, (), (), explanation="There is no list behind this figure."))
        return self.current_key()

    def current_key(self) -> str | None:
        """The key of the list chosen."""
        data = self.lists.currentData()
        return str(data) if data is not None else None

    def set_table(self, table: Table, key: str) -> None:
        """Show a loaded list, if it is still the one chosen."""
        if table.title:
            self._titles[key] = table.title
            index = self.lists.findData(key)
            if index >= 0:
                self.lists.setItemText(index, table.title)
                self._fit_lists()
        if key == self.current_key():
            self.list.set_table(table)

    def show_loading(self) -> None:
        """Say that the list is on its way."""
        self.list.show_message("Loading…")

    def _fit_lists(self) -> None:
        # The style's padding is not in the combo's own size hint: make room for the longest entry.
        metrics = self.lists.fontMetrics()
        longest = max((metrics.horizontalAdvance(self.lists.itemText(i)) for i in range(self.lists.count())),
                      default=0)
        self.lists.setMinimumWidth(min(longest + 56, 420))

    # ---- Slots

    @Slot(int)
    def _on_lists_activated(self, _index: int) -> None:
        key = self.current_key()
        if key is not None:
            self.show_loading()
            self.sig_list_chosen.emit(key)

    # ---- Qt overrides

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.sig_back_requested.emit()
            return
        super().keyPressEvent(event)
