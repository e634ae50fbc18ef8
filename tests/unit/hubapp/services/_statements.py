"""Counting the statements a service call sends (to pin its round trips: no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from hubapp.data.db import Database


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The statements sent to ``db`` inside the block, in order."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
