"""The X11 switch with a way out: when the X connection dies, fall back to the terminal's keys
(if the companion has a terminal), reconnect to X with backoff, and say both aloud once.

Without a terminal there is no way left to read the switch, so after `GRACE` seconds of
reconnect tries the companion says so and asks to be stopped with `EXIT_NO_INPUT`, so that a
supervisor (the systemd user service, see service.py) starts it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ..backoff import Backoff
from ..core.events import Notice
from ..core.view import NoticeLevel
from ..ports import Post, SwitchSource

log = logging.getLogger(__name__)

EXIT_NO_INPUT = 75
"""Exit status when no switch can be read (EX_TEMPFAIL: try again later); documented in README."""

GRACE = 10.0
"""Seconds of reconnect tries, without a terminal, before the companion gives up and exits."""

PAUSE_BEFORE_EXIT = 4.0
"""Seconds between saying that the companion stops and stopping, so the sentence is heard."""

RETRY_FIRST, RETRY_MAX = 0.5, 5.0
"""Reconnect tries: 0.5 s after the loss, doubling to one every 5 s (X is back within 5 s)."""

READY_TIMEOUT = 3.0
"""Seconds a new X connection may take to deliver events before the try counts as failed."""

LOST_WITH_TERMINAL = "The X display was lost. {terminal} Trying to reconnect to X."
LOST_NO_TERMINAL = (
    "The X display was lost and there is no terminal to read switch keys from. "
    "Trying to reconnect for {seconds:g} seconds."
)
BACK = "The X display is back: X presses work again."
GONE = (
    "The X display did not come back and no switch can be read: "
    "the companion stops so that it can be started again."
)


class XSource(SwitchSource, Protocol):
    """An X11 switch source: also says when its listeners receive events."""

    def wait_ready(self, timeout: float = ...) -> bool:
        """Block until the listeners receive events; False on timeout."""


class TerminalSource(SwitchSource, Protocol):
    """A terminal switch source, with one line saying which keys it reads."""

    notice: str


MakeX = Callable[[Callable[[str], None]], XSource]
"""Builds an X11 source that calls its argument when its X connection dies."""


class FallbackSwitchSource:
    """Reads the switch from X11; from the terminal while X is gone; exits if neither works."""

    name = "switch"

    def __init__(
        self,
        make_x: MakeX,
        make_terminal: Callable[[], TerminalSource] | None,
        give_up: Callable[[], None],
        probe: Callable[[], bool],
        grace: float = GRACE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`make_terminal` is None when the companion has no terminal; `give_up` ends the run
        (thread-safe), which should then exit with `EXIT_NO_INPUT` (see `gave_up`). `probe` says
        whether X accepts connections: a cheap check before a full reconnect try."""
        self._make_x = make_x
        self._make_terminal = make_terminal
        self._give_up = give_up
        self._probe = probe
        self.grace = grace
        self._clock = clock
        self._post: Post | None = None
        self._x: XSource | None = None
        self._terminal: TerminalSource | None = None
        self._lock = threading.Lock()
        self._generation = 0
        """Counts X sources: a loss reported by an old one (already replaced) is ignored."""
        self._lost = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.gave_up = False
        """True once neither X nor a terminal could be read and `give_up` was called."""

    def start(self, post: Post) -> None:
        """Start reading X11 and watching for its loss; returns at once."""
        self._post = post
        self._x = self._new_x()
        self._x.start(post)
        self._thread = threading.Thread(target=self._watch, name="switch-reconnect", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Whether the X listeners receive events (within `timeout` s)."""
        x = self._x
        return x is not None and not self._lost.is_set() and x.wait_ready(timeout)

    def stop(self) -> None:
        """Stop reconnecting and reading, X and terminal both."""
        self._stopping.set()
        self._lost.set()  # wakes the watcher
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(READY_TIMEOUT + 2.0)
        with self._lock:
            x, self._x = self._x, None
            terminal, self._terminal = self._terminal, None
        for source in (x, terminal):
            if source is not None:
                source.stop()

    def _new_x(self) -> XSource:
        with self._lock:
            self._generation += 1
            generation = self._generation
        return self._make_x(lambda message: self._on_lost(generation, message))

    def _on_lost(self, generation: int, message: str) -> None:
        # On a listener's thread: only note it. Stopping the X source joins that very thread.
        with self._lock:
            if generation == self._generation:
                log.warning("X11 switch lost: %s", message)  # the detail, for the log
                self._lost.set()

    def _watch(self) -> None:
        while True:
            self._lost.wait()
            if self._stopping.is_set():
                return
            self._recover()

    def _recover(self) -> None:
        """X is gone: fall back, reconnect, or give up."""
        with self._lock:
            x, self._x = self._x, None
            self._generation += 1  # the old source's further reports are ignored
            self._lost.clear()
        if x is not None:
            x.stop()
        terminal = self._start_terminal()
        if terminal is not None:
            self._say(LOST_WITH_TERMINAL.format(terminal=terminal.notice), "warning", "x11_lost")
        else:
            self._say(LOST_NO_TERMINAL.format(seconds=self.grace), "error", "x11_lost")
        if self._reconnect(terminal is not None):
            self._say(BACK, "info", "x11_back")
        elif not self._stopping.is_set():
            self._say(GONE, "error", "x11_gone")
            if not self._stopping.wait(PAUSE_BEFORE_EXIT):
                self.gave_up = True
                self._give_up()

    def _reconnect(self, forever: bool) -> bool:
        """Try X with backoff until it works (True), or stop, or (without a terminal) the grace ends."""
        backoff = Backoff(RETRY_FIRST, RETRY_MAX)
        backoff.failed(self._clock())
        end = self._clock() + self.grace
        while True:
            now = self._clock()
            wait = backoff.wait(now) if forever else min(backoff.wait(now), max(0.0, end - now))
            if self._stopping.wait(wait):
                return False
            if self._try_x():
                return True
            now = self._clock()
            backoff.failed(now)
            if not forever and now >= end:
                return False

    def _try_x(self) -> bool:
        post = self._post
        # A new source on a server that is not there would only report errors and wait.
        if post is None or not self._probe():
            return False
        x = self._new_x()
        try:
            x.start(post)
            ready = x.wait_ready(READY_TIMEOUT)
        except Exception:
            ready = False
        if not ready or self._lost.is_set():
            x.stop()
            with self._lock:
                self._generation += 1
                self._lost.clear()
            return False
        with self._lock:
            self._x = x
            terminal, self._terminal = self._terminal, None
        if terminal is not None:
            terminal.stop()  # one source at a time: a key must not count twice
        return True

    def _start_terminal(self) -> TerminalSource | None:
        if self._make_terminal is None or self._post is None:
            return None
        terminal = self._make_terminal()
        try:
            terminal.start(self._post)
        except Exception:
            return None
        with self._lock:
            self._terminal = terminal
        return terminal

    def _say(self, text: str, level: NoticeLevel, kind: str) -> None:
        if self._post is not None:
            self._post(Notice(text, spoken=True, level=level, kind=kind), self._clock())
