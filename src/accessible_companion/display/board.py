"""The bedside board: a Qt widget that paints one `View`, large enough to read from the pillow.

`Board.show_view(view)` and `Board.set_level(dbfs)` are called on the Qt main thread (the
window hands views over from the loop's thread); `picked(menu, index)` reports a click or tap
on a cell (index -1: the screen itself, on a rest or a call for help), and `painted(view,
time)` the moment the first paint of each view finished (`time.monotonic()`, the loop's
clock: CLOCK_MONOTONIC is the same in every process, so a child process may paint it).

The board decides nothing: what is highlighted and what a tap means are the core's; it only
says where a tap landed. It never takes the keyboard (the switch keys belong to the X11
listener), and no timer runs unless something on screen moves: the dwell bar while an item's
time runs, the rest's countdown once a second. Idle, it costs nothing.

The painting lives next to it: `layout` (where parts go), `fit` (text that fits its box),
`cells`, `chrome` (heading, speaking area, status line) and `screens` (rest, call for help).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from ..core.view import View
from . import cells, chrome, screens
from .cells import Palette
from .layout import FULL_SCREENS, Layout, layout

FRAME_MS = 66
"""The dwell bar moves at most ~15 times a second: smooth enough for a filling bar, and half
the CPU of 30 (bench/idle_cpu.py: 3.65% of a core while scanning at 1 s at 30, both processes)."""
TICK_SLACK_MS = 5
"""The countdown's timer fires this long after the second changes, never just before it."""


