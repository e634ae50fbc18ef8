"""The questions the front door asks in message boxes (module functions, so tests replace them).

Each returns a plain answer; none of them is called from a worker thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from hubapp.drafts import Draft
from ui import formatting as fmt

DISCARD, KEEP, CANCEL = "discard", "keep", "cancel"
RESTORE, LATER = "restore", "later"


def ask_discard(parent: QWidget | None, what: str = "this request", keep: bool = True) -> str:
    """Leaving a form with unsaved typing: ``"discard"``, ``"keep"`` (as a draft) or ``"cancel"``.

    Args:
        parent: the form.
        what: what is unsaved, e.g. "this request".
        keep: whether keeping a draft is offered (forms without a draft only discard or go back).
    """
    box = QMessageBox(QMessageBox.Icon.Question, "Not saved", f"You have not saved {what}.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Keep it as a draft on this PC (offered again next time), discard what you typed, "
                           "or go back to it." if keep else "Discard what you typed, or go back to it?")
    keep_button = box.addButton("&Keep as draft", QMessageBox.ButtonRole.AcceptRole) if keep else None
    discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep_button or back)
    box.setEscapeButton(back)
    box.exec()
    clicked = box.clickedButton()
    if clicked is discard:
        return DISCARD
    if keep_button is not None and clicked is keep_button:
        return KEEP
    return CANCEL


def ask_restore(parent: QWidget | None, draft: Draft, others: int = 0) -> str:
    """An unsaved draft was found: ``"restore"``, ``"later"`` or ``"discard"``."""
    more = f" (and {others} more)" if others else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved work found",
                      f"{draft.title or 'A request'} was not saved{more}.", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setInformativeText(f"It was last typed at {fmt.uk_datetime(draft.saved_at)} and kept on this PC. "
                           "Open it again to finish it?")
    restore = box.addButton("&Open it", QMessageBox.ButtonRole.AcceptRole)
    later = box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton("&Discard it", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(later)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return RESTORE
    if clicked is discard:
        return DISCARD
    return LATER


def confirm_discard_draft(parent: QWidget | None, draft: Draft) -> bool:
    """Make sure a draft is really to be thrown away."""
    answer = QMessageBox.question(parent, "Discard unsaved work",
                                  f"Discard {draft.title or 'this draft'}? What was typed will be lost.",
                                  QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard
