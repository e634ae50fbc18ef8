"""The program's log file: ``<data dir>/logs/hubapp.log``, kept small by rotation.

The windowed program on Windows has no console, so without a file its log would go nowhere. The
file sits in the person's own data directory beside the embedded database and the drafts (both
already personal), never in the install folder. ``hubapp-debug`` shows the same lines on its
console as well.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from hubapp.config import data_dir

LOG_NAME = "hubapp.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    """The folder holding the log files (created if missing)."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def install(level: int = logging.INFO) -> Path | None:
    """Also log to the file (once per process); its path, or ``None`` if it cannot be written.

    Args:
        level: the least severe level written to the file.
    """
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and getattr(
            handler, "_hubapp", False
        ):
            return Path(handler.baseFilename)
    try:
        path = log_dir() / LOG_NAME
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        # A read-only or full profile must not stop the program; the console log still works.
        return None
    handler._hubapp = True  # type: ignore[attr-defined]
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


__all__ = ["install", "log_dir"]
