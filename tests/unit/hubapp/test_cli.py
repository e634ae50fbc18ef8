"""``hubapp-admin``: db upgrade/current/check/downgrade and demo, with clear one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hubapp import config
from hubapp.cli import main
from hubapp.data.db import Database
from hubapp.data.migrate import current_revision, head_revision
from hubapp.data.models import Family

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/hubapp"


def _one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("hubapp-admin: error: ")
    return lines[0]


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> str:
    path = tmp_path / "empty.sqlite"
    path.touch()
    return f"sqlite:///{path}"


def test_current_on_an_empty_file_is_not_at_head(
    empty_sqlite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--url", empty_sqlite, "db", "current"]) == 1
    out = capsys.readouterr().out
    assert "NOT at head" in out and head_revision() in out and "empty" in out


def test_upgrade_brings_it_to_head_then_current_and_check_pass(
    empty_sqlite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "--url", empty_sqlite]) == 0
    out = capsys.readouterr().out
    assert "Before:" in out and f"After:     {head_revision()}" in out and "Upgraded" in out
    assert "Backed up" not in out  # nothing worth backing up in an empty file
    db = Database(empty_sqlite)
    assert current_revision(db.engine) == head_revision()
    db.dispose()
    assert main(["--url", empty_sqlite, "db", "current"]) == 0
    assert "is at head" in capsys.readouterr().out
    assert main(["--url", empty_sqlite, "db", "check"]) == 0
    assert "No differences" in capsys.readouterr().out
    assert main(["--url", empty_sqlite, "db", "upgrade"]) == 0
    assert "Nothing to do" in capsys.readouterr().out


def test_upgrade_backs_up_a_sqlite_file_that_has_a_schema(
    empty_sqlite: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--url", empty_sqlite, "db", "downgrade", "base"]) == 2
    assert "--yes" in _one_line_error(capsys.readouterr().err)
    assert main(["--url", empty_sqlite, "db", "upgrade"]) == 0
    assert main(["--url", empty_sqlite, "db", "downgrade", "base", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Backed up the SQLite file" in out and "Downgraded from" in out
    assert list(tmp_path.glob("empty.backup-*.sqlite"))
    assert main(["--url", empty_sqlite, "db", "current"]) == 1


def test_unknown_revision_is_refused_before_anything_happens(
    empty_sqlite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--url", empty_sqlite, "db", "upgrade", "--revision", "nope"]) == 2
    assert "nope" in _one_line_error(capsys.readouterr().err)


def test_demo_adds_families(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", sqlite_url, "demo", "--families", "5", "--seed", "3", "--today",
                 "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert "5/5 families" in out and "family" in out and "Done in" in out
    db = Database(sqlite_url)
    with db.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(Family)) == 5
    db.dispose()


def test_demo_uses_the_environment_url(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUBAPP_DATABASE_URL", sqlite_url)
    assert main(["demo", "--families", "2"]) == 0
    assert sqlite_url in capsys.readouterr().out


def test_demo_refuses_a_database_not_at_head(empty_sqlite: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", empty_sqlite, "demo", "--families", "5"]) == 2
    captured = capsys.readouterr()
    assert "hubapp-admin db upgrade" in _one_line_error(captured.err)
    assert "Generating" not in captured.out


def test_default_is_the_embedded_sqlite_file(capsys: pytest.CaptureFixture[str]) -> None:
    embedded = config.default_sqlite_path()
    assert not embedded.exists()
    assert main(["db", "current"]) == 1
    assert "no database file" in _one_line_error(capsys.readouterr().err)
    assert main(["db", "upgrade"]) == 0
    assert embedded.exists() and str(embedded) in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["db", "current"], ["db", "upgrade"], ["db", "check"], ["demo", "--families", "1"]],
)
def test_unreachable_server_gives_one_line(argv: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--url", UNREACHABLE_PG, *argv])
    assert code != 0
    line = _one_line_error(capsys.readouterr().err)
    assert "Cannot reach the database" in line and "127.0.0.1" in line


def test_password_is_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/hubapp", "db",
                 "current"]) != 0
    captured = capsys.readouterr()
    assert "s3cret" not in captured.err + captured.out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["demo"]) == 2
    assert main(["demo", "--families", "0"]) == 2
    assert main(["--url", "not a url", "db", "current"]) == 2
    capsys.readouterr()
    assert main(["--help"]) == 0
    assert "db" in capsys.readouterr().out
