"""The journal writer the loop uses: entries are committed on a thread of its own, so a slow
or failing disk never stalls the switch, and an entry the journal cannot take waits in the
spill file (spill.py) until it can: nothing recorded is lost."""

from __future__ import annotations

import contextlib
import logging
import math
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Final

from ..core.events import AdapterError
from ..core.records import Alert, Entry, NotifyResult
from ..errors import one_line
from ..ports import Post
from .faults import move_aside
from .spill import Pending, Spill, SpillError
from .store import Journal, JournalError, table_of

log = logging.getLogger(__name__)


def _alert_number(entry: Entry) -> int:
    """The number of the call for help `entry` is of (0: none, or not known)."""
    if isinstance(entry, Alert):
        return entry.number
    return entry.alert if isinstance(entry, NotifyResult) else 0


class _Stop:
    pass


_STOP: Final = _Stop()


class JournalWriter:
    """Records entries on a thread of its own, so a slow disk never stalls the loop.

    `write()` never blocks and never raises. Each entry is committed in order; `on_committed(entry,
    row_id)` is called on the writer's thread once it is durable. When the journal cannot be
    opened or written (full disk, read-only, not a file, newer), `on_error(message)` says so
    (once per distinct problem) and the entries go to the spill file, synced one by one; every
    `retry_after` seconds the writer tries again and, once the journal takes entries, merges the
    spill file into it first (also at start, for what an earlier run left). A damaged journal
    is moved aside (kept) and a new one started. Only when the spill file cannot be written
    either are entries held in memory (up to MAX_PENDING). A bad entry (not an entry type, a
    non-finite time or number) is reported and dropped.
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
        self._queue: queue.SimpleQueue[Pending | _Stop] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._stopped = False
        self._journal: Journal | None = None
        self._retry_at = 0.0
        self._last_error: str | None = None
        self._dropped = 0
        self._closed_reported = False
        self._session = uuid.uuid4().hex
        """Alert keys are this session's id and the alert's number."""
        self.spill = Spill(path)
        self._spilled = False
        """Entries may be waiting in the spill file: merge them before writing anything new."""
        self.spilled_at_stop: int | None = None
        """After stop(): how many entries are still only in the spill file."""

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
            # An alert's row and its notification results share the key made of its number.
            number = _alert_number(entry)
            key = f"{self._session}-{number}" if number > 0 else None
            self._queue.put(Pending(entry, when, uuid.uuid4().hex, key))
        except Exception as error:  # the loop must never see the journal fail
            self._report(f"journal entry not recorded: {one_line(error)}")

    def stop(self, timeout: float = 5.0) -> None:
        """Write what was queued (or spill it), then close. Gives up waiting after `timeout` seconds.

        Then `spilled_at_stop` says how many entries are still only in the spill file.
        """
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._report(f"journal {self.path}: still writing after {timeout:g} s; giving up waiting")
                return
        with contextlib.suppress(Exception):
            self.spilled_at_stop = self.spill.count()

    # On the writer's thread.

    def _run(self) -> None:
        pending: deque[Pending] = deque()
        stopping = False
        self._spilled = bool(self.spill.where())  # an earlier run's entries: merge them first
        try:
            while True:
                waiting = pending or self._spilled
                wait = None if not waiting else max(0.0, self._retry_at - time.monotonic())
                stopping = self._take(pending, 0.0 if stopping else wait) or stopping
                if (pending or self._spilled) and (stopping or time.monotonic() >= self._retry_at):
                    self._flush(pending)
                if stopping and (not pending or self._retry_at > time.monotonic()):
                    break  # everything written or spilled, or the last try failed
            if pending:
                self._report(f"journal {self.path}: {len(pending)} entries could not be written")
        finally:
            if self._journal is not None:
                with contextlib.suppress(Exception):
                    self._journal.close()
                self._journal = None

    def _take(self, pending: deque[Pending], wait: float | None) -> bool:
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

    def _flush(self, pending: deque[Pending]) -> None:
        """Write the spill file's entries, then `pending`; what cannot be written goes to the spill."""
        journal = self._open()
        if journal is None or not self._merge(journal) or not self._write(journal, pending):
            self._to_spill(pending)

    def _open(self) -> Journal | None:
        if self._journal is None:
            try:
                self._journal = Journal(self.path)
            except JournalError as error:
                if not error.corrupt or not self._set_aside(str(error)):
                    self._fail(str(error))
                    return None
                try:
                    self._journal = Journal(self.path)
                except JournalError as again:
                    self._fail(str(again))
                    return None
        return self._journal

    def _set_aside(self, problem: str) -> bool:
        """Move a damaged journal aside (kept) so a new one starts; False if it cannot be moved."""
        try:
            kept = move_aside(self.path)
        except OSError as error:
            self._fail(f"{problem}; it cannot be moved aside: {one_line(error)}")
            return False
        self._report(f"{problem}; it was kept as {kept} and a new journal was started: tell the caregiver")
        return True

    def _merge(self, journal: Journal) -> bool:
        """Write what waits in the spill file into the journal (exactly once), then remove the file."""
        if not self._spilled:
            return True
        waiting = self.spill.entries()
        for item in waiting:
            if not self._store(journal, item):
                return False
        self.spill.clear()
        self._spilled = False
        if waiting:
            self._report(f"journal {self.path}: {len(waiting)} entries from the spill file written")
        return True

    def _write(self, journal: Journal, pending: deque[Pending]) -> bool:
        while pending:
            if not self._store(journal, pending[0]):
                return False
            pending.popleft()
        return True

    def _store(self, journal: Journal, item: Pending) -> bool:
        """Write one entry; False when the journal failed (closed: reopened at the next try)."""
        try:
            row_id = journal.record(item.entry, item.at, item.entry_id, item.alert_key)
        except JournalError as error:
            if error.transient:
                # Reopen on the next try: after an I/O error SQLite's state is not to be trusted.
                with contextlib.suppress(Exception):
                    journal.close()
                self._journal = None
                self._fail(str(error))
                return False
            self._report(f"{error}; {type(item.entry).__name__} dropped")
            return True
        except (TypeError, ValueError) as error:
            self._report(f"journal entry not recorded: {one_line(error)}")
            return True
        self._last_error = None  # the next failure is news again
        if self._on_committed is not None:
            try:
                self._on_committed(item.entry, row_id)
            except Exception:
                log.exception("journal on_committed callback failed")
        return True

    def _to_spill(self, pending: deque[Pending]) -> None:
        """Keep `pending` in the spill file (synced per entry); in memory only if that fails too."""
        while pending:
            try:
                self.spill.append(pending[0])
            except SpillError as error:
                self._fail(str(error))
                return
            pending.popleft()
            self._spilled = True

    def _fail(self, message: str) -> None:
        self._retry_at = time.monotonic() + self._retry_after
        if message != self._last_error:
            self._last_error = message
            self._report(f"{message} (the companion goes on; entries wait in a spill file, written later)")

    def _report(self, message: str) -> None:
        log.warning("%s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:
                log.exception("journal on_error callback failed")
