"""A wrong password gets a clear message, and nothing more, on a server that checks passwords.

The shared test server trusts local connections, so this module starts its own throwaway
PostgreSQL cluster with scram-sha-256 authentication (initdb into a temporary directory, a unix
socket and a free port, fsync off), and removes it afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from hubapp.data.db import Database, make_engine
from hubapp.data.migrate import upgrade
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import SignInFailed
from hubapp.services import admin, signin
from hubapp.services.session import Backend
from tests.conftest import REQUIRE_PG, ROLE_PREFIX

pytestmark = pytest.mark.postgres

SUPERUSER_PASSWORD = "cluster-owner-secret"
PASSWORD = "correct horse battery"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def scram_server() -> Iterator[tuple[str, int]]:
    """(socket directory, port) of a private cluster that checks passwords."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if REQUIRE_PG:
            pytest.fail(message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="hubapp-scram-"))
    os.chmod(base, 0o777)
    pwfile = base / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    os.chmod(pwfile, 0o644)
    port = _free_port()
    try:
        result = _as_postgres([initdb, "-D", str(base / "data"), "-U", "postgres", "-E", "UTF8",
                               "--no-sync", "-A", "scram-sha-256", f"--pwfile={pwfile}"])
        assert result.returncode == 0, result.stderr
        result = _as_postgres([pg_ctl, "-D", str(base / "data"), "-l", str(base / "log"), "-w", "-o",
                               f"-p {port} -k {base} -c listen_addresses='' -c fsync=off", "start"])
        assert result.returncode == 0, result.stderr + (base / "log").read_text(errors="replace")
        yield str(base), port
    finally:
        _as_postgres([pg_ctl, "-D", str(base / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def _url(server: tuple[str, int], user: str, password: str | None, database: str = "postgres") -> str:
    socket_dir, port = server
    return URL.create("postgresql+psycopg", username=user, password=password, database=database,
                      query={"host": socket_dir, "port": str(port)}).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def worker_url(scram_server: tuple[str, int]) -> str:
    """A database at head on the private cluster, with one worker login; its URL without password."""
    owner = make_engine(_url(scram_server, "postgres", SUPERUSER_PASSWORD), isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "hubapp_scram"')
    owner.dispose()
    db = Database(_url(scram_server, "postgres", SUPERUSER_PASSWORD, "hubapp_scram"))
    upgrade(db.engine)
    admin.add_hub(UnitOfWork(db), "NORTH", "North Hub")
    admin.add_user(UnitOfWork(db), ROLE_PREFIX + "wanda", "Wanda Worker", ["hub_worker"], ["NORTH"], PASSWORD)
    db.dispose()
    return _url(scram_server, ROLE_PREFIX + "wanda", None, "hubapp_scram")


def test_the_right_password_signs_in(worker_url: str) -> None:
    assert signin.verify_password(worker_url, PASSWORD)
    backend = Backend(worker_url.replace(f"{ROLE_PREFIX}wanda@", f"{ROLE_PREFIX}wanda:{PASSWORD.replace(' ', '%20')}@"))
    backend.prepare()
    assert backend.sign_in().display_name == "Wanda Worker"
    backend.close()


@pytest.mark.parametrize("password", ["wrong password", "", PASSWORD.upper()])
def test_a_wrong_password_gets_a_clear_message_and_nothing_more(worker_url: str, password: str) -> None:
    with pytest.raises(SignInFailed) as caught:
        signin.verify_password(worker_url, password)
    message = str(caught.value)
    assert message == "The user name or password is not right. Check them and try again."
    assert "scram" not in message.lower() and ROLE_PREFIX not in message


def test_an_unknown_user_gets_the_same_message(scram_server: tuple[str, int], worker_url: str) -> None:
    with pytest.raises(SignInFailed) as caught:
        signin.verify_password(_url(scram_server, "nobody_here", None, "hubapp_scram"), PASSWORD)
    assert str(caught.value) == "The user name or password is not right. Check them and try again."
