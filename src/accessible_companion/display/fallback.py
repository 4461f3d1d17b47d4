"""The display the loop holds: the bedside window while it lives, the terminal after.

When the window is lost (it could not open, was closed, crashed, or its X display went
away) the terminal display takes over for the rest of the run, with the view the window
last had; the change is traced (`display`) and said once (a spoken `Notice`,
`display_lost`). The window is not opened again in the same run: when X comes back after
a crash the switch reconnects (switch/fallback.py), and a companion run by the service is
restarted with its window after exit 75 anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ..core.events import Notice
from ..core.view import View
from ..ports import Display, Post
from ..trace import TraceWriter

log = logging.getLogger(__name__)


class Window(Display, Protocol):
    """A display that can be lost (display/window.py's WindowDisplay)."""

    def start(self, post: Post, stop: Callable[[], None], lost: Callable[[str], None]) -> None:
        """Open; returns at once. Calls `lost(reason)` once if it is lost or cannot open."""


class FallbackDisplay:
    """Shows each view on the window (through `shown`, its non-blocking front), or the terminal."""

    def __init__(
        self,
        window: Window | None,
        shown: Display | None,
        terminal: Callable[[], Display],
        trace: TraceWriter,
        lost_notice: str,
        why_terminal: str = "",
    ) -> None:
        """`window` None: the terminal from the start, `why_terminal` says why (traced).
        `shown` is what views go to while the window lives (a DisplayThread over it);
        `terminal` makes the terminal display when it is needed."""
        self._window = window
        self._trace = trace
        self._lost_notice = lost_notice
        self._why = why_terminal
        self._make_terminal = terminal
        self._lock = threading.Lock()
        # Without a window the terminal display is made at `start()`: making a full-screen one
        # sends stderr to the log, and what the companion prints before starting should be seen.
        self._current: Display | None = shown if window is not None else None
        self._last: View | None = None
        self._post: Post | None = None
        self.on_window = window is not None
        """True while views go to the window."""

    def start(self, post: Post, stop: Callable[[], None]) -> None:
        """Open the window (or say that the terminal shows the menu); returns at once."""
        self._post = post
        if self._window is None:
            terminal = self._make_terminal()
            with self._lock:
                self._current = terminal
                last = self._last
            if last is not None:
                terminal.show(last)
            self._trace.write("display", display="terminal", reason=self._why)
        else:
            self._window.start(post, stop, self.fall_back)

    def show(self, view: View) -> None:
        with self._lock:
            self._last = view
            current = self._current
        if current is not None:
            current.show(view)

    def fall_back(self, reason: str) -> None:
        """The window is gone: the terminal from now on (from any thread; once)."""
        with self._lock:
            if not self.on_window:
                return
            self.on_window = False
            old = self._current
        log.warning("the window is gone (%s); the terminal shows the menu", reason)
        terminal = self._make_terminal()
        with self._lock:
            self._current = terminal
            last = self._last  # the newest: a view shown meanwhile went to the old display only
        if last is not None:
            terminal.show(last)
        self._trace.write("display", display="terminal", reason=reason)
        if self._post is not None:
            notice = Notice(self._lost_notice, spoken=True, level="warning", kind="display_lost")
            self._post(notice, time.monotonic())
        self._close(old)

    def close(self) -> None:
        with self._lock:
            current = self._current
        self._close(current)

    @staticmethod
    def _close(part: Display | None) -> None:
        if part is None:
            return
        try:
            part.close()
        except Exception:  # closing: report it, close the rest
            log.exception("closing a display failed")
