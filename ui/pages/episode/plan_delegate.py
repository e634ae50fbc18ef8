"""Editors for the plan grid: outcome areas and statuses from lists, owners from a list that also
takes free text (a grandparent, a neighbour), dates typed as dd/mm/yyyy."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hubapp.domain import codes
from ui.pages.episode.plan_model import AREA, STATUS, STATUSES, WHEN, WHO, PlanEditModel, status_label

Index = QModelIndex | QPersistentModelIndex


class PlanDelegate(QStyledItemDelegate):
    """Chooses the editor by row kind and column.

    Args:
        model: the plan grid's model (for the owners list).
        parent: the owning view.
    """

    def __init__(self, model: PlanEditModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: D102
        kind = self._model.kind_at(index.row())
        column = index.column()
        if kind == "goal" and column == AREA:
            combo = QComboBox(parent)
            combo.setAccessibleName("Outcome area")
            for item in codes.CODE_LISTS[codes.SF_OUTCOME]:
                combo.addItem(item.label, item.code)
            return combo
        if kind == "action" and column == STATUS:
            combo = QComboBox(parent)
            combo.setAccessibleName("Status")
            for code in STATUSES:
                combo.addItem(status_label(code), code)
            return combo
        if kind == "action" and column == WHO:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.setAccessibleName("Who will do it (pick or type a name)")
            for owner in self._model.owners:
                combo.addItem(owner.name)
                combo.setItemData(combo.count() - 1, owner.detail, Qt.ItemDataRole.ToolTipRole)
            completer = combo.completer()
            if completer is not None:
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            return combo
        editor = QLineEdit(parent)
        if column == WHEN:
            editor.setPlaceholderText("dd/mm/yyyy")
            editor.setAccessibleName("By when (dd/mm/yyyy)")
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: D102
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            if editor.isEditable():
                editor.setCurrentText(str(value))
                line = editor.lineEdit()
                if line is not None:
                    line.selectAll()
                return
            at = editor.findData(value)
            editor.setCurrentIndex(max(at, 0))
            return
        if isinstance(editor, QLineEdit):
            editor.setText(str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: D102
        if isinstance(editor, QComboBox):
            value = editor.currentText() if editor.isEditable() else editor.currentData()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
