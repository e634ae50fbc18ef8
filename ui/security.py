"""Sign-in related actions of the main window (issue 6): lock now, change my password, the idle lock.

The main window makes one :class:`SecurityActions`; it adds its actions to the window (and to
an account button on the main toolbar) and installs the :class:`ui.lock.InactivityLock`.

Keys: Ctrl+Shift+L locks at once; "Change my password…" is in the account button's menu at the
right of the toolbar (shared databases only).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from hubapp.domain.dto import Actor
from hubapp.services.session import Backend
from ui.dialogs.password_dialog import PasswordDialog
from ui.lock import InactivityLock


def ask_new_password(backend: Backend, parent: QMainWindow, on_done: Callable[[str], None]) -> PasswordDialog:
    """Open the change-password dialog (window-modal); ``on_done(message)`` after a change.

    A module function, so tests can replace it.
    """
    dialog = PasswordDialog(backend, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: on_done(dialog.message))
    dialog.open()
    return dialog


class SecurityActions(QObject):
    """Lock and password actions of one main window.

    Args:
        window: the main window.
        backend: the open database.
        actor: the signed-in worker.
        timeout_ms: idle time before the lock (default: the QSettings value).
    """

    def __init__(self, window: QMainWindow, backend: Backend, actor: Actor, timeout_ms: int | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._backend = backend
        self.lock = InactivityLock(window, actor.display_name, backend.url, timeout_ms)
        self.lock_action = self._add("&Lock now", "Ctrl+Shift+L", self.lock.lock)
        self.password_action = self._add("Change my &password…", "", self.change_password)
        self.password_action.setEnabled(not backend.is_embedded)
        if backend.is_embedded:
            self.password_action.setToolTip("The embedded database on this PC has no passwords.")
        self._add_account_button(actor.display_name)

    def _add_account_button(self, who: str) -> None:
        """An "account" button with a menu at the right end of the main toolbar (if there is one)."""
        menu = QMenu(self._window)
        menu.addAction(self.password_action)
        menu.addAction(self.lock_action)
        bar = self._window.findChild(QToolBar, "MainToolBar")
        if bar is None:
            return
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.account_button = QToolButton(bar)
        self.account_button.setObjectName("AccountButton")
        self.account_button.setText(who)
        self.account_button.setToolTip("Change my password, lock the screen (Ctrl+Shift+L)")
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_button.setMenu(menu)
        bar.addWidget(spacer)
        bar.addWidget(self.account_button)

    def _add(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    @Slot()
    def change_password(self) -> None:
        """Ask for a new password and change it."""
        if self._backend.is_embedded:
            return
        ask_new_password(self._backend, self._window, self._on_password_changed)

    def _on_password_changed(self, message: str) -> None:
        self._window.statusBar().showMessage(message, 10_000)
