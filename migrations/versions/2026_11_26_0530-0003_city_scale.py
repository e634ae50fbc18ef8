"""city scale: indexes, a trigger-kept visibility table, and row-level security as index look-ups

Measured with the benchmark suite (``python -m tests.bench``) at city scale (100,000 families):

- ``hubapp_visible_family_ids()`` took 120-290 ms per statement, mostly heap visits (a sequential
  scan of ``request_for_support`` for ``decision_hub_id``). Indexes on ``(hub_id, family_id)`` of
  ``episode``, ``request_for_support`` and ``transfer_request``, ``(decision_hub_id, family_id)`` and
  ``family (hub_id, id)`` make each arm an index-only scan.
- Even so, every statement that read family data rebuilt the worker's whole visible set (families
  8-20 ms, people about 43,000 ids 25-75 ms). PostgreSQL now keeps the answer: a table
  ``hubapp_family_hub (family_id, hub_id)`` holds, for each family, the hubs it is visible to (its
  own hub and the hubs of its episodes, requests - also the deciding hub - and transfers), kept by
  definer-rights triggers on those four tables (``hubapp_family_hub_sync``: a new row adds its hubs;
  a changed or deleted one recomputes its old family, under a per-family advisory lock) and filled
  by ``hubapp_family_hub_rebuild()`` here (the benchmark's loader, which bypasses triggers, calls it
  too). Every policy on family data is now ``EXISTS`` over it: one index probe for each row read.
  Its own policy lets a worker read only the rows of their own hubs (families they see anyway); no
  application role may write it or call its functions.
- ``person`` is visible when ``EXISTS`` a visible ``family_membership`` row for it (or its creator
  or an administrator asks), and the tables under ``person`` when their person is.
- Rows that carry a hub (``request_for_support``, ``episode``, ``transfer_request``) are visible
  when that hub is one of the worker's (their family then is, by the definition of visible): the
  policy checks this first. Writes to them keep 0002's check (the family must already be visible).
- Detail tables (``request_person``, ``episode_child``, ``plan_action``, ``transfer_event``, ...)
  were visible when ``parent_id IN (SELECT id FROM parent)``, which built the parent's whole
  visible set for every statement; they now ask ``EXISTS`` on the parent's key, for the rows read.
- Search: ``LIKE`` and pg_trgm's ``%`` are not leakproof, so PostgreSQL checks a row's policy before
  applying them and cannot use their indexes under row-level security. The service now asks for
  name prefixes as ranges (``>=``, ``<``: leakproof, so indexed), and for similar names through
  ``hubapp_person_ids_named_like(name, max_rows)``, a definer-rights function that uses the trigram
  index and keeps to the people the signed-in worker may see (the rules above, applied by itself);
  the ordinary, row-secured query then reads those people.
- ``person (given_name_key)``: the search's given-name prefix had no index (both databases).

The rules themselves (who sees what) are unchanged; ``tests/unit/hubapp/services/test_security*``
and ``tests/integration`` check them, and ``tests/integration/test_security_pg.py`` the new objects.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_family_hub_id_id", "family", ["hub_id", "id"]),
    ("ix_episode_hub_family", "episode", ["hub_id", "family_id"]),
    ("ix_request_hub_family", "request_for_support", ["hub_id", "family_id"]),
    ("ix_request_decision_hub_family", "request_for_support", ["decision_hub_id", "family_id"]),
    ("ix_transfer_hub_family", "transfer_request", ["hub_id", "family_id"]),
    ("ix_person_given_name_key", "person", ["given_name_key"]),
)

ADMIN = "(SELECT hubapp_is_admin())"
MY_HUB = "hub_id = ANY ((SELECT hubapp_worker_hubs())::integer[])"
VISIBLE_0002 = f"{ADMIN} OR family_id IN (SELECT hubapp_visible_family_ids())"


def _seen(table: str, column: str = "family_id") -> str:
    """The family of ``table``'s row is visible: one index probe of ``hubapp_family_hub``, whose own
    policy keeps the worker's hubs."""
    return f'EXISTS (SELECT 1 FROM hubapp_family_hub v WHERE v.family_id = "{table}".{column})'


