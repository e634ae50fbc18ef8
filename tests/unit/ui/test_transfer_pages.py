"""The step-down queue and step-up pages on a real database: keyboard triage, bulk allocation, the
navigation badges, a stale screen, the queue loaded a page at a time, and the item models under
qtmodeltester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTreeView
from pytestqt.qtbot import QtBot

from hubapp.data.uow import UnitOfWork
from hubapp.domain import transfer_rules as rules
from hubapp.domain.dto import NewFamily, NewPerson
from hubapp.domain.errors import DatabaseUnavailable
from hubapp.domain.transfer_dto import QueueFilter, QueueResult, TransferActionInput, TransferRow
from hubapp.services import context, families, queue, transfers
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded, nhs_number
from tests.unit.ui.transfer_seed import Transfers, seed_transfers, step_down
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


# ---- The queue a page at a time

PAGE = 8
EXTRA = 17  # with the three seeded: 20 in the queue, pages of 8, 8 and 4
OLD = 10  # the first extras arrived 40 days ago: red, over 20 working days, first in the queue
OVER_20, MID, RECENT, NEW = "Over 20 working days", "11–20 working days", "2–5 working days", "0–1 working days"


def _row(n: int, band: str = NEW, status: str = "SUBMITTED_TO_EH") -> TransferRow:
    at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    return TransferRow(
        id=n, version=1, direction="STEP_DOWN", family_id=n, family_name=f"Family {n}", children="", hub_id=1,
        hub_name="North", status=status, status_label=rules.state_label(status), state_changed_at=at, age_wd=0,
        timescale_wd=None, rag="", band=band, requested_at=at, requested_by="Sam Social", reason="", csc_reference=None,
        receiving_worker=None, episode_id=None, episode_status=None, outcome=None, outcome_label="", decided_at=None,
        decided_by=None, info_requested=False, flags=(), allowed_actions=())


def _ids_in_view(model: QueueModel) -> list[int]:
    """The items as the tree shows them, group by group."""
    out = []
    for g in range(model.rowCount()):
        top = model.index(g, 0)
        item = model.row_for(top)
        if item is not None:
            out.append(item.id)
        out += [r.id for c in range(model.rowCount(top)) if (r := model.row_for(model.index(c, 0, top)))]
    return out


def _watch_resets(model: QueueModel) -> list[int]:
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    return resets


def test_queue_model_appends_a_page_flat_without_a_reset(qtmodeltester: object) -> None:
    model = QueueModel()
    model.set_grouping(GROUP_NONE)
    model.set_rows([_row(n) for n in range(1, 4)], more=True)
    qtmodeltester.check(model)  # type: ignore[attr-defined]  # and it watches the insertions below
    model.stop_fetching(more=True)  # the tester itself asked for more: as if that page had failed
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                              | QItemSelectionModel.SelectionFlag.Rows)
    kept = QPersistentModelIndex(model.index(2, 3))
    resets = _watch_resets(model)
    assert model.canFetchMore(QModelIndex())
    requested: list[int] = []
    model.sig_fetch_more_requested.connect(lambda: requested.append(1))
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # a second ask while the page is on its way is ignored
    assert requested == [1] and not model.canFetchMore(QModelIndex())

    model.append_rows([_row(n) for n in range(4, 7)], more=False)

    assert resets == [] and [r.id for r in model.rows()] == [1, 2, 3, 4, 5, 6]
    assert model.rowCount() == 6 and not model.canFetchMore(QModelIndex())
    assert kept.isValid() and model.row_for(kept).id == 3  # type: ignore[union-attr]
    assert model.row_for(selection.currentIndex()).id == 2  # type: ignore[union-attr]
    assert [model.row_for(i).id for i in selection.selectedRows()] == [2]  # type: ignore[union-attr]
    assert model.index_of(5) == model.index(4, 0)


@pytest.mark.parametrize("grouping", [GROUP_BAND, GROUP_STATE])
def test_queue_model_appends_into_groups_and_new_groups_keep_indexes_valid(grouping: str,
                                                                          qtmodeltester: object) -> None:
    # Page one: an old band and a recent one (Submitted and Accepted); page two fills both and brings a
    # band (and a state) that sorts between them, and one after them.
    first = [_row(1, OVER_20, "SUBMITTED_TO_EH"), _row(2, OVER_20, "ACCEPTED"), _row(3, RECENT, "ACCEPTED")]
    second = [_row(4, OVER_20, "SUBMITTED_TO_EH"), _row(5, MID, "TRIAGED"), _row(6, RECENT, "ACCEPTED"),
              _row(7, NEW, "ALLOCATED")]
    bands = ((OVER_20, 9), (MID, 4), (RECENT, 5), (NEW, 2))
    states = (("Submitted to early help", 6), ("Triaged / panel", 3), ("Accepted", 8), ("Allocated", 3))
    model = QueueModel()
    model.set_grouping(grouping)
    model.set_rows(first, more=True, band_counts=bands, state_counts=states)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    view = QTreeView()
    view.setModel(model)
    view.expandAll()
    last_group = model.index(model.rowCount() - 1, 0)
    view.collapse(last_group)  # the user closed one group: it must stay closed
    view.setCurrentIndex(model.index_of(3))
    view.selectionModel().select(model.index_of(2), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
    kept = {n: QPersistentModelIndex(model.index_of(n)) for n in (1, 2, 3)}
    closed = QPersistentModelIndex(last_group)
    resets = _watch_resets(model)

    model.append_rows(second, more=False)

    assert resets == []
    if grouping == GROUP_BAND:
        assert model.groups() == [(f"{OVER_20}", 9), (MID, 4), (RECENT, 5), (NEW, 2)]
        assert model.loaded_groups() == [(OVER_20, 3), (MID, 1), (RECENT, 2), (NEW, 1)]
        assert model.index(0, 0).data() == "Over 20 working days (9)"
    else:
        assert model.groups() == list(states)
        assert model.loaded_groups() == [("Submitted to early help", 2), ("Triaged / panel", 1), ("Accepted", 3),
                                         ("Allocated", 1)]
        assert model.index(2, 0).data() == "Accepted (8)"
    assert sorted(_ids_in_view(model)) == list(range(1, 8))
    for n, index in kept.items():  # each still points at its own item, in its own group
        assert index.isValid() and model.row_for(index).id == n  # type: ignore[union-attr]
        assert index.parent() == model.index_of(n).parent()
    assert model.row_for(view.currentIndex()).id == 3  # type: ignore[union-attr]
    assert {model.row_for(i).id for i in view.selectionModel().selectedRows()} == {2, 3}  # type: ignore[union-attr]
    assert closed.isValid() and not view.isExpanded(QModelIndex(closed)) and view.isExpanded(model.index(0, 0))
    for n in (4, 5, 6, 7):
        assert model.index_of(n).isValid()


def test_queue_model_group_labels_count_what_is_loaded_without_counts() -> None:
    model = QueueModel()  # "flagged only": the service cannot count the groups
    model.set_rows([_row(1, OVER_20), _row(2, NEW)], more=True)
    assert [model.index(g, 0).data() for g in range(model.rowCount())] == [f"{OVER_20} (1)", f"{NEW} (1)"]
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    model.append_rows([_row(3, NEW), _row(4, NEW)], more=False)
    assert model.groups() == [(OVER_20, 1), (NEW, 3)] and changed == [1]
    assert model.index(1, 0).data() == f"{NEW} (3)"


def _more_step_downs(backend: Backend, seeded: Seeded, n: int, old: int) -> None:
    """``n`` more step-downs, the first ``old`` of them made 40 days ago."""
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    for i in range(n):
        surname = f"Extra{i:02d}"
        family_id = families.create_family(backend.uow(), NewFamily(hub_id=seeded.hub_id, members=(
            NewPerson(given_name="Alex", family_name=surname, date_of_birth=dt.date(2014, 1, 1 + i),
                      relation="SIBLING", nhs_number=nhs_number(500 + i)),))).id
        with pytest.MonkeyPatch.context() as m:
            if i < old:
                m.setattr(transfers, "now", lambda i=i: long_ago + dt.timedelta(minutes=i))
            step_down(backend, Seeded(seeded.hub_id, {surname: family_id}, (), ()), surname, f"CSC-X{i}")


@pytest.fixture
def long_page(backend: Backend, seeded_transfers: Transfers, seeded: Seeded, qtbot: QtBot,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[QueuePage]:
    """The queue page over 20 step-downs, in pages of 8, the list short enough to scroll."""
    _more_step_downs(backend, seeded, EXTRA, OLD)
    monkeypatch.setattr(queue, "PAGE_SIZE", PAGE)
    assert backend.actor is not None
    p = QueuePage(backend, backend.actor.hub_ids)
    qtbot.addWidget(p)
    p.tree.setMaximumHeight(130)  # a few rows in sight: the first page does not fit
    p.resize(1200, 700)
    first: list[int] = []
    p.sig_queue_loaded.connect(lambda _result: first.append(len(p.model.rows())))
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000):
        p.show()
    assert first == [PAGE]  # one page when it arrived
    yield p
    tasks.wait_idle()


def _whole_queue(backend: Backend, f: QueueFilter) -> list[int]:
    return [r.id for r in queue.step_down_queue(backend.uow(), f, limit=None).rows]


def test_queue_page_loads_a_page_then_the_rest_on_fetch_more(long_page: QueuePage, qtbot: QtBot,
                                                            backend: Backend) -> None:
    p = long_page
    whole = _whole_queue(backend, p.current_filter())
    assert len(whole) == 20 and [r.id for r in p.model.rows()] == whole[:PAGE]
    assert p.summary.text().startswith("20 in the queue") and "showing" not in p.summary.text()
    assert p.model.groups() == [(OVER_20, OLD)]  # every item counted, eight loaded
    assert p.model.index(0, 0).data() == f"{OVER_20} ({OLD})"
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
    assert len(p.model.rows()) == PAGE  # the view did not pull more while its end is out of sight
    while p.model.more:
        with qtbot.waitSignal(p.sig_more_loaded, timeout=10_000):
            p.model.fetchMore(QModelIndex())
    assert [r.id for r in p.model.rows()] == whole and _ids_in_view(p.model) == whole
    assert not p.model.canFetchMore(QModelIndex())
    assert p.model.groups() == [(OVER_20, OLD), (NEW, 20 - OLD)] == p.model.loaded_groups()
    assert all(p.tree.isExpanded(p.model.index(g, 0)) for g in range(p.model.rowCount()))


def test_queue_page_end_key_fetches_the_next_page_keeping_the_selection(long_page: QueuePage,
                                                                        qtbot: QtBot) -> None:
    p = long_page
    p.filters.group.setCurrentIndex(p.filters.group.findData(GROUP_STATE))
    assert p.model.groups() == [("Submitted to early help", 18)]  # eight of them loaded
    loaded = [r.id for r in p.model.rows()]
    p.select_ids(loaded[2:3])
    p.tree.setFocus()
    with qtbot.waitSignal(p.sig_more_loaded, timeout=10_000) as blocker:
        qtbot.keyClick(p.tree, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)  # select to the end
    assert len(blocker.args[0].rows) == PAGE and len(p.model.rows()) == 2 * PAGE
    # Shift+End selected what was loaded then; the page that came after left the selection alone.
    assert [r.id for r in p.selected_rows()] == loaded[2:]
    assert p.model.row_for(p.tree.currentIndex()).id == loaded[-1]  # type: ignore[union-attr]
    # The new page brought a new group ("Accepted"): it is open, its label spanning the row.
    assert p.model.groups() == [("Submitted to early help", 18), ("Accepted", 2)]
    assert all(p.tree.isExpanded(p.model.index(g, 0)) for g in range(p.model.rowCount()))
    assert p.tree.isFirstColumnSpanned(1, QModelIndex())
    assert len(p.model.rows()) == 2 * PAGE  # no page more until the list is scrolled to its end again


def test_queue_page_summary_says_what_the_filters_leave(long_page: QueuePage, qtbot: QtBot,
                                                       backend: Backend) -> None:
    p = long_page
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000) as blocker:
        p.filters.rag.setCurrentIndex(p.filters.rag.findData("red"))  # the old ones
    result = blocker.args[0]
    whole = _whole_queue(backend, p.current_filter())
    assert result.matched == len(whole) and result.matched != result.total
    assert f"showing {result.matched}" in p.summary.text() and result.matched > len(result.rows)
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000) as blocker:
        p.filters.rag.setCurrentIndex(0)
        p.filters.flagged.setChecked(True)
    flagged = blocker.args[0]
    assert flagged.matched is None and not flagged.more  # the Nowaks' step-up came soon after
    assert p.summary.text().endswith(f"· showing {len(flagged.rows)} flagged")


def test_a_refresh_during_a_pending_fetch_never_duplicates_rows(long_page: QueuePage, qtbot: QtBot,
                                                                backend: Backend) -> None:
    p = long_page
    whole = _whole_queue(backend, p.current_filter())
    appended: list[object] = []
    p.sig_more_loaded.connect(appended.append)
    p.model.fetchMore(QModelIndex())  # the next page is on its way ...
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000) as blocker:
        p.refresh()  # ... and a reload overtakes it: it asks for what was loaded and the page on its way
    tasks.wait_idle()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
    assert appended == [] and len(blocker.args[0].rows) == 2 * PAGE
    assert [r.id for r in p.model.rows()] == whole[:2 * PAGE]
    while p.model.more:
        with qtbot.waitSignal(p.sig_more_loaded, timeout=10_000):
            p.fetch_more()
    assert [r.id for r in p.model.rows()] == whole


def test_a_page_for_an_older_list_is_dropped(long_page: QueuePage, qtbot: QtBot, backend: Backend) -> None:
    p = long_page
    with qtbot.waitSignal(p.sig_more_loaded, timeout=10_000):
        p.fetch_more()
    f = p.current_filter()
    stale_cursor = (p.model.rows()[PAGE - 1].state_changed_at, p.model.rows()[PAGE - 1].id)
    stale = queue.step_down_queue(backend.uow(), f, limit=PAGE, after=stale_cursor)  # page two, again
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000):
        p.refresh()
    p._on_more_loaded(stale_cursor, stale)  # as if it had been on its way all along
    ids = [r.id for r in p.model.rows()]
    assert len(ids) == len(set(ids)) == 2 * PAGE


def test_an_item_moved_since_the_last_page_is_not_shown_twice(long_page: QueuePage, qtbot: QtBot,
                                                              backend: Backend) -> None:
    p = long_page
    loaded = list(p.model.rows())
    after = (loaded[-1].state_changed_at, loaded[-1].id)
    page_two = queue.step_down_queue(backend.uow(), p.current_filter(), limit=PAGE, after=after)
    # Someone stepped the first item on meanwhile: it now sorts later, inside the next page too.
    moved = replace(page_two, rows=(page_two.rows[0], loaded[0], *page_two.rows[1:]))
    with qtbot.waitSignal(p.sig_more_loaded, timeout=10_000):
        p._on_more_loaded(after, moved)
    ids = [r.id for r in p.model.rows()]
    assert len(ids) == len(set(ids)) == 2 * PAGE and ids[0] == loaded[0].id


def test_a_next_page_that_cannot_be_read_says_so_and_keeps_the_list(long_page: QueuePage, qtbot: QtBot,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    p = long_page
    loaded = [r.id for r in p.model.rows()]
    real = queue.step_down_queue

    def lost(uow: object, f: QueueFilter, **kw: object) -> object:
        if kw.get("after") is not None:
            raise DatabaseUnavailable("server closed the connection unexpectedly")
        return real(uow, f, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "step_down_queue", lost)
    p.fetch_more()
    qtbot.waitUntil(lambda: p.banner.isVisible(), timeout=10_000)
    assert "Refresh (F5) to try again" in p.banner.text
    assert [r.id for r in p.model.rows()] == loaded and not p.model.canFetchMore(QModelIndex())
    monkeypatch.setattr(queue, "step_down_queue", real)
    with qtbot.waitSignal(p.sig_queue_loaded, timeout=10_000):
        p.refresh()  # what F5 does: the list and its next pages come back
    assert [r.id for r in p.model.rows()][:PAGE] == loaded and p.model.more
