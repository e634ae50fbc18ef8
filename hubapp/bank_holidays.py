"""England and Wales bank holidays, kept on this PC after the first time they are worked out.

The ``holidays`` package is the source (:func:`hubapp.domain.workdays.england_bank_holidays`), but
it cannot give one country without importing every country it knows: about 300 modules and 130 ms
of CPU, which fell on the start of the program (the inbox's first page counts working days). So each
year's table is written to ``bank_holidays.json`` in the user's data directory (``cache/``) the first
time it is needed, and read from there at later starts (under a millisecond).

The file is tied to the installed ``holidays`` package: it records the size and modification time
of the package's United Kingdom module and is ignored once they differ (an upgrade may add a
holiday). Where they cannot be read (a frozen bundle keeps its modules in an archive), or the file
cannot be read or written, the package is asked every time, as before; nothing fails for it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from hubapp import config
from hubapp.domain.workdays import england_bank_holidays

log = logging.getLogger(__name__)

#: The file's layout; a file of another version is ignored.
FORMAT = 1
_lock = threading.Lock()
_tables: dict[int, dict[dt.date, str]] = {}  # this process's, by year
_stamp_memo: list[str | None] = []


def for_year(year: int) -> Mapping[dt.date, str]:
    """The bank holidays of England and Wales in ``year`` (date -> name), from the kept file if it
    is there and still matches the installed ``holidays`` package, else worked out and kept."""
    with _lock:
        found = _tables.get(year)
        if found is not None:
            return found
        stamp = _package_stamp()
        kept = _read(stamp) if stamp is not None else {}
        found = kept.get(year)
        if found is None:
            found = england_bank_holidays(year)
            if stamp is not None:
                kept[year] = found
                _write(stamp, kept)
        _tables.update(kept)
        _tables[year] = found
        return found


def cache_file() -> Path:
    """Where the tables are kept (``cache/bank_holidays.json`` in the user's data directory)."""
    return config.data_dir() / "cache" / "bank_holidays.json"


def forget() -> None:
    """Drop what this process holds (tests: another data directory, another package)."""
    with _lock:
        _tables.clear()
        _stamp_memo.clear()


def _package_stamp() -> str | None:
    """The installed ``holidays`` package's United Kingdom module, as size and modification time
    (without importing the package); ``None`` where it is not a plain file."""
    if not _stamp_memo:
        stamp = None
        try:
            spec = importlib.util.find_spec("holidays")
            if spec is not None and spec.origin:
                module = Path(spec.origin).parent / "countries" / "united_kingdom.py"
                st = module.stat()
                stamp = f"{module}:{st.st_size}:{st.st_mtime_ns}"
        except (ImportError, OSError, ValueError):
            stamp = None
        _stamp_memo.append(stamp)
    return _stamp_memo[0]


def _read(stamp: str) -> dict[int, dict[dt.date, str]]:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("package") != stamp:
            return {}
        return {int(year): {dt.date.fromisoformat(day): str(name) for day, name in days.items()}
                for year, days in data["years"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.info("Bank holidays worked out again: %s could not be read (%s)", cache_file(), exc)
        return {}


def _write(stamp: str, tables: Mapping[int, Mapping[dt.date, str]]) -> None:
    """Write the tables atomically (another copy of the program may read or write at the same time)."""
    data = {"format": FORMAT, "package": stamp,
            "years": {str(y): {d.isoformat(): n for d, n in sorted(t.items())} for y, t in sorted(tables.items())}}
    try:
        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".bank_holidays.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.info("Bank holidays not kept on this PC: %s", exc)


__all__ = ["FORMAT", "cache_file", "for_year", "forget"]
