"""The bedside window as the companion sees it: a `Display` whose drawing happens in a child process.

`window_process.py` says why Qt runs in a process of its own. Here, the parent side:

- `show(view)` sends the view over the socket (the loop calls it through `DisplayThread`,
  so a slow or frozen window never holds the loop; only the newest view is sent).
- A reader thread takes what the window says: a click on a cell is posted to the loop as
  `PointerSelect`; each view's first paint is traced (`painted`, with when the paint
  finished, on the trace's clock); the caregiver's quit chord stops the companion; and
  when the window is gone (closed, crashed, killed, its X display gone, or it never
  opened) `lost(reason)` is called once, and the child is reaped.
- While voice commands are on, the microphone's level is sent ~10 times a second; while
  they are off this costs nothing (the thread sleeps until a view says voice is on).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import IO, Any

from ..child import start_child
from ..core.events import PointerSelect
from ..core.view import View
from ..ports import Post
from ..trace import TraceWriter

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 20.0
"""Seconds the window may take to appear (importing Qt on a slow, busy machine) before the
terminal takes over."""
END_WAIT = 2.0
"""Seconds the child has to exit after its socket closes, before it is killed."""
LEVEL_EVERY = 0.1
"""Seconds between microphone levels sent while voice commands are on."""
STDERR_KEPT = 20
"""Lines of the child's stderr kept to say why it failed."""

Level = Callable[[], float | None]
"""The microphone's level now in dBFS, or None when voice is not listening."""

_TELLING = (
    "could not connect",
    "connection broke",
    "cannot be loaded",
    "could not load",
    "is needed",
    "could not find",
    "error",
)
"""Words that mark the stderr line that says why the window failed, the most telling first."""


def child_command() -> list[str]:
    """The window process, run with this Python (the package's folder first on its path)."""
    return [sys.executable, "-m", "accessible_companion.display.window_process"]


