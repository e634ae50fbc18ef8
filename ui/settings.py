"""Per-user UI state in QSettings (STYLE R16): window geometry, header and splitter state, last page.

Only UI state lives here. QSettings is kept in its own INI file in hubapp's config directory
(``HUBAPP_CONFIG_DIR`` in tests), so tests never read or write the real user's settings.

Search text is deliberately *not* remembered: it is usually a child's name, date of birth or NHS
number, and would sit in a plain file on the PC after the program closed.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

from hubapp.config import APP_AUTHOR, APP_NAME, config_dir

ORGANISATION = APP_AUTHOR
APPLICATION = APP_NAME
SETTINGS_FILE = "ui.ini"

# ---- Keys
KEY_LAST_PAGE = "main_window/page"


def set_application_identity() -> None:
    """Name the organisation and application; call before any other use of QSettings."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)


def settings() -> QSettings:
    """The settings store (an INI file in hubapp's config directory)."""
    return QSettings(str(config_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def save_geometry(widget: QWidget, name: str) -> None:
    """Remember a window's size and position under ``name``."""
    settings().setValue(f"{name}/geometry", widget.saveGeometry())


def restore_geometry(widget: QWidget, name: str) -> bool:
    """Restore a window's size and position; returns whether there was one to restore."""
    value = settings().value(f"{name}/geometry", QByteArray(), type=QByteArray)
    return bool(value) and widget.restoreGeometry(value)


def save_state(name: str, state: QByteArray) -> None:
    """Remember a ``saveState()`` blob (a main window, a splitter)."""
    settings().setValue(f"{name}/state", state)


def load_state(name: str) -> QByteArray | None:
    """A remembered ``saveState()`` blob, or ``None``."""
    value = settings().value(f"{name}/state", QByteArray(), type=QByteArray)
    return value if value else None


def save_header(header: QHeaderView, name: str) -> None:
    """Remember a table header's column widths and order."""
    settings().setValue(f"{name}/header", header.saveState())


def restore_header(header: QHeaderView, name: str) -> bool:
    """Restore a table header's state; returns whether there was one to restore."""
    value = settings().value(f"{name}/header", QByteArray(), type=QByteArray)
    return bool(value) and header.restoreState(value)


def last_page() -> str:
    """The page the main window showed last ("referrals" by default)."""
    return str(settings().value(KEY_LAST_PAGE, "referrals", type=str))


def set_last_page(name: str) -> None:
    """Remember the page the main window shows."""
    settings().setValue(KEY_LAST_PAGE, name)
