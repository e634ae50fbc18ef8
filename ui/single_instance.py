"""One hubapp per person and database: a second copy brings the first one's window forward.

The first copy listens on a local socket (a named pipe on Windows) named after the login and the
database (without any password). A second copy started for the same login and database connects,
asks the first to show its window, and exits at once; for another database it simply runs.
People double-click the icon twice, or start hubapp from the Start menu while it is hidden behind
other windows: two copies on one database would each keep drafts and settings of their own.

A socket left behind by a copy that crashed (Unix) is noticed (nobody answers) and replaced.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
CONNECT_MS = 500
WRITE_MS = 1000
READ_MS = 500


def server_name(target: str, user: str | None = None) -> str:
    """The socket name for a login and a database (a hash: neither is readable from it).

    Args:
        target: the database, e.g. its URL without the password.
        user: the login (default: the current one).
    """
    who = user if user is not None else _login()
    digest = hashlib.sha256(f"{who}\0{target}".encode()).hexdigest()[:20]
    return f"hubapp-{digest}"


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account): one guard for all
        return "unknown"


def raise_window(window: QWidget | None) -> None:
    """Bring a window forward: un-minimise, show, raise and activate it."""
    if window is None:
        return
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """The guard: :meth:`claim` says whether this copy is the first for its name.

    Signals:
        sig_activation_requested(): a second copy asked this one to show its window.

    Args:
        name: the socket name (see :func:`server_name`).
        parent: the owning object.
    """

    # ---- Signals
    sig_activation_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    @property
    def listening(self) -> bool:
        """Whether this copy holds the name."""
        return self._server is not None and self._server.isListening()

    def claim(self) -> bool:
        """Take the name, or hand over to the copy that holds it.

        Returns:
            ``True``: this is the first copy (or the guard could not work; the program runs anyway).
            ``False``: another copy holds the name and was asked to show its window; exit now.
        """
        if self._ask_running_copy():
            return False
        server = QLocalServer(self)
        # Only this login may connect (a Unix socket's mode; on Windows, the pipe's access list).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            if server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
                if self._ask_running_copy():  # it started a moment ago
                    return False
                QLocalServer.removeServer(self.name)  # left behind by a copy that crashed
            if not server.listen(self.name):
                log.warning("The single-copy guard is off: %s", server.errorString())
                return True
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        return True

    def close(self) -> None:
        """Give up the name (at exit)."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def _ask_running_copy(self) -> bool:
        """Whether a copy answered on the name; if so it has been asked to show its window."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        if sys.platform == "win32":
            # Windows lets a program bring itself forward only if the foreground one allows it.
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(WRITE_MS)
        socket.disconnectFromServer()
        log.info("hubapp is already open for this database; asked it to show its window")
        return True

    @Slot()
    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # A second copy writes its request as soon as it connects, so a short wait suffices.
            if socket.bytesAvailable() or socket.waitForReadyRead(READ_MS):
                if ACTIVATE.strip() in bytes(socket.readAll().data()):
                    self.sig_activation_requested.emit()
            socket.abort()
            socket.deleteLater()


__all__ = ["SingleInstance", "raise_window", "server_name"]
