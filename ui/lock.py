"""The inactivity lock: after some idle minutes a lock screen covers the main window.

An app-wide event filter sees every key press, click, wheel turn and mouse move and restarts the
idle timer. When it runs out, :class:`LockScreen` covers the whole main window (toolbar, pages,
status bar). Nothing is closed or discarded: forms, drafts and open dialogs stay exactly as they
were; the lock only hides the window's content and swallows input and shortcuts until unlocked.

On a shared (PostgreSQL) database the person types their password again; it is checked by the
server in a worker. On the embedded database the lock shows the OS user name and a "Continue".

The idle time is ``security/lock_minutes`` in QSettings (default 15; 0 turns the lock off).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPushButton, QVBoxLayout, QWidget,
)

from hubapp.domain.errors import DomainError, SignInFailed
from hubapp.services.context import local_username
from hubapp.services.signin import needs_password, verify_password
from ui import settings, tasks

KEY_LOCK_MINUTES = "security/lock_minutes"
DEFAULT_LOCK_MINUTES = 15

_ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin)
_INPUT = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
          QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel)


def lock_minutes() -> int:
    """The idle minutes before the lock (QSettings; default 15, 0 = never)."""
    return max(0, int(settings.settings().value(KEY_LOCK_MINUTES, DEFAULT_LOCK_MINUTES, type=int)))


class LockScreen(QFrame):
    """The cover shown over a locked window.

    Signals:
        sig_unlock_requested(str): the person asks to unlock with this password ("" embedded).

    Args:
        who: the signed-in person's name.
        needs_password: ask for the password (shared database) or only "Continue".
        parent: the window covered.
    """

    # ---- Signals
    sig_unlock_requested = Signal(str)

    def __init__(self, who: str, needs_password: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("LockScreen")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#LockScreen { background: #eef1f5; }")
        self.needs_password = needs_password
        title = QLabel("hubapp is locked", self)
        title.setProperty("role", "title")
        explain = QLabel(
            f"Locked after a time without use. Signed in as <b>{who}</b>.<br>"
            "Everything you were typing is kept; unlock to carry on.", self)
        explain.setWordWrap(True)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Your password")
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setVisible(needs_password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("LockError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.unlock_button = QPushButton("&Unlock" if needs_password else f"&Continue as {local_username()}", self)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.password_edit.returnPressed.connect(self._on_unlock_button_clicked)

        card = QFrame(self)
        card.setObjectName("LockCard")
        card.setStyleSheet("#LockCard { background: white; border: 1px solid #c8ced6; border-radius: 8px; }")
        card.setFixedWidth(440)
        column = QVBoxLayout(card)
        column.setContentsMargins(28, 24, 28, 24)
        column.setSpacing(12)
        for widget in (title, explain, self.password_edit, self.error_label, self.unlock_button):
            column.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def focus_input(self) -> None:
        """Put the keyboard focus where unlocking starts."""
        (self.password_edit if self.needs_password else self.unlock_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str) -> None:
        """Say why unlocking failed (the password is cleared)."""
        self.error_label.setText(text)
        self.error_label.show()
        self.unlock_button.setEnabled(True)
        self.password_edit.clear()
        self.focus_input()

    @Slot()
    def _on_unlock_button_clicked(self) -> None:
        if self.needs_password and not self.password_edit.text():
            self.show_error("Type your password.")
            return
        self.unlock_button.setEnabled(False)
        self.sig_unlock_requested.emit(self.password_edit.text())


class InactivityLock(QObject):
    """Locks a main window after idle time; an app-wide event filter resets the timer.

    Signals:
        sig_locked(): the window was covered.
        sig_unlocked(): the cover was removed.

    Args:
        window: the main window to cover.
        who: the signed-in person's name.
        url: the database URL; a PostgreSQL one makes the lock ask for the password.
        timeout_ms: idle time before locking (default: :func:`lock_minutes`; 0 never locks).
        verify: checks a password (``verify_password`` by default; runs in a worker).
    """

    # ---- Signals
    sig_locked = Signal()
    sig_unlocked = Signal()

    def __init__(self, window: QMainWindow, who: str, url: str, timeout_ms: int | None = None,
                 verify: Callable[[str, str], bool] = verify_password) -> None:
        super().__init__(window)
        self._window = window
        self._who = who
        self._url = url
        self._verify = verify
        self._needs_password = needs_password(url)
        self.screen: LockScreen | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock)
        self.set_timeout(lock_minutes() * 60_000 if timeout_ms is None else timeout_ms)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        window.installEventFilter(self)

    # ---- Public

    @property
    def is_locked(self) -> bool:
        """Whether the window is covered."""
        return self.screen is not None

    def set_timeout(self, timeout_ms: int) -> None:
        """Change the idle time (0 turns the lock off) and restart counting."""
        self._timer.setInterval(timeout_ms)
        if timeout_ms > 0 and not self.is_locked:
            self._timer.start()
        else:
            self._timer.stop()

    def lock(self) -> None:
        """Cover the window now (Lock now, or the idle timer)."""
        if self.is_locked:
            return
        self._timer.stop()
        self.screen = LockScreen(self._who, self._needs_password, self._window)
        self.screen.sig_unlock_requested.connect(self._on_screen_unlock_requested)
        self.screen.setGeometry(self._window.rect())
        self.screen.show()
        self.screen.raise_()
        self.screen.focus_input()
        self.sig_locked.emit()

    def unlock(self) -> None:
        """Remove the cover; everything under it is as it was."""
        if self.screen is None:
            return
        screen, self.screen = self.screen, None
        screen.hide()
        screen.deleteLater()
        if self._timer.interval() > 0:
            self._timer.start()
        self.sig_unlocked.emit()

    # ---- Slots

    @Slot(str)
    def _on_screen_unlock_requested(self, password: str) -> None:
        if not self._needs_password:
            self.unlock()
            return
        url, verify = self._url, self._verify
        tasks.run_read(self, lambda: verify(url, password), self._on_verified, self._on_verify_failed)

    def _on_verified(self, ok: bool) -> None:
        if ok:
            self.unlock()
        elif self.screen is not None:
            self.screen.show_error("That password is not right.")

    def _on_verify_failed(self, exc: Exception) -> None:
        if self.screen is not None:
            self.screen.show_error(str(exc) if isinstance(exc, (DomainError, SignInFailed)) else type(exc).__name__)

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        kind = event.type()
        if watched is self._window and kind == QEvent.Type.Resize and self.screen is not None:
            self.screen.setGeometry(self._window.rect())
            return False
        if self.screen is None:
            if kind in _ACTIVITY and self._timer.interval() > 0:
                self._timer.start()
            return False
        # Locked: no shortcut fires, and input reaches only the lock screen.
        if kind == QEvent.Type.Shortcut:
            return True
        if kind in _INPUT and isinstance(watched, QWidget) and watched.window() is self._window:
            if self._inside_screen(watched):
                return False
            if kind == QEvent.Type.KeyPress:
                self.screen.focus_input()  # Tab walked out from under the cover: bring focus back
            return True
        return False

    def _inside_screen(self, watched: QObject) -> bool:
        screen = self.screen
        return isinstance(watched, QWidget) and screen is not None and (watched is screen or screen.isAncestorOf(watched))
