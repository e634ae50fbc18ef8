"""Fault 4 (issue 7) for the episode page's small dialogs: the need dialog keeps what is typed as a
draft, dropped once saved or discarded, and offered back when a need is next added to the same
episode, after a crash too; the others keep one when whoever opens them asks. Closing the episode and
returning the assessment for changes do: their drafts are offered again on the same record, and at
start after the program died, saying plainly when the record has moved on since."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from hubapp.domain.plan_dto import (
    AssessmentDetail,
    EpisodeActionInput,
)
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import assessments, episodes
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import accepted_episode, running_plan, submitted_assessment
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_draft_recovery import start_window
from tests.unit.ui.test_episode_page import open_episode
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.episode.dialogs import NEED_KIND, CloseDialog, NeedDialog, ServiceDialog, TextDialog
from ui.pages.episode.episode_page import EpisodePage
from ui.pages.episode.kept_drafts import CLOSE_KIND, RETURN_KIND
from ui.widgets.form_draft import COPY

NEED = "Jack's attendance is 85%; he misses Mondays."


def need_drafts() -> list[Draft]:
    return DraftJournal().drafts(NEED_KIND)


def on_exec(monkeypatch: pytest.MonkeyPatch, *steps: Callable[[Any], int],
            cls: type[ServiceDialog] = NeedDialog) -> list[Any]:
    """Replace ``cls.exec``: each opening shows the dialog and runs the next step; the dialogs seen."""
    seen: list[Any] = []
    todo = iter(steps)

    def exec_(dialog: Any) -> int:
        seen.append(dialog)
        dialog.show()
        return next(todo)(dialog)

    monkeypatch.setattr(cls, "exec", exec_)
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
        assert dialog.outcome.currentData() == "SF01" and dialog.people.item(0).checkState() == Qt.CheckState.Checked
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



# ---- Closing the episode, and returning the assessment for changes

SUMMARY = "Mum stopped answering after March; school keeps an eye on Jack."
CHANGES = "Say what Jack told you himself, and how he was asked."


def closing_episode(backend: Backend, seeded: Seeded) -> int:
    """An episode with a running plan whose closure has started (so it can be closed): the episode id."""
    episode_id = running_plan(backend, seeded)
    e = episodes.get_episode(backend.uow(), episode_id)
    episodes.episode_action(backend.uow(), EpisodeActionInput(e.id, e.version, "start_closure"))
    return episode_id


def close_elsewhere(backend: Backend, episode_id: int) -> None:
    """A colleague closes the episode on another PC."""
    e = episodes.get_episode(backend.uow(), episode_id)
    episodes.episode_action(backend.uow(), EpisodeActionInput(e.id, e.version, "close", reason="DISENGAGED"))


def assessment_of(backend: Backend, episode_id: int) -> AssessmentDetail:
    a = episodes.get_episode(backend.uow(), episode_id).assessment
    assert a is not None
    return a


def authorise_elsewhere(backend: Backend, episode_id: int) -> None:
    """A manager authorises the assessment on another PC."""
    a = assessment_of(backend, episode_id)
    assessments.authorise_assessment(backend.uow(), a.id, a.version)


def type_closure(qtbot: QtBot, dialog: CloseDialog) -> None:
    dialog.reason.setCurrentIndex(dialog.reason.findData("DISENGAGED"))
    dialog.reason.activated.emit(dialog.reason.currentIndex())
    qtbot.keyClicks(dialog.narrative, SUMMARY)


def type_changes(qtbot: QtBot, dialog: TextDialog) -> None:
    qtbot.keyClicks(dialog.text, CHANGES)


@dataclass(frozen=True)
class Case:
    """One of the two dialogs, and how a test drives it."""

    kind: str
    cls: type[ServiceDialog]
    title: str  # the draft's title for the Smith family
    what: str  # what is unsaved, in the question on leaving
    text: str  # the long text typed
    seed: Callable[[Backend, Seeded], int]  # an episode where the dialog's button is on offer
    press: Callable[[EpisodePage], None]  # the button that opens the dialog
    type_it: Callable[[QtBot, Any], None]
    typed: Callable[[Any], str]  # the long text, as the dialog shows it
    context: Callable[[Backend, int], dict[str, Any]]  # what the draft is about, from the episode id
    move_on: Callable[[Backend, int], None]  # the record moves on, on another PC
    moved_on: str  # what the dialog then says
    saved: Callable[[Backend, int], bool]  # whether the dialog's save went through


CLOSE = Case(
    CLOSE_KIND, CloseDialog, "Closing the episode — Smith family", "this closure", SUMMARY, closing_episode,
    lambda page: page.action_buttons["close"].click(), type_closure, lambda d: d.narrative.toPlainText(),
    lambda _b, episode_id: {"episode_id": episode_id}, close_elsewhere,
    "This episode has been closed since you typed this, so this closure cannot be saved.",
    lambda backend, episode_id: episodes.get_episode(backend.uow(), episode_id).status == "CLOSED",
)
RETURN = Case(
    RETURN_KIND, TextDialog, "Returning the assessment — Smith family", "these changes", CHANGES,
    submitted_assessment, lambda page: page.assessment_tab.return_button.click(), type_changes, lambda d: d.value(),
    lambda backend, episode_id: {"episode_id": episode_id, "assessment_id": assessment_of(backend, episode_id).id},
    authorise_elsewhere, "This assessment is authorised now, so it cannot be returned for changes",
    lambda backend, episode_id: assessment_of(backend, episode_id).status == "IN_PROGRESS",
)
CASES = pytest.mark.parametrize("case", [CLOSE, RETURN], ids=["close", "return"])


def kept(case: Case) -> list[Draft]:
    return DraftJournal().drafts(case.kind)


def typing(qtbot: QtBot, case: Case) -> Callable[[Any], int]:
    """A step: type into the dialog and wait until the draft is on disk; the dialog stays open."""

    def step(dialog: Any) -> int:
        case.type_it(qtbot, dialog)
        qtbot.waitUntil(lambda: any(case.text in str(d.data) for d in kept(case)), timeout=5_000)
        return 0

    return step


def press_ok(qtbot: QtBot, dialog: ServiceDialog) -> int:
    """A step: OK, and wait for the save to go through or be refused (the buttons are back)."""
    dialog._on_buttons_accepted()  # noqa: SLF001 - OK, as the test helpers of the episode page do
    qtbot.waitUntil(dialog.buttons.isEnabled, timeout=10_000)
    return 1 if dialog.result_value is not None else 0


def leave(answer: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], int]:
    """A step: Esc, answering the question about what was typed with ``answer``."""

    def step(dialog: Any) -> int:
        monkeypatch.setattr(prompts, "ask_discard", lambda _p, _what, keep=True: answer)
        dialog.reject()
        assert not dialog.isVisible()
        return 0

    return step


def restart(backend: Backend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> tuple[MainWindow, list[str]]:
    """The program started again: the newest kept draft is offered (and taken)."""
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.title) or prompts.RESTORE)
    window.front_door.offer_drafts()
    return window, offered


def kill(window: MainWindow) -> None:
    """The program dies: the window and its dialogs are destroyed with no chance to ask or save."""
    tasks.wait_idle()
    shiboken6.delete(window)


@CASES
def test_typing_keeps_a_draft_about_the_record_and_saving_drops_it(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        case: Case) -> None:
    episode_id = case.seed(backend, seeded)
    drafts_seen: list[Draft] = []

    def type_and_save(dialog: Any) -> int:
        typing(qtbot, case)(dialog)
        drafts_seen.extend(kept(case))
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, type_and_save, cls=case.cls)
    context = case.context(backend, episode_id)
    case.press(open_episode(main_window, qtbot, episode_id))
    [draft] = drafts_seen
    assert draft.title == case.title and draft.database == backend.display_name
    assert {k: v for k, v in draft.data.items() if k != "fields"} == context
    assert case.text in draft.data["fields"].values()
    assert seen[0].result_value is not None and case.saved(backend, episode_id)
    assert kept(case) == []


@CASES
def test_leaving_and_discarding_drops_the_draft(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        case: Case) -> None:
    episode_id = case.seed(backend, seeded)
    asked: list[str] = []

    def type_and_leave(dialog: Any) -> int:
        typing(qtbot, case)(dialog)
        monkeypatch.setattr(prompts, "ask_discard", lambda _p, what, keep=True: asked.append(what) or prompts.DISCARD)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        return 0

    def nothing_waits(dialog: Any) -> int:
        assert dialog.drafts is not None and dialog.drafts.waiting() is None
        return 0

    seen = on_exec(monkeypatch, type_and_leave, nothing_waits, cls=case.cls)
    page = open_episode(main_window, qtbot, episode_id)
    case.press(page)
    assert asked == [case.what] and kept(case) == []
    case.press(page)  # opened again: a fresh form
    assert len(seen) == 2 and case.typed(seen[1]) == ""


@CASES
def test_a_kept_draft_is_offered_when_the_dialog_is_opened_again_on_the_same_record(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        case: Case) -> None:
    episode_id = case.seed(backend, seeded)
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.title) or prompts.RESTORE)

    def restored(dialog: Any) -> int:
        qtbot.waitUntil(lambda: case.typed(dialog) == case.text, timeout=5_000)
        return press_ok(qtbot, dialog)

    keep = leave(prompts.KEEP, monkeypatch)
    seen = on_exec(monkeypatch, lambda d: typing(qtbot, case)(d) or keep(d), restored, cls=case.cls)
    page = open_episode(main_window, qtbot, episode_id)
    case.press(page)
    assert len(kept(case)) == 1 and offered == []
    case.press(page)
    assert len(seen) == 2 and offered == [case.title]
    assert seen[1].result_value is not None and case.saved(backend, episode_id) and kept(case) == []


@CASES
def test_a_draft_typed_when_the_program_died_is_offered_at_start_and_saves(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    episode_id = case.seed(backend, seeded)

    def restored(dialog: Any) -> int:
        assert case.typed(dialog) == case.text and not dialog.no_longer_applies  # back as the dialog opens
        return press_ok(qtbot, dialog)

    seen = on_exec(monkeypatch, typing(qtbot, case), restored, cls=case.cls)
    first = start_window(backend, qtbot)
    case.press(open_episode(first, qtbot, episode_id))
    [draft] = kept(case)
    kill(first)  # the dialog was open: nobody is asked anything

    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [draft.title] == [case.title]
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert window.current_page() == "episode" and window.episode_page.episode_id == episode_id
    assert seen[1].result_value is not None and case.saved(backend, episode_id) and kept(case) == []


@CASES
def test_a_kept_draft_the_record_has_moved_past_says_so_and_keeps_the_text_to_copy(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    episode_id = case.seed(backend, seeded)

    def stale(dialog: Any) -> int:
        assert dialog.no_longer_applies and case.moved_on in dialog.banner.text
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isVisibleTo(dialog)
        assert case.typed(dialog) == case.text
        running = tasks.pending_count()
        dialog._on_buttons_accepted()  # noqa: SLF001 - refused: starts no task
        assert tasks.pending_count() == running and dialog.isVisible()
        assert dialog.banner.action.text() == COPY
        dialog.banner.action.click()
        assert case.text in QGuiApplication.clipboard().text()
        assert len(kept(case)) == 1  # kept until the person throws it away
        return leave(prompts.DISCARD, monkeypatch)(dialog)

    seen = on_exec(monkeypatch, typing(qtbot, case), stale, cls=case.cls)
    first = start_window(backend, qtbot)
    case.press(open_episode(first, qtbot, episode_id))
    kill(first)
    case.move_on(backend, episode_id)  # meanwhile

    _window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [case.title]
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert seen[1].result_value is None and kept(case) == []  # thrown away on leaving


@CASES
def test_a_save_refused_as_the_record_moved_on_keeps_the_dialog_and_the_draft(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
        case: Case) -> None:
    episode_id = case.seed(backend, seeded)
    shown: list[str] = []

    def type_move_on_and_save(dialog: Any) -> int:
        typing(qtbot, case)(dialog)
        case.move_on(backend, episode_id)
        assert press_ok(qtbot, dialog) == 0
        # Still open, saying who changed it; what was typed is on screen and in the draft.
        shown.append(dialog.banner.text)
        assert dialog.isVisible() and dialog.result_value is None and case.typed(dialog) == case.text
        assert len(kept(case)) == 1
        return 0

    on_exec(monkeypatch, type_move_on_and_save, cls=case.cls)
    case.press(open_episode(main_window, qtbot, episode_id))
    [message] = shown
    assert "was changed by" in message and "after you opened it" in message
