"""One hubapp per login and database: a second copy asks the first to show its window and exits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.single_instance import SingleInstance, raise_window, server_name

ROOT = Path(__file__).resolve().parents[3]
SECOND_COPY = (
    "import sys; from PySide6.QtCore import QCoreApplication; "
    "from ui.single_instance import SingleInstance; "
    "app = QCoreApplication([]); sys.exit(0 if SingleInstance(sys.argv[1]).claim() else 3)"
)


@pytest.fixture
def name() -> Iterator[str]:
    """A socket name no other test (or running hubapp) uses; removed afterwards."""
    value = server_name(f"sqlite:///test-{uuid.uuid4().hex}.sqlite")
    yield value
    QLocalServer.removeServer(value)


def test_the_name_depends_on_login_and_database_and_hides_both() -> None:
    a = server_name("postgresql+psycopg://db/hubapp", user="asmith")
    assert a == server_name("postgresql+psycopg://db/hubapp", user="asmith")
    assert a != server_name("postgresql+psycopg://db/hubapp", user="bjones")
    assert a != server_name("sqlite:///C:/Users/asmith/hubapp.sqlite", user="asmith")
    assert a.startswith("hubapp-") and "asmith" not in a and "db" not in a.removeprefix("hubapp-")


def test_a_second_copy_asks_the_first_to_show_itself(name: str, qtbot: QtBot) -> None:
    first, second = SingleInstance(name), SingleInstance(name)
    assert first.claim() and first.listening
    with qtbot.waitSignal(first.sig_activation_requested, timeout=5000):
        assert not second.claim()
    assert not second.listening
    first.close()


def test_another_database_runs_alongside(name: str) -> None:
    first = SingleInstance(name)
    other_name = server_name(f"sqlite:///other-{uuid.uuid4().hex}.sqlite")
    other = SingleInstance(other_name)
    try:
        assert first.claim() and other.claim()
    finally:
        first.close()
        other.close()


def test_a_second_process_exits_and_the_first_is_asked(name: str, qtbot: QtBot) -> None:
    first = SingleInstance(name)
    assert first.claim()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with qtbot.waitSignal(first.sig_activation_requested, timeout=20_000):
        proc = subprocess.Popen([sys.executable, "-c", SECOND_COPY, name], cwd=ROOT, env=env)
    assert proc.wait(timeout=20) == 3
    first.close()
    # Once the first has gone, a new copy is first again.
    assert (
        subprocess.run(
            [sys.executable, "-c", SECOND_COPY, name], cwd=ROOT, env=env, timeout=20
        ).returncode
        == 0
    )


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="named pipes leave nothing behind")
def test_a_socket_left_by_a_crashed_copy_is_replaced(name: str) -> None:
    path = Path(QDir.tempPath()) / name
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(path))
    leftover.close()  # the file stays, as after a crash, but nobody listens
    assert path.exists()
    guard = SingleInstance(name)
    started = time.monotonic()
    assert guard.claim() and guard.listening
    assert time.monotonic() - started < 5
    guard.close()


def test_raise_window_restores_a_minimised_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    raise_window(window)
    assert not window.windowState() & Qt.WindowState.WindowMinimized
    assert window.isVisible()
    raise_window(None)  # nothing open yet: nothing happens
