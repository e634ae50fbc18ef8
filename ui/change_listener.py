"""Hears what other clients commit and re-broadcasts it as ``app_events().sig_data_changed``.

The Qt-free feed (``hubapp.services.changefeed``) is opened in a worker. On PostgreSQL a
``QSocketNotifier`` watches the listening connection's socket and the notifications are drained on
the GUI thread (a non-blocking read of bytes already received: no query runs there). On SQLite a
timer polls ``PRAGMA data_version`` every half second in a worker. Bursts are merged over a short
delay so that a flurry of commits causes one refresh. A dropped connection is reopened every few
seconds, and once it is back everything is announced as changed (notifications may have been
missed meanwhile).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot

from hubapp.domain.dto import Changes
from hubapp.domain.errors import DomainError
from hubapp.services import changefeed
from hubapp.services.session import Backend
from ui import tasks
from ui.app_events import app_events

log = logging.getLogger(__name__)

MERGE_MS = 150
RETRY_MS = 5_000


class ChangeListener(QObject):
    """Turns another client's commits into ``sig_data_changed(changes, None)``.

    Signals:
        sig_remote_changed(object): the merged ``Changes`` just published.
        sig_listening_changed(bool): the feed opened (True) or was lost (False).

    Args:
        backend: the open database.
        parent: the owning object (the main window).
        publish: whether to publish on the program's event hub (tests may watch the signal only).
    """

    # ---- Signals
    sig_remote_changed = Signal(object)
    sig_listening_changed = Signal(bool)

    def __init__(self, backend: Backend, parent: QObject | None = None, publish: bool = True) -> None:
        super().__init__(parent)
        self._feed = changefeed.make_feed(backend.db)
        self._publish = publish
        self._notifier: QSocketNotifier | None = None
        self._pending: list[Changes] = []
        self._polling = False
        self._stopped = False
        self._missed = False
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(int((self._feed.poll_interval or 0.5) * 1000))
        self._poll_timer.timeout.connect(self._on_poll_timer_timeout)
        self._merge_timer = QTimer(self)
        self._merge_timer.setSingleShot(True)
        self._merge_timer.setInterval(MERGE_MS)
        self._merge_timer.timeout.connect(self._on_merge_timer_timeout)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(RETRY_MS)
        self._retry_timer.timeout.connect(self.start)

    # ---- Public

    @property
    def is_listening(self) -> bool:
        """Whether the feed is open."""
        return self._feed.is_open and not self._stopped

    def start(self) -> None:
        """Open the feed in a worker, then listen."""
        if self._stopped:
            return
        feed = self._feed
        tasks.run_read(self, feed.open, self._on_feed_opened, self._on_feed_failed)

    def stop(self) -> None:
        """Stop listening and close the feed's connection."""
        self._stopped = True
        self._poll_timer.stop()
        self._retry_timer.stop()
        self._merge_timer.stop()
        self._drop_notifier()
        self._feed.close()

    # ---- Feed

    def _on_feed_opened(self, _result: object) -> None:
        if self._stopped:
            self._feed.close()
            return
        fd = self._feed.fileno()
        if fd is not None:
            self._notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._on_notifier_activated)
        else:
            self._poll_timer.start()
        self.sig_listening_changed.emit(True)
        if self._missed:
            self._missed = False
            self._queue([changefeed.EVERYTHING])

    def _on_feed_failed(self, exc: Exception) -> None:
        log.warning("Live updates are not available just now: %s", exc)
        self._lost()

    def _lost(self) -> None:
        self._drop_notifier()
        self._poll_timer.stop()
        self._feed.close()
        self._missed = True
        self.sig_listening_changed.emit(False)
        if not self._stopped:
            self._retry_timer.start()

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    @Slot()
    def _on_notifier_activated(self) -> None:
        try:
            found = self._feed.read()  # bytes already on the socket: never waits on the server
        except DomainError as exc:
            log.warning("The live-update connection dropped: %s", exc)
            self._lost()
            return
        self._queue(found)

    @Slot()
    def _on_poll_timer_timeout(self) -> None:
        if self._polling:
            return
        self._polling = True
        tasks.run_read(self, self._feed.read, self._on_poll_done, self._on_poll_failed)

    def _on_poll_done(self, found: list[Changes]) -> None:
        self._polling = False
        self._queue(found)

    def _on_poll_failed(self, exc: Exception) -> None:
        self._polling = False
        log.warning("Polling for changes failed: %s", exc)
        self._lost()

    # ---- Publishing

    def _queue(self, found: list[Changes]) -> None:
        if found and not self._stopped:
            self._pending.extend(found)
            if not self._merge_timer.isActive():
                self._merge_timer.start()

    @Slot()
    def _on_merge_timer_timeout(self) -> None:
        if not self._pending:
            return
        merged = changefeed.merge(self._pending)
        self._pending = []
        self.sig_remote_changed.emit(merged)
        if self._publish:
            app_events().publish(merged, None)
