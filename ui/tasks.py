"""The one background helper: every service call runs here, never on the GUI thread (STYLE R11/R12).

Reads go to a pool of a few threads; writes go to a pool of one thread, so writes are serialised
the way a single database connection would serialise them. Results come back on the GUI thread
through a small relay object. If the widget that asked (the *owner*) has been destroyed by then,
the result is dropped.

Errors: a domain error (``hubapp.domain.errors.DomainError``) goes to the caller's ``on_error``;
``DatabaseUnavailable`` is also told to the handler of :func:`set_unavailable_handler` first.
Anything else is a bug: it is logged with its traceback and handed to the unexpected-error
handler (the main window shows the first one in a message box); the program carries on.

Usage::

    run_read(self, lambda: search.quick_search(backend.uow(), text), self._on_search_done)

    latest = LatestOnly()
    latest.start(self, lambda: ..., self._on_done)   # an older start's result is dropped
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from hubapp.domain.errors import DatabaseUnavailable, DomainError

log = logging.getLogger(__name__)

READ_THREADS = 4
PROGRESS_INTERVAL_S = 0.1

OnDone = Callable[[Any], None]
OnError = Callable[[Exception], None]
OnProgress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside a long job by its progress reporter once the job was cancelled."""


class Signals(QObject):
    """The signals of one task; emitted from the worker thread, received on the GUI thread.

    Signals:
        finished(object): the callable's return value.
        errored(object): the exception it raised.
        progress(int, int): done and total, at most ten times a second.
    """

    # ---- Signals
    finished = Signal(object)
    errored = Signal(object)
    progress = Signal(int, int)


