"""When a switch event happened, from the device's own timestamp, on the loop's clock.

The X server stamps every key and button event with its own time: milliseconds in 32 bits,
wrapping about every 49.7 days. The listener callback runs later, by how late depends on
the machine (and on the process: stopped or starved, it runs seconds later). Judging a
press by the callback's time would squeeze presses made during a stall into one instant.

`ServerClock` maps server milliseconds to `time.monotonic()` by a running offset: the
smallest `received - server` seen, that is the event delivered with the least delay, so
delivery delay does not count. The offset ages slowly upward (`DRIFT`) so that a server
clock running a little slower than ours (a remote X server) is followed, and a mapped time
is never later than when the event was received. A mapped time far in the past
(`MAX_LATE`) means the server's clock was reset (a new X server): the mapping starts again.
"""

from __future__ import annotations

import threading

WRAP = 2**32
"""X timestamps are 32-bit milliseconds."""

DRIFT = 1e-4
"""Seconds per second the offset may rise between events: 100 ppm, above a quartz clock's drift."""

MAX_LATE = 120.0
"""A mapped time further back than this is a server clock reset, not a stall."""


class ServerClock:
    """Maps one X server's event timestamps to the loop clock. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms: int | None = None
        """The last timestamp seen, unwrapped (no longer 32 bits)."""
        self._offset = 0.0
        """Loop-clock seconds minus server seconds, for the fastest delivery seen."""
        self._offset_at = 0.0
        """When the offset was last lowered (loop clock), for its slow rise."""

    def reset(self) -> None:
        """Forget the mapping (a new connection may be to a new server)."""
        with self._lock:
            self._last_ms = None

    def to_loop(self, server_ms: int, received: float) -> float:
        """The loop-clock time of an event stamped `server_ms`, received at `received`."""
        with self._lock:
            if self._last_ms is None:
                return self._restart(server_ms, received)
            # Of server_ms + k * WRAP, the one nearest the last: a wrap, or a slightly older event.
            unwrapped = server_ms + round((self._last_ms - server_ms) / WRAP) * WRAP
            self._last_ms = max(self._last_ms, unwrapped)
            server = unwrapped / 1000.0
            aged = self._offset + DRIFT * max(received - self._offset_at, 0.0)
            if received - server <= aged:
                self._offset, self._offset_at = received - server, received
            else:
                self._offset, self._offset_at = aged, received
            at = server + self._offset
            if at < received - MAX_LATE:
                return self._restart(server_ms, received)
            return min(at, received)

    def _restart(self, server_ms: int, received: float) -> float:
        self._last_ms = server_ms
        self._offset, self._offset_at = received - server_ms / 1000.0, received
        return received
