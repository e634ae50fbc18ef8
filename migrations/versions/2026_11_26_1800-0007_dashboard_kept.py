"""dashboard kept figures: each person's month figures, and the log that says when they are stale

The coordinator's dashboard (issue 9) worked every figure out from the records each time it opened:
at city scale about 1.3 s of server CPU for one hub and 12 months, and the shared server has two
cores. Most figures are made of monthly parts (a count per month, a snapshot at each month end)
and a past month rarely changes, so the dashboard now keeps those parts
(:mod:`hubapp.services._dashboard_kept`) and works out only the months that changed.

PostgreSQL only (SQLite, one PC with little data, works every figure out each time):

- ``hubapp_dashboard_cell``: one month's part of one figure for one hub, kept by the person who
  worked it out, with the snapshot (``pg_snapshot``) it was read in. Row-level security keeps each
  person to their own rows: what one person keeps is never shown to another, so nobody can change
  anyone else's figures by writing rows with psql, and what a person sees is worked out under their
  own visibility.
- ``hubapp_dashboard_change``: for each statement that changes records the figures read, the hubs
  it touched and the first month it can change (the earliest date the change moves, see
  :data:`SOURCES`), with the writing transaction's id. Written only by the definer-rights triggers
  below; readable for one's own hubs.
- A kept part is valid for a reader while no change that the reader's snapshot sees, of its hub and
  of its month or earlier, is missing from the snapshot the part was read in
  (``pg_visible_in_snapshot``; the ids and snapshots are kept as ``bigint`` and ``text``, types
  every client knows). That holds under concurrency: a change committed while a part was
  being worked out is not in its snapshot, so the part is not used once the change is visible.

Changes only ever move later months (a review counts from the day it is held; a closure changes the
re-referrals of the year after it), which is why the log keeps the first month of each change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADMIN = "(SELECT hubapp_is_admin())"
MY_HUB = "hub_id = ANY ((SELECT hubapp_worker_hubs())::integer[])"


def _day(column: str) -> str:
    """The UTC day of a timestamp column (as the dashboard counts days)."""
    return f"(({column}) AT TIME ZONE 'UTC')::date"


#: For each table the kept figures read: how a row finds its family and hub (``self``: the row has
#: ``family_id`` and ``hub_id``; ``episode`` / ``request``: through its parent), the first day a new
#: or deleted row can change (over the row's own columns, ``{r}``), and for an update, per column
#: that changed, the first day that change can move (``{o}`` the old row, ``{n}`` the new). Columns
#: not named (notes, versions, who changed it) move no figure.
SOURCES: dict[str, dict[str, object]] = {
    "episode": {
        "key": "id", "link": "self",
        "row": "least({r}.start_date, {r}.end_date, " + _day("{r}.accepted_at") + ", " + _day("{r}.allocated_at") + ")",
        "columns": {
            "start_date": "least({o}.start_date, {n}.start_date)",
            "end_date": "least({o}.end_date, {n}.end_date)",
            "accepted_at": "least(" + _day("{o}.accepted_at") + ", " + _day("{n}.accepted_at") + ")",
            "allocated_at": "least(" + _day("{o}.allocated_at") + ", " + _day("{n}.allocated_at") + ")",
            # A status counts at today's snapshot, and CLOSED from the closure on.
            "status": "least({o}.end_date, {n}.end_date, current_date)",
            "end_reason": "least({o}.end_date, {n}.end_date, current_date)",
            "hub_id": "least({o}.start_date, {n}.start_date, " + _day("{o}.accepted_at") + ")",
            "family_id": "least({o}.start_date, {n}.start_date, " + _day("{o}.accepted_at") + ")",
        },
    },
    "request_for_support": {
        "key": "id", "link": "self",
        "row": "least(" + _day("{r}.received_at") + ", " + _day("{r}.decided_at") + ")",
        "columns": {
            "received_at": "least(" + _day("{o}.received_at") + ", " + _day("{n}.received_at") + ")",
            "decided_at": "least(" + _day("{o}.decided_at") + ", " + _day("{n}.decided_at") + ")",
            **{c: "least(" + _day("{o}.received_at") + ", " + _day("{n}.received_at") + ", current_date)"
               for c in ("status", "outcome", "hub_id", "family_id", "episode_id")},
        },
    },
    "plan": {
        "key": "id", "link": "episode",
        "row": "least({r}.started_on, {r}.agreed_on, {r}.ended_on)",
        "columns": {
            **{c: f"least({{o}}.{c}, {{n}}.{c})" for c in ("started_on", "agreed_on", "ended_on")},
            **{c: "least({o}.started_on, {n}.started_on, current_date)"
               for c in ("status", "review_interval_days", "episode_id")},
        },
    },
    "meeting": {
        "key": "id", "link": "episode",
        "row": "{r}.held_on",
        "columns": {c: "least({o}.held_on, {n}.held_on)" for c in ("held_on", "status", "kind", "episode_id")},
    },
    "consent_record": {
        "key": "id", "link": "episode",
        "row": "least({r}.given_on, {r}.withdrawn_on)",
        "columns": {
            **{c: f"least({{o}}.{c}, {{n}}.{c})" for c in ("given_on", "withdrawn_on")},
            **{c: "least({o}.given_on, {n}.given_on, {o}.withdrawn_on, {n}.withdrawn_on)"
               for c in ("agreed", "scope_engagement", "scope_sharing", "episode_id")},
        },
    },
    "assessment": {
        "key": "id", "link": "episode",
        "row": "least(" + _day("{r}.authorised_at") + ", current_date)",
        "columns": {c: "least(" + _day("{o}.authorised_at") + ", " + _day("{n}.authorised_at") + ", current_date)"
                    for c in ("authorised_at", "kind", "status", "episode_id")},
    },
    # Who a request was about, and which children an episode was for (re-referrals are decided
    # child by child): the request's day, the episode's start.
    "request_person": {
        "key": None, "link": "request",
        "row": _day("p.received_at"),
        "columns": {},
    },
    "episode_child": {
        "key": None, "link": "episode",
        "row": "p.start_date",
        "columns": {},
    },
}

CHANGE_TABLE = """
    CREATE TABLE hubapp_dashboard_change (
        id bigserial PRIMARY KEY,
        hub_id integer NOT NULL,
        from_month date NOT NULL,
        txid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
        at timestamptz NOT NULL DEFAULT now()
    )"""

CELL_TABLE = """
    CREATE TABLE hubapp_dashboard_cell (
        owner text NOT NULL DEFAULT session_user,
        hub_id integer NOT NULL,
        indicator text NOT NULL,
        span text NOT NULL,
        basis text NOT NULL,
        month date NOT NULL,
        snap text NOT NULL,
        payload jsonb NOT NULL,
        kept_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, hub_id, basis, indicator, span)
    )"""

PRUNE = """
    CREATE FUNCTION hubapp_dashboard_prune() RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = public AS $$
        DELETE FROM hubapp_dashboard_change WHERE at < now() - interval '2 days'
    $$"""


def _rows(table: str, spec: dict[str, object], alias: str) -> str:
    """SELECT family_id, hub_id, day for the rows of transition table ``alias`` (new or deleted rows)."""
    day = str(spec["row"]).format(r="r")
    link = spec["link"]
    if link == "self":
        return f"SELECT r.family_id, r.hub_id, {day} AS day FROM {alias} r"
    parent, column = ("episode", "episode_id") if link == "episode" else ("request_for_support", "request_id")
    return (f"SELECT p.family_id, p.hub_id, {day} AS day FROM {alias} r "
            f"JOIN {parent} p ON p.id = r.{column}")


def _updated(table: str, spec: dict[str, object]) -> str:
    """SELECT family_id, hub_id, day for the columns an UPDATE changed, for the old and new rows."""
    columns: dict[str, str] = spec["columns"]  # type: ignore[assignment]
    key = spec["key"]
    if not columns or key is None:  # no update moves a figure: the rows are replaced instead
        return "SELECT NULL::integer, NULL::integer, NULL::date WHERE false"
    cases = ", ".join(f"(CASE WHEN o.{c} IS DISTINCT FROM n.{c} THEN {day.format(o='o', n='n')} END)"
                      for c, day in columns.items())
    changed = f"SELECT o, n, v.day FROM old_rows o JOIN new_rows n USING ({key}) CROSS JOIN LATERAL (VALUES {cases}) v(day)"
    if spec["link"] == "self":
        side = "SELECT (c.{s}).family_id, (c.{s}).hub_id, c.day FROM changed c"
    else:
        side = ("SELECT p.family_id, p.hub_id, c.day FROM changed c "
                "JOIN episode p ON p.id = (c.{s}).episode_id")
    return (f"WITH changed AS ({changed} WHERE v.day IS NOT NULL) "
            f"{side.format(s='o')} UNION ALL {side.format(s='n')}")


def _trigger_function(table: str, spec: dict[str, object]) -> str:
    log = ("INSERT INTO hubapp_dashboard_change (hub_id, from_month) "
           "SELECT hub, date_trunc('month', min(day))::date FROM ("
           " SELECT x.hub_id AS hub, x.day FROM touched x WHERE x.hub_id IS NOT NULL"
           " UNION ALL SELECT v.hub_id, x.day FROM touched x JOIN hubapp_family_hub v ON v.family_id = x.family_id"
           ") h WHERE day IS NOT NULL GROUP BY hub")
    return f"""
    CREATE FUNCTION hubapp_dashboard_changed_{table}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            WITH touched AS ({_rows(table, spec, 'new_rows')}) {log};
        ELSIF TG_OP = 'DELETE' THEN
            WITH touched AS ({_rows(table, spec, 'old_rows')}) {log};
        ELSE
            WITH touched AS ({_updated(table, spec)}) {log};
        END IF;
        RETURN NULL;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    app = _role_prefix() + "app"
    op.execute(CHANGE_TABLE)
    op.execute("CREATE INDEX ix_hubapp_dashboard_change_hub ON hubapp_dashboard_change (hub_id, from_month)")
    op.execute(CELL_TABLE)
    for table in ("hubapp_dashboard_change", "hubapp_dashboard_cell"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY hubapp_rows ON hubapp_dashboard_change USING ({ADMIN} OR {MY_HUB})")
    op.execute("CREATE POLICY hubapp_rows ON hubapp_dashboard_cell USING (owner = session_user::text) "
               "WITH CHECK (owner = session_user::text)")
    op.execute(f'GRANT SELECT ON hubapp_dashboard_change TO "{app}"')
    op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON hubapp_dashboard_cell TO "{app}"')
    op.execute(PRUNE)
    op.execute("REVOKE ALL ON FUNCTION hubapp_dashboard_prune() FROM PUBLIC")
    op.execute(f'GRANT EXECUTE ON FUNCTION hubapp_dashboard_prune() TO "{app}"')
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
    op.execute("DROP FUNCTION IF EXISTS hubapp_dashboard_prune()")
    op.execute("DROP TABLE IF EXISTS hubapp_dashboard_cell")
    op.execute("DROP TABLE IF EXISTS hubapp_dashboard_change")


def _role_prefix() -> str:
    prefix = op.get_bind().exec_driver_sql(
        "SELECT value #>> '{}' FROM setting WHERE key = 'security.role_prefix'").scalar()
    return prefix or "hubapp_"
