"""Opening a database as the program does: schema gate, first start, signing in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from hubapp.data.models import Worker
from hubapp.data.uow import UnitOfWork
from hubapp.domain.errors import DatabaseUnavailable, NotFound, SchemaMismatch
from hubapp.services import context, reference
from hubapp.services.session import Backend


def test_first_start_creates_the_embedded_file_and_signs_in(tmp_path: Path) -> None:
    backend = Backend(f"sqlite:///{tmp_path / 'new' / 'hubapp.sqlite'}")
    result = backend.prepare()
    assert result.created and result.backup is None
    assert backend.is_empty()
    actor = backend.start_empty("Northfield Hub")
    assert set(context.ALL_ROLES) <= set(actor.roles)
    assert len(actor.hub_ids) == 1
    assert [h.name for h in reference.hubs(backend.uow())] == ["Northfield Hub"]
    again = Backend(backend.url)
    assert not again.prepare().created
    assert again.sign_in().worker_id == actor.worker_id
    backend.close()
    again.close()


@pytest.mark.postgres
def test_shared_database_is_never_migrated_by_the_client(empty_pg_url: str) -> None:
    backend = Backend(empty_pg_url)
    with pytest.raises(SchemaMismatch) as caught:
        backend.prepare()
    assert "hubapp-admin db upgrade" in str(caught.value)
    with backend.db.engine.connect() as conn:
        tables = conn.execute(text("SELECT count(*) FROM information_schema.tables WHERE table_schema='public'"))
        assert tables.scalar_one() == 0
    backend.close()


@pytest.mark.postgres
def test_sign_in_on_postgres_uses_the_login_role(pg_url: str) -> None:
    backend = Backend(pg_url)
    backend.prepare()
    with pytest.raises(NotFound):
        backend.sign_in()
    with UnitOfWork(backend.db) as uow:
        uow.session.add(Worker(username="postgres", display_name="Database Administrator"))
        uow.commit()
    assert backend.sign_in().display_name == "Database Administrator"
    assert backend.display_name.startswith("postgres@127.0.0.1/")
    backend.close()


@pytest.mark.postgres
def test_unreachable_server_at_start() -> None:
    backend = Backend("postgresql+psycopg://postgres@127.0.0.1:1/hubapp")
    with pytest.raises(DatabaseUnavailable):
        backend.prepare()
    backend.close()