def _person_seen(table: str, column: str) -> str:
    """The person of ``table``'s row is visible (``person``'s policy, for just that row)."""
    return f'EXISTS (SELECT 1 FROM person parent_row WHERE parent_row.id = "{table}".{column})'


#: table -> (0002's USING, 0002's WITH CHECK or None, 0003's USING, 0003's WITH CHECK or None);
#: a missing WITH CHECK is the USING rule.
POLICIES: dict[str, tuple[str, str | None, str, str | None]] = {
    "family": (
        f"{ADMIN} OR hub_id IN (SELECT unnest(hubapp_worker_hubs())) OR id IN (SELECT hubapp_visible_family_ids())",
        None,
        f"{ADMIN} OR {MY_HUB} OR {_seen('family', 'id')}",
        None,
    ),
    "person": (
        f"{ADMIN} OR created_by_role = session_user OR id IN (SELECT person_id FROM family_membership)",
        None,
        # family_membership's own policy keeps the visible families.
        f"{ADMIN} OR created_by_role = session_user "
        "OR EXISTS (SELECT 1 FROM family_membership m WHERE m.person_id = person.id)",
        None,
    ),
    **{t: (VISIBLE_0002, None, f"{ADMIN} OR {_seen(t)}", None)
       for t in ("address", "family_membership", "consent_record", "information_share", "case_note",
                 "outcome_measurement", "sf_claim", "printed_document", "access_log")},
    # Rows that carry a hub are visible when that hub is the worker's (their family then is, by the
    # definition of visible). Writes keep 0002's check: a row may only be attached to a family
    # that is already visible.
    **{t: (VISIBLE_0002, None, f"{ADMIN} OR {MY_HUB} OR {_seen(t)}", f"{ADMIN} OR {_seen(t)}")
       for t in ("request_for_support", "episode", "transfer_request")},
    **{t: ("person_id IN (SELECT id FROM person)", None, _person_seen(t, "person_id"), None)
       for t in ("person_alias", "person_dob_history", "person_identifier")},
    "person_relationship": ("person_a_id IN (SELECT id FROM person)", None,
                            _person_seen("person_relationship", "person_a_id"), None),
}

#: Detail tables whose 0002 policy is ``<column> IN (SELECT id FROM <parent>)``: the parent's whole
#: visible set was built for every statement (a sequential scan of the parent under its own policy,
#: 25-120 ms at city scale) although the screens read details by parent id. ``EXISTS`` on the
#: parent's primary key asks the same question for just the rows read.
DETAILS: dict[str, tuple[str, str]] = {
    "request_person": ("request_id", "request_for_support"),
    "request_need": ("request_id", "request_for_support"),
    **{t: ("episode_id", "episode") for t in ("episode_child", "episode_reason", "assessment", "need",
                                               "closure", "plan", "meeting")},
    "assessment_factor": ("assessment_id", "assessment"),
    "need_person": ("need_id", "need"),
    "plan_goal": ("plan_id", "plan"),
    "plan_action": ("goal_id", "plan_goal"),
    "meeting_attendee": ("meeting_id", "meeting"),
    "goal_progress": ("meeting_id", "meeting"),
    "transfer_event": ("transfer_id", "transfer_request"),
}
POLICIES.update({
    table: (f"{column} IN (SELECT id FROM {parent})", None,
            f'EXISTS (SELECT 1 FROM "{parent}" parent_row WHERE parent_row.id = "{table}".{column})', None)
    for table, (column, parent) in DETAILS.items()
})

#: Where a family's hubs come from, and the columns the trigger on each table reads
#: (the family's key first, then the hub columns).
SOURCES: dict[str, tuple[str, ...]] = {
    "family": ("id", "hub_id"),
    "episode": ("family_id", "hub_id"),
    "request_for_support": ("family_id", "hub_id", "decision_hub_id"),
    "transfer_request": ("family_id", "hub_id"),
}
#: The first key of the transaction advisory lock that serialises changes to one family's rows
#: of ``hubapp_family_hub`` (the second key is the family's id).
LOCK_KEY = 720703

VISIBILITY_TABLE = """
        CREATE TABLE hubapp_family_hub (
            family_id integer NOT NULL REFERENCES family (id) ON DELETE CASCADE,
            hub_id integer NOT NULL REFERENCES hub (id) ON DELETE CASCADE,
            PRIMARY KEY (family_id, hub_id)
        )"""
