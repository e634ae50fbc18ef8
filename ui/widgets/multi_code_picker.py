"""Choose several codes by typing: each Enter adds the best match as a chip; Enter on nothing moves on."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from ui.widgets.code_combo import best_match, contains_completer
from ui.widgets.keys import is_enter
from ui.widgets.flow_layout import FlowLayout


class _Chip(QFrame):
    """One chosen entry, with a button to remove it (mouse); Backspace removes the last (keyboard)."""

    def __init__(self, label: str, code: str, picker: MultiCodePicker) -> None:
        super().__init__(picker)
        self.code = code
        self.setObjectName("PickedChip")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        text = QLabel(label, self)
        remove = QToolButton(self)
        remove.setText("×")
        remove.setToolTip(f"Remove {label}")
        remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda: picker.remove_code(code))
        row.addWidget(text)
        row.addWidget(remove)
        self.setAccessibleName(label)


class MultiCodePicker(QWidget):
    """Several codes from one list, typed with type-ahead.

    Signals:
        sig_edited(): a code was added or removed.

    Args:
        parent: the parent widget.
        placeholder: the hint in the typing box.
    """

    # ---- Signals
    sig_edited = Signal()

    def __init__(self, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self._items: list[tuple[str, str]] = []
        self._codes: list[str] = []
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.setFocusProxy(self.edit)
        self._completer = contains_completer(self)
        self.edit.setCompleter(self._completer)
        self._completer.activated.connect(self._on_completer_activated)
        self._completer.popup().installEventFilter(self)
        self.edit.installEventFilter(self)
        self._chips = QWidget(self)
        self._flow = FlowLayout(self._chips, h_spacing=6, v_spacing=4)
        self._flow.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.edit)
        column.addWidget(self._chips)
        self._chips.hide()

    # ---- Public

    def set_items(self, items: Iterable[tuple[str, str]]) -> None:
        """The choices, as ``(label, code)`` pairs."""
        self._items = list(items)
        self._completer.model().setStringList([label for label, _ in self._items])  # type: ignore[attr-defined]
        self._rebuild()

    def codes(self) -> tuple[str, ...]:
        """The chosen codes, in the order they were added."""
        return tuple(self._codes)

    def set_codes(self, codes: Iterable[str]) -> None:
        """Choose exactly these codes."""
        self._codes = list(dict.fromkeys(codes))
        self._rebuild()

    def add_code(self, code: str) -> None:
        """Add a code (once)."""
        if code not in self._codes:
            self._codes.append(code)
            self._rebuild()
            self.sig_edited.emit()

    def remove_code(self, code: str) -> None:
        """Remove a code."""
        if code in self._codes:
            self._codes.remove(code)
            self._rebuild()
            self.sig_edited.emit()

    def add_typed(self) -> bool:
        """Add the best match for the text typed; returns whether one was found."""
        index = best_match([label for label, _ in self._items], self.edit.text())
        if index < 0:
            return False
        self.add_code(self._items[index][1])
        self.edit.clear()
        return True

    # ---- Internals

    def _label_of(self, code: str) -> str:
        return next((label for label, c in self._items if c == code), code)

    def _rebuild(self) -> None:
        while self._flow.count():
            item = self._flow.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for code in self._codes:
            self._flow.addWidget(_Chip(self._label_of(code), code, self))
        self._chips.setVisible(bool(self._codes))
        self.edit.setAccessibleDescription(
            "Chosen: " + ", ".join(self._label_of(c) for c in self._codes) if self._codes else "None chosen")

    @Slot(str)
    def _on_completer_activated(self, text: str) -> None:
        for label, code in self._items:
            if label == text:
                self.add_code(code)
        # The completer writes the label into the box after this signal; empty it afterwards.
        QTimer.singleShot(0, self.edit.clear)

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        popup = self._completer.popup()
        if watched is popup and is_enter(event):
            index = popup.currentIndex()
            popup.hide()
            chosen = [c for label, c in self._items if index.isValid() and label == index.data()]
            if chosen:
                self.add_code(chosen[0])
                self.edit.clear()
            else:
                self.add_typed()
            return True  # stay here for the next one
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if is_enter(event) and self.edit.text().strip():
                self.add_typed()
                return True  # stay here for the next one; Enter on an empty box moves on
            if key == Qt.Key.Key_Backspace and not self.edit.text() and self._codes:
                self.remove_code(self._codes[-1])
                return True
        return super().eventFilter(watched, event)
