"""The real process when its X server dies: the terminal's keys, X again on the same display, or exit 75."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from accessible_companion.switch.fallback import EXIT_NO_INPUT, GRACE, PAUSE_BEFORE_EXIT
from rigs.xvfb import XvfbServer, xdotool
from tests.support.process import Companion, event

pytestmark = pytest.mark.real


@pytest.fixture
def xserver() -> Iterator[XvfbServer]:
    """An Xvfb of this test's own: the test kills it (the session's shared one must live)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    server = XvfbServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _env(tmp_path: Path, display: str) -> dict[str, str]:
    return {
        **os.environ,
        "DISPLAY": display,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def _drain(child: pexpect.spawn) -> None:
    """Read the screen as a terminal emulator would: a full pty buffer blocks the companion's
    writes, and restoring the terminal settings (TCSAFLUSH waits for output to drain)."""
    while True:
        try:
            child.read_nonblocking(65536, timeout=0.2)
        except pexpect.TIMEOUT:
            continue
        except (pexpect.EOF, OSError, ValueError):
            return


def press(display: str, key: str, hold: float = 0.12) -> None:
    xdotool(display, "keydown", key)
    time.sleep(hold)
    xdotool(display, "keyup", key)


def test_terminal_keys_while_x_is_gone_then_x_again(xserver: XvfbServer, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    command = [
        "-m",
        "accessible_companion",
        "run",
        "--trace",
        str(trace),
        "--mode",
        "step",
        "--no-speech",
        "--no-page",
    ]
    command += ["--display", "terminal"]
    child = pexpect.spawn(
        sys.executable,
        [*command, "--input", "x11"],
        env=_env(tmp_path, xserver.display),
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    app = Companion(trace, None, alive=child.isalive)
    reader = threading.Thread(target=_drain, args=(child,), daemon=True)
    reader.start()
    try:
        assert app.wait_for(event("ready", input="switch"))["listening"] is True
        app.wait_for(event("highlight", menu="home", index=0))
        press(xserver.display, "space")
        app.wait_for(event("highlight", menu="home", index=1))

        xserver.kill()
        lost = app.wait_for(event("notice", kind="x11_lost"))
        assert lost["spoken"] is True and lost["level"] == "warning"
        mark = len(app.lines())
        time.sleep(0.3)  # past debounce
        child.send(" ")
        app.wait_for(event("input", source="terminal", kind="tap", key="space"), after=mark)
        app.wait_for(event("highlight", menu="home", index=2), after=mark)

        xserver.start()  # the same display number
        back = app.wait_for(event("notice", kind="x11_back"), timeout=20)
        assert back["spoken"] is True
        mark = len(app.lines())
        press(xserver.display, "space")
        app.wait_for(event("input", source="switch", kind="press", key="space"), after=mark)
        app.wait_for(event("highlight", menu="home", index=3), after=mark)
    finally:
        child.kill(signal.SIGTERM)
        reader.join(10)
        child.close()
    lines = app.lines()
    assert child.exitstatus == 0, lines[-5:]
    notices = [line["kind"] for line in lines if line["event"] == "notice" and line["kind"].startswith("x11")]
    assert notices == ["x11_lost", "x11_back"]  # each said once
    assert not [line for line in lines if line["event"] == "error" and line["component"] == "switch"]
    assert lines[-1]["event"] == "stop"


def test_no_terminal_and_x_gone_exits_75(xserver: XvfbServer, tmp_path: Path) -> None:
    app = Companion.start(
        tmp_path, "--mode", "step", "--input", "x11", "--no-speech", env={"DISPLAY": xserver.display}
    )
    assert app.proc is not None
    try:
        app.wait_for(event("ready", input="switch"))
        xserver.kill()
        lost = app.wait_for(event("notice", kind="x11_lost"))
        assert lost["spoken"] is True and lost["level"] == "error"
        killed = time.monotonic()
        status = app.proc.wait(timeout=GRACE + PAUSE_BEFORE_EXIT + 20)
        took = time.monotonic() - killed
    finally:
        if app.proc.poll() is None:
            app.proc.kill()
            app.proc.wait()
    lines = app.lines()
    assert status == EXIT_NO_INPUT, app.stderr()
    assert GRACE <= took <= GRACE + PAUSE_BEFORE_EXIT + 15, took
    gone = [line for line in lines if line["event"] == "notice" and line["kind"] == "x11_gone"]
    assert len(gone) == 1 and gone[0]["spoken"] is True
    assert lines[-1]["event"] == "stop"


def test_x_gone_with_the_window_open_the_terminal_shows_and_reads_keys(
    xserver: XvfbServer, tmp_path: Path
) -> None:
    """The window dies with its X server (in its own process); the terminal takes over both."""
    pytest.importorskip("PySide6")
    trace = tmp_path / "trace.jsonl"
    command = [
        "-m",
        "accessible_companion",
        "run",
        "--trace",
        str(trace),
        "--mode",
        "step",
        "--no-speech",
        "--no-page",
    ]
    child = pexpect.spawn(
        sys.executable,
        [*command, "--input", "x11", "--display", "window"],
        env=_env(tmp_path, xserver.display),
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    app = Companion(trace, None, alive=child.isalive)
    reader = threading.Thread(target=_drain, args=(child,), daemon=True)
    reader.start()
    try:
        app.wait_for(event("display", display="window"))
        app.wait_for(event("painted", index=0))
        xserver.kill()
        app.wait_for(event("notice", kind="x11_lost"))
        fallen = app.wait_for(event("display", display="terminal"))
        mark = len(app.lines())
        time.sleep(0.3)  # past debounce
        child.send(" ")
        app.wait_for(event("input", source="terminal", kind="tap", key="space"), after=mark)
        app.wait_for(event("highlight", menu="home", index=1), after=mark)
    finally:
        child.kill(signal.SIGTERM)
        reader.join(10)
        child.close()
    lines = app.lines()
    assert child.exitstatus == 0, lines[-5:]
    assert "X11 connection broke" in fallen["reason"], fallen
    kinds = [line["kind"] for line in lines if line["event"] == "notice" and line["spoken"]]
    assert sorted(kinds) == ["display_lost", "x11_lost"]  # each said once
    assert lines[-1]["event"] == "stop"
