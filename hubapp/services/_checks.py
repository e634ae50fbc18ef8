"""Helpers for services that gather every broken rule before refusing the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hubapp.domain.errors import FieldError, ValidationError

T = TypeVar("T")


class Checks:
    """Collects ``FieldError``s so that a form hears about every problem at once.

    Example:
        checks = Checks()
        name = checks.run(require, data.name, "name", "Name")
        checks.raise_if_any()
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def run(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        """Call a validation function; record its error and return ``None`` if it fails."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, field: str, rule: str, message: str) -> None:
        """Record one broken rule."""
        self.errors.append(FieldError(field, rule, message))

    def extend(self, errors: list[FieldError]) -> None:
        """Record several broken rules."""
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        """Raise ``ValidationError`` with everything recorded, if anything was."""
        if self.errors:
            raise ValidationError(self.errors)
