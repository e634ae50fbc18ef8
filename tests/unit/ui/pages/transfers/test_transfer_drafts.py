"""Fault 4 (issue 7) for the transfer dialogs: a step on a transfer, a closure, a new step-up and a new
step-down keep what is typed as a draft, drop it once saved or discarded, are offered back at start
after the program died (reopened on the same record with the text), and say plainly when what was
typed no longer applies, keeping the text to copy."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from hubapp.data.uow import UnitOfWork
from hubapp.domain.plan_dto import NeedInput
from hubapp.domain.transfer_dto import (
    ClosureInput,
    NeedOutcomeInput,
    TransferActionInput,
    TransferDetail,
)
from hubapp.drafts import Draft, DraftJournal
from hubapp.services import closures, context, episodes, needs, transfers
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import accepted_episode
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_draft_recovery import start_window
from tests.unit.ui.transfer_seed import Transfers, seed_transfers
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.transfers.action_dialog import KIND as STEP_KIND
from ui.pages.transfers.action_dialog import TransferActionDialog
from ui.pages.transfers.closure_dialog import KIND as CLOSURE_KIND
from ui.pages.transfers.closure_dialog import ClosureDialog
from ui.pages.transfers.new_transfer_dialogs import (
    STEP_DOWN_KIND,
    STEP_UP_KIND,
    NewStepDownDialog,
    NewStepUpDialog,
)
from ui.pages.transfers.queue_page import QueuePage
from ui.pages.transfers.service_dialog import ServiceDialog
from ui.widgets.form_draft import COPY

Key = Qt.Key
REASON = "Risk still too high for early help: two police call-outs this week."
SUMMARY = "Attendance is back to 97%; mum runs the morning routine on her own."


def drafts(kind: str) -> list[Draft]:
    return DraftJournal().drafts(kind)


def wait_for_draft(qtbot: QtBot, kind: str, text: str) -> Draft:
    qtbot.waitUntil(lambda: any(text in str(d.data) for d in drafts(kind)), timeout=5_000)
    [draft] = drafts(kind)
    return draft


def restore_answer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer "Open it" whenever a draft is offered; the titles offered."""
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.title) or prompts.RESTORE)
    return offered


def kill(window: MainWindow) -> None:
    """The program dies: the window and its dialogs are destroyed with no chance to ask or save."""
    tasks.wait_idle()
    shiboken6.delete(window)


