"""Fault 4 (issue 7): a meeting record, a need or edits to the plan being typed when the program died
are offered at the next start (not only when their form is next opened), and open again on the right
episode and tab with what was typed; one the episode has moved past since says so and keeps the text
to copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from hubapp.domain.meeting_dto import AttendeeInput, ScheduleInput
from hubapp.domain.plan_dto import AgreementInput
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import episodes, meetings, plans
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.pages.episode.test_dialog_drafts import kill, leave, on_exec, press_ok, restart
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_draft_recovery import start_window
from tests.unit.ui.test_episode_page import open_episode
from tests.unit.ui.test_faults_plan_editor import draft_plan, open_plan, type_edits
from ui.dialogs import prompts
from ui.pages.episode.dialogs import NeedDialog
from ui.pages.episode.episode_page import MEETINGS, PLAN, EpisodePage
from ui.pages.episode.kept_drafts import KINDS, MEETING_KIND, NEED_KIND, PLAN_KIND
from ui.pages.episode.meeting_dialog import MeetingDialog
from ui.pages.episode.plan_tab import COPY_EDITS
from ui.widgets.form_draft import COPY

NOTES = "Attendance up to 93%; mum feels more in control."
NEED = "Mum wants help with bedtimes."
NETWORK = "Nan walks Jack on Mondays."


def drafts_of(kind: str) -> list[Draft]:
    return DraftJournal().drafts(kind)


def on_disk(qtbot: QtBot, kind: str, text: str) -> None:
    qtbot.waitUntil(lambda: any(text in str(d.data) for d in drafts_of(kind)), timeout=5_000)


def arranged_meeting(backend: Backend, episode_id: int) -> int:
    """A review arranged for later this week: the meeting id."""
    return meetings.schedule_meeting(backend.uow(), ScheduleInput(
        episode_id, "TAF_REVIEW", dt.datetime.now(dt.UTC) + dt.timedelta(days=3), "School",
        (AttendeeInput("Sarah Smith", role="Mother"),))).row.id


def test_the_new_kinds_are_offered_at_start() -> None:
    assert {MEETING_KIND, NEED_KIND, PLAN_KIND} <= KINDS


def test_a_meeting_record_typed_when_the_program_died_opens_again_at_start_and_saves(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    pages: list[EpisodePage] = []

    def type_it(dialog: MeetingDialog) -> int:
        qtbot.keyClicks(dialog.notes, NOTES)
        on_disk(qtbot, MEETING_KIND, NOTES)
        return 0  # the program dies with the dialog open

    def restored(dialog: MeetingDialog) -> int:
        page = pages[-1]
        assert dialog.notes.toPlainText() == NOTES and not dialog.no_longer_applies
        assert page.episode_id == episode_id and page.tabs.currentIndex() == MEETINGS
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, type_it, restored, cls=MeetingDialog)
    first = start_window(backend, qtbot)
    page = open_episode(first, qtbot, episode_id)
    page.meetings_tab.record_button.click()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10_000)
    kill(first)

    window, offered = restart_on(backend, qtbot, monkeypatch, pages)
    assert offered == ["Meeting record for the Smith family"]
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert window.current_page() == "episode" and drafts_of(MEETING_KIND) == []
    [held] = episodes.get_episode(backend.uow(), episode_id).meetings
    assert meetings.get_meeting(backend.uow(), held.id).decision_notes == NOTES


def test_a_record_of_a_meeting_cancelled_since_opens_at_start_saying_so_with_the_text_to_copy(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    meeting_id = arranged_meeting(backend, episode_id)

    def type_it(dialog: MeetingDialog) -> int:
        qtbot.keyClicks(dialog.notes, NOTES)
        on_disk(qtbot, MEETING_KIND, NOTES)
        return 0

    def stale(dialog: MeetingDialog) -> int:
        assert dialog.no_longer_applies and "This meeting is cancelled now" in dialog.banner.text
        assert dialog.notes.toPlainText() == NOTES and dialog.banner.action.text() == COPY
        dialog.banner.action.click()
        assert NOTES in QGuiApplication.clipboard().text()
        return leave(prompts.DISCARD, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, type_it, stale, cls=MeetingDialog)
    first = start_window(backend, qtbot)
    tab = open_episode(first, qtbot, episode_id).meetings_tab
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    tab.held_button.click()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10_000)
    kill(first)
    m = meetings.get_meeting(backend.uow(), meeting_id).row
    meetings.cancel_meeting(backend.uow(), m.id, m.version)  # meanwhile, on another PC

    _window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == ["Meeting record for the Smith family"]
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert drafts_of(MEETING_KIND) == []  # thrown away on leaving


def test_a_need_typed_when_the_program_died_opens_again_at_start_and_saves(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    pages: list[EpisodePage] = []

    def type_it(dialog: NeedDialog) -> int:
        qtbot.keyClicks(dialog.description, NEED)
        on_disk(qtbot, NEED_KIND, NEED)
        return 0

    def restored(dialog: NeedDialog) -> int:
        page = pages[-1]
        assert dialog.description.toPlainText() == NEED and not dialog.no_longer_applies
        assert page.episode_id == episode_id and page.tabs.currentIndex() == PLAN
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, type_it, restored, cls=NeedDialog)
    first = start_window(backend, qtbot)
    open_episode(first, qtbot, episode_id).plan_tab.needs.add_button.click()
    kill(first)

    _window, offered = restart_on(backend, qtbot, monkeypatch, pages)
    assert offered == ["New need — Smith family"]
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert NEED in [n.description for n in episodes.get_episode(backend.uow(), episode_id).needs]
    assert drafts_of(NEED_KIND) == []


def new_draft_version(backend: Backend, episode_id: int) -> None:
    current = episodes.get_episode(backend.uow(), episode_id).current_plan_id
    assert current is not None
    plans.new_version(backend.uow(), current)


def type_plan_edits_and_die(backend: Backend, episode_id: int, qtbot: QtBot) -> None:
    first, tab = open_plan(backend, episode_id, qtbot, register=False)
    type_edits(tab, qtbot)
    on_disk(qtbot, PLAN_KIND, NETWORK)
    kill(first)


def test_plan_edits_typed_when_the_program_died_come_back_at_start_and_save(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    new_draft_version(backend, episode_id)
    type_plan_edits_and_die(backend, episode_id, qtbot)

    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == ["Plan of the Smith family (version 2)"]
    page = window.episode_page
    tab = page.plan_tab
    qtbot.waitUntil(lambda: tab.network.toPlainText() == NETWORK, timeout=10_000)
    assert window.current_page() == "episode" and page.episode_id == episode_id and page.tabs.currentIndex() == PLAN
    assert tab.is_dirty() and "are back" in tab.notice.text
    assert offered == ["Plan of the Smith family (version 2)"]  # put back, not offered a second time
    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000) as saved:
        tab.save()
    assert saved.args == [True] and draft_plan(backend, episode_id).network_contribution == NETWORK
    assert drafts_of(PLAN_KIND) == []


def test_plan_edits_to_a_version_agreed_since_say_so_at_start_and_can_be_copied(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = running_plan(backend, seeded)
    new_draft_version(backend, episode_id)
    type_plan_edits_and_die(backend, episode_id, qtbot)
    v2 = draft_plan(backend, episode_id)
    plans.agree_plan(backend.uow(), AgreementInput(v2.id, v2.version, dt.date.today(), "Sarah Smith", "SIGNED"))

    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == ["Plan of the Smith family (version 2)"]
    tab = window.episode_page.plan_tab
    qtbot.waitUntil(lambda: "cannot be put back" in tab.notice.text, timeout=10_000)
    assert "version 2 of the plan is active now" in tab.notice.text and tab.notice.kind == "warning"
    assert not tab.is_dirty() and tab.network.toPlainText() == ""  # the agreed version, as it is
    assert tab.notice.action.text() == COPY_EDITS
    tab.notice.action.click()
    assert NETWORK in QGuiApplication.clipboard().text()
    assert "Jack is in school every day, on time." in QGuiApplication.clipboard().text()
    assert len(drafts_of(PLAN_KIND)) == 1  # still kept on this PC


def restart_on(backend: Backend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
               pages: list[EpisodePage]) -> tuple[Any, list[str]]:
    """:func:`restart`, noting the new window's episode page (for the dialog steps to look at)."""
    window, offered = restart(backend, qtbot, monkeypatch)
    pages.append(window.episode_page)
    return window, offered
