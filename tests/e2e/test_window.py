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
from accessible_companion.display.themes import colors_of, contrast
from rigs.pulse import PulseServer
from rigs.screenshot import Screenshot, grab, parse_color, top_windows
from rigs.xdotool_stream import XdotoolStream
from rigs.xvfb import xdotool
from tests.support.fixtures import pulse_server, xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = (pulse_server, xvfb_display)  # fixtures, used by name below

pytest.importorskip("PySide6")

TITLE = "Accessible Companion"
COLORS = colors_of(DisplaySettings())  # the default theme: yellow on black
HIGHLIGHT, FRAME, BACKGROUND = (parse_color(c) for c in (COLORS.highlight, COLORS.frame, COLORS.background))

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


def start(tmp_path: Path, display: str, *args: str, env: dict[str, str] | None = None) -> Companion:
    app = Companion.start(
        tmp_path,
        "--display",
        "window",
        "--input",
        "x11",
        "--mode",
        "step",
        *args,
        env={"DISPLAY": display, **(env or {})},
    )
    app.wait_for(event("ready"))
    return app


def painted(app: Companion, index: int, after: int = 0) -> TraceLine:
    return app.wait_for(event("painted", index=index), after=after)


def tap(stream: XdotoolStream, key: str) -> None:
    stream.tap(key, 0.12)  # longer than acceptance: a person's press
    time.sleep(0.3)  # past debounce


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
        first = painted(app, 0)
        windows = [w for w in top_windows(xvfb_display) if w[0] == TITLE and w[2]]
        assert [w[1] for w in windows] == [(0, 0, 1024, 768)]  # covers the whole root window
        before = grab(xvfb_display)
        with XdotoolStream(xvfb_display) as stream:
            mark = len(app.lines())
            tap(stream, "space")
            painted(app, 1, after=mark)
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
        painted(app, 0)
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
        painted(app, 0)
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


def test_a_click_on_a_cell_reaches_the_companion(xvfb_display: str, tmp_path: Path) -> None:
    app = start(tmp_path, xvfb_display, "--no-speech")
    try:
        painted(app, 0)
        cell = grab(xvfb_display).box_of(HIGHLIGHT)
        assert cell is not None
        x, y = (cell[0] + cell[2]) // 2, (cell[1] + cell[3]) // 2
        xdotool(xvfb_display, "mousemove", str(x), str(y), "click", "1")
        click = app.wait_for(event("input", source="pointer"))
    finally:
        assert app.stop() == 0
    assert (click["kind"], click["menu"], click["index"]) == ("click", "home", 0)


def test_the_caregiver_chords_leave_full_screen_and_quit(xvfb_display: str, tmp_path: Path) -> None:
    app = start(tmp_path, xvfb_display, "--no-speech")
    assert app.proc is not None
    try:
        painted(app, 0)
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