HUBS_OF_FAMILY = """
        CREATE FUNCTION hubapp_family_hubs_of(fid integer) RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            SELECT f.hub_id FROM family f WHERE f.id = fid
            UNION SELECT e.hub_id FROM episode e WHERE e.family_id = fid
            UNION SELECT r.hub_id FROM request_for_support r WHERE r.family_id = fid
            UNION SELECT r.decision_hub_id FROM request_for_support r
                  WHERE r.family_id = fid AND r.decision_hub_id IS NOT NULL
            UNION SELECT t.hub_id FROM transfer_request t WHERE t.family_id = fid
        $$"""
REFRESH = f"""
        CREATE FUNCTION hubapp_family_hub_refresh(fid integer) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({LOCK_KEY}, fid);
            DELETE FROM hubapp_family_hub v WHERE v.family_id = fid
                AND v.hub_id NOT IN (SELECT h FROM hubapp_family_hubs_of(fid) h WHERE h IS NOT NULL);
            INSERT INTO hubapp_family_hub (family_id, hub_id)
                SELECT fid, h FROM hubapp_family_hubs_of(fid) h
                WHERE h IS NOT NULL AND EXISTS (SELECT 1 FROM family f WHERE f.id = fid)
                ON CONFLICT DO NOTHING;
        END $$"""
REBUILD = """
        CREATE FUNCTION hubapp_family_hub_rebuild() RETURNS bigint LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            n bigint;
        BEGIN
            LOCK TABLE hubapp_family_hub IN EXCLUSIVE MODE;
            DELETE FROM hubapp_family_hub;
            INSERT INTO hubapp_family_hub (family_id, hub_id)
                SELECT id, hub_id FROM family
                UNION SELECT family_id, hub_id FROM episode
                UNION SELECT family_id, hub_id FROM request_for_support
                UNION SELECT family_id, decision_hub_id FROM request_for_support WHERE decision_hub_id IS NOT NULL
                UNION SELECT family_id, hub_id FROM transfer_request;
            GET DIAGNOSTICS n = ROW_COUNT;
            RETURN n;
        END $$"""
# TG_ARGV: the family column, then the hub columns. A new row only adds; a changed or deleted one
# recomputes its old family's hubs from the sources.
SYNC = f"""
        CREATE FUNCTION hubapp_family_hub_sync() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            new_row jsonb;
            old_row jsonb;
            new_family integer;
            old_family integer;
            new_hubs integer[] := '{{}}';
            old_hubs integer[] := '{{}}';
            hub integer;
            i integer;
        BEGIN
            IF TG_OP <> 'DELETE' THEN
                new_row := to_jsonb(NEW);
                new_family := (new_row ->> TG_ARGV[0])::integer;
                FOR i IN 1 .. TG_NARGS - 1 LOOP
                    hub := (new_row ->> TG_ARGV[i])::integer;
                    IF hub IS NOT NULL THEN new_hubs := new_hubs || hub; END IF;
                END LOOP;
            END IF;
            IF TG_OP <> 'INSERT' THEN
                old_row := to_jsonb(OLD);
                old_family := (old_row ->> TG_ARGV[0])::integer;
                FOR i IN 1 .. TG_NARGS - 1 LOOP
                    hub := (old_row ->> TG_ARGV[i])::integer;
                    IF hub IS NOT NULL THEN old_hubs := old_hubs || hub; END IF;
                END LOOP;
            END IF;
            IF TG_OP = 'UPDATE' AND new_family = old_family AND new_hubs = old_hubs THEN
                RETURN NULL;
            END IF;
            IF new_family IS NOT NULL THEN
                PERFORM pg_advisory_xact_lock({LOCK_KEY}, new_family);
                INSERT INTO hubapp_family_hub (family_id, hub_id)
                    SELECT new_family, h FROM unnest(new_hubs) h ON CONFLICT DO NOTHING;
            END IF;
            IF old_family IS NOT NULL AND NOT (old_family = new_family AND old_hubs <@ new_hubs) THEN
                PERFORM hubapp_family_hub_refresh(old_family);
            END IF;
            RETURN NULL;
        END $$"""
