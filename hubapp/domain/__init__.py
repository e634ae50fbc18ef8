"""Plain rules and values: DTOs, state machines, code lists, validation, working days.

Modules here import only the standard library and small pure libraries (python-stdnum,
holidays); never SQLAlchemy or Qt.
"""
