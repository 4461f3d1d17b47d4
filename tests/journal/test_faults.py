"""A journal on a full disk and in a read-only folder loses nothing across the fault and the
recovery: entries wait in the spill file (in the state folder, another file system) and are
merged exactly once. Real file systems: a small tmpfs filled up, a read-only bind mount (root
writes through chmod, so a folder made read-only by its mode would prove nothing).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessible_companion.core.records import Alert, PhraseUsed
from accessible_companion.journal.store import Journal
from accessible_companion.journal.writer import JournalWriter
from tests.journal.test_store import Seen

pytestmark = pytest.mark.real


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"mount {' '.join(args)}: {done.stderr} (the test needs root and mount)"


@contextlib.contextmanager
def mounted(target: Path, *args: str) -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    mount(*args, str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte; the filler file (delete it to recover)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as file:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    file.write(b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    return filler


def wait_for(condition: object, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def entry(i: int) -> PhraseUsed:
    return PhraseUsed("fault", str(i), "word " * (i % 300))


def stored(path: Path) -> tuple[list[str], list[Alert]]:
    with Journal(path) as journal:
        return [r.entry.label for r in journal.phrases()], [r.entry for r in journal.alerts()]


def test_a_full_disk_loses_no_entry_across_the_fault_and_the_recovery(tmp_path: Path) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as disk:
        path = disk / "journal.sqlite3"
        seen = Seen()
        writer = JournalWriter(path, seen.on_committed, seen.on_error, retry_after=0.05)
        writer.start()
        for i in range(5):
            writer.write(entry(i))
        seen.wait_committed(5)
        filler = fill(disk)
        # The disk is full: an alert is raised and ended, phrases go on being chosen.
        writer.write(Alert("hold", "", None, False, 1, "raised"))
        for i in range(5, 25):
            writer.write(entry(i))
        writer.write(Alert("hold", "caregiver", 9.5, False, 1, "ended"))
        wait_for(lambda: any("disk is full" in e for e in seen.errors))
        writer.stop()  # the companion stops while the disk is still full
        spilled = writer.spilled_at_stop
        assert spilled is not None and spilled > 0
        assert not any("cannot rollback" in e for e in seen.errors), seen.errors
        assert all(p.parent.parent.parent == tmp_path / "xdg-state" for p in writer.spill.where())
        # Recovery: room again; the next start merges, then goes on.
        filler.unlink()
        again = JournalWriter(path, on_error=seen.on_error, retry_after=0.05)
        again.start()
        for i in range(25, 30):
            again.write(entry(i))
        again.stop()
        assert again.spilled_at_stop == 0
        labels, alerts = stored(path)
    assert sorted(labels, key=int) == [str(i) for i in range(30)]  # 0 of 30 lost, none twice
    assert [(a.stage, a.acknowledged_by) for a in alerts] == [("ended", "caregiver")]
    print(f"\nfull disk: {spilled} of 27 entries waited in the spill file; 30 of 30 in the journal after")


def test_a_full_disk_recovers_while_the_companion_runs(tmp_path: Path) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as disk:
        path = disk / "journal.sqlite3"
        seen = Seen()
        writer = JournalWriter(path, seen.on_committed, seen.on_error, retry_after=0.05)
        writer.start()
        writer.write(entry(0))
        seen.wait_committed(1)
        filler = fill(disk)
        for i in range(1, 25):
            writer.write(entry(i))
        wait_for(lambda: any("disk is full" in e for e in seen.errors))
        filler.unlink()
        wait_for(lambda: writer.spill.where() == [] and len(seen.committed) >= 25)
        writer.stop()
        assert writer.spilled_at_stop == 0
        labels, _ = stored(path)
    assert sorted(labels, key=int) == [str(i) for i in range(25)]


def test_a_read_only_folder_loses_no_entry_across_the_fault_and_the_recovery(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    with mounted(tmp_path / "view", "--bind", str(real)) as view:
        path = view / "journal.sqlite3"
        first = JournalWriter(path)
        first.start()
        for i in range(5):
            first.write(entry(i))
        first.stop()
        mount("-o", "remount,bind,ro", str(view))
        seen = Seen()
        writer = JournalWriter(path, on_error=seen.on_error, retry_after=0.05)
        writer.start()
        for i in range(5, 25):
            writer.write(entry(i))
        wait_for(lambda: any("read-only" in e for e in seen.errors))
        writer.stop()
        assert writer.spilled_at_stop == 20, seen.errors
        mount("-o", "remount,bind,rw", str(view))
        again = JournalWriter(path, retry_after=0.05)
        again.start()
        for i in range(25, 30):
            again.write(entry(i))
        again.stop()
        assert again.spilled_at_stop == 0
        labels, _ = stored(path)
    assert sorted(labels, key=int) == [str(i) for i in range(30)]
    assert os.path.exists(real / "journal.sqlite3")
