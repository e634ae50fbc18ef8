"""The navigation list on the left: one entry per area, with an optional count badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter
from PySide6.QtWidgets import (
    QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget,
)

from ui.resources import THEME

#: The badge number of an entry (``None`` or 0 hides it).
BADGE_ROLE = Qt.ItemDataRole.UserRole + 10
#: The entry's page name.
PAGE_ROLE = Qt.ItemDataRole.UserRole + 11


class _BadgeDelegate(QStyledItemDelegate):
    """Draws the item as usual, then the count as a pill on the right."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:  # noqa: D102 - Qt override
        count = index.data(BADGE_ROLE)
        text = str(count) if count and count < 1000 else "999+"
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        metrics = QFontMetrics(font)
        height = metrics.height() + 2
        width = max(metrics.horizontalAdvance(text) + 14, height) if count else 0
        # The entry's own text is shortened so that it never runs under the badge.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        room = opt.rect.width() - opt.decorationSize.width() - 28 - (width + 12 if count else 0)
        opt.text = opt.fontMetrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, max(room, 20))
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not count:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect.right() - width - 10, option.rect.center().y() - height / 2 + 0.5, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(THEME["accent"]))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor(THEME["accent_text"]))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: D102 - Qt override
        hint = super().sizeHint(option, index)
        return QSize(min(hint.width(), 120), max(hint.height(), option.fontMetrics.height() + 18))


class NavList(QListWidget):
    """The areas of the program; the current entry is the page shown.

    Signals:
        sig_page_chosen(str): the person picked the page with this name.
    """

    # ---- Signals
    sig_page_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NavList")
        self.setItemDelegate(_BadgeDelegate(self))
        self.setIconSize(QSize(18, 18))
        self.setUniformItemSizes(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.currentItemChanged.connect(self._on_self_current_item_changed)

    def add_page(self, name: str, text: str, icon: QIcon, shortcut: str = "") -> QListWidgetItem:
        """Add an entry for the page ``name``."""
        item = QListWidgetItem(icon, text)
        item.setData(PAGE_ROLE, name)
        tip = f"{text} ({shortcut})" if shortcut else text
        item.setToolTip(tip)
        self.addItem(item)
        return item

    def item_for(self, name: str) -> QListWidgetItem | None:
        """The entry of page ``name``."""
        for i in range(self.count()):
            item = self.item(i)
            if item.data(PAGE_ROLE) == name:
                return item
        return None

    def set_badge(self, name: str, count: int | None) -> None:
        """Show a count beside an entry (its accessible text says it too)."""
        item = self.item_for(name)
        if item is None:
            return
        item.setData(BADGE_ROLE, count or None)
        base = item.text()
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{base}, {count} waiting" if count else base)

    def badge(self, name: str) -> int:
        """The count shown beside an entry (0 when none)."""
        item = self.item_for(name)
        return int(item.data(BADGE_ROLE) or 0) if item is not None else 0

    def select_page(self, name: str) -> None:
        """Mark ``name`` as the current entry without announcing it."""
        item = self.item_for(name)
        if item is not None and item is not self.currentItem():
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)
            self.viewport().update()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_self_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.sig_page_chosen.emit(str(current.data(PAGE_ROLE)))
