"""A stand-in for the bedside window's board (the real one replaces this file at merge).

It keeps only the interface the window process uses: `show_view`, `set_level`, and the
signals `picked(menu, index)` and `painted(view, time.monotonic())`. It paints the menu
as a list of cells, the highlighted one inverted and framed, and what is being said.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ..core.view import View
from .themes import colors_of


class Board(QWidget):
    """Cells of the current menu, the highlight, and the speaking line."""

    picked = Signal(str, int)
    painted = Signal(object, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view: View | None = None
        self._level: float | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_view(self, view: View) -> None:
        self._view = view
        self.setAccessibleDescription(view.speaking)
        self.update()

    def set_level(self, dbfs: float | None) -> None:
        self._level = dbfs
        self.update()

    def _cells(self, view: View) -> list[QRect]:
        top, bottom = self.height() // 8, self.height() * 3 // 4
        height = (bottom - top) // max(len(view.labels), 1)
        return [QRect(20, top + i * height, self.width() - 40, height) for i in range(len(view.labels))]

    def paintEvent(self, event: QPaintEvent) -> None:
        view = self._view
        painter = QPainter(self)
        if view is not None:
            colors = colors_of(view.look)
            painter.fillRect(self.rect(), QColor(colors.background))
            font = QFont()
            font.setPixelSize(max(12, int(self.height() // 24 * view.look.font_scale)))
            painter.setFont(font)
            painter.setPen(QColor(colors.text))
            painter.drawText(QRect(20, 0, self.width() - 40, self.height() // 8), 0, view.title)
            for index, (label, cell) in enumerate(zip(view.labels, self._cells(view), strict=True)):
                if index == view.highlight:
                    painter.fillRect(cell, QColor(colors.highlight))
                    painter.setPen(QPen(QColor(colors.frame), view.look.frame_width))
                    painter.drawRect(cell)
                    painter.setPen(QColor(colors.highlight_text))
                else:
                    painter.setPen(QColor(colors.text))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, label)
            painter.setPen(QColor(colors.text))
            speaking = QRect(20, self.height() * 3 // 4, self.width() - 40, self.height() // 4)
            painter.drawText(speaking, Qt.AlignmentFlag.AlignCenter, view.speaking)
        painter.end()
        if view is not None:
            self.painted.emit(view, time.monotonic())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        view = self._view
        if view is None or not view.look.mouse:
            return
        if view.screen in ("rest", "alert"):
            self.picked.emit(view.menu, -1)
            return
        for index, cell in enumerate(self._cells(view)):
            if cell.contains(event.position().toPoint()):
                self.picked.emit(view.menu, index)
