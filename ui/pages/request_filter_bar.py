"""The referrals inbox's filter bar: status, source (type to narrow it down), level, age, hub, family.

Each filter is reachable with Alt + the underlined letter of its caption. Picking from a list
applies at once; typing (age, family name) applies when the typing pauses. The bar wraps onto a
second line in a narrow window.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from hubapp.domain import codes
from hubapp.domain.dto import CodeItem, HubRow, RequestFilter
from ui import formatting as fmt
from ui.resources import icon
from ui.widgets.flow_layout import FlowLayout

APPLY_DELAY_MS = 250
ANY_AGE = -1


class RequestFilterBar(QWidget):
    """The filter controls, read into a ``RequestFilter``.

    Signals:
        sig_filter_changed(): the person changed a filter (typing is debounced).

    Args:
        my_hubs: the worker's hubs, used when "All my hubs" is chosen (empty: every hub).
        parent: the parent widget.
    """

    # ---- Signals
    sig_filter_changed = Signal()

    def __init__(self, my_hubs: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._my_hubs = my_hubs
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(APPLY_DELAY_MS)
        self._typing.timeout.connect(self.sig_filter_changed)

        self.status = QComboBox(self)
        for label, states in fmt.request_status_choices():
            self.status.addItem(label, states)
        self.source = QComboBox(self)
        self.source.setEditable(True)
        self.source.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.set_sources([CodeItem(c.code, c.label) for c in codes.CODE_LISTS[codes.REFERRAL_SOURCE]])
        self.level = QComboBox(self)
        self.level.addItem("Any level", None)
        for level in (1, 2, 3, 4):
            self.level.addItem(fmt.level_text(level), level)
        self.min_age = self._age_spin("At least this many working days old")
        self.max_age = self._age_spin("At most this many working days old")
        self.hub = QComboBox(self)
        self.hub.addItem("All my hubs", None)
        self.family_text = QLineEdit(self)
        self.family_text.setPlaceholderText("Name contains…")
        self.family_text.setClearButtonEnabled(True)
        self.family_text.setMinimumWidth(120)
        self.family_text.setMaximumWidth(220)
        self.clear_button = QPushButton(icon("clear.svg"), "Clear filters", self)
        for combo, chars in ((self.status, 8), (self.source, 11), (self.level, 8), (self.hub, 8)):
            # Sized by a typical entry, not the longest, so the bar fits a 1366-pixel screen.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        self._build_layout()
        self._connect()

    # ---- Public

    def read(self, base: RequestFilter) -> RequestFilter:
        """``base`` with the chosen filters (its order and paging are kept)."""
        source = self.source.currentData()
        level = self.level.currentData()
        hub = self.hub.currentData()
        return replace(
            base,
            statuses=tuple(self.status.currentData() or ()),
            sources=(source,) if source else (),
            levels=(level,) if level else (),
            min_age_wd=self.min_age.value() if self.min_age.value() != ANY_AGE else None,
            max_age_wd=self.max_age.value() if self.max_age.value() != ANY_AGE else None,
            hub_ids=(hub,) if hub else self._my_hubs,
            text=self.family_text.text().strip(),
        )

    def is_default(self) -> bool:
        """Whether the filters are as they start (undecided requests of all my hubs)."""
        return (self.status.currentIndex() == 0 and self.source.currentIndex() == 0
                and self.level.currentIndex() == 0 and self.hub.currentIndex() == 0
                and self.min_age.value() == ANY_AGE and self.max_age.value() == ANY_AGE
                and not self.family_text.text().strip())

    def set_status(self, label: str) -> bool:
        """Choose a status filter by its label (e.g. "All statuses"); returns whether it exists."""
        index = self.status.findText(label)
        if index >= 0:
            self.status.setCurrentIndex(index)
        return index >= 0

    def set_sources(self, items: list[CodeItem]) -> None:
        """Offer these referral sources (the database's labels), keeping the one chosen."""
        current = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("Any source", None)
        for item in items:
            self.source.addItem(item.label, item.code)
        completer = QCompleter(self.source.model(), self.source)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.source.setCompleter(completer)
        view = self.source.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)  # the list shows whole labels
        index = self.source.findData(current) if current else 0
        self.source.setCurrentIndex(max(index, 0))
        self.source.blockSignals(False)

    def set_hubs(self, hubs: tuple[HubRow, ...]) -> None:
        """Offer these hubs after "All my hubs"."""
        self.hub.blockSignals(True)
        while self.hub.count() > 1:
            self.hub.removeItem(1)
        for hub in hubs:
            self.hub.addItem(hub.name, hub.id)
        self.hub.blockSignals(False)

    def clear(self) -> None:
        """Back to the starting filters (one change signal)."""
        controls = (self.status, self.source, self.level, self.hub, self.min_age, self.max_age, self.family_text)
        for widget in controls:
            widget.blockSignals(True)
        self.status.setCurrentIndex(0)
        self.source.setCurrentIndex(0)
        self.level.setCurrentIndex(0)
        self.hub.setCurrentIndex(0)
        self.min_age.setValue(ANY_AGE)
        self.max_age.setValue(ANY_AGE)
        self.family_text.clear()
        for widget in controls:
            widget.blockSignals(False)
        self._typing.stop()
        self.sig_filter_changed.emit()

    # ---- Internals

    def _age_spin(self, tip: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(ANY_AGE, 999)
        spin.setValue(ANY_AGE)
        spin.setSpecialValueText("Any")
        spin.setToolTip(tip)
        spin.setFixedWidth(80)
        return spin

    def _build_layout(self) -> None:
        flow = FlowLayout(self, h_spacing=10, v_spacing=8)
        flow.setContentsMargins(0, 0, 0, 0)
        age = QWidget(self)
        age_row = QHBoxLayout(age)
        age_row.setContentsMargins(0, 0, 0, 0)
        age_row.setSpacing(4)
        age_row.addWidget(self.min_age)
        dash = QLabel("to", age)
        dash.setProperty("role", "muted")
        age_row.addWidget(dash)
        age_row.addWidget(self.max_age)
        for caption, widget, buddy in (
            ("&Status", self.status, None), ("S&ource", self.source, None), ("&Level of need", self.level, None),
            ("&Age (working days)", age, self.min_age), ("&Hub", self.hub, None),
            ("&Family", self.family_text, None), (" ", self.clear_button, None),
        ):
            group = QWidget(self)
            column = QVBoxLayout(group)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(3)
            label = QLabel(caption, group)  # the clear button gets a blank one, to line up with the boxes
            label.setProperty("role", "muted")
            label.setBuddy(buddy or widget)
            column.addWidget(label)
            column.addWidget(widget)
            flow.addWidget(group)

    def _connect(self) -> None:
        for combo in (self.status, self.source, self.level, self.hub):
            combo.currentIndexChanged.connect(self._on_control_chosen)
        self.source.lineEdit().editingFinished.connect(self._on_source_editing_finished)
        for spin in (self.min_age, self.max_age):
            spin.valueChanged.connect(self._on_control_typed)
        self.family_text.textChanged.connect(self._on_control_typed)
        self.clear_button.clicked.connect(self.clear)

    @Slot()
    def _on_control_chosen(self) -> None:
        self._typing.stop()
        self.sig_filter_changed.emit()

    @Slot()
    def _on_control_typed(self) -> None:
        self._typing.start()

    @Slot()
    def _on_source_editing_finished(self) -> None:
        # Typed text that is not a source goes back to the chosen source, so the filter is clear.
        if self.source.findText(self.source.currentText()) < 0:
            self.source.setEditText(self.source.itemText(self.source.currentIndex()))
