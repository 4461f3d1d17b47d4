"""The bedside window in the real process: Xvfb with Qt's real xcb platform, xdotool for the
switch and the mouse, screenshots from the X server (rigs/screenshot.py)."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from accessible_companion.core.settings import DisplaySettings
from accessible_companion.core.view import View
from accessible_companion.display.themes import contrast
from rigs.pulse import PulseServer
from rigs.screenshot import Screenshot, grab, parse_color, top_windows
from rigs.xdotool_stream import XdotoolStream
from rigs.xvfb import xdotool
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import event
from tests.support.window import (
    BACKGROUND,
    COLORS,
    FRAME,
    HIGHLIGHT,
    TITLE,
    alert_colors,
    painted,
    shot_until,
    start,
    tap,
)

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

pytest.importorskip("PySide6")

PHRASES = """\
menus:
  - id: home
    title: Home
    items:
      - label: Water
        say: I would like a glass of water, please.
      - label: Blanket
        say: Could I have my blanket, please?
      - label: Pillow
        say: Please fix my pillow.
"""


def window_id(display: str) -> str:
    env = {**os.environ, "DISPLAY": display}
    found = subprocess.run(
        ["xdotool", "search", "--name", f"^{TITLE}$"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return found.stdout.split()[0]


def cell_colors(shot: Screenshot, box: tuple[int, int, int, int], inset: int) -> list[tuple[int, int, int]]:
    """The two most common colours inside `box`, away from its frame: fill and text."""
    left, top, right, bottom = box
    counts = collections.Counter(
        shot.pixel(x, y)
        for y in range(top + inset, bottom - inset, 2)
        for x in range(left + inset, right - inset, 2)
    )
    return [color for color, _ in counts.most_common(2)]


def test_full_screen_with_the_highlight_in_the_theme_colours_where_it_moves(
    xvfb_display: str, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "--no-speech")
    try:
        shown = app.wait_for(event("display", display="window"))
        assert shown["platform"] == "xcb"
        assert shown["geometry"] == shown["screen"] == [0, 0, 1024, 768]
        first = painted(app, index=0)
        windows = [w for w in top_windows(xvfb_display) if w[0] == TITLE and w[2]]
        assert [w[1] for w in windows] == [(0, 0, 1024, 768)]  # covers the whole root window
        before = grab(xvfb_display)
        with XdotoolStream(xvfb_display) as stream:
            mark = len(app.lines())
            tap(stream, "space")
            painted(app, after=mark, index=1)
        after = grab(xvfb_display)
    finally:
        assert app.stop() == 0
    assert first["at"] >= 0
    one, two = before.box_of(HIGHLIGHT), after.box_of(HIGHLIGHT)
    assert one is not None and two is not None, "no highlighted cell in the theme's highlight colour"
    # The list scans top down: the highlight moved one cell down, same size.
    assert two[1] >= one[3] - DisplaySettings().frame_width, (one, two)
    assert abs((two[3] - two[1]) - (one[3] - one[1])) <= 2
    # Never colour alone: a frame in the theme's frame colour around the highlighted cell.
    frame = DisplaySettings().frame_width
    ring = (one[0] - frame, one[1] - frame, one[2] + frame, one[3] + frame)
    assert before.count(FRAME, ring) >= 2 * (one[2] - one[0])
    # Mostly background outside it; and its text legible, measured from the pixels.
    assert before.count(BACKGROUND) > before.width * before.height // 2
    fill, text = cell_colors(before, one, 2 * frame)
    assert fill == HIGHLIGHT
    assert contrast(fill, text) >= 7.0, (fill, text)


def test_a_selection_is_shown_in_the_speaking_area(
    pulse_server: PulseServer, xvfb_display: str, tmp_path: Path
) -> None:
    config = tmp_path / "phrases.yaml"
    config.write_text(PHRASES, encoding="utf-8")
    app = start(tmp_path, xvfb_display, "--config", str(config), env=pulse_server.client_env())
    try:
        painted(app, index=0)
        app.wait_for(event("speech_end"))  # the first cue said
        time.sleep(0.3)  # and the view without it painted
        quiet = grab(xvfb_display)
        with XdotoolStream(xvfb_display) as stream:
            mark = len(app.lines())
            tap(stream, "Return")
            said = app.wait_for(
                lambda line: line["event"] == "speak" and line["voice"] == "main" and bool(line["text"]),
                after=mark,
            )
            app.wait_for(event("speech_start", utterance=said["utterance"]), after=mark)
            time.sleep(0.4)  # its view painted (the paint takes a few ms)
            speaking = grab(xvfb_display)
            app.wait_for(event("speech_end", utterance=said["utterance"]), timeout=20, after=mark)
    finally:
        assert app.stop() == 0
    assert said["text"].startswith("I would like a glass")
    changed = speaking.differs(quiet)
    assert changed is not None, "nothing on the screen changed while the phrase was said"
    cell = quiet.box_of(HIGHLIGHT)
    assert cell is not None
    # The text appeared apart from the cells: below the highlighted one, in the speaking area.
    text_pixels = speaking.count(parse_color(COLORS.text), changed)
    assert text_pixels > quiet.count(parse_color(COLORS.text), changed), changed
    assert changed[1] >= cell[3], (changed, cell)


@pytest.mark.parametrize("how", ["windowkill", "SIGKILL", "SIGTERM"])
def test_a_closed_or_killed_window_leaves_the_switch_working(
    how: str, xvfb_display: str, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "--no-speech")
    try:
        shown = app.wait_for(event("display", display="window"))
        painted(app, index=0)
        if how == "windowkill":
            xdotool(xvfb_display, "windowkill", window_id(xvfb_display))
        else:
            os.kill(shown["pid"], signal.Signals[how])
        fallen = app.wait_for(event("display", display="terminal"))
        notice = app.wait_for(event("notice", kind="display_lost"))
        with XdotoolStream(xvfb_display) as stream:
            mark = len(app.lines())
            tap(stream, "space")
            app.wait_for(event("highlight", menu="home", index=1), after=mark)
            tap(stream, "Return")
            chosen = app.wait_for(event("select", menu="home"), after=mark)
    finally:
        assert app.stop() == 0
    assert chosen["label"] == "Call for help"
    assert notice["spoken"] is True and notice["level"] == "warning"
    expected = f"killed ({how})" if how.startswith("SIG") else "X11 connection broke"
    assert expected in fallen["reason"], fallen
    lines = app.lines()
    assert [line["display"] for line in lines if line["event"] == "display"] == ["window", "terminal"]
    assert sum(1 for line in lines if line.get("kind") == "display_lost") == 1
    assert not [line for line in lines if line["event"] == "error"]
    with pytest.raises(ProcessLookupError):
        os.kill(shown["pid"], 0)  # reaped, not a zombie


CLICKED = """\
menus:
  - id: home
    title: Home
    items:
      - label: Water
        say: I would like a glass of water, please.
      - label: Call for help
        action: help
        say: Please come, I need help now.
      - label: Pillow
        say: Please fix my pillow.
