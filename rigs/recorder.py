"""A `Post` for adapter tests and benchmarks: keeps what an adapter posts and lets the caller wait for it.

Adapters post from their own threads, so every read takes the lock and every wait is on a
condition the post notifies (no polling). The `wait_*` methods that name what they wait for
fail with an AssertionError listing what did arrive; `wait_for(count)` returns what came by
its timeout and leaves the judging to the caller's assertion.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from accessible_companion.core.events import AdapterError, Event, Notice, SpeechFinished

T = TypeVar("T")


class Recorder:
    """Pass it (or its `post`) as the adapter's `post`."""

    def __init__(self) -> None:
        self.events: list[tuple[Event, float]] = []
        """(event, the time the adapter gave with it), in the order posted."""
        self._changed = threading.Condition()  # over an RLock: the readers below nest

    def __call__(self, event: Event, now: float) -> None:
        with self._changed:
            self.events.append((event, now))
            self._changed.notify_all()

    def post(self, event: Event, now: float) -> None:
        self(event, now)

    # --- what has been posted ---

    def of_type(self, kind: type[T]) -> list[tuple[T, float]]:
        """The events of one type, with their times, in the order posted."""
        with self._changed:
            return [(event, at) for event, at in self.events if isinstance(event, kind)]

    def errors(self) -> list[str]:
        """The messages of the AdapterErrors posted."""
        return [error.message for error, _ in self.of_type(AdapterError)]

    def notices(self) -> list[str]:
        """The texts of the Notices posted."""
        return [notice.text for notice, _ in self.of_type(Notice)]

    def finishes(self) -> dict[int, list[tuple[SpeechFinished, float]]]:
        """Utterance id -> its SpeechFinished events (exactly one each when all is well)."""
        found: dict[int, list[tuple[SpeechFinished, float]]] = {}
        for event, at in self.of_type(SpeechFinished):
            found.setdefault(event.utterance, []).append((event, at))
        return found

    def assert_each_finished_once(self, count: int) -> None:
        """Utterances 1..count each finished, and only once."""
        done = self.finishes()
        assert sorted(done) == list(range(1, count + 1))
        assert all(len(v) == 1 for v in done.values()), done

    # --- waiting ---

    def wait_for(self, count: int, timeout: float = 5.0, settle: float = 0.0) -> list[Event]:
        """Wait for `count` events, then `settle` seconds more so extra ones would show up too;
        return the events so far (however many came)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count, timeout)
        time.sleep(settle)
        with self._changed:
            return [event for event, _ in self.events]

    def wait_until(self, check: Callable[[], T | None], timeout: float, what: str) -> T:
        """Wait until `check()` (called with the lock held) returns something other than None,
        and return that; fail naming `what` and listing the events if it never does."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (result := check()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s; posted: {self.events}")
                self._changed.wait(left)
            return result

    def wait_for_type(self, kind: type[T], count: int, timeout: float = 10.0) -> list[tuple[T, float]]:
        """Wait for `count` events of type `kind`; return all of that type so far, in order."""
        return self.wait_until(
            lambda: found if len(found := self.of_type(kind)) >= count else None,
            timeout,
            f"{count} {kind.__name__}",
        )

    def wait_finished(
        self, *utterances: int, timeout: float = 10.0
    ) -> dict[int, tuple[SpeechFinished, float]]:
        """Wait until each utterance has finished; return its (first) SpeechFinished and time."""

        def done() -> dict[int, tuple[SpeechFinished, float]] | None:
            finished = self.finishes()
            return {u: finished[u][0] for u in utterances} if all(u in finished for u in utterances) else None

        return self.wait_until(done, timeout, f"SpeechFinished for all of {utterances}")

    def latest(self, match: Callable[[Event], bool], timeout: float = 15.0) -> tuple[Event, float]:
        """The newest posted event that matches, waiting for one if none has come yet."""

        def found() -> tuple[Event, float] | None:
            return next(((event, at) for event, at in reversed(self.events) if match(event)), None)

        return self.wait_until(found, timeout, "matching event")
