"""Data access: ORM models, the engine and session factory, the unit of work, migrations."""
