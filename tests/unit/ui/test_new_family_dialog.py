"""A new family: from the Search page when nobody is found, and from the intake form; errors beside fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.services.session import Backend
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import Seeded
from ui.dialogs.new_family_dialog import NewFamilyDialog
from ui.main_window import MainWindow

Key = Qt.Key


def wait_ready(dialog: NewFamilyDialog, qtbot: QtBot) -> None:
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.hub.code() is not None, timeout=10_000)


def test_from_search_when_nobody_is_found(main_window: MainWindow, backend: Backend, qtbot: QtBot) -> None:
    page = main_window.search_page
    with qtbot.waitSignal(page.sig_results_loaded, timeout=10_000):
        main_window.run_search("Okonkwo")
    assert page.new_family_button.isVisible()
    page.new_family_button.click()
    dialog = main_window.front_door.family_dialog
    assert dialog is not None
    wait_ready(dialog, qtbot)
    keys = Keyboard(qtbot)
    assert keys.focus() is dialog.editor.rows[0].given
    keys.field("Chidi")
    keys.field("Okonkwo")
    keys.field("12/05/2018")
    keys.enter()
    keys.field("m")
    keys.enter(4)                          # index child, PR, lives here, NHS
    keys.enter()                           # UPN
    keys.enter()                           # Add person
    keys.field("Ngozi")
    keys.enter()
    keys.field("02/02/1985")
    keys.enter()
    keys.field("f")
    keys.field("mo")
    keys.enter(2)
    keys.field("9434765918")               # a bad check digit
    with qtbot.waitSignal(dialog.errors.sig_changed, timeout=10_000):
        keys.ctrl(Key.Key_S)
    assert "check digit" in dialog.errors.messages("members[1].nhs_number")[0]
    qtbot.waitUntil(lambda: keys.focus() is dialog.editor.rows[1].nhs, timeout=5_000)
    keys.type("9434765919")                # the text was selected: typing replaces it
    assert dialog.errors.messages("members[1].nhs_number") == []
    with qtbot.waitSignal(main_window.family_page.sig_family_loaded, timeout=10_000) as loaded:
        keys.ctrl(Key.Key_S)
    detail = loaded.args[0]
    assert detail.name == "Okonkwo family"
    assert {m.full_name for m in detail.members} == {"Chidi Okonkwo", "Ngozi Okonkwo"}
    assert main_window.current_page() == "family"


def test_from_the_intake_form_the_new_family_is_linked(main_window: MainWindow, qtbot: QtBot) -> None:
    intake = main_window.front_door.new_request()
    qtbot.waitUntil(lambda: intake.request.hub.code() is not None, timeout=10_000)
    row = intake.family.editor.rows[0]
    row.given.setText("Tomasz")
    row.family.setText("Wiśniewski")
    row.dob.setText("07/07/2017")
    intake.create_family_button.click()
    dialog = main_window.front_door.family_dialog
    assert dialog is not None
    wait_ready(dialog, qtbot)
    assert dialog.editor.rows[0].family.text() == "Wiśniewski"
    with qtbot.waitSignal(intake.family.sig_linked, timeout=10_000):
        Keyboard(qtbot).ctrl(Key.Key_S)
    assert intake.family.is_linked and intake.family.linked.family_name == "Wiśniewski family"
    assert len(intake.family.linked.subject_ids()) == 1
    intake._dirty = False  # noqa: SLF001
    intake.close()


def test_ctrl_n_on_a_family_page_starts_a_request_for_that_family(main_window: MainWindow, seeded: Seeded,
                                                                 qtbot: QtBot) -> None:
    with qtbot.waitSignal(main_window.family_page.sig_family_loaded, timeout=10_000):
        main_window.open_family(seeded.family_ids["Nowak"])
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow, timeout=5_000)
    Keyboard(qtbot).ctrl(Key.Key_N)
    intake = main_window.front_door.intake
    assert intake is not None
    qtbot.waitUntil(lambda: intake.family.linked.detail is not None, timeout=10_000)
    assert intake.family.is_linked and intake.family.linked.family_id == seeded.family_ids["Nowak"]
    assert [m for m in intake.family.linked.detail.members if m.person_id in intake.family.linked.subject_ids()][0] \
        .given_name == "Zofia"
    # A second Ctrl+N brings the same form forward instead of opening another.
    assert main_window.front_door.new_request() is intake
    intake._dirty = False  # noqa: SLF001
    intake.close()
