"""Issue 7 for the episode page's dialogs: a save refused because someone else changed the record
first names who and when, and offers "Reload and re-apply" (the episode is reloaded and the dialog
opens again over it with what was typed, or says it no longer applies); nothing is overwritten
silently. A step the record no longer allows goes straight to "no longer applies". On SQLite and
PostgreSQL, with the other person's change made through the services on a second backend.

Also: every dialog is deleted once it has closed, saved or not (none piles up on the page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from hubapp.domain.meeting_dto import AttendeeInput, ScheduleInput
from hubapp.domain.plan_dto import AllocationInput, NeedInput
from hubapp.drafts import DraftJournal
from hubapp.services import episodes, meetings, needs, plans
from hubapp.services.session import Backend
from tests.unit.ui.conftest import _drain
from tests.unit.ui.episode_seed import running_plan, submitted_assessment
from tests.unit.ui.pages.episode.test_dialog_drafts import (
    CASES,
    CLOSE,
    SUMMARY,
    Case,
    closing_episode,
    kept,
    leave,
    on_exec,
    press_ok,
    type_closure,
)
from tests.unit.ui.seed import Seeded, seed, signed_in
from tests.unit.ui.test_episode_page import open_episode
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.episode.dialogs import (
    NEED_KIND,
    REAPPLY,
    RELOAD,
    CloseDialog,
    NeedDialog,
    ServiceDialog,
    TextDialog,
)
from ui.pages.episode.episode_page import EpisodePage
from ui.pages.episode.meeting_dialog import DRAFT_KIND as MEETING_KIND
from ui.pages.episode.meeting_dialog import MeetingDialog
from ui.widgets.form_draft import COPY


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@dataclass(frozen=True)
class World:
    """My backend and window, another person's backend on the same database, and the seeded data."""

    mine: Backend
    theirs: Backend
    seeded: Seeded
    window: MainWindow


