"""Drive the program by keyboard events alone, counting the keystrokes, as a hub worker would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


class Keyboard:
    """Sends key events to whatever has the keyboard focus, and counts them.

    A character is one keystroke (a capital letter's Shift is not counted separately); a key
    with modifiers, such as Ctrl+S, is one keystroke.
    """

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0
        self.log: list[str] = []
        self._window: QWidget | None = None

    def focus(self) -> QWidget:
        """The widget with the keyboard focus (there must be one).

        Qt's offscreen platform (used by the tests) queues "the focus window is now this popup"
        when a completer's popup shows; if the popup closes before the event loop turns, that
        event lands afterwards and leaves a closed popup as the active window, so keys would go
        nowhere. A desktop (X11, Windows) does not do this. The window typed into last is given
        the activation back here, as a desktop would have kept it.
        """
        active = QApplication.activeWindow()
        window = self._window
        if (active is None or not active.isVisible()) and window is not None and window.isVisible():
            window.activateWindow()
            self.qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        self._window = widget.window()
        return widget

    def type(self, text: str) -> None:
        """Type ``text`` one character at a time."""
        for char in text:
            QTest.keyClick(self.focus(), char)
            self.count += 1
        self.log.append(text)

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        """Press one key (with modifiers) ``times`` times."""
        for _ in range(times):
            QTest.keyClick(self.focus(), key, modifiers)
            self.count += 1
        self.log.append(f"<{key.name}{'+' + str(modifiers) if modifiers else ''}>" + (f"x{times}" if times > 1 else ""))

    def enter(self, times: int = 1) -> None:
        """Press Enter."""
        self.press(Qt.Key.Key_Return, times=times)

    def field(self, text: str) -> None:
        """Type into the field with the focus, then Enter to move on."""
        self.type(text)
        self.enter()

    def ctrl(self, key: Qt.Key, shift: bool = False) -> None:
        """Ctrl (+Shift) and a key."""
        modifiers = Qt.KeyboardModifier.ControlModifier
        if shift:
            modifiers |= Qt.KeyboardModifier.ShiftModifier
        self.press(key, modifiers)
