"""Drafts survive: a request half typed when the window is destroyed comes back on the next start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.drafts import DraftJournal, new_id
from hubapp.services import intake
from hubapp.services.session import Backend
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import Seeded
from ui import tasks
from ui.dialogs import prompts
from ui.main_window import MainWindow
from ui.startup import StartOptions, Startup

Key = Qt.Key


def start_window(backend: Backend, qtbot: QtBot) -> MainWindow:
    assert backend.actor is not None
    window = MainWindow(backend, backend.actor, start_page="referrals", restore=False)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    return window


def test_draft_recovered_after_the_window_is_destroyed_mid_entry(
    backend: Backend, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = start_window(backend, qtbot)
    keys = Keyboard(qtbot)
    first.referrals_page.focus_table()
    keys.ctrl(Key.Key_N)
    dialog = first.front_door.intake
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.request.hub.code() is not None, timeout=10_000)
    keys.field("heal")                     # Health visitor
    keys.field("Sam Okafor")
    dialog.family.editor.rows[0].given.setFocus()
    keys.field("Jack")
    keys.field("Smith")
    with qtbot.waitSignal(dialog.family.sig_checked, timeout=10_000):
        keys.field("03042015")
    with qtbot.waitSignal(dialog.family.sig_linked, timeout=10_000):
        keys.ctrl(Key.Key_L)               # the known Smith family
    dialog.needs.needs.edit.setFocus()
    keys.field("dom")
    keys.enter(2)                          # no more needs; no level yet
    keys.type("Police call-out last night")
    journal = DraftJournal()
    qtbot.waitUntil(lambda: any("call-out" in str(d.data) for d in journal.drafts()), timeout=5_000)

    # The program dies mid-entry: the windows are destroyed with no chance to ask or save.
    tasks.wait_idle()
    shiboken6.delete(first)
    assert not shiboken6.isValid(dialog)

    second = start_window(backend, qtbot)
    qtbot.addWidget(second)
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.title) or prompts.RESTORE)
    second.front_door.offer_drafts()
    assert offered == ["Request about Smith family"]
    restored = second.front_door.intake
    assert restored is not None
    qtbot.waitUntil(lambda: restored.family.linked.detail is not None and restored.request.hub.code() is not None,
                    timeout=10_000)
    assert restored.request.source.code() == "HEALTH_VISITOR"
    assert restored.request.referrer_name.text() == "Sam Okafor"
    assert restored.needs.needs.codes() == ("DOMESTIC_ABUSE",)
    assert restored.needs.summary.toPlainText() == "Police call-out last night"
    assert restored.family.is_linked and restored.family.linked.family_id == seeded.family_ids["Smith"]
    jack = next(m.person_id for m in restored.family.linked.detail.members if m.given_name == "Jack")
    assert restored.family.linked.subject_ids() == (jack,)
    assert restored.family.editor.rows[0].family.text() == "Smith"  # the household typed is kept too
    restored.activateWindow()
    qtbot.waitUntil(restored.isActiveWindow, timeout=5_000)
    with qtbot.waitSignal(restored.sig_request_saved, timeout=10_000) as saved:
        keys.ctrl(Key.Key_S)
    assert intake.get_request_view(backend.uow(), saved.args[0].id).referrer_name == "Sam Okafor"
    assert journal.drafts() == []
    second.close()


@pytest.fixture
def started(sqlite_url: str, qtbot: QtBot) -> Iterator[list[Startup]]:
    flows: list[Startup] = []
    yield flows
    for flow in flows:
        if flow.window is not None and shiboken6.isValid(flow.window):
            if flow.window.front_door.intake is not None:
                flow.window.front_door.intake._dirty = False  # noqa: SLF001
            flow.window.close()
        tasks.wait_idle()
        qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
        flow.shutdown()


def test_drafts_are_offered_back_on_the_next_start(sqlite_url: str, qtbot: QtBot, started: list[Startup],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    probe = Backend(sqlite_url)
    database = probe.display_name
    probe.close()
    journal = DraftJournal()
    journal.save("request", new_id(), "Request from Dr Rahman", "another database", {"request": {}})
    wanted = new_id()
    journal.save("request", wanted, "Request from Dr Rahman", database, {
        "request": {"referrer_name": "Dr Rahman", "source": "GP", "date": "01/02/2026", "time": "09:30"},
        "family": {"household": {"members": [{"given": "Lily", "family": "Evans", "dob": "20/09/2019",
                                              "relation": "SELF", "lives": True}]}},
    })
    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.id) or prompts.RESTORE)
    flow = Startup(StartOptions(database_url=sqlite_url, demo=0), exit_app=lambda code: None)
    started.append(flow)
    flow.start()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.front_door.intake is not None, timeout=20_000)
    assert offered == [wanted]  # only this database's draft
    dialog = flow.window.front_door.intake
    assert dialog.request.referrer_name.text() == "Dr Rahman" and dialog.request.source.code() == "GP"
    assert dialog.request.received_date.text() == "01/02/2026"
    assert dialog.family.editor.rows[0].given.text() == "Lily"
    assert dialog.draft_id == wanted
