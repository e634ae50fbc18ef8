"""Change broadcasting (STYLE R13): writes publish a ``Changes`` value; views decide whether to refresh.

A write's ``on_done`` calls ``app_events().publish(detail.changes, self)``; every open view
listens to ``sig_data_changed(changes, source)`` and may skip the refresh when it was the source.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hubapp.domain.dto import Changes


class AppEvents(QObject):
    """The program-wide event hub (one per process, on the GUI thread).

    Signals:
        sig_data_changed(object, object): a ``Changes`` value and the object that caused it
            (or ``None`` when the change came from elsewhere, e.g. another PC).
    """

    # ---- Signals
    sig_data_changed = Signal(object, object)

    def publish(self, changes: Changes, source: object | None = None) -> None:
        """Tell every view what a write touched.

        Args:
            changes: what the write touched.
            source: the object that made the change, so it can skip its own refresh.
        """
        if any((changes.families, changes.requests, changes.episodes, changes.transfers, changes.plans)):
            self.sig_data_changed.emit(changes, source)


_instance: AppEvents | None = None


def app_events() -> AppEvents:
    """The process's :class:`AppEvents` (created on first use, on the GUI thread)."""
    global _instance
    if _instance is None:
        _instance = AppEvents()
    return _instance
