"""Alembic environment for hubapp: one MetaData, batch mode for SQLite, shared connections."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from hubapp.data.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # Objects that only exist on one dialect and are managed by hand in migrations.
    return not (type_ == "table" and name in {"alembic_version"})


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    # Migrations never import application types: render hubapp's UTC timestamp as its impl.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection handed over in ``config.attributes``, else build one from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("hubapp migrations run online only (hubapp-admin db upgrade)")
run_migrations_online()
