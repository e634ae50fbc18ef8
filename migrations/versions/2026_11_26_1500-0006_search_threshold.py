"""search threshold: similar names through pg_trgm at a similarity of 0.4, not 0.3

``hubapp_person_ids_named_like`` (0003) finds people whose whole name is like the name searched,
for misspellings that name prefixes, sound-alike codes and one-edit variants do not catch. At
pg_trgm's default threshold (0.3) a common two-word name is "like" thousands of people at city
scale (``python -m tests.bench``: 1,976 for "keisha kemp", 2,900 for "aisha ali"), mostly people who
share only the given name or only the family name; the search finds those by index anyway, and
scores them low. Each match is checked against the heap and then for visibility, which made the
function 50-80 ms of a search's 100.

At 0.4 the same searches match a quarter as many people and the function takes 20-30 ms. Over 80
searches of real names from the city data set as a coordinator (30 exact, 30 with a misspelt family
name, 20 with both names misspelt), the top hits were the same at both thresholds; 4-8 of the 80
lost or gained a weak hit scored 70-78 at the tail of the list.

The threshold is a setting of the function alone (``SET`` on the function), so it does not leak
into the rest of the transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: pg_trgm's similarity for a name to count as like the one searched (its default is 0.3).
SIMILARITY = "0.4"

BODY = """
        WITH me AS MATERIALIZED (
            SELECT hubapp_is_admin() AS admin, hubapp_worker_hubs() AS hubs, session_user::text AS login)
        SELECT p.id FROM person p, me
        WHERE p.search_name % name
          AND (me.admin OR p.created_by_role = me.login
               OR EXISTS (SELECT 1 FROM family_membership m
                          JOIN hubapp_family_hub v ON v.family_id = m.family_id
                          WHERE m.person_id = p.id AND v.hub_id = ANY (me.hubs)))
        LIMIT max_rows
"""


def _define(settings: str) -> str:
    # CREATE OR REPLACE keeps the owner and the grants (EXECUTE for the app group only).
    return f"""
        CREATE OR REPLACE FUNCTION hubapp_person_ids_named_like(name text, max_rows integer) RETURNS SETOF integer
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public{settings} AS $${BODY}$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_define(f" SET pg_trgm.similarity_threshold = {SIMILARITY}"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION hubapp_person_ids_named_like(text, integer) RESET pg_trgm.similarity_threshold")