class WindowDisplay:
    """The `Display` for the bedside window (see the module docstring)."""

    def __init__(
        self,
        trace: TraceWriter,
        level: Level | None = None,
        command: list[str] | None = None,
        open_timeout: float = OPEN_TIMEOUT,
    ) -> None:
        self._trace = trace
        self._level = level
        self._command = command or child_command()
        self._open_timeout = open_timeout
        self._connection: Connection | None = None
        self._socket: socket.socket | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._send_lock = threading.Lock()
        self._state = threading.Condition()
        self._voice_on = False
        self._closing = False
        self._ready = False
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_KEPT)
        self._reader: threading.Thread | None = None
        self._stderr_reader: threading.Thread | None = None
        self.pid: int | None = None

    def start(self, post: Post, stop: Callable[[], None], lost: Callable[[str], None]) -> None:
        """Start the window process; returns at once. `stop` ends the companion (the quit
        chord); `lost(reason)` is called once when the window is gone or cannot open."""
        try:
            self._child, ours = start_child(self._command, stderr=subprocess.PIPE)
        except OSError as error:
            lost(f"the window process could not start: {error}")
            return
        self.pid = self._child.pid
        # The Connection gets a file descriptor of its own; `ours` is kept to shut the socket
        # down at close, which (unlike closing a descriptor) wakes the reader blocked on it.
        self._socket = ours
        self._connection = Connection(os.dup(ours.fileno()))
        self._reader = threading.Thread(
            target=self._read, args=(post, stop, lost), name="window-reader", daemon=True
        )
        self._reader.start()
        assert self._child.stderr is not None
        self._stderr_reader = threading.Thread(
            target=self._keep_stderr, args=(self._child.stderr,), name="window-stderr", daemon=True
        )
        self._stderr_reader.start()
        if self._level is not None:
            threading.Thread(
                target=self._send_levels, args=(self._level,), name="window-level", daemon=True
            ).start()

    def show(self, view: View) -> None:
        """Send `view` to the window (blocks only if the window stopped reading)."""
        with self._state:
            voice_on = view.voice != "off"
            if voice_on != self._voice_on:
                self._voice_on = voice_on
                self._state.notify_all()
        self._send(("view", view))

    def close(self) -> None:
        """Close the window and reap its process (idempotent)."""
        with self._state:
            self._closing = True
            self._state.notify_all()
        ours, self._socket = self._socket, None
        if ours is not None:
            with contextlib.suppress(OSError):
                ours.shutdown(socket.SHUT_RDWR)  # the child sees the end and exits
            ours.close()
        self._end_child()
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(END_WAIT)
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _send(self, message: tuple[Any, ...]) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            with self._send_lock:
                connection.send(message)
        except (OSError, ValueError):  # gone: the reader notices the end and says why
            pass

    def _read(self, post: Post, stop: Callable[[], None], lost: Callable[[str], None]) -> None:
        connection = self._connection
        assert connection is not None
        reason = ""
        started = time.monotonic()
        try:
            while True:
                if not self._ready:
                    left = started + self._open_timeout - time.monotonic()
                    if not connection.poll(max(left, 0.0)):
                        reason = f"the window did not open within {self._open_timeout:g} s"
                        self._kill()
                        break
                message = connection.recv()
                reason = self._handle(message, post, stop)
                if reason:
                    break
        except (EOFError, OSError, ValueError):
            pass
        if self._closing:
            return
        status = self._end_child()
        lost(reason or self._ended(status))

    def _handle(self, message: tuple[Any, ...], post: Post, stop: Callable[[], None]) -> str:
        """Act on one message from the window; a reason when it says the window is gone."""
        kind = message[0]
        if kind == "painted":
            _, menu, index, row, screen, at = message
            self._trace.write(
                "painted", menu=menu, index=index, row=row, screen=screen, at=self._trace.since_start(at)
            )
        elif kind == "pick":
            _, menu, index, at = message
            post(PointerSelect(menu, index), at)
        elif kind == "ready":
            self._ready = True
            self._trace.write("display", display="window", reason="open", **message[1])
        elif kind == "quit":
            log.info("the caregiver's quit chord in the window")
            stop()
        elif kind == "closed":
            return "the window was closed"
        elif kind == "failed":
            return f"the window could not open: {message[1]}"
        return ""

    def _kill(self) -> None:
        if self._child is not None and self._child.poll() is None:
            self._child.kill()

    def _end_child(self) -> int | None:
        """Wait briefly for the child to exit, kill it if it does not, and reap it; its status."""
        child = self._child
        if child is None:
            return None
        try:
            return child.wait(END_WAIT)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()

    def _ended(self, status: int | None) -> str:
        """Why the window is gone, from its exit status and its last words on stderr."""
        if status is not None and status < 0:
            name = signal.Signals(-status).name
            killed = name in ("SIGKILL", "SIGTERM", "SIGINT", "SIGHUP")
            what = f"the window's process {'was killed' if killed else 'crashed'} ({name})"
        elif status == 0:
            what = "the window's process ended"
        else:
            what = f"the window's process ended with status {status}"
        if self._stderr_reader is not None:
            self._stderr_reader.join(END_WAIT)  # its last lines: the stream ends with the process
        said = _telling(list(self._stderr))
        what = what if self._ready else f"the window could not open: {what}"
        return f"{what}: {said}" if said else what

    def _keep_stderr(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode(errors="replace").strip()
            if line:
                log.debug("window: %s", line)
                self._stderr.append(line)

    def _send_levels(self, level: Level) -> None:
        """~10 times a second while voice is on; once more (None) when it turns off."""
        last: float | None = None
        while True:
            with self._state:
                while not self._closing and not self._voice_on and last is None:
                    self._state.wait()
                if self._closing:
                    return
                on = self._voice_on
            value = level() if on else None
            if value != last:
                self._send(("level", value))
                last = value
            time.sleep(LEVEL_EVERY)


def _telling(lines: list[str]) -> str:
    """The child's stderr line that best says what went wrong (or its last)."""
    for word in _TELLING:
        for line in lines:
            if word in line.lower():
                return line
    return lines[-1] if lines else ""
