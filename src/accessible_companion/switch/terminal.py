"""Switch input from the terminal (no X display): one tap per switch character.

Terminals report no key releases, so holds cannot be measured: every press becomes a
`SwitchTap`. cbreak mode (not raw) keeps Ctrl-C raising SIGINT and keeps output processing,
so the display adapter's output still looks right.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import sys
import termios
import threading
import time
import tty
from typing import Any

from ..core.events import AdapterError, Event, SwitchTap
from ..core.settings import Switches
from ..ports import Post
from . import keys

REPEAT_GAP = 0.1
"""A character arriving this soon after the same character is the key auto-repeating."""

_FALLBACKS = ("space", "enter", "tab")
"""Keys used, in this order, for a switch whose configured keys a terminal cannot deliver."""


class TerminalSwitchSource:
    """Switch taps from characters typed into a terminal."""

    name = "terminal"

    def __init__(self, switches: Switches, fd: int | None = None, repeat_gap: float = REPEAT_GAP) -> None:
        """`fd` defaults to stdin; `repeat_gap` is the auto-repeat threshold in seconds."""
        self.fd = fd
        self.repeat_gap = repeat_gap
        self.chars: dict[str, tuple[int, str]] = {}
        """Character -> (switch, key name) for every character that is a switch."""
        unreadable = self._map_switches(switches)
        self.notice = self._describe(unreadable)
        """One line for the user: which keys are read here, and what could not be."""
        self._post: Post | None = None
        self._saved: list[Any] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._last: tuple[str, float] = ("", float("-inf"))

    def start(self, post: Post) -> None:
        """Put the terminal in cbreak mode and start reading; returns at once."""
        self._post = post
        try:
            fd = sys.stdin.fileno() if self.fd is None else self.fd
            is_tty = os.isatty(fd)
        except (OSError, ValueError) as error:
            self._error(f"cannot read switch keys from stdin ({error})")
            return
        if not is_tty:
            self._error("stdin is not a terminal: switch keys cannot be read from it")
            return
        self.fd = fd
        try:
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            self._wake = os.pipe()
            self._thread = threading.Thread(target=self._read, name="terminal-switch", daemon=True)
            self._thread.start()
        except BaseException:
            self._restore()
            self._close_wake()
            raise

    def stop(self) -> None:
        """Stop reading and restore the terminal settings."""
        if self._wake is not None and self._thread is not None:
            os.write(self._wake[1], b"x")
            self._thread.join(2.0)
        self._thread = None
        self._restore()
        self._close_wake()

    def _map_switches(self, switches: Switches) -> list[str]:
        """Fill `chars`; return the configured names a terminal cannot deliver."""
        unreadable: list[str] = []
        for switch, names in ((1, switches.switch1), (2, switches.switch2)):
            found = False
            for name in names:
                chars = keys.terminal_chars(name)
                if not chars:
                    unreadable.append(name)
                for char in chars:
                    owner, _ = self.chars.setdefault(char, (switch, name))
                    found = found or owner == switch
            if names and not found:
                self._fall_back(switch)
        for name in switches.caregiver:  # switch 3: the caregiver's key, no fallback
            for char in keys.terminal_chars(name):
                self.chars.setdefault(char, (3, name))
        return unreadable

    def _fall_back(self, switch: int) -> None:
        order = _FALLBACKS if switch == 1 else (_FALLBACKS[1], _FALLBACKS[0], _FALLBACKS[2])
        for name in order:
            chars = keys.terminal_chars(name)
            if not any(char in self.chars for char in chars):
                self.chars.update((char, (switch, name)) for char in chars)
                return

    def _describe(self, unreadable: list[str]) -> str:
        parts = []
        for switch in (1, 2):
            names = dict.fromkeys(name for s, name in self.chars.values() if s == switch)
            if names:
                shown = " or ".join(keys.display_name(name) for name in names)
                parts.append(f"{shown} (switch {switch})")
        if not parts:
            return "No switch keys are configured for this terminal."
        reading = f"reading {' and '.join(parts)} from this terminal; holds cannot be measured here."
        if unreadable:
            missing = " and ".join(keys.display_name(name) for name in unreadable)
            return f"{missing} cannot be read from a terminal; {reading}"
        return reading[0].upper() + reading[1:]

    def _read(self) -> None:
        assert self._wake is not None and self.fd is not None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            while True:
                ready, _, _ = select.select([self.fd, self._wake[0]], [], [])
                now = time.monotonic()
                if self._wake[0] in ready:
                    return
                data = os.read(self.fd, 1024)
                if not data:
                    self._error("the terminal closed; switch keys are no longer read")
                    return
                self._feed(decoder.decode(data), now)
        except Exception as error:
            self._error(f"reading the terminal failed ({error}); switch keys are no longer read")
            self._restore()

    def _feed(self, text: str, now: float) -> None:
        index = 0
        while index < len(text):
            if text[index] == "\x1b" and index + 1 < len(text):
                # An escape sequence (arrow, F-key, Alt+key), not the Esc key alone:
                # its letters must not count as switch characters.
                index = _skip_escape(text, index)
                continue
            self._char(text[index], now)
            index += 1

    def _char(self, char: str, now: float) -> None:
        last_char, last_time = self._last
        self._last = (char, now)
        # Terminals repeat a held key (about every 30-50 ms after a 250-600 ms delay) and
        # send no release, so a fast run of one character is one held key: tap once. The
        # first repeat after the delay cannot be told from a second press and counts.
        if char == last_char and now - last_time < self.repeat_gap:
            return
        hit = self.chars.get(char)
        if hit is not None:
            self._send(SwitchTap(hit[0], "terminal", hit[1]), now)

    def _send(self, event: Event, now: float) -> None:
        if self._post is not None:
            self._post(event, now)

    def _error(self, message: str) -> None:
        self._send(AdapterError("switch", message), time.monotonic())

    def _restore(self) -> None:
        with self._lock:
            saved, self._saved = self._saved, None
        if saved is not None and self.fd is not None:
            # termios.error: the terminal is gone, so there is nothing left to restore.
            with contextlib.suppress(termios.error):
                termios.tcsetattr(self.fd, termios.TCSAFLUSH, saved)

    def _close_wake(self) -> None:
        wake, self._wake = self._wake, None
        for fd in wake or ():
            os.close(fd)


def _skip_escape(text: str, index: int) -> int:
    """The index just past the escape sequence starting at `text[index]` (an ESC)."""
    kind = text[index + 1]
    if kind == "[":  # CSI: parameters, then one final byte in @..~
        end = index + 2
        while end < len(text) and not "@" <= text[end] <= "~":
            end += 1
        return min(end + 1, len(text))
    if kind == "O":  # SS3: one more character (F1-F4, keypad keys in application mode)
        return min(index + 3, len(text))
    return index + 2  # ESC + character: Alt+key
