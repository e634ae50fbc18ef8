"""The twelve indicator tiles in a grid that reflows with the width, moved through with the arrow keys.

The first time, tiles are made a few per turn of the event loop and their trend charts afterwards,
one per turn, so that a first load never holds the GUI thread for long (a chart costs a few
milliseconds, the first one up to about 25 ms while Qt Charts starts). A reload updates the tiles
and redraws the charts in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

from hubapp.domain.report_dto import Indicator
from ui.pages.dashboard.tile import MIN_TILE_WIDTH, IndicatorTile
from ui.resources import THEME

MAX_COLUMNS = 4
#: Tiles made per turn of the event loop (each costs about 3 ms with its labels and style).
TILES_PER_TURN = 4
SPACING = 12
STYLE = """
QFrame#IndicatorTile {{ background: {surface}; border: 1px solid {border}; border-radius: 6px; }}
QFrame#IndicatorTile[below="true"] {{ border: 1px solid {red_border}; border-left: 5px solid {red_fg}; }}
QFrame#IndicatorTile:focus {{ border: 2px solid {focus}; }}
QFrame#IndicatorTile[below="true"]:focus {{ border: 2px solid {focus}; border-left: 5px solid {red_fg}; }}
QLabel#TileTitle {{ font-weight: 600; }}
QLabel#TileFigure {{ font-size: 20pt; font-weight: 600; }}
QLabel#TileFigures {{ font-size: {small_pt}; }}
QLabel#TileExplanation {{ color: {text_muted}; font-style: italic; }}
"""


class TileGrid(QScrollArea):
    """The indicator tiles.

    Signals:
        sig_drill_requested(int): open the list behind the tile at this position.
        sig_tiles_made(): every indicator has its tile, showing its figures (charts may follow).
        sig_charts_built(): every tile has its trend chart drawn.

    Args:
        parent: the parent widget.
    """

    # ---- Signals
    sig_drill_requested = Signal(int)
    sig_tiles_made = Signal()
    sig_charts_built = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TileGrid")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._inner = QWidget(self)
        self._inner.setObjectName("TileGridInner")
        self._inner.setStyleSheet(STYLE.format(**THEME))
        self._grid = QGridLayout(self._inner)
        self._grid.setContentsMargins(0, 4, 4, 4)
        self._grid.setSpacing(SPACING)
        self.setWidget(self._inner)
        self.tiles: list[IndicatorTile] = []
        self._columns = 0
        self._current = 0
        self._indicators: list[Indicator] = []
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(0)
        self._chart_timer.timeout.connect(self._build_next_chart)

    # ---- Public

    @property
    def columns(self) -> int:
        """How many tiles a row holds at the current width."""
        return self._columns

    def set_indicators(self, indicators: Sequence[Indicator]) -> None:
        """Show these indicators, reusing the tiles (and charts) already made.

        Tiles not made yet are made a few per turn of the event loop, then the missing charts one
        per turn; ``sig_charts_built`` says when all is drawn.
        """
        shown_before = len(self.visible_tiles())
        self._indicators = list(indicators)
        for tile, indicator in zip(self.tiles, indicators, strict=False):
            tile.set_indicator(indicator)
            tile.show()
        for tile in self.tiles[len(indicators):]:
            tile.hide()
            tile.indicator = None
        if len(self.visible_tiles()) != shown_before:
            self._columns = 0  # lay out again
            self._relayout()
        self._chart_timer.start()
        if len(self.tiles) >= len(indicators):
            self.sig_tiles_made.emit()

    def is_building(self) -> bool:
        """Whether tiles or charts are still being made."""
        return self._chart_timer.isActive()

    def visible_tiles(self) -> list[IndicatorTile]:
        """The tiles in use, in order."""
        return [t for t in self.tiles if t.indicator is not None and not t.isHidden()]

    def current_index(self) -> int:
        """The position of the tile with the focus, else the one that had it last."""
        for n, tile in enumerate(self.tiles):
            if tile.hasFocus():
                self._current = n
        return self._current

    def focus_tile(self, position: int) -> None:
        """Give the focus to the tile at ``position`` (clamped) and scroll it into view."""
        tiles = self.visible_tiles()
        if not tiles:
            self.setFocus()
            return
        self._current = max(0, min(position, len(tiles) - 1))
        tile = tiles[self._current]
        tile.setFocus(Qt.FocusReason.OtherFocusReason)
        self.ensureWidgetVisible(tile, 8, 8)

    def charts_pending(self) -> int:
        """How many indicators still wait for their tile or their chart."""
        made = self.visible_tiles()
        return len(self._indicators) - len(made) + sum(1 for t in made if t.chart is None)

    # ---- Private

    def _relayout(self) -> None:
        width = self.viewport().width() or self.width()
        columns = max(1, min(MAX_COLUMNS, (width + SPACING) // (MIN_TILE_WIDTH + SPACING)))
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        for n, tile in enumerate(self.visible_tiles()):
            self._grid.addWidget(tile, n // columns, n % columns)
        for c in range(MAX_COLUMNS):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)
        rows = (len(self.visible_tiles()) + columns - 1) // columns
        for r in range(rows + 1):
            self._grid.setRowStretch(r, 1 if r == rows else 0)

    def _build_next_chart(self) -> None:
        """One step of the work left: a few more tiles, else one more chart."""
        if len(self.tiles) < len(self._indicators):
            for _ in range(min(TILES_PER_TURN, len(self._indicators) - len(self.tiles))):
                self._add_tile(self._indicators[len(self.tiles)])
            self._columns = 0
            self._relayout()
            self._chart_timer.start()
            if len(self.tiles) >= len(self._indicators):
                self.sig_tiles_made.emit()
            return
        waiting = [t for t in self.visible_tiles() if t.chart is None]
        if waiting:
            waiting[0].ensure_chart()
        if len(waiting) > 1:
            self._chart_timer.start()
        else:
            self.sig_charts_built.emit()

    def _add_tile(self, indicator: Indicator) -> None:
        tile = IndicatorTile(self._inner)
        tile.installEventFilter(self)
        position = len(self.tiles)
        tile.sig_activated.connect(lambda p=position: self._on_tile_activated(p))
        tile.set_indicator(indicator)
        self.tiles.append(tile)
        tile.show()

    def _on_tile_activated(self, position: int) -> None:
        self._current = position
        self.sig_drill_requested.emit(position)

    def _move(self, key: int) -> bool:
        count = len(self.visible_tiles())
        if not count:
            return False
        here = self.current_index()
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -self._columns,
                Qt.Key.Key_Down: self._columns}.get(Qt.Key(key))
        if key == Qt.Key.Key_Home:
            target = 0
        elif key == Qt.Key.Key_End:
            target = count - 1
        elif step is None:
            return False
        else:
            target = here + step
            if not 0 <= target < count:
                return True  # at the edge: stay put
        self.focus_tile(target)
        return True

    # ---- Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if isinstance(watched, IndicatorTile) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier:
                return self._move(event.key())
        if isinstance(watched, IndicatorTile) and event.type() == QEvent.Type.FocusIn:
            self._current = self.tiles.index(watched)
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: object) -> None:  # noqa: D102 - Qt override
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout()
