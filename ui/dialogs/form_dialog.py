"""The base of keyboard-first forms: Enter moves to the next field, buttons never trigger by surprise."""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QDialog, QPushButton, QWidget

from ui.widgets.code_combo import CodeCombo
from ui.widgets.keys import focus_next, is_enter


class FormDialog(QDialog):
    """A dialog for typing into: Enter moves on (as Tab does), Enter on a button presses it.

    No button is a default button, so Enter in a field never saves or closes the form by
    accident; saving has its own shortcut (Ctrl+S in the front-door forms).

    Args:
        parent: the parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def make_button(self, text: str, tip: str = "", primary: bool = False) -> QPushButton:
        """A push button that is never a default button."""
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.setDefault(False)
        if tip:
            button.setToolTip(tip)
        if primary:
            button.setProperty("role", "primary")
        return button

    def commit_pick_lists(self) -> None:
        """Take the best match in every pick list still holding typed text (as Enter would), before saving."""
        for combo in self.findChildren(CodeCombo):
            if combo.isEnabled() and combo.code() is None and combo.currentText().strip() and combo.commit():
                combo.sig_edited.emit()

    # ---- Qt overrides

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102 - Qt override
        if is_enter(event):
            widget = self.focusWidget()
            if isinstance(widget, QAbstractButton) and not widget.isCheckable():
                widget.click()
            elif widget is not None:
                focus_next(widget)
            event.accept()
            return
        super().keyPressEvent(event)
