"""Painting the menu's cells: plain ones, the highlighted one (or row), and the dwell bar.

The highlight is never colour alone: the cell is inverted (the theme's highlight fill and text)
and framed with a thick frame in the theme's frame colour. A highlighted row of a grid has
every cell inverted and one frame around the whole row, so it reads as one block.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter

from ..core.view import View
from . import fit
from .layout import Cell, Layout
from .themes import colors_of, contrast


@dataclass(frozen=True)
class Palette:
    """The theme's colours, ready to paint with."""

    background: QColor
    text: QColor
    highlight: QColor
    highlight_text: QColor
    frame: QColor
    outline: QColor
    """A plain cell's thin edge: halfway between text and background (shape, not text)."""

    @staticmethod
    def of(view: View) -> Palette:
        colors = colors_of(view.look)
        text, background = QColor(colors.text), QColor(colors.background)
        outline = QColor(
            (text.red() + background.red()) // 2,
            (text.green() + background.green()) // 2,
            (text.blue() + background.blue()) // 2,
        )
        return Palette(
            background,
            text,
            QColor(colors.highlight),
            QColor(colors.highlight_text),
            QColor(colors.frame),
            outline,
        )


def frame(painter: QPainter, rect: QRect, width: int, color: QColor) -> None:
    """A frame `width` pixels thick inside `rect` (filled rectangles: crisp at any width)."""
    painter.fillRect(QRect(rect.left(), rect.top(), rect.width(), width), color)
    painter.fillRect(QRect(rect.left(), rect.bottom() + 1 - width, rect.width(), width), color)
    painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), color)
    painter.fillRect(QRect(rect.right() + 1 - width, rect.top(), width, rect.height()), color)


def text_box(cell: Cell) -> QRect:
    """Where a cell's label goes: the cell less a little padding (the frame is outside it)."""
    pad = max(3, cell.rect.height() // 16)
    side = max(2 * pad, cell.rect.height() // 4)
    return cell.rect.adjusted(side, pad, -side, -pad)


def highlighted(view: View, cell: Cell) -> bool:
    return cell.index == view.highlight or (view.highlight is None and cell.row == view.row)


def paint_cells(painter: QPainter, lay: Layout, view: View, palette: Palette) -> None:
    """Every cell on the page, then the frame around the highlighted cell or row."""
    align = Qt.AlignmentFlag.AlignLeft if lay.columns == 1 else Qt.AlignmentFlag.AlignHCenter
    if not lay.cells:
        return
    box = text_box(lay.cells[0])
    smallest = lay.px(0.025)
    largest = fit.common_size(
        view.labels, box.width(), box.height(), min(lay.px(0.08), box.height()), smallest
    )
    for cell in lay.cells:
        box = text_box(cell)
        fitted = fit.fit(view.labels[cell.index], box.width(), box.height(), largest, smallest)
        if highlighted(view, cell):
            painter.fillRect(cell.rect, palette.highlight)
            painter.setPen(palette.highlight_text)
        else:
            frame(painter, cell.rect, max(2, lay.height // 400), palette.outline)
            painter.setPen(palette.text)
        fit.draw(painter, fitted, box, align)
    block = focus_rect(lay, view)
    if block is not None:
        outer = block.adjusted(-lay.frame, -lay.frame, lay.frame, lay.bar)
        frame(painter, outer, lay.frame, palette.frame)
        painter.fillRect(QRect(outer.left(), block.bottom() + 1, outer.width(), lay.bar), palette.frame)


def focus_rect(lay: Layout, view: View) -> QRect | None:
    """The highlighted cell, or the highlighted row as one block; None when neither is shown.
    Its frame is drawn around it: `lay.frame` wide, `lay.bar` at the bottom."""
    if view.highlight is not None:
        return next((cell.rect for cell in lay.cells if cell.index == view.highlight), None)
    if view.row is not None:
        return lay.row_rect(view.row)
    return None


def dwell_rect(lay: Layout, view: View) -> QRect | None:
    """Where the dwell bar goes: the bottom edge of the highlight's frame, under the cell or row."""
    block = focus_rect(lay, view)
    if block is None or not view.look.dwell_indicator:
        return None
    return QRect(block.left() - lay.frame, block.bottom() + 1, block.width() + 2 * lay.frame, lay.bar)


def bar_color(palette: Palette) -> QColor:
    """The theme colour that stands out most on the frame: the bar fills in it."""
    candidates = (palette.background, palette.text, palette.highlight, palette.highlight_text)
    return max(candidates, key=lambda color: _contrast(color, palette.frame))


def _contrast(one: QColor, other: QColor) -> float:
    return contrast((one.red(), one.green(), one.blue()), (other.red(), other.green(), other.blue()))


def paint_dwell(painter: QPainter, lay: Layout, view: View, palette: Palette, now: float) -> None:
    """The bar: the frame's bottom edge fills from the left as the item's time runs out."""
    bar = dwell_rect(lay, view)
    if bar is None or view.dwell is None:
        return
    start, until = view.dwell
    share = 1.0 if until <= start else min(1.0, max(0.0, (now - start) / (until - start)))
    painter.fillRect(bar, palette.frame)
    inner = bar.adjusted(lay.frame, 2, -lay.frame, -2)
    painter.fillRect(
        QRect(inner.left(), inner.top(), round(inner.width() * share), inner.height()), bar_color(palette)
    )
