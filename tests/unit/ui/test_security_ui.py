"""Issue 6, UI half: the sign-in dialog, change my password, the inactivity lock, Chronology and Access tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine

from hubapp.config import EMBEDDED, Profile, save_profiles
from hubapp.domain.errors import SignInFailed
from hubapp.services import admin, secrets
from hubapp.services.chronology import ChronologyEntry
from hubapp.services.session import Backend
from tests.unit.ui.seed import Seeded
from ui import startup, tasks
from ui.dialogs import connect_dialog, password_dialog
from ui.dialogs.connect_dialog import ConnectDialog
from ui.dialogs.password_dialog import PasswordDialog
from ui.lock import InactivityLock
from ui.main_window import MainWindow
from ui.startup import StartOptions, Startup

SERVER = Profile(name="County hubs", kind="postgresql", host="db.example", port=5432, database="hubapp",
                 username="asmith")


def _drain(qtbot: QtBot) -> None:
    tasks.wait_idle()
    qtbot.waitUntil(lambda: tasks.pending_count() == 0, timeout=10_000)


class FakeOpener:
    """Stands in for ``startup.open_backend``: records URLs, fails with a wrong password."""

    def __init__(self, good: str = "right-password") -> None:
        self.good = good
        self.urls: list[str] = []

    def __call__(self, url: str) -> str:
        self.urls.append(url)
        if url.startswith("postgresql") and f":{self.good}@" not in url:
            raise SignInFailed("The user name or password is not right. Check them and try again.")
        return f"opened {url}"


@pytest.fixture
def server_profile() -> Iterator[Profile]:
    save_profiles([SERVER])
    yield SERVER


# ---- Sign-in dialog ---------------------------------------------------------------------------


def test_embedded_default_does_not_ask(sqlite_url: str) -> None:
    assert not connect_dialog.dialog_wanted(False, None, EMBEDDED)
    assert connect_dialog.dialog_wanted(True, None, EMBEDDED)
    assert not connect_dialog.dialog_wanted(True, sqlite_url, EMBEDDED)
    assert connect_dialog.dialog_wanted(False, None, SERVER)


def test_last_used_server_profile_asks(server_profile: Profile) -> None:
    connect_dialog.set_last_profile_name(server_profile.name)
    assert connect_dialog.last_profile() == server_profile
    assert connect_dialog.dialog_wanted(False, None, EMBEDDED)


def test_wrong_password_is_shown_beside_the_field_and_typing_kept(qtbot: QtBot, server_profile: Profile) -> None:
    opener = FakeOpener()
    dialog = ConnectDialog(opener, server_profile)
    qtbot.addWidget(dialog)
    assert [dialog.profile_combo.itemText(i) for i in range(dialog.profile_combo.count())] == [
        EMBEDDED.name, SERVER.name]
    assert dialog.host_edit.text() == "db.example" and dialog.user_edit.text() == "asmith"
    dialog.user_edit.setText("bsmith")
    dialog.password_edit.setText("wrong")
    dialog.sign_in()
    qtbot.waitUntil(lambda: not dialog.password_error.isHidden(), timeout=5000)
    assert "not right" in dialog.password_error.text()
    assert dialog.user_edit.text() == "bsmith" and dialog.password_edit.text() == "wrong"
    assert opener.urls == ["postgresql+psycopg://bsmith:wrong@db.example:5432/hubapp"]
    _drain(qtbot)


def test_remembered_password_is_saved_and_signs_straight_in(qtbot: QtBot, server_profile: Profile) -> None:
    opener = FakeOpener()
    dialog = ConnectDialog(opener, server_profile)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.remember_box.isEnabled() and "password store" in dialog.backend_label.text(),
                    timeout=5000)
    assert "MemoryKeyring" in dialog.backend_label.text()
    dialog.password_edit.setText("right-password")
    dialog.remember_box.setChecked(True)
    with qtbot.waitSignal(dialog.sig_opened, timeout=5000):
        dialog.sign_in()
    assert secrets.load_password(server_profile) == "right-password"
    assert connect_dialog.last_profile_name() == SERVER.name
    _drain(qtbot)

    again = FakeOpener()
    second = ConnectDialog(again, None)  # the last-used profile is chosen, the keyring signs in
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.sig_opened, timeout=5000) as blocker:
        pass
    assert blocker.args == ["opened postgresql+psycopg://asmith:right-password@db.example:5432/hubapp"]
    _drain(qtbot)


def test_no_secure_keyring_disables_remember_with_a_reason(
    qtbot: QtBot, server_profile: Profile, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(secrets, "backend_info",
                        lambda: secrets.BackendInfo("keyring.backends.fail.Keyring", usable=False))
    dialog = ConnectDialog(FakeOpener(), server_profile)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "no secure password store" in dialog.backend_label.text(), timeout=5000)
    assert not dialog.remember_box.isEnabled() and not dialog.remember_box.isChecked()
    assert "fail.Keyring" in dialog.backend_label.text()
    _drain(qtbot)


def test_startup_with_connect_shows_the_dialog_then_opens(
    qtbot: QtBot, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[Profile | None] = []

    def fake_ask(opener: Any, profile: Profile | None, on_opened: Any, on_cancelled: Any) -> None:
        asked.append(profile)
        on_opened(opener(sqlite_url))  # as if the person chose the embedded file and signed in

    monkeypatch.setattr(connect_dialog, "ask_connection", fake_ask)
    codes: list[int] = []
    flow = Startup(StartOptions(connect=True, demo=0), exit_app=codes.append)
    windows: list[MainWindow] = []
    flow.sig_window_shown.connect(windows.append)
    flow.start()
    qtbot.waitUntil(lambda: bool(windows) or bool(codes), timeout=20_000)
    assert asked == [EMBEDDED] and not codes
    qtbot.addWidget(windows[0])
    windows[0].close()
    _drain(qtbot)
    flow.shutdown()


# ---- Change my password -----------------------------------------------------------------------


def test_change_password_updates_a_remembered_password(monkeypatch: pytest.MonkeyPatch) -> None:
    changed: list[str] = []
    monkeypatch.setattr(admin, "change_own_password", lambda _uow, new: changed.append(new))
    secrets.save_password(SERVER, "old-password")
    fake = SimpleNamespace(url="postgresql+psycopg://asmith:old-password@db.example:5432/hubapp",
                           db=SimpleNamespace(engine=create_engine("sqlite://")), uow=lambda: None)
    message = password_dialog.change_password(fake, "a-new-password")  # type: ignore[arg-type]
    assert changed == ["a-new-password"]
    assert secrets.load_password(SERVER) == "a-new-password"
    assert "remembers the new one" in message


def test_password_dialog_checks_both_and_changes_in_a_worker(
    qtbot: QtBot, backend: Backend, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(password_dialog, "change_password", lambda _backend, new: f"changed to {len(new)}")
    dialog = PasswordDialog(backend)
    qtbot.addWidget(dialog)
    dialog.new_edit.setText("long-enough-1")
    dialog.again_edit.setText("long-enough-2")
    dialog.change_button.click()
    assert "not the same" in dialog.error_label.text() and not dialog.error_label.isHidden()
    dialog.again_edit.setText("long-enough-1")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.change_button.click()
    assert dialog.message == "changed to 13"


# ---- Inactivity lock --------------------------------------------------------------------------


def test_idle_window_locks_and_keeps_what_was_typed(main_window: MainWindow, qtbot: QtBot) -> None:
    lock = main_window.security.lock
    main_window.search_box.setText("Half typed")
    lock.set_timeout(50)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
    assert lock.screen is not None and lock.screen.isVisible()
    assert lock.screen.geometry() == main_window.rect()
    qtbot.keyClicks(main_window.search_box, "xyz")  # input under the cover is swallowed
    assert main_window.search_box.text() == "Half typed"
    assert not lock.screen.password_edit.isVisible()  # embedded: just Continue
    assert "Continue as" in lock.screen.unlock_button.text()
    with qtbot.waitSignal(lock.sig_unlocked, timeout=5000):
        qtbot.mouseClick(lock.screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked and main_window.search_box.text() == "Half typed"
    lock.set_timeout(0)


def test_activity_resets_the_idle_timer(main_window: MainWindow, qtbot: QtBot) -> None:
    lock = main_window.security.lock
    lock.set_timeout(400)
    qtbot.keyClicks(main_window.search_box, "a")
    assert lock._timer.isActive() and lock._timer.remainingTime() > 300
    lock.set_timeout(0)


def test_server_lock_asks_for_the_password(qtbot: QtBot) -> None:
    window = QMainWindow()
    window.setCentralWidget(QLineEdit("draft text"))
    qtbot.addWidget(window)
    window.show()
    checked: list[str] = []

    def verify(_url: str, password: str) -> bool:
        checked.append(password)
        if password != "right-password":
            raise SignInFailed("The user name or password is not right.")
        return True

    lock = InactivityLock(window, "Amira Khan", "postgresql+psycopg://asmith@db/hubapp", 50, verify)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
    screen = lock.screen
    assert screen is not None and screen.password_edit.isVisible()
    screen.password_edit.setText("wrong")
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not screen.error_label.isHidden(), timeout=5000)
    assert lock.is_locked and "not right" in screen.error_label.text()
    screen.password_edit.setText("right-password")
    with qtbot.waitSignal(lock.sig_unlocked, timeout=5000):
        screen.unlock_button.click()
    assert checked == ["wrong", "right-password"]
    assert window.centralWidget().text() == "draft text"  # type: ignore[attr-defined]
    lock.set_timeout(0)
    _drain(qtbot)


# ---- Family Chronology and Access tabs --------------------------------------------------------


def test_family_chronology_and_access_tabs(
    main_window: MainWindow, seeded: Seeded, qtbot: QtBot, qtmodeltester: Any,
) -> None:
    page = main_window.family_page
    family_id = next(iter(seeded.family_ids.values()))
    with qtbot.waitSignal(page.sig_family_loaded, timeout=10_000):
        main_window.open_family(family_id)
    tabs = page.family_tabs
    with qtbot.waitSignal(tabs.chronology.sig_loaded, timeout=10_000):
        page.tabs.setCurrentWidget(tabs.chronology)
    rows: tuple[ChronologyEntry, ...] = tabs.chronology.model.rows()
    assert rows, "the seeded family has requests"
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)  # newest first
    qtmodeltester.check(tabs.chronology.model)
    with qtbot.waitSignal(tabs.chronology.sig_loaded, timeout=10_000):
        tabs.chronology.order_combo.setCurrentIndex(1)
    rows = tabs.chronology.model.rows()
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    with qtbot.waitSignal(tabs.chronology.sig_loaded, timeout=10_000):
        tabs.chronology.kind_combo.setCurrentIndex(tabs.chronology.kind_combo.findData("request"))
    assert {r.kind for r in tabs.chronology.model.rows()} == {"request"}
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    tabs.chronology.since_edit.setText(tomorrow.strftime("%d/%m/%Y"))
    with qtbot.waitSignal(tabs.chronology.sig_loaded, timeout=10_000):
        tabs.chronology.apply_button.click()
    assert tabs.chronology.model.rowCount() == 0 and tabs.chronology.stack.is_empty_shown

    with qtbot.waitSignal(tabs.access.sig_loaded, timeout=10_000) as blocker:
        page.tabs.setCurrentWidget(tabs.access)
    assert blocker.args[0] >= 1  # opening the family was logged
    assert tabs.access.model.rows()[0].action == "VIEW"
    qtmodeltester.check(tabs.access.model)


def test_print_chronology_saves_a_pdf_and_logs_the_print(
    main_window: MainWindow, seeded: Seeded, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
) -> None:
    from ui.pages import family_tabs

    target = tmp_path / "chronology.pdf"
    monkeypatch.setattr(family_tabs, "ask_pdf_path", lambda _parent, _name: target)
    page = main_window.family_page
    with qtbot.waitSignal(page.sig_family_loaded, timeout=10_000):
        main_window.open_family(next(iter(seeded.family_ids.values())))
    tab = page.family_tabs.chronology
    with qtbot.waitSignal(tab.sig_printed, timeout=20_000):
        tab.print_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    with qtbot.waitSignal(page.family_tabs.access.sig_loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.family_tabs.access)
    assert page.family_tabs.access.model.rows()[0].action == "PRINT"


def test_startup_connect_dialog_signs_in_to_the_embedded_file(qtbot: QtBot) -> None:
    codes: list[int] = []
    windows: list[MainWindow] = []
    flow = Startup(StartOptions(connect=True, demo=0), exit_app=codes.append)
    flow.sig_window_shown.connect(windows.append)
    flow.start()
    dialog: ConnectDialog = flow._connect_dialog
    assert dialog.profile_combo.currentData() == EMBEDDED and not dialog.password_edit.isEnabled()
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: bool(windows) or bool(codes), timeout=20_000)
    assert not codes and connect_dialog.last_profile_name() == EMBEDDED.name
    qtbot.addWidget(windows[0])
    windows[0].close()
    _drain(qtbot)
    flow.shutdown()


def test_startup_connect_dialog_cancelled_quits_quietly(qtbot: QtBot) -> None:
    codes: list[int] = []
    flow = Startup(StartOptions(connect=True), exit_app=codes.append)
    flow.start()
    flow._connect_dialog.reject()
    assert codes == [startup.EXIT_OK] and flow.window is None
    _drain(qtbot)
    flow.shutdown()
