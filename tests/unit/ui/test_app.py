"""The ``hubapp`` entry point, run as a program: it starts, shows data, and fails cleanly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from ui.app import parse_args

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "ui.app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_options_are_parsed_and_qt_options_passed_on() -> None:
    options, rest = parse_args(["--database-url", "sqlite:///x", "--demo", "5", "--page", "family:3",
                                "-platform", "offscreen"])
    assert (options.database_url, options.demo, options.page) == ("sqlite:///x", 5, "family:3")
    assert rest == ["-platform", "offscreen"]


def test_starts_on_an_empty_database_and_takes_a_screenshot(tmp_path: Path) -> None:
    png = tmp_path / "main.png"
    result = _run("--database-url", f"sqlite:///{tmp_path / 'new.sqlite'}", "--demo", "0",
                  "--page", "search", "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    assert png.exists() and png.stat().st_size > 1000


def test_exits_non_zero_on_a_schema_mismatch(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    shutil.copyfile(sqlite_url.removeprefix("sqlite:///"), path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    env_script = (
        "import sys, ui.startup as s; s.show_open_error = lambda *a, **k: print('SHOWN', a[0]); "
        "from ui.app import main; sys.exit(main(['hubapp', '--database-url', sys.argv[1]]))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", env_script, f"sqlite:///{path}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "SHOWN Database version does not match" in result.stdout
    assert "Traceback" not in result.stderr
