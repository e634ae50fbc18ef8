"""Scripted screenshots of the front door's dialogs: ``hubapp --screenshot PATH --page intake``.

Pages: ``intake`` (the intake form), ``decide[:ID]`` and ``request[:ID]`` (the decision and the
request view of a request, by default the first in the referrals inbox), ``new-family``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from ui.models.base import KEY_ROLE

if TYPE_CHECKING:
    from ui.main_window import MainWindow

PAGES = ("intake", "decide", "request", "new-family")
SETTLE_MS = 800


def show(window: MainWindow, page: str, grab: Callable[[QWidget], None]) -> None:
    """Open the dialog ``page`` names and call ``grab(dialog)`` once it shows its data."""
    name, _, given = page.partition(":")
    door = window.front_door
    if name == "intake":
        dialog: QWidget = door.new_request()
        QTimer.singleShot(SETTLE_MS, lambda: grab(dialog))
        return
    if name == "new-family":
        dialog = door.new_family()
        QTimer.singleShot(SETTLE_MS, lambda: grab(dialog))
        return
    model = window.referrals_page.model
    request_id = int(given) if given.isdigit() else (model.index(0, 0).data(KEY_ROLE) if model.rowCount() else None)
    if request_id is None:
        raise LookupError("no request to show: the referrals inbox is empty")
    opened = door.decide_request(int(request_id)) if name == "decide" else door.view_request(int(request_id))
    opened.sig_loaded.connect(lambda _view: QTimer.singleShot(SETTLE_MS, lambda: grab(opened)))