NAME_CANDIDATES = """
        CREATE FUNCTION hubapp_person_ids_named_like(name text, max_rows integer) RETURNS SETOF integer
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            WITH me AS MATERIALIZED (
                SELECT hubapp_is_admin() AS admin, hubapp_worker_hubs() AS hubs, session_user::text AS login)
            SELECT p.id FROM person p, me
            WHERE p.search_name % name
              AND (me.admin OR p.created_by_role = me.login
                   OR EXISTS (SELECT 1 FROM family_membership m
                              JOIN hubapp_family_hub v ON v.family_id = m.family_id
                              WHERE m.person_id = p.id AND v.hub_id = ANY (me.hubs)))
            LIMIT max_rows
        $$"""

VISIBLE_FAMILIES_0002 = """
        CREATE OR REPLACE FUNCTION hubapp_visible_family_ids() RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            WITH h AS (SELECT hubapp_worker_hubs() AS hubs)
            SELECT f.id FROM family f, h WHERE f.hub_id = ANY (h.hubs)
            UNION SELECT e.family_id FROM episode e, h WHERE e.hub_id = ANY (h.hubs)
            UNION SELECT r.family_id FROM request_for_support r, h
                  WHERE r.hub_id = ANY (h.hubs) OR r.decision_hub_id = ANY (h.hubs)
            UNION SELECT t.family_id FROM transfer_request t, h WHERE t.hub_id = ANY (h.hubs)
        $$"""
# The same set, read from the visibility table.
VISIBLE_FAMILIES_0003 = """
        CREATE OR REPLACE FUNCTION hubapp_visible_family_ids() RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            SELECT DISTINCT v.family_id FROM hubapp_family_hub v
            WHERE v.hub_id = ANY ((SELECT hubapp_worker_hubs())::integer[])
        $$"""

#: Definer functions only the migration's owner (and the triggers) call.
INTERNAL_FUNCTIONS = ("hubapp_family_hub_sync()", "hubapp_family_hub_refresh(integer)",
                      "hubapp_family_hubs_of(integer)", "hubapp_family_hub_rebuild()")


