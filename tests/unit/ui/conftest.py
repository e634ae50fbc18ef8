"""Fixtures for UI tests: an open backend on a fresh SQLite file, seeded data, the main window.

Every background task must have finished before a backend is closed, and an unexpected error in
a task (a bug) fails the test that caused it instead of only being logged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded, seed
from ui import resources, settings, tasks
from ui.main_window import MainWindow


#: Qt messages that are noise of the offscreen platform, not faults of the program.
OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    # A completer's or combo box's popup asks for these; the offscreen platform has neither.
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore the offscreen platform's own warnings in UI tests (any other warning still fails)."""
    for item in items:
        if "tests/unit/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _ui_environment(qapp: object) -> None:
    """Application identity and the ``icons:``/``styles:`` search paths, as at start-up."""
    settings.set_application_identity()
    resources.register_search_paths()


@pytest.fixture(autouse=True)
def task_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    """Unexpected errors from background tasks; any left at the end fails the test."""
    errors: list[BaseException] = []
    original = tasks.report_error

    def record(exc: BaseException, expected: bool) -> None:
        if not expected:
            errors.append(exc)
        original(exc, expected)

    monkeypatch.setattr(tasks, "report_error", record)
    yield errors
    assert not errors, f"unexpected errors in background tasks: {errors!r}"


def _drain(qtbot: QtBot) -> None:
    """Let running tasks finish and deliver their results."""
    tasks.wait_idle()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)


@pytest.fixture
def backend(sqlite_url: str, qtbot: QtBot) -> Iterator[Backend]:
    """An open, signed-in backend on a fresh database at head."""
    b = Backend(sqlite_url)
    b.prepare()
    b.sign_in()
    yield b
    _drain(qtbot)
    b.close()


@pytest.fixture
def seeded(backend: Backend) -> Seeded:
    """Three families and four requests (three undecided) in one hub."""
    return seed(backend)


@pytest.fixture
def main_window(backend: Backend, seeded: Seeded, qtbot: QtBot) -> Iterator[MainWindow]:
    """The main window on the seeded database, on the Referrals page with its first data shown."""
    assert backend.actor is not None
    window = MainWindow(backend, backend.actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    qtbot.waitUntil(lambda: window.nav.badge("referrals") == 3, timeout=10_000)
    yield window
    window.close()
    _drain(qtbot)
