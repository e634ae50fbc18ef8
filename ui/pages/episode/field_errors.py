"""Field errors beside the fields they concern, for the episode page's forms and dialogs.

A small equivalent of ``ui.widgets.form_errors`` (which did not exist yet when this was written;
it marks inputs the same way, with the ``invalid`` property the stylesheet styles): each input is
registered under the service's field name (``agreed_by``, ``goals[0].actions[1].who``...). A
``ValidationError`` puts each message in a red line under its field and marks the field; messages
for fields nobody registered (table cells, whole-form rules) go to one summary label. What the
person typed is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QWidget

from hubapp.domain.errors import FieldError


class ErrorLabel(QLabel):
    """A red message line under a field (hidden when empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "field_error")
        self.setWordWrap(True)
        self.setStyleSheet("color: #8f1d16; font-size: 9pt;")
        self.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` (hide when empty)."""
        self.setText(text)
        self.setVisible(bool(text))


class FieldErrors:
    """Maps field names to inputs and their error labels.

    Args:
        summary: where messages for unregistered fields go (and a one-line count).
    """

    def __init__(self, summary: ErrorLabel) -> None:
        self.summary = summary
        self._fields: dict[str, tuple[QWidget, ErrorLabel]] = {}
        self._prefixes: list[tuple[str, ErrorLabel]] = []

    def add(self, field: str, widget: QWidget, label: ErrorLabel) -> None:
        """Register an input and the label under it."""
        self._fields[field] = (widget, label)

    def add_prefix(self, prefix: str, label: ErrorLabel) -> None:
        """Send every field starting with ``prefix`` (a table's rows) to ``label``."""
        self._prefixes.append((prefix, label))

    def clear(self) -> None:
        """Hide every message and unmark every field."""
        for widget, label in self._fields.values():
            label.show_message("")
            self._mark(widget, False)
        for _, label in self._prefixes:
            label.show_message("")
        self.summary.show_message("")

    def show(self, errors: Iterable[FieldError]) -> QWidget | None:
        """Show each error beside its field; returns the first marked input (to focus)."""
        self.clear()
        by_label: dict[int, tuple[ErrorLabel, list[str]]] = {}
        first: QWidget | None = None
        for error in errors:
            found = self._fields.get(error.field)
            if found is not None:
                widget, label = found
                self._mark(widget, True)
                first = first or widget
            else:
                label = next((lab for prefix, lab in self._prefixes if error.field.startswith(prefix)), self.summary)
            by_label.setdefault(id(label), (label, []))[1].append(error.message)
        for label, messages in by_label.values():
            label.show_message("\n".join(dict.fromkeys(messages)))
        return first

    @staticmethod
    def _mark(widget: QWidget, bad: bool) -> None:
        # The same marking as the shared forms: the [invalid="true"] rule of the stylesheet.
        widget.setProperty("invalid", bad)
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
        widget.update()
        widget.setAccessibleDescription("Has an error, see the message below" if bad else "")
