"""Fault 4 (issue 7) for the decision dialog: what is typed is kept as a draft, dropped once decided or
discarded, offered back at start after the program died, and kept to copy if the request was
decided meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.domain.dto import DecisionInput
from hubapp.drafts import Draft, DraftJournal, new_id
from hubapp.services import intake, referrals
from hubapp.services.session import Backend
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import Seeded, seed
from tests.unit.ui.test_decision_dialog import open_decision, request_with_agreement
from tests.unit.ui.test_draft_recovery import start_window
from ui import tasks
from ui.dialogs import prompts
from ui.dialogs.decision_dialog import KIND, DecisionDialog
from ui.main_window import MainWindow
from ui.startup import StartOptions, Startup

Key = Qt.Key
RATIONALE = "Signposted to the family hub's parenting course; mum agreed."


def decision_drafts() -> list[Draft]:
    return DraftJournal().drafts(KIND)


def type_a_decision(dialog: DecisionDialog, qtbot: QtBot) -> Keyboard:
    """Advice and signposting, with a rationale, as typed at the keyboard; waits until the draft is kept."""
    keys = Keyboard(qtbot)
    keys.field("adv")
    keys.type(RATIONALE)
    qtbot.waitUntil(lambda: any(RATIONALE in str(d.data) for d in decision_drafts()), timeout=5_000)
    return keys


def restore_answer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer "Open it" whenever a draft is offered; the titles offered."""
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.title) or prompts.RESTORE)
    return offered


def test_typing_keeps_a_draft_and_deciding_drops_it(main_window: MainWindow, backend: Backend, seeded: Seeded,
                                                    qtbot: QtBot) -> None:
    request_id = request_with_agreement(backend, seeded)
    dialog = open_decision(main_window, request_id, qtbot)
    assert decision_drafts() == []  # opening is not typing
    keys = type_a_decision(dialog, qtbot)
    [draft] = decision_drafts()
    assert draft.title == f"Decision on request #{request_id} — Khan family"
    assert draft.data["request_id"] == request_id and draft.database == backend.display_name
    assert draft.data["fields"]["outcome"]["code"] == "ADVICE_SIGNPOST"
    assert draft.data["fields"]["rationale"] == RATIONALE
    with qtbot.waitSignal(dialog.sig_decided, timeout=10_000):
        keys.ctrl(Key.Key_S)
    assert decision_drafts() == []


def test_esc_then_discard_drops_the_draft(main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = request_with_agreement(backend, seeded)
    dialog = open_decision(main_window, request_id, qtbot)
    keys = type_a_decision(dialog, qtbot)
    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask_discard", lambda _p, what, keep=True: asked.append(what) or prompts.DISCARD)
    keys.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: request_id not in main_window.front_door.decisions, timeout=5_000)
    assert asked == ["this decision"] and decision_drafts() == []


def test_a_draft_kept_on_leaving_is_offered_when_the_same_request_is_decided_again(
        main_window: MainWindow, backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    request_id = request_with_agreement(backend, seeded)
    other_id = seeded.undecided_request_ids[0]
    keys = type_a_decision(open_decision(main_window, request_id, qtbot), qtbot)
    monkeypatch.setattr(prompts, "ask_discard", lambda *_a, **_k: prompts.KEEP)
    keys.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: request_id not in main_window.front_door.decisions, timeout=5_000)
    offered = restore_answer(monkeypatch)
    other = open_decision(main_window, other_id, qtbot)  # another request: nothing offered
    assert offered == [] and other.rationale.toPlainText() == ""
    other.close()
    again = open_decision(main_window, request_id, qtbot)
    qtbot.waitUntil(lambda: again.rationale.toPlainText() == RATIONALE, timeout=5_000)
    assert offered == [f"Decision on request #{request_id} — Khan family"]
    assert again.outcome.code() == "ADVICE_SIGNPOST" and again.is_dirty
    with qtbot.waitSignal(again.sig_decided, timeout=10_000):
        again.decide()
    assert intake.get_request_view(backend.uow(), request_id).decision_rationale == RATIONALE
    assert decision_drafts() == []


