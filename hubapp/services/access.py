"""The access log: opening a family's record, printing and exporting are disclosures, recorded."""

from __future__ import annotations

from sqlalchemy import text

from hubapp.data.models import AccessLog
from hubapp.data.uow import UnitOfWork

from .context import local_username


def record_access(
    uow: UnitOfWork, action: str, entity: str, entity_id: int | None, family_id: int | None, detail: str = ""
) -> None:
    """Add an access-log row inside an open unit of work (the caller commits).

    Args:
        action: ``VIEW``, ``PRINT`` or ``EXPORT``.
        entity: what was looked at, e.g. ``family``.
    """
    s = uow.session
    if uow.dialect == "postgresql":
        db_user = s.execute(text("SELECT current_user")).scalar_one()
    else:
        db_user = local_username()
    s.add(AccessLog(worker_id=uow.actor_id, db_user=db_user, action=action, entity=entity,
                    entity_id=entity_id, family_id=family_id, detail=detail or None))
