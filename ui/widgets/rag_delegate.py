"""Paints a red/amber/green cell as a pill that also says "Red", "Amber" or "Green"."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.models.base import RAG_ROLE
from ui.resources import RAG_COLOURS


class RagDelegate(QStyledItemDelegate):
    """Draws the RAG chip; the model gives the word (DisplayRole) and the colour key (``RAG_ROLE``).

    Each pill is drawn once into a pixmap (per colour, word, font and screen scale) and then only
    copied: a list repaints its visible rows many times, and drawing the rounded, antialiased pill
    and shaping its word every time was a quarter of the queue's repaint.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pills: dict[tuple[str, str, str, float], QPixmap] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:  # noqa: D102 - Qt override
        rag = index.data(RAG_ROLE)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        # Background and selection as for any cell, then the pill on top.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        key = str(rag or "").lower()
        if key not in RAG_COLOURS or not text:
            return
        pill = self._pill(key, text, opt.font, painter.device().devicePixelRatioF())
        scale = pill.devicePixelRatioF()
        height = pill.height() / scale
        painter.drawPixmap(int(option.rect.left() + 5), int(round(option.rect.center().y() - height / 2)), pill)

    def _pill(self, key: str, text: str, cell_font: QFont, ratio: float) -> QPixmap:
        """The pill for a colour and word, drawn once per font and screen scale."""
        cache_key = (key, text, cell_font.key(), ratio)
        found = self._pills.get(cache_key)
        if found is not None:
            return found
        background, foreground, border = RAG_COLOURS[key]
        font = QFont(cell_font)
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(text) + 18, metrics.height() + 4
        pixmap = QPixmap(int((width + 2) * ratio), int((height + 2) * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(1, 1, width, height)
        p.setPen(QPen(QColor(border), 1))
        p.setBrush(QColor(background))
        p.drawRoundedRect(rect, height / 2, height / 2)
        p.setFont(font)
        p.setPen(QColor(foreground))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        self._pills[cache_key] = pixmap
        return pixmap

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: D102 - Qt override
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 76), hint.height())
