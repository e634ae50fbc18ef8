"""Errors beside their fields: how every form shows a service's ``ValidationError``.

A form registers each input under the dotted name the service uses for it
(``"referrer_name"``, ``"new_family.members[1].nhs_number"``, ``"consent.given_on"``) with the
:class:`ErrorLabel` that speaks for it. :meth:`FormErrors.show` puts each ``FieldError``'s
message in that label and marks the input; an error whose name is not registered goes to the
nearest registered parent name (``"new_family.members[3].upn"`` to ``"new_family.members"``) or,
failing that, is handed back for the form's banner. Editing a marked input clears its message.
:meth:`FormErrors.focus_first` brings the first bad input (in the tab order) into view and puts
the cursor there. Nothing typed is ever cleared.

Example::

    errors = FormErrors(self)
    layout.addRow("Referrer's name", errors.field("referrer_name", self.referrer_name))
    ...
    leftovers = errors.show(exc.errors)
    errors.focus_first()
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QScrollArea, QStackedWidget,
    QTabWidget, QTextEdit, QVBoxLayout, QWidget,
)

from hubapp.domain.errors import FieldError

#: How many steps of the focus chain are walked to order bad fields (far more than any form has).
_CHAIN_LIMIT = 5000


def edited_signal(widget: QWidget) -> SignalInstance | None:
    """The signal a widget emits when the person changes it (``None`` for a widget that cannot be edited).

    A custom input declares ``sig_edited``; standard inputs use their own edit signals (not the
    programmatic ``textChanged`` of a line edit, so restoring a draft does not count as an edit).
    """
    custom = getattr(widget, "sig_edited", None)
    if isinstance(custom, SignalInstance):
        return custom
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QComboBox):
        return widget.activated if not widget.isEditable() else widget.currentTextChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled if widget.isCheckable() else None
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.textChanged
    if isinstance(widget, QAbstractSpinBox):
        return getattr(widget, "valueChanged", None) or getattr(widget, "dateChanged", None)
    return None


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark an input as holding a bad value (styled by ``[invalid="true"]`` in the stylesheet)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class ErrorLabel(QLabel):
    """The message shown under one input (or one row of inputs); hidden while there is none.

    Args:
        parent: the parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FieldError")
        self.setProperty("role", "field-error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def set_messages(self, messages: list[str]) -> None:
        """Show these messages (one per line), or hide when there are none."""
        self.setText("\n".join(messages))
        self.setVisible(bool(messages))


@dataclass
class _Field:
    name: str
    widget: QWidget
    label: ErrorLabel
    description: str = ""
    messages: list[str] = field(default_factory=list)


class FormErrors(QObject):
    """The registry of a form's inputs by field name, and the errors shown on them.

    Signals:
        sig_changed(): errors were shown or cleared (a form may update its banner).

    Args:
        form: the form's top widget (its focus chain orders the fields).
    """

    # ---- Signals
    sig_changed = Signal()

    def __init__(self, form: QWidget) -> None:
        super().__init__(form)
        self._form = form
        self._fields: dict[str, _Field] = {}
        self._connected: set[int] = set()

    # ---- Registering

    def add_field(self, name: str, widget: QWidget, label: ErrorLabel) -> ErrorLabel:
        """Register ``widget`` as the input for ``name``; ``label`` shows its messages.

        Several names may share a widget (aliases) and several widgets may share a label (a row).
        """
        self._fields[name] = _Field(name, widget, label, widget.accessibleDescription())
        if id(widget) not in self._connected:
            signal = edited_signal(widget)
            if signal is not None:
                signal.connect(lambda *_args, w=widget: self._on_widget_edited(w))
                self._connected.add(id(widget))
                widget.destroyed.connect(lambda *_args, key=id(widget): self._connected.discard(key))
        return label

    def field(self, name: str, widget: QWidget, parent: QWidget | None = None) -> QWidget:
        """A container holding ``widget`` with its own error label underneath, registered as ``name``."""
        box = QWidget(parent or widget.parentWidget())
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        label = ErrorLabel(box)
        column.addWidget(label)
        self.add_field(name, widget, label)
        return box

    def remove_prefix(self, prefix: str) -> None:
        """Forget every field whose name starts with ``prefix`` (e.g. before rows are rebuilt)."""
        for name in [n for n in self._fields if n.startswith(prefix)]:
            self._fields.pop(name)

    def names(self) -> list[str]:
        """The registered field names, in registration order."""
        return list(self._fields)

    def widget_for(self, name: str) -> QWidget | None:
        """The input registered for ``name``."""
        f = self._fields.get(name)
        return f.widget if f else None

    # ---- Showing

    def target_for(self, name: str) -> str | None:
        """The registered name an error on ``name`` is shown on: itself or its nearest parent."""
        candidate = name
        while candidate:
            if candidate in self._fields:
                return candidate
            cut = max(candidate.rfind("."), candidate.rfind("["))
            candidate = candidate[:cut] if cut > 0 else ""
        return None

    def show(self, errors: Iterable[FieldError]) -> list[FieldError]:
        """Show each error beside its field, replacing what was shown.

        Returns:
            The errors with no registered field, for the form to show elsewhere.
        """
        self._reset()
        leftovers = []
        for error in errors:
            target = self.target_for(error.field)
            if target is None:
                leftovers.append(error)
                continue
            f = self._fields[target]
            if error.message not in f.messages:
                f.messages.append(error.message)
        self._refresh()
        self.sig_changed.emit()
        return leftovers

    def clear(self) -> None:
        """Clear every message."""
        self._reset()
        self._refresh()
        self.sig_changed.emit()

    def clear_field(self, name: str) -> None:
        """Clear the messages of one field."""
        f = self._fields.get(name)
        if f is not None and f.messages:
            f.messages.clear()
            self._refresh()
            self.sig_changed.emit()

    def messages(self, name: str) -> list[str]:
        """The messages shown on one field."""
        f = self._fields.get(name)
        return list(f.messages) if f else []

    def bad_fields(self) -> list[str]:
        """Names of the fields showing an error, in the form's tab order."""
        positions = self._chain_positions()
        bad = [f for f in self._fields.values() if f.messages]
        bad.sort(key=lambda f: positions.get(id(f.widget), _CHAIN_LIMIT))
        return [f.name for f in bad]

    @property
    def has_errors(self) -> bool:
        """Whether any field shows an error."""
        return any(f.messages for f in self._fields.values())

    def focus_first(self) -> bool:
        """Bring the first bad field (in tab order) into view and focus it; returns whether there was one."""
        names = self.bad_fields()
        if not names:
            return False
        widget = self._fields[names[0]].widget
        reveal(widget)
        window = widget.window()
        if not window.isActiveWindow():
            # A pick list's popup may have taken the activation while the save ran.
            window.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()
        return True

    # ---- Internals

    def _reset(self) -> None:
        for f in self._fields.values():
            f.messages.clear()

    def _refresh(self) -> None:
        by_label: dict[int, tuple[ErrorLabel, list[str]]] = {}
        marked: dict[int, tuple[QWidget, bool, list[str]]] = {}
        for f in self._fields.values():
            entry = by_label.setdefault(id(f.label), (f.label, []))
            entry[1].extend(m for m in f.messages if m not in entry[1])
            widget_entry = marked.setdefault(id(f.widget), (f.widget, False, []))
            marked[id(f.widget)] = (f.widget, widget_entry[1] or bool(f.messages), widget_entry[2] + f.messages)
        for label, messages in by_label.values():
            label.set_messages(messages)
        for f in self._fields.values():
            widget, invalid, messages = marked[id(f.widget)]
            set_invalid(widget, invalid)
            widget.setAccessibleDescription(" ".join(messages) if messages else f.description)

    def _on_widget_edited(self, widget: QWidget) -> None:
        changed = False
        for f in self._fields.values():
            if f.widget is widget and f.messages:
                f.messages.clear()
                changed = True
        if changed:
            self._refresh()
            self.sig_changed.emit()

    def _chain_positions(self) -> dict[int, int]:
        positions: dict[int, int] = {}
        start = self._form
        current = start.nextInFocusChain()
        for n in range(_CHAIN_LIMIT):
            if current is None or current is start:
                break
            positions.setdefault(id(current), n)
            # An editable combo box's line edit stands for the box.
            parent = current.parentWidget()
            if isinstance(parent, QComboBox):
                positions.setdefault(id(parent), n)
            current = current.nextInFocusChain()
        return positions


def reveal(widget: QWidget) -> None:
    """Make a widget visible to the person: switch the tabs and pages it sits on, scroll to it."""
    child: QWidget = widget
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget) and parent.indexOf(child) >= 0:
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 40, 60)
        child, parent = parent, parent.parentWidget()