class Task(QRunnable):
    """A callable run on a thread pool, reporting through :class:`Signals`.

    Args:
        fn: the work. Called with no arguments, or with a progress reporter
            ``report(done, total)`` when ``with_progress`` is true. It must not touch widgets.
        with_progress: whether ``fn`` takes a progress reporter.
    """

    def __init__(self, fn: Callable[..., Any], with_progress: bool = False) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the registry keeps it until the GUI thread has the result
        self.fn = fn
        self.with_progress = with_progress
        self.signals = Signals()
        self._cancelled = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        """Ask the job to stop; its next progress report raises :class:`Cancelled`."""
        self._cancelled.set()

    @property
    def is_cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def report(self, done: int, total: int) -> None:
        """Report progress from the job (throttled); raises :class:`Cancelled` when cancelled."""
        if self._cancelled.is_set():
            raise Cancelled()
        now = time.monotonic()
        if done >= total or now - self._last_report >= PROGRESS_INTERVAL_S:
            self._last_report = now
            self.signals.progress.emit(done, total)

    def run(self) -> None:  # noqa: D102 - QRunnable override
        try:
            result = self.fn(self.report) if self.with_progress else self.fn()
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the GUI thread
            self._emit(self.signals.errored, exc)
        else:
            self._emit(self.signals.finished, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            pass  # the program is shutting down and the signals object is gone; nobody is listening


class _Relay(QObject):
    """Lives on the GUI thread and hands a task's outcome to the owner's callbacks."""

    def __init__(
        self, task: Task, owner: QObject, on_done: OnDone, on_error: OnError | None,
        on_progress: OnProgress | None,
    ) -> None:
        super().__init__()
        self.task = task
        self.owner = owner
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        task.signals.finished.connect(self._on_task_finished)
        task.signals.errored.connect(self._on_task_errored)
        if on_progress is not None:
            task.signals.progress.connect(self._on_task_progress)

    def _owner_alive(self) -> bool:
        return shiboken6.isValid(self.owner)

    @Slot(object)
    def _on_task_finished(self, result: object) -> None:
        _pending.discard(self)
        if self._owner_alive():
            _guarded(self.on_done, result)

    @Slot(object)
    def _on_task_errored(self, exc: object) -> None:
        _pending.discard(self)
        assert isinstance(exc, BaseException)
        if isinstance(exc, Cancelled):
            return
        if isinstance(exc, DatabaseUnavailable) and _unavailable_handler is not None:
            _guarded(_unavailable_handler, exc)  # the window's connection banner; the caller still hears below
        if isinstance(exc, DomainError):
            if not self._owner_alive():
                return
            if self.on_error is not None:
                _guarded(self.on_error, exc)
            else:
                report_error(exc, expected=True)
            return
        report_error(exc, expected=False)

    @Slot(int, int)
    def _on_task_progress(self, done: int, total: int) -> None:
        if self.on_progress is not None and self._owner_alive():
            _guarded(self.on_progress, done, total)


# Relays waiting for their task; holding them here keeps the task and its signals alive.
_pending: set[_Relay] = set()
_pools: dict[str, QThreadPool] = {}
_error_handler: Callable[[BaseException, bool], None] | None = None
_unavailable_handler: Callable[[DatabaseUnavailable], None] | None = None


def _pool(kind: str) -> QThreadPool:
    pool = _pools.get(kind)
    if pool is None:
        pool = QThreadPool()
        pool.setMaxThreadCount(READ_THREADS if kind == "read" else 1)
        _pools[kind] = pool
    return pool


def _guarded(callback: Callable[..., None], *args: object) -> None:
    """Run a GUI-thread callback; a bug in it is reported, never raised into Qt's event loop."""
    try:
        callback(*args)
    except Exception as exc:  # noqa: BLE001 - see report_error
        report_error(exc, expected=False)


def set_unavailable_handler(handler: Callable[[DatabaseUnavailable], None] | None) -> None:
    """Install who hears that a task found the database unreachable (the main window's banner).

    It is told on the GUI thread, before the task's own ``on_error``.
    """
    global _unavailable_handler
    _unavailable_handler = handler


def set_error_handler(handler: Callable[[BaseException, bool], None] | None) -> None:
    """Install who shows errors nobody else handled: ``handler(exc, expected)``.

    ``expected`` is true for a domain error without an ``on_error`` (show its message) and
    false for a bug (already logged with its traceback).
    """
    global _error_handler
    _error_handler = handler


def report_error(exc: BaseException, expected: bool) -> None:
    """Log an error nobody handled and pass it to the installed handler."""
    if expected:
        log.warning("Unhandled service error: %s", exc)
    else:
        log.error("Unexpected error in a background task", exc_info=(type(exc), exc, exc.__traceback__))
    if _error_handler is not None:
        try:
            _error_handler(exc, expected)
        except Exception:  # noqa: BLE001 - the error display itself must never crash the program
            log.exception("The error handler failed")


def _start(
    kind: str, owner: QObject, fn: Callable[..., Any], on_done: OnDone, on_error: OnError | None,
    on_progress: OnProgress | None,
) -> Task:
    task = Task(fn, with_progress=on_progress is not None)
    relay = _Relay(task, owner, on_done, on_error, on_progress)
    _pending.add(relay)
    _pool(kind).start(task)
    return task


def run_read(
    owner: QObject, fn: Callable[..., Any], on_done: OnDone, on_error: OnError | None = None,
    on_progress: OnProgress | None = None,
) -> Task:
    """Run a read on the read pool; call ``on_done(result)`` on the GUI thread.

    Args:
        owner: the object asking; if it is destroyed first, the result is dropped.
        fn: the work, given plain data only (never widgets).
        on_done: called with the result on the GUI thread.
        on_error: called with a domain error on the GUI thread.
        on_progress: called with ``(done, total)``; ``fn`` then receives a reporter.

    Returns:
        The task, which can be cancelled.
    """
    return _start("read", owner, fn, on_done, on_error, on_progress)


def run_write(
    owner: QObject, fn: Callable[..., Any], on_done: OnDone, on_error: OnError | None = None,
    on_progress: OnProgress | None = None,
) -> Task:
    """Run a write on the single-thread write pool (same arguments as :func:`run_read`)."""
    return _start("write", owner, fn, on_done, on_error, on_progress)


def pending_count() -> int:
    """How many tasks have not delivered their result yet."""
    return len(_pending)


def wait_idle(timeout_ms: int = 10_000) -> bool:
    """Block until both pools are idle (at exit and in tests). Returns whether they are."""
    ok = True
    for pool in _pools.values():
        ok = pool.waitForDone(timeout_ms) and ok
    return ok


class LatestOnly:
    """Latest wins: only the most recently started job's outcome reaches its callbacks.

    Each :meth:`start` (or :meth:`next`) bumps a generation counter; callbacks of older
    generations are dropped, and the older task is asked to cancel.
    """

    def __init__(self) -> None:
        self._generation = 0
        self._task: Task | None = None

    @property
    def generation(self) -> int:
        """The current generation."""
        return self._generation

    def next(self) -> int:
        """Start a new generation (dropping older results) and return it."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return self._generation

    def is_current(self, generation: int) -> bool:
        """Whether ``generation`` is still the latest."""
        return generation == self._generation

    def guard(self, generation: int, callback: Callable[..., None]) -> Callable[..., None]:
        """Wrap ``callback`` so that it runs only while ``generation`` is the latest."""

        def guarded(*args: object) -> None:
            if generation == self._generation:
                callback(*args)

        return guarded

    def start(
        self, owner: QObject, fn: Callable[..., Any], on_done: OnDone, on_error: OnError | None = None,
    ) -> int:
        """Start a read whose result replaces any still in flight; returns its generation."""
        generation = self.next()

        def failed(exc: Exception) -> None:
            if generation != self._generation:
                return
            if on_error is not None:
                on_error(exc)
            else:
                report_error(exc, expected=True)

        self._task = run_read(owner, fn, self.guard(generation, on_done), failed)
        return generation

    def cancel(self) -> None:
        """Drop whatever is in flight."""
        self.next()
