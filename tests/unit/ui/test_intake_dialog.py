"""The intake form end to end on a real database: by keyboard alone, the duplicate check, errors, drafts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.domain.errors import DatabaseUnavailable
from hubapp.services import intake, referrals
from hubapp.services.session import Backend
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import Seeded
from ui.dialogs import prompts
from ui.dialogs.intake_dialog import IntakeDialog
from ui.main_window import MainWindow

Key = Qt.Key
#: A typical request by keyboard alone must not take more keystrokes than this.
TYPICAL_REQUEST_MAX_KEYS = 230


@pytest.fixture
def keys(qtbot: QtBot) -> Keyboard:
    return Keyboard(qtbot)


def open_intake(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> IntakeDialog:
    """Ctrl+N in the main window; waits until the form has the focus and its hubs."""
    window.activateWindow()
    window.referrals_page.focus_table()
    keys.ctrl(Key.Key_N)
    dialog = window.front_door.intake
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.request.hub.code() is not None, timeout=10_000)
    assert keys.focus() in (dialog.request.source, dialog.request.source.lineEdit())
    return dialog


@pytest.fixture
def dialog(main_window: MainWindow, keys: Keyboard, qtbot: QtBot) -> Iterator[IntakeDialog]:
    d = open_intake(main_window, keys, qtbot)
    yield d
    if shiboken6.isValid(d):
        d._dirty = False  # noqa: SLF001 - let the fixture close it without asking
        d.close()


def test_a_whole_request_logged_by_keyboard_alone(main_window: MainWindow, backend: Backend, keys: Keyboard,
                                                  qtbot: QtBot) -> None:
    dialog = open_intake(main_window, keys, qtbot)
    keys.field("sch")                     # source: School (designated safeguarding lead)
    keys.field("Mr Patel")                # referrer
    keys.field("Oak Primary")             # organisation
    keys.field("DSL")                     # role
    keys.field("0121 496 0000")           # contact
    keys.field("Ella")                    # child: given name, family name, date of birth (eight digits)
    keys.field("Brown")
    keys.field("04032016")
    keys.enter()                          # not unborn
    keys.field("f")                       # sex
    keys.enter(5)                         # relationship (index child), PR, lives here, NHS, UPN
    keys.enter()                          # "Add person"
    keys.field("Joanne")                  # mother: family name carried over
    keys.enter()
    keys.field("01071988")
    keys.enter()
    keys.field("f")
    keys.field("mo")                      # Mother (parental responsibility ticks itself)
    keys.enter(4)                         # PR, lives here, NHS, UPN
    keys.press(Key.Key_Tab)               # past "Add person"
    keys.field("1 High Street")
    keys.enter()                          # address line 2
    keys.field("Birmingham")
    keys.field("B11 1AA")
    keys.enter()                          # not "no fixed abode"
    keys.field("ment")                    # need: Mental health
    keys.enter()                          # no more needs
    keys.field("2")                       # level of need 2
    keys.type("Attendance has fallen; mum asked for help.")
    keys.press(Key.Key_Tab)
    keys.field("a")                       # agreement: Agreed (given by Joanne Brown, mother, PR)
    with qtbot.waitSignal(dialog.sig_request_saved, timeout=10_000) as saved:
        keys.ctrl(Key.Key_S)
    print(f"\nA typical request took {keys.count} keystrokes: {' '.join(keys.log)}")
    assert keys.count <= TYPICAL_REQUEST_MAX_KEYS
    view = intake.get_request_view(backend.uow(), saved.args[0].id)
    assert view.family_name == "Brown family" and view.source == "SCHOOL_DSL" and view.cin_source == "2A"
    assert view.referrer_name == "Mr Patel" and view.referrer_organisation == "Oak Primary"
    assert [s.name for s in view.subjects] == ["Ella Brown"]
    assert view.presenting_needs == ("MENTAL_HEALTH",) and view.level_of_need == 2
    assert view.summary == "Attendance has fallen; mum asked for help."
    consent = view.consents[0]
    assert consent.agreed and consent.giver_name == "Joanne Brown" and consent.giver_relationship == "MOTHER"
    assert consent.capacity == "PARENTAL_RESPONSIBILITY" and consent.method == "VERBAL"
    qtbot.waitUntil(lambda: main_window.front_door.intake is None, timeout=10_000)
    assert main_window.front_door.journal.drafts() == []  # saved: the draft is gone
    qtbot.waitUntil(lambda: main_window.referrals_page.selected_request_id() == view.id, timeout=10_000)


def test_duplicate_check_finds_a_misspelt_name_and_a_swapped_birth_date(
    dialog: IntakeDialog, keys: Keyboard, seeded: Seeded, backend: Backend, qtbot: QtBot,
) -> None:
    dialog.family.editor.rows[0].given.setFocus()
    keys.field("Jack")
    keys.field("Smtih")                   # misspelt
    with qtbot.waitSignal(dialog.family.sig_checked, timeout=10_000):
        keys.field("04032015")            # Jack Smith was born on 03/04/2015
    candidate = dialog.family.panel.candidates()[0]
    assert candidate.family_id == seeded.family_ids["Smith"]
    reasons = " ".join(candidate.all_reasons)
    assert "spelt similarly (Smtih / Smith)" in reasons
    assert "day and month swapped (04/03/2015 / 03/04/2015)" in reasons
    assert "awaiting a decision" in " ".join(candidate.involvement.flags())
    with qtbot.waitSignal(dialog.family.sig_linked, timeout=10_000):
        keys.ctrl(Key.Key_L)              # link the family instead of typing it again
    assert dialog.family.is_linked
    jack = next(m.person_id for m in dialog.family.linked.detail.members if m.given_name == "Jack")
    assert dialog.family.linked.subject_ids() == (jack,)
    dialog.request.source.setFocus()
    keys.field("pol")
    keys.field("PC Jones")
    with qtbot.waitSignal(dialog.sig_request_saved, timeout=10_000) as saved:
        keys.ctrl(Key.Key_S)
    assert saved.args[0].family_id == seeded.family_ids["Smith"]
    assert saved.args[0].subject_person_ids == (jack,)


def test_every_error_shows_beside_its_field_and_typing_is_kept(dialog: IntakeDialog, keys: Keyboard,
                                                              qtbot: QtBot) -> None:
    row = dialog.family.editor.rows[0]
    row.given.setFocus()
    keys.field("Ella")
    keys.field("Brown")
    keys.field("31/02/2016")              # no such date
    row.nhs.setFocus()
    keys.type("9434765918")               # fails the check digit
    dialog.family.editor.postcode_edit.setFocus()
    keys.type("ZZ9")
    with qtbot.waitSignal(dialog.sig_save_finished, timeout=10_000):
        keys.ctrl(Key.Key_S)
    errors = dialog.errors
    assert "Referrer's name is required." in errors.messages("referrer_name")
    assert "does not exist" in errors.messages("new_family.members[0].date_of_birth")[0]
    assert "check digit" in errors.messages("new_family.members[0].nhs_number")[0]
    assert "not a valid UK postcode" in errors.messages("new_family.address.postcode")[0]
    assert "Referral source must be chosen" in errors.messages("source")[0]
    assert row.error.isVisibleTo(dialog) and "check digit" in row.error.text()
    assert dialog.banner.kind == "error" and "5 things to put right" in dialog.banner.text
    # The first bad field in the tab order has the focus; nothing typed was lost.
    qtbot.waitUntil(lambda: keys.focus() in (dialog.request.source, dialog.request.source.lineEdit()),
                    timeout=5_000)
    assert row.nhs.text() == "9434765918" and row.dob.text() == "31/02/2016"
    row.nhs.setFocus()
    keys.press(Key.Key_Backspace)
    assert errors.messages("new_family.members[0].nhs_number") == []
    assert errors.messages("new_family.address.postcode")  # the others stay until edited


def test_lost_connection_keeps_the_form_open_with_a_retry(dialog: IntakeDialog, keys: Keyboard, qtbot: QtBot,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    keys.field("self")
    keys.field("Ayesha Khan")
    dialog.family.editor.rows[0].given.setFocus()
    keys.field("Zara")
    keys.field("Ali")

    def unreachable(*_args: object) -> None:
        raise DatabaseUnavailable("server closed the connection")

    monkeypatch.setattr(referrals, "log_request", unreachable)
    with qtbot.waitSignal(dialog.sig_save_finished, timeout=10_000) as finished:
        keys.ctrl(Key.Key_S)
    assert finished.args == [False]
    assert dialog.isVisible() and dialog.banner.kind == "error"
    assert "cannot be reached" in dialog.banner.text and dialog.banner.action.text() == "Try again (Ctrl+S)"
    journal = dialog.autosave.journal
    assert [d.title for d in journal.drafts()] == ["Request about Zara Ali"]
    monkeypatch.undo()
    with qtbot.waitSignal(dialog.sig_request_saved, timeout=10_000):
        dialog.banner.action.click()
    assert journal.drafts() == []


def test_escape_asks_before_losing_typing(dialog: IntakeDialog, keys: Keyboard, qtbot: QtBot,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    keys.field("gp")
    keys.type("Dr Rahman")
    answers = [prompts.CANCEL, prompts.DISCARD]
    monkeypatch.setattr(prompts, "ask_discard", lambda *a, **k: answers.pop(0))
    keys.press(Key.Key_Escape)
    assert dialog.isVisible()  # "go back"
    qtbot.waitUntil(lambda: bool(dialog.autosave.journal.drafts()), timeout=5_000)
    keys.press(Key.Key_Escape)
    assert not dialog.isVisible() and dialog.autosave.journal.drafts() == []


def test_save_and_new_starts_an_empty_form(dialog: IntakeDialog, keys: Keyboard, qtbot: QtBot) -> None:
    keys.field("self")
    keys.field("Karen Jones")
    dialog.family.editor.rows[0].given.setFocus()
    keys.field("Amy")
    keys.field("Jones")
    first_draft = dialog.draft_id
    with qtbot.waitSignal(dialog.sig_request_saved, timeout=10_000):
        keys.ctrl(Key.Key_S, shift=True)
    assert dialog.isVisible() and dialog.banner.kind == "success" and "Ready for the next one" in dialog.banner.text
    assert dialog.request.referrer_name.text() == "" and dialog.family.editor.rows[0].given.text() == ""
    assert dialog.draft_id != first_draft and not dialog.is_dirty
    assert keys.focus() in (dialog.request.source, dialog.request.source.lineEdit())