def restart(backend: Backend, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> tuple[MainWindow, list[str]]:
    """The program started again: the newest kept draft is offered (and taken)."""
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    offered = restore_answer(monkeypatch)
    window.front_door.offer_drafts()
    return window, offered


def leave_discarding(dialog: ServiceDialog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "ask_discard", lambda *_a, **_k: prompts.DISCARD)
    dialog.reject()


# ---- A step on a transfer (the Step-downs page)


def queue_of(window: MainWindow, qtbot: QtBot) -> QueuePage:
    page = window.transfer_area.queue_page
    window.show_page("step_downs")
    with qtbot.waitSignal(page.sig_queue_loaded, timeout=10_000):
        page.refresh()
    return page


def press(qtbot: QtBot, page: QueuePage, family: str, key: Qt.Key) -> TransferActionDialog:
    row = next(r for r in page.model.rows() if r.family_name == family)
    page.select_ids([row.id])
    page.tree.setFocus()
    qtbot.keyClick(page.tree, key)
    qtbot.waitUntil(lambda: page.triage.dialog is not None and page.triage.dialog.isVisible(), timeout=5_000)
    dialog = page.triage.dialog
    assert dialog is not None
    return dialog


def type_decline(qtbot: QtBot, dialog: TransferActionDialog) -> Draft:
    assert dialog.note is not None
    qtbot.keyClicks(dialog.note, REASON)
    return wait_for_draft(qtbot, STEP_KIND, REASON)


def accept_elsewhere(backend: Backend, t: TransferDetail) -> None:
    """A colleague accepts the step-down on another PC."""
    other = context.ensure_local_worker(backend.uow(), "jo.other")
    transfers.advance(UnitOfWork(backend.db, other.worker_id),
                      TransferActionInput(t.id, t.version, "accept", note="Taken on another PC."))


def save(qtbot: QtBot, dialog: ServiceDialog) -> None:
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        qtbot.keyClick(dialog.focusWidget() or dialog, Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def world(backend: Backend, seeded: Seeded) -> Transfers:
    return seed_transfers(backend, seeded)


def test_a_step_keeps_a_draft_and_saving_it_drops_the_draft(backend: Backend, world: Transfers, qtbot: QtBot) -> None:
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    page = queue_of(window, qtbot)
    dialog = press(qtbot, page, "Smith family", Key.Key_D)
    assert drafts(STEP_KIND) == []  # opening is not typing
    draft = type_decline(qtbot, dialog)
    smith = world.step_downs["Smith"]
    assert draft.title == "Decline on the step-down request — Smith family"
    assert {k: draft.data[k] for k in ("transfer_id", "action", "direction")} == {
        "transfer_id": smith.id, "action": "decline", "direction": "STEP_DOWN"}
    save(qtbot, dialog)
    assert drafts(STEP_KIND) == []


def test_esc_discard_drops_the_draft_and_keep_offers_it_when_the_step_is_taken_again(
        backend: Backend, world: Transfers, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    page = queue_of(window, qtbot)
    asked: list[str] = []
    answers = iter([prompts.DISCARD, prompts.KEEP])
    monkeypatch.setattr(prompts, "ask_discard", lambda _p, what, keep=True: asked.append(what) or next(answers))
    dialog = press(qtbot, page, "Smith family", Key.Key_D)
    type_decline(qtbot, dialog)
    qtbot.keyClick(dialog.note, Key.Key_Escape)
    qtbot.waitUntil(lambda: page.triage.dialog is None, timeout=5_000)
    assert asked == ["this “decline”"] and drafts(STEP_KIND) == []

    dialog = press(qtbot, page, "Smith family", Key.Key_D)
    type_decline(qtbot, dialog)
    qtbot.keyClick(dialog.note, Key.Key_Escape)
    qtbot.waitUntil(lambda: page.triage.dialog is None, timeout=5_000)
    assert len(drafts(STEP_KIND)) == 1
    offered = restore_answer(monkeypatch)
    dialog = press(qtbot, page, "Smith family", Key.Key_I)  # another step: its own form, nothing offered
    assert dialog.note is not None and dialog.note.toPlainText() == "" and offered == []
    dialog.reject()
    dialog = press(qtbot, page, "Smith family", Key.Key_D)
    assert dialog.note is not None
    qtbot.waitUntil(lambda: dialog.note.toPlainText() == REASON, timeout=5_000)
    assert offered == ["Decline on the step-down request — Smith family"]
    save(qtbot, dialog)
    assert drafts(STEP_KIND) == []


def test_a_step_typed_when_the_program_died_is_offered_at_start_and_saves(
        backend: Backend, world: Transfers, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    first = start_window(backend, qtbot)
    type_decline(qtbot, press(qtbot, queue_of(first, qtbot), "Smith family", Key.Key_D))
    kill(first)
    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == ["Decline on the step-down request — Smith family"]
    page = window.transfer_area.queue_page
    qtbot.waitUntil(lambda: page.triage.dialog is not None and page.triage.dialog.isVisible(), timeout=10_000)
    dialog = page.triage.dialog
    assert window.current_page() == "step_downs" and dialog.action == "decline"
    assert dialog.note is not None and dialog.note.toPlainText() == REASON
    assert dialog.rows[0].id == world.step_downs["Smith"].id and not dialog.no_longer_applies
    save(qtbot, dialog)
    assert dialog.result_value.row.status == "DECLINED" and drafts(STEP_KIND) == []


def test_a_kept_step_the_transfer_has_moved_past_says_so_and_keeps_the_text_to_copy(
        backend: Backend, world: Transfers, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    first = start_window(backend, qtbot)
    type_decline(qtbot, press(qtbot, queue_of(first, qtbot), "Smith family", Key.Key_D))
    kill(first)
    accept_elsewhere(backend, world.step_downs["Smith"])  # meanwhile
    window, offered = restart(backend, qtbot, monkeypatch)
    page = window.transfer_area.queue_page
    qtbot.waitUntil(lambda: page.triage.dialog is not None and page.triage.dialog.isVisible(), timeout=10_000)
    dialog = page.triage.dialog
    assert dialog.no_longer_applies and not dialog.save_button.isVisibleTo(dialog)
    assert "is now accepted (Jo Other accepted it, " in dialog.banner.text
    assert "“Decline” no longer applies" in dialog.banner.text
    assert dialog.note is not None and dialog.note.toPlainText() == REASON
    # Refused: save() starts no task. (The restarted window's own loads may still be running, so
    # the count is compared with itself: it changes only on this thread, when a task starts or
    # delivers.)
    running = tasks.pending_count()
    dialog.save()
    assert tasks.pending_count() == running and dialog.isVisible()
    assert dialog.banner.action.text() == COPY
    dialog.banner.action.click()
    assert REASON in QGuiApplication.clipboard().text()
    assert len(drafts(STEP_KIND)) == 1  # kept until the person throws it away
    leave_discarding(dialog, monkeypatch)
    assert drafts(STEP_KIND) == []


def test_a_step_refused_as_stale_stays_open_with_what_was_typed(
        backend: Backend, world: Transfers, qtbot: QtBot) -> None:
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    page = queue_of(window, qtbot)
    dialog = press(qtbot, page, "Smith family", Key.Key_D)
    type_decline(qtbot, dialog)
    accept_elsewhere(backend, world.step_downs["Smith"])
    with qtbot.waitSignal(dialog.sig_refused, timeout=10_000):
        qtbot.keyClick(dialog.note, Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.no_longer_applies
    assert "Someone else got there first" in dialog.banner.text and "kept below" in dialog.banner.text
    assert dialog.note is not None and dialog.note.toPlainText() == REASON and len(drafts(STEP_KIND)) == 1


# ---- A closure, a step-up and a step-down (the family record's menu)


def open_family(window: MainWindow, qtbot: QtBot, family_id: int) -> None:
    with qtbot.waitSignal(window.family_page.sig_family_loaded, timeout=10_000):
        window.open_family(family_id)


def family_dialog(window: MainWindow, qtbot: QtBot) -> ServiceDialog:
    actions = window.family_page.transfer_actions
    qtbot.waitUntil(lambda: actions.dialog is not None and shiboken6.isValid(actions.dialog)
                    and actions.dialog.isVisible(), timeout=10_000)
    assert actions.dialog is not None
    return actions.dialog


def episode_with_a_need(backend: Backend, seeded: Seeded) -> tuple[int, int]:
    episode_id = accepted_episode(backend, seeded)
    need = needs.save_need(backend.uow(), NeedInput(episode_id, "Jack's attendance is 85%.", "SF01"))
    return episode_id, need[0].id


def start_closure(window: MainWindow, qtbot: QtBot) -> ClosureDialog:
    window.family_page.transfer_actions.close_episode()
    dialog = family_dialog(window, qtbot)
    assert isinstance(dialog, ClosureDialog)
    qtbot.waitUntil(lambda: bool(dialog.need_rows), timeout=10_000)
    return dialog


def type_closure(qtbot: QtBot, dialog: ClosureDialog) -> Draft:
    dialog.reason.setCurrentIndex(dialog.reason.findData("OUTCOMES_MET"))
    dialog.reason.activated.emit(dialog.reason.currentIndex())
    _need_id, choice, evidence = dialog.need_rows[0]
    choice.setCurrentIndex(choice.findData("MET"))
    choice.activated.emit(choice.currentIndex())
    qtbot.keyClicks(evidence, "Attendance 97% this term.")
    qtbot.keyClicks(dialog.narrative, SUMMARY)
    return wait_for_draft(qtbot, CLOSURE_KIND, SUMMARY)


def start_step_up(window: MainWindow, qtbot: QtBot) -> NewStepUpDialog:
    window.family_page.transfer_actions.step_up()
    dialog = family_dialog(window, qtbot)
    assert isinstance(dialog, NewStepUpDialog)
    return dialog


def type_step_up(qtbot: QtBot, dialog: NewStepUpDialog) -> Draft:
    qtbot.keyClicks(dialog.reason, REASON)
    qtbot.keyClicks(dialog.needs, "School attendance.")
    return wait_for_draft(qtbot, STEP_UP_KIND, "School attendance.")


def test_a_closure_keeps_a_draft_restored_after_a_crash_with_each_need_and_closes(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id, need_id = episode_with_a_need(backend, seeded)
    first = start_window(backend, qtbot)
    open_family(first, qtbot, seeded.family_ids["Smith"])
    draft = type_closure(qtbot, start_closure(first, qtbot))
    assert draft.title == "Closing the early help episode — Smith family" and draft.data["episode_id"] == episode_id
    kill(first)
    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [draft.title]
    dialog = family_dialog(window, qtbot)
    assert isinstance(dialog, ClosureDialog)
    qtbot.waitUntil(lambda: bool(dialog.need_rows) and dialog.save_button.isEnabled(), timeout=10_000)
    assert dialog.narrative.toPlainText() == SUMMARY and dialog.reason.currentData() == "OUTCOMES_MET"
    [(kept_need, choice, evidence)] = dialog.need_rows  # built once the episode loaded: their values came back then
    assert (kept_need, choice.currentData(), evidence.text()) == (need_id, "MET", "Attendance 97% this term.")
    save(qtbot, dialog)
    assert dialog.result_value.status == "CLOSED" and drafts(CLOSURE_KIND) == []


def test_a_kept_closure_of_an_episode_closed_meanwhile_says_so_and_keeps_the_text(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id, need_id = episode_with_a_need(backend, seeded)
    first = start_window(backend, qtbot)
    open_family(first, qtbot, seeded.family_ids["Smith"])
    type_closure(qtbot, start_closure(first, qtbot))
    kill(first)
    e = episodes.get_episode(backend.uow(), episode_id)  # closed on another PC
    closures.close_episode(backend.uow(), ClosureInput(episode_id, e.version, "DISENGAGED", "", "", "",
                                                       (NeedOutcomeInput(need_id, "NOT_MET", ""),)))
    window, _offered = restart(backend, qtbot, monkeypatch)
    dialog = family_dialog(window, qtbot)
    with qtbot.waitSignal(dialog.sig_form_loaded, timeout=10_000):
        pass
    assert dialog.no_longer_applies and not dialog.save_button.isEnabled()
    assert "has been closed since you typed this" in dialog.banner.text
    assert dialog.narrative.toPlainText() == SUMMARY and len(drafts(CLOSURE_KIND)) == 1
    leave_discarding(dialog, monkeypatch)
    assert drafts(CLOSURE_KIND) == []


def test_a_step_up_keeps_a_draft_restored_after_a_crash_and_saves(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = accepted_episode(backend, seeded)
    first = start_window(backend, qtbot)
    open_family(first, qtbot, seeded.family_ids["Smith"])
    draft = type_step_up(qtbot, start_step_up(first, qtbot))
    assert draft.title == "Step-up request — Smith family" and draft.data["episode_id"] == episode_id
    kill(first)
    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [draft.title]
    dialog = family_dialog(window, qtbot)
    assert isinstance(dialog, NewStepUpDialog) and not dialog.no_longer_applies
    assert dialog.reason.toPlainText() == REASON and dialog.needs.toPlainText() == "School attendance."
    save(qtbot, dialog)
    assert dialog.result_value.row.status == "DRAFT" and drafts(STEP_UP_KIND) == []


def test_a_kept_step_up_of_an_episode_closed_meanwhile_says_so(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    episode_id = accepted_episode(backend, seeded)
    first = start_window(backend, qtbot)
    open_family(first, qtbot, seeded.family_ids["Smith"])
    type_step_up(qtbot, start_step_up(first, qtbot))
    kill(first)
    e = episodes.get_episode(backend.uow(), episode_id)
    closures.close_episode(backend.uow(), ClosureInput(episode_id, e.version, "DISENGAGED", "", "", "", ()))
    window, _offered = restart(backend, qtbot, monkeypatch)
    dialog = family_dialog(window, qtbot)
    assert dialog.no_longer_applies and "can no longer be stepped up" in dialog.banner.text
    assert isinstance(dialog, NewStepUpDialog) and dialog.reason.toPlainText() == REASON
    leave_discarding(dialog, monkeypatch)
    assert drafts(STEP_UP_KIND) == []


@pytest.mark.parametrize("opened_from", ["queue", "family"])
def test_a_step_down_keeps_a_draft_with_its_family_restored_after_a_crash(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, opened_from: str) -> None:
    first = start_window(backend, qtbot)
    if opened_from == "queue":
        tasks.wait_idle()  # the page's hubs have loaded
        qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
        dialog = first.transfer_area.queue_page.new_step_down()
        assert dialog.hub.count() > 0
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.family_search, "Nowak")
        qtbot.waitUntil(lambda: dialog.family_id == seeded.family_ids["Nowak"], timeout=10_000)
    else:
        open_family(first, qtbot, seeded.family_ids["Nowak"])
        first.family_page.transfer_actions.step_down()
        dialog = family_dialog(first, qtbot)
    assert isinstance(dialog, NewStepDownDialog)
    qtbot.keyClicks(dialog.social_worker, "Sam Social")
    qtbot.keyClicks(dialog.reference, "CSC-77")
    qtbot.keyClicks(dialog.reason, REASON)
    draft = wait_for_draft(qtbot, STEP_DOWN_KIND, REASON)
    assert draft.title == "Step-down from social care — Nowak family"
    assert draft.data["family_id"] == (seeded.family_ids["Nowak"] if opened_from == "family" else None)
    kill(first)
    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [draft.title]
    restored = family_dialog(window, qtbot)
    assert isinstance(restored, NewStepDownDialog)
    assert restored.family_id == seeded.family_ids["Nowak"]
    assert (restored.social_worker.text(), restored.reference.text(), restored.reason.toPlainText()) == (
        "Sam Social", "CSC-77", REASON)
    assert restored.hub.currentData() == seeded.hub_id
    save(qtbot, restored)
    assert restored.result_value.row.family_name == "Nowak family" and drafts(STEP_DOWN_KIND) == []


def test_the_newest_of_several_kept_drafts_is_offered_first(
        backend: Backend, world: Transfers, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = DraftJournal()
    older = journal.save(STEP_KIND, "1" * 32, "Ask for information on the step-down request — Khan family",
                         backend.display_name, {"transfer_id": world.step_downs["Khan"].id, "action": "request_info",
                                                "direction": "STEP_DOWN", "fields": {"note": "Older"}})
    newer = journal.save(STEP_KIND, "2" * 32, "Decline on the step-down request — Smith family",
                         backend.display_name, {"transfer_id": world.step_downs["Smith"].id, "action": "decline",
                                                "direction": "STEP_DOWN", "fields": {"note": "Newer"}})
    counted: list[tuple[str, int]] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, n=0: counted.append((d.id, n)) or prompts.LATER)
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    window.front_door.offer_drafts()
    assert counted == [(newer.id, 1)] and window.transfer_area.queue_page.triage.dialog is None
    assert {d.id for d in drafts(STEP_KIND)} == {older.id, newer.id}  # "Later" keeps both



@pytest.mark.parametrize("family", ["Smith", "Khan", "Nowak"])
def test_a_kept_step_reopened_at_start_selects_its_transfer_in_the_queue(
        backend: Backend, world: Transfers, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, family: str) -> None:
    t = world.step_downs[family]
    DraftJournal().save(STEP_KIND, "3" * 32, f"Decline on the step-down request — {family} family",
                        backend.display_name, {"transfer_id": t.id, "action": "decline", "direction": "STEP_DOWN",
                                               "fields": {"note": REASON}})
    window, offered = restart(backend, qtbot, monkeypatch)
    assert offered == [f"Decline on the step-down request — {family} family"]
    page = window.transfer_area.queue_page
    qtbot.waitUntil(lambda: page.triage.dialog is not None and page.triage.dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)  # the list has loaded too
    assert [r.id for r in page.selected_rows()] == [t.id]
    assert page.triage.dialog.rows[0].id == t.id


def test_the_step_ups_list_selects_the_transfer_a_kept_step_is_about(
        backend: Backend, world: Transfers, qtbot: QtBot) -> None:
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    page = window.transfer_area.step_ups_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.table.setCurrentIndex(QModelIndex())  # nothing chosen (the only step-up is chosen first otherwise)
    assert page.current_row() is None
    page.select_transfer(world.step_up.id)
    current = page.current_row()
    assert current is not None and current.id == world.step_up.id
