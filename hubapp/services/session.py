"""Opening a database for the program: the schema gate, first start, and who is signed in.

The UI holds one ``Backend`` and passes ``backend.uow()`` to every service call, so it never
touches the data layer itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from hubapp.config import sqlite_path_of
from hubapp.data import migrate
from hubapp.data.db import Database
from hubapp.data.models import Family
from hubapp.data.uow import UnitOfWork, translate_db_error
from hubapp.domain.dto import Actor

from . import changefeed, context


@dataclass(frozen=True, slots=True)
class OpenResult:
    """What happened while opening: whether the embedded file was created or upgraded."""

    created: bool
    upgraded: bool
    backup: Path | None


class Backend:
    """One open database, its schema checked, and the signed-in worker.

    Args:
        url: the database URL (SQLite file or PostgreSQL).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = Database(url)
        changefeed.install(self.db)  # commits tell other clients what changed (LISTEN/NOTIFY)
        self.actor: Actor | None = None
        self.sqlite_path = sqlite_path_of(url)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.db.dialect

    @property
    def is_embedded(self) -> bool:
        """Whether this is the embedded (SQLite) database."""
        return self.db.dialect == "sqlite"

    @property
    def display_name(self) -> str:
        """Where the data lives, without any password, for the status bar."""
        if self.sqlite_path is not None:
            return f"This PC: {self.sqlite_path}"
        parsed = make_url(self.url)
        return f"{parsed.username or ''}@{parsed.host or 'localhost'}/{parsed.database}"

    def uow(self) -> UnitOfWork:
        """A fresh unit of work on behalf of the signed-in worker."""
        return UnitOfWork(self.db, self.actor.worker_id if self.actor else None)

    def prepare(self) -> OpenResult:
        """Check the schema. The embedded file is backed up and upgraded; PostgreSQL never is.

        Raises:
            SchemaMismatch: a shared database at another revision, or a file newer than this program.
            DatabaseUnavailable: the server cannot be reached.
        """
        try:
            if self.is_embedded:
                assert self.sqlite_path is not None
                self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
                found = migrate.current_revision(self.db.engine)
                backup = migrate.prepare_embedded(self.db.engine, self.sqlite_path)
                return OpenResult(created=found is None, upgraded=found is not None and
                                  found != migrate.head_revision(), backup=backup)
            migrate.verify_schema(self.db.engine)
            return OpenResult(created=False, upgraded=False, backup=None)
        except Exception as exc:
            translated = translate_db_error(exc)
            if translated is not None:
                raise translated from exc
            raise

    def sign_in(self) -> Actor:
        """Find (embedded: create) the worker for this login and remember it."""
        if self.is_embedded:
            self.actor = context.ensure_local_worker(self.uow())
        else:
            self.actor = context.whoami(self.uow())
        return self.actor

    def is_empty(self) -> bool:
        """Whether the database holds no families yet (first start)."""
        with self.uow() as uow:
            return (uow.session.scalar(select(func.count(Family.id))) or 0) == 0

    def start_empty(self, hub_name: str = "My hub") -> Actor:
        """First start without demo data: create a first hub and put the worker in it."""
        context.ensure_default_hub(self.uow(), hub_name)
        return self.sign_in()

    def load_demo(
        self, families: int = 200, seed: int = 1, progress: Callable[[int, int], None] | None = None
    ) -> object:
        """Load synthetic demo data (embedded databases only), then refresh the worker's hubs."""
        if not self.is_embedded:
            raise PermissionError("Demo data is only loaded into the embedded database.")
        from hubapp import demo

        summary = demo.generate(self.db, families, seed, progress=progress)
        self.actor = context.ensure_local_worker(self.uow())
        return summary

    def ping(self) -> None:
        """Check that the database answers (a one-row query on a fresh transaction).

        Raises:
            DatabaseUnavailable: it does not.
        """
        with self.uow() as uow:
            uow.session.execute(select(1))

    def close(self) -> None:
        """Close every connection."""
        self.db.dispose()
