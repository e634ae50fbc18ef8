"""A message strip across the top of a form: what went wrong, or what happened, and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """A one-line (wrapping) message with an optional action button, hidden while there is nothing to say.

    Signals:
        sig_action_triggered(): the action button was pressed (e.g. "Try again").

    Args:
        parent: the parent widget.
    """

    # ---- Signals
    sig_action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setProperty("kind", "info")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton(self)
        self.action.setAutoDefault(False)
        self.action.hide()
        self.action.clicked.connect(self.sig_action_triggered)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.addWidget(self.label, 1)
        row.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, text: str, kind: str = "info", action: str = "") -> None:
        """Show ``text``; ``kind`` is ``info``, ``success``, ``warning`` or ``error``; ``action`` labels the button."""
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.setAccessibleName(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.show()

    @property
    def kind(self) -> str:
        """The kind of message shown."""
        return str(self.property("kind"))

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return self.label.text() if not self.isHidden() else ""
