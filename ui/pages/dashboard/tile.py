"""One indicator as a tile: its title, figure, target, a below-target mark, secondary figures, the
explanation when there is nothing to count, and a trend chart (added later, see ``TileGrid``).

A tile takes the keyboard focus; Enter (or a double-click) asks for the list behind the number.
Below target is said in words and with a mark ("▼ Below target"), the red tint only helps.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from hubapp.domain.report_dto import Indicator
from ui.pages.dashboard.trend_chart import CHART_HEIGHT, TrendChart
from ui.pages.dashboard.values import figure_text, number_text, short_figure
from ui.widgets.chips import Chip
from ui.widgets.keys import ENTER_KEYS

BELOW_MARK = "▼ Below target"
ON_TARGET_MARK = "✓ On target"
MIN_TILE_WIDTH = 250
#: Secondary figures shown on a tile; the rest are in the figures' tooltip.
MAX_FIGURE_LINES = 8


def counts_text(indicator: Indicator) -> str:
    """The counts behind a percentage ("45 of 50"), or "" when there are none to show."""
    if indicator.unit == "percent" and indicator.denominator:
        return f"{number_text(indicator.numerator)} of {number_text(indicator.denominator)}"
    return ""


class IndicatorTile(QFrame):
    """A focusable tile showing one :class:`Indicator`.

    Signals:
        sig_activated(): Enter or a double-click: open the list behind the number.

    Args:
        parent: the parent widget.
    """

    # ---- Signals
    sig_activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IndicatorTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(MIN_TILE_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.indicator: Indicator | None = None
        self.chart: TrendChart | None = None
        self.title = QLabel(self)
        self.title.setObjectName("TileTitle")
        self.title.setWordWrap(True)
        self.figure = QLabel(self)
        self.figure.setObjectName("TileFigure")
        self.figure.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.counts = QLabel(self)
        self.counts.setProperty("role", "muted")
        self.mark = Chip("", "neutral", self)
        self.mark.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never clipped
        self.target = QLabel(self)
        self.target.setProperty("role", "muted")
        self.target.setWordWrap(True)
        self.figures = QLabel(self)
        self.figures.setObjectName("TileFigures")
        self.figures.setWordWrap(True)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("TileExplanation")
        self.explanation.setWordWrap(True)
        self.chart_slot = QVBoxLayout()
        self.chart_slot.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QWidget(self)
        self._placeholder.setFixedHeight(CHART_HEIGHT)
        self.chart_slot.addWidget(self._placeholder)

        figure_row = QHBoxLayout()
        figure_row.setSpacing(8)
        figure_row.addWidget(self.figure, 0, Qt.AlignmentFlag.AlignBaseline)
        figure_row.addWidget(self.counts, 1, Qt.AlignmentFlag.AlignBaseline)
        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        status_row.addWidget(self.mark)
        status_row.addWidget(self.target, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 14, 8)
        column.setSpacing(4)
        column.addWidget(self.title)
        column.addLayout(figure_row)
        column.addLayout(status_row)
        column.addWidget(self.figures)
        column.addWidget(self.explanation)
        column.addStretch(1)
        column.addLayout(self.chart_slot)

    # ---- Public

    def set_indicator(self, indicator: Indicator) -> None:
        """Show ``indicator`` (and update the chart when it has one)."""
        self.indicator = indicator
        self.title.setText(f"{indicator.number}. {indicator.title}")
        self.figure.setText(figure_text(indicator.value, indicator.unit))
        self.counts.setText(counts_text(indicator))
        self.counts.setVisible(bool(self.counts.text()))
        if indicator.target is None:
            self.target.setText("No target set")
            self.target.setToolTip("")
        else:
            direction = "≥" if indicator.higher_is_better else "≤"
            self.target.setText(f"Target {direction} {short_figure(indicator.target, indicator.unit)}")
            self.target.setToolTip(f"Target: {'at least' if indicator.higher_is_better else 'at most'} "
                                   f"{figure_text(indicator.target, indicator.unit)}")
        if indicator.below_target:
            self._set_mark(BELOW_MARK, "red")
        elif indicator.target is not None and indicator.value is not None:
            self._set_mark(ON_TARGET_MARK, "green")
        else:
            self.mark.hide()
        lines = [f"{f.label}: {figure_text(f.value, f.unit)}" for f in indicator.figures]
        shown = lines if len(lines) <= MAX_FIGURE_LINES else [
            *lines[:MAX_FIGURE_LINES - 1], f"… {len(lines) - MAX_FIGURE_LINES + 1} more (hover to see)"]
        self.figures.setText("\n".join(shown))
        self.figures.setToolTip("\n".join(lines) if len(shown) != len(lines) else "")
        self.figures.setVisible(bool(indicator.figures))
        self.explanation.setText(indicator.explanation)
        self.explanation.setVisible(bool(indicator.explanation))
        self.setProperty("below", indicator.below_target)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setToolTip(indicator.definition)
        mark = f", {self.mark.text()}" if self.mark.isVisibleTo(self) else ""
        self.setAccessibleName(f"{indicator.title}: {self.figure.text()}{mark}")
        self.setAccessibleDescription(indicator.explanation or indicator.definition)
        if self.chart is not None:
            self.chart.set_indicator(indicator)

    def ensure_chart(self) -> TrendChart:
        """Make the trend chart now (tiles are shown first and charted one by one afterwards)."""
        if self.chart is None:
            self.chart = TrendChart(self)
            self.chart_slot.replaceWidget(self._placeholder, self.chart)
            self._placeholder.deleteLater()
            if self.indicator is not None:
                self.chart.set_indicator(self.indicator)
        return self.chart

    @property
    def is_below_target(self) -> bool:
        """Whether the tile shows the below-target mark."""
        return self.mark.isVisibleTo(self) and self.mark.text() == BELOW_MARK

    # ---- Private

    def _set_mark(self, text: str, kind: str) -> None:
        self.mark.setText(text)
        self.mark.setAccessibleName(text)
        self.mark.setProperty("chip", kind)
        self.mark.style().unpolish(self.mark)
        self.mark.style().polish(self.mark)
        self.mark.show()

    # ---- Qt overrides

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: D102 - Qt override
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in (*ENTER_KEYS, Qt.Key.Key_Space) and modifiers == Qt.KeyboardModifier.NoModifier:
            self.sig_activated.emit()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: D102 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.sig_activated.emit()
            return
        super().mouseDoubleClickEvent(event)
