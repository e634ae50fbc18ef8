"""Start-up with connection profiles: the default opens; a broken or missing one is explained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer
from pytestqt.qtbot import QtBot

from hubapp import config
from tests.conftest import MemoryKeyring
from ui import startup, tasks
from ui.main_window import MainWindow
from ui.single_instance import server_name
from ui.startup import StartOptions, Startup

ROOT = Path(__file__).resolve().parents[3]


def _site_profiles(content: object) -> None:
    path = config.site_profiles_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """The error dialogs start-up showed (title, text, what to do), instead of showing them."""
    seen: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        startup,
        "show_open_error",
        lambda title, text, details="", parent=None: seen.append((title, text, details)),
    )
    return seen


@pytest.fixture
def flows(qtbot: QtBot) -> Iterator[list[Startup]]:
    """Start-ups to shut down at the end (windows closed, workers finished, databases closed)."""
    made: list[Startup] = []
    yield made
    for flow in made:
        if flow.window is not None:
            flow.window.close()
        tasks.wait_idle()
        qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)
        flow.shutdown()


def _start(
    options: StartOptions, flows: list[Startup]
) -> tuple[Startup, list[int], list[MainWindow]]:
    codes: list[int] = []
    windows: list[MainWindow] = []
    flow = Startup(options, exit_app=codes.append)
    flow.sig_window_shown.connect(windows.append)
    flows.append(flow)
    flow.start()
    return flow, codes, windows


def test_the_default_profile_is_opened(sqlite_url: str, qtbot: QtBot, flows: list[Startup]) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    _site_profiles({"default": "Training", "profiles": [{"name": "Training", "path": path}]})
    assert startup.resolve_url(StartOptions()) == sqlite_url
    flow, codes, windows = _start(StartOptions(demo=0), flows)
    qtbot.waitUntil(lambda: bool(windows) or bool(codes), timeout=20_000)
    assert not codes and flow.backend is not None and flow.backend.sqlite_path == Path(path)
    qtbot.addWidget(windows[0])


def test_a_url_on_the_command_line_wins_over_profiles(sqlite_url: str) -> None:
    _site_profiles("{broken")
    assert startup.resolve_url(StartOptions(database_url=sqlite_url)) == sqlite_url


def test_a_broken_profile_file_is_explained_not_raised(
    qtbot: QtBot, flows: list[Startup], shown: list[tuple[str, str, str]]
) -> None:
    _site_profiles("{broken")
    _flow, codes, windows = _start(StartOptions(), flows)
    assert codes == [startup.EXIT_FAILED] and not windows
    title, text, details = shown[0]
    assert title == "Cannot read the connection settings"
    assert str(config.site_profiles_file()) in text and "tell IT" in details


def test_a_missing_profile_is_explained(
    qtbot: QtBot, flows: list[Startup], shown: list[tuple[str, str, str]]
) -> None:
    _flow, codes, _windows = _start(StartOptions(profile="Live"), flows)
    assert codes == [startup.EXIT_FAILED]
    assert "no connection profile called “Live”" in shown[0][1] and "(missing)" in shown[0][1]


def test_a_server_profile_uses_the_password_the_keyring_remembers(
    memory_keyring: MemoryKeyring,
) -> None:
    profile = config.Profile(
        name="County hubs",
        kind="postgresql",
        host="db.example",
        database="hubapp",
        username="asmith",
    )
    plain = profile.url()
    assert startup.with_saved_password(profile, plain) == plain  # nothing remembered yet
    memory_keyring.set_password("hubapp", "asmith@db.example:5432/hubapp", "s3cret")
    assert (
        startup.with_saved_password(profile, plain)
        == "postgresql+psycopg://asmith:s3cret@db.example:5432/hubapp"
    )
    assert startup.with_saved_password(None, plain) == plain


def test_a_second_copy_on_the_same_database_exits_at_once(tmp_path: Path) -> None:
    """Run as programs: the first copy stays open; the second hands over and exits 0."""
    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "ui.app", "--database-url", url, "--demo", "0"]
    first = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        socket_file = Path(os.environ.get("TMPDIR", "/tmp")) / server_name(url)
        deadline = time.monotonic() + 60
        while sys.platform != "win32" and not socket_file.exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            time.sleep(0.1)
        started = time.monotonic()
        second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already open for this database" in second.stderr
        assert time.monotonic() - started < 30
        assert first.poll() is None  # the first copy is still running
    finally:
        first.terminate()
        first.wait(timeout=30)
        QLocalServer.removeServer(server_name(url))
