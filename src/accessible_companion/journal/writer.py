"""The journal writer the loop uses: entries are committed on a thread of its own, so a slow
or failing disk never stalls the switch."""

from __future__ import annotations

import contextlib
import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Final

from ..core.events import AdapterError
from ..core.records import Entry
from ..errors import one_line
from ..ports import Post
from .store import Journal, JournalError, table_of

log = logging.getLogger(__name__)


class _Stop:
    pass


_STOP: Final = _Stop()


class JournalWriter:
    """Records entries on a thread of its own, so a slow disk never stalls the loop.

    `write()` never blocks and never raises. Each entry is committed in order; `on_committed(entry,
    row_id)` is called on the writer's thread once it is durable. When the journal cannot be
    opened or written, `on_error(message)` says so (once per distinct problem), the entries are
    held in memory (up to MAX_PENDING) and written when a retry, every `retry_after` seconds,
    succeeds: the companion keeps running without a journal meanwhile. A bad entry (not an entry
    type, a non-finite time or number) is reported and dropped.
    """

    MAX_PENDING: Final = 10_000

    def __init__(
        self,
        path: Path,
        on_committed: Callable[[Entry, int], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        retry_after: float = 5.0,
    ) -> None:
        self.path = path
        self._on_committed = on_committed
        self._on_error = on_error
        self._retry_after = retry_after
        self._queue: queue.SimpleQueue[tuple[Entry, float] | _Stop] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._stopped = False
        self._journal: Journal | None = None
        self._retry_at = 0.0
        self._last_error: str | None = None
        self._dropped = 0
        self._closed_reported = False

    def start(self, post: Post | None = None) -> None:
        """Start writing; with `post` (the loop's), problems also reach the loop as AdapterError."""
        if post is not None and self._on_error is None:
            self._on_error = lambda message: post(AdapterError("journal", message), time.monotonic())
        self._thread.start()

    def write(self, entry: Entry, at: float | None = None) -> None:
        """Queue `entry`, stamped now unless `at` (unix time) is given."""
        try:
            if self._stopped:
                if not self._closed_reported:
                    self._closed_reported = True
                    self._report(f"journal {self.path} is closed: {type(entry).__name__} not recorded")
                return
            when = time.time() if at is None else float(at)
            table_of(type(entry))
            if not math.isfinite(when):
                raise ValueError(f"not a time: {at!r}")
            self._queue.put((entry, when))
        except Exception as error:  # the loop must never see the journal fail
            self._report(f"journal entry not recorded: {one_line(error)}")

    def stop(self, timeout: float = 5.0) -> None:
        """Write what was queued, then close. Gives up waiting after `timeout` seconds."""
        if self._stopped:
            return
        self._stopped = True
        if not self._thread.is_alive():
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._report(f"journal {self.path}: still writing after {timeout:g} s; giving up waiting")

    # On the writer's thread.

    def _run(self) -> None:
        pending: deque[tuple[Entry, float]] = deque()
        stopping = False
        try:
            while True:
                wait = None if not pending else max(0.0, self._retry_at - time.monotonic())
                stopping = self._take(pending, 0.0 if stopping else wait) or stopping
                if pending and (stopping or time.monotonic() >= self._retry_at):
                    self._flush(pending)
                if stopping and (not pending or self._retry_at > time.monotonic()):
                    break  # everything written, or the last try failed
            if pending:
                self._report(f"journal {self.path}: {len(pending)} entries could not be written")
        finally:
            if self._journal is not None:
                with contextlib.suppress(Exception):
                    self._journal.close()
                self._journal = None

    def _take(self, pending: deque[tuple[Entry, float]], wait: float | None) -> bool:
        """Move queued entries into `pending`, waiting up to `wait` s for the first; True on stop."""
        stop = False
        try:
            item = self._queue.get(timeout=wait)
            while True:
                if isinstance(item, _Stop):
                    stop = True
                elif len(pending) < self.MAX_PENDING:
                    pending.append(item)
                else:
                    self._dropped += 1
                item = self._queue.get_nowait()
        except queue.Empty:
            pass
        if self._dropped:
            self._report(f"journal {self.path}: unavailable for long; {self._dropped} entries dropped")
            self._dropped = 0
        return stop

    def _flush(self, pending: deque[tuple[Entry, float]]) -> None:
        if self._journal is None:
            try:
                self._journal = Journal(self.path)
            except JournalError as error:
                self._fail(str(error))
                return
        while pending:
            entry, at = pending[0]
            try:
                row_id = self._journal.record(entry, at)
            except JournalError as error:
                if error.transient:
                    # Reopen on the next try: after an I/O error SQLite's state is not to be trusted.
                    with contextlib.suppress(Exception):
                        self._journal.close()
                    self._journal = None
                    self._fail(str(error))
                    return
                pending.popleft()
                self._report(f"{error}; {type(entry).__name__} dropped")
                continue
            except (TypeError, ValueError) as error:
                pending.popleft()
                self._report(f"journal entry not recorded: {one_line(error)}")
                continue
            pending.popleft()
            self._last_error = None  # the next failure is news again
            if self._on_committed is not None:
                try:
                    self._on_committed(entry, row_id)
                except Exception:
                    log.exception("journal on_committed callback failed")

    def _fail(self, message: str) -> None:
        self._retry_at = time.monotonic() + self._retry_after
        if message != self._last_error:
            self._last_error = message
            self._report(f"{message} (the companion goes on; entries are kept and retried)")

    def _report(self, message: str) -> None:
        log.warning("%s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:
                log.exception("journal on_error callback failed")
