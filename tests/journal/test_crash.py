"""Nothing the journal reported as committed is lost when its process is killed mid-write.

A child process records entries as fast as it can and prints `committed KIND ID SEQ` after
each commit; the test SIGKILLs it at a random moment, then opens the same database file and
checks that every reported row is there and intact, that no row is torn, and that SQLite's
integrity check passes. The next child goes on writing into the recovered file. Set
JOURNAL_CRASH_SEED to replay a run.
"""

from __future__ import annotations

import inspect
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from accessible_companion.core.records import ENTRY_TYPES, Alert, CheckIn, Entry, PhraseUsed, Rest
from accessible_companion.journal.store import Journal, Stamped

pytestmark = pytest.mark.real

ITERATIONS = 40
SEQ_STEP = 1_000_000  # each child numbers its entries from its own million: every seq is unique


def entry_for(seq: int) -> Entry:
    """The entry numbered `seq`: four kinds, sizes from a few bytes to a few pages."""
    kind = seq % 4
    if kind == 0:
        return CheckIn(f"q{seq}", "a" * (seq % 50), float(seq % 11) if seq % 3 else None)
    if kind == 1:
        return Rest(float(seq), seq / 2, "time")
    if kind == 2:
        return PhraseUsed("crash", str(seq), "word " * (seq % 2000))
    return Alert(str(seq), "caregiver", None if seq % 2 else 1.5, seq % 3 == 0)


def seq_of(entry: Entry) -> int:
    """The number an entry was made from (inverse of entry_for)."""
    if isinstance(entry, CheckIn):
        return int(entry.question[1:])
    if isinstance(entry, Rest):
        return int(entry.planned_seconds)
    if isinstance(entry, PhraseUsed):
        return int(entry.label)
    if isinstance(entry, Alert):
        return int(entry.trigger)
    raise TypeError(entry)


CHILD = (
    textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from accessible_companion.core.records import Alert, CheckIn, Entry, PhraseUsed, Rest
        from accessible_companion.journal.store import Journal
        from accessible_companion.journal.writer import JournalWriter
        """
    )
    + inspect.getsource(entry_for)
    + inspect.getsource(seq_of)
    + textwrap.dedent(
        """
        mode, path, seq = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
        if mode == "journal":
            journal = Journal(path)
            print("ready", flush=True)
            while True:
                entry = entry_for(seq)
                row_id = journal.record(entry, at=float(seq))
                print(f"committed {type(entry).__name__} {row_id} {seq}", flush=True)
                seq += 1
        else:
            def committed(entry, row_id):
                print(f"committed {type(entry).__name__} {row_id} {seq_of(entry)}", flush=True)

            writer = JournalWriter(path, committed, lambda message: print("error", message, flush=True))
            writer.start()
            print("ready", flush=True)
            while True:
                for _ in range(20):
                    writer.write(entry_for(seq), at=float(seq))
                    seq += 1
                time.sleep(0.002)  # a busy user, not a flood: the queue stays short
        """
    )
)


class Child:
    """The child process and the lines it printed, read on a thread as they come."""

    def __init__(self, mode: str, path: Path, first_seq: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, mode, str(path), str(first_seq)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill was never fully reported
                self.lines.append(line)
            if line == "ready\n":
                self.ready.set()

    def kill_after(self, seconds: float) -> None:
        """SIGKILL `seconds` after its first reported commit: always while it is writing,
        however slow a loaded machine makes it."""
        if not self.ready.wait(10):
            self.proc.kill()
            raise AssertionError(f"child never got ready: {self.stderr()}")
        waited = time.monotonic() + 10
        while not any(line.startswith("committed") for line in self.lines):
            if time.monotonic() > waited or self.proc.poll() is not None:
                self.proc.kill()
                raise AssertionError(f"child reported no commit in 10 s: {self.stderr()}")
            time.sleep(0.001)
        time.sleep(seconds)
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._reader.join(10)

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read() if self.proc.poll() is not None else ""

    def committed(self) -> list[tuple[str, int, int]]:
        found = []
        for line in self.lines:
            words = line.split()
            if words[0] == "error":
                raise AssertionError(f"the child's writer reported: {line}")
            if words[0] == "committed":
                found.append((words[1], int(words[2]), int(words[3])))
        return found


def check(path: Path, reported: dict[tuple[str, int], int], context: str) -> int:
    """Every reported row is there as it was written, no row is torn, the file is sound; rows in all."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", context
    finally:
        db.close()
    rows: dict[tuple[str, int], Stamped[Entry]] = {}
    with Journal(path) as journal:
        for kind in ENTRY_TYPES:
            rows.update({(kind.__name__, row.id): row for row in journal.entries(kind)})
    missing = [key for key in reported if key not in rows]
    assert not missing, f"{context}: {len(missing)} committed rows lost, e.g. {missing[:5]}"
    for key, seq in reported.items():
        assert rows[key].at == float(seq) and rows[key].entry == entry_for(seq), f"{context}: {key} changed"
    for row in rows.values():  # also the rows committed but not yet reported: whole, never half
        assert row.entry == entry_for(int(row.at)) and seq_of(row.entry) == int(row.at), context
    return len(rows)


@pytest.mark.parametrize("mode", ["journal", "writer"])
def test_nothing_reported_committed_is_lost_when_killed(tmp_path: Path, mode: str) -> None:
    seed = int(os.environ.get("JOURNAL_CRASH_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    path = tmp_path / "journal.sqlite3"
    reported: dict[tuple[str, int], int] = {}
    started = time.monotonic()
    for iteration in range(1, ITERATIONS + 1):
        child = Child(mode, path, iteration * SEQ_STEP)
        child.kill_after(rng.uniform(0.0, 0.15))
        context = f"{mode} mode, iteration {iteration}, JOURNAL_CRASH_SEED={seed}"
        for kind, row_id, seq in child.committed():
            assert (kind, row_id) not in reported, f"{context}: id {row_id} of {kind} reused"
            reported[(kind, row_id)] = seq
        rows = check(path, reported, context)
    took = time.monotonic() - started
    # Not a vacuous pass: each child was killed while writing, after its first commit
    # (kill_after), and so many kills at random moments hit commits at every stage.
    assert len(reported) >= ITERATIONS, f"only {len(reported)} commits reported"
    assert rows >= len(reported)
    print(f"{mode}: {ITERATIONS} kills, {len(reported)} commits reported, {rows} rows, {took:.1f} s")
