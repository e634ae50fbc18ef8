"""last change: who changed each editable record last, and when, on the record itself

When a save is refused because someone else saved the record first, the person is told who that
was and when (issue 7, fault 3). That was read from ``audit_event``, which on PostgreSQL only
coordinators and administrators may read, so hub workers and family support workers were told
"someone else". Every versioned table now carries ``changed_by`` (the database login) and
``changed_at``, which anyone who may read the row may read: row-level security decides, as for
the rest of the row.

On PostgreSQL a ``BEFORE INSERT OR UPDATE`` trigger sets both from ``session_user`` and ``now()``,
whatever the statement says, so they cannot be forged with a person's credentials through psql.
On SQLite the unit of work sets them as it writes the audit rows (``hubapp.data.audit``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables of the models with an optimistic-locking version (``Versioned``), as at this revision.
VERSIONED = ("assessment", "case_note", "closure", "consent_record", "episode", "family", "hub", "meeting",
             "need", "person", "plan", "request_for_support", "sf_claim", "team", "transfer_request", "worker")

STAMP = """
    CREATE FUNCTION hubapp_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.changed_by := session_user;
        NEW.changed_at := now();
        RETURN NEW;
    END $$"""


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("changed_by", sa.String(length=63), nullable=True))
            batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(STAMP)
    for table in VERSIONED:
        op.execute(f'CREATE TRIGGER hubapp_stamp_change BEFORE INSERT OR UPDATE ON "{table}" '
                   "FOR EACH ROW EXECUTE FUNCTION hubapp_stamp_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in VERSIONED:
            op.execute(f'DROP TRIGGER IF EXISTS hubapp_stamp_change ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS hubapp_stamp_change()")
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("changed_at")
            batch_op.drop_column("changed_by")
