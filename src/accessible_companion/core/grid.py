"""Grid boards (see README: Grid boards): a menu laid out in rows of cells, scanned row by
row, then item by item within the chosen row. Pure values and the cursor's moves; the
scanner owns the timing and what a press means.

A menu is a grid when it has more items than cells in a row (its own `columns`, else
`display.columns`); otherwise it is a list and scans as a list always has. The Back item the
companion adds is a cell like any other, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .menus import Menu

ROW_CUE_ITEMS = 2
"""A row's cue, unless the caregiver gives one: the cues of its first this many items."""

Moved = Literal["moved", "wrapped", "left row"]
"""What a move did: to the next place, round to where this pass over the menu began (a pass:
the first item of a list, the first row of a grid, or the row last left), or out of a row back
to the rows (after `row_loops` passes through it)."""


@dataclass(frozen=True)
class Layout:
    """How a menu's items are laid out: `columns` cells per row (1: a list)."""

    count: int
    columns: int

    @classmethod
    def of(cls, menu: Menu, default_columns: int) -> Layout:
        """The menu's own `columns`, else the default; a list when its items fit one row."""
        wanted = menu.columns or default_columns
        count = len(menu.items)
        return cls(count, wanted if 1 < wanted < count else 1)

    @property
    def is_grid(self) -> bool:
        return self.columns > 1

    @property
    def rows(self) -> int:
        return -(-self.count // self.columns)

    def row_of(self, index: int) -> int:
        return index // self.columns

    def cells(self, row: int) -> range:
        """The item indexes of `row`."""
        return range(row * self.columns, min(self.count, (row + 1) * self.columns))


def row_cue(menu: Menu, layout: Layout, row: int) -> str:
    """What the cue voice says for `row`: the caregiver's row cue, else its first items' cues."""
    if row < len(menu.row_cues) and menu.row_cues[row]:
        return menu.row_cues[row]
    first = layout.cells(row)[:ROW_CUE_ITEMS]
    return ", ".join(menu.items[index].cue_text for index in first)


def row_cues(menu: Menu, layout: Layout) -> tuple[str, ...]:
    """Every row's cue (none for a list)."""
    return tuple(row_cue(menu, layout, row) for row in range(layout.rows)) if layout.is_grid else ()


@dataclass
class Cursor:
    """Where the highlight is in a menu: on a row of a grid (rows are scanned), or on an item.

    `index` is always a valid item: on a row, the row's first item."""

    index: int = 0
    row: int | None = None
    """The highlighted row while rows are scanned; None on an item (and always in a list)."""
    row_passes: int = 0
    """Passes through the items of the entered row that count toward `row_loops`."""
    spoiled: bool = False
    """This pass through the row had an item highlighted only while presses were blocked
    (the pause after entering the row): it does not count toward `row_loops`."""
    pass_from: int = 0
    """The row this pass over the rows began on: the first, or the row last left."""

    def top(self, layout: Layout) -> None:
        """The first row of a grid, or the first item of a list."""
        self.index = 0
        self.row = 0 if layout.is_grid else None
        self.row_passes = 0
        self.spoiled = False
        self.pass_from = 0

    def enter_row(self, layout: Layout) -> None:
        """Into the highlighted row, at its first item."""
        if self.row is not None:
            self.index = layout.cells(self.row).start
        self.row = None
        self.row_passes = 0
        self.spoiled = False

    def point_at(self, index: int) -> None:
        """Straight to item `index` (chosen by voice or a click), as if its row were entered."""
        self.index = index
        self.row = None
        self.row_passes = 0
        self.spoiled = False

    def next(self, layout: Layout, row_loops: int) -> Moved:
        """One step on: the next row, the next item in the row or list."""
        if self.row is not None:
            self.row = (self.row + 1) % layout.rows
            self.index = layout.cells(self.row).start
            return "wrapped" if self.row == self.pass_from else "moved"
        if not layout.is_grid:
            self.index = (self.index + 1) % layout.count
            return "wrapped" if self.index == 0 else "moved"
        cells = layout.cells(layout.row_of(self.index))
        if self.index + 1 < cells.stop:
            self.index += 1
            return "moved"
        self.index = cells.start
        if not self.spoiled:
            self.row_passes += 1
        self.spoiled = False
        if self.row_passes < row_loops:
            return "moved"
        # Back to the rows on the same row: a user who just missed an item takes it again at once.
        self.row = self.pass_from = layout.row_of(self.index)
        self.row_passes = 0
        return "left row"

    def fit(self, layout: Layout) -> None:
        """Keep the place valid in a menu that changed (same layout, maybe other items)."""
        self.index = max(0, min(self.index, layout.count - 1))
        self.pass_from = min(self.pass_from, layout.rows - 1)
        if self.row is not None:
            self.row = layout.row_of(self.index)
            self.index = layout.cells(self.row).start
