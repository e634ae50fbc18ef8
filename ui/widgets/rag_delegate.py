"""Paints a red/amber/green cell as a pill that also says "Red", "Amber" or "Green"."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.models.base import RAG_ROLE
from ui.resources import RAG_COLOURS


class RagDelegate(QStyledItemDelegate):
    """Draws the RAG chip; the model gives the word (DisplayRole) and the colour key (``RAG_ROLE``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

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
        colours = RAG_COLOURS.get(str(rag or "").lower())
        if colours is None or not text:
            return
        background, foreground, border = colours
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = opt.font
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 18
        height = metrics.height() + 4
        rect = QRectF(option.rect.left() + 6, option.rect.center().y() - height / 2 + 0.5, width, height)
        painter.setPen(QPen(QColor(border), 1))
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor(foreground))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: D102 - Qt override
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 76), hint.height())
