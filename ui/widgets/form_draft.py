"""A dialog's inputs kept as a draft while they are typed, and put back when the draft is taken up.

The dialogs that record one thing about one record (a decision on a request, a step on a
transfer, a closure…) register their inputs with :meth:`FormDraft.watch`; every change marks the
form unsaved and is written to the draft journal (throttled, :class:`DraftAutosave`). The draft
holds what the form is about (its *context*, e.g. ``{"request_id": 12}``) beside the inputs, so
that it can be matched to the same record later. A form saved, or deliberately discarded, drops
its draft; Esc with something typed asks: keep as a draft, discard, or go back. A dialog class that
mixes in :class:`KeepsDrafts` can be told to keep its fields so (:meth:`KeepsDrafts.keep_drafts`).

A kept draft comes back in two ways: after a restart the front door offers it and opens the form
with it (``draft=``); and when the same form is opened again on the same record, the form offers
it itself as it first shows. Inputs whose choices arrive later (a list loaded in a worker, rows
built when a record has loaded) take their kept value as soon as they can (:meth:`watch`,
:meth:`settle`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from hubapp.drafts import Draft, DraftJournal
from ui.dialogs import prompts
from ui.widgets.code_combo import CodeCombo
from ui.widgets.draft_autosave import DraftAutosave
from ui.widgets.form_errors import edited_signal

#: ``about()``: the draft's title now, and what the form is about (plain JSON values; stays the same).
About = Callable[[], tuple[str, dict[str, Any]]]

# Every form keeping a draft now: a draft held by a form on screen is not offered to another one.
_live: weakref.WeakSet[FormDraft] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class _Input:
    """How to read, put back and show one input."""

    label: str
    get: Callable[[], Any]
    put: Callable[[Any], bool]  # whether the value could be put back now
    shown: Callable[[], str]


class FormDraft(QObject):
    """The draft of one dialog's inputs.

    Signals:
        sig_edited(): the person changed an input.
        sig_restored(object): a kept draft was taken up (the ``Draft``); its inputs are back, or
            will be as soon as their choices have loaded.

    Args:
        form: the dialog (the parent). Its first showing offers a kept draft of the same thing;
            hiding it writes what is pending.
        journal: where drafts are kept.
        kind: the draft's kind, e.g. ``"decision"``.
        database: which database the draft belongs to.
        about: returns ``(title, context)``.
        draft: a kept draft to carry on with (a restart).
        what: what is unsaved, for the question on leaving, e.g. "this decision".
    """

    # ---- Signals
    sig_edited = Signal()
    sig_restored = Signal(object)

    def __init__(self, form: QWidget, journal: DraftJournal, kind: str, database: str, about: About,
                 draft: Draft | None = None, what: str = "what you typed") -> None:
        super().__init__(form)
        self._form = form
        self._about = about
        self.what = what
        self._inputs: dict[str, _Input] = {}
        self._pending: dict[str, Any] = {}
        self._restoring = False
        self._shown = False
        #: Whether something was typed (or a draft taken up) and not saved.
        self.dirty = False
        #: The kept draft this form carries on with, if any.
        self.restored_from: Draft | None = None
        self.autosave = DraftAutosave(journal, kind, database, self._snapshot, parent=self)
        self._offer_timer = QTimer(self)
        self._offer_timer.setSingleShot(True)
        self._offer_timer.setInterval(0)
        self._offer_timer.timeout.connect(self._on_offer_timer_timeout)
        form.installEventFilter(self)
        _live.add(self)
        if draft is not None:
            self.take(draft)

    # ---- Inputs

    def watch(self, name: str, widget: QWidget, label: str = "") -> None:
        """Keep an input (a line, a text box, a pick list, a tick box) under ``name``.

        A kept value waiting for this input is put back at once (or when its choices arrive).

        Raises:
            TypeError: a kind of input this does not know.
        """
        get, put, shown, changed = _adapter(widget)
        self.watch_value(name, get, put, shown, changed, label)

    def watch_value(self, name: str, get: Callable[[], Any], put: Callable[[Any], bool],
                    shown: Callable[[], str], changed: SignalInstance | None, label: str = "") -> None:
        """Keep a value the form reads and puts back itself (e.g. a family chosen from a list).

        Args:
            name: its key in the draft.
            get: its value now, as plain JSON values.
            put: puts a kept value back; returns whether it could (``False``: try again later).
            shown: how it reads, for copying what was typed.
            changed: emitted when the person changes it (``None``: it never changes).
            label: its label, for copying what was typed.
        """
        self._inputs[name] = _Input(label.rstrip(" *:"), get, put, shown)
        if changed is not None:
            changed.connect(lambda *_args, n=name: self._on_input_changed(n))
        if name in self._pending:
            self._put(name, self._pending[name])

    def values(self) -> dict[str, Any]:
        """Every input's value, by name."""
        return {name: i.get() for name, i in self._inputs.items()}

    def typed_text(self) -> str:
        """What was typed, as plain text to copy (one "label: value" per input holding something)."""
        lines = []
        for i in self._inputs.values():
            text = i.shown().strip()
            if text:
                lines.append(f"{i.label}:\n{text}" if "\n" in text else f"{i.label}: {text}")
        return "\n\n".join(lines)

    def settle(self) -> None:
        """Put back kept values whose choices have arrived since (call after loading a list)."""
        for name, value in list(self._pending.items()):
            if name in self._inputs:
                self._put(name, value)

    # ---- The draft

    @property
    def draft_id(self) -> str:
        """The id of this form's draft in the journal."""
        return self.autosave.draft_id

    def take(self, draft: Draft) -> None:
        """Carry on with a kept draft: its inputs come back and further typing goes into it."""
        self.autosave.draft_id = draft.id
        self.restored_from = draft
        values = draft.data.get("fields")
        self._pending.update(values if isinstance(values, dict) else {})
        self.settle()
        self.dirty = True
        self.sig_restored.emit(draft)

    def keep(self) -> None:
        """Write the draft now (it is kept for later), if anything was typed."""
        if self.dirty:
            self.autosave.touch()
            self.autosave.flush()

    def keep_now(self) -> Draft | None:
        """Write the draft now, typed or not (the person asked for the form back later).

        Returns:
            The draft as written; ``None`` if it could not be written (the disk refused).
        """
        self.dirty = True
        self.autosave.touch()
        if not self.autosave.flush():
            return None
        return self.autosave.journal.load(self.draft_id)

    def discard(self) -> None:
        """The form was saved, or what was typed thrown away: forget the draft."""
        self.autosave.discard()
        self._pending.clear()
        self.dirty = False

    def ask_to_leave(self) -> bool:
        """The person is leaving the form (Esc): ask about anything unsaved; returns whether to close.

        "Keep as draft" writes it (offered again next time), "Discard" drops it, "Go back" stays.
        """
        if not self.dirty:
            return True
        answer = prompts.ask_discard(self._form, self.what)
        if answer == prompts.CANCEL:
            return False
        if answer == prompts.DISCARD:
            self.discard()
        else:
            self.keep()
        return True

    def waiting(self) -> Draft | None:
        """A kept draft of the same kind about the same thing, not held by another form on screen."""
        _title, context = self._about()
        held = {f.draft_id for f in list(_live) if f is not self and f.on_screen()}
        journal = self.autosave.journal
        for draft in journal.drafts(self.autosave.kind, self.autosave.database):
            if draft.id == self.draft_id or draft.id in held:
                continue
            if all(draft.data.get(key) == value for key, value in context.items()):
                return draft
        return None

    def on_screen(self) -> bool:
        """Whether this form is alive and shown."""
        return shiboken6.isValid(self) and shiboken6.isValid(self._form) and self._form.isVisible()

    # ---- Internals

    def _snapshot(self) -> tuple[str, dict[str, Any]]:
        title, context = self._about()
        fields = self.values()
        fields.update({k: v for k, v in self._pending.items() if k not in fields})  # still waiting: kept as they were
        return title, {**context, "fields": fields}

    def _put(self, name: str, value: Any) -> None:
        self._restoring = True
        try:
            done = self._inputs[name].put(value)
        finally:
            self._restoring = False
        if done:
            self._pending.pop(name, None)

    def _on_input_changed(self, name: str) -> None:
        if self._restoring:
            return
        self._pending.pop(name, None)  # the person's choice wins over a kept one still waiting
        self.dirty = True
        self.autosave.touch()
        self.sig_edited.emit()

    @Slot()
    def _on_offer_timer_timeout(self) -> None:
        if self.dirty or self.restored_from is not None or not self.on_screen():
            return
        draft = self.waiting()
        if draft is None:
            return
        answer = prompts.ask_restore(self._form, draft)
        if answer == prompts.RESTORE:
            self.take(draft)
        elif answer == prompts.DISCARD and prompts.confirm_discard_draft(self._form, draft):
            self.autosave.journal.discard(draft.id)

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if watched is self._form:
            if event.type() == QEvent.Type.Show and not self._shown:
                self._shown = True
                self._offer_timer.start()  # once the form is on screen, not inside its show event
            elif event.type() == QEvent.Type.Hide and self.dirty:
                self.autosave.flush()
        return super().eventFilter(watched, event)


