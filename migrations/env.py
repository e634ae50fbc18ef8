"""Alembic environment for hubapp: one MetaData, batch mode for SQLite, shared connections."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from hubapp.data.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


#: Tables that only exist on one dialect and are managed by hand in migrations (0003: PostgreSQL's
#: trigger-kept visibility table; 0007: the dashboard's kept figures and their change log).
_HAND_MADE_TABLES = {"alembic_version", "hubapp_family_hub", "hubapp_dashboard_change", "hubapp_dashboard_cell"}


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in _HAND_MADE_TABLES


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
