"""The family a request is linked to, instead of typing a new household: who the request is about.

Shows the family's hub, address and involvement, and its members as tick boxes: the children
the request is about are ticked (the children who matched, else every child). Ctrl+U unlinks and
brings back the household as it was typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubapp.domain.dto import FamilyDetail
from hubapp.domain.front_door import Involvement
from ui import formatting as fmt
from ui.dialogs.duplicates_panel import involvement_chips
from ui.widgets.form_errors import ErrorLabel, FormErrors

CHILD_RELATIONS = ("SELF", "SIBLING", "HALF_SIBLING", "OTHER_CHILD")
ADULT_RELATIONS = ("MOTHER", "FATHER", "STEP_PARENT", "PARTNER_OF_PARENT", "GRANDPARENT", "KINSHIP_CARER",
                   "OTHER_ADULT")


class LinkedFamilyView(QFrame):
    """An existing family chosen for the request.

    Signals:
        sig_unlink_requested(): the person wants to type a new household after all.
        sig_edited(): the people ticked changed.

    Args:
        errors: the form's error registry.
        parent: the parent widget.
    """

    # ---- Signals
    sig_unlink_requested = Signal()
    sig_edited = Signal()

    def __init__(self, errors: FormErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LinkedFamily")
        self.family_id: int | None = None
        self.family_name = ""
        self.detail: FamilyDetail | None = None
        self._boxes: list[tuple[QCheckBox, int]] = []
        self.title = QLabel(self)
        self.title.setProperty("role", "heading")
        self.facts = QLabel(self)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.error = ErrorLabel(self)
        self.about = QLabel("This request is about:", self)
        self.about.setProperty("role", "muted")
        self._people = QVBoxLayout()
        self._people.setSpacing(2)
        self.unlink_button = QPushButton("&Unlink and type a new household (Ctrl+U)", self)
        self.unlink_button.setAutoDefault(False)
        self.unlink_button.clicked.connect(self.sig_unlink_requested)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(6)
        column.addWidget(self.title)
        column.addWidget(self.facts)
        column.addWidget(self.error)
        column.addWidget(self.about)
        column.addLayout(self._people)
        row = QHBoxLayout()
        row.addWidget(self.unlink_button)
        row.addStretch(1)
        column.addLayout(row)
        errors.add_field("family", self.title, self.error)
        errors.add_field("subject_person_ids", self.title, self.error)

    # ---- Public

    def show_loading(self, family_id: int, name: str) -> None:
        """Say which family is being loaded."""
        self.family_id, self.family_name, self.detail = family_id, name, None
        self.title.setText(f"Linked to {name}" if name else f"Linked to family {family_id}")
        self.facts.setText("Loading the family…")
        self._set_people([])

    def set_family(self, detail: FamilyDetail, involvement: Involvement | None, ticked: set[int] | None) -> None:
        """Show the family's members, ticking ``ticked`` (default: every child)."""
        self.family_id, self.family_name, self.detail = detail.id, detail.name, detail
        self.title.setText(f"Linked to {detail.name}")
        address = detail.address.one_line() if detail.address else "No current address recorded"
        chips = " ".join(involvement_chips(involvement)) if involvement else ""
        flags = chips or ", ".join(detail.flags) or "No current involvement"
        self.facts.setText(f"{detail.hub_name} · {address}<br>{flags}")
        children = {m.person_id for m in detail.members if m.relation in CHILD_RELATIONS or m.is_index_child}
        chosen = (ticked & children) if ticked else set()
        people = []
        for m in detail.members:
            born = fmt.age_text(m.age, m.date_of_birth, m.dob_is_expected)
            text = f"{m.full_name} – {m.relation_label}" + (f", {born}" if born else "")
            people.append((text, m.person_id, m.person_id in (chosen or children)))
        self._set_people(people)

    def set_ticked(self, person_ids: set[int]) -> None:
        """Tick exactly these people (restoring a draft)."""
        for box, person_id in self._boxes:
            box.setChecked(person_id in person_ids)

    def subject_ids(self) -> tuple[int, ...]:
        """The people ticked."""
        return tuple(person_id for box, person_id in self._boxes if box.isChecked())

    def focus_widgets(self) -> list[QWidget]:
        """Inputs in tab order."""
        return [box for box, _ in self._boxes] + [self.unlink_button]

    def consent_giver(self) -> tuple[str, str] | None:
        """The family's first adult with parental responsibility: (name, relationship)."""
        if self.detail is None:
            return None
        for m in self.detail.members:
            if m.has_parental_responsibility and m.relation in ADULT_RELATIONS:
                return m.full_name, m.relation
        return None

    def state(self) -> dict[str, Any]:
        """What to keep in a draft."""
        return {"family_id": self.family_id, "family_name": self.family_name, "subjects": list(self.subject_ids())}

    # ---- Internals

    def _set_people(self, people: list[tuple[str, int, bool]]) -> None:
        for box, _ in self._boxes:
            box.deleteLater()
        self._boxes = []
        for text, person_id, checked in people:
            box = QCheckBox(text, self)
            box.setChecked(checked)
            box.toggled.connect(self.sig_edited)
            self._people.addWidget(box)
            self._boxes.append((box, person_id))
        self.about.setVisible(bool(people))
