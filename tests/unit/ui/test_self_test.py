"""``hubapp --self-test`` run as a program: every step, the main window included, passes quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_self_test_passes_with_nothing_on_stderr(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"
    }  # it picks offscreen itself
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("self-test: ok   main window") and "offscreen" in line for line in lines
    )
    assert lines[-1].startswith("self-test: PASSED: 7 steps")
    # Nothing of the person's own: no settings, data or logs were written outside its own folder.
    for name in ("HUBAPP_DATA_DIR", "HUBAPP_CONFIG_DIR"):
        folder = Path(os.environ[name])
        assert not folder.exists() or not any(folder.iterdir())