"""


def cell_centre(index: int, labels: tuple[str, ...], look: DisplaySettings) -> tuple[int, int]:
    """Where the board puts the middle of cell `index` on the 1024x768 screen (its own layout:
    the window covers the screen from its top left corner)."""
    from accessible_companion.display.layout import layout

    view = View("home", "Home", labels, 0, "waiting", "step", 1.5, look=look)
    rect = layout(1024, 768, view).cells[index].rect
    return rect.center().x(), rect.center().y()


def click(display: str, at: tuple[int, int], times: int = 1) -> None:
    """Left clicks at `at`, 150 ms apart (two make a double click)."""
    xdotool(
        display, "mousemove", str(at[0]), str(at[1]), "click", "--repeat", str(times), "--delay", "150", "1"
    )


def clicked_config(tmp_path: Path, mouse: bool) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "menus.yaml").write_text(CLICKED, encoding="utf-8")
    settings = f"settings:\n  display: {{mouse: {str(mouse).lower()}}}\n  fatigue: {{enabled: false}}\n"
    (folder / "settings.yaml").write_text(settings, encoding="utf-8")
    return folder


def test_a_click_on_a_cell_selects_it_and_a_click_on_the_alert_ends_it(
    xvfb_display: str, tmp_path: Path
) -> None:
    config = clicked_config(tmp_path, mouse=True)
    app = start(tmp_path, xvfb_display, "--config", str(config), "--no-speech", "--no-journal")
    labels = ("Water", "Call for help", "Pillow")
    red, _ = alert_colors()
    try:
        painted(app, index=0)
        cell = grab(xvfb_display).box_of(HIGHLIGHT)
        mark = len(app.lines())
        # The second cell, not the highlighted one: a click chooses what it lands on. A double
        # click: its second click comes in the post-selection pause and must do nothing (it
        # lands on the alert screen the first one called up, and would cancel it).
        click(xvfb_display, cell_centre(1, labels, DisplaySettings()), times=2)
        clicks = [app.wait_for(event("input", source="pointer"), after=mark)]
        clicks.append(app.wait_for(event("input", source="pointer"), after=app.lines().index(clicks[0]) + 1))
        chosen = app.wait_for(event("select"), after=mark)
        raised = app.wait_for(event("alert"), after=mark)
        painted(app, after=mark, screen="alert")
        alert = shot_until(xvfb_display, lambda shot: shot.share(red) > 0.6)
        time.sleep(0.4)  # past the pause after a selection: a click ends the alert as a press does
        calling = app.lines()
        ended_early = [line for line in calling if line["event"] == "record" and line.get("stage") == "ended"]
        assert not ended_early, "the double click's second click cancelled the call for help"
        mark = len(calling)
        click(xvfb_display, (512, 384))
        on_alert = app.wait_for(event("input", source="pointer"), after=mark)
        ended = app.wait_for(event("record", kind="Alert", stage="ended"), after=mark)
        painted(app, after=mark, screen="menu")
        back = shot_until(xvfb_display, lambda shot: shot.box_of(HIGHLIGHT) is not None)
    finally:
        assert app.stop() == 0
    # The board's layout is where the window really put the cells.
    expected = cell_centre(0, labels, DisplaySettings())
    assert cell is not None
    assert (
        abs((cell[0] + cell[2]) // 2 - expected[0]) <= 2 and abs((cell[1] + cell[3]) // 2 - expected[1]) <= 2
    )
    assert (clicks[0]["kind"], clicks[0]["menu"], clicks[0]["index"]) == ("click", "home", 1)
    assert clicks[1]["t"] - clicks[0]["t"] < 0.3  # inside the post-selection pause
    assert (chosen["menu"], chosen["label"], chosen["action"]) == ("home", "Call for help", "help")
    assert raised["trigger"] == "menu"
    assert alert.share(red) > 0.6
    assert (on_alert["menu"], on_alert["index"]) == ("home", -1)  # the screen itself
    assert ended["cancelled"] is True  # within help.cancel_seconds, like a press
    assert back.share(red) == 0
    lines = app.lines()
    assert [line["label"] for line in lines if line["event"] == "select"] == ["Call for help"]
    assert not [line for line in lines if line["event"] == "input" and line["source"] == "switch"]


def test_with_mouse_off_a_click_selects_nothing(xvfb_display: str, tmp_path: Path) -> None:
    config = clicked_config(tmp_path, mouse=False)
    app = start(tmp_path, xvfb_display, "--config", str(config), "--no-speech", "--no-journal")
    labels = ("Water", "Call for help", "Pillow")
    try:
        painted(app, index=0)
        click(xvfb_display, cell_centre(1, labels, DisplaySettings(mouse=False)))
        click(xvfb_display, cell_centre(0, labels, DisplaySettings(mouse=False)))
        time.sleep(1.0)  # a click that counted is traced within milliseconds
        clicked = len(app.lines())
        with XdotoolStream(xvfb_display) as stream:
            tap(stream, "Return")  # the switch still selects what is highlighted
            chosen = app.wait_for(event("select"), after=clicked)
    finally:
        assert app.stop() == 0
    lines = app.lines()
    assert not [line for line in lines if line["event"] == "input" and line["source"] == "pointer"]
    assert [line["label"] for line in lines if line["event"] == "select"] == ["Water"]
    assert chosen["label"] == "Water"


GRID = """\
settings:
  scanning: {first_item_extra: 0.25}
  fatigue: {enabled: false}
