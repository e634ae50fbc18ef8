"""FormErrors: messages beside fields by dotted name, cleared by editing, first bad field focused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QScrollArea, QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from hubapp.domain.errors import FieldError
from tests.unit.ui.keyboard import Keyboard
from ui.widgets.code_combo import CodeCombo, best_match
from ui.widgets.form_errors import ErrorLabel, FormErrors


def make_form(qtbot: QtBot) -> tuple[QWidget, FormErrors, dict[str, QWidget]]:
    form = QWidget()
    qtbot.addWidget(form)
    errors = FormErrors(form)
    outer = QVBoxLayout(form)
    tabs = QTabWidget(form)
    first, second = QWidget(), QWidget()
    tabs.addTab(first, "First")
    tabs.addTab(second, "Second")
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    body = QWidget()
    column = QVBoxLayout(body)
    widgets: dict[str, QWidget] = {}
    first_column = QVBoxLayout(first)
    for name in ("referrer_name", "source"):
        widgets[name] = QLineEdit(first) if name == "referrer_name" else CodeCombo(first)
        first_column.addWidget(errors.field(name, widgets[name], first))
    row_label = ErrorLabel(body)
    for name in ("given_name", "nhs_number"):
        widgets[name] = QLineEdit(body)
        column.addWidget(widgets[name])
        errors.add_field(f"new_family.members[1].{name}", widgets[name], row_label)
    column.addWidget(row_label)
    for _ in range(40):  # enough to need scrolling
        column.addWidget(QCheckBox("filler", body))
    group = ErrorLabel(body)
    column.addWidget(group)
    errors.add_field("new_family.members", body, group)
    scroll.setWidget(body)
    QVBoxLayout(second).addWidget(scroll)
    outer.addWidget(tabs)
    form.resize(400, 300)
    form.show()
    qtbot.waitExposed(form)
    return form, errors, widgets


def test_messages_go_beside_their_fields_and_leftovers_come_back(qtbot: QtBot) -> None:
    _form, errors, widgets = make_form(qtbot)
    leftovers = errors.show([
        FieldError("new_family.members[1].nhs_number", "nhs_checksum", "NHS number fails the check digit."),
        FieldError("new_family.members[1].given_name", "required", "Given name is required."),
        FieldError("new_family.members[7].upn", "upn_format", "UPN is malformed."),  # no such row: its group
        FieldError("hub_id", "exists", "Hub must be chosen."),                        # unknown: handed back
    ])
    assert [e.field for e in leftovers] == ["hub_id"]
    assert errors.messages("new_family.members[1].nhs_number") == ["NHS number fails the check digit."]
    assert errors.messages("new_family.members") == ["UPN is malformed."]
    assert errors.target_for("new_family.members[1].nhs_number") == "new_family.members[1].nhs_number"
    assert errors.target_for("consent.giver_name") is None
    nhs = widgets["nhs_number"]
    assert nhs.property("invalid") is True
    assert nhs.accessibleDescription() == "NHS number fails the check digit."
    label = nhs.parentWidget().findChildren(ErrorLabel)[0]
    assert label.text() == "Given name is required.\nNHS number fails the check digit." or \
        label.text() == "NHS number fails the check digit.\nGiven name is required."


def test_editing_clears_only_that_field_and_focus_goes_to_the_first_bad_one(qtbot: QtBot) -> None:
    form, errors, widgets = make_form(qtbot)
    errors.show([
        FieldError("new_family.members[1].nhs_number", "nhs_checksum", "NHS number fails the check digit."),
        FieldError("source", "code", "Referral source must be chosen from the list."),
    ])
    assert errors.bad_fields() == ["source", "new_family.members[1].nhs_number"]  # tab order, not error order
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=5_000)
    assert errors.focus_first()
    assert widgets["source"].hasFocus() or widgets["source"].lineEdit().hasFocus()
    keys = Keyboard(qtbot)
    keys.type("po")
    assert errors.messages("source") == [] and errors.has_errors
    # The next bad field is on another tab, far down a scroll area: it is brought into view.
    assert errors.focus_first()
    assert widgets["nhs_number"].hasFocus() and widgets["nhs_number"].isVisible()
    keys.press(Qt.Key.Key_A)
    assert not errors.has_errors and widgets["nhs_number"].property("invalid") is False


def test_best_match_prefers_exact_then_prefix_then_word_then_anywhere() -> None:
    labels = ["Social care step-down", "School (designated safeguarding lead)", "School nurse – 0-19 service",
              "Health visitor – 0-19 service", "Police"]
    assert best_match(labels, "sch") == 1
    assert best_match(labels, "nurse") == 2
    assert best_match(labels, "visitor") == 3
    assert best_match(labels, "POLICE") == 4
    assert best_match(labels, "0-19") == 2
    assert best_match(labels, "xyz") == -1 and best_match(labels, "  ") == -1


def test_saving_takes_the_best_match_of_pick_lists_still_being_typed(qtbot: QtBot) -> None:
    from ui.dialogs.form_dialog import FormDialog

    dialog = FormDialog()
    qtbot.addWidget(dialog)
    relation, unknown = CodeCombo(dialog), CodeCombo(dialog)
    for combo in (relation, unknown):
        combo.set_items([("Mother", "MOTHER"), ("Father", "FATHER")])
    relation.setEditText("mo")
    unknown.setEditText("aunt")
    assert relation.code() is None
    edited: list[bool] = []
    relation.sig_edited.connect(lambda: edited.append(True))
    dialog.commit_pick_lists()
    assert relation.code() == "MOTHER" and edited == [True]  # e.g. a mother's PR ticks itself
    assert unknown.code() is None and unknown.currentText() == "aunt"  # left for the service to name
