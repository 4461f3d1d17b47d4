"""The real process, driven by real key events: X11 (Xvfb + xdotool) and a pseudo-terminal."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest

from rigs.xvfb import xdotool
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below


def press(display: str, key: str, hold: float = 0.12) -> None:
    """A press a person makes: longer than acceptance (xdotool's own `key` lasts ~6 ms: a bump)."""
    xdotool(display, "keydown", key)
    time.sleep(hold)
    xdotool(display, "keyup", key)


def test_step_mode_under_x11_selects_by_keys(xvfb_display: str, tmp_path: Path) -> None:
    app = Companion.start(
        tmp_path, "--mode", "step", "--input", "x11", "--no-speech", env={"DISPLAY": xvfb_display}
    )
    try:
        assert app.wait_for(event("ready"))["listening"] is True
        app.wait_for(event("highlight", menu="home", index=0))
        for _ in range(3):
            press(xvfb_display, "space")
            time.sleep(0.3)  # past debounce
        app.wait_for(event("highlight", menu="home", index=3))
        press(xvfb_display, "Return")
        chosen = app.wait_for(event("select", menu="home"))
        assert chosen["label"] == "Rest"
        app.wait_for(event("menu", menu="rest"))
        time.sleep(0.5)  # past the post-selection pause
        # A long hold of switch 1 also selects in step mode.
        xdotool(xvfb_display, "keydown", "space")
        app.wait_for(event("hold", switch=1))
        xdotool(xvfb_display, "keyup", "space")
        rest = app.wait_for(event("select", menu="rest"))
        assert rest["action"] == "rest"
        app.wait_for(event("idle", reason="rest"))
    finally:
        assert app.stop() == 0
    lines = app.lines()
    inputs = [(line["kind"], line["key"]) for line in lines if line["event"] == "input"]
    assert inputs[:8] == [
        ("press", "space"),
        ("release", "space"),
        ("press", "space"),
        ("release", "space"),
        ("press", "space"),
        ("release", "space"),
        ("press", "enter"),
        ("release", "enter"),
    ]
    assert all(line["source"] == "switch" for line in lines if line["event"] == "input")
    assert lines[-1]["event"] == "stop"


def test_auto_scan_under_x11_selects_what_is_highlighted(xvfb_display: str, tmp_path: Path) -> None:
    app = Companion.start(
        tmp_path,
        "--mode",
        "auto",
        "--interval",
        "0.5",
        "--input",
        "x11",
        "--no-speech",
        env={"DISPLAY": xvfb_display},
    )
    try:
        app.wait_for(event("ready"))
        app.wait_for(event("highlight", menu="home", index=2))
        press(xvfb_display, "space")
        chosen = app.wait_for(event("select"))
    finally:
        assert app.stop() == 0
    lines = app.lines()
    down = next(i for i, line in enumerate(lines) if line["event"] == "input" and line["kind"] == "press")
    last_highlight = [line for line in lines[:down] if line["event"] == "highlight"][-1]
    # The item highlighted when the switch went down is the one selected.
    assert chosen["label"] == last_highlight["label"]
    times = {line["index"]: line["t"] for line in lines if line["event"] == "highlight"}
    # Items after the first dwell one interval (0.5 s), measured on the trace clock.
    assert 0.45 <= times[2] - times[1] <= 0.9, times


def test_terminal_without_x_reads_space_and_enter(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "accessible_companion",
            "run",
            "--trace",
            str(trace),
            "--mode",
            "step",
            "--no-speech",
            "--no-page",
        ],
        env=env,
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    app = Companion(trace, None, alive=child.isalive)
    try:
        app.wait_for(event("ready", input="terminal"))
        app.wait_for(event("highlight", menu="home", index=0))
        child.send(" ")
        app.wait_for(event("highlight", menu="home", index=1))
        time.sleep(0.3)  # past debounce
        child.send("\r")
        chosen = app.wait_for(event("select", menu="home"))
        assert chosen["label"] == "Call for help"
        app.wait_for(event("alert", trigger="menu"))
    finally:
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        child.close()
    inputs = [(line["source"], line["kind"], line["key"]) for line in app.lines() if line["event"] == "input"]
    assert inputs == [("terminal", "tap", "space"), ("terminal", "tap", "enter")]
    assert child.exitstatus == 0