@pytest.fixture
def world(url: str, qtbot: QtBot) -> Iterator[World]:
    mine = signed_in(url)
    seeded = seed(mine)
    theirs = signed_in(url)
    assert mine.actor is not None
    window = MainWindow(mine, mine.actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    yield World(mine, theirs, seeded, window)
    window.close()
    _drain(qtbot)
    theirs.close()
    mine.close()


def allocate_elsewhere(backend: Backend, episode_id: int) -> None:
    """Someone else allocates the episode again (it changes; closing it still applies)."""
    e = episodes.get_episode(backend.uow(), episode_id)
    assert e.lead_worker_id is not None
    episodes.allocate(backend.uow(), AllocationInput(e.id, e.version, e.lead_worker_id))


def version_of(backend: Backend, episode_id: int) -> int:
    return episodes.get_episode(backend.uow(), episode_id).version


def lost_race(qtbot: QtBot, dialog: ServiceDialog, action: str) -> None:
    """The save was refused naming who and when; OK is gone and cannot start another save."""
    assert dialog.isVisible() and dialog.result_value is None and dialog.banner.kind == "warning"
    assert "was changed by" in dialog.banner.text and " at " in dialog.banner.text
    assert dialog.banner.action.text() == action and not dialog.save_button.isVisibleTo(dialog)
    running = tasks.pending_count()
    dialog._on_buttons_accepted()  # noqa: SLF001 - OK again: refused at once, nothing is sent
    assert tasks.pending_count() == running


def only_own_reloads(page: EpisodePage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ignore the other client's commits (the change listener would reload the page by itself)."""
    monkeypatch.setattr(page, "maybe_refresh", lambda *_args: None)


def deferred_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# ---- A lost race: reload and re-apply


def test_a_closure_that_lost_a_race_is_put_back_over_their_change_and_saves(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = closing_episode(world.mine, world.seeded)

    def type_lose_and_reapply(dialog: CloseDialog) -> int:
        type_closure(qtbot, dialog)
        allocate_elsewhere(world.theirs, episode_id)
        assert press_ok(qtbot, dialog) == 0
        lost_race(qtbot, dialog, REAPPLY)
        dialog.banner.action.click()
        assert not dialog.isVisible() and len(kept(CLOSE)) == 1  # closed; what was typed is in the journal
        return 0

    def reopened(dialog: CloseDialog) -> int:
        assert dialog.narrative.toPlainText() == SUMMARY and dialog.reason.currentData() == "DISENGAGED"
        assert not dialog.no_longer_applies and dialog.save_button.isVisibleTo(dialog)
        assert "changed this early help episode" in dialog.banner.text and "put back" in dialog.banner.text
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, type_lose_and_reapply, reopened, cls=CloseDialog)
    page = open_episode(world.window, qtbot, episode_id)
    only_own_reloads(page, monkeypatch)
    page.action_buttons["close"].click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.status == "CLOSED", timeout=10_000)
    assert episodes.get_episode(world.mine.uow(), episode_id).status == "CLOSED" and kept(CLOSE) == []


@CASES
def test_a_save_that_lost_a_race_to_a_change_it_no_longer_applies_to_says_so_when_reapplied(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    episode_id = case.seed(world.mine, world.seeded)
    copied: list[str] = []

    def type_lose_and_reapply(dialog: Any) -> int:
        case.type_it(qtbot, dialog)
        case.move_on(world.theirs, episode_id)
        assert press_ok(qtbot, dialog) == 0
        lost_race(qtbot, dialog, REAPPLY)
        dialog.banner.action.click()
        return 0

    def stale(dialog: Any) -> int:
        assert dialog.no_longer_applies and case.moved_on in dialog.banner.text
        assert case.typed(dialog) == case.text and dialog.banner.action.text() == COPY
        dialog.banner.action.click()
        copied.append(QGuiApplication.clipboard().text())
        return leave(prompts.KEEP, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, type_lose_and_reapply, stale, cls=case.cls)
    case.press(open_episode(world.window, qtbot, episode_id))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert case.text in copied[0] and len(kept(case)) == 1


def test_closing_a_dialog_that_lost_a_race_reloads_the_episode_and_keeps_the_draft(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = closing_episode(world.mine, world.seeded)

    def type_lose_and_leave(dialog: CloseDialog) -> int:
        type_closure(qtbot, dialog)
        allocate_elsewhere(world.theirs, episode_id)
        press_ok(qtbot, dialog)
        lost_race(qtbot, dialog, REAPPLY)
        return leave(prompts.KEEP, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, type_lose_and_leave, cls=CloseDialog)
    page = open_episode(world.window, qtbot, episode_id)
    only_own_reloads(page, monkeypatch)
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        page.action_buttons["close"].click()
    assert page.detail is not None and page.detail.version == version_of(world.mine, episode_id)
    assert page.detail.status == "CLOSING" and len(seen) == 1 and len(kept(CLOSE)) == 1


def test_a_dialog_keeping_no_draft_says_who_changed_it_and_reload_shows_their_change(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(world.mine, world.seeded)

    def type_lose_and_reload(dialog: TextDialog) -> int:
        qtbot.keyClicks(dialog.text, (dt.date.today() + dt.timedelta(days=14)).strftime("%d/%m/%Y"))
        allocate_elsewhere(world.theirs, episode_id)
        assert press_ok(qtbot, dialog) == 0
        lost_race(qtbot, dialog, RELOAD)
        assert "was not saved" in dialog.banner.text and "changed by" in dialog.banner.text
        dialog.banner.action.click()
        assert not dialog.isVisible()
        return 0

    seen = on_exec(monkeypatch, type_lose_and_reload, cls=TextDialog)
    page = open_episode(world.window, qtbot, episode_id)
    only_own_reloads(page, monkeypatch)
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        page.action_buttons["put_on_hold"].click()
    assert len(seen) == 1 and page.detail is not None
    assert page.detail.version == version_of(world.mine, episode_id) and page.detail.status == "PLAN_ACTIVE"


def test_a_step_the_episode_no_longer_allows_goes_straight_to_no_longer_applies(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(world.mine, world.seeded)  # a running plan cannot be closed outright
    copied: list[str] = []

    def type_and_save(dialog: CloseDialog) -> int:
        type_closure(qtbot, dialog)
        assert press_ok(qtbot, dialog) == 0
        assert dialog.no_longer_applies and "plan active now" in dialog.banner.text
        assert dialog.narrative.toPlainText() == SUMMARY and dialog.banner.action.text() == COPY
        dialog.banner.action.click()
        copied.append(QGuiApplication.clipboard().text())
        assert len(kept(CLOSE)) == 1
        return leave(prompts.KEEP, monkeypatch)(dialog)

    on_exec(monkeypatch, type_and_save, cls=CloseDialog)
    page = open_episode(world.window, qtbot, episode_id)
    assert page.detail is not None
    # The page offered "Close" on a view of the episode it has moved on from (same version, other state).
    page.detail = dataclasses.replace(page.detail, allowed_actions=(*page.detail.allowed_actions, "close"))
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):  # reloaded once the dialog closed
        page.action_buttons["close"].click()
    assert SUMMARY in copied[0] and "close" not in page.detail.allowed_actions


def test_a_need_that_lost_a_race_puts_back_only_what_i_changed(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(world.mine, world.seeded)
    theirs_text = "Jack's attendance is 80% now; he misses Mondays and Fridays."

    def change_lose_and_reapply(dialog: NeedDialog) -> int:
        qtbot.keyClicks(dialog.evidence, "School report, March.")
        [need] = episodes.get_episode(world.theirs.uow(), episode_id).needs
        needs.save_need(world.theirs.uow(), NeedInput(episode_id, theirs_text, "SF01", need.person_ids,
                                                      need_id=need.id, expected_version=need.version,
                                                      identified_on=need.identified_on))
        assert press_ok(qtbot, dialog) == 0
        lost_race(qtbot, dialog, REAPPLY)
        dialog.banner.action.click()
        return 0

    def reopened(dialog: NeedDialog) -> int:
        assert dialog.description.toPlainText() == theirs_text  # theirs, which I did not touch
        assert dialog.evidence.toPlainText() == "School report, March."  # mine
        assert "changed this need" in dialog.banner.text
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, change_lose_and_reapply, reopened, cls=NeedDialog)
    page = open_episode(world.window, qtbot, episode_id)
    page.tabs.setCurrentWidget(page.plan_tab)
    [row] = page.detail.needs if page.detail else ()
    page.plan_tab.needs.edit(row)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    [stored] = episodes.get_episode(world.mine.uow(), episode_id).needs
    assert (stored.description, stored.outcome_evidence) == (theirs_text, "School report, March.")
    assert DraftJournal().drafts(NEED_KIND) == []


def test_a_meeting_record_that_lost_a_race_to_a_cancellation_keeps_the_text_to_copy(
        world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(world.mine, world.seeded)
    arranged = meetings.schedule_meeting(world.mine.uow(), ScheduleInput(
        episode_id, "TAF_REVIEW", dt.datetime.now(dt.UTC) + dt.timedelta(days=3), "School",
        (AttendeeInput("Sarah Smith", role="Mother"),)))
    notes = "Jack has been in every day this week."

    def type_lose_and_reapply(dialog: MeetingDialog) -> int:
        qtbot.keyClicks(dialog.notes, notes)
        meetings.cancel_meeting(world.theirs.uow(), arranged.row.id, arranged.row.version)
        assert press_ok(qtbot, dialog) == 0
        lost_race(qtbot, dialog, REAPPLY)
        dialog.banner.action.click()
        return 0

    def stale(dialog: MeetingDialog) -> int:
        assert dialog.no_longer_applies and "This meeting is cancelled now" in dialog.banner.text
        assert dialog.notes.toPlainText() == notes and dialog.banner.action.text() == COPY
        dialog.banner.action.click()
        assert notes in QGuiApplication.clipboard().text()
        return leave(prompts.KEEP, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, type_lose_and_reapply, stale, cls=MeetingDialog)
    page = open_episode(world.window, qtbot, episode_id)
    tab = page.meetings_tab
    page.tabs.setCurrentWidget(tab)
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    tab.held_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    [draft] = DraftJournal().drafts(MEETING_KIND)
    assert draft.data["notes"] == notes and draft.data["meeting_id"] == arranged.row.id


# ---- Closed dialogs are deleted


def no_dialogs_left(page: EpisodePage) -> bool:
    deferred_deletes()
    return page.findChildren(ServiceDialog) == []


def test_every_dialog_is_deleted_once_closed_saved_or_not(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    current = episodes.get_episode(backend.uow(), episode_id).current_plan_id
    assert current is not None
    plans.new_version(backend.uow(), current)  # a draft version, to agree
    page = open_episode(main_window, qtbot, episode_id)
    closed: list[str] = []

    def cancel(dialog: ServiceDialog) -> int:
        closed.append(type(dialog).__name__)
        dialog.reject()
        return 0

    def save(dialog: ServiceDialog) -> int:
        closed.append(type(dialog).__name__)
        if isinstance(dialog, NeedDialog):
            dialog.description.setPlainText("Mum wants help with bedtimes.")
        return press_ok(qtbot, dialog)

    on_exec(monkeypatch, cancel, save, cancel, cancel, cancel, save, cls=ServiceDialog)
    page.action_buttons["put_on_hold"].click()
    assert no_dialogs_left(page)
    page.tabs.setCurrentWidget(page.plan_tab)
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        page.plan_tab.needs.add_button.click()
    assert no_dialogs_left(page)
    qtbot.waitUntil(lambda: page.plan_tab.agree_button.isVisible(), timeout=10_000)
    page.plan_tab.agree_button.click()
    assert no_dialogs_left(page)
    page.tabs.setCurrentWidget(page.meetings_tab)
    page.meetings_tab.schedule_button.click()
    assert no_dialogs_left(page)
    page.meetings_tab.record_button.click()  # opens once the plan has loaded
    qtbot.waitUntil(lambda: len(closed) == 5, timeout=10_000)
    assert no_dialogs_left(page)
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        page.allocate_button.click()  # opens once the workers have loaded
    assert no_dialogs_left(page)
    assert closed == ["TextDialog", "NeedDialog", "AgreeDialog", "MeetingDialog", "MeetingDialog", "AllocateDialog"]


def test_a_meeting_record_left_as_a_draft_is_still_offered_next_time_and_its_dialog_is_deleted(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_episode(main_window, qtbot, running_plan(backend, seeded))
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.title) or prompts.RESTORE)
    notes: list[str] = []

    def type_and_keep(dialog: MeetingDialog) -> int:
        qtbot.keyClicks(dialog.notes, "Mum feels more in control.")
        return leave(prompts.KEEP, monkeypatch)(dialog)

    def again(dialog: MeetingDialog) -> int:
        notes.append(dialog.notes.toPlainText())
        return leave(prompts.KEEP, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, type_and_keep, again, cls=MeetingDialog)
    page.tabs.setCurrentWidget(page.meetings_tab)
    page.meetings_tab.record_button.click()
    qtbot.waitUntil(lambda: len(seen) == 1 and no_dialogs_left(page), timeout=10_000)
    assert offered == [] and len(DraftJournal().drafts(MEETING_KIND)) == 1
    page.meetings_tab.record_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2 and no_dialogs_left(page), timeout=10_000)
    assert offered == ["Meeting record for the Smith family"] and notes == ["Mum feels more in control."]


def test_the_assessment_return_dialog_is_deleted_once_closed(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_episode(main_window, qtbot, submitted_assessment(backend, seeded))
    seen = on_exec(monkeypatch, lambda d: d.reject() or 0, cls=TextDialog)
    page.tabs.setCurrentWidget(page.assessment_tab)
    page.assessment_tab.return_button.click()
    assert len(seen) == 1 and no_dialogs_left(page)
