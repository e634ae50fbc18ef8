"""Change my own password: the new password twice, changed by the server in a worker.

``signin.change_password`` runs ``ALTER ROLE CURRENT_USER`` (PostgreSQL only). If the keyring
remembers the old password it is replaced by the new one, and the open connection pool uses the
new password for connections it opens from now on.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from hubapp.domain.errors import DomainError
from hubapp.services import admin
from hubapp.services.session import Backend
from hubapp.services.signin import change_password
from ui import tasks

__all__ = ["PasswordDialog", "change_password"]


class PasswordDialog(QDialog):
    """Change the signed-in person's password.

    Args:
        backend: the open (PostgreSQL) database.
        parent: the main window.
    """

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PasswordDialog")
        self.setWindowTitle("Change my password")
        self.setMinimumWidth(420)
        self._backend = backend
        self.message = ""
        self.new_edit = QLineEdit(self)
        self.again_edit = QLineEdit(self)
        for edit in (self.new_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textEdited.connect(lambda _text: self.error_label.hide())
        self.new_edit.setAccessibleName("New password")
        self.again_edit.setAccessibleName("New password again")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("PasswordError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        hint = QLabel(f"At least {admin.MIN_PASSWORD} characters. It is used from your next sign-in.", self)
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.change_button = self.buttons.addButton("&Change password", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&New password", self.new_edit)
        form.addRow("New password &again", self.again_edit)
        form.addRow("", self.error_label)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def show_error(self, text: str) -> None:
        """Say what is wrong, beside the fields (what was typed is kept)."""
        self.error_label.setText(text)
        self.error_label.show()
        self.change_button.setEnabled(True)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        new, again = self.new_edit.text(), self.again_edit.text()
        if new != again:
            self.show_error("The two passwords are not the same.")
            return
        if len(new) < admin.MIN_PASSWORD:
            self.show_error(f"Password must be at least {admin.MIN_PASSWORD} characters long.")
            return
        self.change_button.setEnabled(False)
        backend = self._backend
        tasks.run_write(self, lambda: change_password(backend, new), self._on_changed, self._on_failed)

    def _on_changed(self, message: str) -> None:
        self.message = message
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self.show_error(str(exc) if isinstance(exc, DomainError) else type(exc).__name__)
