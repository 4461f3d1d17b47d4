"""No press lost, no alarm missed: the real process under Xvfb, driven by one long-running
`xdotool -` (10-20 ms taps, timed by xdotool itself), and stopped with SIGSTOP mid-press.

Default timings: acceptance 0.05 s, debounce 0.1 s, long press 0.6 s, post-selection pause
0.3 s; help: hold 2 s, or (inverse mode) 3 presses within 1.5 s.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rigs.xdotool_stream import XdotoolStream
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, TraceLine, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below


@pytest.fixture
def xdo(xvfb_display: str) -> Iterator[XdotoolStream]:
    with XdotoolStream(xvfb_display) as stream:
        yield stream


def start(tmp_path: Path, display: str, mode: str) -> Companion:
    app = Companion.start(
        tmp_path, "--mode", mode, "--input", "x11", "--no-speech", "--no-journal", env={"DISPLAY": display}
    )
    assert app.wait_for(event("ready"))["listening"] is True
    app.wait_for(event("highlight", menu="home", index=0))
    return app


def named(lines: list[TraceLine], name: str) -> list[TraceLine]:
    return [line for line in lines if line["event"] == name]


def test_a_real_press_just_after_a_tremor_tap_is_one_press(
    xvfb_display: str, xdo: XdotoolStream, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "step")
    try:
        for gap in (0.02, 0.045, 0.07):
            xdo.tap("space", 0.01)  # a tremor: shorter than acceptance
            xdo.send(f"sleep {gap}")
            xdo.tap("space", 0.12)  # the press the user meant: one step
            xdo.send("sleep 0.6")
        app.wait_for(event("highlight", menu="home", index=3))
        time.sleep(0.5)  # anything more would show now
    finally:
        assert app.stop() == 0
    lines = app.lines()
    assert len([line for line in named(lines, "input") if line["kind"] == "press"]) == 6
    assert [line["index"] for line in named(lines, "highlight")] == [0, 1, 2, 3]


def test_a_help_hold_starting_in_the_post_selection_pause_calls_for_help(
    xvfb_display: str, xdo: XdotoolStream, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "step")
    try:
        xdo.tap("Return", 0.15)  # switch 2 selects (Phrases): the pause begins at the release
        xdo.send("sleep 0.15")
        xdo.tap("space", 2.5)
        alert = app.wait_for(event("alert"), timeout=10)
        assert alert["trigger"] == "hold"
        time.sleep(0.8)  # past the release
    finally:
        assert app.stop() == 0
    lines = app.lines()
    downs = [line for line in named(lines, "input") if line["kind"] == "press" and line["key"] == "space"]
    assert len(downs) == 1
    assert alert["t"] - downs[0]["t"] == pytest.approx(2.0, abs=0.4)
    assert [line["label"] for line in named(lines, "select")] == ["Phrases"]  # the hold selected nothing


def test_taps_shorter_than_acceptance_do_not_call_for_help_in_inverse_mode(
    xvfb_display: str, xdo: XdotoolStream, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "inverse")
    try:
        for _ in range(3):
            xdo.tap("space", 0.02)
            xdo.send("sleep 0.15")
        xdo.send("sleep 2.5")
        for _ in range(3):  # and three real presses do (the test can tell)
            xdo.tap("space", 0.08)
            xdo.send("sleep 0.15")
        alert = app.wait_for(event("alert"), timeout=10)
    finally:
        assert app.stop() == 0
    lines = app.lines()
    presses = [line for line in named(lines, "input") if line["kind"] == "press"]
    assert len(presses) == 6
    assert alert["trigger"] == "gesture"
    assert alert["t"] > presses[5]["t"], "only the third real press calls for help"
    assert len(named(lines, "alert")) == 1


def test_presses_made_while_the_process_was_stopped_are_judged_by_when_they_happened(
    xvfb_display: str, xdo: XdotoolStream, tmp_path: Path
) -> None:
    app = start(tmp_path, xvfb_display, "step")
    assert app.proc is not None
    try:
        xdo.tap("space", 0.12)  # a first press maps the X server's clock to the companion's
        app.wait_for(event("highlight", menu="home", index=1))
        time.sleep(0.5)
        # Stopped 3 s; a press is made 1 s in. Its down and up arrive together after SIGCONT.
        app.proc.send_signal(signal.SIGSTOP)
        try:
            xdo.send("sleep 1")
            xdo.tap("space", 0.12)
            time.sleep(3)
        finally:
            app.proc.send_signal(signal.SIGCONT)
        app.wait_for(event("highlight", menu="home", index=2), timeout=5)
        time.sleep(0.5)
        # A hold for help that begins during a stall calls for help, not a long-press select.
        app.proc.send_signal(signal.SIGSTOP)
        try:
            xdo.send("sleep 0.3", "keydown space")
            time.sleep(3)
        finally:
            app.proc.send_signal(signal.SIGCONT)
        xdo.send("sleep 0.3", "keyup space")
        alert = app.wait_for(event("alert"), timeout=5)
        time.sleep(0.6)
    finally:
        assert app.stop() == 0
    lines = app.lines()
    assert alert["trigger"] == "hold"
    assert named(lines, "select") == []
    stalls = [line for line in named(lines, "stall") if line["seconds"] > 2]  # not a busy machine's
    assert [line["late_inputs"] for line in stalls] == [2, 1], stalls
