"""Fault 1 (issue 7) on screen: the server process is killed in the middle of a save (PostgreSQL).

The intake form and the plan editor say so in words, keep what was typed and its draft, leave
nothing half-written, and "Try again" saves it exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubapp.data.db import Database
from hubapp.drafts import DraftJournal
from hubapp.services import episodes, plans
from hubapp.services.session import Backend
from tests.integration._faults import killed_mid_save, table_counts
from tests.unit.ui.conftest import _drain
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.keyboard import Keyboard
from tests.unit.ui.seed import seed, signed_in
from tests.unit.ui.test_faults_plan_editor import draft_plan, open_plan, type_edits
from tests.unit.ui.test_intake_dialog import open_intake
from ui.main_window import MainWindow
from ui.pages.episode.plan_tab import DRAFT_KIND

pytestmark = pytest.mark.postgres
Key = Qt.Key


@pytest.fixture
def pg_backend(pg_url: str, qtbot: QtBot) -> Iterator[Backend]:
    b = signed_in(pg_url)
    yield b
    _drain(qtbot)
    b.close()


def test_intake_killed_mid_save_keeps_the_form_and_saves_once_on_retry(pg_backend: Backend, qtbot: QtBot) -> None:
    seed(pg_backend)
    assert pg_backend.actor is not None
    window = MainWindow(pg_backend, pg_backend.actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    keys = Keyboard(qtbot)
    dialog = open_intake(window, keys, qtbot)
    keys.field("self")
    keys.field("Ayesha Khan")
    dialog.family.editor.rows[0].given.setFocus()
    keys.field("Zara")
    keys.field("Ali")
    before = table_counts(pg_backend.db)

    with killed_mid_save(pg_backend.db.engine, "INSERT") as killed, \
            qtbot.waitSignal(dialog.sig_save_finished, timeout=15_000) as finished:
        keys.ctrl(Key.Key_S)
    assert killed and finished.args == [False]
    assert dialog.isVisible() and dialog.banner.kind == "error"
    assert "cannot be reached" in dialog.banner.text and "nothing was saved" in dialog.banner.text
    assert dialog.family.editor.rows[0].given.text() == "Zara"            # what was typed is on screen
    assert [d.title for d in DraftJournal().drafts()] == ["Request about Zara Ali"]  # and kept on the PC
    assert table_counts(pg_backend.db) == before                          # nothing half-written

    with qtbot.waitSignal(dialog.sig_request_saved, timeout=15_000):
        dialog.banner.action.click()                                      # Try again
    after = table_counts(pg_backend.db)
    assert after["request_for_support"] == before["request_for_support"] + 1  # saved once
    assert after["family"] == before["family"] + 1
    assert DraftJournal().drafts() == []
    window.close()


def test_plan_editor_killed_mid_save_keeps_the_edits_and_saves_once_on_retry(
    pg_backend: Backend, qtbot: QtBot,
) -> None:
    episode_id = running_plan(pg_backend, seed(pg_backend))
    e = episodes.get_episode(pg_backend.uow(), episode_id)
    assert e.current_plan_id is not None
    plans.new_version(pg_backend.uow(), e.current_plan_id)
    window, tab = open_plan(pg_backend, episode_id, qtbot)
    type_edits(tab, qtbot)
    opened = draft_plan(pg_backend, episode_id)
    db: Database = pg_backend.db
    before = table_counts(db)

    with killed_mid_save(db.engine, "UPDATE") as killed, \
            qtbot.waitSignal(tab.sig_save_finished, timeout=15_000) as finished:
        tab.save()
    assert killed and finished.args == [False]
    assert tab.notice.kind == "error" and "cannot be reached" in tab.notice.text
    assert tab.notice.action.text() == "Try again (Ctrl+S)"
    assert tab.network.toPlainText() == "Nan walks Jack on Mondays." and tab.is_dirty()
    assert any("Nan walks" in str(d.data) for d in DraftJournal().drafts(DRAFT_KIND))
    assert table_counts(db) == before
    assert draft_plan(pg_backend, episode_id).version == opened.version

    with qtbot.waitSignal(tab.sig_save_finished, timeout=15_000) as again:
        tab.notice.action.click()
    assert again.args == [True]
    stored = draft_plan(pg_backend, episode_id)
    assert stored.version == opened.version + 1 and stored.network_contribution == "Nan walks Jack on Mondays."
    assert len(stored.goals) == len(opened.goals) and table_counts(db)["plan"] == before["plan"]
    assert DraftJournal().drafts(DRAFT_KIND) == []
    window.close()
