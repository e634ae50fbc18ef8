"""dashboard kept figures: the outcomes' parts, escalation and the revolving door log their changes too

Migration 0007 keeps the monthly parts of four dashboard figures and logs the changes that can make
them stale. Four more figures are now kept by month (:mod:`hubapp.services.dashboard`):

- the mean distance travelled, by the month the episode closed;
- the families past the Supporting Families sustainment window, by the month the window ended;
- escalation after an outcomes-met closure, by the month the 6 and 12 months after closure ended;
- the revolving door, by the month a child's qualifying start or the family's start in scope fell in.

They read five more tables, whose changes are now logged the same way (one row per hub touched,
with the first month the change can move, by definer-rights statement triggers):

- ``need`` and ``outcome_measurement`` move only the figures of a closed episode, from the month it
  closed (the sustainment window and the scores both count from the closure; a change to an open
  episode's needs or scores moves nothing until it closes, and its closure is logged);
- ``transfer_request`` and ``transfer_event``: a step-up sent to social care counts as an escalation
  for the closures of the year before it, so it moves the months from the day it was requested on
  (a closure's 6 or 12 months end on or after it); a step-up taken on by social care, or a
  step-down, starts or ends a social care episode on the day it was decided or requested, and
  social care episodes are inferred from the transfers in date order, so nothing before moves;
- ``family_membership``: the revolving door counts a family's current children, whatever the
  dates, so a change there moves every month (it is logged from 1900).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REQUESTED = "(t.requested_at AT TIME ZONE 'UTC')::date"
_DECIDED = "(t.decided_at AT TIME ZONE 'UTC')::date"

#: Per table: the rows touched (``{rows}``: a transition table; their family, hub and first day), and
#: for an update, the columns whose change moves a figure (other columns, such as notes, do not).
SOURCES: dict[str, dict[str, object]] = {
    "need": {
        "rows": "SELECT p.family_id, p.hub_id, p.end_date AS day FROM {rows} r JOIN episode p ON p.id = r.episode_id",
        "columns": ("episode_id", "sf_outcome", "status", "outcome_evidence"),
    },
    "outcome_measurement": {
        "rows": "SELECT p.family_id, p.hub_id, p.end_date AS day FROM {rows} r JOIN episode p ON p.id = r.episode_id",
        "columns": ("episode_id", "person_id", "tool", "area", "score", "measured_on"),
    },
    "transfer_request": {
        "rows": f"SELECT t.family_id, t.hub_id, least({_REQUESTED}, {_DECIDED}) AS day FROM {{rows}} t",
        "columns": ("direction", "family_id", "hub_id", "requested_at", "decided_at", "decision_outcome"),
    },
    "transfer_event": {
        "rows": (f"SELECT t.family_id, t.hub_id, {_REQUESTED} AS day FROM {{rows}} r "
                 "JOIN transfer_request t ON t.id = r.transfer_id"),
        "columns": ("transfer_id", "to_status"),
    },
    "family_membership": {
        "rows": "SELECT r.family_id, NULL::integer AS hub_id, DATE '1900-01-01' AS day FROM {rows} r",
        "columns": ("family_id", "person_id", "relation", "end_date"),
    },
}

#: The log rows of a statement: the earliest day per hub touched (the row's own hub and every hub of
#: its family), as migration 0007 writes them.
_LOG = ("INSERT INTO hubapp_dashboard_change (hub_id, from_month) "
        "SELECT hub, date_trunc('month', min(day))::date FROM ("
        " SELECT x.hub_id AS hub, x.day FROM touched x WHERE x.hub_id IS NOT NULL"
        " UNION ALL SELECT v.hub_id, x.day FROM touched x JOIN hubapp_family_hub v ON v.family_id = x.family_id"
        ") h WHERE day IS NOT NULL GROUP BY hub")


def _trigger_function(table: str, spec: dict[str, object]) -> str:
    rows = str(spec["rows"])
    columns: tuple[str, ...] = spec["columns"]  # type: ignore[assignment]
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    # An update touches the old and the new rows of the records whose named columns changed.
    changed = (f"SELECT o.* FROM old_rows o JOIN new_rows n USING (id) WHERE ({old}) IS DISTINCT FROM ({new})")
    moved_new = (f"SELECT n.* FROM old_rows o JOIN new_rows n USING (id) WHERE ({old}) IS DISTINCT FROM ({new})")
    updated = (f"{rows.format(rows='changed_old')} UNION ALL {rows.format(rows='changed_new')}")
    return f"""
    CREATE FUNCTION hubapp_dashboard_changed_{table}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            WITH touched AS ({rows.format(rows='new_rows')}) {_LOG};
        ELSIF TG_OP = 'DELETE' THEN
            WITH touched AS ({rows.format(rows='old_rows')}) {_LOG};
        ELSE
            WITH changed_old AS ({changed}), changed_new AS ({moved_new}), touched AS ({updated}) {_LOG};
        END IF;
        RETURN NULL;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, spec in SOURCES.items():
        op.execute(_trigger_function(table, spec))
        op.execute(f"REVOKE ALL ON FUNCTION hubapp_dashboard_changed_{table}() FROM PUBLIC")
        for event, refs in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            op.execute(f"CREATE TRIGGER hubapp_dashboard_{event.lower()} AFTER {event} ON {table} "
                       f"REFERENCING {refs} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION hubapp_dashboard_changed_{table}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SOURCES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS hubapp_dashboard_{event} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS hubapp_dashboard_changed_{table}()")
