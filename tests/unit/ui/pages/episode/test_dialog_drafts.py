"""Fault 4 (issue 7) for the episode page's small dialogs: the need dialog keeps what is typed as a
draft, dropped once saved or discarded, and offered back when a need is next added to the same
episode, after a crash too; the others keep one when whoever opens them asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.drafts import Draft, DraftJournal
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import accepted_episode
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_draft_recovery import start_window
from tests.unit.ui.test_episode_page import open_episode
from ui import tasks
from ui.dialogs import prompts
from ui.pages.episode.dialogs import NEED_KIND, CloseDialog, NeedDialog

NEED = "Jack's attendance is 85%; he misses Mondays."


def need_drafts() -> list[Draft]:
    return DraftJournal().drafts(NEED_KIND)


def on_exec(monkeypatch: pytest.MonkeyPatch, *steps: Callable[[NeedDialog], int]) -> list[NeedDialog]:
    """Replace ``NeedDialog.exec``: each opening shows the dialog and runs the next step; the dialogs seen."""
    seen: list[NeedDialog] = []
    todo = iter(steps)

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        dialog.show()
        return next(todo)(dialog)

    monkeypatch.setattr(NeedDialog, "exec", exec_)
    return seen


def test_a_need_typed_when_the_program_died_is_offered_when_a_need_is_next_added(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = accepted_episode(backend, seeded)

    def type_it(dialog: NeedDialog) -> int:
        qtbot.keyClicks(dialog.description, NEED)
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("SF01"))
        dialog.outcome.activated.emit(dialog.outcome.currentIndex())
        dialog.people.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.waitUntil(lambda: any(NEED in str(d.data) for d in need_drafts()), timeout=5_000)
        return 0  # the program dies with the dialog open: nobody is asked anything

    def restored(dialog: NeedDialog) -> int:
        qtbot.waitUntil(lambda: dialog.description.toPlainText() == NEED, timeout=5_000)
        dialog._on_buttons_accepted()  # noqa: SLF001 - OK, as the test helpers of the episode page do
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10_000)
        return 1

    seen = on_exec(monkeypatch, type_it, restored)
    first = start_window(backend, qtbot)
    open_episode(first, qtbot, episode_id).plan_tab.needs.add_button.click()
    [draft] = need_drafts()
    assert draft.title == "New need — Smith family"
    assert (draft.data["episode_id"], draft.data["need_id"]) == (episode_id, None)
    tasks.wait_idle()
    shiboken6.delete(first)

    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.title) or prompts.RESTORE)
    second = start_window(backend, qtbot)
    qtbot.addWidget(second)
    page = open_episode(second, qtbot, episode_id)
    with qtbot.waitSignal(page.sig_episode_loaded, timeout=10_000):
        page.plan_tab.needs.add_button.click()
    assert offered == ["New need — Smith family"] and len(seen) == 2
    again = seen[1]
    assert again.outcome.currentData() == "SF01" and again.people.item(0).checkState() == Qt.CheckState.Checked
    assert [n.description for n in page.detail.needs] == [NEED] and need_drafts() == []


@pytest.mark.parametrize(("answer", "kept"), [(prompts.DISCARD, False), (prompts.KEEP, True)])
def test_leaving_a_typed_need_asks_to_keep_or_discard_it(
        main_window: Any, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        answer: str, kept: bool) -> None:
    episode_id = accepted_episode(backend, seeded)
    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask_discard", lambda _p, what, keep=True: asked.append(what) or answer)

    def type_and_leave(dialog: NeedDialog) -> int:
        qtbot.keyClicks(dialog.description, NEED)
        qtbot.keyClick(dialog.description, Qt.Key.Key_Escape)
        return 0

    on_exec(monkeypatch, type_and_leave)
    open_episode(main_window, qtbot, episode_id).plan_tab.needs.add_button.click()
    assert asked == ["this need"]
    assert [NEED in str(d.data) for d in need_drafts()] == ([True] if kept else [])


def test_a_dialog_told_to_keep_a_draft_after_it_was_built_keeps_every_field(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def closing(episode_id: int) -> CloseDialog:
        dialog = CloseDialog(lambda *_a: lambda: None)
        qtbot.addWidget(dialog)
        dialog.keep_drafts("episode_close", "test database",
                           lambda: ("Closing the episode — Smith family", {"episode_id": episode_id}), "this closure")
        return dialog

    first = closing(12)
    first.reason.setCurrentIndex(first.reason.findData("DISENGAGED"))
    first.reason.activated.emit(first.reason.currentIndex())
    qtbot.keyClicks(first.narrative, "Mum stopped answering after March.")
    qtbot.waitUntil(lambda: bool(DraftJournal().drafts("episode_close")), timeout=5_000)
    [draft] = DraftJournal().drafts("episode_close")
    assert draft.data == {"episode_id": 12, "fields": {"reason": "DISENGAGED", "destination": "",
                                                       "narrative": "Mum stopped answering after March."}}
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.title) or prompts.RESTORE)
    other = closing(13)  # another episode: nothing offered
    other.show()
    assert other.drafts is not None and other.drafts.waiting() is None
    again = closing(12)
    again.show()
    qtbot.waitUntil(lambda: again.narrative.toPlainText() == "Mum stopped answering after March.", timeout=5_000)
    assert offered == ["Closing the episode — Smith family"] and again.reason.currentData() == "DISENGAGED"
    again._on_done(object())  # noqa: SLF001 - the save went through
    assert DraftJournal().drafts("episode_close") == []
