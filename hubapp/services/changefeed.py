"""Tell other open clients what changed, within a second or two, without Qt (DESIGN: Concurrency).

Sending. :func:`install` hooks a database's sessions: every flush notes the tables it wrote, and
on PostgreSQL the commit sends ``pg_notify('hubapp_changes', {"src": …, "t": [tables]})`` in the
same transaction, so a notification goes out exactly when (and only if) the change is committed,
whichever service made it.

Receiving. :func:`make_feed` opens a :class:`ChangeFeed` on its own connection:

* PostgreSQL: ``LISTEN hubapp_changes`` on a dedicated psycopg connection in autocommit mode.
  Its socket (:meth:`ChangeFeed.fileno`) becomes readable when a notification arrives; then
  :meth:`ChangeFeed.read` drains it without blocking.
* SQLite: a dedicated ``sqlite3`` connection polled with ``PRAGMA data_version``, whose value
  changes whenever *another* connection (in this process or any other) commits. It cannot say
  what changed, so every kind of change is reported. This program's own commits are absorbed
  (the commit hooks tell its feeds), so that its own views do not reload twice; someone else's
  commit just before one of ours is still reported.

:meth:`ChangeFeed.open` connects (it may block: call it off the GUI thread); ``read`` never blocks
on the database. :meth:`ChangeFeed.wait` blocks until something arrives, for tests and scripts.
"""

from __future__ import annotations

import json
import logging
import select
import sqlite3
import threading
import time
import uuid
import weakref
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session

from hubapp.data.db import Database
from hubapp.domain.dto import Changes
from hubapp.domain.errors import DatabaseUnavailable

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

CHANNEL = "hubapp_changes"
_TABLES_KEY = "hubapp_changed_tables"
#: What a write to each table means for open views (tables not named change nothing on screen).
_TABLE_FLAGS: dict[str, str] = {
    **dict.fromkeys(("transfer_request", "transfer_event"), "transfers"),
    **dict.fromkeys(("episode", "episode_child", "episode_reason", "closure", "need", "need_person",
                     "assessment", "assessment_factor", "case_note", "outcome_measurement", "sf_claim"),
                    "episodes"),
    **dict.fromkeys(("plan", "plan_goal", "plan_action", "meeting", "meeting_attendee", "goal_progress"),
                    "plans"),
    **dict.fromkeys(("request_for_support", "request_person", "request_need", "consent_record",
                     "information_share"), "requests"),
    **dict.fromkeys(("family", "person", "family_membership", "address", "person_alias", "person_identifier",
                     "person_dob_history", "person_relationship"), "families"),
}
EVERYTHING = Changes(families=True, requests=True, episodes=True, transfers=True, plans=True)

_WROTE_KEY = "hubapp_sqlite_wrote"
_tokens: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()
_sqlite_feeds: weakref.WeakKeyDictionary[Database, weakref.WeakSet[SqliteChangeFeed]] = weakref.WeakKeyDictionary()


def changes_for_tables(tables: list[str] | set[str] | tuple[str, ...]) -> Changes:
    """The ``Changes`` that writes to these tables mean."""
    flags = {_TABLE_FLAGS[t]: True for t in tables if t in _TABLE_FLAGS}
    return Changes(**flags)


# ---- Sending ------------------------------------------------------------------------------------


def install(db: Database) -> str:
    """Make every commit on ``db`` announce the tables it wrote (PostgreSQL); returns the token
    that marks this database object's own notifications. Calling it again changes nothing."""
    token = _tokens.get(db)
    if token is not None:
        return token
    token = _tokens[db] = uuid.uuid4().hex
    maker = db.sessionmaker
    event.listen(maker, "after_flush", _on_after_flush)
    event.listen(maker, "do_orm_execute", _on_do_orm_execute)
    event.listen(maker, "after_rollback", _on_after_rollback)
    if db.dialect == "postgresql":
        event.listen(maker, "before_commit", lambda session: _on_before_commit(session, token))
    else:
        event.listen(maker, "before_commit", lambda session: _on_sqlite_before_commit(session, db))
        event.listen(maker, "after_commit", lambda session: _on_sqlite_after_commit(session, db))
    return token


def _note(session: Session, tables: set[str]) -> None:
    if tables:
        session.info.setdefault(_TABLES_KEY, set()).update(tables)


def _on_after_flush(session: Session, _context: Any) -> None:
    tables = {getattr(obj, "__tablename__", "") for obj in (*session.new, *session.dirty, *session.deleted)}
    _note(session, {t for t in tables if t})


def _on_do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            _note(state.session, {name})


def _on_after_rollback(session: Session) -> None:
    session.info.pop(_TABLES_KEY, None)


def _on_sqlite_before_commit(session: Session, db: Database) -> None:
    # SQLite cannot say who committed, so this program's own feeds are told about its own commits:
    # first they take note of anything others committed (this session holds the write lock once it
    # has written, so nobody else can commit until it does), then, after the commit, they absorb it.
    session.flush()
    if session.info.get(_TABLES_KEY):
        session.info[_WROTE_KEY] = True
        for feed in list(_sqlite_feeds.get(db, ())):
            feed.note_others()


def _on_sqlite_after_commit(session: Session, db: Database) -> None:
    session.info.pop(_TABLES_KEY, None)
    if session.info.pop(_WROTE_KEY, False):
        for feed in list(_sqlite_feeds.get(db, ())):
            feed.absorb_own()


