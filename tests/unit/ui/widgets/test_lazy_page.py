"""The lazily built page holder: nothing is made until the holder is shown or the page asked for."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.lazy_page import LazyPage


def test_the_page_is_built_once_when_first_shown(qtbot: QtBot) -> None:
    made: list[QWidget] = []

    def build(parent: QWidget) -> QWidget:
        made.append(QLabel("the page", parent))
        return made[-1]

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    first = QLabel("first", stack)
    holder = LazyPage(build, stack)
    stack.addWidget(first)
    stack.addWidget(holder)
    built: list[object] = []
    holder.sig_built.connect(built.append)
    stack.show()
    qtbot.waitExposed(stack)
    assert made == [] and not holder.built  # hidden in the stack: nothing made
    stack.setCurrentWidget(holder)
    qtbot.waitUntil(lambda: bool(made) and made[0].isVisible())
    assert holder.built and built == made and made[0].parent() is holder
    stack.setCurrentWidget(first)
    stack.setCurrentWidget(holder)
    assert holder.page() is made[0] and len(made) == 1 and built == made


def test_asking_for_the_page_builds_it_without_showing_it(qtbot: QtBot) -> None:
    holder = LazyPage(lambda parent: QLabel("the page", parent))
    qtbot.addWidget(holder)
    page = holder.page()
    assert holder.built and page is holder.page() and not page.isVisible()
    holder.show()
    qtbot.waitUntil(page.isVisible)
