"""A small monthly trend chart for an indicator tile (Qt Charts), with the target as a dashed line.

One chart is made per tile and then reused: a new filter replaces its series, never the chart.
A month with nothing to count (``value`` None) leaves a gap in the line rather than a false zero.
"""

from __future__ import annotations

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from hubapp.domain.report_dto import Indicator
from ui.pages.dashboard.values import figure_text, short_figure
from ui.resources import THEME

CHART_HEIGHT = 104


def _segments(indicator: Indicator) -> list[list[QPointF]]:
    """The trend as runs of consecutive months that have a value."""
    runs: list[list[QPointF]] = []
    current: list[QPointF] = []
    for n, point in enumerate(indicator.trend):
        if point.value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(QPointF(n, float(point.value)))
    if current:
        runs.append(current)
    return runs


def trend_words(indicator: Indicator) -> str:
    """The trend in words, month by month (the chart's tooltip and accessible description)."""
    lines = []
    for point in indicator.trend:
        text = figure_text(point.value, indicator.unit) if point.value is not None else "nothing to count"
        if indicator.unit == "percent" and point.denominator:
            text += f" ({point.numerator} of {point.denominator})"
        lines.append(f"{point.month:%b %Y}: {text}")
    if indicator.target is not None:
        lines.append(f"Target: {figure_text(indicator.target, indicator.unit)}")
    return "\n".join(lines)


def axis_range(values: list[float], unit: str) -> tuple[float, float]:
    """The value axis: 0–100 for a percentage, else from 0 (or below, for a fall in scores) to a
    round number above the highest value, so that its three ticks read as whole numbers."""
    if unit == "percent":
        return 0.0, 100.0
    low = min(0.0, min(values, default=0.0))
    size = max(abs(low), max(values, default=0.0))
    step = 1.0
    while size * 1.1 > 2 * step:  # 1, 2, 5, 10, 20, 50 ... per tick
        step = step * 2.5 if str(int(step))[0] == "2" else step * 2
    return (-2 * step if low < 0 else 0.0), 2 * step


class TrendChart(QChartView):
    """The trend of one indicator by month.

    Args:
        parent: the parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TrendChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(CHART_HEIGHT)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QChartView.Shape.NoFrame)
        self.setStyleSheet("background: transparent")
        chart = QChart()
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundVisible(False)
        chart.setMargins(QMargins(0, 0, 16, 0))  # room for the last month's label
        chart.layout().setContentsMargins(0, 0, 0, 0)
        self.setChart(chart)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 2, 7))
        self._x = QCategoryAxis()
        self._x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self._y = QValueAxis()
        for axis in (self._x, self._y):
            axis.setLabelsFont(small)
            axis.setLabelsColor(QColor(THEME["text_muted"]))
            axis.setGridLineColor(QColor(THEME["border"]))
            axis.setLinePenColor(QColor(THEME["border_strong"]))
        self._y.setTickCount(3)
        self._x.setGridLineVisible(False)
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._y, Qt.AlignmentFlag.AlignLeft)
        self.series_count = 0
        self.has_target_line = False

    def set_indicator(self, indicator: Indicator) -> None:
        """Draw ``indicator``'s trend (and its target), replacing what was drawn."""
        chart = self.chart()
        chart.removeAllSeries()
        months = len(indicator.trend)
        self.series_count = 0
        self.has_target_line = False
        for label in list(self._x.categoriesLabels()):
            self._x.remove(label)
        if not months:
            self._x.setRange(0, 1)
            self._y.setRange(0, 1)
            self.setToolTip("No months to show.")
            return
        line_pen = QPen(QColor(THEME["accent"]), 2)
        for run in _segments(indicator):
            series = QLineSeries()
            series.setPen(line_pen)
            series.setPointsVisible(True)
            series.setMarkerSize(5)
            series.append(run)
            self._attach(series)
        values = [float(p.value) for p in indicator.trend if p.value is not None]
        if indicator.target is not None:
            target = QLineSeries()
            pen = QPen(QColor(THEME["green_fg"]), 1.5, Qt.PenStyle.DashLine)
            target.setPen(pen)
            target.append([QPointF(-0.3, indicator.target), QPointF(months - 0.7, indicator.target)])
            target.setName("Target")
            self._attach(target)
            self.has_target_line = True
            values.append(float(indicator.target))
        low, high = axis_range(values, indicator.unit)
        self._y.setRange(low, high)
        self._y.setLabelFormat("%.0f" if float((high - low) / 2).is_integer() else "%.1f")
        self._x.setRange(-0.3, months - 0.7)
        # Three month labels are all a tile has room for: the first, the middle and the last.
        for n in sorted({0, (months - 1) // 2, months - 1}):
            self._x.append(f"{indicator.trend[n].month:%b %y}", n)
        self.setToolTip(trend_words(indicator))
        self.setAccessibleDescription(trend_words(indicator))
        self.setAccessibleName(f"Trend of {indicator.title}, target {short_figure(indicator.target, indicator.unit)}"
                               if indicator.target is not None else f"Trend of {indicator.title}")

    def _attach(self, series: QLineSeries) -> None:
        chart = self.chart()
        chart.addSeries(series)
        series.attachAxis(self._x)
        series.attachAxis(self._y)
        self.series_count += 1
