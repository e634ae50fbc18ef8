"""The step-down queue's filter bar: state, hub, RAG, age band, grouping, revolving door, and a
family name or social care reference. It wraps onto a second line on a narrow window."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from hubapp.domain import transfer_rules as rules
from hubapp.domain.dto import HubRow
from hubapp.domain.states import STEP_DOWN, STEP_DOWN_QUEUE_STATES
from hubapp.domain.transfer_dto import QueueFilter
from ui.models.transfer_models import GROUP_BAND, GROUP_NONE, GROUP_STATE
from ui.widgets.flow_layout import FlowLayout

MY_HUBS, ALL_HUBS = "mine", "all"


class QueueFilterBar(QWidget):
    """The queue's filters.

    Signals:
        sig_filter_changed(): a filter changed (the text box changes too, as it is typed).
        sig_grouping_changed(str): ``band``, ``state`` or ``none``.

    Args:
        my_hubs: the signed-in worker's hubs ("My hubs").
        parent: the parent widget.
    """

    # ---- Signals
    sig_filter_changed = Signal()
    sig_grouping_changed = Signal(str)

    def __init__(self, my_hubs: tuple[int, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._my_hubs = my_hubs
        self.state, self.hub, self.rag, self.band, self.group = (QComboBox(self) for _ in range(5))
        self.state.addItem("Every state", None)
        for s in STEP_DOWN.states:
            if s in STEP_DOWN_QUEUE_STATES:
                self.state.addItem(rules.state_label(s), str(s))
        self.hub.addItem("My hubs", MY_HUBS)
        self.hub.addItem("All hubs", ALL_HUBS)
        self.rag.addItem("Any RAG", None)
        for colour in ("red", "amber", "green"):
            self.rag.addItem(colour.capitalize(), colour)
        self.band.addItem("Any age", None)
        for label, _, _ in rules.AGE_BANDS:
            self.band.addItem(label, label)
        for label, value in (("Group by age band", GROUP_BAND), ("Group by state", GROUP_STATE),
                             ("No grouping", GROUP_NONE)):
            self.group.addItem(label, value)
        self.flagged = QCheckBox("Revolving door only", self)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Family or social care reference")
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 28)
        for combo in (self.state, self.hub, self.rag, self.band):
            combo.currentIndexChanged.connect(self.sig_filter_changed)
        self.flagged.toggled.connect(self.sig_filter_changed)
        self.text.textChanged.connect(self.sig_filter_changed)
        self.group.currentIndexChanged.connect(lambda _i: self.sig_grouping_changed.emit(self.grouping()))
        flow = FlowLayout(self, h_spacing=8, v_spacing=6)
        flow.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state, self.hub, self.rag, self.band, self.group, self.flagged, self.text):
            flow.addWidget(widget)

    def set_hubs(self, hubs: tuple[HubRow, ...]) -> None:
        """Offer each hub on its own as well (quietly: the filter in force does not change)."""
        self.hub.blockSignals(True)
        for h in hubs:
            self.hub.addItem(h.name, h.id)
        self.hub.blockSignals(False)

    def grouping(self) -> str:
        """How the list is grouped."""
        return str(self.group.currentData())

    def read(self) -> QueueFilter:
        """The filter the controls describe."""
        hub = self.hub.currentData()
        hub_ids = self._my_hubs if hub == MY_HUBS else () if hub in (ALL_HUBS, None) else (int(hub),)
        state, rag, band = self.state.currentData(), self.rag.currentData(), self.band.currentData()
        return QueueFilter(hub_ids=hub_ids, states=(state,) if state else (), rags=(rag,) if rag else (),
                           bands=(band,) if band else (), text=self.text.text(), flagged_only=self.flagged.isChecked())
