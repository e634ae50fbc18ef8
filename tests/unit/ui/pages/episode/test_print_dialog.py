"""The printer question of the print preview is deleted once answered (it does not pile up)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from ui.pages.episode import print_dialog


@pytest.mark.parametrize("answer", [QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
def test_the_printer_dialog_is_deleted_once_answered(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, answer: QDialog.DialogCode) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: answer)
    printer = print_dialog.ask_printer(parent, 3)
    assert (printer is not None) is (answer == QDialog.DialogCode.Accepted)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert parent.findChildren(QPrintDialog) == []
