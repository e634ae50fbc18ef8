"""dashboard kept figures: the change log names the table each change was made to

Migrations 0007 and 0008 log, per hub, the first month each change to a record the dashboard reads
can move, and a kept month part of any figure is worked out again once a change of its month or
earlier is logged. So one review recorded today redid this month of every kept figure, the revolving
door and the outcomes as much as review compliance.

Each log row now also says which table changed (``source``), and each kept figure names the tables
it reads (``hubapp.services._dashboard_kept.READS``): a change makes stale only the parts of the
figures that read its table. Rows logged before this migration (and any row without a source)
still make every figure stale. An index on ``(hub_id, txid)`` lets the dashboard read only the
changes a kept part's snapshot can have missed.

The triggers' functions are rewritten in place: the one ``INSERT`` into the log each branch holds
gains the table's name (``TG_TABLE_NAME``); nothing else in them changes. PostgreSQL only, like the
log, but for one index on both databases: ``ix_assessment_kind_authorised``, so the assessments
authorised in one month are found from the month, not by probing every episode of the hub (the
month's part of assessment timeliness took about as long as the whole year's).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose changes are logged (0007 and 0008), each by ``hubapp_dashboard_changed_<table>()``.
TABLES = ("episode", "request_for_support", "plan", "meeting", "consent_record", "assessment", "request_person",
          "episode_child", "need", "outcome_measurement", "transfer_request", "transfer_event", "family_membership")

_OLD = ("INSERT INTO hubapp_dashboard_change (hub_id, from_month) "
        "SELECT hub, date_trunc('month', min(day))::date FROM (")
_NEW = ("INSERT INTO hubapp_dashboard_change (hub_id, from_month, source) "
        "SELECT hub, date_trunc('month', min(day))::date, TG_TABLE_NAME FROM (")


def _rewrite(table: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the log function of ``table`` (each of its three branches)."""
    bind = op.get_bind()
    body = bind.exec_driver_sql(
        f"SELECT pg_get_functiondef('hubapp_dashboard_changed_{table}()'::regprocedure)").scalar()
    if not isinstance(body, str) or body.count(old) != 3:
        raise RuntimeError(f"hubapp_dashboard_changed_{table}() is not the function this migration knows")
    bind.exec_driver_sql(body.replace(old, new))


def upgrade() -> None:
    op.create_index("ix_assessment_kind_authorised", "assessment", ["kind", "authorised_at"], unique=False,
                    postgresql_include=["episode_id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE hubapp_dashboard_change ADD COLUMN source text")
    # The dashboard reads the changes a kept part's snapshot can have missed: those of its hub from
    # the snapshot's oldest running transaction on.
    op.execute("CREATE INDEX ix_hubapp_dashboard_change_hub_txid ON hubapp_dashboard_change (hub_id, txid)")
    for table in TABLES:
        _rewrite(table, _OLD, _NEW)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            _rewrite(table, _NEW, _OLD)
        op.execute("DROP INDEX IF EXISTS ix_hubapp_dashboard_change_hub_txid")
        op.execute("ALTER TABLE hubapp_dashboard_change DROP COLUMN source")
    op.drop_index("ix_assessment_kind_authorised", table_name="assessment")
