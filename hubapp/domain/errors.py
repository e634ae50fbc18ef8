"""Errors raised by the domain and the services, with text fit to show a person.

Every error a person can cause carries the field it concerns and the rule it broke, so the
UI can put the message beside the right field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error the core raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule on one field.

    Args:
        field: the dotted name of the input field, e.g. ``"person.nhs_number"`` or
            ``"members[1].date_of_birth"``.
        rule: a short machine-readable rule name, e.g. ``"required"``, ``"nhs_checksum"``.
        message: a sentence for a person, naming the field and the rule.
    """

    field: str
    rule: str
    message: str


class ValidationError(DomainError):
    """Input broke one or more rules; nothing was written.

    Args:
        errors: every broken rule found, in the order of the form.
    """

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(e.message for e in self.errors) or "Invalid input")

    @classmethod
    def single(cls, field: str, rule: str, message: str) -> ValidationError:
        """Build an error for one field."""
        return cls([FieldError(field, rule, message)])

    def for_field(self, field: str) -> list[FieldError]:
        """The errors that concern ``field`` (exact match)."""
        return [e for e in self.errors if e.field == field]


class IllegalTransition(DomainError):
    """An action is not allowed from the current state of a record.

    Args:
        entity: what kind of record, e.g. ``"request for support"``.
        state: the state it is in.
        action: what was attempted.
        allowed: the actions that are allowed from ``state``.
    """

    def __init__(self, entity: str, state: str, action: str, allowed: tuple[str, ...] = ()) -> None:
        self.entity = entity
        self.state = state
        self.action = action
        self.allowed = tuple(allowed)
        hint = f" Allowed from {state}: {', '.join(allowed)}." if allowed else ""
        article = "an" if entity[:1].lower() in "aeiou" else "a"
        verb = str(action).replace("_", " ")
        super().__init__(f"Cannot {verb} {article} {entity} that is {state}.{hint}")


class NotFound(DomainError):
    """A record asked for does not exist (or is not visible to this person)."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"No {entity} with id {key} was found.")


class ConcurrencyConflict(DomainError):
    """Someone else saved the record first; this save was refused and nothing was written.

    Args:
        entity: what kind of record, e.g. ``"family plan"``.
        key: its id.
        changed_by: who saved it last (a worker's name), when the database can tell.
        changed_at: when they saved it (aware UTC), when the database can tell.
    """

    def __init__(self, entity: str, key: object, changed_by: str | None = None,
                 changed_at: dt.datetime | None = None) -> None:
        self.entity = entity
        self.key = key
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.describe())

    def describe(self) -> str:
        """The sentence to show: who changed it and when, if known, and what to do."""
        who = self.changed_by or "someone else"
        when = f" at {self.changed_at.astimezone():%H:%M on %d/%m/%Y}" if self.changed_at else ""
        return (f"This {self.entity} was changed by {who}{when} after you opened it, so your change was not "
                "saved. Reload it to see their change, or apply yours again on top of it.")

    def with_last_change(self, changed_by: str | None, changed_at: dt.datetime | None) -> None:
        """Name who saved the record last and when (the unit of work looks it up after the refusal)."""
        self.changed_by, self.changed_at = changed_by, changed_at
        if type(self).__str__ is ConcurrencyConflict.__str__:
            self.args = (self.describe(),)


class SchemaMismatch(DomainError):
    """The database's schema revision is not the one this program was built for."""

    def __init__(self, found: str | None, expected: str, message: str) -> None:
        self.found = found
        self.expected = expected
        super().__init__(message)


class DatabaseUnavailable(DomainError):
    """The database could not be reached, or the connection dropped; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            "The database cannot be reached just now. Nothing was saved; what you typed is kept. "
            "hubapp will try again when the connection is back."
            + (f" ({detail})" if detail else "")
        )


class DatabaseBusy(DomainError):
    """The embedded database file stayed locked by another program for longer than hubapp waits
    (SQLite's busy timeout); nothing was written. Not ``DatabaseUnavailable``: the database is
    there, so no "cannot be reached" banner; the form stays open with what was typed."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            "The database file is busy: another program has been writing to it for a while. Nothing was "
            "saved; what you typed is still here. Try again in a moment, and if it stays busy, close other "
            "programs that have the hubapp database open (a backup or a copy, say)."
        )


class PermissionDenied(DomainError):
    """The database refused the action for this person's role."""


class SignInFailed(DomainError):
    """The database refused the sign-in: wrong user name or password, or a disabled account."""
