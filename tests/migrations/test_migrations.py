"""Migrations: build from base, no drift, down and up again, seeded code lists, the schema gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from hubapp.data import migrate
from hubapp.data.db import Database, make_engine
from hubapp.data.models import Base, CodeListItem
from hubapp.data.uow import UnitOfWork
from hubapp.domain import codes
from hubapp.domain.errors import SchemaMismatch
from hubapp.paths import migrations_dir


def _engine(kind: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if kind == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    return make_engine(request.getfixturevalue("empty_pg_url"))


KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("kind", KINDS)
def test_upgrade_check_downgrade_upgrade(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    engine = _engine(kind, request, tmp_path)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        migrate.check(engine)  # raises on any drift between the models and the schema
        migrate.downgrade(engine, "base")
        with engine.connect() as conn:
            left = conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version'" if kind == "sqlite" else
                "SELECT count(*) FROM information_schema.tables WHERE table_schema='public' "
                "AND table_name != 'alembic_version'"
            )).scalar_one()
        assert left == 0
        migrate.upgrade(engine)
        migrate.check(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_seeded_code_lists_match_the_domain(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    engine = _engine(kind, request, tmp_path)
    try:
        migrate.upgrade(engine)
        with UnitOfWork(Database(engine=engine)) as uow:
            rows = uow.session.execute(select(CodeListItem.list_name, CodeListItem.code, CodeListItem.label,
                                              CodeListItem.maps_to)).all()
        seeded = {(r.list_name, r.code): (r.label, r.maps_to) for r in rows}
        expected = {(n, c.code): (c.label, c.maps_to) for n, items in codes.CODE_LISTS.items() for c in items}
        assert seeded == expected
        assert len([k for k in seeded if k[0] == codes.CIN_REFERRAL_SOURCE]) == 22
    finally:
        engine.dispose()


def test_one_head_and_every_table_in_the_model() -> None:
    # The program's revision (read at every start without Alembic) is the scripts' one head.
    assert migrate.script_heads() == [migrate.SCHEMA_HEAD] == [migrate.head_revision()]
    assert len(Base.metadata.tables) >= 40
    assert (migrations_dir() / "env.py").is_file()


def test_migrations_found_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_gate_refuses_empty_old_and_newer_databases(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'g.sqlite'}")
    with pytest.raises(SchemaMismatch) as empty:
        migrate.verify_schema(engine)
    assert "hubapp-admin db upgrade" in str(empty.value)
    migrate.upgrade(engine)
    migrate.verify_schema(engine)  # at head: fine
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaMismatch) as newer:
        migrate.verify_schema(engine)
    assert "newer" in str(newer.value)
    engine.dispose()


def test_embedded_file_is_backed_up_before_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "hubapp.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.prepare_embedded(engine, path) is None  # a new file: nothing to back up
    # Pretend the file is at an older revision by moving head: the next start upgrades it.
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, revision="head": None)
    backup = migrate.prepare_embedded(engine, path)
    assert backup is not None and backup.exists() and backup.stat().st_size > 0
    engine.dispose()


def test_embedded_file_newer_than_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hubapp.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaMismatch):
        migrate.prepare_embedded(engine, path)
    engine.dispose()


def test_opening_a_database_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    """Start-up reads one row; Alembic (a quarter of a second to import) waits until it has work."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'at_head.sqlite'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    code = ("import sys; from hubapp.data import migrate; from hubapp.data.db import make_engine; "
            f"e = make_engine({url!r}); migrate.verify_schema(e); "
            "assert migrate.current_revision(e) == migrate.SCHEMA_HEAD; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
