"""The window's parent side (WindowDisplay) and the display that falls back to the terminal.

WindowDisplay runs a stand-in child here: a few lines of Python that speak the window's
protocol over the socket as a script says, so each way a window ends can be made at will.
The real window process is tested with Qt's offscreen platform at the end, and under Xvfb
with the xcb platform in tests/e2e/test_window.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from accessible_companion.core.events import Notice, PointerSelect
from accessible_companion.core.view import View
from accessible_companion.display.fallback import FallbackDisplay
from accessible_companion.display.window import WindowDisplay, child_command
from bench.support import RecordingTrace
from rigs.recorder import Recorder

VIEW = View(
    menu="home",
    title="Home",
    labels=("Water", "Rest"),
    highlight=0,
    state="waiting",
    mode="step",
    interval=1.5,
)

CHILD = """
import sys, time
from multiprocessing.connection import Connection
connection = Connection(int(sys.argv[-1]))
script = {script!r}
for step in script:
    if step == "recv":
        connection.recv()
    elif step == "serve":
        while True:
            try:
                message = connection.recv()
            except EOFError:
                sys.exit(0)
            print(repr(message), file=sys.stderr, flush=True)
    elif isinstance(step, str) and step.startswith("exit"):
        print("The X11 connection broke (error 1). Did the X11 server die?", file=sys.stderr, flush=True)
        sys.exit(int(step[4:]))
    elif isinstance(step, float):
        time.sleep(step)
    else:
        if "NOW" in step:
            step = tuple(time.monotonic() if part == "NOW" else part for part in step)
        connection.send(step)
"""

READY = ("ready", {"pid": 1, "platform": "fake", "geometry": [0, 0, 10, 10], "screen": [0, 0, 10, 10]})


class Ends:
    """What the window display calls back: stop (quit chord) and lost(reason)."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.lost: list[str] = []
        self.lost_event = threading.Event()

    def stop(self) -> None:
        self.stopped.set()

    def lose(self, reason: str) -> None:
        self.lost.append(reason)
        self.lost_event.set()


def window(script: list[Any], **options: Any) -> tuple[WindowDisplay, RecordingTrace, Recorder, Ends]:
    trace = RecordingTrace()
    display = WindowDisplay(trace, command=[sys.executable, "-c", CHILD.format(script=script)], **options)
    posts, ends = Recorder(), Ends()
    display.start(posts.post, ends.stop, ends.lose)
    return display, trace, posts, ends


@pytest.fixture
def closing() -> Iterator[list[WindowDisplay]]:
    opened: list[WindowDisplay] = []
    yield opened
    for display in opened:
        display.close()


