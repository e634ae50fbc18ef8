"""The step-down queue and step-up pages on a real database: keyboard triage, bulk allocation, the
navigation badges, a stale screen, and the item models under qtmodeltester."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hubapp.data.uow import UnitOfWork
from hubapp.domain.transfer_dto import QueueResult, TransferActionInput
from hubapp.services import context, transfers
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded
from tests.unit.ui.transfer_seed import Transfers, seed_transfers
from ui import tasks
from ui.main_window import MainWindow
from ui.models.transfer_models import (
    GROUP_BAND, GROUP_NONE, GROUP_STATE, QueueModel, StepUpsModel, TransferEventsModel,
)
from ui.pages.transfers.action_dialog import TransferActionDialog
from ui.pages.transfers.queue_page import QueuePage
from ui.pages.transfers.step_ups_page import StepUpsPage


@pytest.fixture
def seeded_transfers(backend: Backend, seeded: Seeded) -> Transfers:
    return seed_transfers(backend, seeded)


@pytest.fixture
def page(backend: Backend, seeded_transfers: Transfers, qtbot: QtBot) -> Iterator[QueuePage]:
    assert backend.actor is not None
    p = QueuePage(backend, backend.actor.hub_ids)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitUntil(lambda: p.result is not None, timeout=10_000)
    yield p
    tasks.wait_idle()


def _statuses(p: QueuePage) -> dict[str, str]:
    return {r.family_name: r.status for r in p.model.rows()}


def _press(qtbot: QtBot, p: QueuePage, family: str, key: Qt.Key) -> None:
    row = next(r for r in p.model.rows() if r.family_name == family)
    p.select_ids([row.id])
    p.tree.setFocus()
    qtbot.keyClick(p.tree, key)


def _dialog(p: QueuePage | StepUpsPage, qtbot: QtBot) -> TransferActionDialog:
    qtbot.waitUntil(lambda: p.triage.dialog is not None and p.triage.dialog.isVisible(), timeout=5_000)
    dialog = p.triage.dialog
    assert dialog is not None
    return dialog


def _save(qtbot: QtBot, dialog: TransferActionDialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _reloaded(qtbot: QtBot, p: QueuePage, action: object) -> QueueResult:
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000) as blocker:
        action() if callable(action) else None
    return blocker.args[0]


def test_queue_lists_every_item_not_complete_with_groups(page: QueuePage, qtbot: QtBot) -> None:
    assert _statuses(page) == {"Smith family": "SUBMITTED_TO_EH", "Khan family": "ACCEPTED",
                               "Nowak family": "ACCEPTED"}
    assert page.model.groups() == [("0–1 working days", 3)]
    assert "3 in the queue" in page.summary.text()
    first = page.model.index(0, 0, page.model.index(0, 0))
    assert first.data() in ("Green", "Amber", "Red")
    qtbot.waitUntil(lambda: "History" in page.detail.toPlainText(), timeout=10_000)  # the first item's detail


def test_models_pass_the_model_tester(page: QueuePage, qtmodeltester: object, backend: Backend,
                                      seeded_transfers: Transfers) -> None:
    for grouping in (GROUP_BAND, GROUP_STATE, GROUP_NONE):
        model = QueueModel()
        model.set_rows(page.model.rows())
        model.set_grouping(grouping)
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    empty = QueueModel()
    qtmodeltester.check(empty)  # type: ignore[attr-defined]
    ups = StepUpsModel()
    ups.set_rows(page.model.rows())
    qtmodeltester.check(ups)  # type: ignore[attr-defined]
    events = TransferEventsModel()
    events.set_rows(transfers.get_transfer(backend.uow(), seeded_transfers.step_up.id).events)
    qtmodeltester.check(events)  # type: ignore[attr-defined]


def test_accept_with_a_key_and_confirm_with_ctrl_enter(page: QueuePage, qtbot: QtBot) -> None:
    _press(qtbot, page, "Smith family", Qt.Key.Key_A)
    dialog = _dialog(page, qtbot)
    assert dialog.note is not None and dialog.note.toPlainText()  # a rationale is offered
    with qtbot.waitSignal(page.triage.sig_done, timeout=10_000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: _statuses(page)["Smith family"] == "ACCEPTED", timeout=10_000)
    assert "It is now accepted" in page.banner.text


def test_decline_needs_a_reason_and_keeps_the_dialog_open(page: QueuePage, qtbot: QtBot) -> None:
    _press(qtbot, page, "Smith family", Qt.Key.Key_D)
    dialog = _dialog(page, qtbot)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.errors.messages("note")), timeout=10_000)
    assert dialog.isVisible() and "reason" in dialog.errors.messages("note")[0]
    assert dialog.note is not None
    dialog.note.setPlainText("Risk still too high for early help.")
    with qtbot.waitSignal(page.triage.sig_done, timeout=10_000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: _statuses(page)["Smith family"] == "DECLINED", timeout=10_000)
    # Allocating a declined item is refused at once, naming the state.
    _press(qtbot, page, "Smith family", Qt.Key.Key_L)
    assert "DECLINED" in page.banner.text and page.triage.dialog is None


def test_ask_for_information(page: QueuePage, qtbot: QtBot) -> None:
    _press(qtbot, page, "Smith family", Qt.Key.Key_I)
    dialog = _dialog(page, qtbot)
    assert dialog.note is not None
    dialog.note.setPlainText("Please send the last CIN review.")
    with qtbot.waitSignal(page.triage.sig_done, timeout=10_000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: next(r for r in page.model.rows() if r.family_name == "Smith family").info_requested,
                    timeout=10_000)


def test_bulk_allocate_two_accepted_items(page: QueuePage, qtbot: QtBot, backend: Backend) -> None:
    accepted = [r.id for r in page.model.rows() if r.status == "ACCEPTED"]
    page.select_ids(accepted)
    assert len(page.selected_rows()) == 2
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_L)
    dialog = _dialog(page, qtbot)
    assert dialog.worker is not None
    qtbot.waitUntil(lambda: dialog.worker.currentData() is not None, timeout=10_000)
    with qtbot.waitSignal(page.triage.sig_done, timeout=10_000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: [_statuses(page)[f] for f in ("Khan family", "Nowak family")] == ["ALLOCATED"] * 2,
                    timeout=10_000)
    assert "Allocated 2 step-downs" in page.banner.text
    assert backend.actor is not None
    assert {r.receiving_worker for r in page.model.rows() if r.status == "ALLOCATED"} == {
        backend.actor.display_name}


def test_a_stale_screen_shows_what_happened(page: QueuePage, qtbot: QtBot, backend: Backend,
                                             seeded_transfers: Transfers) -> None:
    other = context.ensure_local_worker(backend.uow(), "jo.other")  # a colleague on another PC
    smith = seeded_transfers.step_downs["Smith"]
    transfers.advance(UnitOfWork(backend.db, other.worker_id),
                      TransferActionInput(smith.id, smith.version, "accept", note="Taken on another PC."))
    _press(qtbot, page, "Smith family", Qt.Key.Key_D)
    dialog = _dialog(page, qtbot)
    assert dialog.note is not None
    dialog.note.setPlainText("Too risky")
    with qtbot.waitSignal(page.sig_queue_loaded, timeout=10_000):
        _save(qtbot, dialog)
    assert "Someone else got there first: Jo Other accepted" in page.banner.text
    assert "It is now ACCEPTED" in page.banner.text
    assert _statuses(page)["Smith family"] == "ACCEPTED"


def test_filters_and_grouping(page: QueuePage, qtbot: QtBot) -> None:
    with qtbot.waitSignal(page.sig_queue_loaded, timeout=10_000) as blocker:
        page.filters.state.setCurrentIndex(page.filters.state.findData("ACCEPTED"))
    assert {r.family_name for r in blocker.args[0].rows} == {"Khan family", "Nowak family"}
    page.filters.group.setCurrentIndex(page.filters.group.findData(GROUP_STATE))
    assert page.model.groups() == [("Accepted", 2)]
    with qtbot.waitSignal(page.sig_queue_loaded, timeout=10_000) as blocker:
        page.filters.rag.setCurrentIndex(page.filters.rag.findData("red"))
    assert blocker.args[0].rows == ()


def test_main_window_badges_and_shortcut(main_window: MainWindow, seeded_transfers: Transfers,
                                         qtbot: QtBot) -> None:
    area = main_window.transfer_area
    area.queue_page.refresh()
    qtbot.waitUntil(lambda: main_window.nav.badge("step_downs") == 3, timeout=10_000)
    assert main_window.nav.badge("step_ups") == 1
    qtbot.keyClick(main_window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "step_downs"
    assert QApplication.focusWidget() is area.queue_page.tree or not main_window.isActiveWindow()
    qtbot.keyClick(main_window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "step_ups"


def test_step_up_page_records_social_cares_decision(backend: Backend, seeded_transfers: Transfers,
                                                    qtbot: QtBot) -> None:
    assert backend.actor is not None
    p = StepUpsPage(backend, backend.actor.hub_ids)
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.sig_loaded, timeout=10_000):
        p.show()
    assert p.model.rowCount() == 1 and p.model.index(0, 2).data() == "Sent to front door"
    p.table.setFocus()
    p.table.setCurrentIndex(p.model.index(0, 0))
    with qtbot.waitSignal(p.sig_loaded, timeout=10_000):
        qtbot.keyClick(p.table, Qt.Key.Key_R)
    assert p.model.index(0, 2).data() == "Received by front door"
    qtbot.keyClick(p.table, Qt.Key.Key_D)
    dialog = _dialog(p, qtbot)
    assert dialog.outcome is not None and dialog.decided_by is not None and dialog.note is not None
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("NFA"))
    dialog.decided_by.setText("Pat Front")
    dialog.note.setPlainText("Below threshold; continue early help.")
    with qtbot.waitSignal(p.sig_loaded, timeout=10_000):
        _save(qtbot, dialog)
    assert p.model.index(0, 6).data() == "No further action"
    tasks.wait_idle()
