"""Start-up: first-run offer on an empty embedded database, demo loading, and clear failures."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hubapp.services import reference
from hubapp.services.session import Backend
from tests.unit.ui.seed import seed as make_seed
from ui import startup, tasks
from ui.main_window import MainWindow
from ui.startup import StartOptions, Startup


class Run:
    """One start-up, with the exit codes it asked for and the window it opened."""

    def __init__(self, options: StartOptions) -> None:
        self.codes: list[int] = []
        self.flow = Startup(options, exit_app=self.codes.append)
        self.windows: list[MainWindow] = []
        self.flow.sig_window_shown.connect(self.windows.append)


@pytest.fixture
def start(qtbot: QtBot) -> Iterator[Callable[[StartOptions], Run]]:
    """Start the flow; at the end close its window and its database."""
    runs: list[Run] = []

    def go(options: StartOptions) -> Run:
        run = Run(options)
        runs.append(run)
        run.flow.start()
        return run

    yield go
    for run in runs:
        for window in run.windows:
            window.close()
        tasks.wait_idle()
        qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
        run.flow.shutdown()


def _window(run: Run, qtbot: QtBot) -> MainWindow:
    qtbot.waitUntil(lambda: bool(run.windows) or bool(run.codes), timeout=20_000)
    assert not run.codes, f"start-up stopped with {run.codes}"
    window = run.windows[0]
    qtbot.addWidget(window)
    return window


def test_first_start_offers_demo_data_and_can_start_empty(
    sqlite_url: str, start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(startup, "demo_available", lambda: True)
    monkeypatch.setattr(startup, "ask_first_run_choice", lambda parent=None: asked.append(True) or "empty")
    run = start(StartOptions(database_url=sqlite_url))
    window = _window(run, qtbot)
    assert asked == [True]
    assert window.actor.hub_ids  # the worker is in the first hub
    assert run.flow.backend is not None
    assert [h.name for h in reference.hubs(run.flow.backend.uow())] == ["My hub"]
    qtbot.waitUntil(lambda: window.referrals_page.model.total == 0, timeout=10_000)
    assert "Nothing is waiting" in window.referrals_page.results.label.text()


def test_first_start_can_load_demo_data(
    sqlite_url: str, start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_load_demo(self: Backend, families: int = 200, seed: int = 1, progress=None) -> None:  # type: ignore[no-untyped-def]
        progress(0, 2)
        make_seed(self)
        progress(2, 2)

    monkeypatch.setattr(startup, "demo_available", lambda: True)
    monkeypatch.setattr(startup, "ask_first_run_choice", lambda parent=None: "demo")
    monkeypatch.setattr(Backend, "load_demo", fake_load_demo)
    run = start(StartOptions(database_url=sqlite_url))
    window = _window(run, qtbot)
    qtbot.waitUntil(lambda: window.nav.badge("referrals") == 3, timeout=10_000)


def test_demo_option_loads_without_asking(
    sqlite_url: str, start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[int] = []

    def fake_load_demo(self: Backend, families: int = 200, seed: int = 1, progress=None) -> None:  # type: ignore[no-untyped-def]
        loaded.append(families)
        self.start_empty()

    monkeypatch.setattr(startup, "ask_first_run_choice", lambda parent=None: pytest.fail("must not ask"))
    monkeypatch.setattr(Backend, "load_demo", fake_load_demo)
    run = start(StartOptions(database_url=sqlite_url, demo=12))
    _window(run, qtbot)
    assert loaded == [12]


def test_closing_the_first_run_question_quits_without_changes(
    sqlite_url: str, start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "demo_available", lambda: True)
    monkeypatch.setattr(startup, "ask_first_run_choice", lambda parent=None: None)
    run = start(StartOptions(database_url=sqlite_url))
    qtbot.waitUntil(lambda: bool(run.codes), timeout=20_000)
    assert run.codes == [startup.EXIT_OK] and not run.windows


def test_a_database_newer_than_the_program_is_refused_with_advice(
    sqlite_url: str, tmp_path: Path, start: Callable[[StartOptions], Run], qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "newer.sqlite"
    shutil.copyfile(sqlite_url.removeprefix("sqlite:///"), path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(startup, "show_open_error",
                        lambda title, text, details="", parent=None: shown.append((title, text, details)))
    run = start(StartOptions(database_url=f"sqlite:///{path}"))
    qtbot.waitUntil(lambda: bool(run.codes), timeout=20_000)
    assert run.codes == [startup.EXIT_SCHEMA]
    assert not run.windows
    title, _text, details = shown[0]
    assert title == "Database version does not match"
    assert "What to do" in details and "Traceback" not in details


def test_an_unreachable_server_is_waited_for_and_quit_exits(
    start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(startup, "show_open_error", lambda title, text, details="", parent=None: shown.append(title))
    monkeypatch.setattr(startup, "RETRY_FIRST_S", 0.05)
    run = start(StartOptions(database_url="postgresql+psycopg://nobody@127.0.0.1:9/nothing"))
    # It does not give up: it says it is waiting, and keeps trying.
    qtbot.waitUntil(lambda: run.flow.waiting is not None and run.flow._attempts >= 2, timeout=30_000)  # noqa: SLF001
    waiting = run.flow.waiting
    assert waiting is not None and waiting.isVisible()
    assert "keeps trying" in waiting.text() and "Tried" in waiting.informativeText()
    assert run.codes == [] and shown == []
    waiting.quit_button.click()
    assert run.codes == [startup.EXIT_UNAVAILABLE]
    assert run.flow.waiting is None and not run.windows


def test_an_unreachable_server_is_explained_at_once_in_a_scripted_run(
    start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(startup, "show_open_error", lambda title, text, details="", parent=None: shown.append(title))
    run = start(StartOptions(database_url="postgresql+psycopg://nobody@127.0.0.1:9/nothing",
                             screenshot=tmp_path / "shot.png"))
    qtbot.waitUntil(lambda: bool(run.codes), timeout=30_000)
    assert run.codes == [startup.EXIT_UNAVAILABLE]
    assert shown == ["Cannot reach the database"]


@pytest.mark.postgres
def test_a_server_down_at_start_is_waited_for_and_the_program_starts_by_itself(
    start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    """Fault 2 of issue 7, at start: the server is down, the program waits, the server comes back."""
    from tests.integration._faults import CuttableProxy
    from tests.unit.ui.seed import signed_in

    backend = signed_in(pg_url)  # a worker for the test server's login, as the program needs
    make_seed(backend)
    backend.close()
    monkeypatch.setattr(startup, "RETRY_FIRST_S", 0.1)
    monkeypatch.setattr(startup, "RETRY_MAX_S", 0.5)
    proxy = CuttableProxy(up=False)
    try:
        run = start(StartOptions(database_url=proxy.url_for(pg_url)))
        qtbot.waitUntil(lambda: run.flow.waiting is not None, timeout=30_000)
        assert not run.windows and not run.codes
        proxy.restore()  # nobody touches anything: it starts by itself
        window = _window(run, qtbot)
        assert window.isVisible() and run.flow.waiting is None
    finally:
        proxy.close()


def test_a_malformed_address_is_explained(
    start: Callable[[StartOptions], Run], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(startup, "show_open_error", lambda title, text, details="", parent=None: shown.append(text))
    run = start(StartOptions(database_url="not a url"))
    qtbot.waitUntil(lambda: bool(run.codes), timeout=20_000)
    assert run.codes == [startup.EXIT_FAILED]
    assert "could not open" in shown[0]


def test_url_comes_from_option_then_environment_then_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert startup.resolve_url(StartOptions(database_url="sqlite:///x.sqlite")) == "sqlite:///x.sqlite"
    monkeypatch.setenv("HUBAPP_DATABASE_URL", "sqlite:///env.sqlite")
    assert startup.resolve_url(StartOptions()) == "sqlite:///env.sqlite"
    monkeypatch.delenv("HUBAPP_DATABASE_URL")
    assert startup.resolve_url(StartOptions()).endswith("hubapp.sqlite")


def test_the_main_window_loads_no_printing_spreadsheet_migration_keyring_or_chart_library() -> None:
    """Start-up imports only what the first screen needs: ReportLab (the first print), openpyxl (the
    first XLSX), Alembic (an upgrade), keyring (a remembered password), and the dashboard page with
    Qt Charts and the episode page with its tabs (their first showing) load when first used.
    Together they were over half a second of every start on the benchmark machine."""
    import subprocess
    import sys

    code = ("import sys, ui.startup, ui.main_window; "
            "print(sorted(({m.split('.')[0] for m in sys.modules} & {'reportlab', 'openpyxl', 'alembic', 'keyring'})"
            " | ({'PySide6.QtCharts', 'ui.pages.dashboard.dashboard_page', 'ui.pages.episode.episode_page'}"
            " & set(sys.modules))))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "[]"
