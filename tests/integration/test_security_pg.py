"""Security that holds in the database, tested with real PostgreSQL login roles.

Each worker connects with their own credentials, through the services and through raw SQL (what
someone with ``psql`` could do): row-level security keeps hubs apart, the audit trigger records
every write under the login's name, and nobody can alter the audit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from hubapp.data.db import Database
from hubapp.data.models import AuditEvent, Family, Hub
from hubapp.data.uow import UnitOfWork
from hubapp.domain.dto import DecisionInput
from hubapp.domain.errors import NotFound, PermissionDenied, SignInFailed
from hubapp.services import admin, families, referrals, search
from hubapp.services.session import Backend
from tests.conftest import ROLE_PREFIX
from tests.unit.hubapp.services._world import child, consent, household, parent, request

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery"


@dataclass
class Org:
    """Two hubs, a family in each, and four users with their own login roles."""

    url: str
    db: Database
    suffix: str
    hub_a: int
    hub_b: int
    family_a: int
    family_b: int

    def user(self, name: str) -> str:
        # Login roles are cluster-wide: each test gets its own, so one test disabling "bob"
        # cannot affect another.
        return f"{ROLE_PREFIX}{name}_{self.suffix}"

    def url_for(self, name: str) -> str:
        return make_url(self.url).set(username=self.user(name), password=PASSWORD).render_as_string(
            hide_password=False)

    def raw(self, name: str) -> psycopg.Connection:
        u = make_url(self.url_for(name))
        return psycopg.connect(host=u.host, port=u.port, dbname=u.database, user=u.username,
                               password=PASSWORD, autocommit=True)

    def backend(self, name: str) -> Backend:
        backend = Backend(self.url_for(name))
        backend.prepare()
        backend.sign_in()
        return backend


@pytest.fixture
def org(pg_url: str) -> Iterator[Org]:
    db = Database(pg_url)
    owner = lambda: UnitOfWork(db)  # noqa: E731 - the database owner, as an administrator is
    admin.add_hub(owner(), "NORTH", "North Hub")
    admin.add_hub(owner(), "SOUTH", "South Hub")
    suffix = uuid.uuid4().hex[:6]
    u = ROLE_PREFIX
    admin.add_user(owner(), f"{u}alice_{suffix}", "Alice Hubworker", ["hub_worker"], ["NORTH"], PASSWORD)
    admin.add_user(owner(), f"{u}bob_{suffix}", "Bob Familysupport", ["family_support_worker"], ["SOUTH"], PASSWORD)
    admin.add_user(owner(), f"{u}carol_{suffix}", "Carol Coordinator", ["coordinator"], ["NORTH"], PASSWORD)
    admin.add_user(owner(), f"{u}dora_{suffix}", "Dora Admin", ["hub_admin"], [], PASSWORD)
    with UnitOfWork(db) as uow:
        ids = {h.code: h.id for h in uow.session.scalars(select(Hub))}
    fa = families.create_family(owner(), household(ids["NORTH"], parent("Nadia", "Northfield"),
                                                   child("Noah", "Northfield")))
    fb = families.create_family(owner(), household(ids["SOUTH"], parent("Sara", "Southall"),
                                                   child("Sami", "Southall"), postcode="B30 2AA"))
    yield Org(pg_url, db, suffix, ids["NORTH"], ids["SOUTH"], fa.id, fb.id)
    db.dispose()


def test_a_worker_sees_only_their_hubs_through_raw_sql(org: Org) -> None:
    with org.raw("alice") as conn:
        families_seen = conn.execute("SELECT id, hub_id FROM family ORDER BY id").fetchall()
        assert families_seen == [(org.family_a, org.hub_a)]
        assert conn.execute("SELECT count(*) FROM family WHERE hub_id = %s", (org.hub_b,)).fetchone() == (0,)
        people = {r[0] for r in conn.execute("SELECT family_name FROM person")}
        assert people == {"Northfield"}
        assert conn.execute("SELECT count(*) FROM address").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM family_membership").fetchone() == (2,)
    with org.raw("bob") as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM family")] == [org.family_b]
    with org.raw("dora") as conn:  # administrators see everything
        assert conn.execute("SELECT count(*) FROM family").fetchone() == (2,)


def test_services_as_a_worker_are_held_to_their_hubs(org: Org) -> None:
    alice = org.backend("alice")
    assert {h.family_name for h in search.quick_search(alice.uow(), "Southall")} == set()
    assert {h.family_name for h in search.quick_search(alice.uow(), "Northfield")} == {"Northfield"}
    with pytest.raises(NotFound):
        families.get_family(alice.uow(), org.family_b)
    with pytest.raises(PermissionDenied):
        families.create_family(alice.uow(), household(org.hub_b, parent("Eve", "Elsewhere")))
    with UnitOfWork(org.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Family)) == 2  # nothing half-written
    alice.close()


def test_the_front_door_works_end_to_end_under_row_security(org: Org) -> None:
    alice = org.backend("alice")
    logged = referrals.log_request(alice.uow(), request(org.hub_a, new_family=household(
        org.hub_a, parent("Zoë", "Ní Bhriain"), child("Siobhán", "Ní Bhriain")), consent=consent()))
    decided = referrals.decide_request(alice.uow(), DecisionInput(
        request_id=logged.id, expected_version=logged.version, outcome="ACCEPT_EH", rationale="Agreed"))
    assert decided.episode_id is not None
    assert families.get_family(alice.uow(), logged.family_id).open_episode_id == decided.episode_id
    with org.raw("bob") as conn:
        assert conn.execute("SELECT count(*) FROM request_for_support").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM person WHERE family_name = 'Ní Bhriain'").fetchone() == (0,)
    alice.close()


def test_a_psql_change_is_audited_under_the_workers_name(org: Org) -> None:
    with org.raw("alice") as conn:
        conn.execute("UPDATE family SET name = 'Northfield-Khan family' WHERE id = %s", (org.family_a,))
        # Hub B's row is invisible, so an update aimed at it touches nothing.
        result = conn.execute("UPDATE family SET name = 'hacked' WHERE id = %s", (org.family_b,))
        assert result.rowcount == 0
    with UnitOfWork(org.db) as uow:
        rows = uow.session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "family", AuditEvent.action == "UPDATE",
            AuditEvent.db_user != "postgres")).all()
        assert len(rows) == 1
        event = rows[0]
        assert event.db_user == org.user("alice")
        assert event.row_key == str(org.family_a)
        assert event.old_data["name"] == "Northfield family"  # type: ignore[index]
        assert event.new_data["name"] == "Northfield-Khan family"  # type: ignore[index]
        assert event.tx_id


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dora"])
@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET db_user = 'nobody'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
])
def test_no_application_role_can_change_the_audit(org: Org, who: str, statement: str) -> None:
    with org.raw(who) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_even_the_owner_cannot_rewrite_audit_rows(org: Org) -> None:
    with org.db.engine.connect() as conn:
        with pytest.raises(Exception, match="audit rows cannot be changed"):
            conn.exec_driver_sql("DELETE FROM audit_event")


def test_a_disabled_user_cannot_sign_in(org: Org) -> None:
    lines = admin.disable_user(UnitOfWork(org.db), org.user("bob"))
    assert any("can no longer sign in" in line for line in lines)
    assert admin.disable_user(UnitOfWork(org.db), org.user("bob")) == [f"user {org.user('bob')} is already disabled"]
    with pytest.raises(SignInFailed) as caught:
        org.backend("bob")
    assert "disabled" in str(caught.value)


def test_moving_a_user_moves_what_they_see(org: Org) -> None:
    admin.move_user(UnitOfWork(org.db), org.user("alice"), "NORTH", "SOUTH")
    with org.raw("alice") as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM family")] == [org.family_b]


def test_provisioning_is_idempotent(org: Org) -> None:
    again = admin.add_user(UnitOfWork(org.db), org.user("alice"), "Alice Hubworker", ["hub_worker"], ["NORTH"])
    assert again == [f"user {org.user('alice')} already set up; nothing to do"]
    assert admin.add_hub(UnitOfWork(org.db), "NORTH", "North Hub") == ["hub NORTH already exists"]


@pytest.mark.parametrize("text", ["'; DROP TABLE family; --", "%", "_", "Smith%", "\\", "O'Brien", "a' OR '1'='1"])
def test_search_input_is_only_ever_text(org: Org, text: str) -> None:
    dora = org.backend("dora")
    assert search.quick_search(dora.uow(), text) == ()
    with org.raw("dora") as conn:
        assert conn.execute("SELECT count(*) FROM family").fetchone() == (2,)
    dora.close()


def test_admin_command_line_provisions_and_says_what_it_did(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from hubapp.cli import main

    assert main(["--url", pg_url, "hub", "add", "EAST", "East Hub"]) == 0
    assert "created hub EAST" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    name = ROLE_PREFIX + "erin"
    assert main(["--url", pg_url, "user", "add", name, "--name", "Erin East", "--role", "hub_worker",
                 "--hub", "EAST", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert f"created login role {name}" in out and f"granted {ROLE_PREFIX}hub_worker to {name}" in out
    assert main(["--url", pg_url, "user", "add", name, "--role", "hub_worker", "--hub", "EAST"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["--url", pg_url, "user", "add", "Bad Name!", "--role", "hub_worker"]) == 2
    assert "User name must start with a letter" in capsys.readouterr().err
    assert main(["--url", pg_url, "user", "move", name, "--from", "EAST", "--to", "NOWHERE"]) == 2
    assert "No hub with id NOWHERE" in capsys.readouterr().err
    assert main(["--url", pg_url, "user", "disable", name]) == 0
    assert "can no longer sign in" in capsys.readouterr().out


def test_looks_are_logged_and_the_chronology_is_held_to_the_hub(org: Org) -> None:
    from hubapp.services import chronology

    alice, bob = org.backend("alice"), org.backend("bob")
    families.get_family(alice.uow(), org.family_a)
    rows = chronology.access_history(alice.uow(), org.family_a)
    assert [(r.action, r.who) for r in rows] == [("VIEW", "Alice Hubworker")]
    with pytest.raises(NotFound):
        chronology.family_chronology(bob.uow(), org.family_a)
    with pytest.raises(NotFound):
        chronology.access_history(bob.uow(), org.family_a)
    with org.raw("bob") as conn:
        assert conn.execute("SELECT count(*) FROM access_log").fetchone() == (0,)
    alice.close()
    bob.close()


# ---- The visibility table and the definer-rights name search of migration 0003 -----------------


# ---- Who is signed in: the policy functions of migration 0004 -------------------------------------


def test_the_policy_functions_answer_for_the_login_that_asks(org: Org) -> None:
    expected = {"alice": ([org.hub_a], False), "bob": ([org.hub_b], False), "dora": ([], True)}
    for who, (hubs, is_admin) in expected.items():
        with org.raw(who) as conn:
            assert conn.execute("SELECT hubapp_worker_hubs(), hubapp_is_admin()").fetchone() == (hubs, is_admin)


def test_the_policy_functions_find_the_login_by_index_not_by_scanning_workers(org: Org) -> None:
    """Every row-secured statement runs them (an init plan per table read): a scan of ``worker``
    per call cost 1-1.5 ms at city scale. The table's own statistics tell whether they scan it."""
    with org.raw("alice") as conn:
        if conn.info.server_version < 150000:
            pytest.skip("pg_stat_force_next_flush() needs PostgreSQL 15")

        def scans() -> tuple[int, int]:
            conn.execute("SELECT pg_stat_clear_snapshot()")
            return conn.execute("SELECT coalesce(seq_scan, 0), coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                                "WHERE relname = 'worker'").fetchone()

        conn.execute("SELECT pg_stat_force_next_flush()")
        seq_before, idx_before = scans()
        for _ in range(5):
            assert conn.execute("SELECT hubapp_worker_hubs(), hubapp_is_admin()").fetchone() == ([org.hub_a], False)
        conn.execute("SELECT pg_stat_force_next_flush()")
        seq_after, idx_after = scans()
    assert seq_after == seq_before
    assert idx_after >= idx_before + 10


def _visibility(conn: psycopg.Connection) -> set[tuple[int, int]]:
    return {(f, h) for f, h in conn.execute("SELECT family_id, hub_id FROM hubapp_family_hub")}


def test_workers_read_only_their_hubs_rows_of_the_visibility_table(org: Org) -> None:
    with org.raw("alice") as conn:
        assert _visibility(conn) == {(org.family_a, org.hub_a)}
    with org.raw("bob") as conn:
        assert _visibility(conn) == {(org.family_b, org.hub_b)}
    with org.raw("dora") as conn:
        assert _visibility(conn) == {(org.family_a, org.hub_a), (org.family_b, org.hub_b)}


@pytest.mark.parametrize("who", ["alice", "carol", "dora"])
@pytest.mark.parametrize("statement", [
    "INSERT INTO hubapp_family_hub (family_id, hub_id) SELECT id, {hub_a} FROM family",
    "UPDATE hubapp_family_hub SET hub_id = {hub_a}",
    "DELETE FROM hubapp_family_hub",
    "TRUNCATE hubapp_family_hub",
    "SELECT hubapp_family_hub_rebuild()",
    "SELECT hubapp_family_hub_refresh({family_b})",
    "SELECT * FROM hubapp_family_hubs_of({family_b})",
])
def test_no_application_role_can_write_the_visibility_table(org: Org, who: str, statement: str) -> None:
    with org.raw(who) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement.format(hub_a=org.hub_a, family_b=org.family_b))
    with org.raw("alice") as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM family")] == [org.family_a]


