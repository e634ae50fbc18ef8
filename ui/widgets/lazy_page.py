"""A page's place in the main window's stack, the page itself built the first time it is shown or
asked for.

Building every page with the window (and importing what they need) was most of a second of
start-up on the benchmark machine; the episode page and the dashboard are opened later, or not at
all, in a session. The holder is what the stack and the navigation know; the page appears inside it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds a page made by ``build(parent)`` on first :meth:`page` or first showing.

    Signals:
        sig_built(object): the page was just built (connect its signals here).

    Args:
        build: makes the page as a child of the widget it is given.
        parent: the owning widget.
    """

    # ---- Signals
    sig_built = Signal(object)

    def __init__(self, build: Callable[[QWidget], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    # ---- Public

    @property
    def built(self) -> bool:
        """Whether the page exists yet."""
        return self._page is not None

    def page(self) -> QWidget:
        """The page, built now if it was not."""
        if self._page is None:
            self._page = page = self._build(self)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(page)
            self.sig_built.emit(page)
        return self._page

    # ---- Qt overrides

    def showEvent(self, event: QShowEvent) -> None:  # noqa: D102 - Qt override
        super().showEvent(event)
        page = self.page()
        if not page.isVisible():
            page.show()  # a child added to a shown widget shows only when told to
