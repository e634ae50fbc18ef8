"""The draft of a dialog's inputs: written as typed, put back (late choices too), offered when reopened."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from hubapp.drafts import Draft, DraftJournal
from ui.dialogs import prompts
from ui.widgets.code_combo import CodeCombo
from ui.widgets.form_draft import FormDraft

DB = "test database"


class Form(QDialog):
    """A small form: a line, a text box, a pick list whose choices load later, a plain list, a tick box."""

    def __init__(self, journal: DraftJournal, record: int, draft: Draft | None = None) -> None:
        super().__init__()
        self.record = record
        self.line = QLineEdit(self)
        self.text = QPlainTextEdit(self)
        self.pick = CodeCombo(self)
        self.choice = QComboBox(self)
        for label, code in (("One", "ONE"), ("Two", "TWO")):
            self.choice.addItem(label, code)
        self.tick = QCheckBox("Seen", self)
        self.drafts = FormDraft(self, journal, "test", DB, self.about, draft, "this test")
        for name, widget, label in (("line", self.line, "Line"), ("text", self.text, "Text *"),
                                    ("pick", self.pick, "Pick"), ("choice", self.choice, "Choice"),
                                    ("tick", self.tick, "Seen")):
            self.drafts.watch(name, widget, label)

    def about(self) -> tuple[str, dict[str, Any]]:
        return f"Test form on record {self.record}", {"record": self.record}

    def load_choices(self) -> None:
        self.pick.set_items([("Apple", 1), ("Pear", 2)])
        self.drafts.settle()


def make(qtbot: QtBot, journal: DraftJournal, record: int = 7, draft: Draft | None = None) -> Form:
    form = Form(journal, record, draft)
    qtbot.addWidget(form)
    return form


@pytest.fixture
def journal(tmp_path: Any) -> DraftJournal:
    return DraftJournal(tmp_path / "drafts")


def test_typing_writes_the_inputs_and_the_context(qtbot: QtBot, journal: DraftJournal) -> None:
    form = make(qtbot, journal)
    form.load_choices()
    assert not form.drafts.dirty and journal.drafts() == []
    qtbot.keyClicks(form.line, "Sam")
    qtbot.keyClicks(form.text, "Two lines")
    qtbot.keyClick(form.text, Qt.Key.Key_Return)
    qtbot.keyClicks(form.text, "of text")
    form.pick.set_code(2)
    form.pick.sig_edited.emit()
    form.choice.setCurrentIndex(1)
    form.choice.activated.emit(1)
    form.tick.setChecked(True)
    assert form.drafts.dirty
    qtbot.waitUntil(lambda: bool(journal.drafts()) and journal.drafts()[0].data["fields"]["tick"], timeout=5_000)
    draft = journal.drafts()[0]
    assert (draft.kind, draft.title, draft.database) == ("test", "Test form on record 7", DB)
    assert draft.data == {"record": 7, "fields": {
        "line": "Sam", "text": "Two lines\nof text", "pick": {"code": 2, "text": "Pear"}, "choice": "TWO",
        "tick": True}}
    assert form.drafts.typed_text() == ("Line: Sam\n\nText:\nTwo lines\nof text\n\nPick: Pear\n\nChoice: Two"
                                        "\n\nSeen: Yes")


def test_a_kept_draft_comes_back_including_choices_that_load_later(qtbot: QtBot, journal: DraftJournal) -> None:
    kept = journal.save("test", "a" * 32, "Test form on record 7", DB, {"record": 7, "fields": {
        "line": "Sam", "text": "Kept text", "pick": {"code": 2, "text": "Pear"}, "choice": "TWO", "tick": True,
        "later": "a row built later"}})
    form = make(qtbot, journal, draft=kept)
    assert form.drafts.dirty and form.drafts.draft_id == kept.id and form.drafts.restored_from == kept
    assert (form.line.text(), form.text.toPlainText(), form.choice.currentData(), form.tick.isChecked()) == (
        "Sam", "Kept text", "TWO", True)
    assert form.pick.code() is None  # its choices are not here yet
    form.load_choices()
    assert form.pick.code() == 2
    late = QLineEdit(form)
    form.drafts.watch("later", late)
    assert late.text() == "a row built later"


def test_the_persons_choice_wins_over_a_kept_one_still_waiting(qtbot: QtBot, journal: DraftJournal) -> None:
    kept = journal.save("test", "b" * 32, "t", DB, {"record": 7, "fields": {"pick": {"code": 2, "text": "Pear"}}})
    form = make(qtbot, journal, draft=kept)
    form.pick.setEditText("App")
    form.pick.sig_edited.emit()
    form.load_choices()
    assert form.pick.code() is None  # not the kept "Pear"


@pytest.mark.parametrize(("answer", "closes", "kept"), [(prompts.DISCARD, True, False), (prompts.KEEP, True, True),
                                                         (prompts.CANCEL, False, True)])
def test_leaving_asks_and_keeps_or_drops_the_draft(qtbot: QtBot, journal: DraftJournal, monkeypatch: pytest.MonkeyPatch,
                                                  answer: str, closes: bool, kept: bool) -> None:
    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask_discard", lambda _p, what, keep=True: asked.append(what) or answer)
    form = make(qtbot, journal)
    assert form.drafts.ask_to_leave() and asked == []  # nothing typed: nothing to ask
    qtbot.keyClicks(form.text, "Worth keeping")
    assert form.drafts.ask_to_leave() is closes and asked == ["this test"]
    if kept:  # written at once (keep), or as typing goes on (going back to the form)
        qtbot.waitUntil(lambda: journal.load(form.drafts.draft_id) is not None, timeout=5_000)
    else:
        assert journal.load(form.drafts.draft_id) is None and not form.drafts.dirty


def test_a_kept_draft_of_the_same_record_is_offered_as_the_form_first_shows(
        qtbot: QtBot, journal: DraftJournal, monkeypatch: pytest.MonkeyPatch) -> None:
    journal.save("test", "c" * 32, "Test form on record 8", DB, {"record": 8, "fields": {"text": "Not this one"}})
    journal.save("test", "d" * 32, "Test form on record 7", "another database", {"record": 7, "fields": {"text": "x"}})
    mine = journal.save("test", "e" * 32, "Test form on record 7", DB, {"record": 7, "fields": {"text": "Mine"}})
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, d, _n=0: offered.append(d.id) or prompts.RESTORE)
    form = make(qtbot, journal)
    form.show()
    qtbot.waitUntil(lambda: form.text.toPlainText() == "Mine", timeout=5_000)
    assert offered == [mine.id] and form.drafts.draft_id == mine.id and form.drafts.dirty
    # A second form on the same record, while the first is on screen, is not offered the draft it holds;
    # once the first has closed, it is.
    second = make(qtbot, journal)
    assert second.drafts.waiting() is None
    form.hide()
    assert second.drafts.waiting() == journal.load(mine.id)


def test_a_draft_can_be_thrown_away_when_offered(qtbot: QtBot, journal: DraftJournal,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kept = journal.save("test", "f" * 32, "Test form on record 7", DB, {"record": 7, "fields": {"text": "Old"}})
    monkeypatch.setattr(prompts, "ask_restore", lambda *_a: prompts.DISCARD)
    monkeypatch.setattr(prompts, "confirm_discard_draft", lambda *_a: True)
    form = make(qtbot, journal)
    form.show()
    qtbot.waitUntil(lambda: journal.load(kept.id) is None, timeout=5_000)
    assert form.text.toPlainText() == "" and not form.drafts.dirty


def test_hiding_writes_what_is_pending_at_once(qtbot: QtBot, journal: DraftJournal) -> None:
    form = make(qtbot, journal)
    form.show()
    qtbot.keyClicks(form.line, "Quick")
    assert form.drafts.autosave.pending
    form.hide()
    draft = journal.load(form.drafts.draft_id)
    assert draft is not None and draft.data["fields"]["line"] == "Quick"


def test_an_unknown_kind_of_input_is_refused(qtbot: QtBot, journal: DraftJournal) -> None:
    form = make(qtbot, journal)
    with pytest.raises(TypeError):
        form.drafts.watch("widget", QWidget(form))
