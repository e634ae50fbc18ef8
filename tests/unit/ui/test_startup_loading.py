"""Start-up loads the main window's modules while the worker opens the database (issue 7), and an
installation missing part of the window says so instead of waiting without a window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from ui import startup, tasks
from ui.main_window import MainWindow
from ui.startup import StartOptions, Startup


class Run:
    """One start-up: the exit codes it asked for and the windows it opened."""

    def __init__(self, url: str) -> None:
        self.codes: list[int] = []
        self.windows: list[MainWindow] = []
        self.flow = Startup(StartOptions(database_url=url, demo=0), exit_app=self.codes.append)
        self.flow.sig_window_shown.connect(self.windows.append)


@pytest.fixture
def run(sqlite_url: str, qtbot: QtBot) -> Iterator[Run]:
    """A start-up on a fresh test database, started empty (``--demo 0``); closed after."""
    started = Run(sqlite_url)
    yield started
    for window in started.windows:
        window.close()
    tasks.wait_idle()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
    started.flow.shutdown()


def test_window_modules_load_while_the_database_opens(
    run: Run, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    load = startup.load_window_modules
    monkeypatch.setattr(startup, "load_window_modules", lambda: steps.append("load") or load())
    run.flow.sig_window_shown.connect(lambda _window: steps.append("window"))
    run.flow.start()
    assert steps == ["load"]  # before start() returns: the worker is still opening the database
    qtbot.waitUntil(lambda: bool(run.windows) or bool(run.codes), timeout=20_000)
    assert not run.codes
    assert steps[0] == "load" and steps[-1] == "window"
    qtbot.addWidget(run.windows[0])


def test_a_window_that_cannot_be_loaded_is_reported_and_exits(
    run: Run, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ImportError("No module named 'ui.pages.family_page'")

    shown: list[str] = []
    monkeypatch.setattr(startup, "load_window_modules", broken)
    monkeypatch.setattr(startup, "show_open_error", lambda title, text, details="", parent=None: shown.append(text))
    run.flow.start()
    qtbot.waitUntil(lambda: bool(run.codes), timeout=20_000)
    assert run.codes == [startup.EXIT_FAILED]
    assert not run.windows
    assert "not installed completely" in shown[0] and "ui.pages.family_page" in shown[0]
