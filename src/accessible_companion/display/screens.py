"""The full-screen states: a rest (a large countdown and how to end it) and a call for help
(a red screen in white letters, then "help is on the way" once the caregiver has been told).

The call for help is red whatever the theme, a colour everyone in the room knows, with white
text at 7.4:1; it never flashes (a tired user, and no timer needed).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter

from ..core.settings import WindowWords
from ..core.view import View
from . import fit
from .cells import Palette
from .layout import Layout

ALERT_FILL = "#b00000"
ALERT_TEXT = "#ffffff"
"""White on this red: 7.4:1 (tests/display/test_board.py measures it)."""


def alert_palette() -> Palette:
    white, red = QColor(ALERT_TEXT), QColor(ALERT_FILL)
    return Palette(red, white, white, red, white, white)


def seconds_left(view: View, now: float) -> int | None:
    """Whole seconds until the rest ends (rounded up: 0 only when it is over); None without one."""
    if view.rest_until is None:
        return None
    return max(0, math.ceil(view.rest_until - now - 1e-6))


def countdown(seconds: int) -> str:
    """`4:05`, `1:02:03`."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def paint_rest(
    painter: QPainter,
    lay: Layout,
    view: View,
    palette: Palette,
    words: WindowWords,
    now: float,
) -> None:
    """The countdown large in the middle, and under it how to end the rest (or that it is over)."""
    middle = lay.middle
    left = seconds_left(view, now)
    painter.setPen(palette.text)
    split = middle.top() + round(middle.height() * 0.62)
    lower = QRect(middle.left(), split, middle.width(), middle.bottom() + 1 - split)
    if left is not None:
        upper = QRect(middle.left(), middle.top(), middle.width(), split - middle.top())
        digits = fit.fit(
            countdown(left), upper.width(), upper.height(), round(upper.height() * 0.8), lay.px(0.05)
        )
        fit.draw(painter, digits, upper, Qt.AlignmentFlag.AlignHCenter)
    else:
        lower = middle
    line = words.rest_over if left == 0 else words.screen_rest
    fitted = fit.fit(line, lower.width(), lower.height(), lay.px(0.07), lay.px(0.03))
    fit.draw(painter, fitted, lower, Qt.AlignmentFlag.AlignHCenter)


def paint_alert(painter: QPainter, lay: Layout, view: View, words: WindowWords) -> None:
    """The call for help: what is happening, very large, and how to stop it."""
    palette = alert_palette()
    top = lay.heading.top()
    bottom = lay.speaking.bottom()
    box = QRect(lay.heading.left(), top, lay.heading.width(), bottom + 1 - top)
    split = box.top() + round(box.height() * 0.62)
    upper = QRect(box.left(), box.top(), box.width(), split - box.top())
    lower = QRect(box.left(), split, box.width(), box.bottom() + 1 - split)
    heading = words.help_coming if view.alert_notified else words.screen_alert
    painter.setPen(palette.text)
    fitted = fit.fit(heading, upper.width(), upper.height(), lay.px(0.14), lay.px(0.04))
    fit.draw(painter, fitted, upper, Qt.AlignmentFlag.AlignHCenter)
    fitted = fit.fit(words.screen_alert_stop, lower.width(), lower.height(), lay.px(0.07), lay.px(0.03))
    fit.draw(painter, fitted, lower, Qt.AlignmentFlag.AlignHCenter)
