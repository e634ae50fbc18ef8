"""Faults 1, 3 and 4 (issue 7) in the plan editor, on a real main window.

* Someone else saves the draft first: the save is refused naming who and when; "Reload" shows
  their version, "Re-apply" puts my edits on top of theirs and saves once (SQLite and PostgreSQL,
  two backends on one database).
* The connection is killed mid-save (PostgreSQL): the banner says so, the edits and their draft
  stay, and "Try again" saves them once.
* The window dies with edits on screen: the next time the plan opens, the edits are offered back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.domain.plan_dto import PlanActionInput, PlanDetail, PlanGoalInput, PlanInput
from hubapp.drafts import DraftJournal
from hubapp.services import episodes, plans
from hubapp.services.session import Backend
from tests.unit.ui.conftest import _drain
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.seed import Seeded, seed, signed_in
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.episode.plan_model import WHAT
from ui.pages.episode.plan_tab import DRAFT_KIND, PlanTab


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def world(url: str, qtbot: QtBot) -> Iterator[tuple[Backend, Backend, int]]:
    """My backend, another person's backend on the same database, and an episode with a draft plan."""
    mine = signed_in(url)
    seeded = seed(mine)
    episode_id = running_plan(mine, seeded)
    e = episodes.get_episode(mine.uow(), episode_id)
    assert e.current_plan_id is not None
    plans.new_version(mine.uow(), e.current_plan_id)
    theirs = signed_in(url)
    yield mine, theirs, episode_id
    _drain(qtbot)
    theirs.close()
    mine.close()


def open_plan(backend: Backend, episode_id: int, qtbot: QtBot, register: bool = True) -> tuple[MainWindow, PlanTab]:
    assert backend.actor is not None
    window = MainWindow(backend, backend.actor, start_page="referrals", restore=False)
    if register:  # a window the test destroys itself is not handed to qtbot
        qtbot.addWidget(window)
    window.show()
    page = window.episode_page
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        window.open_episode(episode_id)
    tab = page.plan_tab
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.plan is not None and tab.plan.editable, timeout=10_000)
    return window, tab


def type_edits(tab: PlanTab, qtbot: QtBot) -> None:
    """Change the goal's wording in the grid and type into the network's contribution."""
    goal_row = tab.model.index(0, WHAT)
    tab.model.setData(goal_row, "Jack is in school every day, on time.", Qt.ItemDataRole.EditRole)
    tab.network.setFocus()
    qtbot.keyClicks(tab.network, "Nan walks Jack on Mondays.")
    assert tab.is_dirty()


def draft_plan(backend: Backend, episode_id: int) -> PlanDetail:
    e = episodes.get_episode(backend.uow(), episode_id)
    assert e.draft_plan_id is not None
    return plans.get_plan(backend.uow(), e.draft_plan_id)


def goal_inputs(plan: PlanDetail) -> tuple[PlanGoalInput, ...]:
    """A saved plan's goals as ``PlanInput`` wants them (what another client sends back unchanged)."""
    return tuple(PlanGoalInput(g.description, g.sf_outcome or "", g.need_id, tuple(
        PlanActionInput(a.what, a.who_kind, a.who_id, a.who_text or "", a.due_on, a.status, a.completed_on, a.id)
        for a in g.actions), g.id) for g in plan.goals)


def someone_else_saves(theirs: Backend, plan: PlanDetail) -> PlanDetail:
    """Another person saves the same draft: the services provided change, nothing else."""
    return plans.save_plan(theirs.uow(), PlanInput(plan.id, plan.version, goal_inputs(plan), "",
                                                   "Parenting course booked.", "", plan.review_interval_days))


def test_a_lost_race_names_who_and_re_apply_saves_my_edits_on_top_of_theirs(
    world: tuple[Backend, Backend, int], qtbot: QtBot,
) -> None:
    mine, theirs, episode_id = world
    window, tab = open_plan(mine, episode_id, qtbot)
    opened = tab.plan
    assert opened is not None
    type_edits(tab, qtbot)
    saved_by_them = someone_else_saves(theirs, opened)

    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000) as refused:
        tab.save()
    assert refused.args == [False]
    assert tab.notice.kind == "warning"
    assert "changed by" in tab.notice.text and " at " in tab.notice.text
    assert tab.reload_button.isVisible() and tab.notice.action.text().startswith("Re-apply")
    assert tab.network.toPlainText() == "Nan walks Jack on Mondays."  # nothing typed is lost
    assert draft_plan(mine, episode_id).version == saved_by_them.version  # theirs stands

    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000) as again:
        tab.notice.action.click()
    assert again.args == [True]
    stored = draft_plan(mine, episode_id)
    assert stored.version == saved_by_them.version + 1
    assert stored.network_contribution == "Nan walks Jack on Mondays."           # mine
    assert stored.services_provided == "Parenting course booked."                # theirs, kept
    assert stored.goals[0].description == "Jack is in school every day, on time."
    assert len(stored.goals) == len(opened.goals)                                 # nothing doubled
    assert not tab.is_dirty() and not DraftJournal().drafts(DRAFT_KIND)
    window.close()


def test_reload_shows_their_version_and_drops_mine(world: tuple[Backend, Backend, int], qtbot: QtBot) -> None:
    mine, theirs, episode_id = world
    window, tab = open_plan(mine, episode_id, qtbot)
    assert tab.plan is not None
    type_edits(tab, qtbot)
    saved_by_them = someone_else_saves(theirs, tab.plan)
    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000):
        tab.save()
    tab.reload_button.click()
    qtbot.waitUntil(lambda: tab.plan is not None and tab.plan.version == saved_by_them.version, timeout=10_000)
    assert tab.services.toPlainText() == "Parenting course booked." and tab.network.toPlainText() == ""
    assert not tab.is_dirty() and tab.notice.isHidden()
    assert not DraftJournal().drafts(DRAFT_KIND)
    window.close()


def test_edits_on_screen_when_the_window_dies_are_offered_back(
    backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    episode_id = running_plan(backend, seeded)
    e = episodes.get_episode(backend.uow(), episode_id)
    assert e.current_plan_id is not None
    plans.new_version(backend.uow(), e.current_plan_id)
    first, tab = open_plan(backend, episode_id, qtbot, register=False)
    type_edits(tab, qtbot)
    qtbot.waitUntil(lambda: any("Nan walks" in str(d.data) for d in DraftJournal().drafts(DRAFT_KIND)),
                    timeout=5_000)
    tasks.wait_idle()
    shiboken6.delete(first)  # the program dies: no close, no question, no save

    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.title) or prompts.RESTORE)
    second, tab = open_plan(backend, episode_id, qtbot)
    qtbot.waitUntil(lambda: bool(offered), timeout=5_000)
    assert offered == ["Plan of the Smith family (version 2)"]
    assert tab.network.toPlainText() == "Nan walks Jack on Mondays."
    assert tab.model.goals[0].description == "Jack is in school every day, on time."
    assert tab.is_dirty()
    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000) as saved:
        tab.save()
    assert saved.args == [True]
    assert draft_plan(backend, episode_id).network_contribution == "Nan walks Jack on Mondays."
    assert not DraftJournal().drafts(DRAFT_KIND)
    second.close()
