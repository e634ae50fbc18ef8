"""Start-up: open the database in a worker, offer demo data on first start, then show the main window.

1. The database URL comes from ``--database-url``, else ``HUBAPP_DATABASE_URL``, else the profile
   (``--profile NAME``, else the default in the user's or the machine-wide ``profiles.json``; a
   server profile's password comes from the keyring), else the embedded file. It is opened in a
   worker behind a small progress dialog: the schema gate (the embedded file is backed up and
   upgraded; a shared database never is), then sign-in; the GUI thread meanwhile loads the main
   window's modules. A broken profile file shows what to do.
2. A wrong schema shows what to do, and the program exits non-zero. An unreachable database
   shows a "waiting for the database" message and is tried again with a growing pause (1 s up to
   15 s); the program starts by itself when the database answers, or exits non-zero if the person
   chooses Quit (scripted screenshot runs do not wait).
3. An empty embedded database offers synthetic demo data or an empty start (``--demo N`` loads
   demo data without asking, for scripted screenshots).
4. The main window opens; with ``--screenshot`` it is grabbed to a PNG once it shows data.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from hubapp.config import EMBEDDED, Profile, ProfileError, startup_profile, url_from_environment
from hubapp.domain.dto import Actor
from hubapp.domain.errors import DatabaseUnavailable, DomainError, NotFound, PermissionDenied, SchemaMismatch
from hubapp.services import secrets
from hubapp.services.session import Backend
from ui import tasks
from ui.boot import collector_paused
from ui.dialogs import connect_dialog

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.screenshots import Screenshotter

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_SCHEMA, EXIT_UNAVAILABLE = 0, 1, 2, 3
DEMO_FAMILIES = 200
# Pauses between tries while the database cannot be reached at start (seconds).
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 15.0
CHOICE_DEMO, CHOICE_EMPTY = "demo", "empty"


class OpenFailed(DomainError):
    """Opening failed for a reason that is not a known domain error (a bad URL, a broken file)."""


@dataclass(frozen=True, slots=True)
class StartOptions:
    """What the command line asked for.

    Args:
        database_url: the database to open (``None``: environment, then the embedded file).
        demo: load this many demo families into an empty embedded database without asking.
        screenshot: grab the main window to this PNG once it shows data, then quit.
        page: the page to show first: ``search``, ``referrals`` or ``family[:ID]``.
        search: text to search for at start (shows the Search page).
        profile: the connection profile to open (``None``: the default one, if any).
        connect: show the sign-in dialog first (``--connect``).
    """

    database_url: str | None = None
    demo: int | None = None
    screenshot: Path | None = None
    page: str | None = None
    search: str | None = None
    profile: str | None = None
    connect: bool = False


@dataclass(frozen=True, slots=True)
class Opened:
    """The outcome of opening: the backend, who signed in, whether it holds no families yet."""

    backend: Backend
    actor: Actor
    empty: bool
    notice: str = ""


def resolve_profile(options: StartOptions) -> Profile | None:
    """The profile to open, or ``None`` when a URL was given (option or environment).

    Raises:
        ProfileError: a profile file cannot be read, or the profile asked for is in none.
    """
    if options.database_url or url_from_environment():
        return None
    return startup_profile(options.profile)


def resolve_url(options: StartOptions) -> str:
    """The database URL to open (never with a password).

    Raises:
        ProfileError: a profile file cannot be read, or the profile asked for is in none.
    """
    profile = resolve_profile(options)
    if profile is not None:
        return profile.url()
    return options.database_url or url_from_environment() or EMBEDDED.url()


def with_saved_password(profile: Profile | None, url: str) -> str:
    """The URL with the password the keyring remembers for a server profile (runs in a worker)."""
    if profile is None or profile.kind != "postgresql":
        return url
    try:
        password = secrets.load_password(profile)
    except Exception:  # noqa: BLE001 - a broken keyring must not stop start-up; the server decides
        log.warning("The keyring could not be read", exc_info=True)
        return url
    return profile.url(password) if password else url


def open_backend(url: str) -> Opened:
    """Open and check the database, and sign in (runs in a worker)."""
    try:
        backend = Backend(url)
    except Exception as exc:  # noqa: BLE001 - a malformed URL or missing driver
        raise OpenFailed(f"The database address is not usable: {exc}") from exc
    try:
        result = backend.prepare()
        actor = backend.sign_in()
        empty = backend.is_embedded and backend.is_empty()
        notice = ""
        if result.upgraded:
            notice = "The database was upgraded to this version of hubapp"
            notice += f"; a backup was kept at {result.backup}." if result.backup else "."
        return Opened(backend, actor, empty, notice)
    except DomainError:
        backend.close()
        raise
    except Exception as exc:
        backend.close()
        log.exception("Opening the database failed")
        raise OpenFailed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


def load_window_modules() -> None:
    """Import the main window with its pages and dialogs (some 200 modules, 0.15-0.3 s of start-up).

    :meth:`Startup.start` calls it on the GUI thread once a worker is opening the database:
    connecting, signing in and checking the schema take round trips to the server, during which
    the GUI thread had nothing to do.
    """
    if "ui.main_window" not in sys.modules:
        with collector_paused():
            import ui.main_window  # noqa: F401


def demo_available() -> bool:
    """Whether the demo data generator is installed (``hubapp.demo``)."""
    try:
        spec = importlib.util.find_spec("hubapp.demo")
    except (ImportError, ValueError):
        return False
    # A folder without __init__.py is a namespace package, not a working generator yet.
    return spec is not None and spec.origin is not None


# ---- Dialogs (module functions, so tests can replace them) ------------------------------------


def ask_first_run_choice(parent: QWidget | None = None) -> str | None:
    """Ask how to start an empty embedded database: ``"demo"``, ``"empty"``, or ``None`` (quit)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Welcome to hubapp")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText("This database is empty. How would you like to start?")
    box.setInformativeText(
        "Demo data is made up: 200 synthetic families with requests, episodes and history, for "
        "training and trying hubapp out. Never mix it with real families.\n\n"
        "An empty database starts with one hub, ready for real work."
    )
    demo = box.addButton(f"Load demo data (synthetic, {DEMO_FAMILIES} families)", QMessageBox.ButtonRole.AcceptRole)
    empty = box.addButton("Start with an empty database", QMessageBox.ButtonRole.RejectRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)
    box.setEscapeButton(quit_button)
    box.setDefaultButton(demo)
    box.exec()
    clicked = box.clickedButton()
    if clicked is demo:
        return CHOICE_DEMO
    if clicked is empty:
        return CHOICE_EMPTY
    return None


