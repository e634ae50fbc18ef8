"""city scale: indexes for row-level security and search, and cheaper row-level security policies

Measured with the benchmark suite (``python -m tests.bench``) at city scale (100,000 families):

- ``hubapp_visible_family_ids()`` took 120-290 ms per statement, mostly heap visits (a sequential
  scan of ``request_for_support`` for ``decision_hub_id``). Indexes on ``(hub_id, family_id)`` of
  ``episode``, ``request_for_support`` and ``transfer_request``, ``(decision_hub_id, family_id)`` and
  ``family (hub_id, id)`` make each arm an index-only scan.
- The ``person`` policy ``id IN (SELECT person_id FROM family_membership)`` became a plain
  (unhashed) subplan over the row-level-secured ``family_membership``, rescanned for every person:
  a search as a coordinator ran for minutes. It now asks a definer-rights set function for the ids
  of people in visible families, which PostgreSQL hashes once per statement; the policies of the
  tables under ``person`` use the same set instead of scanning ``person`` again.
- Rows that carry a hub (``request_for_support``, ``episode``, ``transfer_request``) are visible
  when that hub is one of the worker's (their family then is, by the definition of visible): the
  policy checks this first, so the set of visible families is only built for other hubs' rows.
  Writes to them keep 0002's check (the family must already be visible).
- Detail tables (``request_person``, ``episode_child``, ``plan_action``, ``transfer_event``, ...)
  were visible when ``parent_id IN (SELECT id FROM parent)``, which built the parent's whole
  visible set for every statement; they now ask ``EXISTS`` on the parent's key, for the rows read.
- ``person (given_name_key)``: the search's given-name prefix had no index (both databases).

The rules themselves (who sees what) are unchanged; ``tests/unit/hubapp/services/test_security*``
and ``tests/integration`` check them.

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
VISIBLE = f"{ADMIN} OR family_id IN (SELECT hubapp_visible_family_ids())"
MY_HUB = "hub_id = ANY ((SELECT hubapp_worker_hubs())::integer[])"
PEOPLE = "person_id IN (SELECT hubapp_visible_person_ids())"
#: table -> (policy of 0002, policy of 0003)
POLICIES: dict[str, tuple[str, str]] = {
    "person": (
        f"{ADMIN} OR created_by_role = session_user OR id IN (SELECT person_id FROM family_membership)",
        f"{ADMIN} OR created_by_role = session_user OR id IN (SELECT hubapp_visible_person_ids())",
    ),
    **{t: ("person_id IN (SELECT id FROM person)",
           f"{ADMIN} OR {PEOPLE} OR person_id IN (SELECT id FROM person WHERE created_by_role = session_user)")
       for t in ("person_alias", "person_dob_history", "person_identifier")},
    "person_relationship": (
        "person_a_id IN (SELECT id FROM person)",
        f"{ADMIN} OR person_a_id IN (SELECT hubapp_visible_person_ids()) "
        "OR person_a_id IN (SELECT id FROM person WHERE created_by_role = session_user)",
    ),
    **{t: (VISIBLE, f"{ADMIN} OR {MY_HUB} OR family_id IN (SELECT hubapp_visible_family_ids())")
       for t in ("request_for_support", "episode", "transfer_request")},
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
    table: (f"{column} IN (SELECT id FROM {parent})",
            f'EXISTS (SELECT 1 FROM "{parent}" parent_row WHERE parent_row.id = "{table}".{column})')
    for table, (column, parent) in DETAILS.items()
})

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
# One index-only scan per arm (the indexes above); the hubs are read once.
VISIBLE_FAMILIES_0003 = """
        CREATE OR REPLACE FUNCTION hubapp_visible_family_ids() RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            WITH h AS MATERIALIZED (SELECT hubapp_worker_hubs() AS hubs)
            SELECT f.id FROM family f WHERE f.hub_id = ANY ((SELECT hubs FROM h)::integer[])
            UNION SELECT e.family_id FROM episode e WHERE e.hub_id = ANY ((SELECT hubs FROM h)::integer[])
            UNION SELECT r.family_id FROM request_for_support r WHERE r.hub_id = ANY ((SELECT hubs FROM h)::integer[])
            UNION SELECT r.family_id FROM request_for_support r
                  WHERE r.decision_hub_id = ANY ((SELECT hubs FROM h)::integer[])
            UNION SELECT t.family_id FROM transfer_request t WHERE t.hub_id = ANY ((SELECT hubs FROM h)::integer[])
        $$"""
VISIBLE_PEOPLE = """
        CREATE FUNCTION hubapp_visible_person_ids() RETURNS SETOF integer LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public AS $$
            SELECT m.person_id FROM family_membership m WHERE (SELECT hubapp_is_admin())
            UNION ALL
            SELECT m.person_id FROM hubapp_visible_family_ids() v(id)
            JOIN family_membership m ON m.family_id = v.id WHERE NOT (SELECT hubapp_is_admin())
        $$"""


def upgrade() -> None:
    _dashboard_indexes_upgrade()
    for name, table, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE_FAMILIES_0003)
    op.execute(VISIBLE_PEOPLE)
    op.execute("REVOKE ALL ON FUNCTION hubapp_visible_person_ids() FROM PUBLIC")
    app = op.get_bind().exec_driver_sql(
        "SELECT value #>> '{}' FROM setting WHERE key = 'security.role_prefix'").scalar() or "hubapp_"
    op.execute(f'GRANT EXECUTE ON FUNCTION hubapp_visible_person_ids() TO "{app}app"')
    _policies(1)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _policies(0)
        op.execute("DROP FUNCTION IF EXISTS hubapp_visible_person_ids()")
        op.execute(VISIBLE_FAMILIES_0002)
    for name, table, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    _dashboard_indexes_downgrade()


def _policies(which: int) -> None:
    for table, rules in POLICIES.items():
        op.execute(f'DROP POLICY hubapp_rows ON "{table}"')
        check = ""
        if table in ("request_for_support", "episode", "transfer_request"):
            # Writes are checked as in 0002: a row may only be attached to a family already visible.
            check = f" WITH CHECK ({VISIBLE})"
        elif table == "person":  # as 0002: a new person belongs to nobody yet; the trigger stamps its creator
            check = f" WITH CHECK ({rules[which]})" if which else (
                " WITH CHECK ((SELECT hubapp_is_admin()) OR created_by_role = session_user "
                "OR id IN (SELECT person_id FROM family_membership))")
        op.execute(f'CREATE POLICY hubapp_rows ON "{table}" USING ({rules[which]}){check}')


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
