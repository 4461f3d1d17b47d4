"""A `Post` for adapter tests: keeps what an adapter posts and lets a test wait for it."""

from __future__ import annotations

import threading
import time

from accessible_companion.core.events import Event


class Recorder:
    """Call it as the adapter's `post`; `wait_for` returns the events so far."""

    def __init__(self) -> None:
        self.events: list[tuple[Event, float]] = []
        self._changed = threading.Condition()

    def __call__(self, event: Event, now: float) -> None:
        with self._changed:
            self.events.append((event, now))
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0, settle: float = 0.0) -> list[Event]:
        """Wait for `count` events, then `settle` seconds more so extra ones would show up too."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count, timeout)
        time.sleep(settle)
        with self._changed:
            return [event for event, _ in self.events]
