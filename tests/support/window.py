"""The bedside window in the real process, for the end-to-end tests (tests/e2e/test_window*.py):
start the companion with its window on Xvfb, wait for the window's paints in the trace, press
the switch through one long-running xdotool, and read the X server's screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from accessible_companion.core.settings import DisplaySettings
from accessible_companion.display.themes import colors_of
from rigs.screenshot import Rgb, Screenshot, grab, parse_color
from rigs.xdotool_stream import XdotoolStream
from tests.support.process import Companion, TraceLine, event

TITLE = "Accessible Companion"
COLORS = colors_of(DisplaySettings())  # the default theme: yellow on black
HIGHLIGHT, FRAME, BACKGROUND = (parse_color(c) for c in (COLORS.highlight, COLORS.frame, COLORS.background))


def alert_colors() -> tuple[Rgb, Rgb]:
    """The call for help's red and its text's white, in every theme (display/screens.py, which
    needs Qt: imported when asked, so that a test module without PySide6 is skipped, not broken)."""
    from accessible_companion.display.screens import ALERT_FILL, ALERT_TEXT

    return parse_color(ALERT_FILL), parse_color(ALERT_TEXT)


def start(
    tmp_path: Path, display: str, *args: str, mode: str = "step", env: dict[str, str] | None = None
) -> Companion:
    """The companion with its window on `display`, X11 switches, in `mode`; once it is ready."""
    app = Companion.start(
        tmp_path,
        "--display",
        "window",
        "--input",
        "x11",
        "--mode",
        mode,
        *args,
        env={"DISPLAY": display, **(env or {})},
    )
    app.wait_for(event("ready"))
    return app


def painted(app: Companion, after: int = 0, timeout: float = 15.0, **fields: object) -> TraceLine:
    """The window's first paint of a view with these fields (`index`, `row`, `screen`, `menu`)."""
    return app.wait_for(event("painted", **fields), timeout=timeout, after=after)


PRESS = 0.12
"""Seconds a tap holds the key: longer than acceptance, a person's press."""


def tap(stream: XdotoolStream, key: str) -> None:
    """A press of `key`; returns once a next press would count (past debounce and the pause
    after a selection, both counted from the release)."""
    stream.tap(key, PRESS)
    time.sleep(PRESS + 0.35)


def shot_until(display: str, shows: Callable[[Screenshot], bool], timeout: float = 2.0) -> Screenshot:
    """A screenshot of `display` that `shows` what is wanted, taken as soon as it does (the
    paint reaches the X server a few ms after the `painted` line); the last one taken if it
    never does, for the test's own assertion to say what is there."""
    end = time.monotonic() + timeout
    while True:
        shot = grab(display)
        if shows(shot) or time.monotonic() >= end:
            return shot
        time.sleep(0.05)