def test_a_decision_typed_when_the_program_died_is_offered_at_start_and_records(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = request_with_agreement(backend, seeded)
    first = start_window(backend, qtbot)
    dialog = open_decision(first, request_id, qtbot)
    keys = Keyboard(qtbot)
    keys.field("acc")                      # accepted for early help ...
    keys.enter()                           # ... at the request's own hub
    keys.type(RATIONALE)
    qtbot.waitUntil(lambda: any(RATIONALE in str(d.data) for d in decision_drafts()), timeout=5_000)

    # The program dies mid-entry: the windows are destroyed with no chance to ask or save.
    tasks.wait_idle()
    shiboken6.delete(first)
    assert not shiboken6.isValid(dialog)

    second = start_window(backend, qtbot)
    qtbot.addWidget(second)
    offered = restore_answer(monkeypatch)
    second.front_door.offer_drafts()
    assert offered == [f"Decision on request #{request_id} — Khan family"]
    restored = second.front_door.decisions[request_id]
    qtbot.waitUntil(lambda: restored.view is not None and restored.hub.code() == seeded.hub_id, timeout=10_000)
    assert restored.outcome.code() == "ACCEPT_EH" and restored.rationale.toPlainText() == RATIONALE
    assert restored.hub.isEnabled() and restored.decide_button.isEnabled()
    assert "is back" in restored.banner.text
    with qtbot.waitSignal(restored.sig_decided, timeout=10_000) as decided:
        restored.decide()
    assert decided.args[0].outcome == "ACCEPT_EH"
    assert intake.get_request_view(backend.uow(), request_id).decision_hub_id == seeded.hub_id
    assert decision_drafts() == []
    second.close()


def kept_decision(backend: Backend, request_id: int) -> Draft:
    """A decision draft left on disk by a program that died (as the dialog writes it)."""
    return DraftJournal().save(KIND, new_id(), f"Decision on request #{request_id} — Smith family",
                               backend.display_name, {"request_id": request_id, "fields": {
                                   "outcome": {"code": "ADVICE_SIGNPOST", "text": "Advice and signposting"},
                                   "rationale": RATIONALE, "feedback_note": "Told Mrs Okafor by phone"}})


def test_a_kept_decision_on_a_request_decided_meanwhile_says_so_and_keeps_the_text(
        backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = seeded.undecided_request_ids[0]
    draft = kept_decision(backend, request_id)
    view = intake.get_request_view(backend.uow(), request_id)  # meanwhile, on another PC:
    referrals.decide_request(backend.uow(), DecisionInput(request_id=request_id, expected_version=view.version,
                                                          outcome="NFA", rationale="Already known to CSC"))
    window = start_window(backend, qtbot)
    qtbot.addWidget(window)
    offered = restore_answer(monkeypatch)
    window.front_door.offer_drafts()
    assert offered == [draft.title]
    dialog = window.front_door.decisions[request_id]
    with qtbot.waitSignal(dialog.sig_loaded, timeout=10_000):
        pass
    assert "no longer waiting for a decision" in dialog.banner.text
    assert "cannot be recorded now" in dialog.banner.text and "copy" in dialog.banner.text
    assert not dialog.decide_button.isEnabled()
    assert dialog.rationale.toPlainText() == RATIONALE  # the text is there to copy
    assert dialog.feedback_note.text() == "Told Mrs Okafor by phone"
    assert [d.id for d in decision_drafts()] == [draft.id]  # kept until the person decides what to do with it
    monkeypatch.setattr(prompts, "ask_discard", lambda *_a, **_k: prompts.DISCARD)
    dialog.reject()
    assert decision_drafts() == []
    window.close()


@pytest.fixture
def started(sqlite_url: str, qtbot: QtBot) -> Iterator[list[Startup]]:
    flows: list[Startup] = []
    yield flows
    for flow in flows:
        if flow.window is not None and shiboken6.isValid(flow.window):
            for dialog in list(flow.window.front_door.decisions.values()):
                dialog.drafts.discard()
                dialog.close()
            flow.window.close()
        tasks.wait_idle()
        qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
        if flow.window is not None and shiboken6.isValid(flow.window):
            # Gone, not only closed: a closed window still hears of changes and would load data in later tests.
            shiboken6.delete(flow.window)
        flow.shutdown()


def test_start_up_offers_a_kept_decision_and_opens_it(sqlite_url: str, qtbot: QtBot, started: list[Startup],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    probe = Backend(sqlite_url)
    probe.prepare()
    probe.sign_in()
    seeded = seed(probe)
    request_id = seeded.undecided_request_ids[1]
    draft = kept_decision(probe, request_id)
    probe.close()
    offered = restore_answer(monkeypatch)
    flow = Startup(StartOptions(database_url=sqlite_url, demo=0), exit_app=lambda code: None)
    started.append(flow)
    flow.start()
    qtbot.waitUntil(lambda: flow.window is not None and request_id in flow.window.front_door.decisions,
                    timeout=20_000)
    assert offered == [draft.title]
    dialog = flow.window.front_door.decisions[request_id]
    assert dialog.rationale.toPlainText() == RATIONALE and dialog.outcome.code() == "ADVICE_SIGNPOST"
    assert dialog.drafts.draft_id == draft.id
