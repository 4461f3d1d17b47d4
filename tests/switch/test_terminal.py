"""The terminal switch source on a real pseudo-terminal."""

from __future__ import annotations

import os
import termios
import time
from collections.abc import Iterator

import pytest

from accessible_companion.core.events import AdapterError, SwitchTap
from accessible_companion.core.settings import Switches
from accessible_companion.switch.terminal import TerminalSwitchSource
from rigs.recorder import Recorder

pytestmark = pytest.mark.real


@pytest.fixture
def pty() -> Iterator[tuple[int, int]]:
    """(master, slave) of a fresh pseudo-terminal."""
    master, slave = os.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


def test_switch_characters_become_taps_and_others_are_ignored(pty: tuple[int, int]) -> None:
    master, slave = pty
    before = termios.tcgetattr(slave)
    source = TerminalSwitchSource(Switches(("space",), ("enter",)), fd=slave)
    posted = Recorder()
    source.start(posted)
    try:
        cbreak = termios.tcgetattr(slave)
        assert not cbreak[3] & (termios.ICANON | termios.ECHO)
        assert cbreak[3] & termios.ISIG, "Ctrl-C must still interrupt"
        for data in (b" ", b"\r", b"x", b"\x1b[A", b"\n"):  # x and an arrow key are not switches
            os.write(master, data)
            time.sleep(0.15)  # longer than the repeat gap
        posted.wait_for(3)
        time.sleep(0.2)
        assert [event for event, _ in posted.events] == [
            SwitchTap(1, "terminal", "space"),
            SwitchTap(2, "terminal", "enter"),
            SwitchTap(2, "terminal", "enter"),
        ]
        times = [now for _, now in posted.events]
        assert times == sorted(times)
    finally:
        source.stop()
    assert termios.tcgetattr(slave) == before


def test_held_key_repeating_gives_one_tap(pty: tuple[int, int]) -> None:
    master, slave = pty
    source = TerminalSwitchSource(Switches(("space",), ("enter",)), fd=slave)
    posted = Recorder()
    source.start(posted)
    try:
        for _ in range(10):  # a held key: one character every 20 ms
            os.write(master, b" ")
            time.sleep(0.02)
        time.sleep(0.3)
        os.write(master, b" ")  # a new press after a pause counts again
        posted.wait_for(2)
        time.sleep(0.2)
        assert [event for event, _ in posted.events] == [SwitchTap(1, "terminal", "space")] * 2
    finally:
        source.stop()


def test_keys_a_terminal_cannot_send_fall_back_to_space_and_enter(pty: tuple[int, int]) -> None:
    master, slave = pty
    source = TerminalSwitchSource(Switches(("f9",), ("mouse:left",)), fd=slave)
    assert source.notice == (
        "F9 and left mouse button cannot be read from a terminal; reading Space (switch 1) and "
        "Enter (switch 2) from this terminal; holds cannot be measured here."
    )
    posted = Recorder()
    source.start(posted)
    try:
        os.write(master, b" ")
        time.sleep(0.15)
        os.write(master, b"\r")
        posted.wait_for(2)
        assert [event for event, _ in posted.events] == [
            SwitchTap(1, "terminal", "space"),
            SwitchTap(2, "terminal", "enter"),
        ]
    finally:
        source.stop()


def test_notice_names_the_keys_read() -> None:
    source = TerminalSwitchSource(Switches(("space", "a"), ("enter",)), fd=0)
    assert source.notice == (
        "Reading Space or 'a' (switch 1) and Enter (switch 2) from this terminal; "
        "holds cannot be measured here."
    )


def test_stdin_that_is_not_a_terminal_is_reported() -> None:
    read_end, write_end = os.pipe()
    try:
        source = TerminalSwitchSource(Switches(), fd=read_end)
        posted = Recorder()
        source.start(posted)
        source.stop()
        events = posted.wait_for(1)
        assert len(events) == 1
        assert isinstance(events[0], AdapterError)
        assert events[0].component == "switch"
        assert "not a terminal" in events[0].message
    finally:
        os.close(read_end)
        os.close(write_end)


def test_stop_returns_promptly(pty: tuple[int, int]) -> None:
    _, slave = pty
    source = TerminalSwitchSource(Switches(), fd=slave)
    source.start(Recorder())
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 0.5