def _on_before_commit(session: Session, token: str) -> None:
    session.flush()  # so that the last flush's tables are noted before the commit goes out
    tables = session.info.pop(_TABLES_KEY, None)
    if not tables or not any(t in _TABLE_FLAGS for t in tables):
        return
    payload = json.dumps({"src": token, "t": sorted(t for t in tables if t in _TABLE_FLAGS)})
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


# ---- Receiving ----------------------------------------------------------------------------------


class ChangeFeed:
    """Changes committed by other connections, read without blocking.

    Args:
        db: the database to watch (its own notifications are skipped).
    """

    #: Seconds between polls, or ``None`` when :meth:`fileno` tells when to read.
    poll_interval: float | None = None

    def __init__(self, db: Database) -> None:
        self.db = db
        self.token = _tokens.get(db, "")
        self._lock = threading.Lock()

    def open(self) -> None:
        """Connect (blocking; off the GUI thread). Opening an open feed changes nothing.

        Raises:
            DatabaseUnavailable: the connection could not be made.
        """
        try:
            self._open()
        except DatabaseUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable now"
            raise DatabaseUnavailable(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from exc

    def fileno(self) -> int | None:
        """The socket to watch for readability, or ``None`` when the feed is polled."""
        return None

    def read(self) -> list[Changes]:
        """What arrived since the last read (empty when nothing did); never blocks on the database.

        Raises:
            DatabaseUnavailable: the connection failed; :meth:`close` and :meth:`open` again.
        """
        try:
            return self._read()
        except Exception as exc:  # noqa: BLE001 - any driver error means the connection is gone
            raise DatabaseUnavailable(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from exc

    def _open(self) -> None:
        raise NotImplementedError

    def _read(self) -> list[Changes]:
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` succeeded and :meth:`close` has not been called."""
        return False

    def wait(self, timeout: float) -> list[Changes]:
        """Block until something arrives or ``timeout`` seconds pass (tests, scripts)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.read()
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            fd = self.fileno()
            if fd is not None:
                select.select([fd], [], [], remaining)
            else:
                time.sleep(min(self.poll_interval or 0.05, remaining))


class PgChangeFeed(ChangeFeed):
    """``LISTEN`` on a dedicated psycopg connection."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def is_open(self) -> bool:  # noqa: D102 - see ChangeFeed
        return self._conn is not None and not self._conn.closed

    def _open(self) -> None:
        import psycopg

        with self._lock:
            if self.is_open:
                return
            cargs, cparams = self.db.engine.dialect.create_connect_args(self.db.engine.url)
            cparams.setdefault("connect_timeout", 5)
            cparams["application_name"] = "hubapp-changes"
            conn = psycopg.connect(*cargs, **cparams, autocommit=True)
            conn.execute(f"LISTEN {CHANNEL}")
            self._conn = conn

    def fileno(self) -> int | None:  # noqa: D102 - see ChangeFeed
        return self._conn.fileno() if self.is_open and self._conn is not None else None

    def _read(self) -> list[Changes]:
        with self._lock:
            if self._conn is None:
                return []
            out = []
            for note in self._conn.notifies(timeout=0):
                try:
                    body = json.loads(note.payload)
                except ValueError:
                    out.append(EVERYTHING)  # another tool's notification: assume anything changed
                    continue
                if body.get("src") != self.token:
                    out.append(changes_for_tables(body.get("t", [])))
            return out

    def close(self) -> None:  # noqa: D102 - see ChangeFeed
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a dead connection must not fail
                log.debug("closing the change feed failed", exc_info=True)


class SqliteChangeFeed(ChangeFeed):
    """``PRAGMA data_version`` polled on a dedicated connection."""

    poll_interval = 0.5

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._others_pending = False
        _sqlite_feeds.setdefault(db, weakref.WeakSet()).add(self)

    def note_others(self) -> None:
        """Before this program commits: remember whether anyone else committed since the last read."""
        with self._lock:
            if self._conn is not None:
                version = self._data_version()
                if version != self._version:
                    self._others_pending = True
                    self._version = version

    def absorb_own(self) -> None:
        """After this program committed: its own commit is not news to its own views."""
        with self._lock:
            if self._conn is not None:
                self._version = self._data_version()

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def is_open(self) -> bool:  # noqa: D102 - see ChangeFeed
        return self._conn is not None

    def _open(self) -> None:
        with self._lock:
            if self._conn is not None:
                return
            path = self.db.engine.url.database
            if not path or path == ":memory:":
                raise ValueError("an in-memory database has no other clients to hear from")
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5)
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._conn = conn

    def _read(self) -> list[Changes]:
        with self._lock:
            if self._conn is None:
                return []
            version = self._data_version()
            changed = version != self._version or self._others_pending
            self._version, self._others_pending = version, False
            return [EVERYTHING] if changed else []

    def close(self) -> None:  # noqa: D102 - see ChangeFeed
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def make_feed(db: Database) -> ChangeFeed:
    """A change feed for ``db`` (not yet open)."""
    return PgChangeFeed(db) if db.dialect == "postgresql" else SqliteChangeFeed(db)


def merge(changes: list[Changes]) -> Changes:
    """One ``Changes`` covering all of ``changes``."""
    names = ("families", "requests", "episodes", "transfers", "plans")
    return Changes(**{n: any(getattr(c, n) for c in changes) for n in names})


__all__ = ["CHANNEL", "EVERYTHING", "ChangeFeed", "changes_for_tables", "install", "make_feed", "merge"]
