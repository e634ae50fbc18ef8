"""Scripted screenshots of the dashboard (``hubapp --screenshot PATH --page dashboard[:VIEW]``).

``VIEW`` is ``tiles`` (the default: the indicators with their charts), ``drill`` or ``drill:N``
(the list behind indicator N; without N the first indicator below target, else the first),
``quality`` (recording quality, the first check's records) or ``sf`` (Supporting Families with the
first family's evidence).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.pages.dashboard.dashboard_page import DashboardPage

VIEWS = ("tiles", "drill", "quality", "sf")


def _once(signal: object, then: Callable[..., None]) -> None:
    def fire(*args: object) -> None:
        signal.disconnect(fire)  # type: ignore[attr-defined]
        then(*args)

    signal.connect(fire)  # type: ignore[attr-defined]


def show(window: MainWindow, spec: str, grab: Callable[[QWidget], None], fail: Callable[[str], None]) -> None:
    """Bring up the dashboard view ``spec`` (``dashboard[:VIEW[:N]]``), then call ``grab(window)``."""
    _, _, rest = spec.partition(":")
    view, _, number = rest.partition(":")
    from ui.pages.dashboard.dashboard_page import QUALITY, SUPPORTING_FAMILIES  # loaded with the page

    page = window.dashboard_area.page
    if page is None:
        fail("This worker may not see the dashboard")
        return
    target: DashboardPage = page

    def charted() -> None:
        if view == "drill":
            board = target.dashboard
            assert board is not None
            position = int(number) - 1 if number.isdigit() else next(
                (n for n, i in enumerate(board.indicators) if i.below_target), 0)
            _once(target.sig_drill_loaded, lambda _t: grab(window))
            target.open_drill_down(position)
        elif view == "quality":
            _once(target.quality.sig_list_loaded, lambda _t: grab(window))
            target.tabs.setCurrentIndex(QUALITY)
        elif view == "sf":
            def families(table: object) -> None:
                if target.supporting_families.families.current_family_id() is None:
                    grab(window)
                else:
                    _once(target.supporting_families.sig_evidence_loaded, lambda _t: grab(window))

            _once(target.supporting_families.sig_loaded, families)
            target.tabs.setCurrentIndex(SUPPORTING_FAMILIES)
        else:
            grab(window)

    def loaded(_board: object) -> None:
        if target.tiles.charts_pending():
            _once(target.tiles.sig_charts_built, charted)
        else:
            charted()

    _once(target.sig_dashboard_loaded, loaded)
    window.dashboard_area.go_to()
