"""The access log: opening a family's record, printing and exporting are disclosures, recorded."""

from __future__ import annotations

from functools import cache
from typing import cast

from sqlalchemy import Insert, Table, func, insert

from hubapp.data.models import AccessLog
from hubapp.data.uow import UnitOfWork

from .context import local_username


def record_access(
    uow: UnitOfWork, action: str, entity: str, entity_id: int | None, family_id: int | None, detail: str = ""
) -> None:
    """Add an access-log row inside an open unit of work (the caller commits).

    On PostgreSQL the row names the login the server knows (``current_user``, filled in by the
    INSERT itself); on SQLite, the PC's user.

    Args:
        action: ``VIEW``, ``PRINT`` or ``EXPORT``.
        entity: what was looked at, e.g. ``family``.
    """
    row = {"worker_id": uow.actor_id, "action": action, "entity": entity, "entity_id": entity_id,
           "family_id": family_id, "detail": detail or None}
    postgresql = uow.dialect == "postgresql"
    if not postgresql:
        row["db_user"] = local_username()
    uow.session.execute(_insert(postgresql), row)


@cache
def _insert(postgresql: bool) -> Insert:
    """The INSERT of a row (its values given when it runs), built once per dialect."""
    table = cast(Table, AccessLog.__table__)
    return insert(table).values(db_user=func.current_user()) if postgresql else insert(table)
