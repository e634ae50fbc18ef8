"""Pick lists with type-ahead: type part of a label, Enter takes the best match and moves on."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ui.widgets.keys import focus_next, is_enter


def best_match(labels: list[str], typed: str) -> int:
    """The index of the label that best fits what was typed, or -1.

    Exact (any case) beats a label starting with the text, which beats a word starting with it,
    which beats the text anywhere in the label; ties go to the list's order.
    """
    text = typed.strip().casefold()
    if not text:
        return -1
    folded = [label.casefold() for label in labels]
    for test in (
        lambda s: s == text,
        lambda s: s.startswith(text),
        lambda s: any(w.startswith(text) for w in s.replace("(", " ").replace("–", " ").split()),
        lambda s: text in s,
    ):
        for i, label in enumerate(folded):
            if test(label):
                return i
    return -1


def contains_completer(parent: QWidget, labels: list[str] | None = None) -> QCompleter:
    """A completer that pops up every label containing the typed text, ignoring case."""
    completer = QCompleter(labels or [], parent)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    return completer


class CodeCombo(QComboBox):
    """A code list as a pick list: shows labels, holds codes, accepts typing.

    Typing narrows a popup to the labels containing the text; Enter (or leaving the box) takes
    the best match (:func:`best_match`), so "sch" Enter picks "School (designated safeguarding
    lead)" and "2" Enter picks level "2 – Additional". Alt+Down shows the whole list. Text that
    matches nothing stays as typed and :meth:`code` is ``None``, so the service names the field.

    Signals:
        sig_edited(): the person changed the choice or the text.

    Args:
        parent: the parent widget.
        placeholder: the grey hint shown while empty.
        width_chars: the box's minimum width, in characters.
    """

    # ---- Signals
    sig_edited = Signal()

    def __init__(self, parent: QWidget | None = None, placeholder: str = "", width_chars: int = 16) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(width_chars)
        self.setMaxVisibleItems(16)
        edit = self.lineEdit()
        edit.setPlaceholderText(placeholder)
        self._labels = QStringListModel(self)
        completer = contains_completer(self)
        completer.setModel(self._labels)
        self.setCompleter(completer)
        completer.activated.connect(self._on_completer_activated)
        # Runs before the completer's own filter: one Enter takes the entry and moves on.
        completer.popup().installEventFilter(self)
        edit.editingFinished.connect(self._on_edit_editing_finished)
        edit.textEdited.connect(self._on_edit_text_edited)
        self.activated.connect(self._on_activated)
        self.currentIndexChanged.connect(self._on_current_index_changed)

    # ---- Public

    def set_items(self, items: Iterable[tuple[str, object]]) -> None:
        """Replace the choices with ``(label, code)`` pairs, keeping the chosen code if it is still there."""
        chosen = self.code()
        self.blockSignals(True)
        self.clear()
        for label, code in items:
            self.addItem(label, code)
        self._labels.setStringList([self.itemText(i) for i in range(self.count())])
        self.setCurrentIndex(self.findData(chosen) if chosen is not None else -1)
        self.blockSignals(False)

    def code(self) -> object | None:
        """The chosen code, or ``None`` when nothing (or text matching no choice) is there."""
        index = self.currentIndex()
        if index < 0 or self.itemText(index) != self.currentText():
            return None
        return self.itemData(index)

    def set_code(self, code: object | None) -> None:
        """Choose the entry holding ``code`` (``None`` or an unknown code empties the box)."""
        index = self.findData(code) if code is not None else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def commit(self) -> bool:
        """Take the best match for the text typed; returns whether the choice changed."""
        completer = self.completer()
        if completer is not None and completer.popup().isVisible():
            completer.popup().hide()
        text = self.currentText()
        before = self.currentIndex()
        if not text.strip():
            if before >= 0:
                self.setCurrentIndex(-1)
                self.setEditText("")
                return True
            return False
        if before >= 0 and self.itemText(before) == text:
            return False
        index = best_match([self.itemText(i) for i in range(self.count())], text)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return index != before

    # ---- Slots

    @Slot()
    def _on_edit_editing_finished(self) -> None:
        if self.commit():
            self.sig_edited.emit()
        self.lineEdit().setCursorPosition(0)

    @Slot(str)
    def _on_edit_text_edited(self, _text: str) -> None:
        self.sig_edited.emit()

    @Slot(str)
    def _on_completer_activated(self, text: str) -> None:
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.setCurrentIndex(index)
            self.sig_edited.emit()

    @Slot(int)
    def _on_activated(self, _index: int) -> None:
        self.sig_edited.emit()

    @Slot(int)
    def _on_current_index_changed(self, _index: int) -> None:
        # Show the start of a long label in a narrow box, not its end.
        if not self.lineEdit().hasFocus():
            self.lineEdit().setCursorPosition(0)

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        popup = self.completer().popup() if self.completer() is not None else None
        if watched is popup and popup is not None and is_enter(event):
            index = popup.currentIndex()
            popup.hide()
            chosen = self.findText(str(index.data()), Qt.MatchFlag.MatchExactly) if index.isValid() else -1
            if chosen >= 0:
                self.setCurrentIndex(chosen)
                self.sig_edited.emit()
            elif self.commit():
                self.sig_edited.emit()
            focus_next(self)
            return True
        return super().eventFilter(watched, event)