def test_the_visibility_table_follows_requests_families_and_deletes(org: Org) -> None:
    owner = lambda: UnitOfWork(org.db)  # noqa: E731
    # A request at North about the South family makes it visible to North (and only that family).
    logged = referrals.log_request(owner(), request(org.hub_a, family_id=org.family_b, consent=consent()))
    with org.raw("alice") as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM family")} == {org.family_a, org.family_b}
        assert {r[0] for r in conn.execute("SELECT family_name FROM person")} == {"Northfield", "Southall"}
    alice = org.backend("alice")
    assert {h.family_name for h in search.quick_search(alice.uow(), "Sara Southal")} == {"Southall"}
    with org.db.engine.begin() as conn:  # the request moves to South: North loses the family again
        conn.exec_driver_sql(f"UPDATE request_for_support SET hub_id = {org.hub_b} WHERE id = {logged.id}")
    assert search.quick_search(alice.uow(), "Sara Southal") == ()
    with org.raw("alice") as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM family")] == [org.family_a]
    with org.db.engine.begin() as conn:  # the family itself moves to North: South keeps it by the request
        conn.exec_driver_sql(f"UPDATE family SET hub_id = {org.hub_a} WHERE id = {org.family_b}")
    with org.raw("alice") as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM family")} == {org.family_a, org.family_b}
    with org.raw("bob") as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM family")] == [org.family_b]
    with org.db.engine.begin() as conn:  # ... until the request goes
        conn.exec_driver_sql(f"DELETE FROM request_person WHERE request_id = {logged.id}")
        conn.exec_driver_sql(f"DELETE FROM request_need WHERE request_id = {logged.id}")
        conn.exec_driver_sql(f"DELETE FROM consent_record WHERE request_id = {logged.id}")
        conn.exec_driver_sql(f"DELETE FROM request_for_support WHERE id = {logged.id}")
    with org.raw("bob") as conn:
        assert conn.execute("SELECT count(*) FROM family").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (0,)
    with org.db.engine.begin() as conn:  # what the triggers kept is what a rebuild from the rows gives
        kept = set(conn.exec_driver_sql("SELECT family_id, hub_id FROM hubapp_family_hub").all())
        conn.exec_driver_sql("SELECT hubapp_family_hub_rebuild()")
        assert set(conn.exec_driver_sql("SELECT family_id, hub_id FROM hubapp_family_hub").all()) == kept
    assert kept == {(org.family_a, org.hub_a), (org.family_b, org.hub_a)}
    alice.close()


