"""Entries the journal cannot take wait in the spill file and are merged exactly once; a damaged
journal is moved aside (kept) and refused by the report; an alert is one row from its raise on.

The faults here need no mount: a newer journal, a damaged one, a folder or a device given as
the journal. Full and read-only file systems are in test_faults.py.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from accessible_companion.cli import main as cli_main
from accessible_companion.core.records import Alert, CheckIn, NotifyResult, PhraseUsed
from accessible_companion.journal.spill import Pending, Spill
from accessible_companion.journal.store import SCHEMA_VERSION, Journal, JournalError
from accessible_companion.journal.writer import JournalWriter
from tests.journal.test_store import Seen

PAGE = 4096


def phrases(count: int, start: int = 0) -> list[PhraseUsed]:
    return [PhraseUsed("m", str(i), "word " * (i % 50)) for i in range(start, start + count)]


def labels(path: Path) -> list[str]:
    with Journal(path) as journal:
        return [r.entry.label for r in journal.phrases()]


def run_writer(path: Path, entries: list[PhraseUsed], seen: Seen | None = None) -> JournalWriter:
    """One run of the companion's writer: write `entries`, stop (as at exit)."""
    seen = seen or Seen()
    writer = JournalWriter(path, seen.on_committed, seen.on_error, retry_after=0.05)
    writer.start()
    for entry in entries:
        writer.write(entry)
    writer.stop()
    return writer


# --- exactly once ----------------------------------------------------------------------------


