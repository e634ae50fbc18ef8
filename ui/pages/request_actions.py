"""Buttons over the referrals inbox: a new request, the selected request's details, its decision.

Ctrl+I shows the selected request and Ctrl+D decides it while the inbox has the focus; Ctrl+N
(a window-wide shortcut) logs a new request.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


class RequestActionBar(QWidget):
    """New, view and decide.

    Signals:
        sig_new_requested(): log a new request.
        sig_view_requested(int): show this request.
        sig_decide_requested(int): decide this request.

    Args:
        selected: returns the id of the request selected in the inbox (or ``None``).
        page: the inbox page (its shortcuts work while it has the focus).
    """

    # ---- Signals
    sig_new_requested = Signal()
    sig_view_requested = Signal(int)
    sig_decide_requested = Signal(int)

    def __init__(self, selected: Callable[[], int | None], page: QWidget) -> None:
        super().__init__(page)
        self._selected = selected
        self.new_button = QPushButton("New request (Ctrl+N)", self)
        self.new_button.setProperty("role", "primary")
        self.view_button = QPushButton("View (Ctrl+I)", self)
        self.decide_button = QPushButton("Decide (Ctrl+D)", self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.view_button, self.decide_button, self.new_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        self.new_button.clicked.connect(self.sig_new_requested)
        self.view_button.clicked.connect(self._on_view)
        self.decide_button.clicked.connect(self._on_decide)
        for keys, slot in (("Ctrl+I", self._on_view), ("Ctrl+D", self._on_decide)):
            shortcut = QShortcut(QKeySequence(keys), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    @Slot()
    def _on_view(self) -> None:
        request_id = self._selected()
        if request_id is not None:
            self.sig_view_requested.emit(request_id)

    @Slot()
    def _on_decide(self) -> None:
        request_id = self._selected()
        if request_id is not None:
            self.sig_decide_requested.emit(request_id)
