"""The bedside window's full screens in the real process, from real switch presses and holds:
the call for help (red), a rest (a countdown) and a check-in question (the question large, the
answers as cells). Xvfb with Qt's xcb platform; the trace says when each screen is due (the
`painted` line), the X server's pixels say what is on it.

A caregiver's custom theme here, whose highlight (lime) is no other colour of the board, so
"no highlighted cell" can be told from the pixels: the built-in themes' highlight is also
their text colour.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from accessible_companion.core.settings import DisplaySettings, ThemeName
from accessible_companion.core.view import View
from rigs import screenshots
from rigs.screenshot import Rgb, Screenshot, parse_color
from rigs.xdotool_stream import XdotoolStream
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event
from tests.support.window import alert_colors, painted, shot_until, start, tap

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below

pytest.importorskip("PySide6")
RED, WHITE = alert_colors()

THEME = screenshots.CUSTOM
LIME, TEXT, BACKGROUND = (parse_color(c) for c in (THEME.highlight, THEME.text, THEME.background))
QUESTION = "How is your energy?"
Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels."""
Pixels = npt.NDArray[np.uint8]
"""(height, width, 3) RGB."""
Mask = npt.NDArray[np.bool_]

SETTINGS = f"""\
settings:
  scanning: {{mode: step, long_press: 0.6}}
  rest: {{after_active_minutes: 0}}
  check_ins:
    question: {QUESTION}
    scale: [low, medium, high]
  help:
    hold_seconds: 1.2
  fatigue: {{enabled: false}}
  display:
    theme: custom
    colors:
      background: "{THEME.background}"
      text: "{THEME.text}"
      highlight: "{THEME.highlight}"
      highlight_text: "{THEME.highlight_text}"
      frame: "{THEME.frame}"
"""
MENUS = """\
menus:
  - id: home
    title: Home
    items:
      - label: Water
        say: I would like a glass of water, please.
      - label: Rest a moment
        action: rest
        minutes: 0.2
      - label: How I am
        action: check-in
"""


def start_companion(tmp_path: Path, display: str) -> Companion:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (folder / "menus.yaml").write_text(MENUS, encoding="utf-8")
    return start(tmp_path, display, "--config", str(folder), "--no-speech", "--no-voice", "--no-journal")


def menu_shown(shot: Screenshot) -> bool:
    """A menu with a highlighted cell, no red."""
    return shot.box_of(LIME) is not None and shot.share(RED) == 0


def test_a_held_switch_shows_the_red_alert_screen_and_a_press_ends_it(
    xvfb_display: str, tmp_path: Path
) -> None:
    app = start_companion(tmp_path, xvfb_display)
    try:
        painted(app, index=0, screen="menu")
        before = shot_until(xvfb_display, menu_shown)
        with XdotoolStream(xvfb_display) as stream:
            held = len(app.lines())
            stream.tap("space", 1.6)  # past help.hold_seconds
            raised = app.wait_for(event("alert"), after=held)
            painted(app, after=held, screen="alert")
            alert = shot_until(xvfb_display, lambda shot: shot.share(RED) > 0.6)
            app.wait_for(event("input", kind="release", switch=1), after=held)
            time.sleep(0.3)  # past debounce: a press so soon after the hold would be its bounce
            pressed = len(app.lines())
            tap(stream, "space")
            ended = app.wait_for(event("record", kind="Alert", stage="ended"), after=pressed)
            painted(app, after=pressed, screen="menu")
            after = shot_until(xvfb_display, menu_shown)
    finally:
        assert app.stop() == 0
    assert raised["trigger"] == "hold"
    assert ended["cancelled"] is True  # a press within help.cancel_seconds: a false alarm
    # Most of the root window is the alert's red, whatever the theme; its words in white.
    assert before.share(RED) == 0
    assert alert.share(RED) > 0.6, alert.share(RED)
    assert alert.count(WHITE) > 1000
    assert alert.box_of(LIME) is None  # no cell, no highlight
    # The press brought the menu back: the highlighted cell, no red.
    assert after.share(RED) == 0
    assert after.box_of(LIME) is not None


