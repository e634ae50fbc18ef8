"""The Qt binding itself: what the program relies on from PySide6 and would fail on in use, not in a test.

PySide6 6.12.0 returned ``None`` from every method that returns nothing without taking a reference to
it. On Python 3.11 ``None`` is an ordinary object, so each such call (``setText``, ``repaint``,
``update`` ...) lowered its reference count by one; the program makes thousands a minute while painting
and aborted with "Fatal Python error: none_dealloc: deallocating None" within the hour (the GUI
benchmark probe took None from 65,000 references to 12,700 in 40 rounds). pyproject.toml keeps that
release out; these tests catch it, or the like, in any release the project moves to.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from ui.models.base import Column, RowTableModel

CALLS = 500


def _none_refs() -> int:
    return sys.getrefcount(None)


def test_methods_returning_nothing_leave_none_alone(qtbot: QtBot) -> None:
    label = QLabel("ready")
    qtbot.addWidget(label)
    before = _none_refs()
    for i in range(CALLS):
        label.setText(f"row {i}")
        label.repaint()
    # Anything else on the thread may move the count a little; the fault took it down by 2 x CALLS.
    assert abs(_none_refs() - before) < CALLS // 10


class _Rows(RowTableModel[int]):
    columns = (Column("Number", str), Column("Square", lambda n: str(n * n)))


def test_painting_a_table_leaves_none_alone(qtbot: QtBot) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    model = _Rows()
    model.set_rows(list(range(200)))
    view.setModel(model)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().repaint()
    before = _none_refs()
    for _ in range(CALLS):
        view.viewport().repaint()
    assert abs(_none_refs() - before) < CALLS // 10
