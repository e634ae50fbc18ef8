"""The background helper: results on the GUI thread, errors routed, dead owners ignored, latest wins."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hubapp.domain.errors import NotFound
from ui import tasks


def _gui_thread() -> QThread:
    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    owner = QObject()
    worker_threads: list[str] = []
    got: list[tuple[object, bool]] = []

    def work() -> int:
        worker_threads.append(threading.current_thread().name)
        return 42

    tasks.run_read(owner, work, lambda r: got.append((r, QThread.currentThread() is _gui_thread())))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [(42, True)]
    assert worker_threads and worker_threads[0] != threading.main_thread().name


def test_domain_error_goes_to_on_error(qtbot: QtBot) -> None:
    owner = QObject()
    errors: list[Exception] = []

    def work() -> None:
        raise NotFound("family", 7)

    tasks.run_read(owner, work, lambda r: pytest.fail("no result expected"), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], NotFound)


def test_unexpected_error_is_reported_not_raised(qtbot: QtBot, task_errors: list[BaseException]) -> None:
    owner = QObject()

    def work() -> None:
        raise ZeroDivisionError("bug")

    tasks.run_read(owner, work, lambda r: None, lambda e: pytest.fail("bugs do not go to on_error"))
    qtbot.waitUntil(lambda: bool(task_errors))
    assert isinstance(task_errors.pop(), ZeroDivisionError)  # handled here, so the fixture passes


def test_result_for_a_destroyed_owner_is_dropped(qtbot: QtBot) -> None:
    owner = QObject()
    started, release = threading.Event(), threading.Event()
    got: list[object] = []

    def work() -> int:
        started.set()
        release.wait(5)
        return 1

    tasks.run_read(owner, work, got.append)
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _is_valid(owner))
    release.set()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0)
    assert got == []


def _is_valid(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_writes_run_one_at_a_time(qtbot: QtBot) -> None:
    owner = QObject()
    running = 0
    most = 0
    lock = threading.Lock()
    done: list[int] = []

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.01)
        with lock:
            running -= 1
        return n

    for n in range(5):
        tasks.run_write(owner, lambda n=n: work(n), done.append)
    qtbot.waitUntil(lambda: len(done) == 5)
    assert most == 1
    assert done == [0, 1, 2, 3, 4]


def test_progress_is_reported(qtbot: QtBot) -> None:
    owner = QObject()
    seen: list[tuple[int, int]] = []
    done: list[object] = []

    def work(report) -> str:  # type: ignore[no-untyped-def]
        for i in range(1, 4):
            report(i, 3)
        return "ok"

    tasks.run_write(owner, work, done.append, on_progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: bool(done))
    assert done == ["ok"]
    assert seen and seen[-1] == (3, 3)


def test_latest_only_drops_older_results(qtbot: QtBot) -> None:
    owner = QObject()
    latest = tasks.LatestOnly()
    release_first = threading.Event()
    got: list[str] = []

    def slow() -> str:
        release_first.wait(5)
        return "old"

    latest.start(owner, slow, got.append)
    latest.start(owner, lambda: "new", got.append)
    qtbot.waitUntil(lambda: got == ["new"])
    release_first.set()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0)
    assert got == ["new"]


def test_latest_only_cancel_drops_everything(qtbot: QtBot) -> None:
    owner = QObject()
    latest = tasks.LatestOnly()
    got: list[str] = []
    generation = latest.start(owner, lambda: "x", got.append)
    latest.cancel()
    assert not latest.is_current(generation)
    qtbot.waitUntil(lambda: tasks.pending_count() == 0)
    assert got == []
