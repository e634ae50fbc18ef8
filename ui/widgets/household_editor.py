"""The household editor: the people of a new family, one row each, and the family's address.

Each row: given and family name, date of birth (dd/mm/yyyy; ticked "Unborn" makes it the
expected date), sex, relationship to the index child, parental responsibility, lives in the
household, NHS number and UPN. Alt+P adds a person (the family name is carried over), Ctrl+Delete
removes the row the cursor is in. Errors from the services (``members[1].nhs_number``) show under
the row; the editor registers its fields with the form's :class:`FormErrors` under a prefix
(``"new_family."`` inside a request, nothing for a family of its own).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout,
    QWidget,
)

from hubapp.domain import codes
from hubapp.domain.dto import AddressInput, NewFamily
from hubapp.domain.errors import FieldError
from hubapp.domain.front_door import PersonProbe
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.form_errors import ErrorLabel, FormErrors
from ui.widgets.member_row import ADULT_RELATIONS, HEADERS, PR_RELATIONS, MemberRow

class HouseholdEditor(QWidget):
    """The people and address of a new household.

    Signals:
        sig_edited(): anything was changed.
        sig_probe_changed(): a name, date of birth, NHS number or the postcode changed (the
            duplicate check should run again).
        sig_layout_changed(): a row was added or removed (the owner re-chains the tab order).

    Args:
        errors: the form's error registry.
        prefix: the field-name prefix of the household in the service's input (``"new_family."``).
        parent: the parent widget.
    """

    # ---- Signals
    sig_edited = Signal()
    sig_probe_changed = Signal()
    sig_layout_changed = Signal()

    def __init__(self, errors: FormErrors, prefix: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HouseholdEditor")
        self._errors = errors
        self._prefix = prefix
        self._rows: list[MemberRow] = []
        self.group_error = ErrorLabel(self)
        self._grid_box = QWidget(self)
        self._grid = QGridLayout(self._grid_box)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(2)
        self._headers = []
        for title in HEADERS:
            header = QLabel(title, self._grid_box)
            header.setProperty("role", "muted")
            self._headers.append(header)
        self.add_button = QPushButton("Add &person", self)
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip("Add another person to the household (Alt+P)")
        self.add_button.clicked.connect(lambda: self.add_member(focus=True))
        remove = QShortcut(QKeySequence("Ctrl+Delete"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        remove.activated.connect(self._on_remove_shortcut_activated)
        self.line1, self.line2, self.town = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.postcode_edit = QLineEdit(self)
        self.postcode_edit.setMaxLength(10)
        self.postcode_edit.setMaximumWidth(120)
        self.no_fixed_abode = QCheckBox("No fixed abode", self)
        self._build_layout()
        errors.add_field(f"{prefix}members", self._grid_box, self.group_error)
        for widget in (self.line1, self.line2, self.town, self.postcode_edit, self.no_fixed_abode):
            signal = widget.toggled if isinstance(widget, QCheckBox) else widget.textEdited
            signal.connect(self._on_input_edited)
        self.postcode_edit.textEdited.connect(self._on_probe_input_edited)
        self.add_member(focus=False)

    # ---- Public

    @property
    def rows(self) -> list[MemberRow]:
        """The member rows, in order."""
        return list(self._rows)

    def add_member(self, focus: bool = True, state: dict[str, Any] | None = None) -> MemberRow:
        """Add a person's row (family name carried over from the row above) and re-register fields."""
        row = self._make_row()
        if state is not None:
            row.restore(state)
        elif self._rows:
            row.family.setText(self._rows[-1].family.text())
        else:
            row.relation.set_code("SELF")
        self._rows.append(row)
        self._relayout()
        if self.isVisible():
            # Qt shows new children of a visible widget only on the next turn of the event loop;
            # show them now so the cursor can go straight into the new row.
            for widget in [*row.inputs(), row.remove]:
                widget.show()
        if focus:
            row.given.setFocus(Qt.FocusReason.OtherFocusReason)
        if state is None and self._rows[:-1]:
            self.sig_edited.emit()
        return row

    def remove_member(self, row: MemberRow) -> None:
        """Remove a person's row (the last row is emptied instead)."""
        if len(self._rows) == 1:
            row.restore({"lives": True})
            row.relation.set_code("SELF")
        else:
            index = self._rows.index(row)
            self._rows.remove(row)
            for widget in [*row.inputs(), row.remove, row.error]:
                widget.deleteLater()
            self._relayout()
            target = self._rows[min(index, len(self._rows) - 1)]
            target.given.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sig_edited.emit()
        self.sig_probe_changed.emit()

    def focus_widgets(self) -> list[QWidget]:
        """The editor's inputs in tab order."""
        out: list[QWidget] = []
        for row in self._rows:
            out.extend(row.inputs())
        out += [self.add_button, self.line1, self.line2, self.town, self.postcode_edit, self.no_fixed_abode]
        return out

    def first_input(self) -> QWidget:
        """Where typing starts."""
        return self._rows[0].given

    def prune_blank_rows(self) -> None:
        """Drop rows where nothing was typed (keeping one), so row numbers match the service's."""
        blank = [r for r in self._rows if r.is_blank()]
        for row in blank[: max(0, len(blank) - (len(self._rows) == len(blank)))]:
            self._rows.remove(row)
            for widget in [*row.inputs(), row.remove, row.error]:
                widget.deleteLater()
        if blank:
            self._relayout()

    def to_family(self, hub_id: int, name: str = "") -> tuple[NewFamily, list[FieldError]]:
        """The household as the service's input, and the errors found on the way (dates, pick lists)."""
        self.prune_blank_rows()
        members, errors = [], []
        for i, row in enumerate(self._rows):
            person, found = row.to_person(f"{self._prefix}members[{i}]")
            members.append(person)
            errors.extend(found)
        address = AddressInput(line1=self.line1.text(), line2=self.line2.text(), town=self.town.text(),
                               postcode=self.postcode_edit.text(), no_fixed_abode=self.no_fixed_abode.isChecked())
        return NewFamily(hub_id=hub_id, members=tuple(members), address=address, name=name), errors

    def probes(self) -> tuple[PersonProbe, ...]:
        """What the duplicate check looks for: every row with something typed."""
        return tuple(r.probe(f"members[{i}]") for i, r in enumerate(self._rows) if not r.is_blank())

    def postcode(self) -> str:
        """The postcode as typed."""
        return self.postcode_edit.text().strip()

    def consent_giver(self) -> tuple[str, str] | None:
        """The first adult with parental responsibility: (name, relationship), for the consent section."""
        for row in self._rows:
            relation = row.relation.code()
            if row.pr.isChecked() and relation in ADULT_RELATIONS and row.full_name():
                return row.full_name(), str(relation)
        return None

    def title(self) -> str:
        """The household in a few words, for a draft's title."""
        names = [r.full_name() for r in self._rows if r.full_name()]
        child = next((r.full_name() for r in self._rows if r.relation.code() == "SELF" and r.full_name()), None)
        return child or (names[0] if names else "")

    def state(self) -> dict[str, Any]:
        """The editor as JSON values (for drafts)."""
        return {"members": [r.state() for r in self._rows], "line1": self.line1.text(), "line2": self.line2.text(),
                "town": self.town.text(), "postcode": self.postcode_edit.text(),
                "no_fixed_abode": self.no_fixed_abode.isChecked()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved editor back."""
        for row in self._rows:
            for widget in [*row.inputs(), row.remove, row.error]:
                widget.deleteLater()
        self._rows = []
        for member in state.get("members") or [{}]:
            self.add_member(focus=False, state=member if isinstance(member, dict) else {})
        self.line1.setText(str(state.get("line1", "")))
        self.line2.setText(str(state.get("line2", "")))
        self.town.setText(str(state.get("town", "")))
        self.postcode_edit.setText(str(state.get("postcode", "")))
        self.no_fixed_abode.setChecked(bool(state.get("no_fixed_abode")))

    # ---- Building

    def _build_layout(self) -> None:
        address = QFormLayout()
        address.setContentsMargins(0, 6, 0, 0)
        address.setHorizontalSpacing(10)
        address.setVerticalSpacing(4)
        p = self._prefix
        for label, name, widget in (("Address line &1", "line1", self.line1), ("Address line 2", "line2", self.line2),
                                    ("&Town", "town", self.town)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            address.addRow(caption, self._errors.field(f"{p}address.{name}", widget, self))
        postcode_row = QWidget(self)
        stacked = QVBoxLayout(postcode_row)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(self.postcode_edit)
        row.addSpacing(12)
        row.addWidget(self.no_fixed_abode)
        row.addStretch(1)
        stacked.addLayout(row)
        postcode_error = ErrorLabel(postcode_row)
        stacked.addWidget(postcode_error)
        self._errors.add_field(f"{p}address.postcode", self.postcode_edit, postcode_error)
        self._errors.add_field(f"{p}address.no_fixed_abode", self.no_fixed_abode, postcode_error)
        caption = QLabel("Post&code", self)
        caption.setBuddy(self.postcode_edit)
        address.addRow(caption, postcode_row)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.group_error)
        column.addWidget(self._grid_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        hint = QLabel("Ctrl+Delete removes the person the cursor is in", self)
        hint.setProperty("role", "muted")
        buttons.addWidget(hint)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addLayout(address)

    def _make_row(self) -> MemberRow:
        box = self._grid_box
        sex = CodeCombo(box, width_chars=3)
        sex.set_items((c.label, c.code) for c in codes.CODE_LISTS[codes.SEX])
        relation = CodeCombo(box, "type to choose", width_chars=7)
        relation.set_items((c.label, c.code) for c in codes.CODE_LISTS[codes.RELATIONSHIP])
        nhs, upn = QLineEdit(box), QLineEdit(box)
        nhs.setMaxLength(14)
        upn.setMaxLength(13)
        remove = QToolButton(box)
        remove.setText("×")
        remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this person (Ctrl+Delete)")
        remove.setObjectName("RemovePerson")
        remove.setFixedWidth(26)
        row = MemberRow(QLineEdit(box), QLineEdit(box), UkDateEdit(box), QCheckBox(box), sex, relation,
                        QCheckBox(box), QCheckBox(box), nhs, upn, remove, ErrorLabel(box))
        row.lives.setChecked(True)
        for widget, name in zip(row.inputs(), HEADERS, strict=True):
            widget.setAccessibleName(name)
        row.pr.setToolTip("Holds parental responsibility")
        row.remove.clicked.connect(lambda: self.remove_member(row))
        for widget in (row.given, row.family, row.dob, row.nhs, row.upn):
            widget.textEdited.connect(self._on_probe_input_edited)
        for widget in (row.unborn, row.lives):
            widget.toggled.connect(self._on_input_edited)
        row.sex.sig_edited.connect(self._on_input_edited)
        row.relation.sig_edited.connect(lambda: self._on_relation_edited(row))
        row.pr.toggled.connect(lambda: self._on_pr_toggled(row))
        row.unborn.toggled.connect(lambda on: row.sex.set_code("U") if on else None)
        row.dob.editingFinished.connect(self._on_probe_input_edited)
        return row

    def _relayout(self) -> None:
        while self._grid.count():
            self._grid.takeAt(0)
        for column, header in enumerate(self._headers):
            self._grid.addWidget(header, 0, column)
        p = self._prefix
        self._errors.remove_prefix(f"{p}members[")
        for i, row in enumerate(self._rows):
            for column, widget in enumerate([*row.inputs(), row.remove]):
                self._grid.addWidget(widget, 2 * i + 1, column)
            self._grid.addWidget(row.error, 2 * i + 2, 0, 1, len(HEADERS) + 1)
            name = f"{p}members[{i}]"
            for field, widget in (("", row.given), (".given_name", row.given), (".family_name", row.family),
                                  (".date_of_birth", row.dob), (".dob_is_expected", row.unborn), (".sex", row.sex),
                                  (".relation", row.relation), (".has_parental_responsibility", row.pr),
                                  (".lives_in_household", row.lives), (".nhs_number", row.nhs), (".upn", row.upn)):
                self._errors.add_field(name + field, widget, row.error)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 3)
        self._grid.setColumnStretch(5, 2)
        self.sig_layout_changed.emit()

    # ---- Slots

    @Slot()
    def _on_input_edited(self) -> None:
        self.sig_edited.emit()

    @Slot()
    def _on_probe_input_edited(self) -> None:
        self.sig_edited.emit()
        self.sig_probe_changed.emit()

    def _on_relation_edited(self, row: MemberRow) -> None:
        if not row.pr_touched:
            row.pr.blockSignals(True)
            row.pr.setChecked(row.relation.code() in PR_RELATIONS)
            row.pr.blockSignals(False)
        self.sig_edited.emit()

    def _on_pr_toggled(self, row: MemberRow) -> None:
        row.pr_touched = True
        self.sig_edited.emit()

    @Slot()
    def _on_remove_shortcut_activated(self) -> None:
        focus = self.focusWidget()
        for row in self._rows:
            if focus in row.inputs() or (focus is not None and focus.parentWidget() in row.inputs()):
                self.remove_member(row)
                return
