"""Chips: short tinted labels for flags and states. The words carry the meaning, the tint only helps."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

#: How a family flag is tinted (unknown flags are neutral).
FLAG_KINDS: dict[str, str] = {
    "Open early help episode": "accent",
    "Transfer in progress": "amber",
    "Re-referral within 12 months": "amber",
    "Referred before within 12 months": "amber",
    "Episode closed in the last 12 months": "neutral",
    # Revolving door (DOMAIN §9).
    **{f"Step-up within {m} months of {what}": "red" for m in (6, 12)
       for what in ("a step-down", "an outcomes-met closure")},
    **{f"{n} episodes in 24 months": "red" for n in range(3, 13)},
}


class Chip(QLabel):
    """One chip.

    Args:
        text: what it says.
        kind: ``neutral``, ``accent``, ``green``, ``amber`` or ``red`` (styled in 40-chips.qss).
        parent: the parent widget.
    """

    def __init__(self, text: str, kind: str = "neutral", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setProperty("chip", kind)
        self.setAccessibleName(text)


class ChipRow(QWidget):
    """A row of chips that can be replaced as a whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)

    def set_chips(self, chips: Iterable[tuple[str, str]]) -> None:
        """Show these ``(text, kind)`` chips instead of the current ones."""
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, (text, kind) in enumerate(chips):
            self._layout.insertWidget(i, Chip(text, kind, self))

    def texts(self) -> list[str]:
        """The chips' texts, in order (for tests and accessibility)."""
        out = []
        for i in range(self._layout.count()):
            item = self._layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, Chip):
                out.append(widget.text())
        return out