def test_the_name_function_returns_only_people_the_worker_may_see(org: Org) -> None:
    def named_like(who: str, name: str) -> set[str]:
        with org.raw(who) as conn:
            ids = [r[0] for r in conn.execute("SELECT hubapp_person_ids_named_like(%s, 100)", (name,))]
        with org.db.engine.connect() as conn:  # named by the owner: the function alone decides
            return set(conn.exec_driver_sql(
                "SELECT family_name FROM person WHERE id = ANY(%(ids)s)", {"ids": ids}).scalars())

    assert named_like("alice", "sara southal") == set()
    assert named_like("alice", "nadia northfeld") == {"Northfield"}
    assert named_like("bob", "sara southal") == {"Southall"}
    assert named_like("dora", "sara southal") == {"Southall"}
    with org.raw("alice") as conn:  # a person alice made, in no family yet, is hers alone
        conn.execute("INSERT INTO person (given_name, family_name, given_name_key, family_name_key, family_phonetic, "
                     "given_phonetic, search_name, dob_is_expected, sex, created_at, version) VALUES ('Orla', "
                     "'Orphan', 'orla', 'orphan', 'ORFN', 'ORL', 'orla orphan', false, 'U', now(), 1)")
    assert named_like("alice", "orla orphan") == {"Orphan"}
    assert named_like("carol", "orla orphan") == set()


