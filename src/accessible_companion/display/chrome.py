"""Painting around the cells: the heading (where we are, or the question), what the main voice
is saying, the quiet status line with the microphone level and the notice, and the strip that
says a long menu has more pages.

A warning or an error carries a symbol and a word as well as its colour (never colour alone).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from ..core.settings import WindowWords
from ..core.view import NoticeLevel, View
from . import fit
from .cells import Palette, frame
from .layout import FULL_SCREENS, QUESTION_SCREENS, Layout
from .terminal import format_interval, page_text, state_text

_STATE_FIELDS = {
    "scanning": "state_scanning",
    "waiting": "state_waiting",
    "held": "state_held",
    "hold-ready": "state_hold_ready",
    "idle": "state_idle",
}
"""`View.state` -> its field in `WindowWords` (rests and alerts fill the screen instead)."""

PATH_SEPARATOR = " › "
NOTICE_LOOK: dict[NoticeLevel, tuple[str, str, str] | None] = {
    "info": None,
    "warning": ("⚠", "#ffcc00", "#000000"),
    "error": ("✖", "#b00000", "#ffffff"),
}
"""(symbol, fill, text) of a notice by its level (both pairs above 7:1); info is plain text."""
LEVEL_SHOWN = ("listening", "asleep")
"""Voice states with an open microphone: the status line shows its level."""
QUIET_LEVEL = -60.0
"""dBFS shown as an empty microphone bar (0 dBFS is full)."""


def paint_heading(painter: QPainter, lay: Layout, view: View, palette: Palette) -> None:
    """The question large on a question screen; else the path, the current menu in bold."""
    box = lay.heading
    painter.setPen(palette.text)
    if view.screen in QUESTION_SCREENS:
        fitted = fit.fit(view.title, box.width(), box.height(), lay.px(0.08), lay.px(0.03))
        fit.draw(painter, fitted, box, Qt.AlignmentFlag.AlignHCenter)
        return
    ancestors = list(view.path[:-1] if view.path and view.path[-1] == view.title else view.path)
    size = round(box.height() * 0.72)
    crumbs_width = 0
    if ancestors:
        crumbs_font = fit.font(round(size * 0.75), bold=False)
        metrics = QFontMetricsF(crumbs_font)
        crumbs = metrics.elidedText(
            PATH_SEPARATOR.join(ancestors) + PATH_SEPARATOR, Qt.TextElideMode.ElideLeft, box.width() * 0.45
        )
        crumbs_width = round(metrics.horizontalAdvance(crumbs))
        painter.setFont(crumbs_font)
        painter.drawText(
            QRect(box.left(), box.top(), crumbs_width, box.height()),
            int(Qt.AlignmentFlag.AlignVCenter),
            crumbs,
        )
    title_box = box.adjusted(crumbs_width, 0, 0, 0)
    fitted = fit.fit(view.title, title_box.width(), title_box.height(), size, lay.px(0.025))
    fit.draw(painter, fitted, title_box, Qt.AlignmentFlag.AlignLeft)


def paint_speaking(painter: QPainter, lay: Layout, view: View, palette: Palette, words: WindowWords) -> None:
    """What the main voice says now, large, in a framed area that stays put when it is empty."""
    box = lay.speaking
    frame(painter, box, max(2, lay.height // 400), palette.outline)
    if not view.speaking.strip():
        return
    inset = max(6, box.height() // 10)
    inner = box.adjusted(inset, inset // 2, -inset, -inset // 2)
    caption_font = fit.font(lay.px(0.028), bold=False)
    caption_width = round(QFontMetricsF(caption_font).horizontalAdvance(words.saying)) + inset
    painter.setPen(palette.text)
    painter.setFont(caption_font)
    painter.drawText(
        QRect(inner.left(), inner.top(), caption_width, inner.height()),
        int(Qt.AlignmentFlag.AlignVCenter),
        words.saying,
    )
    text_box = inner.adjusted(caption_width + inset, 0, 0, 0)
    fitted = fit.fit(view.speaking, text_box.width(), text_box.height(), lay.px(0.065), lay.px(0.025))
    fit.draw(painter, fitted, text_box, Qt.AlignmentFlag.AlignLeft)


def voice_words(view: View, words: WindowWords) -> str:
    """The voice commands' state for the status line; "" when voice is off."""
    states = {
        "loading": words.voice_loading,
        "listening": words.voice_listening,
        "asleep": words.voice_asleep,
        "microphone lost": f"⚠ {words.voice_microphone_lost}",
        "unavailable": words.voice_unavailable,
    }
    state = states.get(view.voice, "")
    return words.voice.format(state=state) if state else ""


