"""The one Engine and session factory of a process, with SQLite and PostgreSQL made to behave alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from . import audit as _audit  # noqa: F401  (registers the SQLite audit writer)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with hubapp's settings.

    SQLite gets foreign keys, a busy timeout and WAL on every connection and may be used from
    worker threads; PostgreSQL gets ``pool_pre_ping`` because laptops sleep and networks drop, and
    runs with JIT compilation off.

    Args:
        url: a SQLAlchemy URL, ``sqlite:///path`` or ``postgresql+psycopg://...``.
        **kwargs: passed on to ``create_engine``.
    """
    parsed = make_url(url)
    # Query parameters can hold names and dates of birth: keep them out of errors and logs.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 4)
    kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", 5)
    kwargs["connect_args"].setdefault("application_name", "hubapp")
    # No JIT compilation: hubapp's statements read a page or a family at a time, yet row-level
    # security subplans push their estimated cost past the server's default ``jit_above_cost``, and
    # compiling cost 12-20 ms each time (the inbox's count at city scale: 74 ms with JIT, 41 without).
    kwargs["connect_args"].setdefault("options", "-c jit=off")
    return create_engine(parsed, **kwargs)


class Database:
    """An engine and its session factory: one per process and database.

    Args:
        url: the database URL.
        engine: an engine to use instead of building one from ``url``.
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        if engine is None:
            if url is None:
                raise ValueError("Database needs a url or an engine")
            engine = make_engine(url)
        self.engine = engine
        self.sessionmaker: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
