"""Parts of the intake form: who is asking and how (the request), and what they are worried about (needs).

Each section registers its inputs with the form's :class:`FormErrors` under the service's field
names, lists its inputs in tab order (``focus_widgets``), reads itself into the service's
values (collecting the errors it can find itself, such as a date that does not parse), and
saves and restores its state for drafts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from hubapp.domain import codes
from hubapp.domain.dto import CodeItem, HubRow
from hubapp.domain.errors import FieldError, ValidationError
from ui import formatting as fmt
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import TimeEdit, UkDateEdit
from ui.widgets.form_errors import ErrorLabel, FormErrors
from ui.widgets.multi_code_picker import MultiCodePicker


def section_title(text: str, parent: QWidget) -> QLabel:
    """A section heading."""
    label = QLabel(text, parent)
    label.setProperty("role", "section")
    return label


def place(grid: QGridLayout, row: int, column: int, caption: str, widget: QWidget, errors: FormErrors,
          name: str, span: int = 1, shown: QWidget | None = None) -> ErrorLabel:
    """Put a caption (with its Alt shortcut) and an input, with its error label under it, into a grid.

    Args:
        grid: a grid already set on its widget.
        row: the grid row.
        column: the caption/input pair's column (0, 1, 2, 3).
        caption: the caption; ``&`` marks its Alt shortcut letter.
        widget: the input, registered as ``name``.
        errors: the form's error registry.
        name: the service's field name.
        span: how many pair columns the input spans.
        shown: what to show in place of ``widget`` (a box holding it with a companion).

    Returns:
        The error label, for companions to share.
    """
    parent = grid.parentWidget()
    label = QLabel(caption, parent)
    label.setBuddy(widget)
    box = QWidget(parent)
    column_layout = QVBoxLayout(box)
    column_layout.setContentsMargins(0, 0, 0, 0)
    column_layout.setSpacing(2)
    column_layout.addWidget(shown or widget)
    error = ErrorLabel(box)
    column_layout.addWidget(error)
    errors.add_field(name, widget, error)
    grid.addWidget(label, row, column * 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    grid.addWidget(box, row, column * 2 + 1, 1, span * 2 - 1)
    return error


def code_items(list_name: str, items: tuple[CodeItem, ...] | None = None) -> list[tuple[str, object]]:
    """``(label, code)`` pairs of a code list (the database's version when given)."""
    source = items if items else tuple(CodeItem(c.code, c.label) for c in codes.CODE_LISTS[list_name])
    return [(c.label, c.code) for c in source]


def new_grid(owner: QWidget) -> QGridLayout:
    """A grid of caption/input pairs, set on ``owner``."""
    grid = QGridLayout(owner)
    grid.setContentsMargins(0, 4, 0, 4)
    grid.setHorizontalSpacing(8)
    grid.setVerticalSpacing(2)
    for column in (1, 3, 5, 7):
        grid.setColumnStretch(column, 1)
    return grid


class RequestSection(QWidget):
    """When and how the request came, to which hub, and who is asking.

    Signals:
        sig_edited(): something was changed.

    Args:
        errors: the form's error registry.
        parent: the parent widget.
    """

    # ---- Signals
    sig_edited = Signal()

    def __init__(self, errors: FormErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.received_date = UkDateEdit(self)
        self.received_time = TimeEdit(self)
        self.channel = CodeCombo(self, width_chars=5)
        self.channel.set_items(code_items(codes.REQUEST_CHANNEL))
        self.hub = CodeCombo(self, "type to choose", width_chars=7)
        self.urgency = CodeCombo(self, width_chars=5)
        self.urgency.set_items(code_items(codes.URGENCY))
        self.source = CodeCombo(self, "type, e.g. school, health visitor, police", width_chars=12)
        self.source.set_items(code_items(codes.REFERRAL_SOURCE))
        self.referrer_name, self.organisation = QLineEdit(self), QLineEdit(self)
        self.role, self.contact = QLineEdit(self), QLineEdit(self)
        self.contact.setPlaceholderText("phone or email")
        grid = new_grid(self)
        pair = QWidget(self)
        row = QHBoxLayout(pair)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.received_date)
        row.addWidget(self.received_time)
        label = place(grid, 0, 0, "Recei&ved", self.received_date, errors, "received_at", shown=pair)
        errors.add_field("received_time", self.received_time, label)
        place(grid, 0, 1, "C&hannel", self.channel, errors, "channel")
        hub_error = place(grid, 0, 2, "H&ub", self.hub, errors, "hub_id")
        errors.add_field("new_family.hub_id", self.hub, hub_error)
        place(grid, 0, 3, "Ur&gency", self.urgency, errors, "urgency")
        place(grid, 1, 0, "&Source", self.source, errors, "source", span=4)
        place(grid, 2, 0, "&Referrer", self.referrer_name, errors, "referrer_name", span=2)
        place(grid, 2, 2, "&Organisation", self.organisation, errors, "referrer_organisation", span=2)
        place(grid, 3, 0, "Ro&le", self.role, errors, "referrer_role", span=2)
        place(grid, 3, 2, "Con&tact", self.contact, errors, "referrer_contact", span=2)
        for widget in (self.received_date, self.received_time, self.referrer_name, self.organisation, self.role,
                       self.contact):
            widget.textEdited.connect(self.sig_edited)
        for combo in (self.channel, self.hub, self.urgency, self.source):
            combo.sig_edited.connect(self.sig_edited)
        self.reset()

    # ---- Public

    def reset(self, hub_id: int | None = None) -> None:
        """Empty the section, with today's date and time, phone, routine, and the worker's hub."""
        now = dt.datetime.now().astimezone()
        self.received_date.set_date(now.date())
        self.received_time.set_time(now.time())
        self.channel.set_code("PHONE")
        self.urgency.set_code("ROUTINE")
        self.source.set_code(None)
        if hub_id is not None:
            self.hub.set_code(hub_id)
        for edit in (self.referrer_name, self.organisation, self.role, self.contact):
            edit.clear()

    def set_hubs(self, hubs: tuple[HubRow, ...], default: int | None) -> None:
        """The hubs to choose from, and the one chosen unless the person chose already."""
        chosen = self.hub.code()
        self.hub.set_items((h.name, h.id) for h in hubs)
        self.hub.set_code(chosen if chosen is not None else default)

    def set_sources(self, items: tuple[CodeItem, ...]) -> None:
        """The authority's referral sources (as relabelled in the database)."""
        if items:
            self.source.set_items(code_items(codes.REFERRAL_SOURCE, items))

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order."""
        return [self.received_date, self.received_time, self.channel, self.hub, self.urgency, self.source,
                self.referrer_name, self.organisation, self.role, self.contact]

    def values(self) -> tuple[dict[str, Any], list[FieldError]]:
        """The section as the service's values, and the errors found on the way."""
        errors: list[FieldError] = []
        received: dt.datetime | None = None
        try:
            day = self.received_date.date("received_at", "Received date")
            at = self.received_time.time("received_time", "Received time")
            if day is None:
                errors.append(FieldError("received_at", "required", "Received date is required."))
            else:
                received = dt.datetime.combine(day, at).astimezone().astimezone(dt.UTC)
        except ValidationError as exc:
            errors.extend(exc.errors)
        except (OverflowError, ValueError):
            errors.append(FieldError("received_at", "date_invalid", "Received date is out of range."))
        hub = self.hub.code()
        if hub is None:
            errors.append(FieldError("hub_id", "required", "Hub is required: choose it from the list."))
        values = {
            "received_at": received or dt.datetime.now(dt.UTC), "hub_id": int(hub) if hub is not None else 0,
            "channel": self.channel.code() or self.channel.currentText().strip(),
            "urgency": self.urgency.code() or self.urgency.currentText().strip(),
            "source": self.source.code() or self.source.currentText().strip(),
            "referrer_name": self.referrer_name.text(), "referrer_organisation": self.organisation.text(),
            "referrer_role": self.role.text(), "referrer_contact": self.contact.text(),
        }
        return values, errors

    def state(self) -> dict[str, Any]:
        """The section as JSON values (drafts)."""
        return {"date": self.received_date.text(), "time": self.received_time.text(), "channel": self.channel.code(),
                "hub": self.hub.code(), "urgency": self.urgency.code(), "source": self.source.code(),
                "source_text": self.source.currentText(), "referrer_name": self.referrer_name.text(),
                "organisation": self.organisation.text(), "role": self.role.text(), "contact": self.contact.text()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved section back."""
        self.received_date.setText(str(state.get("date", "")))
        self.received_time.setText(str(state.get("time", "")))
        self.channel.set_code(state.get("channel"))
        self.hub.set_code(state.get("hub"))
        self.urgency.set_code(state.get("urgency"))
        self.source.set_code(state.get("source"))
        if state.get("source") is None:
            self.source.setEditText(str(state.get("source_text", "")))
        self.referrer_name.setText(str(state.get("referrer_name", "")))
        self.organisation.setText(str(state.get("organisation", "")))
        self.role.setText(str(state.get("role", "")))
        self.contact.setText(str(state.get("contact", "")))


class NeedsSection(QWidget):
    """What the referrer is worried about: presenting needs, the level of need, a summary.

    Signals:
        sig_edited(): something was changed.

    Args:
        errors: the form's error registry.
        parent: the parent widget.
    """

    # ---- Signals
    sig_edited = Signal()

    def __init__(self, errors: FormErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.needs = MultiCodePicker(self, "type a need and press Enter; Enter on an empty box moves on")
        self.needs.set_items([(c.label, c.code) for c in codes.CODE_LISTS[codes.REASON_FOR_INVOLVEMENT]])
        self.level = CodeCombo(self, "type 1–4", width_chars=8)
        self.level.set_items((fmt.level_text(c.ordinal), c.ordinal) for c in codes.CODE_LISTS[codes.LEVEL_OF_NEED])
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("What the referrer said, in their words where it matters (Tab moves on)")
        self.summary.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        grid = new_grid(self)
        place(grid, 0, 0, "&Needs", self.needs, errors, "presenting_needs", span=2)
        place(grid, 0, 2, "Le&vel of need", self.level, errors, "level_of_need", span=2)
        place(grid, 1, 0, "Su&mmary", self.summary, errors, "summary", span=4)
        self.needs.sig_edited.connect(self.sig_edited)
        self.level.sig_edited.connect(self.sig_edited)
        self.summary.textChanged.connect(self.sig_edited)

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order."""
        return [self.needs.edit, self.level, self.summary]

    def values(self) -> tuple[dict[str, Any], list[FieldError]]:
        """The section as the service's values, and the errors found on the way."""
        errors: list[FieldError] = []
        level = self.level.code()
        if level is None and self.level.currentText().strip():
            errors.append(FieldError("level_of_need", "code", "Level of need must be chosen from the list (1 to 4)."))
        if self.needs.edit.text().strip() and not self.needs.add_typed():
            errors.append(FieldError("presenting_needs", "code",
                                     f"Presenting need '{self.needs.edit.text().strip()}' is not in the list."))
        return {"presenting_needs": self.needs.codes(), "level_of_need": level,
                "summary": self.summary.toPlainText()}, errors

    def state(self) -> dict[str, Any]:
        """The section as JSON values (drafts)."""
        return {"needs": list(self.needs.codes()), "level": self.level.code(), "summary": self.summary.toPlainText()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved section back."""
        self.needs.set_codes(str(c) for c in state.get("needs") or ())
        self.level.set_code(state.get("level"))
        self.summary.setPlainText(str(state.get("summary", "")))

    def reset(self) -> None:
        """Empty the section."""
        self.needs.set_codes(())
        self.level.set_code(None)
        self.summary.clear()
