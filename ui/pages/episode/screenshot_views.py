"""Scripted screenshots of the episode page and its dialogs (``hubapp --screenshot … --page episode…``).

``--page caseload`` shows My families; ``--page episode[:ID[:VIEW]]`` opens an episode (the first
of the worker's list, else the first waiting for allocation) on a tab (``assessment``, ``plan``,
``versions``, ``meetings``, ``outcomes``) or with a dialog open: ``print`` (the professional copy
previewed), ``print-family``, ``meeting`` (recording a review).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from hubapp.services import episodes, plans
from ui import tasks
from ui.pages.episode.episode_page import ASSESSMENT, MEETINGS, OUTCOMES, PLAN, VERSIONS, EpisodePage
from ui.pages.episode.meeting_dialog import MeetingDialog

TABS = {"assessment": ASSESSMENT, "plan": PLAN, "versions": VERSIONS, "meetings": MEETINGS, "outcomes": OUTCOMES}
POLL_MS = 100


def first_episode_id(page: EpisodePage, done: Callable[[int | None], None]) -> None:
    """The first episode of the signed-in worker's list, else the first waiting for allocation."""
    backend = page._backend  # noqa: SLF001 - the page's own backend, for this developer tool

    def find() -> int | None:
        for scope in (episodes.SCOPE_MINE, episodes.SCOPE_UNALLOCATED):
            rows = episodes.caseload(backend.uow(), scope)
            if rows:
                return rows[0].episode_id
        return None

    tasks.run_read(page, find, done)


def show_view(page: EpisodePage, view: str, grab: Callable[[QWidget], None]) -> None:
    """Bring up ``view`` on the loaded episode page, then call ``grab`` with what to capture."""
    detail = page.detail
    if view in TABS or not view or detail is None:
        page.tabs.setCurrentIndex(TABS.get(view, PLAN))
        grab(page.window())
        return
    plan_id = detail.draft_plan_id or detail.current_plan_id
    if view.startswith("print") and plan_id is not None:
        page.print_plan(plan_id)
        dialog = page.print_dialog
        assert dialog is not None
        if view == "print-family" and len(dialog.copy_group.buttons()) > 1:
            dialog.copy_group.buttons()[1].setChecked(True)
        _when(lambda: dialog.printout is not None and dialog.printout.copy == (
            "FAMILY" if view == "print-family" else "PROFESSIONAL"), lambda: grab(dialog))
        return
    if view == "meeting":
        backend = page._backend  # noqa: SLF001

        def opened(plan: object) -> None:
            dialog = MeetingDialog(backend, detail, plan, parent=page)  # type: ignore[arg-type]
            dialog.show()
            QTimer.singleShot(300, lambda: grab(dialog))

        current = detail.current_plan_id
        if current is None:
            opened(None)
        else:
            tasks.run_read(page, lambda: plans.get_plan(backend.uow(), current), opened)
        return
    grab(page.window())


def _when(condition: Callable[[], bool], then: Callable[[], None], tries: int = 300) -> None:
    if condition() or tries <= 0:
        QTimer.singleShot(300, then)
        return
    QTimer.singleShot(POLL_MS, lambda: _when(condition, then, tries - 1))