def upgrade() -> None:
    _dashboard_indexes_upgrade()
    for name, table, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    app = _role_prefix() + "app"
    op.execute(VISIBILITY_TABLE)
    op.execute("CREATE INDEX ix_hubapp_family_hub_hub ON hubapp_family_hub (hub_id, family_id)")
    for ddl in (HUBS_OF_FAMILY, REFRESH, REBUILD, SYNC, NAME_CANDIDATES):
        op.execute(ddl)
    for fn in INTERNAL_FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
    op.execute("REVOKE ALL ON FUNCTION hubapp_person_ids_named_like(text, integer) FROM PUBLIC")
    op.execute(f'GRANT EXECUTE ON FUNCTION hubapp_person_ids_named_like(text, integer) TO "{app}"')
    for table, columns in SOURCES.items():
        args = ", ".join(f"'{c}'" for c in columns)
        events = "INSERT OR UPDATE OR DELETE" if table != "family" else f"INSERT OR UPDATE OF {', '.join(columns)}"
        op.execute(f'CREATE TRIGGER hubapp_family_hub AFTER {events} ON "{table}" '
                   f"FOR EACH ROW EXECUTE FUNCTION hubapp_family_hub_sync({args})")
    op.execute("SELECT hubapp_family_hub_rebuild()")
    # Workers read only their own hubs' rows (families they may see anyway) and write none:
    # the triggers above, with the owner's rights, keep the table.
    op.execute("REVOKE ALL ON hubapp_family_hub FROM PUBLIC")
    op.execute(f'GRANT SELECT ON hubapp_family_hub TO "{app}"')
    op.execute("ALTER TABLE hubapp_family_hub ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY hubapp_rows ON hubapp_family_hub USING ({ADMIN} OR {MY_HUB})")
    op.execute(VISIBLE_FAMILIES_0003)
    _policies(upgrading=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _policies(upgrading=False)
        op.execute(VISIBLE_FAMILIES_0002)
        for table in SOURCES:
            op.execute(f'DROP TRIGGER IF EXISTS hubapp_family_hub ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS hubapp_person_ids_named_like(text, integer)")
        for fn in INTERNAL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
        op.execute("DROP TABLE IF EXISTS hubapp_family_hub")
    for name, table, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    _dashboard_indexes_downgrade()


def _role_prefix() -> str:
    prefix = op.get_bind().exec_driver_sql(
        "SELECT value #>> '{}' FROM setting WHERE key = 'security.role_prefix'").scalar()
    return prefix or "hubapp_"


def _policies(*, upgrading: bool) -> None:
    for table, (old_using, old_check, new_using, new_check) in POLICIES.items():
        using, check = (new_using, new_check) if upgrading else (old_using, old_check)
        op.execute(f'DROP POLICY hubapp_rows ON "{table}"')
        with_check = f" WITH CHECK ({check})" if check else ""
        op.execute(f'CREATE POLICY hubapp_rows ON "{table}" USING ({using}){with_check}')


# ---- The coordinator's dashboard (issue 9) -----------------------------------------------------
#
# Each index serves one family of the dashboard's statements, which all read one hub's records of a
# period (hubapp/services/dashboard.py); measured with EXPLAIN ANALYZE at city scale (100,000
# families), they turn bitmap heap scans over the hub's whole history into range scans of the
# period, mostly index-only on PostgreSQL (the INCLUDE columns; SQLite has no INCLUDE and gets the
# keys). Declared on the models too (hubapp/data/models), so ``alembic check`` stays clean.

#: (name, table, key columns, INCLUDE columns (PostgreSQL), partial-index condition)
DASHBOARD_INDEXES: tuple[tuple[str, str, list[str], list[str], str | None], ...] = (
    # front door, re-referral cohort, revolving door (requests decided / received in the period)
    ("ix_request_hub_decided", "request_for_support", ["hub_id", "decided_at"],
     ["received_at", "outcome", "decided_by_id", "created_by_id"], None),
    ("ix_request_hub_received", "request_for_support", ["hub_id", "received_at"],
     ["status", "family_id", "decided_by_id", "created_by_id"], None),
    # time to allocation; open episodes (unallocated, consent, step-up rate, outcomes, revolving door)
    ("ix_episode_hub_allocated", "episode", ["hub_id", "allocated_at"],
     ["accepted_at", "team_id", "lead_worker_id"], None),
    ("ix_episode_hub_start", "episode", ["hub_id", "start_date"],
     ["end_date", "status", "end_reason", "family_id", "team_id", "lead_worker_id", "accepted_at", "allocated_at"],
     None),
    # review compliance: the reviews held, per episode and day
    ("ix_meeting_review_held", "meeting", ["episode_id", "held_on"], [],
     "status = 'HELD' AND kind = 'TAF_REVIEW'"),
    ("ix_plan_episode_review", "plan", ["episode_id"],
     ["id", "status", "started_on", "ended_on", "agreed_on", "review_interval_days"], None),
    # consent coverage: the episode's consent records (the whole city's were scanned by a merge join)
    ("ix_consent_record_episode_given", "consent_record", ["episode_id", "given_on"],
     ["agreed", "scope_engagement", "scope_sharing", "withdrawn_on", "family_id"], None),
    # step-ups sent, step-downs submitted / closed (a transfer's first move to a state)
    ("ix_transfer_event_transfer_to", "transfer_event", ["transfer_id", "to_status"], ["at"], None),
    # assessment timeliness, probed from the hub's episodes: led by (kind, authorised_at) the planner
    # read the whole city's assessments and, through row-level security, every visible episode
    ("ix_assessment_episode_kind", "assessment", ["episode_id", "kind"], ["authorised_at", "status"], None),
    # distance travelled: the scores of the period's closed episodes, index-only (family_id is what
    # row-level security reads)
    ("ix_outcome_measurement_series", "outcome_measurement",
     ["episode_id", "person_id", "tool", "area", "measured_on", "id"], ["score", "family_id"], None),
)


def _dashboard_indexes_upgrade() -> None:
    for name, table, columns, include, where in DASHBOARD_INDEXES:
        condition = {} if where is None else {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}
        op.create_index(name, table, columns, unique=False, postgresql_include=include, **condition)


def _dashboard_indexes_downgrade() -> None:
    for name, table, *_rest in reversed(DASHBOARD_INDEXES):
        op.drop_index(name, table_name=table)