def test_an_entry_id_is_stored_once(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        first = journal.record(PhraseUsed("m", "a", "t"), 1.0, entry_id="id-1")
        again = journal.record(PhraseUsed("m", "a", "t"), 1.0, entry_id="id-1")
        journal.record(PhraseUsed("m", "b", "t"), 2.0, entry_id="id-2")
        assert first == again
        assert [r.entry.label for r in journal.phrases()] == ["a", "b"]


def test_an_alert_is_one_row_whose_stage_only_moves_on(tmp_path: Path) -> None:
    raised = Alert("hold", "", None, False, 1, "raised")
    notified = Alert("hold", "", None, False, 1, "notified")
    ended = Alert("hold", "caregiver", 12.5, False, 1, "ended")
    with Journal(tmp_path / "j.sqlite3") as journal:
        row = journal.record(raised, 100.0, "a", alert_key="session-1")
        assert [(r.at, r.entry.stage) for r in journal.alerts()] == [(100.0, "raised")]
        assert journal.record(notified, 101.0, "b", alert_key="session-1") == row
        assert journal.record(ended, 112.5, "c", alert_key="session-1") == row
        # Written again (a merge done twice) or late: nothing goes back.
        journal.record(raised, 100.0, "a", alert_key="session-1")
        journal.record(notified, 101.0, "b2", alert_key="session-1")
        (stored,) = journal.alerts()
        assert stored.at == 100.0  # when it was raised
        assert stored.entry == Alert("hold", "caregiver", 12.5, False, 0, "ended")
        # Another session's alert number 1 is another alert.
        journal.record(raised, 200.0, "d", alert_key="session2-1")
        assert len(journal.alerts()) == 2


def test_a_merge_cut_short_by_a_crash_stores_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    spill = Spill(path)
    items = [Pending(entry, 1000.0 + i, f"id-{i}") for i, entry in enumerate(phrases(10))]
    alert = [
        Pending(Alert("gesture", "", None, False, 3, "raised"), 2000.0, "alert-a", "s-3"),
        Pending(Alert("gesture", "user", 4.0, False, 3, "ended"), 2004.0, "alert-b", "s-3"),
    ]
    for item in [*items, *alert]:
        spill.append(item)
    (spilled,) = spill.where()
    assert stat.S_IMODE(spilled.stat().st_mode) == 0o600
    # The crash: the first six (and the alert's raise) were in the journal, the file not yet removed.
    with Journal(path) as journal:
        for item in [*items[:6], alert[0]]:
            journal.record(item.entry, item.at, item.entry_id, item.alert_key)
    writer = run_writer(path, [])
    assert writer.spilled_at_stop == 0 and spill.where() == []
    assert labels(path) == [str(i) for i in range(10)]
    with Journal(path) as journal:
        assert [(r.at, r.entry.stage, r.entry.seconds_to_ack) for r in journal.alerts()] == [
            (2000.0, "ended", 4.0)
        ]


def test_a_spilled_notification_result_keeps_the_key_of_its_call(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Spill(path).append(Pending(NotifyResult("apprise", True, "delivered", "Anna", 3), 2001.0, "n-1", "s-3"))
    (waiting,) = Spill(path).entries()
    assert (
        waiting.entry == NotifyResult("apprise", True, "delivered", "Anna", 3) and waiting.alert_key == "s-3"
    )
    run_writer(path, [])
    with Journal(path) as journal:
        assert [(r.entry.contact, r.alert_key) for r in journal.notify_results()] == [("Anna", "s-3")]


def test_a_torn_last_line_is_skipped_and_the_rest_merged(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    spill = Spill(path)
    for i, entry in enumerate(phrases(3)):
        spill.append(Pending(entry, 1.0 + i, f"id-{i}"))
    (spilled,) = spill.where()
    with spilled.open("ab") as file:
        file.write(b'{"id": "id-3", "at": 4.0, "ki')  # the crash came mid-write
    run_writer(path, [])
    assert labels(path) == ["0", "1", "2"]


# --- faults that need no mount -----------------------------------------------------------------


def test_a_newer_journal_is_left_untouched_and_its_entries_wait_for_the_update(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    run_writer(path, phrases(5))
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    seen = Seen()
    writer = run_writer(path, phrases(20, start=5), seen)
    assert path.read_bytes() == before
    assert writer.spilled_at_stop == 20
    assert any("newer than this companion knows" in e for e in seen.errors), seen.errors
    # The companion is updated (here: the file is made current again); the next start merges.
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.commit()
    db.close()
    again = run_writer(path, phrases(5, start=25))
    assert again.spilled_at_stop == 0
    assert labels(path) == [str(i) for i in range(30)]  # 0 lost, none twice


@pytest.mark.parametrize("kind", ["folder", "device"])
def test_a_folder_or_a_device_as_the_journal_keeps_the_entries_in_the_spill_file(
    tmp_path: Path, kind: str
) -> None:
    if kind == "folder":
        path = tmp_path / "journal.sqlite3"
        path.mkdir()
    else:
        path = Path("/dev/full")
    seen = Seen()
    writer = run_writer(path, phrases(25), seen)
    assert writer.spilled_at_stop == 25, seen.errors
    state = tmp_path / "xdg-state" / "accessible-companion"
    assert [p.parent for p in writer.spill.where()] == [state / "journal-spill"]
    assert any("it is not a file" in e for e in seen.errors), seen.errors
    assert not any("could not be written" in e for e in seen.errors)
    if kind == "folder":
        path.rmdir()  # the caregiver fixes the path: the next start merges all 25
        run_writer(path, [])
        assert labels(path) == [str(i) for i in range(25)]
    else:
        writer.spill.clear()


def overwrite_pages(path: Path, seed: int = 7) -> None:
    """Damage a journal as a failing disk does: every page but the first becomes noise."""
    size = path.stat().st_size
    assert size > 4 * PAGE
    noise = random.Random(seed)
    with path.open("r+b") as file:
        for offset in range(PAGE, size, PAGE):
            file.seek(offset)
            file.write(noise.randbytes(PAGE))


def damaged_journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        for i in range(40):
            journal.record(CheckIn(f"q{i}", "a" * 500, 5.0), 1_700_000_000.0 + i)
    overwrite_pages(path)
    return path


@pytest.mark.parametrize("action", ["report", "export"])
def test_the_report_and_the_export_refuse_a_damaged_journal(
    tmp_path: Path, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = damaged_journal(tmp_path)
    before = path.read_bytes()
    out = tmp_path / "out"
    code = cli_main(["journal", action, "--journal", str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"the journal {path} is damaged" in err or "malformed" in err, err
    assert f"No {action} was made" in err
    assert not out.exists()
    assert path.read_bytes() == before  # the report changes nothing


def test_a_damaged_journal_is_moved_aside_kept_and_a_new_one_started(tmp_path: Path) -> None:
    path = damaged_journal(tmp_path)
    before = path.read_bytes()
    seen = Seen()
    run_writer(path, phrases(25), seen)
    (kept,) = tmp_path.glob("journal.sqlite3.corrupt-*")
    assert kept.read_bytes() == before
    assert labels(path) == [str(i) for i in range(25)]
    (told,) = [e for e in seen.errors if "kept as" in e]
    assert str(kept) in told and "a new journal was started" in told
    with pytest.raises(JournalError) as refused:
        Journal(kept)
    assert refused.value.corrupt


def test_write_stays_quick_while_entries_go_to_the_spill_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.mkdir()
    writer = JournalWriter(path, retry_after=0.05)
    writer.start()
    started = time.perf_counter()
    for entry in phrases(200):
        writer.write(entry)
    took = time.perf_counter() - started
    writer.stop(timeout=30)
    assert writer.spilled_at_stop == 200
    assert took < 1.0, f"200 writes took {took * 1000:.0f} ms"  # the loop never waits for fsync
    writer.spill.clear()
    assert not os.path.exists(writer.spill.places[0])
