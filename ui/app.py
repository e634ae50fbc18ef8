"""The program's entry point: ``hubapp`` (``[project.gui-scripts] hubapp = "ui.app:main"``).

Options:
    --database-url URL   open this database (default: HUBAPP_DATABASE_URL, else the embedded file)
    --demo N             load N synthetic families into an empty embedded database without asking
    --screenshot PATH    grab the main window to PATH once it shows data, then quit
    --page NAME          the page to show first: search, referrals, family or family:ID, caseload,
                         episode[:ID[:VIEW]] (VIEW: a tab, print, print-family or meeting),
                         step_downs or step_ups
    --search TEXT        search for TEXT at start
    --profile NAME       open this connection profile (default: the one profiles.json names)
    --connect            show the sign-in dialog first (profile, server, user name, password)
    --self-test          check this installation on a temporary database, print a line per step

With ``HUBAPP_READY_MARKER=1`` in the environment it prints ``hubapp-ready <epoch seconds>`` on
standard output once the main window shows its first page's data (the start-up benchmark).

A second copy started for the same login and database shows the first copy's window and exits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.boot import collector_paused, skip_pyside_import_scan

if TYPE_CHECKING:
    from ui.startup import StartOptions

# The rest of the program (the database layer, the services, the pages: some 650 modules) is
# imported in main(), once PySide's import scan is off and with the collector paused (ui.boot).


def parse_args(argv: list[str]) -> tuple[StartOptions, list[str]]:
    """hubapp's own options, and the rest (left for Qt, e.g. ``-platform offscreen``)."""
    from ui.startup import StartOptions

    parser = argparse.ArgumentParser(prog="hubapp", description="Early Help hub desktop client.")
    parser.add_argument("--database-url", help="database to open (default: the embedded file)")
    parser.add_argument("--demo", type=int, metavar="N", help="load N demo families into an empty database")
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="save a PNG of the window and quit")
    parser.add_argument("--page", help="page to show first: search, referrals, family[:ID], caseload, "
                        "episode[:ID[:VIEW]], step_downs or step_ups")
    parser.add_argument("--search", help="text to search for at start")
    parser.add_argument("--profile", help="connection profile to open (default: the one profiles.json names)")
    parser.add_argument("--connect", action="store_true", help="show the sign-in dialog first")
    parser.add_argument("--self-test", action="store_true", help="check this installation and exit")
    args, rest = parser.parse_known_args(argv)
    options = StartOptions(database_url=args.database_url, demo=args.demo, screenshot=args.screenshot,
                           page=args.page, search=args.search, profile=args.profile,
                           connect=args.connect)
    return options, rest


def main(argv: list[str] | None = None) -> int:
    """Start hubapp; returns the exit code (non-zero when the database could not be opened)."""
    skip_pyside_import_scan()
    argv = sys.argv if argv is None else argv
    if "--self-test" in argv[1:]:
        from ui import self_test

        return self_test.main(argv)
    with collector_paused():
        from hubapp import logfile
        from ui import resources, settings, single_instance
        from ui.startup import Startup

    options, qt_args = parse_args(argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logfile.install()
    settings.set_application_identity()
    app = QApplication([argv[0] if argv else "hubapp", *qt_args])
    resources.apply_theme(app)
    startup = Startup(options)
    guard = single_instance.SingleInstance(single_instance.server_name(startup.url))
    if options.screenshot is None and startup.url and not guard.claim():
        return 0  # the copy already open shows its window instead
    guard.sig_activation_requested.connect(lambda: single_instance.raise_window(startup.window))
    if os.environ.get("HUBAPP_READY_MARKER") == "1":
        startup.sig_window_shown.connect(_print_when_ready)
    QTimer.singleShot(0, startup.start)
    code = app.exec()
    guard.close()
    startup.shutdown()
    return code


def _print_when_ready(window: object) -> None:
    """Print the ready marker once the window's first page shows data (``HUBAPP_READY_MARKER``)."""
    window.sig_first_data_loaded.connect(  # type: ignore[attr-defined]
        lambda: print(f"hubapp-ready {time.time():.6f}", flush=True))


if __name__ == "__main__":
    sys.exit(main())
