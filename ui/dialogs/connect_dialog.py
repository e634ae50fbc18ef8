"""The sign-in dialog: pick a connection profile, type the password, optionally remember it.

The profile list holds the embedded database and the saved profiles. "Remember my password"
shows the keyring backend in use (``secrets.backend_info()``) and is disabled, with the reason,
when no secure backend exists (STYLE R17: no plaintext fallback). Reading the keyring, saving to
it and connecting all run in a worker (R11). A refused sign-in shows its message beside the
password field and keeps everything typed.

The last profile signed in with is remembered in QSettings (its name only, R16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget,
)

from hubapp.config import EMBEDDED, Profile, ProfileError, load_profiles, url_from_environment
from hubapp.domain.errors import DomainError, SignInFailed
from hubapp.services import secrets
from ui import settings, tasks

KEY_LAST_PROFILE = "connection/last_profile"

#: Opens a database URL and signs in (``ui.startup.open_backend``); runs in a worker.
Opener = Callable[[str], Any]


# ---- Which profile, and whether to ask ---------------------------------------------------------


def last_profile_name() -> str:
    """The name of the profile signed in with last time ("" if none)."""
    return str(settings.settings().value(KEY_LAST_PROFILE, "", type=str))


def set_last_profile_name(name: str) -> None:
    """Remember the profile signed in with."""
    settings.settings().setValue(KEY_LAST_PROFILE, name)


def _profiles() -> list[Profile]:
    try:
        return load_profiles()
    except ProfileError:
        return [EMBEDDED]


def last_profile() -> Profile | None:
    """The last-used profile, if it still exists."""
    name = last_profile_name()
    return next((p for p in _profiles() if p.name == name), None) if name else None


def dialog_wanted(connect: bool, database_url: str | None, profile: Profile | None) -> bool:
    """Whether start-up shows the sign-in dialog.

    Yes with ``--connect``, or when the profile to open or the last-used one is a PostgreSQL one.
    Never when a URL was given (option or environment): the embedded default starts as before.
    """
    if database_url or url_from_environment():
        return False
    if connect:
        return True
    if profile is not None and profile.kind == "postgresql":
        return True
    last = last_profile()
    return last is not None and last.kind == "postgresql"


# ---- Worker jobs (plain data only) -------------------------------------------------------------


def _sign_in(profile: Profile, password: str, remember: bool, opener: Opener) -> tuple[Any, str]:
    """Connect, then keep or forget the password in the keyring; returns (opened, note)."""
    url = profile.url(password) if profile.kind == "postgresql" and password else profile.url()
    opened = opener(url)
    note = ""
    if profile.kind == "postgresql":
        if remember:
            try:
                secrets.save_password(profile, password)
            except secrets.KeyringUnavailable as exc:
                note = str(exc)
        else:
            secrets.forget_password(profile)
    return opened, note


# ---- The dialog --------------------------------------------------------------------------------


class ConnectDialog(QDialog):
    """Sign in to a database.

    Signals:
        sig_opened(object): signed in; the opener's result (``ui.startup.Opened``).

    Args:
        opener: opens a URL and signs in (runs in a worker).
        profile: the profile to select first (default: the last used, else the embedded one).
        auto: sign straight in when the keyring remembers the password.
        parent: the parent widget.
    """

    # ---- Signals
    sig_opened = Signal(object)

    def __init__(self, opener: Opener, profile: Profile | None = None, auto: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectDialog")
        self.setWindowTitle("Sign in to hubapp")
        self.setMinimumWidth(520)
        self._opener = opener
        self._auto = auto
        self._busy = False
        self.opened: Any = None
        self.note = ""
        self._profiles = _profiles()
        # The embedded default gives way to the profile signed in with last time.
        start = profile if profile not in (None, EMBEDDED) else (last_profile() or EMBEDDED)
        if start not in self._profiles:
            self._profiles.append(start)

        self.profile_combo = QComboBox(self)
        self.profile_combo.setAccessibleName("Connection profile")
        for p in self._profiles:
            self.profile_combo.addItem(p.name, p)
        self.host_edit = QLineEdit(self)
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.database_edit = QLineEdit(self)
        self.user_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.password_error = QLabel(self)
        self.password_error.setObjectName("PasswordError")
        self.password_error.setProperty("role", "error")
        self.password_error.setStyleSheet("color: #b00020;")
        self.password_error.setWordWrap(True)
        self.password_error.hide()
        self.remember_box = QCheckBox("&Remember my password", self)
        self.backend_label = QLabel(self)
        self.backend_label.setProperty("role", "muted")
        self.backend_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton("&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Profile", self.profile_combo)
        form.addRow("&Server", self.host_edit)
        form.addRow("P&ort", self.port_spin)
        form.addRow("&Database", self.database_edit)
        form.addRow("&User name", self.user_edit)
        form.addRow("Pass&word", self.password_edit)
        form.addRow("", self.password_error)
        form.addRow("", self.remember_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.backend_label)  # outside the form, where a wrapped label gets its height
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.profile_combo.currentIndexChanged.connect(self._on_profile_combo_current_index_changed)
        self.password_edit.textEdited.connect(lambda _text: self.password_error.hide())
        self.profile_combo.setCurrentIndex(self._profiles.index(start))
        self._fill(start)
        self._show_backend()

    # ---- Public

    def profile(self) -> Profile:
        """The profile as typed (server fields only matter for PostgreSQL)."""
        base: Profile = self.profile_combo.currentData()
        if base.kind != "postgresql":
            return base
        return Profile(name=base.name, kind="postgresql", host=self.host_edit.text().strip(),
                       port=self.port_spin.value(), database=self.database_edit.text().strip(),
                       username=self.user_edit.text().strip())

    def sign_in(self) -> None:
        """Connect in a worker with what was typed."""
        if self._busy:
            return
        profile, password, remember = self.profile(), self.password_edit.text(), self.remember_box.isChecked()
        if profile.kind == "postgresql" and not password:
            self._show_password_error("Type your password.")
            return
        self._set_busy(True, f"Signing in to {profile.name}…")
        opener = self._opener
        tasks.run_write(self, lambda: _sign_in(profile, password, remember, opener),
                        self._on_signed_in, self._on_sign_in_failed)

    # ---- Internals

    def _fill(self, profile: Profile) -> None:
        server = profile.kind == "postgresql"
        self.host_edit.setText(profile.host)
        self.port_spin.setValue(profile.port)
        self.database_edit.setText(profile.database)
        self.user_edit.setText(profile.username)
        for widget in (self.host_edit, self.port_spin, self.database_edit, self.user_edit, self.password_edit):
            widget.setEnabled(server)
        self.password_edit.clear()
        self.password_error.hide()
        self.status_label.setText("" if server else "The embedded database on this PC needs no password.")
        if server:
            self.password_edit.setFocus()
            tasks.run_read(self, lambda: secrets.load_password(profile),
                           lambda pw, p=profile: self._on_password_loaded(p, pw), lambda _exc: None)

    def _show_backend(self) -> None:
        tasks.run_read(self, secrets.backend_info, self._on_backend_info, lambda _exc: None)

    def _show_password_error(self, text: str) -> None:
        self.password_error.setText(text)
        self.password_error.show()
        self.adjustSize()  # the wrapped message needs its height
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.sign_in_button.setEnabled(not busy)
        self.profile_combo.setEnabled(not busy)
        self.status_label.setText(text)

    # ---- Slots

    @Slot(int)
    def _on_profile_combo_current_index_changed(self, _index: int) -> None:
        self._fill(self.profile_combo.currentData())

    def _on_backend_info(self, info: secrets.BackendInfo) -> None:
        self.remember_box.setEnabled(info.usable)
        if info.usable:
            self.backend_label.setText(f"Kept in this computer's password store ({info.name}).")
        else:
            self.remember_box.setChecked(False)
            self.backend_label.setText(
                f"This computer has no secure password store ({info.name}), so hubapp cannot remember "
                "your password. You will type it each time; it is never saved in a file.")
        self.adjustSize()

    def _on_password_loaded(self, profile: Profile, password: str | None) -> None:
        if not password or self.profile_combo.currentData() != profile or self.password_edit.text():
            return
        self.password_edit.setText(password)
        self.remember_box.setChecked(True)
        if self._auto:
            self._auto = False  # only once: after a failure the person decides
            self.sign_in()

    def _on_signed_in(self, result: tuple[Any, str]) -> None:
        self.opened, self.note = result
        self._set_busy(False)
        set_last_profile_name(self.profile_combo.currentData().name)
        self.sig_opened.emit(self.opened)
        self.accept()

    def _on_sign_in_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, SignInFailed):
            self._show_password_error(str(exc))
        else:
            self.status_label.setText(str(exc) if isinstance(exc, DomainError) else type(exc).__name__)


def ask_connection(opener: Opener, profile: Profile | None, on_opened: Callable[[Any], None],
                   on_cancelled: Callable[[], None]) -> ConnectDialog:
    """Show the sign-in dialog (window-modal, not blocking); start-up continues in the callbacks.

    A module function, so tests can replace it.
    """
    dialog = ConnectDialog(opener, profile)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.sig_opened.connect(on_opened)
    dialog.rejected.connect(on_cancelled)
    dialog.open()
    return dialog
