"""Test helpers for the Qt board: one QApplication per process, and pixels as numpy arrays."""

from __future__ import annotations

import os

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from accessible_companion.display.themes import rgb

Pixels = npt.NDArray[np.uint8]
RGB = tuple[int, int, int]


def application() -> QApplication:
    """The process's QApplication; made with the offscreen platform unless one exists already
    (Qt allows one per process, on one platform: xcb tests run in a child process)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Set only while the application is made: companions started by later tests in this
    # process inherit os.environ, and their windows must use the real xcb platform.
    old = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        return QApplication([])
    finally:
        if old is None:
            del os.environ["QT_QPA_PLATFORM"]
        else:
            os.environ["QT_QPA_PLATFORM"] = old


def pixels(image: QImage) -> Pixels:
    """The image as an (height, width, 3) array of RGB bytes."""
    rgb888 = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb888.width(), rgb888.height(), rgb888.bytesPerLine()
    data = np.frombuffer(bytes(rgb888.constBits()), dtype=np.uint8).reshape(height, stride)
    return data[:, : width * 3].reshape(height, width, 3).copy()


def region(image: Pixels, rect: QRect) -> Pixels:
    return image[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]


def colours(part: Pixels) -> list[tuple[RGB, int]]:
    """The colours of a region, most common first, with their pixel counts."""
    flat = part.reshape(-1, 3).astype(np.uint32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return [
        ((int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255), int(n))
        for v, n in zip(values[order], counts[order], strict=True)
    ]


def share(part: Pixels, colour: str) -> float:
    """The share of a region's pixels that are exactly `colour` ("#rrggbb")."""
    if part.size == 0:
        return 0.0
    matches = np.all(part == np.array(rgb(colour), dtype=np.uint8), axis=-1)
    return float(matches.mean())


def count(part: Pixels, colour: str) -> int:
    return int(np.all(part == np.array(rgb(colour), dtype=np.uint8), axis=-1).sum())
