"""The real program, offscreen, driven through its screens while a 10 ms heartbeat times the GUI thread.

Run by the benchmark runner in its own process (``QT_QPA_PLATFORM=offscreen``)::

    HUBAPP_DATABASE_URL=URL python -m tests.bench.gui_probe SEARCH_TEXT FAMILY_IDS [--runs N]

It starts the program as ``ui.app.main`` does (theme, ``Startup`` on ``HUBAPP_DATABASE_URL``: the
real schema check, sign-in and main window), waits for the first page's data, then, ``N`` times,
switches to each screen and loads it: the search page (``search_now``), the family page
(``open_family`` of two families in turn), the referrals inbox (``refresh``) and the step-down
queue (``refresh``). A load is timed from the trigger to the page's "loaded" signal, and its stall
is the longest gap between heartbeat ticks from the trigger until 100 ms after that signal (so the
model reset and the repaint count). The switch to the screen is measured on its own, before the
load (the longest gap in the 200 ms after it): it is Qt laying out and painting a page, not data
loading. Prints one JSON object on standard output and quits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from ui import resources, settings
from ui.startup import StartOptions, Startup

HEARTBEAT_MS = 10
SETTLE_MS = 100


class Probe(QObject):
    """Runs the screen loads one after another and keeps the figures."""

    def __init__(self, app: QApplication, runs: int, search_text: str, family_ids: list[int]) -> None:
        super().__init__()
        self.app = app
        self.runs = runs
        self.search_text = search_text
        self.family_ids = family_ids
        self.results: dict[str, dict[str, list[float]]] = {}
        self.steps: list[tuple[str, Callable[[], None], SignalInstance]] = []
        self.window: Any = None
        self._last = 0.0
        self._gap = 0.0
        self._beat = QTimer(self)
        self._beat.setInterval(HEARTBEAT_MS)
        self._beat.timeout.connect(self._on_beat)
        self._current: tuple[str, float, SignalInstance] | None = None

    def _on_beat(self) -> None:
        now = time.perf_counter()
        self._gap = max(self._gap, now - self._last)
        self._last = now

    def on_window_shown(self, window: Any) -> None:
        self.window = window
        window.sig_first_data_loaded.connect(self._begin)

    def _begin(self) -> None:
        w = self.window
        area = w.transfer_area
        for i in range(self.runs):
            family = self.family_ids[i % len(self.family_ids)]
            # Each screen twice: switching to it (layout and paint of the page, no data asked for),
            # then its data loading on the page already shown (what DESIGN's 50 ms is about).
            self.steps += [
                ("switching to the search page", lambda: w.show_page("search"), None),
                ("search page", lambda: w.search_page.search_now(self.search_text), w.search_page.sig_results_loaded),
                ("switching to the family page",
                 lambda: w.show_page("family") if w.family_page.family_id else None, None),
                ("family page", lambda f=family: w.open_family(f), w.family_page.sig_family_loaded),
                ("switching to the referrals inbox", lambda: w.show_page("referrals"), None),
                ("referrals inbox", lambda: w.referrals_page.refresh(), w.referrals_page.sig_requests_loaded),
                ("switching to the step-down queue", lambda: area.go_to("step_downs"), None),
                ("step-down queue", lambda: area.queue_page.refresh(), area.queue_page.sig_queue_loaded),
            ]
        self._beat.start()
        QTimer.singleShot(200, self._next)

    def _next(self) -> None:
        if not self.steps:
            self._beat.stop()
            print(json.dumps(self.results), flush=True)
            self.app.exit(0)
            return
        name, trigger, signal = self.steps.pop(0)
        self._current = (name, time.perf_counter(), signal)
        self._last, self._gap = time.perf_counter(), 0.0
        if signal is None:  # a page switch: what the GUI thread does in the next SETTLE_MS * 2
            trigger()
            self._settle_after(name, time.perf_counter(), SETTLE_MS * 2)
            return
        signal.connect(self._on_loaded)
        trigger()

    def _on_loaded(self, *_args: object) -> None:
        if self._current is None:
            return
        name, started, signal = self._current
        signal.disconnect(self._on_loaded)
        self._settle_after(name, started, SETTLE_MS)

    def _settle_after(self, name: str, started: float, settle_ms: int) -> None:
        self._current = None
        loaded_ms = (time.perf_counter() - started) * 1000

        def settle() -> None:
            self._on_beat()
            entry = self.results.setdefault(name, {"load_ms": [], "stall_ms": []})
            entry["load_ms"].append(loaded_ms)
            entry["stall_ms"].append(self._gap * 1000)
            QTimer.singleShot(50, self._next)

        QTimer.singleShot(settle_ms, settle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("search_text")
    parser.add_argument("family_ids", help="comma-separated family ids to open in turn")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    settings.set_application_identity()
    app = QApplication([sys.argv[0]])
    resources.apply_theme(app)
    probe = Probe(app, args.runs, args.search_text, [int(x) for x in args.family_ids.split(",")])
    startup = Startup(StartOptions())  # the database comes from HUBAPP_DATABASE_URL
    startup.sig_window_shown.connect(probe.on_window_shown)
    startup.sig_failed.connect(lambda code: app.exit(code))
    QTimer.singleShot(0, startup.start)
    QTimer.singleShot(600_000, lambda: app.exit(4))  # never hang the runner
    code = app.exec()
    startup.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
