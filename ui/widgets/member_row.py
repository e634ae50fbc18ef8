"""One person's row in the household editor: the inputs, their state, and the person they make."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QToolButton, QWidget

from hubapp.domain.dto import NewPerson
from hubapp.domain.errors import FieldError, ValidationError
from hubapp.domain.front_door import PersonProbe
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.form_errors import ErrorLabel

PR_RELATIONS = ("MOTHER", "FATHER")
ADULT_RELATIONS = ("MOTHER", "FATHER", "STEP_PARENT", "PARTNER_OF_PARENT", "GRANDPARENT", "KINSHIP_CARER",
                   "OTHER_ADULT")
HEADERS = ("Given name", "Family name", "Date of birth", "Unborn", "Sex", "Relationship", "PR", "Lives here",
           "NHS number", "UPN")


@dataclass
class MemberRow:
    """The inputs of one person."""

    given: QLineEdit
    family: QLineEdit
    dob: UkDateEdit
    unborn: QCheckBox
    sex: CodeCombo
    relation: CodeCombo
    pr: QCheckBox
    lives: QCheckBox
    nhs: QLineEdit
    upn: QLineEdit
    remove: QToolButton
    error: ErrorLabel
    pr_touched: bool = False

    def inputs(self) -> list[QWidget]:
        """The inputs in tab order."""
        return [self.given, self.family, self.dob, self.unborn, self.sex, self.relation, self.pr, self.lives,
                self.nhs, self.upn]

    def is_blank(self) -> bool:
        """Whether nothing identifying was typed."""
        return not any(w.text().strip() for w in (self.given, self.family, self.dob, self.nhs, self.upn))

    def state(self) -> dict[str, Any]:
        """The row as JSON values (for drafts)."""
        return {"given": self.given.text(), "family": self.family.text(), "dob": self.dob.text(),
                "unborn": self.unborn.isChecked(), "sex": self.sex.code(), "relation": self.relation.code(),
                "relation_text": self.relation.currentText(), "pr": self.pr.isChecked(),
                "lives": self.lives.isChecked(), "nhs": self.nhs.text(), "upn": self.upn.text()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved row back."""
        self.given.setText(str(state.get("given", "")))
        self.family.setText(str(state.get("family", "")))
        self.dob.setText(str(state.get("dob", "")))
        self.unborn.setChecked(bool(state.get("unborn")))
        self.sex.set_code(state.get("sex"))
        self.relation.set_code(state.get("relation"))
        if state.get("relation") is None and state.get("relation_text"):
            self.relation.setEditText(str(state["relation_text"]))
        self.pr.setChecked(bool(state.get("pr")))
        self.pr_touched = True
        self.lives.setChecked(bool(state.get("lives", True)))
        self.nhs.setText(str(state.get("nhs", "")))
        self.upn.setText(str(state.get("upn", "")))

    def probe(self, key: str) -> PersonProbe:
        """What the duplicate check looks for from this row."""
        return PersonProbe(self.given.text().strip(), self.family.text().strip(), self.dob.date_or_none(),
                           self.nhs.text().strip(), key)

    def to_person(self, name: str) -> tuple[NewPerson, list[FieldError]]:
        """The person as typed, and the errors found before any service is asked (dates, pick lists)."""
        errors: list[FieldError] = []
        expected = self.unborn.isChecked()
        try:
            dob = self.dob.date(f"{name}.date_of_birth", "Expected date of birth" if expected else "Date of birth")
        except ValidationError as exc:
            errors.extend(exc.errors)
            dob = None
        relation = self.relation.code()
        if relation is None:
            typed = self.relation.currentText().strip()
            if not typed:
                errors.append(FieldError(f"{name}.relation", "required",
                                         "Relationship is required: choose it from the list."))
            relation = typed or "OTHER_ADULT"
        sex = self.sex.code() or self.sex.currentText().strip() or "U"
        person = NewPerson(
            given_name=self.given.text(), family_name=self.family.text(), date_of_birth=dob, dob_is_expected=expected,
            sex=str(sex), relation=str(relation), has_parental_responsibility=self.pr.isChecked(),
            lives_in_household=self.lives.isChecked(), nhs_number=self.nhs.text(), upn=self.upn.text(),
            is_index_child=relation == "SELF",
        )
        return person, errors

    def full_name(self) -> str:
        """Given and family name as typed."""
        return " ".join(p for p in (self.given.text().strip(), self.family.text().strip()) if p)
