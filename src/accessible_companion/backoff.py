"""When to try a failing thing again: `first` seconds after a failure, times `factor` after each
further one, never more than `maximum`. Pure: the caller passes the time in.

Used by the speech output and the microphone (a device that vanished) and the notifier (a
command or webhook that failed): a part that comes back is tried again soon, and a part that
stays gone is not hammered.
"""

from __future__ import annotations

import math


class Backoff:
    """Failures in a row and the time before which no new try is due."""

    def __init__(self, first: float, maximum: float = math.inf, factor: float = 2.0) -> None:
        self.first = first
        self.maximum = maximum
        self.factor = factor
        self.failures = 0
        """Failures since the last success."""
        self._delay = first
        self._next: float | None = None

    def failed(self, now: float) -> float:
        """A try failed at `now`: the time of the next try (each failure waits longer)."""
        delay = min(self._delay, self.maximum)
        self.failures += 1
        self._delay = min(self._delay * self.factor, self.maximum)
        self._next = now + delay
        return self._next

    def succeeded(self) -> None:
        """A try worked: the next failure waits `first` again, and a try is due at once."""
        self.failures = 0
        self._delay = self.first
        self._next = None

    def try_now(self) -> None:
        """Make a try due at once without forgetting the failures (the next wait stays as long)."""
        self._next = None

    def due(self, now: float) -> bool:
        """True when a try may be made at `now`."""
        return self._next is None or now >= self._next

    def wait(self, now: float) -> float:
        """Seconds from `now` until a try is due (0 when due)."""
        return 0.0 if self._next is None else max(0.0, self._next - now)