def test_a_rest_item_shows_the_countdown_and_a_press_ends_the_rest(xvfb_display: str, tmp_path: Path) -> None:
    app = start_companion(tmp_path, xvfb_display)
    try:
        painted(app, index=0, screen="menu")
        with XdotoolStream(xvfb_display) as stream:
            tap(stream, "space")
            painted(app, index=1, screen="menu")
            menu = shot_until(xvfb_display, menu_shown)
            chosen = len(app.lines())
            tap(stream, "Return")
            app.wait_for(event("idle", reason="rest"), after=chosen)
            first = painted(app, after=chosen, screen="rest")
            resting = shot_until(xvfb_display, lambda shot: shot.box_of(LIME) is None)
            # The countdown goes on by itself, a second later.
            ticked = shot_until(xvfb_display, lambda shot: shot.differs(resting) is not None, timeout=2.5)
            pressed = len(app.lines())
            tap(stream, "space")
            ended = app.wait_for(event("record", kind="Rest"), after=pressed)
            painted(app, after=pressed, screen="menu")
            after = shot_until(xvfb_display, menu_shown)
    finally:
        assert app.stop() == 0
    assert first["index"] is None
    assert (ended["ended_by"], ended["planned_seconds"]) == ("user", 12.0)
    # No cell is highlighted on the rest screen, and it is not the menu.
    assert resting.box_of(LIME) is None and resting.count(LIME) == 0
    changed = resting.differs(menu)
    assert changed is not None
    assert resting.share(BACKGROUND) > 0.5
    # What changed a second later is the countdown, in the middle of the screen.
    moved = ticked.differs(resting)
    assert moved is not None, "the countdown did not move"
    assert moved[1] > resting.height // 8 and moved[3] < resting.height * 3 // 4, moved
    assert ticked.count(TEXT, moved) > 100
    assert after.box_of(LIME) is not None


def test_a_check_in_item_shows_the_question_with_its_answers_as_cells(
    xvfb_display: str, tmp_path: Path
) -> None:
    app = start_companion(tmp_path, xvfb_display)
    try:
        painted(app, index=0, screen="menu")
        with XdotoolStream(xvfb_display) as stream:
            for index in (1, 2):
                tap(stream, "space")
                painted(app, index=index, screen="menu")
            menu = shot_until(xvfb_display, menu_shown)
            chosen = len(app.lines())
            tap(stream, "Return")
            entered = app.wait_for(event("menu"), after=chosen)
            first = painted(app, after=chosen, screen="check-in")
            asked = shot_until(xvfb_display, lambda shot: shot.differs(menu) is not None)
            answered = len(app.lines())
            tap(stream, "Return")
            checked = app.wait_for(event("record", kind="CheckIn"), after=answered)
            painted(app, after=answered, screen="menu")
    finally:
        assert app.stop() == 0
    assert (entered["menu"], first["index"]) == ("~check-in", 0)
    assert checked["answer"] == "low"
    lines = app.lines()
    labels = [line["label"] for line in lines if line["event"] == "highlight" and line["menu"] == "~check-in"]
    assert labels[0] == "low"
    # As the board paints this view (the same code, offscreen in this process): the question
    # large at the top, and the answers as cells below it, the first highlighted.
    parts, expected = board_rendering(
        View(
            menu="~check-in",
            title=QUESTION,
            labels=("low", "medium", "high", "Back"),  # the Back added to every menu but home
            highlight=0,
            state="waiting",
            mode="step",
            interval=1.5,
            screen="check-in",
            look=DisplaySettings(theme=ThemeName.CUSTOM, colors=THEME),
        ),
        asked.width,
        asked.height,
    )
    seen = as_array(asked)
    heading, middle = parts
    question, wanted = of_color(region(seen, heading), TEXT), of_color(region(expected, heading), TEXT)
    assert wanted.sum() > 500
    assert bounds(question) == bounds(wanted), (bounds(question), bounds(wanted))
    assert (question == wanted).mean() > 0.98
    same = np.all(region(seen, middle) == region(expected, middle), axis=-1).mean()
    assert same > 0.98, same
    assert of_color(region(expected, middle), LIME).any()
    cell = asked.box_of(LIME)
    assert cell is not None
    assert cell[1] >= heading[3], (cell, heading)  # below the question


def board_rendering(view: View, width: int, height: int) -> tuple[list[Box], Pixels]:
    """Where the board puts its heading and its middle (the cells) for `view` at this size, and
    its pixels as (height, width, 3) RGB: the board painted with Qt offscreen, in this process."""
    from accessible_companion.display.board import Board
    from tests.display.qt import application, pixels

    application()
    board = Board()
    board.resize(width, height)
    board.show_view(view)
    image = pixels(board.grab().toImage())
    lay = board.parts()
    board.deleteLater()
    boxes = [(r.left(), r.top(), r.right() + 1, r.bottom() + 1) for r in (lay.heading, lay.middle)]
    return boxes, image


def region(image: Pixels, box: Box) -> Pixels:
    left, top, right, bottom = box
    return image[top:bottom, left:right]


def of_color(part: Pixels, color: Rgb) -> Mask:
    """Which pixels of `part` are exactly `color`."""
    found: Mask = np.all(part == np.array(color, dtype=np.uint8), axis=-1)
    return found


def as_array(shot: Screenshot) -> Pixels:
    """(height, width, 3) RGB of a screenshot."""
    bgrx = np.frombuffer(shot.data, dtype=np.uint8).reshape(shot.height, shot.width, 4)
    return bgrx[:, :, 2::-1]


def bounds(mask: Mask) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) around the true pixels of `mask`."""
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
