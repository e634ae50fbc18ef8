"""Fault 4 (issue 7): the program is killed (``kill -9``) while unsaved input is on screen.

A real hubapp process (the main window on an episode) has edits typed into the plan editor and a
meeting record half typed; once both drafts are on disk it is killed with SIGKILL, with no chance
to save or ask. The program started again offers both back, and the plan's edits save.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from hubapp.drafts import DraftJournal
from hubapp.services import episodes, plans
from hubapp.services.session import Backend
from tests.unit.ui.episode_seed import running_plan
from tests.unit.ui.seed import Seeded
from tests.unit.ui.test_faults_plan_editor import draft_plan, open_plan
from ui.dialogs import prompts
from ui.pages.episode.meeting_dialog import DRAFT_KIND as MEETING_DRAFT
from ui.pages.episode.meeting_dialog import MeetingDialog
from ui.pages.episode.plan_tab import DRAFT_KIND as PLAN_DRAFT

ROOT = Path(__file__).resolve().parents[3]

#: The program, typing: the plan editor and a meeting record of one episode, then "READY" once
#: both drafts are kept on disk. It then runs until killed. No sleeps: a timer checks the journal.
DRIVER = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from hubapp.drafts import DraftJournal
    from hubapp.services import plans
    from hubapp.services.session import Backend
    from ui import resources, settings
    from ui.main_window import MainWindow
    from ui.pages.episode.meeting_dialog import MeetingDialog

    url, episode_id = sys.argv[1], int(sys.argv[2])
    settings.set_application_identity()
    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    resources.register_search_paths()
    backend = Backend(url)
    backend.prepare()
    actor = backend.sign_in()
    window = MainWindow(backend, actor, start_page="referrals", restore=False)
    window.show()
    page = window.episode_page
    state = {"typed": False}

    def type_it(_detail):
        if state["typed"]:
            return
        tab = page.plan_tab
        if tab.plan is None or not tab.plan.editable:
            QTimer.singleShot(20, lambda: type_it(_detail))
            return
        state["typed"] = True
        page.tabs.setCurrentWidget(tab)
        tab.network.setFocus()
        QTest.keyClicks(tab.network, "Grandad takes Jack swimming on Saturdays.")
        e = page.detail
        current = plans.get_plan(backend.uow(), e.current_plan_id)
        dialog = MeetingDialog(backend, e, current, parent=window)
        dialog.show()
        dialog.location.setFocus()
        QTest.keyClicks(dialog.location, "Oak Primary School")
        dialog.notes.setFocus()
        QTest.keyClicks(dialog.notes, "Attendance up to 93%; mum feels more in control.")
        state["dialog"] = dialog
        check()

    def check():
        kinds = {d.kind: str(d.data) for d in DraftJournal().drafts()}
        if "Grandad" in kinds.get("plan", "") and "93%" in kinds.get("meeting", ""):
            print("READY", flush=True)
            return
        QTimer.singleShot(50, check)

    page.sig_episode_loaded.connect(type_it)
    window.open_episode(episode_id)
    app.exec()
""")


def _wait_for_line(process: subprocess.Popen[str], want: str, timeout: float) -> list[str]:
    """Lines the program printed until ``want`` (fails on timeout or exit)."""
    assert process.stdout is not None
    seen: list[str] = []
    with selectors.DefaultSelector() as sel:
        sel.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not sel.select(timeout=deadline - time.monotonic()):
                break
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line.rstrip())
            if line.strip() == want:
                return seen
    raise AssertionError(f"the program never said {want!r}; it printed {seen!r}")


def test_drafts_survive_kill_9_and_are_offered_on_restart(
    backend: Backend, seeded: Seeded, sqlite_url: str, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    episode_id = running_plan(backend, seeded)
    e = episodes.get_episode(backend.uow(), episode_id)
    assert e.current_plan_id is not None
    plans.new_version(backend.uow(), e.current_plan_id)
    driver = tmp_path / "typing_program.py"
    driver.write_text(DRIVER)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(driver), sqlite_url, str(episode_id)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        _wait_for_line(process, "READY", timeout=90)
        os.kill(process.pid, signal.SIGKILL)  # kill -9: no close event, no question, no save
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    kept = {d.kind for d in DraftJournal().drafts(database=backend.display_name)}
    assert {PLAN_DRAFT, MEETING_DRAFT} <= kept

    offered: list[str] = []
    monkeypatch.setattr(prompts, "ask_restore", lambda _p, draft, _n=0: offered.append(draft.title) or prompts.RESTORE)
    window, tab = open_plan(backend, episode_id, qtbot)
    qtbot.waitUntil(lambda: tab.network.toPlainText() == "Grandad takes Jack swimming on Saturdays.", timeout=10_000)
    assert "Plan of the Smith family (version 2)" in offered and tab.is_dirty()

    shown: list[tuple[str, str]] = []  # what each meeting dialog showed (it is deleted once closed)

    def exec_(dialog: Any) -> int:
        shown.append((dialog.location.text(), dialog.notes.toPlainText()))
        return 0

    monkeypatch.setattr(MeetingDialog, "exec", exec_)
    window.episode_page.meetings_tab.record_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "Meeting record for the Smith family" in offered
    assert shown[0] == ("Oak Primary School", "Attendance up to 93%; mum feels more in control.")

    # Closed without saving, the record is offered again the next time, in the same session: the
    # closed dialog (deleted) no longer holds its draft.
    offered.clear()
    window.episode_page.meetings_tab.record_button.click()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert "Meeting record for the Smith family" in offered
    assert shown[1][1] == "Attendance up to 93%; mum feels more in control."

    with qtbot.waitSignal(tab.sig_save_finished, timeout=10_000) as saved:
        tab.save()
    assert saved.args == [True]
    assert draft_plan(backend, episode_id).network_contribution == "Grandad takes Jack swimming on Saturdays."
    assert not DraftJournal().drafts(PLAN_DRAFT)
    window.close()
