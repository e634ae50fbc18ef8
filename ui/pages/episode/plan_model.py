"""The goals-and-actions grid of the plan editor: one table, a goal row followed by its actions.

Goal rows: outcome area (a pick list), what the family wants to change. Action rows: number, what
will happen, who, by when (dd/mm/yyyy), status. Everything is edited in place by keyboard (F2 or
typing starts an edit, Tab moves on). What is typed is kept as typed, including a date that does
not parse yet; :meth:`PlanEditModel.to_input` turns it into a ``PlanInput`` and reports the
dates it could not read as field errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from hubapp.domain import codes
from hubapp.domain.errors import FieldError, ValidationError
from hubapp.domain.plan_dto import WHO_TEXT, Owner, PlanActionInput, PlanDetail, PlanGoalInput
from hubapp.domain.validation import format_uk_date, parse_uk_date
from ui import formatting as fmt

Index = QModelIndex | QPersistentModelIndex
AREA, WHAT, WHO, WHEN, STATUS = range(5)
#: The item role carrying the row kind ("goal" or "action").
KIND_ROLE = Qt.ItemDataRole.UserRole + 20
#: The item role carrying an error message for a cell.
ERROR_ROLE = Qt.ItemDataRole.UserRole + 21
STATUSES = ("OPEN", "IN_PROGRESS", "DONE", "NOT_DONE", "CANCELLED")
GOAL_TINT = QColor("#e7eef8")
ERROR_TINT = QColor("#fbe1df")


@dataclass
class EditAction:
    """An action as it stands in the editor."""

    what: str = ""
    who_kind: str = ""
    who_id: int | None = None
    who_text: str = ""
    due_text: str = ""
    status: str = "OPEN"
    completed_on: dt.date | None = None
    id: int | None = None


@dataclass
class EditGoal:
    """A goal as it stands in the editor."""

    description: str = ""
    sf_outcome: str = ""
    need_id: int | None = None
    actions: list[EditAction] = field(default_factory=list)
    id: int | None = None


def status_label(code: str) -> str:
    """An action status in words."""
    return fmt.status_words(code)


class PlanEditModel(QAbstractTableModel):
    """Goals and their actions as rows; editable only while the plan is a draft.

    Signals:
        sig_edited(): something was typed or changed.
    """

    # ---- Signals
    sig_edited = Signal()

    HEADERS = ("Outcome area / #", "Goal or action", "Who", "By when", "Status")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.goals: list[EditGoal] = []
        self.editable = False
        self.owners: tuple[Owner, ...] = ()
        self._rows: list[tuple[int, int | None]] = []
        self._errors: dict[tuple[int, int | None, int], str] = {}

    # ---- Public

    def load(self, plan: PlanDetail | None, owners: tuple[Owner, ...] = ()) -> None:
        """Show a plan version (editable when it is a draft)."""
        self.beginResetModel()
        self.owners = owners or self.owners
        self.editable = plan is not None and plan.editable
        self.goals = [] if plan is None else [
            EditGoal(g.description, g.sf_outcome or "", g.need_id, [
                EditAction(a.what, a.who_kind, a.who_id, a.who if a.who_kind == WHO_TEXT else (a.who_text or ""),
                           format_uk_date(a.due_on) if a.due_on else "", a.status, a.completed_on, a.id)
                for a in g.actions], g.id)
            for g in plan.goals
        ]
        self._errors.clear()
        self._reflow()
        self.endResetModel()

    def load_goals(self, plan: PlanDetail | None, goals: list[EditGoal]) -> None:
        """Show ``goals`` (typed, restored or re-applied) as the edits of ``plan``."""
        self.beginResetModel()
        self.editable = plan is not None and plan.editable
        self.goals = goals
        self._errors.clear()
        self._reflow()
        self.endResetModel()

    def add_goal(self, sf_outcome: str = "") -> QModelIndex:
        """Add an empty goal at the end; returns the index to edit."""
        self.beginResetModel()
        self.goals.append(EditGoal(sf_outcome=sf_outcome))
        self._reflow()
        self.endResetModel()
        self.sig_edited.emit()
        return self.index(len(self._rows) - 1, WHAT if sf_outcome else AREA)

    def add_action(self, row: int) -> QModelIndex:
        """Add an action to the goal of ``row`` (or the last goal); returns the index to edit."""
        if not self.goals:
            self.add_goal()
        goal = self._rows[row][0] if 0 <= row < len(self._rows) else len(self.goals) - 1
        self.beginResetModel()
        self.goals[goal].actions.append(EditAction())
        self._reflow()
        self.endResetModel()
        self.sig_edited.emit()
        target = self._rows.index((goal, len(self.goals[goal].actions) - 1))
        return self.index(target, WHAT)

    def remove_row(self, row: int) -> None:
        """Remove the goal (with its actions) or the action at ``row``."""
        if not 0 <= row < len(self._rows):
            return
        goal, action = self._rows[row]
        self.beginResetModel()
        if action is None:
            del self.goals[goal]
        else:
            del self.goals[goal].actions[action]
        self._reflow()
        self.endResetModel()
        self.sig_edited.emit()

    def kind_at(self, row: int) -> str:
        """``goal`` or ``action``."""
        return "action" if 0 <= row < len(self._rows) and self._rows[row][1] is not None else "goal"

    def row_of(self, goal: int, action: int | None = None) -> int:
        """The table row of a goal or one of its actions."""
        return self._rows.index((goal, action))

    def action_id_at(self, row: int) -> int | None:
        """The saved id of the action at ``row`` (``None`` for a goal or a new action)."""
        if not 0 <= row < len(self._rows):
            return None
        goal, action = self._rows[row]
        return None if action is None else self.goals[goal].actions[action].id

    def owner_label(self, a: EditAction) -> str:
        """Who an action's owner is, in words."""
        if a.who_kind and a.who_kind != WHO_TEXT and a.who_id is not None:
            found = next((o for o in self.owners if o.kind == a.who_kind and o.id == a.who_id), None)
            if found is not None:
                return found.name
        return a.who_text

    def set_owner(self, row: int, text: str) -> None:
        """Set an action's owner from what was picked or typed (a known name links the record)."""
        goal, action = self._rows[row]
        assert action is not None
        a = self.goals[goal].actions[action]
        found = next((o for o in self.owners if o.name == text.strip()), None)
        if found is not None:
            a.who_kind, a.who_id, a.who_text = found.kind, found.id, ""
        else:
            a.who_kind, a.who_id, a.who_text = (WHO_TEXT if text.strip() else ""), None, text.strip()
        index = self.index(row, WHO)
        self.dataChanged.emit(index, index)
        self.sig_edited.emit()

    def set_errors(self, errors: tuple[FieldError, ...]) -> None:
        """Mark the cells that ``errors`` name (``goals[0].actions[1].who`` ...)."""
        self._errors.clear()
        columns = {"who": WHO, "due_on": WHEN, "what": WHAT, "status": STATUS, "description": WHAT,
                   "sf_outcome": AREA, "completed_on": STATUS}
        for e in errors:
            m = re.match(r"goals\[(\d+)\](?:\.actions\[(\d+)\])?\.?(\w*)", e.field)
            if m:
                action = int(m.group(2)) if m.group(2) is not None else None
                self._errors[(int(m.group(1)), action, columns.get(m.group(3), WHAT))] = e.message
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, STATUS))

    def to_input(self) -> tuple[tuple[PlanGoalInput, ...], list[FieldError]]:
        """The goals as a ``PlanInput`` wants them, and the dates that could not be read."""
        problems: list[FieldError] = []
        goals = []
        for g, goal in enumerate(self.goals):
            actions = []
            for i, a in enumerate(goal.actions):
                due = None
                if a.due_text.strip():
                    try:
                        due = parse_uk_date(a.due_text, f"goals[{g}].actions[{i}].due_on",
                                            f"By when (action {i + 1} of goal {g + 1})")
                    except ValidationError as exc:
                        problems.extend(exc.errors)
                actions.append(PlanActionInput(a.what, a.who_kind, a.who_id, a.who_text, due, a.status,
                                               a.completed_on, a.id))
            goals.append(PlanGoalInput(goal.description, goal.sf_outcome, goal.need_id, tuple(actions), goal.id))
        return tuple(goals), problems

    # ---- Internals

    def _reflow(self) -> None:
        self._rows = []
        for g, goal in enumerate(self.goals):
            self._rows.append((g, None))
            self._rows.extend((g, i) for i in range(len(goal.actions)))

    def _text(self, goal: int, action: int | None, column: int) -> str:
        g = self.goals[goal]
        if action is None:
            if column == AREA:
                return codes.label_of(codes.SF_OUTCOME, g.sf_outcome, "Choose an outcome area") if g.sf_outcome \
                    else "Choose an outcome area"
            return g.description if column == WHAT else ""
        a = g.actions[action]
        return {AREA: f"{goal + 1}.{action + 1}", WHAT: a.what, WHO: self.owner_label(a), WHEN: a.due_text,
                STATUS: status_label(a.status)}[column]

    # ---- Qt overrides

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, D102
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        goal, action = self._rows[index.row()]
        column = index.column()
        error = self._errors.get((goal, action, column))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole and action is None and column == AREA:
                return self.goals[goal].sf_outcome
            if role == Qt.ItemDataRole.EditRole and action is not None and column == STATUS:
                return self.goals[goal].actions[action].status
            return self._text(goal, action, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or (self._text(goal, action, column) if column == WHAT else None)
        if role == KIND_ROLE:
            return "goal" if action is None else "action"
        if role == ERROR_ROLE:
            return error
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return QBrush(ERROR_TINT)
            return QBrush(GOAL_TINT) if action is None else None
        if role == Qt.ItemDataRole.FontRole and action is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and action is None and column == AREA \
                and not self.goals[goal].sf_outcome:
            return QBrush(QColor("#8a94a3"))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: D102
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        goal, action = self._rows[index.row()]
        column = index.column()
        text = "" if value is None else str(value)
        if action is None:
            if column == AREA:
                self.goals[goal].sf_outcome = text
            elif column == WHAT:
                self.goals[goal].description = text
            else:
                return False
        elif column == WHO:
            self.set_owner(index.row(), text)
            return True
        else:
            a = self.goals[goal].actions[action]
            if column == WHAT:
                a.what = text
            elif column == WHEN:
                a.due_text = text.strip()
            elif column == STATUS and text in STATUSES:
                a.status = text
            else:
                return False
        self._errors.pop((goal, action, column), None)
        self.dataChanged.emit(index, index)
        self.sig_edited.emit()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:  # noqa: D102
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        goal_row = self._rows[index.row()][1] is None
        editable = index.column() in ((AREA, WHAT) if goal_row else (WHAT, WHO, WHEN, STATUS))
        return base | Qt.ItemFlag.ItemIsEditable if self.editable and editable else base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None