def test_search_never_finds_another_hubs_family(org: Org) -> None:
    alice, bob = org.backend("alice"), org.backend("bob")
    for text in ("Sara Southall", "Sara Southal", "Southall", "Sout", "Sami", "Sara Suthall"):
        assert search.quick_search(alice.uow(), text) == (), text
    assert {h.family_name for h in search.quick_search(bob.uow(), "Sara Suthall")} == {"Southall"}
    assert {h.family_name for h in search.quick_search(alice.uow(), "Nadia Northfeld")} == {"Northfield"}
    alice.close()
    bob.close()


# ---- The dashboard's kept figures (migration 0007) ---------------------------------------------


def _dashboard_as(org: Org, who: str) -> None:
    import datetime as dt

    from hubapp.domain.report_dto import ReportFilter
    from hubapp.services import dashboard
    db = Database(org.url_for(who))
    try:
        dashboard.dashboard(UnitOfWork(db), ReportFilter.rolling_12_months(dt.date.today(), hub_id=org.hub_a))
    finally:
        db.dispose()


def test_kept_dashboard_figures_are_each_persons_own(org: Org) -> None:
    for hub, family in ((org.hub_a, org.family_a), (org.hub_b, org.family_b)):  # a change in each hub
        referrals.log_request(UnitOfWork(org.db), request(hub, family_id=family, consent=consent()))
    _dashboard_as(org, "carol")
    _dashboard_as(org, "dora")
    with org.raw("carol") as conn:
        owners = {r[0] for r in conn.execute("SELECT owner FROM hubapp_dashboard_cell")}
        assert owners == {org.user("carol")}
        # Carol cannot plant figures for Dora to see, nor change or drop Dora's.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO hubapp_dashboard_cell (owner, hub_id, indicator, span, basis, month, snap, "
                         "payload) VALUES (%s, %s, 'review', '2026-01-31', 'x', '2026-01-01', "
                         "pg_current_snapshot(), '[1, 1]')", (org.user("dora"), org.hub_a))
        conn.execute("UPDATE hubapp_dashboard_cell SET payload = '[9, 9]'")
        conn.execute("DELETE FROM hubapp_dashboard_cell WHERE owner <> session_user")
        # The change log is written by the database alone, and shows Carol only her hub.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO hubapp_dashboard_change (hub_id, from_month) VALUES (%s, '2000-01-01')",
                         (org.hub_a,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM hubapp_dashboard_change")
        assert {r[0] for r in conn.execute("SELECT hub_id FROM hubapp_dashboard_change")} == {org.hub_a}
    with org.raw("dora") as conn:
        payloads = [r[0] for r in conn.execute("SELECT payload FROM hubapp_dashboard_cell")]
        assert payloads and [9, 9] not in payloads
        assert {r[0] for r in conn.execute("SELECT hub_id FROM hubapp_dashboard_change")} == {org.hub_a, org.hub_b}