def state_words(state: str, words: WindowWords) -> str:
    """The caregiver's words for the scan's state (the terminal's English for any other)."""
    field = _STATE_FIELDS.get(state)
    return str(getattr(words, field)) if field else state_text(state)


def paint_status(
    painter: QPainter, lay: Layout, view: View, palette: Palette, words: WindowWords, level: float | None
) -> None:
    """Mode, interval, scan state, voice and the caregiver page on the left; the notice on the right."""
    box = lay.status
    quiet = fit.font(round(box.height() * 0.6), bold=False)
    metrics = QFontMetricsF(quiet)
    # A rest or a call for help says what is going on in large letters already.
    state = "" if view.screen in FULL_SCREENS else state_words(view.state, words)
    parts = [view.mode, format_interval(view.interval), state, voice_words(view, words), page_text(view)]
    text = " · ".join(part for part in parts if part)
    room = box.width() // 2 if view.notice.strip() else box.width() - box.height() * 4
    width = min(round(metrics.horizontalAdvance(text)) + 1, room)
    painter.setPen(palette.text)
    painter.setFont(quiet)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    painter.drawText(
        QRect(box.left(), box.top(), width, box.height()), int(Qt.AlignmentFlag.AlignVCenter), shown
    )
    left = box.left() + width
    if view.voice in LEVEL_SHOWN:
        left = _level_bar(painter, box, left + box.height() // 2, palette.text, level)
    notice = box.adjusted(left - box.left() + box.height(), 0, 0, 0)
    if view.notice.strip() and notice.width() > box.height():
        paint_notice(painter, notice, view, palette, words)


def _level_bar(painter: QPainter, box: QRect, left: int, color: QColor, level: float | None) -> int:
    """The microphone's live level as a small bar; returns where it ends."""
    bar = QRect(left, box.top() + box.height() // 4, box.height() * 3, box.height() // 2)
    frame(painter, bar, 2, color)
    if level is not None:
        share = min(1.0, max(0.0, (level - QUIET_LEVEL) / -QUIET_LEVEL))
        painter.fillRect(QRect(bar.left(), bar.top(), round(bar.width() * share), bar.height()), color)
    return bar.right() + 1


def paint_notice(painter: QPainter, box: QRect, view: View, palette: Palette, words: WindowWords) -> None:
    """The notice, right-aligned; a warning or error in its own box with a symbol and a word."""
    look = NOTICE_LOOK[view.notice_level]
    text = view.notice
    pen = palette.text
    if look is not None:
        symbol, _fill, pen_color = look
        word = words.notice_warning if view.notice_level == "warning" else words.notice_error
        text = f"{symbol} {word}: {text}"
        pen = QColor(pen_color)
    pad = box.height() // 4
    fitted = fit.fit(
        text, box.width() - 2 * pad, box.height(), round(box.height() * 0.6), round(box.height() * 0.4)
    )
    used = max(QFontMetricsF(fitted.font).horizontalAdvance(line) for line in fitted.lines)
    area = QRect(box.right() + 1 - round(used) - 2 * pad, box.top(), round(used) + 2 * pad, box.height())
    if look is not None:
        painter.fillRect(area, QColor(look[1]))
    painter.setPen(pen)
    fit.draw(painter, fitted, area.adjusted(pad, 0, -pad, 0), Qt.AlignmentFlag.AlignLeft)


def paint_more(painter: QPainter, lay: Layout, palette: Palette, words: WindowWords) -> None:
    """How many items are on other pages of a long menu."""
    if lay.more is None:
        return
    parts = []
    if lay.above:
        parts.append(words.more_above.format(count=lay.above))
    if lay.below:
        parts.append(words.more_below.format(count=lay.below))
    fitted = fit.fit(" · ".join(parts), lay.more.width(), lay.more.height(), lay.more.height(), 8)
    painter.setPen(palette.text)
    fit.draw(painter, fitted, lay.more, Qt.AlignmentFlag.AlignHCenter)
