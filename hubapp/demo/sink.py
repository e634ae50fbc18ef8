"""Bulk row collection: plain dicts per table, ids assigned here, inserted in foreign-key order.

Rows go to the database through the driver directly: ``COPY ... FROM STDIN`` on PostgreSQL (when
the login owns the tables, so row-level security does not apply to it) and the driver's own
``executemany`` on SQLite. Each value goes through its column type's bind processor first, so
what is stored is exactly what an ORM insert would store.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Integer, Table, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from hubapp.data.models import Base

_MODELS: dict[str, type[Any]] = {m.local_table.name: m.class_ for m in Base.registry.mappers}
_ORDER: tuple[str, ...] = tuple(t.name for t in Base.metadata.sorted_tables)
#: Tables whose primary key is one integer ``id`` (the ones the sink numbers itself).
ID_TABLES: tuple[str, ...] = tuple(
    t.name
    for t in Base.metadata.sorted_tables
    if [c.name for c in t.primary_key.columns] == ["id"] and isinstance(t.c.id.type, Integer)
)


class Sink:
    """Collects rows as plain dicts and writes them in bulk on :meth:`flush`.

    Ids continue from ``max(id) + 1`` of each table, so rows can reference each other before
    anything is written. Every row gets every column (defaults filled in), so each batch is one
    ``COPY`` (PostgreSQL, when the login owns the tables) or one driver ``executemany`` (SQLite);
    otherwise ``session.execute(insert(Model), rows)``. Rows are written in the metadata's
    foreign-key order on :meth:`flush`.

    Args:
        session: the session to write with (the caller commits).
        fallback_ts: the value for a timestamp column with a callable default left unset.
        batch: rows per ``execute`` call.
    """

    def __init__(self, session: Session, fallback_ts: dt.datetime, batch: int = 5000) -> None:
        self.session = session
        self.batch = batch
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.counts: Counter[str] = Counter()
        self.size = 0
        self._templates: dict[str, dict[str, Any]] = {}
        for table in Base.metadata.sorted_tables:
            template: dict[str, Any] = {}
            for col in table.columns:
                default = col.default
                if default is None:
                    template[col.name] = None
                elif getattr(default, "is_scalar", False):
                    template[col.name] = default.arg  # type: ignore[attr-defined]
                else:
                    template[col.name] = fallback_ts
            self._templates[table.name] = template
        self._raw = _raw_mode(session.connection())
        self._next: dict[str, int] = {}
        for name in ID_TABLES:
            model = _MODELS[name]
            top = session.execute(select(func.max(model.id))).scalar()
            self._next[name] = (top or 0) + 1

    def peek_id(self, model: type[Any]) -> int:
        """The id the next :meth:`new_id` for ``model`` will return."""
        return self._next[model.__tablename__]

    def new_id(self, model: type[Any]) -> int:
        """Reserve the next id of ``model``'s table."""
        name = model.__tablename__
        value = self._next[name]
        self._next[name] = value + 1
        return value

    def add(self, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
        """Queue one row (missing columns take their defaults). Returns the full row."""
        name = model.__tablename__
        template = self._templates[name]
        extra = values.keys() - template.keys()
        if extra:
            raise KeyError(f"{name} has no column(s) {sorted(extra)}")
        row = template.copy()
        row.update(values)
        self.pending.setdefault(name, []).append(row)
        self.size += 1
        return row

    def flush(self) -> None:
        """Insert every queued row, table by table in foreign-key order."""
        for name in _ORDER:
            rows = self.pending.pop(name, None)
            if not rows:
                continue
            model = _MODELS[name]
            if self._raw:
                _write_raw(self.session.connection(), model.__table__, rows, self._raw)
            else:
                for start in range(0, len(rows), self.batch):
                    # render_nulls: one executemany per batch, even where a row holds None
                    statement = insert(model).execution_options(render_nulls=True)
                    self.session.execute(statement, rows[start : start + self.batch])
            self.counts[name] += len(rows)
        self.size = 0

    def fix_sequences(self) -> None:
        """On PostgreSQL, move each id sequence past the ids given here (no-op on SQLite)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name in ID_TABLES:
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false) "
                    f"WHERE pg_get_serial_sequence('{name}', 'id') IS NOT NULL"
                )
            )


def _raw_mode(conn: Connection) -> str:
    """``"copy"``, ``"executemany"`` or ``""`` (use SQLAlchemy's insert) for this connection."""
    name = conn.dialect.name
    if name == "sqlite":
        return "executemany"
    if name == "postgresql" and conn.dialect.driver == "psycopg":
        # COPY FROM is refused on a table with row-level security unless the login bypasses it.
        owns = conn.execute(text(
            "SELECT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)"
            " OR pg_has_role(current_user, (SELECT tableowner FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'family'), 'USAGE')"
        )).scalar()
        return "copy" if owns else ""
    return ""


def _write_raw(conn: Connection, table: Table, rows: list[dict[str, Any]], mode: str) -> None:
    """Write ``rows`` (dicts with every column, in the template's order) through the driver."""
    dialect = conn.dialect
    names = list(rows[0])
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    converters = [(i, p) for i, p in enumerate(processors) if p is not None]
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in names)
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        if mode == "copy":
            with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    values = list(row.values())
                    for i, process in converters:
                        if values[i] is not None:
                            values[i] = process(values[i])
                    copy.write_row(values)
        else:
            tuples = []
            for row in rows:
                values = list(row.values())
                for i, process in converters:
                    values[i] = process(values[i])
                tuples.append(values)
            marks = ", ".join("?" for _ in names)
            cursor.executemany(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", tuples)
    finally:
        cursor.close()
