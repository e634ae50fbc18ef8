"""The layers hold: the core package ``hubapp`` imports no Qt, and import-linter's contracts pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import hubapp
failed = []
for info in pkgutil.walk_packages(hubapp.__path__, "hubapp."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui"))
print("FAILED", failed)
print("QT", qt)
sys.exit(1 if qt or failed else 0)
"""


def test_core_imports_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts() -> None:
    """import-linter (a test extra) checks pyproject.toml's contracts: no Qt in hubapp, no data layer in ui."""
    exe = Path(sys.executable).with_name("lint-imports")
    assert exe.exists(), "lint-imports is missing: install the test extras (pip install -e '.[test]')"
    result = subprocess.run(
        [str(exe), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