#: The label of the button that copies what was typed in a form that can no longer be saved.
COPY = "Copy what you typed"


class KeepsDrafts:
    """For a form dialog (a ``QWidget``) whose fields may be kept as a draft.

    The dialog hands each input it adds to :meth:`keep_field`; :meth:`keep_drafts` (called by the
    dialog itself or by whoever opens it, which knows what it is about) keeps every one of them, the
    ones added before it and after it alike. A dialog reopened on a record that has moved on since is
    told so (:meth:`set_no_longer_applies`); it then keeps the text to copy. The dialog provides
    ``save_button``, ``buttons`` (with a Cancel button) and ``banner`` (a ``Banner`` whose action
    it connects to :meth:`copy_typed`).
    """

    save_button: QPushButton
    buttons: QDialogButtonBox
    banner: Any
    _stale = False
    #: What is typed, kept as a draft (see :meth:`keep_drafts`); ``None`` for a form that keeps none.
    drafts: FormDraft | None = None
    _kept_fields: tuple[tuple[str, QWidget, str], ...] = ()  # (name, widget, label), in the order added

    def keep_drafts(self, kind: str, database: str, about: About, what: str, journal: DraftJournal | None = None,
                    draft: Draft | None = None) -> FormDraft:
        """Keep what is typed in the form's fields as a draft (see :class:`FormDraft`).

        The form offers a kept draft about the same thing as it first shows (unless it carries on with one).

        Args:
            kind: the draft's kind.
            database: the open database's name.
            about: returns the draft's title and what the form is about (e.g. ``{"episode_id": 3}``).
            what: what is unsaved, for the question on leaving, e.g. "this closure".
            journal: where drafts are kept (default: the user's data directory).
            draft: a kept draft to carry on with (a restart).
        """
        assert isinstance(self, QWidget)
        self.drafts = FormDraft(self, journal or DraftJournal(), kind, database, about, draft, what)
        for name, widget, label in self._kept_fields:
            self.drafts.watch(name, widget, label)
        return self.drafts

    def keep_field(self, name: str, widget: QWidget, label: str = "") -> None:
        """Keep an input in the draft under ``name``: at once if a draft is kept, else from :meth:`keep_drafts`."""
        self._kept_fields = (*self._kept_fields, (name, widget, label))
        if self.drafts is not None:
            self.drafts.watch(name, widget, label)

    def set_no_longer_applies(self, text: str) -> None:
        """The record moved on, so this can no longer be saved: say so, keep what was typed to copy."""
        assert isinstance(self, QWidget)
        self._stale = True
        self.save_button.setEnabled(False)
        self.save_button.hide()  # nothing to save: only closing is left
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.banner.show_message(text, "warning", COPY if self.drafts is not None else "")
        self.adjustSize()  # the dialog may be on screen already: make room for the message

    @property
    def no_longer_applies(self) -> bool:
        """Whether the form was told it can no longer be saved."""
        return self._stale

    def copy_typed(self) -> None:
        """Put what was typed on the clipboard (the banner's action in a form that can no longer be saved)."""
        if self.drafts is not None:
            QGuiApplication.clipboard().setText(self.drafts.typed_text())
            self.banner.action.setText("Copied")


