"""The one resolver for files shipped with hubapp: migrations and resources.

They live at the top of the source tree (``migrations/``, ``resources/``) and are copied into the
wheel as ``hubapp/_migrations`` and ``ui/_resources`` (and likewise into the frozen bundle), so
the same lookup works installed, editable and frozen. Nothing is read relative to the current
directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(candidates: list[Path], what: str) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"hubapp cannot find its {what}; looked in: {tried}")


@cache
def migrations_dir() -> Path:
    """The Alembic script directory (holds ``env.py`` and ``versions/``)."""
    return _first_existing(
        [_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent / "migrations"], "database migrations"
    )


@cache
def resources_dir() -> Path:
    """The resources directory (icons, stylesheets, fonts, desktop entry)."""
    return _first_existing(
        [_PACKAGE_DIR.parent / "ui" / "_resources", _PACKAGE_DIR.parent / "resources"], "resources"
    )
