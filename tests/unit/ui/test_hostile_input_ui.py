"""Hostile input typed into the intake form (issue 7): each value is saved and shown back, or refused
with the message beside its field. No traceback dialog: an unexpected error in any background task
reaches ``ui.tasks.report_error``, the program's hook for bugs, which the ``task_errors`` fixture
turns into a failure of the test.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.services import intake
from hubapp.services.session import Backend
from tests.unit._corpus import CORPUS, Sample
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.test_intake_dialog import open_intake
from ui.dialogs.intake_dialog import IntakeDialog
from ui.main_window import MainWindow

Key = Qt.Key
VALUES = {s.id: s for s in CORPUS}
CASES = [
    ("summary", VALUES["arabic"]), ("summary", VALUES["emoji_zwj_flags"]), ("summary", VALUES["megabyte_note"]),
    ("summary", VALUES["line_breaks_and_tabs"]), ("referrer_name", VALUES["nul"]),
    ("referrer_name", VALUES["zalgo"]), ("referrer_name", VALUES["sql_drop"]),
    ("referrer_name", VALUES["line_breaks_and_tabs"]),
]


def fill_a_typical_request(keys: Keyboard) -> None:
    """The keyboard test's typical request, up to the summary (see ``test_intake_dialog``)."""
    keys.field("sch")
    keys.field("Mr Patel")
    keys.field("Oak Primary")
    keys.field("DSL")
    keys.field("0121 496 0000")
    keys.field("Ella")
    keys.field("Brown")
    keys.field("04032016")
    keys.enter()
    keys.field("f")
    keys.enter(5)
    keys.enter()
    keys.field("Joanne")
    keys.enter()
    keys.field("01071988")
    keys.enter()
    keys.field("f")
    keys.field("mo")
    keys.enter(4)
    keys.press(Key.Key_Tab)
    keys.field("1 High Street")
    keys.enter()
    keys.field("Birmingham")
    keys.field("B11 1AA")
    keys.enter()
    keys.field("ment")
    keys.enter()
    keys.field("2")
    keys.type("Attendance has fallen.")
    keys.press(Key.Key_Tab)
    keys.field("a")


@pytest.mark.parametrize(("field", "sample"), CASES, ids=[f"{f}-{s.id}" for f, s in CASES])
def test_intake_saves_or_shows_the_message_beside_the_field(
        main_window: MainWindow, backend: Backend, qtbot: QtBot, field: str, sample: Sample) -> None:
    keys = Keyboard(qtbot)
    dialog: IntakeDialog = open_intake(main_window, keys, qtbot)
    fill_a_typical_request(keys)
    if field == "summary":
        dialog.needs.summary.setPlainText(sample.value)
    else:
        dialog.request.referrer_name.setText(sample.value)
    expected = sample.expected(multiline=field == "summary")
    if expected is None:
        with qtbot.waitSignal(dialog.sig_save_finished, timeout=20_000):
            keys.ctrl(Key.Key_S)
        messages = dialog.errors.messages(field)
        assert messages, f"no message beside {field}"
        assert ("limit is" in messages[0]) if sample.rule == "max_length" else ("U+" in messages[0])
        assert dialog.banner.kind == "error"
        # What was typed is kept for the person to put right.
        shown = (dialog.needs.summary.toPlainText() if field == "summary" else dialog.request.referrer_name.text())
        assert len(shown) == len(sample.value)
        dialog._dirty = False  # noqa: SLF001 - close without the "lose your typing?" question
        dialog.close()
        return
    with qtbot.waitSignal(dialog.sig_request_saved, timeout=20_000) as saved:
        keys.ctrl(Key.Key_S)
    view = intake.get_request_view(backend.uow(), saved.args[0].id)
    # Qt's text box turns a pasted "\r\n" into one line break; what it showed is what is stored.
    shown = expected.replace("\r\n", "\n") if field == "summary" else expected
    assert (view.summary if field == "summary" else view.referrer_name) == shown
    qtbot.waitUntil(lambda: main_window.front_door.intake is None, timeout=10_000)
