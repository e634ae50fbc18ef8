"""Start-up's module loading (issue 7): PySide6's import scan is off and the collector rests while the
program's modules load, and nothing heavy is imported before that."""

from __future__ import annotations

import builtins
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.boot import collector_paused, skip_pyside_import_scan

ROOT = Path(__file__).resolve().parents[3]


def _python(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (offscreen) and return the JSON it prints last."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pyside_hook_gives_import_back(monkeypatch: pytest.MonkeyPatch) -> None:
    hook, original = builtins.__feature_import__, builtins.__orig_import__  # type: ignore[attr-defined]
    monkeypatch.setattr(builtins, "__import__", hook)
    skip_pyside_import_scan()
    assert builtins.__import__ is original


def test_another_import_replacement_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def tracing_import(*args: object, **kwargs: object) -> object:  # a debugger's or coverage's
        return builtins.__orig_import__(*args, **kwargs)  # type: ignore[attr-defined]

    monkeypatch.setattr(builtins, "__import__", tracing_import)
    skip_pyside_import_scan()
    assert builtins.__import__ is tracing_import


def test_collector_rests_while_modules_load_and_is_back_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's objects collectable
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # one that was off stays off
    finally:
        gc.enable()


def test_start_up_imports_are_neither_scanned_nor_collected() -> None:
    """What ``ui.app.main`` does before anything else: the program's modules load without PySide
    reading their source and without a single garbage collection, and end up frozen."""
    found = _python(
        "import gc, json, sys, linecache\n"
        "import ui.app\n"
        "from ui.boot import collector_paused, skip_pyside_import_scan\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        "skip_pyside_import_scan()\n"
        "with collector_paused():\n"
        "    import hubapp.logfile, ui.startup, ui.main_window\n"
        "scanned = sys.modules['shibokensupport.feature'].pyside_feature_dict\n"
        "print(json.dumps({'scanned': sorted(m for m in scanned if m.startswith(('hubapp', 'sqlalchemy', 'ui.'))),\n"
        "    'sources_read': sorted(f for f in linecache.cache if '/hubapp/' in f or '/sqlalchemy/' in f),\n"
        "    'collections': runs, 'frozen': gc.get_freeze_count()}))\n")
    assert found["scanned"] == ["ui.boot"]  # imported by ui.app itself, with PySide6, before main()
    assert found["sources_read"] == []
    assert found["collections"] == []
    assert isinstance(found["frozen"], int) and found["frozen"] > 100_000


def test_the_entry_point_imports_nothing_heavy_before_main() -> None:
    """``ui.app`` imports the program (SQLAlchemy, the services, the pages) only inside ``main()``,
    after PySide's import scan is off; and ``ui.startup`` leaves the main window and its pages to
    be loaded while the database opens."""
    found = _python(
        "import json, sys\n"
        "import ui.app\n"
        "after_app = sorted(m for m in ('sqlalchemy', 'hubapp.services', 'ui.startup', 'ui.main_window')\n"
        "                   if m in sys.modules)\n"
        "import ui.startup\n"
        "after_startup = sorted(m for m in ('ui.main_window', 'ui.screenshots', 'ui.pages.referrals_page')\n"
        "                       if m in sys.modules)\n"
        "print(json.dumps({'app': after_app, 'startup': after_startup}))\n")
    assert found == {"app": [], "startup": []}
