"""Shared fixtures: isolated user directories, an in-memory keyring, and fresh databases.

Every test run makes its own databases with unique names and drops them afterwards:
- SQLite: one file migrated to head per session, copied for each test that asks for it.
- PostgreSQL (server from ``HUBAPP_TEST_PG_URL``, default the local one as ``postgres``): one
  template database migrated per session, cloned per test with ``CREATE DATABASE … TEMPLATE``.
PostgreSQL tests skip when no server answers, unless ``HUBAPP_REQUIRE_PG=1`` (CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

# Qt must not look for a display in tests (it aborts the whole process when none is found).
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import keyring.backend
import pytest
from keyring.errors import PasswordDeleteError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hubapp.data.db import Database, make_engine
from hubapp.data.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "HUBAPP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("HUBAPP_REQUIRE_PG") == "1"
RUN_ID = uuid.uuid4().hex[:8]
# PostgreSQL roles are shared by the whole cluster: this run's group and login roles carry their
# own prefix, and are dropped at the end of the session (see ``pg_roles``).
ROLE_PREFIX = f"hubapp_t{RUN_ID}_"
os.environ["HUBAPP_ROLE_PREFIX"] = ROLE_PREFIX


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps secrets in memory, so tests never touch the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the real user's data and config directories."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("HUBAPP_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("HUBAPP_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("HUBAPP_SITE_CONFIG_DIR", str(base / "site-config"))
    monkeypatch.delenv("HUBAPP_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring for every test."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


# ---- SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """The URL of a fresh SQLite database at head, private to this test."""
    path = tmp_path / "hubapp.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    """A fresh SQLite ``Database`` at head."""
    db = Database(sqlite_url)
    yield db
    db.dispose()


# ---- PostgreSQL --------------------------------------------------------------------------------


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _pg_available() -> str | None:
    try:
        engine = _pg_admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        return str(exc).splitlines()[0]


def _skip_or_fail_without_pg() -> None:
    problem = _pg_available()
    if problem is None:
        return
    message = f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).render_as_string()}: {problem}"
    if REQUIRE_PG:
        pytest.fail(message + " (HUBAPP_REQUIRE_PG=1)")
    pytest.skip(message)


def pg_url_for(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create_pg_database(name: str, template: str | None = None) -> None:
    """Create a database on the test server."""
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
    engine.dispose()


def drop_pg_database(name: str) -> None:
    """Drop a database this run created, ending any sessions still on it."""
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def drop_pg_roles(prefix: str) -> None:
    """Drop every role whose name starts with ``prefix`` (after this run's databases are gone)."""
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        roles = conn.execute(
            text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"), {"p": prefix}
        ).scalars().all()
        # Login roles first, then the groups they belong to.
        for role in sorted(roles, key=lambda r: (r.removeprefix(prefix) in _GROUP_ROLES, r)):
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    engine.dispose()


_GROUP_ROLES = {"app", "hub_worker", "family_support_worker", "coordinator", "hub_admin"}


@pytest.fixture(scope="session")
def pg_roles() -> Iterator[str]:
    """This run's role prefix; every role made with it is dropped when the session ends."""
    _skip_or_fail_without_pg()
    try:
        yield ROLE_PREFIX
    finally:
        drop_pg_roles(ROLE_PREFIX)


@pytest.fixture(scope="session")
def pg_template(pg_roles: str) -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session (dropped at the end)."""
    _skip_or_fail_without_pg()
    name = f"hubapp_test_{RUN_ID}_tmpl"
    create_pg_database(name)
    try:
        engine = make_engine(pg_url_for(name))
        upgrade(engine)
        engine.dispose()
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database at head, private to this test."""
    name = f"hubapp_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    create_pg_database(name, template=pg_template)
    try:
        yield pg_url_for(name)
    finally:
        drop_pg_database(name)


@pytest.fixture
def empty_pg_url(pg_roles: str) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (for migration tests)."""
    _skip_or_fail_without_pg()
    name = f"hubapp_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    create_pg_database(name)
    try:
        yield pg_url_for(name)
    finally:
        drop_pg_database(name)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh PostgreSQL ``Database`` at head."""
    db = Database(pg_url)
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """A fresh database at head, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_db")  # type: ignore[no-any-return]
    return request.getfixturevalue("pg_db")  # type: ignore[no-any-return]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's roles even when only tests outside ``pg_roles`` touched PostgreSQL."""
    if _pg_available() is None:
        drop_pg_roles(ROLE_PREFIX)
