"""Where each part of the bedside board goes: geometry from the widget's size and the view.

Everything scales with the widget's height and `look.font_scale`, so the board reads the same
from the bed on any screen. No painting here, and no rules of the core: the view says what is
highlighted, this only says where it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRect

from ..core.view import View

QUESTION_SCREENS = ("check-in", "offer")
"""Screens whose menu title is a question to the user: shown large above the answers."""
FULL_SCREENS = ("rest", "alert")
"""Screens that are not a menu of cells: a tap anywhere on them is a press."""


@dataclass(frozen=True)
class Cell:
    index: int
    """The item's index in `View.labels`."""
    row: int
    """Its row in the whole menu (a grid's row; each item of a list is a row)."""
    rect: QRect


@dataclass(frozen=True)
class Layout:
    """The parts of one board: rectangles in widget pixels."""

    height: int
    scale: float
    """`look.font_scale`, kept within its limits."""
    frame: int
    """The highlight's frame width: it is drawn around the cell, in the gap, so it takes no
    room from any label."""
    bar: int
    """The dwell bar's height: it runs along the frame's bottom edge, made this thick."""
    margin: int
    gap: int
    heading: QRect
    """The menu title and path; on a question screen, the question."""
    cells: tuple[Cell, ...]
    """The cells on the page shown (every cell when they all fit)."""
    columns: int
    more: QRect | None
    """A strip saying how many items are off this page, when not all fit."""
    above: int
    below: int
    """Items before and after the page shown."""
    middle: QRect
    """The area between the heading and the speaking area (the cells, or a rest's countdown)."""
    speaking: QRect
    status: QRect

    def px(self, share: float) -> int:
        """A text or part size: `share` of the height, times the font scale."""
        return max(1, round(self.height * share * self.scale))

    def cell_at(self, x: int, y: int) -> Cell | None:
        return next((cell for cell in self.cells if cell.rect.contains(x, y)), None)

    def row_rect(self, row: int) -> QRect | None:
        """The block of a row's cells on the page (None when the row is not shown)."""
        rect: QRect | None = None
        for cell in self.cells:
            if cell.row == row:
                rect = cell.rect if rect is None else rect.united(cell.rect)
        return rect


def focus_row(view: View) -> int:
    """The row the scan is on: the highlighted row, or the highlighted item's row."""
    columns = max(1, view.columns)
    if view.row is not None:
        return view.row
    if view.highlight is not None:
        return view.highlight // columns
    return 0


def layout(width: int, height: int, view: View) -> Layout:
    """The board's parts for a widget of this size showing `view`."""
    scale = min(3.0, max(0.5, view.look.font_scale))

    def part(share: float, most: float) -> int:
        return min(round(height * most), max(1, round(height * share * scale)))

    frame = max(1, min(view.look.frame_width, round(height * 0.05)))
    bar = max(frame, 6, round(height * 0.018)) if view.look.dwell_indicator else frame
    # Room around every cell for the frame (and the bar under it), so the frame never covers a
    # neighbour and a label keeps its size when the highlight reaches it.
    margin = max(round(height * 0.015), bar + 2)
    gap = max(round(height * 0.012), bar + 2)
    inner = QRect(margin, margin, max(1, width - 2 * margin), max(1, height - 2 * margin))
    question = view.screen in QUESTION_SCREENS
    heading_h = part(0.2 if question else 0.08, 0.3)
    status_h = part(0.05, 0.1)
    speaking_h = part(0.11, 0.25)
    heading = QRect(inner.left(), inner.top(), inner.width(), heading_h)
    status = QRect(inner.left(), inner.bottom() + 1 - status_h, inner.width(), status_h)
    speaking = QRect(inner.left(), status.top() - gap - speaking_h, inner.width(), speaking_h)
    middle_top = heading.bottom() + 1 + gap
    middle = QRect(inner.left(), middle_top, inner.width(), max(1, speaking.top() - gap - middle_top))
    base = Layout(
        height, scale, frame, bar, margin, gap, heading, (), 1, None, 0, 0, middle, speaking, status
    )
    if view.screen in FULL_SCREENS or not view.labels:
        return base
    return _with_cells(base, view)


def _with_cells(base: Layout, view: View) -> Layout:
    """`base` with the menu's cells in its middle: all of them, or the page around the scan."""
    area = base.middle
    gap = base.gap
    count = len(view.labels)
    columns = max(1, min(view.columns, count))
    rows = math.ceil(count / columns)
    tallest = base.px(0.17)
    lowest = min(area.height(), max(28, base.px(0.07)))
    first, shown, more = 0, rows, None
    if rows * lowest + (rows - 1) * gap > area.height():
        # Too many to show at a readable size: a page of rows around the scan, with a strip
        # saying how many items are on other pages.
        strip = max(12, base.px(0.035))
        more = QRect(area.left(), area.bottom() + 1 - strip, area.width(), strip)
        room = area.height() - strip - gap
        shown = max(1, (room + gap) // (lowest + gap))
        first = min(focus_row(view), rows - 1) // shown * shown
        shown = min(shown, rows - first)
        cell_h = min(tallest, (room - (shown - 1) * gap) // shown)
    else:
        cell_h = min(tallest, (area.height() - (rows - 1) * gap) // rows)
    cell_w = (area.width() - (columns - 1) * gap) // columns
    cells = []
    for row in range(first, first + shown):
        for column in range(columns):
            index = row * columns + column
            if index >= count:
                break
            top = area.top() + (row - first) * (cell_h + gap)
            left = area.left() + column * (cell_w + gap)
            cells.append(Cell(index, row, QRect(left, top, cell_w, cell_h)))
    above = first * columns
    below = max(0, count - (first + shown) * columns)
    return Layout(
        base.height,
        base.scale,
        base.frame,
        base.bar,
        base.margin,
        gap,
        base.heading,
        tuple(cells),
        columns,
        more,
        above,
        below,
        area,
        base.speaking,
        base.status,
    )