menus:
  - id: home
    title: Board
    columns: 3
    row_cues: [Drinks, Food]
    items: [{label: Water}, {label: Tea}, {label: Juice},
            {label: Bread}, {label: Soup}, {label: Fruit}]
"""


def row_of_cells(shot: Screenshot) -> list[tuple[int, int]]:
    """(left, right) of each highlighted cell across the highlighted block, along its top edge
    (above the labels): a grid's row shows every one of its cells inverted, side by side."""
    block = shot.box_of(HIGHLIGHT)
    if block is None:
        return []
    return [(x0, x1) for _, x0, x1 in shot.runs(HIGHLIGHT, 100, rows=[block[1] + 3])]


@pytest.mark.parametrize("mode", ["auto", "step"])
def test_a_grid_board_takes_a_row_then_an_item_by_presses(
    mode: str, xvfb_display: str, tmp_path: Path
) -> None:
    config = tmp_path / "board.yaml"
    config.write_text(GRID, encoding="utf-8")
    args = ["--config", str(config), "--interval", "0.8", "--no-speech", "--no-voice", "--no-journal"]
    app = start(tmp_path, xvfb_display, *args, mode=mode)
    try:
        rowed = painted(app, menu="home", row=0)
        shot = shot_until(xvfb_display, lambda shot: len(row_of_cells(shot)) == 3)
        with XdotoolStream(xvfb_display) as stream:
            if mode == "auto":
                # A press while the wanted row, then the wanted item, is highlighted (from now
                # on: an earlier highlight may be gone, the screenshot took its time).
                mark = len(app.lines())
                app.wait_for(event("highlight", menu="home", row=1), after=mark)
                tap(stream, "space")
                app.wait_for(event("highlight", menu="home", index=3), after=mark)
                app.wait_for(event("highlight", menu="home", index=4), after=mark)
                tap(stream, "space")
            else:
                # Switch 1 steps to the next row, then item; switch 2 selects.
                mark = len(app.lines())
                tap(stream, "space")
                app.wait_for(event("highlight", menu="home", row=1), after=mark)
                tap(stream, "Return")
                app.wait_for(event("highlight", menu="home", index=3), after=mark)
                tap(stream, "space")
                app.wait_for(event("highlight", menu="home", index=4), after=mark)
                tap(stream, "Return")
            chosen = app.wait_for(event("select", menu="home"), after=mark)
    finally:
        assert app.stop() == 0
    assert rowed["index"] is None
    assert chosen["label"] == "Soup"
    # While rows are scanned, a whole row of three cells is in the highlight colour.
    cells = row_of_cells(shot)
    assert len(cells) == 3, cells
    widths = [right - left for left, right in cells]
    assert max(widths) - min(widths) <= 2, cells
    assert cells[2][1] - cells[0][0] > shot.width * 3 // 4, cells  # across the screen
    lines = app.lines()
    rows = [line["label"] for line in lines if line["event"] == "highlight" and "row" in line]
    assert rows[:2] == ["Drinks", "Food"]
    items = [line["label"] for line in lines if line["event"] == "highlight" and "index" in line]
    assert items[-2:] == ["Bread", "Soup"]


