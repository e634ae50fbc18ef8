"""Fault 2 (issue 7): the server goes away while the program is open, then comes back.

The shared server cannot be stopped, so the program talks to it through a TCP proxy on
127.0.0.1 that the test cuts (every connection closed, new ones refused) and restores. Cut: the
main window's banner says so (the live-update connection notices by itself, and so does the next
database action), nothing crashes and what is typed stays. Restored: the banner goes by itself
and the page shown is reloaded.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from hubapp.services.session import Backend
from tests.integration._faults import CuttableProxy
from tests.unit.ui.conftest import _drain
from tests.unit.ui.seed import seed, signed_in
from ui.main_window import MainWindow

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxied(pg_url: str, qtbot: QtBot) -> Iterator[tuple[CuttableProxy, Backend]]:
    proxy = CuttableProxy()
    backend = signed_in(proxy.url_for(pg_url))
    yield proxy, backend
    proxy.restore()
    _drain(qtbot)
    backend.close()
    proxy.close()


def test_cut_shows_the_banner_and_restore_carries_on_by_itself(
    proxied: tuple[CuttableProxy, Backend], qtbot: QtBot,
) -> None:
    proxy, backend = proxied
    seed(backend)
    assert backend.actor is not None
    window = MainWindow(backend, backend.actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    qtbot.waitUntil(lambda: window.transfer_area.listener.is_listening, timeout=10_000)
    intake = window.front_door.new_request()
    intake.request.referrer_name.setText("Sam Okafor")
    banner = window.connection_banner
    assert banner.isHidden()

    with qtbot.waitSignal(window.connection.sig_lost, timeout=15_000):
        proxy.cut()  # nobody does anything: the live-update connection notices on its own
    assert banner.isVisible() and banner.kind == "error" and "cannot be reached" in banner.text

    window.refresh_current()  # a database action while it is down: no crash, no error box
    qtbot.waitUntil(lambda: window.connection.is_lost, timeout=10_000)
    assert not window._error_shown  # noqa: SLF001 - no "something went wrong" box

    with qtbot.waitSignal(window.referrals_page.sig_requests_loaded, timeout=30_000):
        proxy.restore()  # the probe finds it back: banner gone, page reloaded
    qtbot.waitUntil(banner.isHidden, timeout=5_000)
    assert not window.connection.is_lost
    assert intake.request.referrer_name.text() == "Sam Okafor"  # nothing typed was lost
    qtbot.waitUntil(lambda: window.transfer_area.listener.is_listening, timeout=20_000)
    intake._dirty = False  # noqa: SLF001 - close without the question
    intake.close()
    window.close()


def test_a_database_action_while_cut_raises_the_banner(proxied: tuple[CuttableProxy, Backend], qtbot: QtBot) -> None:
    proxy, backend = proxied
    seed(backend)
    assert backend.actor is not None
    window = MainWindow(backend, backend.actor, start_page="referrals", restore=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_first_data_loaded, timeout=10_000):
        window.show()
    window.transfer_area.stop()  # only the database action can notice now
    proxy.cut()
    with qtbot.waitSignal(window.connection.sig_lost, timeout=15_000):
        window.refresh_current()
    assert window.connection_banner.isVisible()
    with qtbot.waitSignal(window.connection.sig_restored, timeout=30_000):
        proxy.restore()
    assert window.connection_banner.isHidden()
    window.close()
