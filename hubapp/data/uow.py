"""The unit of work: one Session, one transaction, for one service call."""

from __future__ import annotations

import logging
import weakref
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hubapp.domain.errors import (
    ConcurrencyConflict, DatabaseBusy, DatabaseUnavailable, PermissionDenied, SignInFailed,
)

from .db import Database
from .models import AuditEvent, Base, Worker

log = logging.getLogger(__name__)

#: PostgreSQL's deadlock_detected, serialization_failure and lock_not_available.
LOST_RACE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})

#: The table behind each kind of record a service names in a ``ConcurrencyConflict``.
CONFLICT_TABLES = {
    "family plan": "plan", "request for support": "request_for_support", "early help episode": "episode",
    "need": "need", "assessment": "assessment", "meeting": "meeting",
    "step-up request": "transfer_request", "step-down request": "transfer_request",
}


class UnitOfWork:
    """Owns the Session for one service call. Repositories and services never commit by themselves.

    Use as ``with uow: ...; uow.commit()``. Leaving the block without a commit rolls back, so a
    failed call leaves nothing half-written. Database errors become domain errors a person can
    read: a lost race (a stale version, or a deadlock PostgreSQL broke) is ``ConcurrencyConflict``,
    naming who saved the record last and when; a dropped connection ``DatabaseUnavailable``, and an
    embedded database file another program kept locked ``DatabaseBusy``; a refused grant
    ``PermissionDenied``.

    On PostgreSQL a block that only read (nothing but SELECTs, no unsaved changes) and ends without
    an error ends its transaction with a commit, which changes nothing in the database: a rollback
    would make psycopg drop every prepared statement of the connection, so each read would parse
    and plan all of its statements again.

    Args:
        db: the process's database.
        actor_id: the worker on whose behalf this runs (``None`` for admin tools).
    """

    def __init__(self, db: Database, actor_id: int | None = None) -> None:
        self.db = db
        self.actor_id = actor_id
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The open Session (only inside the ``with`` block)."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.db.dialect

    def __enter__(self) -> UnitOfWork:
        if self.db.engine not in _watched and self.db.dialect == "postgresql":
            _watch(self.db.engine)
        self._session = self.db.sessionmaker()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        session, self._session = self._session, None
        if session is None:
            return False
        try:
            if not (exc is None and self.db.dialect == "postgresql" and _end_read_only(session)):
                session.rollback()
        except sa_exc.DBAPIError:
            pass  # the connection is already gone; nothing was committed
        finally:
            session.close()
        if exc is not None:
            translated = translate_db_error(exc)
            if translated is not None:
                raise translated from exc
            if isinstance(exc, ConcurrencyConflict) and exc.changed_by is None:
                self._name_last_change(exc)
        return False

    def _name_last_change(self, conflict: ConcurrencyConflict) -> None:
        """Say who saved the record last and when, read from the record itself (``changed_by``,
        ``changed_at``: whoever may read the row may read them), or, for a row last changed before
        those were kept, from the audit trail if this login may read it. Runs in a short session of
        its own; a failed look-up only loses the "who".
        """
        table_name = CONFLICT_TABLES.get(conflict.entity)
        if table_name is None or not isinstance(conflict.key, int):
            return
        table = Base.metadata.tables[table_name]
        try:
            with self.db.sessionmaker() as session:
                row = session.execute(
                    select(table.c.changed_by, table.c.changed_at).where(table.c.id == conflict.key)
                ).first()
                if row is None or row.changed_by is None:
                    row = session.execute(
                        select(AuditEvent.db_user.label("changed_by"), AuditEvent.at.label("changed_at"))
                        .where(AuditEvent.table_name == table_name, AuditEvent.row_key == str(conflict.key),
                               AuditEvent.action == "UPDATE")
                        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)
                    ).first()
                if row is None:
                    return
                name = session.scalar(select(Worker.display_name).where(Worker.username == row.changed_by))
        except Exception as exc:  # noqa: BLE001 - a refused or failed look-up only loses the "who"
            log.info("Who changed %s %s cannot be told: %s", table_name, conflict.key, str(exc).splitlines()[0])
            return
        conflict.with_last_change(name or row.changed_by, row.changed_at)

    def flush(self) -> None:
        """Flush pending changes (to get ids), translating database errors."""
        try:
            self.session.flush()
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is None:
                raise
            raise translated from exc

    def commit(self) -> None:
        """Commit the transaction, translating a lost race or a dropped connection."""
        try:
            self.session.commit()
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is None:
                raise
            raise translated from exc


#: Set in a connection's ``info`` when a statement that may write ran on it (read when a unit of
#: work ends).
_MAY_HAVE_WRITTEN = "hubapp_may_have_written"
_watched: weakref.WeakSet[Engine] = weakref.WeakSet()


def _watch(engine: Engine) -> None:
    """Note on each connection of ``engine`` when a statement other than a SELECT runs on it."""
    event.listen(engine, "before_cursor_execute", _note_statement)
    _watched.add(engine)


def _note_statement(conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any,
                    _executemany: bool) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":  # INSERT, UPDATE, SET, WITH ... INSERT, ...
        conn.info[_MAY_HAVE_WRITTEN] = True


def _end_read_only(session: Session) -> bool:
    """End the transaction with a commit if it ran nothing but SELECTs and holds no unsaved changes;
    whether it did (else the caller rolls back)."""
    if session.get_transaction() is None:
        return True  # nothing ran
    if session.new or session.dirty or session.deleted:
        return False
    try:
        if session.connection().info.pop(_MAY_HAVE_WRITTEN, False):
            return False
        session.commit()
    except sa_exc.SQLAlchemyError:
        return False  # a failed transaction, or a dropped connection: roll back
    return True


def translate_db_error(exc: BaseException) -> Exception | None:
    """Turn a SQLAlchemy error into the domain error a person should see, or ``None``."""
    if isinstance(exc, StaleDataError):
        return ConcurrencyConflict("record", "?")
    if isinstance(exc, sa_exc.DBAPIError):
        if getattr(exc.orig, "sqlstate", None) in LOST_RACE_SQLSTATES:
            # Two saves locked the same rows in opposite orders (PostgreSQL picked this one to
            # fail), or a lock wait ran out: the transaction was rolled back, so it is a lost race.
            return ConcurrencyConflict("record", "?")
        lowered = str(exc.orig if exc.orig is not None else exc).lower()
        if "password authentication failed" in lowered or "no password supplied" in lowered or (
            "role" in lowered and "does not exist" in lowered and "connection" in lowered
        ):
            return SignInFailed("The user name or password is not right. Check them and try again.")
        if "not permitted to log in" in lowered:
            return SignInFailed("This account is disabled. Ask your hubapp administrator to enable it.")
        if "row-level security" in lowered:
            return PermissionDenied(
                "You can only record this for families of your own hubs (the database refused it)."
            )
        if exc.connection_invalidated or isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            text = str(exc.orig) if exc.orig is not None else str(exc)
            if "permission denied" in text.lower():
                return PermissionDenied(text.splitlines()[0])
            if "database is locked" in text.lower() or "database table is locked" in text.lower():
                return DatabaseBusy(text.splitlines()[0])
            return DatabaseUnavailable(text.splitlines()[0][:200] if text else "")
        if isinstance(exc, sa_exc.ProgrammingError) and "permission denied" in str(exc.orig).lower():
            return PermissionDenied(str(exc.orig).splitlines()[0])
    return None
