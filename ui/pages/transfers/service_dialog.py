"""The base of the transfer and closure dialogs: a form whose Save runs one service call in a worker.

A refused save keeps the dialog open with every message beside its field and everything typed kept.
A save that lost a race, or a step the transfer's state no longer allows, is handed to the page
(which shows what happened and reloads); the dialog closes, unless something was typed: then it
stays, saying plainly that it can no longer be saved, with what was typed to copy. Ctrl+Enter saves
from anywhere.

A dialog that calls :meth:`ServiceDialog.keep_drafts` keeps what is typed in its fields as a draft
on this PC (:class:`FormDraft`): dropped once saved or discarded (Esc asks), offered back after a
restart and when the same form is opened again on the same record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from hubapp.domain.errors import ConcurrencyConflict, DomainError, IllegalTransition, ValidationError
from hubapp.domain.transfer_dto import TransferPending
from ui import tasks
from ui.widgets.banner import Banner
from ui.widgets.form_draft import KeepsDrafts
from ui.widgets.form_errors import ErrorLabel, FormErrors


W = TypeVar("W", bound=QWidget)


class ServiceDialog(KeepsDrafts, QDialog):
    """A form dialog whose Save runs a service call on the write worker.

    Signals:
        sig_saved(object): the service's result (the dialog has closed).
        sig_refused(object): a conflict or an illegal step (the dialog has closed).

    Args:
        title: the window title.
        intro: a sentence at the top saying what this does.
        parent: the parent widget.
    """

    # ---- Signals
    sig_saved = Signal(object)
    sig_refused = Signal(object)

    def __init__(self, title: str, intro: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_value: Any = None
        self.banner = Banner(self)
        self.banner.sig_action_triggered.connect(self.copy_typed)
        self.errors = FormErrors(self)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.leftover = ErrorLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.leftover)
        layout.addWidget(self.buttons)

    def field(self, label: str, name: str, widget: W, keep: bool = True) -> W:
        """Add a labelled input, registered under the service's field ``name`` (and kept in the draft)."""
        self.form.addRow(label, self.errors.field(name, widget, self))
        widget.installEventFilter(self)  # Ctrl+Enter saves even from a text box (which takes Enter)
        if keep:
            self.keep_field(name, widget, label)
        return widget

    def call(self) -> Callable[[], Any] | None:
        """The service call to run, or ``None`` when the form found a problem itself."""
        raise NotImplementedError

    def show_problems(self, errors: list[Any]) -> None:
        """Show field errors (and any without a field at the bottom)."""
        leftovers = self.errors.show(errors)
        self.leftover.set_messages([e.message for e in leftovers])
        self.errors.focus_first()

    def save(self) -> None:
        """Run the service call (once at a time)."""
        if not self.save_button.isEnabled() or self._stale:
            return
        fn = self.call()
        if fn is None:
            return
        self.save_button.setEnabled(False)
        tasks.run_write(self, fn, self._on_saved, self._on_failed)

    @staticmethod
    def _is_save_key(event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and modifiers == Qt.KeyboardModifier.ControlModifier

    def _on_saved(self, value: Any) -> None:
        self.result_value = value
        if self.drafts is not None:
            self.drafts.discard()
        self.accept()
        self.sig_saved.emit(value)

    def _on_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        if self.drafts is not None:
            self.drafts.keep()
        if isinstance(exc, ValidationError):
            self.show_problems(list(exc.errors))
        elif isinstance(exc, (ConcurrencyConflict, IllegalTransition)):
            if self.drafts is not None and self.drafts.dirty:
                # What was typed stays on screen (and in the draft) rather than closing with the dialog.
                self.set_no_longer_applies(f"{exc} What you typed is kept below: copy what you need, then "
                                           "close this (Esc) and take the step again if it still applies.")
            else:
                super().reject()
            self.sig_refused.emit(exc)
        else:
            # A pending transfer (closure) or a dropped connection: say so here, keep what was typed.
            message = str(exc) if isinstance(exc, (DomainError, TransferPending)) else "The change could not be saved."
            self.leftover.set_messages([message])

    # ---- Qt overrides

    def reject(self) -> None:  # noqa: D102 - Qt override: Cancel, Esc and the window's close button
        if self.drafts is not None and not self.drafts.ask_to_leave():
            return
        super().reject()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == QEvent.Type.KeyPress and self._is_save_key(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102 - Qt override
        if self._is_save_key(event):
            self.save()
            event.accept()
            return
        super().keyPressEvent(event)
