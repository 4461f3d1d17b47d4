"""Text that fits its box: wrapped at words, then shrunk, and only at the smallest size cut,
always with an ellipsis (a label is never clipped mid-word without one).

Fitting tries several sizes, so results are kept: the board paints the same labels in the same
boxes again and again (every highlight step, every frame of the dwell bar).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from .terminal import clean

FAMILIES = ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial"]
"""Plain sans faces with open counters, read well from a distance (the first one installed wins;
fontconfig finds faces for other scripts by itself)."""
SHRINK = 0.88
"""Each try is this much smaller than the last."""
COMMON_FLOOR = 0.7
KEPT = 2048
"""Fitted texts kept; the cache starts again when full (a new config, a resized window)."""


def font(pixels: int, bold: bool = True) -> QFont:
    """The board's face at a pixel size (pixels, not points: the same on any screen's DPI)."""
    face = QFont()
    face.setFamilies(FAMILIES)
    face.setStyleHint(QFont.StyleHint.SansSerif)
    face.setPixelSize(max(1, pixels))
    face.setBold(bold)
    return face


@dataclass(frozen=True)
class Fitted:
    font: QFont
    lines: tuple[str, ...]
    line_height: float


_fitted: dict[tuple[str, int, int, int, int, bool], Fitted] = {}


def fit(text: str, width: int, height: int, largest: int, smallest: int, bold: bool = True) -> Fitted:
    """`text` in lines that fit `width` x `height`: the largest size from `largest` down to
    `smallest` at which it wraps at words without cutting one; else `smallest`, cut with "…"."""
    key = (text, width, height, largest, smallest, bold)
    found = _fitted.get(key)
    if found is None:
        if len(_fitted) >= KEPT:
            _fitted.clear()
        found = _fitted[key] = _fit(
            clean(text), max(1, width), max(1, height), largest, min(smallest, largest), bold
        )
    return found


_common: dict[tuple[tuple[str, ...], int, int, int, int], int] = {}


def common_size(texts: tuple[str, ...], width: int, height: int, largest: int, smallest: int) -> int:
    """One size for a whole menu's labels, so the board looks even: the size the longest label
    needs, but never below COMMON_FLOOR of the middle one's (one long label shrinks alone)."""
    key = (texts, width, height, largest, smallest)
    found = _common.get(key)
    if found is None:
        if len(_common) >= KEPT:
            _common.clear()
        sizes = sorted(fit(text, width, height, largest, smallest).font.pixelSize() for text in texts)
        found = _common[key] = (
            max(sizes[0], round(sizes[len(sizes) // 2] * COMMON_FLOOR)) if sizes else largest
        )
    return found


def _fit(text: str, width: int, height: int, largest: int, smallest: int, bold: bool) -> Fitted:
    size = max(1, largest)
    while True:
        face = font(size, bold)
        metrics = QFontMetricsF(face)
        lines = _wrap(text, metrics, width)
        if lines is not None and len(lines) * metrics.lineSpacing() <= height:
            return Fitted(face, tuple(lines), metrics.lineSpacing())
        if size <= smallest:
            return Fitted(face, _cut(text, metrics, width, height), metrics.lineSpacing())
        size = max(smallest, math.floor(size * SHRINK))


def _wrap(text: str, metrics: QFontMetricsF, width: int) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than `width`."""
    lines: list[str] = []
    for word in text.split():
        if metrics.horizontalAdvance(word) > width:
            return None
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines or [""]


def _cut(text: str, metrics: QFontMetricsF, width: int, height: int) -> tuple[str, ...]:
    """As many lines as fit; a word too wide and the last line's overflow end with "…"."""
    room = max(1, int(height // metrics.lineSpacing()))
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < room:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        if len(lines) == room - 1 and words:
            line = f"{line} {' '.join(words)}"
            words = []
        lines.append(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width))
    return tuple(lines) or ("",)


def draw(painter: QPainter, fitted: Fitted, box: QRect, align: Qt.AlignmentFlag) -> None:
    """Paint fitted lines centred vertically in `box`, each aligned by `align` (left, centre)."""
    painter.setFont(fitted.font)
    total = fitted.line_height * len(fitted.lines)
    top = box.top() + (box.height() - total) / 2
    for number, line in enumerate(fitted.lines):
        row = QRectF(box.left(), top + number * fitted.line_height, box.width(), fitted.line_height)
        painter.drawText(row, int(align | Qt.AlignmentFlag.AlignVCenter), line)
