"""The draft journal: what a person has typed into a form and not yet saved, kept on this PC.

A form writes its state here on every change (the form throttles the writes), and removes it
after a successful save. If the program dies, the window is closed or the database cannot be
reached, the draft is still here and is offered back the next time the program starts.

Each draft is one JSON file in ``<data dir>/drafts`` (``hubapp.config.data_dir()``), written
atomically: a temporary file in the same folder, flushed to disk, then ``os.replace``d over
the old one, so a crash mid-write leaves the previous version, never half a file. Files are
created readable by their owner only (they hold personal data). No Qt here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubapp.config import data_dir

log = logging.getLogger(__name__)

FOLDER = "drafts"
FORMAT_VERSION = 1
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True)
class Draft:
    """One unsaved form.

    Args:
        id: the draft's id (32 hex digits; also its file name).
        kind: which form, e.g. ``"request"``.
        title: what the person sees when it is offered back, e.g. "Request about Ella Smith".
        database: which database the draft belongs to (ids in it only mean something there).
        saved_at: when it was last written (aware UTC).
        data: the form's state, plain JSON values.
    """

    id: str
    kind: str
    title: str
    database: str
    saved_at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)


def new_id() -> str:
    """A fresh draft id."""
    return uuid.uuid4().hex


class DraftJournal:
    """The folder of drafts.

    Args:
        directory: where drafts live (default ``<data dir>/drafts``, made when first written).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir() / FOLDER

    def path_of(self, draft_id: str) -> Path:
        """The file of a draft.

        Raises:
            ValueError: ``draft_id`` is not a draft id (so no other file can ever be touched).
        """
        if not _ID.match(draft_id):
            raise ValueError(f"not a draft id: {draft_id!r}")
        return self.directory / f"{draft_id}.json"

    def save(self, kind: str, draft_id: str, title: str, database: str, data: dict[str, Any]) -> Draft:
        """Write a draft atomically (temporary file, flush, fsync, ``os.replace``).

        Raises:
            OSError: the disk refused (full, read-only); the previous version is kept.
        """
        draft = Draft(draft_id, kind, title, database, dt.datetime.now(dt.UTC), data)
        target = self.path_of(draft_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({
            "format": FORMAT_VERSION, "id": draft.id, "kind": kind, "title": title, "database": database,
            "saved_at": draft.saved_at.isoformat(), "data": data,
        }, ensure_ascii=False, indent=1)
        fd, temp = tempfile.mkstemp(prefix=f".{draft_id}.", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        return draft

    def load(self, draft_id: str) -> Draft | None:
        """One draft, or ``None`` if it is gone or unreadable."""
        return self._read(self.path_of(draft_id))

    def drafts(self, kind: str | None = None, database: str | None = None) -> list[Draft]:
        """The drafts kept, newest first, optionally of one kind and one database.

        An unreadable file is logged and skipped (it stays on disk for IT to look at).
        """
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob("*.json"):
            draft = self._read(path)
            if draft is None:
                continue
            if kind is not None and draft.kind != kind:
                continue
            if database is not None and draft.database != database:
                continue
            found.append(draft)
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return found

    def discard(self, draft_id: str) -> None:
        """Remove a draft (after a successful save, or when the person discards it)."""
        with contextlib.suppress(FileNotFoundError):
            self.path_of(draft_id).unlink()

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            saved_at = dt.datetime.fromisoformat(raw["saved_at"])
            if saved_at.tzinfo is None:
                saved_at = saved_at.replace(tzinfo=dt.UTC)
            data = raw["data"]
            if not isinstance(data, dict) or not _ID.match(str(raw["id"])):
                raise ValueError("malformed draft")
            return Draft(str(raw["id"]), str(raw["kind"]), str(raw.get("title", "")),
                         str(raw.get("database", "")), saved_at, data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("Draft %s cannot be read: %s", path, exc)
            return None


__all__ = ["Draft", "DraftJournal", "new_id"]