class Board(QWidget):
    """Paints one view: heading, cells, what is said, status, or a full-screen rest or alert."""

    picked = Signal(str, int)
    """(menu id, item index) of a click or tap on a cell; index -1 on a rest or alert screen."""
    painted = Signal(object, float)
    """(view, time.monotonic()) once the first paint of each view shown has finished."""

    def __init__(
        self,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._view: View | None = None
        self._palette: Palette | None = None
        self._layout: Layout | None = None
        self._level: float | None = None
        self._unreported: View | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Every paint covers the whole widget: Qt need not clear it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("Accessible Companion")
        self._dwell_timer = QTimer(self)
        self._dwell_timer.timeout.connect(self._dwell_step)
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._rest_step)

    # The interface the window uses.

    def show_view(self, view: View) -> None:
        """Paint `view` (on the next paint) and start or stop what moves on it."""
        self._view = view
        self._palette = Palette.of(view)
        self._layout = None
        self._unreported = view
        self._describe(view)
        self._schedule(view)
        self.update()

    def set_level(self, dbfs: float | None) -> None:
        """The microphone's level now (dBFS), or None when it is not heard."""
        if dbfs == self._level:
            return
        self._level = dbfs
        if self._view is not None and self._view.voice in chrome.LEVEL_SHOWN:
            self.update(self.parts().status)

    @property
    def view(self) -> View | None:
        return self._view

    def timers_running(self) -> bool:
        """Whether a timer of the board runs (none should while nothing on screen moves)."""
        return self._dwell_timer.isActive() or self._rest_timer.isActive()

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)

    # Painting.

    def paintEvent(self, event: QPaintEvent) -> None:
        view, palette = self._view, self._palette
        painter = QPainter(self)
        try:
            if view is None or palette is None:
                painter.fillRect(self.rect(), QColor("#000000"))
                return
            lay = self.parts()
            bar = cells.dwell_rect(lay, view) if view.screen not in FULL_SCREENS else None
            if bar is not None and self._unreported is None and bar.contains(event.rect()):
                # A step of the dwell bar: only the bar changed.
                cells.paint_dwell(painter, lay, view, palette, self._clock())
                return
            self._paint(painter, lay, view, palette)
        finally:
            painter.end()
        if self._unreported is view:
            self._unreported = None
            self.painted.emit(view, time.monotonic())

    def _paint(self, painter: QPainter, lay: Layout, view: View, palette: Palette) -> None:
        if view.screen == "alert":
            alert = screens.alert_palette()
            painter.fillRect(self.rect(), alert.background)
            screens.paint_alert(painter, lay, view, view.look.words)
            chrome.paint_status(painter, lay, view, alert, view.look.words, self._level)
            return
        painter.fillRect(self.rect(), palette.background)
        chrome.paint_heading(painter, lay, view, palette)
        if view.screen == "rest":
            screens.paint_rest(painter, lay, view, palette, view.look.words, self._clock())
        else:
            cells.paint_cells(painter, lay, view, palette)
            cells.paint_dwell(painter, lay, view, palette, self._clock())
            chrome.paint_more(painter, lay, palette, view.look.words)
        chrome.paint_speaking(painter, lay, view, palette, view.look.words)
        chrome.paint_status(painter, lay, view, palette, view.look.words, self._level)

    def parts(self) -> Layout:
        """Where each part of the view shown is painted (a view must have been shown)."""
        assert self._view is not None
        if self._layout is None:
            self._layout = layout(self.width(), self.height(), self._view)
        return self._layout

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout = None
        super().resizeEvent(event)

    # What moves: the dwell bar, the rest's countdown.

    def _schedule(self, view: View) -> None:
        now = self._clock()
        bar = cells.dwell_rect(self.parts(), view) if view.screen not in FULL_SCREENS else None
        if bar is not None and view.dwell is not None and now < view.dwell[1]:
            duration = view.dwell[1] - view.dwell[0]
            # No faster than the bar can show: one step per pixel it grows.
            self._dwell_timer.start(max(FRAME_MS, int(duration * 1000 / max(1, bar.width()))))
        else:
            self._dwell_timer.stop()
        if view.screen == "rest" and view.rest_until is not None and now < view.rest_until:
            left = view.rest_until - now
            to_next = left - math.floor(left) or 1.0
            self._rest_timer.start(math.ceil(to_next * 1000) + TICK_SLACK_MS)
        else:
            self._rest_timer.stop()

    def _dwell_step(self) -> None:
        view = self._view
        if view is None or view.dwell is None:
            self._dwell_timer.stop()
            return
        if self._clock() >= view.dwell[1]:
            self._dwell_timer.stop()
        bar = cells.dwell_rect(self.parts(), view)
        if bar is not None:
            self.update(bar)

    def _rest_step(self) -> None:
        view = self._view
        if view is None:
            return
        self.update(self.parts().middle)
        self._schedule(view)

    # Pointer and assistive technology.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A left click or a tap: report the cell (or the screen itself on a rest or alert).
        On press, not release: a tap that slides as a weak hand lifts still counts."""
        view = self._view
        if view is None or not view.look.mouse or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        if view.screen in FULL_SCREENS:
            self.picked.emit(view.menu, -1)
            return
        point = event.position().toPoint()
        cell = self.parts().cell_at(point.x(), point.y())
        if cell is not None:
            self.picked.emit(view.menu, cell.index)

    def _describe(self, view: View) -> None:
        """What a screen reader says: the highlighted item (or row, or the full-screen state) as
        the name; where we are, what is said and the notice as the description."""
        if view.screen == "alert":
            name = view.look.words.help_coming if view.alert_notified else view.look.words.screen_alert
        elif view.screen == "rest":
            name = view.look.words.screen_rest
        elif view.highlight is not None and 0 <= view.highlight < len(view.labels):
            name = view.labels[view.highlight]
        elif view.row is not None:
            columns = max(1, view.columns)
            name = ", ".join(view.labels[view.row * columns : (view.row + 1) * columns])
        else:
            name = view.title
        where = chrome.PATH_SEPARATOR.join(view.path) if view.path else view.title
        described = " — ".join(part for part in (where, view.speaking, view.notice) if part)
        if name != self.accessibleName():
            self.setAccessibleName(name)
        if described != self.accessibleDescription():
            self.setAccessibleDescription(described)

    def focus_rect(self) -> QRect | None:
        """Where the highlighted cell or row is painted (for tests and the window's checks)."""
        if self._view is None or self._view.screen in FULL_SCREENS:
            return None
        return cells.focus_rect(self.parts(), self._view)

    def cell_rect(self, index: int) -> QRect | None:
        """Where item `index` is painted, if it is on the page shown."""
        if self._view is None:
            return None
        return next((cell.rect for cell in self.parts().cells if cell.index == index), None)
