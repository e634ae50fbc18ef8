"""The main window's stack of pages, laid out one page at a time.

A ``QStackedWidget`` tells its parent layout that its height depends on its width whenever any of its
pages does (a word-wrapped label, a flow layout of filters), and its layout then answers
``heightForWidth`` with the tallest of *all* its pages. Every switch of page re-activated the window's
layout, so each hidden page laid out its wrapped text again: at city scale that was about half of the
GUI thread's 60-120 ms stall when switching to the referrals inbox or the step-down queue (py-spy,
``QStackedLayout::heightForWidth`` under ``QStackedLayout::setCurrentIndex``).

The pages fill the stack's whole area (it sits in the window with a stretch), so the window's layout
needs no height-for-width answer from it: :class:`PageStack` gives none, and only the page shown
lays itself out.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget


class PageStack(QStackedWidget):
    """A ``QStackedWidget`` whose height does not depend on its width (see the module)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        """Never: the parent layout gives the stack its area, and the page shown fits itself in it."""
        return False
