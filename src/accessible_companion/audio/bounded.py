"""Calls into the audio library that may block, each given a time limit.

PortAudio talks to PulseAudio through ALSA's pulse plugin, which waits for the server
without a timeout: with the server frozen (SIGSTOP, a hung daemon) opening, starting,
aborting or closing a stream blocks for as long as the freeze lasts. Calls here run on one
worker thread (a daemon, started at the first call; handing a call over costs ~0.05 ms, a
new thread per call measurably more on a busy machine); the caller waits at most `limit`
seconds and then gets an error, while the call goes on blocking on the worker. Until that
call returns, every new call fails at once with the same message, so nothing piles up
behind it and calls never overlap. When the late call does return, `abandoned` gets what
it returned (to close a stream nobody uses) and `responsive` is called: the server is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

LIMIT = 1.5
"""Seconds an audio call may take. Opening a stream takes ~2-3 ms, listing the devices
again ~25-45 ms, the slowest open seen with a healthy but loaded server ~0.3 s."""


class NotRespondingError(Exception):
    """The audio library did not return within the limit, or an earlier call is still blocked."""


class _Call:
    """One call: what to run, its outcome, and whether the caller still waits for it."""

    def __init__(self, what: str, call: Callable[[], Any], abandoned: Callable[[Any], None] | None) -> None:
        self.what = what
        self.call = call
        self.on_abandoned = abandoned
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.abandoned = False


class BoundedCalls:
    """Runs one audio call at a time on its worker, each within `limit` seconds."""

    def __init__(self, limit: float = LIMIT, responsive: Callable[[], None] | None = None) -> None:
        self.limit = limit
        self._responsive = responsive
        self._lock = threading.Condition()
        self._next: _Call | None = None
        """The call handed over, not yet taken by the worker."""
        self._blocked: _Call | None = None
        """A call the caller gave up on that has not returned yet."""
        self._since = 0.0
        self._worker: threading.Thread | None = None

    @property
    def blocked(self) -> bool:
        """True while a call the caller gave up on has not returned."""
        with self._lock:
            return self._blocked is not None

    def message(self) -> str:
        """The one error text for a frozen device (the same each time, so it is reported once)."""
        return f"the audio device is not responding (no answer within {self.limit:g} s; sound server frozen?)"

    def run(self, what: str, call: Callable[[], Any], abandoned: Callable[[Any], None] | None = None) -> Any:
        """`call()`'s result or exception; NotRespondingError if it takes longer than the limit.

        `what` names the call for the log. `abandoned(result)` runs on the worker if the
        call returns after the caller gave up on it. One caller thread at a time.
        """
        job = _Call(what, call, abandoned)
        with self._lock:
            if self._blocked is not None:
                raise NotRespondingError(self.message())
            self._next = job
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="audio calls", daemon=True)
                self._worker.start()
            self._lock.notify_all()
        if not job.done.wait(self.limit):
            with self._lock:
                if not job.done.is_set():
                    job.abandoned = True
                    self._blocked = job
                    self._since = time.monotonic()
                    if self._next is job:  # never taken: the worker is stuck elsewhere
                        self._next = None
            if job.abandoned:
                log.warning("audio call %r blocked for more than %.1f s", what, self.limit)
                raise NotRespondingError(self.message())
        if job.error is not None:
            raise job.error
        return job.result

    def _serve(self) -> None:
        while True:
            with self._lock:
                while self._next is None:
                    self._lock.wait()
                job, self._next = self._next, None
            self._execute(job)

    def _execute(self, job: _Call) -> None:
        try:
            job.result = job.call()
        except BaseException as error:  # handed to the caller, or dropped when nobody waits
            job.error = error
        with self._lock:
            job.done.set()
            late = job.abandoned
        if not late:
            return
        log.info("audio call %r returned after %.1f s", job.what, time.monotonic() - self._since)
        try:
            if job.on_abandoned is not None and job.error is None:
                job.on_abandoned(job.result)
        except Exception:
            log.exception("cleaning up after a late audio call failed")
        finally:
            with self._lock:
                self._blocked = None
        if self._responsive is not None:
            self._responsive()
