"""The audit trail on SQLite, written by the application.

On PostgreSQL a trigger on every table writes ``audit_event`` (migration 0002), so the audit holds
for any tool using a person's credentials. The embedded SQLite database has no such triggers and
no other users, so here the unit of work writes the same rows from the ORM's flush: table, key,
action, old and new values, who and when; and it stamps ``changed_by`` and ``changed_at`` on the
versioned rows it writes, as PostgreSQL's ``hubapp_stamp_change`` trigger does there.
"""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from .models import AccessLog, AuditEvent
from .models.base import Versioned, utcnow

_NOT_AUDITED = (AuditEvent, AccessLog)


def _user() -> str:
    try:
        return getpass.getuser() or "local"
    except (KeyError, OSError):
        return "local"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _row(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs}


def _key(obj: Any) -> str:
    identity = inspect(obj).identity
    if identity is None:
        mapper = inspect(obj).mapper
        identity = tuple(getattr(obj, mapper.get_property_by_column(c).key) for c in mapper.primary_key)
    return ",".join("" if v is None else str(v) for v in identity)


def _old_row(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    old: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            old[attr.key] = _plain(history.deleted[0])
        else:
            old[attr.key] = _plain(getattr(obj, attr.key))
    return old


@event.listens_for(Session, "before_flush")
def _stamp_last_change(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """Who changed each versioned row last, and when (PostgreSQL's trigger does this there)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    now, user = utcnow(), _user()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Versioned) and (obj in session.new or session.is_modified(obj, include_collections=False)):
            obj.changed_by, obj.changed_at = user, now


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, _flush: UOWTransaction) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return
    now, user, rows = utcnow(), _user(), []
    for action, objects in (("INSERT", session.new), ("UPDATE", session.dirty), ("DELETE", session.deleted)):
        for obj in objects:
            if isinstance(obj, _NOT_AUDITED):
                continue
            if action == "UPDATE" and not session.is_modified(obj, include_collections=False):
                continue
            table = inspect(obj).mapper.local_table.name
            rows.append({
                "at": now, "db_user": user, "action": action, "table_name": table, "row_key": _key(obj),
                "old_data": None if action == "INSERT" else _old_row(obj),
                "new_data": None if action == "DELETE" else _row(obj),
                "tx_id": None,
            })
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
