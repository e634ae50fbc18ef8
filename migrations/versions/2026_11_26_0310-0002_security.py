"""security: group roles and grants, row-level security by hub, and the audit triggers

On PostgreSQL this revision makes the database itself enforce who sees and changes what, so the
rules hold for anyone holding a worker's credentials, through hubapp or through psql:

- group roles ``<prefix>hub_worker``, ``<prefix>family_support_worker``, ``<prefix>coordinator``
  and ``<prefix>hub_admin`` (members of a base role ``<prefix>app``) with least-privilege grants;
  the prefix is ``hubapp_`` unless ``HUBAPP_ROLE_PREFIX`` says otherwise (roles are cluster-wide,
  so test runs use their own), and it is recorded in ``setting`` as ``security.role_prefix``;
- row-level security on every table of family data: a login sees the families of the hubs its
  worker belongs to, and families with an episode, request or transfer at those hubs;
  administrators see everything;
- an audit trigger on every table that writes an append-only ``audit_event`` row (table, key,
  action, old and new values, ``session_user``, time, transaction); no application role may
  update, delete or truncate audit rows, and a trigger refuses it even to others.

On SQLite only the ``person.created_by_role`` column is added; the application writes the audit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 03:10:00
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("hub_worker", "family_support_worker", "coordinator", "hub_admin")

REFERENCE = ("hub", "team", "worker", "worker_role", "worker_hub", "agency", "code_list_item",
             "holiday_override", "setting")
FRONT_DOOR = ("family", "person", "person_alias", "person_dob_history", "person_identifier",
              "person_relationship", "family_membership", "address", "request_for_support",
              "request_person", "request_need", "consent_record", "information_share", "episode",
              "episode_child")
CASEWORK = ("episode_reason", "assessment", "assessment_factor", "need", "need_person", "closure",
            "case_note", "outcome_measurement", "sf_claim", "plan", "plan_goal", "plan_action",
            "meeting", "meeting_attendee", "goal_progress", "transfer_request", "transfer_event",
            "printed_document")
# Link and detail rows the services replace wholesale when a form is saved.
DELETABLE = ("request_person", "request_need", "episode_child", "episode_reason", "assessment_factor",
             "need_person", "plan_goal", "plan_action", "meeting_attendee", "goal_progress",
             "outcome_measurement", "person_alias", "person_identifier")

VISIBLE = "(SELECT hubapp_is_admin()) OR family_id IN (SELECT hubapp_visible_family_ids())"
# table -> the row filter; tables not named directly filter through their parent, whose own
# policy then applies (policies run with the caller's rights).
POLICIES: dict[str, str] = {
    "family": "(SELECT hubapp_is_admin()) OR hub_id IN (SELECT unnest(hubapp_worker_hubs())) "
              "OR id IN (SELECT hubapp_visible_family_ids())",
    "person": "(SELECT hubapp_is_admin()) OR created_by_role = session_user "
              "OR id IN (SELECT person_id FROM family_membership)",
    **{t: VISIBLE for t in ("address", "family_membership", "request_for_support", "consent_record",
                            "information_share", "episode", "case_note", "outcome_measurement",
                            "sf_claim", "printed_document", "transfer_request", "access_log")},
    **{t: "person_id IN (SELECT id FROM person)" for t in ("person_alias", "person_dob_history",
                                                           "person_identifier")},
    "person_relationship": "person_a_id IN (SELECT id FROM person)",
    "request_person": "request_id IN (SELECT id FROM request_for_support)",
    "request_need": "request_id IN (SELECT id FROM request_for_support)",
    **{t: "episode_id IN (SELECT id FROM episode)" for t in ("episode_child", "episode_reason",
                                                             "assessment", "need", "closure", "plan",
                                                             "meeting")},
    "assessment_factor": "assessment_id IN (SELECT id FROM assessment)",
    "need_person": "need_id IN (SELECT id FROM need)",
    "plan_goal": "plan_id IN (SELECT id FROM plan)",
    "plan_action": "goal_id IN (SELECT id FROM plan_goal)",
    "meeting_attendee": "meeting_id IN (SELECT id FROM meeting)",
    "goal_progress": "meeting_id IN (SELECT id FROM meeting)",
    "transfer_event": "transfer_id IN (SELECT id FROM transfer_request)",
}

NOT_AUDITED = {"audit_event", "access_log", "alembic_version"}


def role_prefix() -> str:
    """The prefix of the group roles (``hubapp_`` unless ``HUBAPP_ROLE_PREFIX`` is set)."""
    prefix = os.environ.get("HUBAPP_ROLE_PREFIX", "hubapp_")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", prefix):
        raise ValueError(f"HUBAPP_ROLE_PREFIX {prefix!r} must be lower-case letters, digits and _")
    return prefix


def _primary_keys(bind: sa.engine.Connection) -> dict[str, list[str]]:
    inspector = sa.inspect(bind)
    return {t: inspector.get_pk_constraint(t)["constrained_columns"] for t in inspector.get_table_names()}


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_role", sa.String(length=63), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    p = role_prefix()
    app = f"{p}app"
    for role in (app, *(p + g for g in GROUPS)):
        op.execute(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE "{role}" NOLOGIN;
            END IF; END $$""")
    for g in GROUPS:
        op.execute(f'GRANT "{app}" TO "{p}{g}"')
    op.execute(sa.text("INSERT INTO setting (key, value, updated_at) VALUES ('security.role_prefix', "
                       "to_jsonb(CAST(:p AS text)), now())").bindparams(p=p))

    # ---- Who is connected, and which families they may see (definer rights: no recursion).
    op.execute("""
        CREATE FUNCTION hubapp_is_admin() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = public AS $$
            SELECT EXISTS (SELECT 1 FROM worker w JOIN worker_role r ON r.worker_id = w.id
                           WHERE w.username = session_user AND w.active AND r.role = 'hub_admin')
        $$""")
    op.execute("""
        CREATE FUNCTION hubapp_worker_hubs() RETURNS integer[] LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = public AS $$
            SELECT coalesce(array_agg(wh.hub_id), '{}') FROM worker w
            JOIN worker_hub wh ON wh.worker_id = w.id
            WHERE w.username = session_user AND w.active
        $$""")
    op.execute("""
        CREATE FUNCTION hubapp_visible_family_ids() RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            WITH h AS (SELECT hubapp_worker_hubs() AS hubs)
            SELECT f.id FROM family f, h WHERE f.hub_id = ANY (h.hubs)
            UNION SELECT e.family_id FROM episode e, h WHERE e.hub_id = ANY (h.hubs)
            UNION SELECT r.family_id FROM request_for_support r, h
                  WHERE r.hub_id = ANY (h.hubs) OR r.decision_hub_id = ANY (h.hubs)
            UNION SELECT t.family_id FROM transfer_request t, h WHERE t.hub_id = ANY (h.hubs)
        $$""")
    for fn in ("hubapp_is_admin()", "hubapp_worker_hubs()", "hubapp_visible_family_ids()"):
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f'GRANT EXECUTE ON FUNCTION {fn} TO "{app}"')

    # ---- Grants: least privilege per group.
    op.execute(f'GRANT USAGE ON SCHEMA public TO "{app}"')
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"')
    for t in (*REFERENCE, *FRONT_DOOR, *CASEWORK):
        op.execute(f'GRANT SELECT ON "{t}" TO "{app}"')
    op.execute(f'GRANT SELECT, INSERT ON access_log TO "{app}"')
    # Every client checks the schema version before it opens the database.
    op.execute(f'GRANT SELECT ON alembic_version TO "{app}"')
    for t in FRONT_DOOR:
        op.execute(f'GRANT INSERT, UPDATE ON "{t}" TO "{app}"')
    for g in ("family_support_worker", "coordinator", "hub_admin"):
        for t in CASEWORK:
            op.execute(f'GRANT INSERT, UPDATE ON "{t}" TO "{p}{g}"')
    for t in DELETABLE:
        groups = ("hub_worker", "family_support_worker", "coordinator", "hub_admin") if t in FRONT_DOOR \
            else ("family_support_worker", "coordinator", "hub_admin")
        for g in groups:
            op.execute(f'GRANT DELETE ON "{t}" TO "{p}{g}"')
    for t in REFERENCE:
        op.execute(f'GRANT INSERT, UPDATE, DELETE ON "{t}" TO "{p}hub_admin"')
    for g in ("coordinator", "hub_admin"):
        op.execute(f'GRANT SELECT ON audit_event TO "{p}{g}"')
    op.execute("REVOKE ALL ON audit_event FROM PUBLIC")

    # ---- Row-level security.
    for table, rule in POLICIES.items():
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY hubapp_rows ON "{table}" USING ({rule})')
    # A new person belongs to nobody yet; the trigger below stamps who created them.
    op.execute('DROP POLICY hubapp_rows ON person')
    op.execute(f"CREATE POLICY hubapp_rows ON person USING ({POLICIES['person']}) "
               "WITH CHECK ((SELECT hubapp_is_admin()) OR created_by_role = session_user "
               "OR id IN (SELECT person_id FROM family_membership))")
    op.execute('DROP POLICY hubapp_rows ON family')
    op.execute(f"CREATE POLICY hubapp_rows ON family USING ({POLICIES['family']}) "
               "WITH CHECK ((SELECT hubapp_is_admin()) OR hub_id IN (SELECT unnest(hubapp_worker_hubs())) "
               "OR id IN (SELECT hubapp_visible_family_ids()))")
    op.execute("""
        CREATE FUNCTION hubapp_stamp_creator() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                NEW.created_by_role := session_user;
            ELSE
                NEW.created_by_role := OLD.created_by_role;
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER hubapp_stamp_creator BEFORE INSERT OR UPDATE ON person "
               "FOR EACH ROW EXECUTE FUNCTION hubapp_stamp_creator()")

    # ---- Audit: every write, whoever makes it.
    op.execute("""
        CREATE FUNCTION hubapp_audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = public AS $$
        DECLARE
            old_row jsonb;
            new_row jsonb;
            row_json jsonb;
            key_text text := '';
            i integer;
        BEGIN
            IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
            IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
            row_json := coalesce(new_row, old_row);
            FOR i IN 0 .. TG_NARGS - 1 LOOP
                key_text := key_text || CASE WHEN i > 0 THEN ',' ELSE '' END
                            || coalesce(row_json ->> TG_ARGV[i], '');
            END LOOP;
            INSERT INTO audit_event (at, db_user, action, table_name, row_key, old_data, new_data, tx_id)
            VALUES (now(), session_user, TG_OP, TG_TABLE_NAME, key_text, old_row, new_row,
                    txid_current());
            RETURN NULL;
        END $$""")
    op.execute("REVOKE ALL ON FUNCTION hubapp_audit() FROM PUBLIC")
    for table, keys in _primary_keys(bind).items():
        if table in NOT_AUDITED:
            continue
        args = ", ".join(f"'{k}'" for k in keys)
        op.execute(f'CREATE TRIGGER hubapp_audit AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                   f"FOR EACH ROW EXECUTE FUNCTION hubapp_audit({args})")
    op.execute("""
        CREATE FUNCTION hubapp_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit rows cannot be changed or deleted (%, by %)', TG_OP, session_user
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER hubapp_audit_append_only BEFORE UPDATE OR DELETE ON audit_event "
               "FOR EACH ROW EXECUTE FUNCTION hubapp_audit_is_append_only()")
    op.execute("CREATE TRIGGER hubapp_audit_no_truncate BEFORE TRUNCATE ON audit_event "
               "FOR EACH STATEMENT EXECUTE FUNCTION hubapp_audit_is_append_only()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        p = role_prefix()
        op.execute("DROP TRIGGER IF EXISTS hubapp_audit_append_only ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS hubapp_audit_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS hubapp_audit_is_append_only()")
        for table in _primary_keys(bind):
            if table not in NOT_AUDITED:
                op.execute(f'DROP TRIGGER IF EXISTS hubapp_audit ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS hubapp_audit()")
        op.execute("DROP TRIGGER IF EXISTS hubapp_stamp_creator ON person")
        op.execute("DROP FUNCTION IF EXISTS hubapp_stamp_creator()")
        for table in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS hubapp_rows ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
        for fn in ("hubapp_visible_family_ids()", "hubapp_worker_hubs()", "hubapp_is_admin()"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
        for role in (*(p + g for g in GROUPS), f"{p}app"):
            # Roles are shared by every database of the cluster: revoke here, drop if unused.
            op.execute(f"""DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                    EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"';
                    EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"';
                    EXECUTE 'REVOKE ALL ON SCHEMA public FROM "{role}"';
                    BEGIN
                        EXECUTE 'DROP ROLE "{role}"';
                    EXCEPTION WHEN dependent_objects_still_exist OR object_in_use THEN
                        NULL;
                    END;
                END IF; END $$""")
        op.execute("DELETE FROM setting WHERE key = 'security.role_prefix'")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("created_by_role")
