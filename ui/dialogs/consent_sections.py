"""Consent in two parts (DOMAIN.md §1.2): agreement to early help, and the basis for sharing information.

Agreement to early help records who gave (or refused) it, their relationship to the child,
whether they hold parental responsibility or are competent (with a note where competence is
judged), how and when, and what it covers. The basis for sharing is recorded separately: what
was shared, with whom, why, the lawful basis, and, when it was shared without agreement, the
reason. Until the person chooses an answer, the detail stays disabled (and out of the tab order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from hubapp.domain import codes
from hubapp.domain.dto import ConsentInput, ShareInput
from hubapp.domain.errors import FieldError, ValidationError
from ui.dialogs.intake_sections import code_items, new_grid, place
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.form_errors import FormErrors

AGREED, REFUSED, NOT_ASKED = "AGREED", "REFUSED", "NOT_ASKED"
WITH_AGREEMENT, WITHOUT_AGREEMENT, NOT_RECORDED = "WITH", "WITHOUT", "NONE"


class ConsentSection(QWidget):
    """Agreement to early help, or its refusal.

    Signals:
        sig_edited(): something was changed.

    Args:
        errors: the form's error registry.
        suggest_giver: returns ``(name, relationship)`` of the household's first adult with
            parental responsibility, used to fill the giver in when an answer is chosen.
        parent: the parent widget.
    """

    # ---- Signals
    sig_edited = Signal()

    def __init__(self, errors: FormErrors, suggest_giver: Callable[[], tuple[str, str] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suggest_giver = suggest_giver
        self.answer = CodeCombo(self, width_chars=8)
        self.answer.set_items([("Agreed", AGREED), ("Refused", REFUSED), ("Not asked yet", NOT_ASKED)])
        self.giver = QLineEdit(self)
        self.relationship = CodeCombo(self, "type to choose", width_chars=7)
        self.relationship.set_items(code_items(codes.RELATIONSHIP))
        self.capacity = CodeCombo(self, "type to choose", width_chars=10)
        self.capacity.set_items(code_items(codes.CONSENT_GIVER_CAPACITY))
        self.capacity_note = QLineEdit(self)
        self.capacity_note.setPlaceholderText("why they are competent, or on what basis they can consent")
        self.method = CodeCombo(self, width_chars=5)
        self.method.set_items(code_items(codes.CONSENT_METHOD))
        self.given_on = UkDateEdit(self)
        self.engagement = QCheckBox("Early help", self)
        self.sharing = QCheckBox("Sharing with agencies", self)
        self.evaluation = QCheckBox("National evaluation", self)
        self.agencies = QLineEdit(self)
        self.agencies.setPlaceholderText("which agencies, e.g. school; GP; health visiting")
        self.restrictions = QLineEdit(self)
        scope = QWidget(self)
        row = FlowLayout(scope, h_spacing=12, v_spacing=2)
        row.setContentsMargins(0, 4, 0, 0)
        for box in (self.engagement, self.sharing, self.evaluation):
            row.addWidget(box)
        grid = new_grid(self)
        place(grid, 0, 0, "&Agreement", self.answer, errors, "consent")
        place(grid, 0, 1, "&Given by", self.giver, errors, "consent.giver_name", span=2)
        place(grid, 0, 3, "Relat&ionship", self.relationship, errors, "consent.giver_relationship")
        place(grid, 1, 0, "Ca&pacity", self.capacity, errors, "consent.capacity", span=2)
        place(grid, 1, 2, "Capacity &note", self.capacity_note, errors, "consent.capacity_note", span=2)
        place(grid, 2, 0, "Metho&d", self.method, errors, "consent.method")
        place(grid, 2, 1, "Dat&e", self.given_on, errors, "consent.given_on")
        scope_error = place(grid, 2, 2, "Covers", self.engagement, errors, "consent.scope_engagement", span=2,
                            shown=scope)
        errors.add_field("consent.scope_sharing", self.sharing, scope_error)
        errors.add_field("consent.scope_national_evaluation", self.evaluation, scope_error)
        place(grid, 3, 0, "Agen&cies", self.agencies, errors, "consent.scope_agencies", span=2)
        place(grid, 3, 2, "Restrictions", self.restrictions, errors, "consent.restrictions", span=2)
        for edit in (self.giver, self.capacity_note, self.given_on, self.agencies, self.restrictions):
            edit.textEdited.connect(self.sig_edited)
        for combo in (self.relationship, self.capacity, self.method):
            combo.sig_edited.connect(self.sig_edited)
        for box in (self.engagement, self.sharing, self.evaluation):
            box.toggled.connect(self._on_scope_toggled)
        self.answer.sig_edited.connect(self._on_answer_edited)
        self.reset()

    # ---- Public

    def reset(self) -> None:
        """Back to "not asked yet", with today's date and verbal consent ready."""
        self.answer.set_code(NOT_ASKED)
        for edit in (self.giver, self.capacity_note, self.agencies, self.restrictions):
            edit.clear()
        self.relationship.set_code(None)
        self.capacity.set_code(None)
        self.method.set_code("VERBAL")
        self.given_on.set_date(dt.date.today())
        self.engagement.setChecked(True)
        self.sharing.setChecked(False)
        self.evaluation.setChecked(False)
        self._enable()

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order (disabled ones are skipped by Qt)."""
        return [self.answer, self.giver, self.relationship, self.capacity, self.capacity_note, self.method,
                self.given_on, self.engagement, self.sharing, self.evaluation, self.agencies, self.restrictions]

    def answered(self) -> str | None:
        """``AGREED``, ``REFUSED``, ``NOT_ASKED`` or ``None`` (text matching no answer)."""
        code = self.answer.code()
        return str(code) if code is not None else None

    def value(self) -> tuple[ConsentInput | None, list[FieldError]]:
        """The agreement as the service's input (``None`` when not asked yet), and the errors found."""
        answer = self.answered()
        if answer is None:
            return None, [FieldError("consent", "code", "Agreement must be Agreed, Refused or Not asked yet.")]
        if answer == NOT_ASKED:
            return None, []
        errors: list[FieldError] = []
        try:
            given_on = self.given_on.date("consent.given_on", "Consent date")
        except ValidationError as exc:
            errors.extend(exc.errors)
            given_on = None
        if given_on is None and not errors:
            errors.append(FieldError("consent.given_on", "required", "Consent date is required."))
        agreed = answer == AGREED
        return ConsentInput(
            giver_name=self.giver.text(),
            giver_relationship=str(self.relationship.code() or self.relationship.currentText().strip()),
            capacity=str(self.capacity.code() or self.capacity.currentText().strip()), agreed=agreed,
            method=str(self.method.code() or self.method.currentText().strip()),
            given_on=given_on or dt.date.today(), scope_engagement=self.engagement.isChecked() and agreed,
            scope_sharing=self.sharing.isChecked(), scope_national_evaluation=self.evaluation.isChecked() and agreed,
            restrictions=self.restrictions.text(), capacity_note=self.capacity_note.text(),
            scope_agencies=self.agencies.text() if self.sharing.isChecked() else "",
        ), errors

    def state(self) -> dict[str, Any]:
        """The section as JSON values (drafts)."""
        return {"answer": self.answered(), "giver": self.giver.text(), "relationship": self.relationship.code(),
                "capacity": self.capacity.code(), "capacity_note": self.capacity_note.text(),
                "method": self.method.code(), "given_on": self.given_on.text(),
                "engagement": self.engagement.isChecked(), "sharing": self.sharing.isChecked(),
                "evaluation": self.evaluation.isChecked(), "agencies": self.agencies.text(),
                "restrictions": self.restrictions.text()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved section back."""
        self.answer.set_code(state.get("answer") or NOT_ASKED)
        self.giver.setText(str(state.get("giver", "")))
        self.relationship.set_code(state.get("relationship"))
        self.capacity.set_code(state.get("capacity"))
        self.capacity_note.setText(str(state.get("capacity_note", "")))
        self.method.set_code(state.get("method") or "VERBAL")
        self.given_on.setText(str(state.get("given_on", "")))
        self.engagement.setChecked(bool(state.get("engagement", True)))
        self.sharing.setChecked(bool(state.get("sharing")))
        self.evaluation.setChecked(bool(state.get("evaluation")))
        self.agencies.setText(str(state.get("agencies", "")))
        self.restrictions.setText(str(state.get("restrictions", "")))
        self._enable()

    # ---- Internals

    def _enable(self) -> None:
        answered = self.answered() in (AGREED, REFUSED)
        for widget in self.focus_widgets()[1:]:
            widget.setEnabled(answered)
        agreed = self.answered() == AGREED
        for widget in (self.engagement, self.sharing, self.evaluation):
            widget.setEnabled(agreed)
        self.agencies.setEnabled(agreed and self.sharing.isChecked())

    @Slot()
    def _on_answer_edited(self) -> None:
        self._enable()
        if self.answered() in (AGREED, REFUSED) and not self.giver.text().strip():
            suggestion = self._suggest_giver()
            if suggestion is not None:
                name, relationship = suggestion
                self.giver.setText(name)
                self.relationship.set_code(relationship)
                self.capacity.set_code("PARENTAL_RESPONSIBILITY")
        if self.answered() == REFUSED:
            self.sharing.setChecked(False)
        self.sig_edited.emit()

    @Slot()
    def _on_scope_toggled(self) -> None:
        self._enable()
        self.sig_edited.emit()


class ShareSection(QWidget):
    """The basis for sharing information, recorded separately from agreement to early help.

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
        self.answer = CodeCombo(self, width_chars=12)
        self.answer.set_items([("Not recorded yet", NOT_RECORDED), ("With the family's agreement", WITH_AGREEMENT),
                               ("Without agreement", WITHOUT_AGREEMENT)])
        self.what, self.with_whom, self.purpose = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.what.setPlaceholderText("e.g. attendance record, health visitor notes")
        self.basis = CodeCombo(self, "type, e.g. public task", width_chars=12)
        self.basis.set_items(code_items(codes.LAWFUL_BASIS))
        self.reason = CodeCombo(self, "why the family was not asked", width_chars=12)
        self.reason.set_items(code_items(codes.SHARE_WITHOUT_AGREEMENT_REASON))
        self.note = QLineEdit(self)
        grid = new_grid(self)
        place(grid, 0, 0, "S&haring", self.answer, errors, "share.with_agreement", span=2)
        place(grid, 0, 2, "What was &shared", self.what, errors, "share.what", span=2)
        place(grid, 1, 0, "With &whom", self.with_whom, errors, "share.with_whom", span=2)
        place(grid, 1, 2, "Pur&pose", self.purpose, errors, "share.purpose", span=2)
        place(grid, 2, 0, "Lawful &basis", self.basis, errors, "share.lawful_basis", span=2)
        place(grid, 2, 2, "Reason without agreement", self.reason, errors, "share.without_agreement_reason", span=2)
        place(grid, 3, 0, "Note", self.note, errors, "share.without_agreement_note", span=4)
        for edit in (self.what, self.with_whom, self.purpose, self.note):
            edit.textEdited.connect(self.sig_edited)
        for combo in (self.basis, self.reason):
            combo.sig_edited.connect(self.sig_edited)
        self.answer.sig_edited.connect(self._on_answer_edited)
        self.reset()

    def reset(self) -> None:
        """Back to "not recorded yet"."""
        self.answer.set_code(NOT_RECORDED)
        for edit in (self.what, self.with_whom, self.purpose, self.note):
            edit.clear()
        self.basis.set_code("ART6_1E_PUBLIC_TASK")
        self.reason.set_code(None)
        self._enable()

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order (disabled ones are skipped by Qt)."""
        return [self.answer, self.what, self.with_whom, self.purpose, self.basis, self.reason, self.note]

    def value(self) -> tuple[ShareInput | None, list[FieldError]]:
        """The share as the service's input (``None`` when not recorded), and the errors found."""
        answer = self.answer.code()
        if answer is None:
            return None, [FieldError("share.with_agreement", "code", "Sharing must be chosen from the list.")]
        if answer == NOT_RECORDED:
            return None, []
        without = answer == WITHOUT_AGREEMENT
        reason = self.reason.code() or self.reason.currentText().strip() or None
        return ShareInput(
            what=self.what.text(), with_whom=self.with_whom.text(), purpose=self.purpose.text(),
            lawful_basis=str(self.basis.code() or self.basis.currentText().strip()), with_agreement=not without,
            without_agreement_reason=str(reason) if without and reason else None,
            without_agreement_note=self.note.text() if without else "",
        ), []

    def state(self) -> dict[str, Any]:
        """The section as JSON values (drafts)."""
        return {"answer": self.answer.code(), "what": self.what.text(), "with_whom": self.with_whom.text(),
                "purpose": self.purpose.text(), "basis": self.basis.code(), "reason": self.reason.code(),
                "note": self.note.text()}

    def restore(self, state: dict[str, Any]) -> None:
        """Put a saved section back."""
        self.answer.set_code(state.get("answer") or NOT_RECORDED)
        self.what.setText(str(state.get("what", "")))
        self.with_whom.setText(str(state.get("with_whom", "")))
        self.purpose.setText(str(state.get("purpose", "")))
        self.basis.set_code(state.get("basis"))
        self.reason.set_code(state.get("reason"))
        self.note.setText(str(state.get("note", "")))
        self._enable()

    def _enable(self) -> None:
        recorded = self.answer.code() in (WITH_AGREEMENT, WITHOUT_AGREEMENT)
        for widget in self.focus_widgets()[1:]:
            widget.setEnabled(recorded)
        without = self.answer.code() == WITHOUT_AGREEMENT
        self.reason.setEnabled(without)
        self.note.setEnabled(without)

    @Slot()
    def _on_answer_edited(self) -> None:
        self._enable()
        self.sig_edited.emit()