def _adapter(widget: QWidget) -> tuple[Callable[[], Any], Callable[[Any], bool], Callable[[], str], SignalInstance]:
    """Reading, putting back and showing one kind of input, and its "the person changed it" signal."""
    changed = edited_signal(widget)
    if changed is None:
        raise TypeError(f"a draft cannot keep a {type(widget).__name__}")
    if isinstance(widget, CodeCombo):
        combo = widget

        def put_code(value: Any) -> bool:
            code = value.get("code") if isinstance(value, dict) else None
            if code is None:
                combo.setEditText(str(value.get("text") or "") if isinstance(value, dict) else "")
                return True
            if combo.findData(code) < 0:
                return False  # the choices have not loaded yet
            combo.set_code(code)
            return True

        return lambda: {"code": combo.code(), "text": combo.currentText()}, put_code, combo.currentText, changed
    if isinstance(widget, QComboBox):
        box = widget

        def put_choice(value: Any) -> bool:
            if value is None:
                return True
            index = box.findData(value)
            if index < 0:
                return False
            box.setCurrentIndex(index)
            return True

        return box.currentData, put_choice, box.currentText, changed
    if isinstance(widget, QPlainTextEdit):
        text = widget

        def put_text(value: Any) -> bool:
            text.setPlainText(str(value or ""))
            return True

        return text.toPlainText, put_text, text.toPlainText, changed
    if isinstance(widget, QLineEdit):
        line = widget

        def put_line(value: Any) -> bool:
            line.setText(str(value or ""))
            line.setCursorPosition(0)
            return True

        return line.text, put_line, line.text, changed
    if isinstance(widget, QCheckBox):
        tick = widget

        def put_tick(value: Any) -> bool:
            tick.setChecked(bool(value))
            return True

        return tick.isChecked, put_tick, lambda: "Yes" if tick.isChecked() else "", changed
    raise TypeError(f"a draft cannot keep a {type(widget).__name__}")


__all__ = ["COPY", "About", "FormDraft", "KeepsDrafts"]
