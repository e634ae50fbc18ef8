"""The main window end to end on a real (temporary) SQLite database: search, open a family, badge."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.domain.dto import NewRequest
from hubapp.services import referrals
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded
from ui.app_events import app_events
from ui.main_window import MainWindow


def test_status_bar_names_the_worker_and_the_database(main_window: MainWindow, backend: Backend) -> None:
    assert backend.actor is not None
    assert backend.actor.display_name in main_window.user_label.text()
    assert backend.display_name in main_window.database_label.text()


def test_badge_counts_undecided_requests(main_window: MainWindow) -> None:
    assert main_window.nav.badge("referrals") == 3


def test_typing_in_the_global_search_shows_results(main_window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(main_window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert main_window.search_box.hasFocus() or main_window.focusWidget() is main_window.search_box
    page = main_window.search_page
    with qtbot.waitSignal(page.sig_results_loaded, timeout=10_000) as blocker:
        qtbot.keyClicks(main_window.search_box, "smith")
    assert blocker.args == [3]
    assert main_window.current_page() == "search"
    names = {page.model.index(r, 0).data() for r in range(page.model.rowCount())}
    assert names == {"Sarah Smith", "Jack Smith", "Lily Smith"}
    assert "3 people found" in page.summary.text()


def test_enter_searches_at_once_and_the_keyboard_opens_the_family(
    main_window: MainWindow, seeded: Seeded, qtbot: QtBot
) -> None:
    main_window.focus_search()
    main_window.search_box.setText("Mohammed Khan")
    page = main_window.search_page
    with qtbot.waitSignal(page.sig_results_loaded, timeout=10_000):
        qtbot.keyClick(main_window.search_box, Qt.Key.Key_Return)
    assert page.model.index(0, 0).data() == "Mohammed Khan"

    qtbot.keyClick(main_window.search_box, Qt.Key.Key_Down)
    assert page.table.hasFocus() or main_window.focusWidget() is page.table
    family = main_window.family_page
    with qtbot.waitSignal(family.sig_family_loaded, timeout=10_000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args[0].id == seeded.family_ids["Khan"]
    assert main_window.current_page() == "family"
    assert family.title.text() == "Khan family"
    members = [family.members_model.index(r, 0).data() for r in range(family.members_model.rowCount())]
    assert members == ["Ayesha Khan", "Mohammed Khan"]
    assert family.members_model.index(1, 1).data() == "Index child (self)"
    assert main_window.nav.item_for("family") is not None

    qtbot.keyClick(main_window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert main_window.current_page() == "search"


def test_search_help_and_no_results(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.search_page
    main_window.show_page("search")
    assert page.results.is_empty_shown
    assert "dd/mm/yyyy" in page.results.label.text()
    with qtbot.waitSignal(page.sig_results_loaded, timeout=10_000) as blocker:
        main_window.run_search("Zzyzxwv")
    assert blocker.args == [0]
    assert page.results.is_empty_shown
    assert "No one found" in page.results.label.text()


def test_a_malformed_nhs_number_explains_itself(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.search_page
    with qtbot.waitSignal(page.sig_results_loaded, timeout=10_000):
        main_window.run_search("123 456 7890")
    assert page.results.is_empty_shown
    assert "NHS number" in page.results.label.text()


def test_shortcuts_switch_areas(main_window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "search"
    qtbot.keyClick(main_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "referrals"
    qtbot.keyClick(main_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "referrals"  # no family opened yet: nothing to show


def test_badge_follows_changes(main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot) -> None:
    detail = referrals.log_request(backend.uow(), NewRequest(
        hub_id=seeded.hub_id, received_at=dt.datetime.now(dt.UTC), source="SELF", referrer_name="Ayesha Khan",
        family_id=seeded.family_ids["Khan"],
    ))
    assert detail.changes.requests
    app_events().publish(detail.changes)
    qtbot.waitUntil(lambda: main_window.nav.badge("referrals") == 4, timeout=10_000)
    qtbot.waitUntil(lambda: main_window.referrals_page.model.total == 4, timeout=10_000)


def test_escape_clears_the_search_box(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.focus_search()
    qtbot.keyClicks(main_window.search_box, "smi")
    qtbot.keyClick(main_window.search_box, Qt.Key.Key_Escape)
    assert main_window.search_box.text() == ""
    assert main_window.search_page.results.is_empty_shown


def test_window_geometry_is_remembered(backend: Backend, seeded: Seeded, qtbot: QtBot) -> None:
    assert backend.actor is not None
    first = MainWindow(backend, backend.actor, start_page="search")
    qtbot.addWidget(first)
    first.resize(760, 560)  # within the offscreen screen (800 x 600)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = MainWindow(backend, backend.actor)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 560)
    assert second.current_page() == "search"
    second.close()


def test_a_family_that_cannot_be_shown_says_so(main_window: MainWindow, qtbot: QtBot) -> None:
    page = main_window.family_page
    with qtbot.waitSignal(page.sig_family_failed, timeout=10_000) as blocker:
        main_window.open_family(987_654)
    assert type(blocker.args[0]).__name__ == "NotFound"
    assert page.address_value.text().startswith("It may have been merged or removed")