def traced(trace: RecordingTrace, name: str, timeout: float = 5.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for _, event, fields in list(trace.lines):
            if event == name:
                return fields
        time.sleep(0.01)
    raise AssertionError(f"no {name} in {trace.lines}")


def test_paints_are_traced_on_the_trace_clock_and_clicks_posted(closing: list[WindowDisplay]) -> None:
    script = [READY, ("painted", "home", 0, None, "menu", "NOW"), ("pick", "home", 1, "NOW"), "serve"]
    display, trace, posts, ends = window(script)
    closing.append(display)
    shown = traced(trace, "display")
    assert shown == {"display": "window", "reason": "open", **READY[1]}
    paint = traced(trace, "painted")
    assert (paint["menu"], paint["index"], paint["row"], paint["screen"]) == ("home", 0, None, "menu")
    assert 0 <= paint["at"] <= trace.since_start(time.monotonic())
    (event, at), *_ = posts.wait_for_type(PointerSelect, 1)
    assert event == PointerSelect("home", 1)
    assert at <= time.monotonic()
    assert not ends.lost


def test_the_quit_chord_stops_the_companion(closing: list[WindowDisplay]) -> None:
    display, _, _, ends = window([READY, ("quit",), "serve"])
    closing.append(display)
    assert ends.stopped.wait(5)


def test_a_window_that_dies_is_reported_once_with_its_last_words_and_reaped() -> None:
    display, _, _, ends = window([READY, 0.1, "exit1"])
    assert ends.lost_event.wait(5)
    time.sleep(0.2)
    said = "The X11 connection broke (error 1). Did the X11 server die?"
    assert ends.lost == [f"the window's process ended with status 1: {said}"]
    assert display.pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(display.pid, os.WNOHANG)  # already reaped: no zombie
    display.close()  # after a loss, closing is quiet
    assert len(ends.lost) == 1


def test_a_window_closed_by_the_window_manager_is_lost() -> None:
    display, _, _, ends = window([READY, ("closed",)])
    assert ends.lost_event.wait(5)
    assert ends.lost == ["the window was closed"]
    display.close()


def test_a_window_that_never_opens_is_given_up_and_killed() -> None:
    display, _, _, ends = window(["serve"], open_timeout=0.5)
    assert ends.lost_event.wait(5)
    assert ends.lost == ["the window did not open within 0.5 s"]
    display.close()


def test_a_window_that_cannot_load_qt_says_so() -> None:
    display, _, _, ends = window([("failed", "PySide6 cannot be loaded: no module")])
    assert ends.lost_event.wait(5)
    assert ends.lost == ["the window could not open: PySide6 cannot be loaded: no module"]
    display.close()


def test_closing_ends_the_child_and_is_no_loss() -> None:
    display, _, _, ends = window([READY, "serve"])
    display.show(VIEW)
    display.close()
    assert display.pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(display.pid, os.WNOHANG)
    assert not ends.lost


def test_the_microphone_level_is_sent_only_while_voice_is_on() -> None:
    asked: list[float] = []

    def level() -> float | None:
        asked.append(time.monotonic())
        return -30.0 - len(asked)

    display, _, _, _ = window([READY, "serve"], level=level)
    time.sleep(0.5)
    assert asked == []  # voice off: never asked
    display.show(replace(VIEW, voice="listening"))
    time.sleep(0.55)
    on = len(asked)
    display.show(VIEW)
    time.sleep(0.4)
    off = len(asked)
    display.close()
    assert display._stderr_reader is not None
    display._stderr_reader.join(5)  # what the stand-in child received, one line each
    assert 4 <= on <= 7  # ~10 a second
    assert off - on <= 1
    received = [line for line in display._stderr if line.startswith("('level'")]
    assert received[-1] == "('level', None)"  # voice off: the window hides the level
    assert len(received) == on + 1


class FakeWindow:
    def __init__(self) -> None:
        self.shown: list[View] = []
        self.closed = 0
        self.lost: Any = None

    def start(self, post: Any, stop: Any, lost: Any) -> None:
        self.lost = lost

    def show(self, view: View) -> None:
        self.shown.append(view)

    def close(self) -> None:
        self.closed += 1


class FakeTerminal(FakeWindow):
    pass


def test_a_lost_window_hands_the_last_view_to_the_terminal_traced_and_said_once() -> None:
    trace, posts = RecordingTrace(), Recorder()
    window, terminals = FakeWindow(), []

    def terminal() -> FakeTerminal:
        terminals.append(FakeTerminal())
        return terminals[-1]

    display = FallbackDisplay(window, window, terminal, trace, "Window gone.")
    display.start(posts.post, lambda: None)
    display.show(VIEW)
    assert window.shown == [VIEW] and not terminals
    window.lost("the window was closed")
    window.lost("the window was closed")  # twice: still one change
    assert len(terminals) == 1 and terminals[0].shown == [VIEW]
    assert window.closed == 1
    later = replace(VIEW, highlight=1)
    display.show(later)
    assert terminals[0].shown == [VIEW, later] and window.shown == [VIEW]
    displays = [fields for _, name, fields in trace.lines if name == "display"]
    assert displays == [{"display": "terminal", "reason": "the window was closed"}]
    notices = [event for event, _ in posts.of_type(Notice)]
    assert notices == [Notice("Window gone.", spoken=True, level="warning", kind="display_lost")]
    display.close()
    assert terminals[0].closed == 1


def test_without_a_window_the_terminal_shows_from_the_start_and_says_why() -> None:
    trace, posts = RecordingTrace(), Recorder()
    made: list[FakeTerminal] = []

    def terminal() -> FakeTerminal:
        made.append(FakeTerminal())
        return made[-1]

    display = FallbackDisplay(None, None, terminal, trace, "Window gone.", why_terminal="no X display")
    display.show(VIEW)
    assert made == []  # not before start: a full-screen terminal sends stderr to the log
    display.start(posts.post, lambda: None)
    assert made[0].shown == [VIEW]
    assert [fields for _, name, fields in trace.lines if name == "display"] == [
        {"display": "terminal", "reason": "no X display"}
    ]
    assert posts.of_type(Notice) == []


def test_the_real_window_process_paints_each_view_once_offscreen(closing: list[WindowDisplay]) -> None:
    """The window process itself, with Qt's offscreen platform (no X needed)."""
    pytest.importorskip("PySide6")
    old = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        trace = RecordingTrace()
        display = WindowDisplay(trace, command=child_command())
        closing.append(display)
        ends = Ends()
        display.start(Recorder().post, ends.stop, ends.lose)
    finally:
        if old is None:
            del os.environ["QT_QPA_PLATFORM"]
        else:
            os.environ["QT_QPA_PLATFORM"] = old
    display.show(VIEW)
    shown = traced(trace, "display", timeout=30)
    assert shown["platform"] == "offscreen"
    assert shown["geometry"] == shown["screen"]  # full screen
    traced(trace, "painted")
    display.show(replace(VIEW, highlight=1))
    end = time.monotonic() + 5
    while len([1 for _, name, _ in trace.lines if name == "painted"]) < 2 and time.monotonic() < end:
        time.sleep(0.01)
    paints = [fields["index"] for _, name, fields in trace.lines if name == "painted"]
    assert paints == [0, 1]
    assert not ends.lost
