"""Small keyboard helpers shared by forms: is this Enter, move on to the next field."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_enter(event: QEvent) -> bool:
    """Whether ``event`` is a press of Enter or Return without Ctrl, Alt or Shift."""
    if event.type() != QEvent.Type.KeyPress:
        return False
    assert isinstance(event, QKeyEvent)
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in ENTER_KEYS and modifiers == Qt.KeyboardModifier.NoModifier


def focus_next(widget: QWidget) -> None:
    """Move the keyboard focus from ``widget`` to the next field of its window (as Tab would)."""
    window = widget.window()
    if window.focusWidget() is None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
    window.focusNextChild()

