"""PageStack: switching pages lays out only the page shown, never the hidden ones' wrapped text."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.page_stack import PageStack


class _CountingLabel(QLabel):
    """A word-wrapped label that counts the height-for-width questions it is asked."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self.asked = 0

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        self.asked += 1
        return super().heightForWidth(width)


def _window(stack: QStackedWidget, qtbot: QtBot) -> tuple[QWidget, list[_CountingLabel]]:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("A banner above the pages"))
    layout.addWidget(stack, 1)
    labels = []
    for i in range(3):
        page = QWidget()
        label = _CountingLabel(f"Page {i}: " + "a long explanation that wraps over several lines " * 8)
        QVBoxLayout(page).addWidget(label)
        labels.append(label)
        stack.addWidget(page)
    window.resize(500, 400)
    window.show()
    qtbot.waitExposed(window)
    return window, labels


def _asked_of_hidden_pages_while_switching(stack: QStackedWidget, qtbot: QtBot) -> int:
    _window_, labels = _window(stack, qtbot)
    labels[0].asked = labels[2].asked = 0
    stack.setCurrentIndex(1)
    qtbot.waitUntil(lambda: labels[1].isVisible())
    stack.window().layout().activate()
    return labels[0].asked + labels[2].asked


def test_a_switch_asks_nothing_of_the_hidden_pages(qtbot: QtBot) -> None:
    stack = PageStack()
    assert _asked_of_hidden_pages_while_switching(stack, qtbot) == 0
    assert not stack.hasHeightForWidth()


def test_a_plain_stacked_widget_asks_every_page(qtbot: QtBot) -> None:
    # What PageStack avoids: without it the hidden pages lay out their text again at each switch.
    assert _asked_of_hidden_pages_while_switching(QStackedWidget(), qtbot) > 0


def test_the_page_shown_still_fits_its_wrapped_text(qtbot: QtBot) -> None:
    stack = PageStack()
    _window_, labels = _window(stack, qtbot)
    stack.setCurrentIndex(2)
    qtbot.waitUntil(lambda: labels[2].isVisible())
    label = labels[2]
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()
