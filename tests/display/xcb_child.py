"""Run by tests/display/test_board.py in a child process (Qt takes one platform per process):
the board full screen on the real X server (xcb), read back from the X server's screen.

Prints one JSON line of what it found; the test judges it.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from accessible_companion.display.board import Board
from accessible_companion.display.themes import colors_of, contrast
from rigs import screenshots
from tests.display.qt import colours, pixels, region, share


def main() -> None:
    app = QApplication([])
    screen = app.primaryScreen()
    geometry = screen.geometry()
    board = Board()
    # No window manager runs under bare Xvfb: bypass it and take the screen's size ourselves.
    board.setWindowFlag(Qt.WindowType.X11BypassWindowManagerHint)
    board.setGeometry(geometry)
    painted: list[float] = []
    board.painted.connect(lambda _view, at: painted.append(at))
    view = screenshots.phrases(labels=screenshots.PHRASES[:6], highlight=3, dwell=None)
    board.show()
    shown = time.monotonic()
    board.show_view(view)
    deadline = time.monotonic() + 10
    while not painted and time.monotonic() < deadline:
        app.processEvents()
    app.processEvents()
    time.sleep(0.2)
    app.processEvents()
    image = pixels(screen.grabWindow(0).toImage())  # what the X server holds, not our buffer
    colors = colors_of(view.look)
    focus = board.focus_rect()
    assert focus is not None
    probe = QRect(focus.left() - 4, focus.top() + 4, 2, focus.height() - 8)
    others = [board.cell_rect(index) for index in (0, 1, 2, 4, 5)]
    counted = colours(region(image, focus.adjusted(2, 2, -2, -2)))
    found = {
        "platform": app.platformName(),
        "screen": [geometry.width(), geometry.height()],
        "highlight_share": share(region(image, focus.adjusted(4, 4, -4, -4)), colors.highlight),
        "frame_share": share(region(image, probe), colors.frame),
        "others_background_share": min(
            share(region(image, rect.adjusted(4, 4, -4, -4)), colors.background) for rect in others if rect
        ),
        "contrast": contrast(counted[0][0], counted[1][0]),
        "painted_ms": (painted[0] - shown) * 1000 if painted else None,
    }
    print(json.dumps(found))
    board.close()


if __name__ == "__main__":
    main()