def test_the_caregiver_chords_leave_full_screen_and_quit(xvfb_display: str, tmp_path: Path) -> None:
    app = start(tmp_path, xvfb_display, "--no-speech")
    assert app.proc is not None
    try:
        painted(app, index=0)
        xdotool(xvfb_display, "key", "ctrl+shift+f")
        time.sleep(0.5)
        smaller = [w[1] for w in top_windows(xvfb_display) if w[0] == TITLE and w[2]]
        xdotool(xvfb_display, "key", "ctrl+shift+f")
        time.sleep(0.5)
        full = [w[1] for w in top_windows(xvfb_display) if w[0] == TITLE and w[2]]
        xdotool(xvfb_display, "key", "ctrl+shift+q")
        status = app.proc.wait(timeout=10)
    finally:
        if app.proc.poll() is None:
            app.stop()
    assert smaller and smaller[0] != (0, 0, 1024, 768), smaller
    assert full == [(0, 0, 1024, 768)]
    assert status == 0, app.stderr()
    lines = app.lines()
    assert lines[-1]["event"] == "stop"
    assert not [line for line in lines if line["event"] == "input"]  # no chord key reached the switch


def test_the_window_goes_when_the_companion_is_killed(xvfb_display: str, tmp_path: Path) -> None:
    """Its socket closes with the companion, whatever ended it: no window is left behind."""
    app = start(tmp_path, xvfb_display, "--no-speech")
    assert app.proc is not None
    shown = app.wait_for(event("display", display="window"))
    app.proc.kill()
    app.proc.wait()
    end = time.monotonic() + 10
    while time.monotonic() < end and running(shown["pid"]):
        time.sleep(0.05)
    assert not running(shown["pid"])
    assert not [w for w in top_windows(xvfb_display) if w[0] == TITLE and w[2]]


def running(pid: int) -> bool:
    """Whether `pid` still runs (an exited process that nobody reaped yet does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")