def show_open_error(title: str, text: str, details: str = "", parent: QWidget | None = None) -> None:
    """Tell the person why the database could not be opened and what to do."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    if details:
        box.setInformativeText(details)
    box.exec()


def describe_open_error(exc: Exception) -> tuple[str, str, str, int]:
    """Title, text, what to do, and exit code for an error raised while opening."""
    if isinstance(exc, ProfileError):
        return (
            "Cannot read the connection settings",
            str(exc),
            "What to do: tell IT. The profile file says which shared database hubapp opens; it "
            "may be missing, damaged or unreadable. Nothing was changed.",
            EXIT_FAILED,
        )
    if isinstance(exc, SchemaMismatch):
        return (
            "Database version does not match",
            str(exc),
            "What to do: if this is the shared database, ask your hub administrator to run "
            "“hubapp-admin db upgrade”, or install the version of hubapp that matches it. "
            "Nothing was changed.",
            EXIT_SCHEMA,
        )
    if isinstance(exc, DatabaseUnavailable):
        return (
            "Cannot reach the database",
            "hubapp could not connect to the database, so it cannot start.",
            "What to do: check that this PC is connected to the network, then start hubapp again. "
            "If it keeps happening, tell IT the database could not be reached"
            + (f" ({exc.detail})." if exc.detail else "."),
            EXIT_UNAVAILABLE,
        )
    if isinstance(exc, NotFound) and exc.entity == "worker":
        return (
            "You are not set up in hubapp yet",
            f"The database has no hubapp worker for the login “{exc.key}”.",
            "What to do: ask your hub administrator to add you as a worker, then start hubapp again.",
            EXIT_FAILED,
        )
    if isinstance(exc, PermissionDenied):
        return (
            "The database refused access",
            "hubapp connected, but the database did not let this login read what it needs.",
            f"What to do: ask your hub administrator to check your roles. ({exc})",
            EXIT_FAILED,
        )
    return (
        "Cannot open the database",
        f"hubapp could not open its database: {exc}",
        "What to do: start hubapp again. If it keeps happening, tell IT and quote this message.",
        EXIT_FAILED,
    )


class WaitingForDatabase(QMessageBox):
    """Non-blocking "cannot reach the database, still trying" message with a Quit button."""

    def __init__(self, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Warning, "Waiting for the database",
                         "hubapp cannot reach the database yet. It keeps trying, and starts by itself "
                         "as soon as the database answers.", QMessageBox.StandardButton.NoButton, parent)
        self.setObjectName("waitingForDatabase")
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setEscapeButton(self.quit_button)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.show_attempt(detail, 0, 0.0)

    def show_attempt(self, detail: str, attempts: int, next_in_s: float) -> None:
        """Say how often it has tried, when it tries next, and what to do if it goes on."""
        tried = f"Tried {attempts} time{'s' if attempts != 1 else ''}; next try in {next_in_s:.0f} s. " if attempts else ""
        self.setInformativeText(
            tried + "Check that this PC is connected to the network. If it goes on, tell IT the database "
            "could not be reached" + (f" ({detail})." if detail else "."))


# ---- The flow ----------------------------------------------------------------------------------


class Startup(QObject):
    """Drives start-up from the event loop, one worker step at a time.

    Signals:
        sig_window_shown(object): the main window is open.
        sig_failed(int): start-up stopped; the exit code.

    Args:
        options: what the command line asked for.
        exit_app: ends the program with an exit code (tests replace it).
    """

    # ---- Signals
    sig_window_shown = Signal(object)
    sig_failed = Signal(int)

    def __init__(self, options: StartOptions, exit_app: Callable[[int], None] = QCoreApplication.exit) -> None:
        super().__init__()
        self.options = options
        self._exit_app = exit_app
        # A broken profile file is reported by start(), in a dialog, not raised from here.
        self._settings_error: ProfileError | None = None
        self.profile: Profile | None = None
        try:
            self.profile = resolve_profile(options)
            self.url = self.profile.url() if self.profile is not None else resolve_url(options)
        except ProfileError as exc:
            self.url, self._settings_error = "", exc
        self.backend: Backend | None = None
        self.window: MainWindow | None = None
        self._progress: QProgressDialog | None = None
        self._screenshotter: Screenshotter | None = None
        self._notice = ""
        self._waiting: WaitingForDatabase | None = None
        self._attempts = 0
        self._gave_up = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._try_again)

    def start(self) -> None:
        """Open the database in a worker."""
        # Between the first-run question closing and the main window opening no window may be
        # visible (the progress dialog only shows when work takes a while); Qt would then quit.
        QApplication.setQuitOnLastWindowClosed(False)
        if self._settings_error is not None:
            self._on_open_failed(self._settings_error)
            return
        if connect_dialog.dialog_wanted(self.options.connect, self.options.database_url, self.profile):
            # Sign in first (issue 6); a remembered password signs straight in.
            with contextlib.suppress(Exception):  # reported when the window is built
                load_window_modules()
            self._connect_dialog = connect_dialog.ask_connection(
                open_backend, self.profile, self._on_opened, lambda: self._exit(EXIT_OK))
            return
        self._show_progress("Opening the database…")
        self._open()
        # The worker's answer waits in the event queue meanwhile. A failure is reported when the
        # window is built (_show_window), in a message, not from here.
        with contextlib.suppress(Exception):
            load_window_modules()

    def _open(self) -> None:
        url, profile = self.url, self.profile
        tasks.run_write(self, lambda: open_backend(with_saved_password(profile, url)), self._on_opened,
                        self._on_open_failed)

    @property
    def waiting(self) -> WaitingForDatabase | None:
        """The "waiting for the database" message while start-up is retrying, else None."""
        return self._waiting

    def shutdown(self) -> None:
        """After the event loop: let workers finish, then close the database."""
        self._retry.stop()
        tasks.wait_idle()
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    # ---- Steps

    def _on_opened(self, opened: Opened) -> None:
        self._hide_progress()
        self._stop_waiting()
        if self._gave_up:  # the person chose Quit while the last try was still on its way
            opened.backend.close()
            return
        self.backend = opened.backend
        self._notice = opened.notice
        if not opened.empty:
            self._show_window(opened.actor)
            return
        if self.options.demo is not None:
            choice = CHOICE_DEMO if self.options.demo > 0 else CHOICE_EMPTY
        elif demo_available():
            choice = ask_first_run_choice()
        else:
            choice = CHOICE_EMPTY
        if choice is None:
            self._exit(EXIT_OK)
        elif choice == CHOICE_DEMO:
            self._load_demo(self.options.demo or DEMO_FAMILIES)
        else:
            backend = opened.backend
            self._show_progress("Preparing an empty database…")
            tasks.run_write(self, backend.start_empty, self._on_prepared, self._on_open_failed)

    def _load_demo(self, families: int) -> None:
        backend = self.backend
        assert backend is not None
        self._show_progress(f"Making {families} synthetic families…", maximum=100)

        def load(report: Any) -> Actor:
            try:
                backend.load_demo(families=families, seed=1, progress=report)
            except (DomainError, tasks.Cancelled):
                raise
            except Exception as exc:
                log.exception("Loading demo data failed")
                raise OpenFailed(f"Demo data could not be loaded: {exc}") from exc
            assert backend.actor is not None
            return backend.actor

        tasks.run_write(self, load, self._on_prepared, self._on_open_failed, self._on_demo_progress)

    def _on_demo_progress(self, done: int, total: int) -> None:
        if self._progress is not None and total > 0:
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    def _on_prepared(self, actor: Actor) -> None:
        self._hide_progress()
        self._show_window(actor)

    def _on_open_failed(self, exc: Exception) -> None:
        self._hide_progress()
        if isinstance(exc, DatabaseUnavailable) and self.backend is None and self.options.screenshot is None:
            self._wait_for_database(exc)
            return
        self._stop_waiting()
        title, text, details, code = describe_open_error(exc)
        log.error("Start-up failed: %s", exc)
        show_open_error(title, text, details)
        self._exit(code)

    def _show_window(self, actor: Actor) -> None:
        assert self.backend is not None
        page = self.options.page
        start_page = "search" if self.options.search else (page.split(":")[0] if page else None)
        if start_page == "family":
            start_page = "referrals"  # the family is opened from the list once it has loaded
        restore = self.options.screenshot is None
        try:
            load_window_modules()  # usually done while the database opened
        except Exception as exc:  # an incomplete installation: say so, do not wait without a window
            log.exception("The main window could not be loaded")
            self._on_open_failed(OpenFailed(f"hubapp is not installed completely ({exc})"))
            return
        from ui.main_window import MainWindow

        self.window = MainWindow(self.backend, actor, start_page=start_page, restore=restore)
        if self.options.screenshot is not None:
            from ui.screenshots import Screenshotter

            self._screenshotter = Screenshotter(self.window, self.options.screenshot, self.options.page,
                                                self.options.search, self)
            self._screenshotter.sig_done.connect(self._on_screenshotter_done)
        self.window.show()
        # Everything alive now (modules, Qt wrappers, the code lists) lives as long as the program.
        # Taken out of the collector's sight, a full collection triggered by a worker's result rows
        # no longer walks it while holding the GIL: that walk stalled the screen for 200-400 ms.
        gc.freeze()
        QApplication.setQuitOnLastWindowClosed(True)
        if self._notice:
            self.window.statusBar().showMessage(self._notice, 20_000)
        if self.options.screenshot is None:
            # Unsaved work from last time (a crash, a closed window, a lost connection) is offered back.
            QTimer.singleShot(0, self.window.front_door.offer_drafts)
        self.sig_window_shown.emit(self.window)

    # ---- Waiting for an unreachable database

    def _wait_for_database(self, exc: DatabaseUnavailable) -> None:
        log.warning("The database cannot be reached at start (try %d): %s", self._attempts + 1, exc)
        self._attempts += 1
        pause = min(RETRY_FIRST_S * 2 ** (self._attempts - 1), RETRY_MAX_S)
        if self._waiting is None:
            self._waiting = WaitingForDatabase(exc.detail or "")
            self._waiting.quit_button.clicked.connect(self._give_up)
            self._waiting.rejected.connect(self._give_up)
            self._waiting.show()
        self._waiting.show_attempt(exc.detail or "", self._attempts, pause)
        self._retry.start(int(pause * 1000))

    @Slot()
    def _try_again(self) -> None:
        if self._waiting is not None and not self._gave_up:
            self._open()

    @Slot()
    def _give_up(self) -> None:
        if self._waiting is None:
            return
        self._gave_up = True
        self._stop_waiting()
        self._exit(EXIT_UNAVAILABLE)

    def _stop_waiting(self) -> None:
        self._retry.stop()
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            waiting.hide()
            waiting.deleteLater()

    @Slot(int)
    def _on_screenshotter_done(self, code: int) -> None:
        self._exit(code)

    # ---- Helpers

    def _show_progress(self, text: str, maximum: int = 0) -> None:
        if self._progress is None:
            self._progress = QProgressDialog()
            self._progress.setWindowTitle("hubapp")
            self._progress.setCancelButton(None)
            self._progress.setWindowModality(Qt.WindowModality.ApplicationModal)
            # Opening usually takes a moment; the dialog only appears if it takes longer.
            self._progress.setMinimumDuration(300)
            self._progress.setAutoClose(False)
            self._progress.setAutoReset(False)
            self._progress.setMinimumWidth(360)
        self._progress.setLabelText(text)
        self._progress.setRange(0, maximum)
        self._progress.setValue(0)

    def _hide_progress(self) -> None:
        if self._progress is not None:
            # reset() stops the dialog's delayed-show timer; without it the dialog can pop up
            # again over the first-run question, whose nested event loop postpones deleteLater.
            self._progress.reset()
            self._progress.hide()
            # Dropping the last reference destroys the (parentless, Python-owned) dialog now;
            # deleteLater() would wait for the outer event loop, and the first-run question runs
            # a nested one, during which the dialog's own show timer could bring it back.
            self._progress = None

    def _exit(self, code: int) -> None:
        if code != EXIT_OK:
            self.sig_failed.emit(code)
        self._exit_app(code)
