"""Live updates between two copies of the program on one database (SQLite and PostgreSQL), and the
family record's transfer menu and closure dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QElapsedTimer, Qt
from pytestqt.qtbot import QtBot

from hubapp.domain.dto import AddressInput, NewFamily, NewPerson
from hubapp.domain.plan_dto import NeedInput
from hubapp.services import context, families, needs
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded
from tests.unit.ui.transfer_seed import act, seed_transfers, step_down
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.pages.transfers.closure_dialog import ClosureDialog
from ui.pages.transfers.new_transfer_dialogs import NewStepDownDialog

LIVE_MS = 2_000


def _other_client(url: str) -> Backend:
    other = Backend(url)
    other.prepare()
    other.sign_in()
    return other


def _queue_has(window: MainWindow, family: str) -> bool:
    return any(r.family_name == family for r in window.transfer_area.queue_page.model.rows())


def test_sqlite_another_copys_step_down_appears_within_two_seconds(
    main_window: MainWindow, backend: Backend, seeded: Seeded, sqlite_url: str, qtbot: QtBot
) -> None:
    area = main_window.transfer_area
    qtbot.waitUntil(lambda: area.listener.is_listening, timeout=5_000)
    other = _other_client(sqlite_url)
    try:
        clock = QElapsedTimer()
        clock.start()
        step_down(other, seeded, "Khan", "CSC-LIVE")  # the other copy of the program
        qtbot.waitUntil(lambda: _queue_has(main_window, "Khan family"), timeout=LIVE_MS)
        print(f"\nSQLite: the other copy's step-down showed after {clock.elapsed()} ms")
        assert clock.elapsed() < LIVE_MS
        qtbot.waitUntil(lambda: main_window.nav.badge("step_downs") == 1, timeout=LIVE_MS)
    finally:
        tasks.wait_idle()
        other.close()


@pytest.fixture
def pg_window(pg_url: str, qtbot: QtBot) -> Iterator[tuple[MainWindow, Backend, int, int]]:
    backend = Backend(pg_url)
    backend.prepare()
    hub_id = context.ensure_default_hub(backend.uow(), "North Hub")
    context.ensure_local_worker(backend.uow(), "postgres")  # the test server's login
    actor = backend.sign_in()
    family = families.create_family(backend.uow(), NewFamily(hub_id=hub_id, members=(
        NewPerson(given_name="Ava", family_name="Jones", date_of_birth=dt.date(2015, 5, 5), relation="SIBLING",
                  sex="F"),), address=AddressInput(postcode="AB1 2CD")))
    window = MainWindow(backend, actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    window.show()
    yield window, backend, hub_id, family.id
    window.close()
    tasks.wait_idle()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
    backend.close()


@pytest.mark.postgres
def test_postgres_another_copys_change_appears_within_two_seconds(
    pg_window: tuple[MainWindow, Backend, int, int], pg_url: str, qtbot: QtBot
) -> None:
    window, _backend, hub_id, family_id = pg_window
    area = window.transfer_area
    qtbot.waitUntil(lambda: area.listener.is_listening, timeout=5_000)
    other = _other_client(pg_url)
    try:
        from hubapp.domain.transfer_dto import NewStepDown
        from hubapp.services import transfers

        clock = QElapsedTimer()
        clock.start()
        t = transfers.create_step_down(other.uow(), NewStepDown(
            family_id=family_id, hub_id=hub_id, reason="CIN plan complete.", csc_reference="CSC-PG",
            requested_by_name="Sam Social"))
        qtbot.waitUntil(lambda: _queue_has(window, "Jones family"), timeout=LIVE_MS)
        print(f"\nPostgreSQL: the other copy's step-down showed after {clock.elapsed()} ms")
        assert clock.elapsed() < LIVE_MS
        clock.restart()
        act(other, t, "accept", note="Fine.")
        qtbot.waitUntil(lambda: [r.status for r in area.queue_page.model.rows()] == ["ACCEPTED"], timeout=LIVE_MS)
        print(f"PostgreSQL: the other copy's acceptance showed after {clock.elapsed()} ms")
    finally:
        tasks.wait_idle()
        other.close()


def test_family_menu_records_a_step_down_and_closure_waits_for_it(
    main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot
) -> None:
    khan = act(backend, step_down(backend, seeded, "Khan", "CSC-K"), "accept", note="OK")
    with qtbot.waitSignal(main_window.family_page.sig_family_loaded, timeout=10_000):
        main_window.open_family(seeded.family_ids["Khan"])
    actions = main_window.family_page.transfer_actions
    assert actions.close_action.isEnabled() and actions.step_down_action.isEnabled()
    actions.close_episode()
    dialog = actions.dialog
    assert isinstance(dialog, ClosureDialog)
    with qtbot.waitSignal(dialog.sig_form_loaded, timeout=10_000):
        pass
    assert "ACCEPTED" in dialog.intro.text() and not dialog.save_button.isEnabled()
    dialog.reject()
    # Finish the step-down, record a need, then close with its outcome.
    assert khan.row.episode_id is not None
    t = act(backend, khan, "allocate", worker_id=backend.actor.worker_id if backend.actor else 0)
    t = act(backend, t, "hold_handover_meeting", meeting_on=dt.date.today())
    act(backend, act(backend, t, "close_csc", csc_closure_code="RC9"), "complete")
    needs.save_need(backend.uow(), NeedInput(khan.row.episode_id, "School attendance 80%.", "SF01"))
    actions.close_episode()
    dialog = actions.dialog
    assert isinstance(dialog, ClosureDialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    dialog.reason.setCurrentIndex(dialog.reason.findData("OUTCOMES_MET"))
    assert dialog.destination.currentData() == "UNIVERSAL"
    need_id, choice, evidence = dialog.need_rows[0]
    choice.setCurrentIndex(choice.findData("MET"))
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.errors.messages("need_outcomes")), timeout=10_000)  # "met" needs evidence
    evidence.setText("Attendance 97% this term.")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000) as blocker:
        qtbot.keyClick(evidence, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0].status == "CLOSED" and blocker.args[0].ssd_end_reason == "OUTCOMES_MET"
    qtbot.waitUntil(lambda: not actions.close_action.isEnabled(), timeout=10_000)


def test_new_step_down_dialog_finds_the_family(main_window: MainWindow, backend: Backend, seeded: Seeded,
                                               qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_transfers(backend, seeded)
    page = main_window.transfer_area.queue_page
    dialog = page.new_step_down()
    assert isinstance(dialog, NewStepDownDialog)
    qtbot.keyClicks(dialog.family_search, "Nowak")
    qtbot.waitUntil(lambda: dialog.hits.count() == 1 and dialog.family_id is not None, timeout=10_000)
    dialog.social_worker.setText("Sam Social")
    dialog.reference.setText("CSC-NEW")
    dialog.reason.setPlainText("Stepping down again.")
    dialog.save()
    qtbot.waitUntil(lambda: "already has a step-down" in " ".join(dialog.errors.messages("family_id")),
                    timeout=10_000)
    monkeypatch.setattr(prompts, "ask_discard", lambda *_a, **_k: prompts.DISCARD)
    dialog.reject()
