"""Sample views of the bedside board, and PNG screenshots of them for the docs.

    python -m rigs.screenshots                 # writes docs/images/window-*.png (1280x800)
    python -m rigs.screenshots --out DIR --size 1920x1080

Renders with Qt's offscreen platform (no X display needed) unless QT_QPA_PLATFORM says
otherwise. The tests paint the same views (tests/display/test_board.py).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from accessible_companion.core.settings import DisplaySettings, ThemeColors, ThemeName
from accessible_companion.core.view import View

ROOT = Path(__file__).resolve().parents[1]

PHRASES = (
    "Yes",
    "No",
    "Short of breath",
    "Pain",
    "Water",
    "Reposition me",
    "I need rest",
    "Bathroom",
    "Back",
)
GRID = (
    "Yes",
    "No",
    "Water",
    "Pain",
    "Too hot",
    "Too cold",
    "Reposition me",
    "Suction",
    "Glasses",
    "Television",
    "Open the window",
    "Call my family",
    "Thank you",
    "Please wait",
    "I love you",
    "Back",
)
CUSTOM = ThemeColors(
    background="#002b36", text="#ffffff", highlight="#7fff00", highlight_text="#000000", frame="#ff8c00"
)
"""A caregiver's own theme: white on dark teal, a lime highlight with an orange frame."""


def phrases(
    theme: ThemeName = ThemeName.YELLOW_ON_BLACK, now: float | None = None, **changes: object
) -> View:
    """The Phrases list, "Water" highlighted and its time one third gone, something being said."""
    now = time.monotonic() if now is None else now
    view = View(
        menu="phrases",
        title="Phrases",
        labels=PHRASES,
        highlight=4,
        state="scanning",
        mode="auto",
        interval=1.5,
        speaking="I would like some water, please.",
        path=("Home", "Phrases"),
        dwell=(now - 0.5, now + 1.0),
        voice="listening",
        look=DisplaySettings(theme=theme, colors=CUSTOM if theme == ThemeName.CUSTOM else ThemeColors()),
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def grid(now: float | None = None, **changes: object) -> View:
    """A 4-column board scanned by rows: the second row highlighted."""
    base = phrases(now=now, speaking="")
    view = replace(
        base,
        menu="needs",
        title="Needs",
        labels=GRID,
        highlight=None,
        row=1,
        columns=4,
        path=("Home", "Needs"),
        voice="microphone lost",
        notice="Microphone lost. Voice commands paused; the switch still works.",
        notice_level="warning",
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def alert(**changes: object) -> View:
    """A call for help, not yet answered."""
    view = replace(
        phrases(),
        screen="alert",
        state="alert",
        highlight=None,
        dwell=None,
        speaking="Please come, I need help now.",
        notice="",
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def rest(now: float | None = None, **changes: object) -> View:
    """A rest with 12 minutes 34 seconds to go."""
    now = time.monotonic() if now is None else now
    view = replace(
        phrases(now=now),
        menu="rest-screen",
        title="Rest",
        labels=(),
        highlight=None,
        dwell=None,
        speaking="",
        state="resting",
        screen="rest",
        rest_until=now + 754.2,
        path=(),
        voice="asleep",
    )
    return replace(view, **changes)  # type: ignore[arg-type]


SHOTS: dict[str, Callable[[], View]] = {
    "window-yellow-on-black": lambda: phrases(ThemeName.YELLOW_ON_BLACK),
    "window-black-on-white": lambda: phrases(ThemeName.BLACK_ON_WHITE),
    "window-custom": lambda: phrases(ThemeName.CUSTOM),
    "window-grid": grid,
    "window-alert": alert,
    "window-rest": rest,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--size", default="1280x800", help="WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from accessible_companion.display.board import Board

    app = QApplication.instance() or QApplication([])
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in SHOTS.items():
        board = Board()
        board.resize(width, height)
        board.show_view(make())
        board.set_level(-18.0)
        path = args.out / f"{name}.png"
        board.grab().save(str(path))
        board.deleteLater()
        print(path)
    app.processEvents()


if __name__ == "__main__":
    main()
