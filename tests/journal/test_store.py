"""The journal's store: a real SQLite file on disk, its schema, migrations and the writer thread."""

from __future__ import annotations

import math
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from accessible_companion.core.records import (
    ENTRY_TYPES,
    Alert,
    CheckIn,
    ConfigEdit,
    Entry,
    FatigueSignal,
    NotifyResult,
    PhraseUsed,
    PressTimed,
    Rest,
    RestOffered,
    SpeedChanged,
    VoiceHeard,
)
from accessible_companion.journal import store
from accessible_companion.journal.store import (
    SCHEMA_VERSION,
    TABLES,
    Journal,
    JournalError,
    local_time,
)
from accessible_companion.journal.writer import JournalWriter

ONE_OF_EACH: tuple[Entry, ...] = (
    CheckIn("How I feel", "energy low", 3.0),
    CheckIn("How I feel", "in pain", None),
    Rest(900.0, 612.5, "user"),
    RestOffered("fatigue", False),
    RestOffered("scheduled", True),
    Alert("hold", "caregiver", 42.25, False),
    Alert("voice", "", None, True),
    Alert("menu", "Anna", 95.5, False, 0, "ended", "need"),
    PhraseUsed("phrases", "Water", "I would like some water, please."),
    SpeedChanged(1.5, 1.875, "fatigue"),
    FatigueSignal("misses", 4.0, 3.0),
    NotifyResult("webhook", False, "HTTP 503"),
    NotifyResult("apprise", True, "delivered", "Anna"),
    ConfigEdit(7, "PIN from 192.168.1.7", "Restored version 5"),
    VoiceHeard("next", "next", True, "", 0.93),
    VoiceHeard("um", "", False, "not a command", 0.41),
)

# Version 1 of the schema exactly as the first journal-writing companion created it: a frozen
# copy, so a change to the code's SCHEMA_V1 (which databases in the field were made from) fails here.
V1_DDL = """
CREATE TABLE checkins (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL);
CREATE TABLE rests (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    planned_seconds REAL NOT NULL, actual_seconds REAL NOT NULL, ended_by TEXT NOT NULL);
CREATE TABLE rest_offers (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    reason TEXT NOT NULL, taken INTEGER NOT NULL);
CREATE TABLE alerts (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    "trigger" TEXT NOT NULL, acknowledged_by TEXT NOT NULL, seconds_to_ack REAL, cancelled INTEGER NOT NULL);
CREATE TABLE phrases (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    menu TEXT NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE speed_changes (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    old_interval REAL NOT NULL, new_interval REAL NOT NULL, reason TEXT NOT NULL);
CREATE TABLE fatigue_signals (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
    kind TEXT NOT NULL, value REAL NOT NULL, threshold REAL NOT NULL);
CREATE INDEX checkins_at ON checkins (at);
CREATE INDEX rests_at ON rests (at);
CREATE INDEX rest_offers_at ON rest_offers (at);
CREATE INDEX alerts_at ON alerts (at);
CREATE INDEX phrases_at ON phrases (at);
CREATE INDEX speed_changes_at ON speed_changes (at);
CREATE INDEX fatigue_signals_at ON fatigue_signals (at);
PRAGMA user_version = 1;
"""


def make_v1(path: Path) -> None:
    """A real version-1 journal file holding a few rows, as an older companion left it."""
    db = sqlite3.connect(path)
    db.executescript(V1_DDL)
    db.executescript(
        """
        INSERT INTO checkins (at, local_time, question, answer)
            VALUES (1000.0, 'x', 'How I feel', 'energy low');
        INSERT INTO checkins (at, local_time, question, answer) VALUES (1001.0, 'x', 'Energy', '7');
        INSERT INTO rests (at, local_time, planned_seconds, actual_seconds, ended_by)
            VALUES (1002.0, 'x', 600, 480, 'user');
        INSERT INTO alerts (at, local_time, "trigger", acknowledged_by, seconds_to_ack, cancelled)
            VALUES (1003.0, 'x', 'hold', 'caregiver', 12.5, 0);
        INSERT INTO phrases (at, local_time, menu, label, text)
            VALUES (1004.0, 'x', 'phrases', 'Yes', 'Yes.');
        """
    )
    db.commit()
    db.close()


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def schema(path: Path) -> list[tuple[str, str]]:
    """(name, SQL) of every table and index, whitespace evened out."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    finally:
        db.close()
    return sorted((name, " ".join(sql.split())) for name, sql in rows)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.sqlite3"


# --- the database -----------------------------------------------------------------------------


def test_every_entry_type_reads_back_as_it_was_recorded(path: Path) -> None:
    with Journal(path) as journal:
        ids = [journal.record(entry, at=1_700_000_000.0 + i) for i, entry in enumerate(ONE_OF_EACH)]
    with Journal(path) as journal:
        read = [row for kind in ENTRY_TYPES for row in journal.entries(kind)]
    read.sort(key=lambda row: row.at)
    assert [row.entry for row in read] == list(ONE_OF_EACH)
    assert [row.id for row in read] == ids
    assert [row.at for row in read] == [1_700_000_000.0 + i for i in range(len(ONE_OF_EACH))]
    assert all(row.local_time == local_time(row.at) for row in read)
    assert isinstance(read[3].entry, RestOffered) and read[3].entry.taken is False  # a bool, not 0


def test_record_stamps_now_by_default_and_ids_count_per_table(path: Path) -> None:
    with Journal(path) as journal:
        before = time.time()
        first = journal.record(PhraseUsed("phrases", "Yes", "Yes."))
        second = journal.record(PhraseUsed("phrases", "No", "No."))
        rest = journal.record(Rest(60.0, 60.0, "time"))
        (a, b) = journal.phrases()
    assert (first, second, rest) == (1, 2, 1)
    assert before <= a.at <= b.at <= time.time()


def test_local_time_is_iso_with_the_offset(path: Path) -> None:
    text = local_time(1_700_000_000.0)
    assert text[:4] == "2023" and text[10] == "T" and text[-6] in "+-"


def test_the_file_is_wal_with_full_sync_and_the_current_schema(path: Path) -> None:
    with Journal(path) as journal:
        assert journal.pragma("journal_mode") == "wal"
        assert journal.pragma("synchronous") == 2  # FULL: the WAL is synced on every commit
        assert journal.pragma("user_version") == SCHEMA_VERSION == 7
    # WAL is a property of the file: any other connection sees it too.
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_each_table_has_the_entry_fields_as_columns(path: Path) -> None:
    Journal(path).close()
    db = sqlite3.connect(path)
    for table in TABLES.values():
        extra = ["entry_id", *(["alert_key"] if table.keyed else [])]
        assert sorted(columns(db, table.name)) == sorted(["id", "at", "local_time", *table.columns, *extra])
    db.close()
    assert {t.name for t in TABLES.values() if t.keyed} == {"alerts", "notify_results"}


def test_a_notification_result_keeps_the_key_of_its_call(path: Path) -> None:
    """Many results share their alert's key (it is unique among alerts only); a result with no
    known call has none; an entry id still keeps a result once."""
    with Journal(path) as journal:
        journal.record(Alert("hold", "", None, False, 1, "raised"), 10.0, "a1", alert_key="s-1")
        journal.record(Alert("menu", "", None, False, 2, "raised", "need"), 11.0, "a2", alert_key="s-2")
        first = journal.record(NotifyResult("apprise", True, "delivered", "Anna", 1), 12.0, "n1", "s-1")
        journal.record(NotifyResult("apprise", True, "delivered", "Anna", 2), 13.0, "n2", "s-2")
        journal.record(NotifyResult("apprise", False, "HTTP 500", "Ben", 1), 14.0, "n3", "s-1")
        journal.record(NotifyResult("webhook", True, "HTTP 200"), 15.0, "n4")
        assert (
            journal.record(NotifyResult("apprise", True, "delivered", "Anna", 1), 12.0, "n1", "s-1") == first
        )
        rows = journal.notify_results()
        assert [(r.entry.contact, r.alert_key) for r in rows] == [
            ("Anna", "s-1"),
            ("Anna", "s-2"),
            ("Ben", "s-1"),
            ("", None),
        ]
        assert [r.entry.alert for r in rows] == [0, 0, 0, 0]  # the number is a session's: the key is kept
        assert [r.alert_key for r in journal.alerts()] == ["s-1", "s-2"]
        # Other entries are of no call.
        with pytest.raises(TypeError, match="no alert key"):
            journal.record(PhraseUsed("m", "l", "t"), 16.0, alert_key="s-1")
        assert journal.phrases() == [] and [r.alert_key for r in journal.checkins()] == []


def test_entries_between_two_times(path: Path) -> None:
    with Journal(path) as journal:
        for at in (10.0, 20.0, 30.0, 40.0):
            journal.record(PhraseUsed("m", str(at), "t"), at)
        assert [r.at for r in journal.phrases(since=20.0)] == [20.0, 30.0, 40.0]
        assert [r.at for r in journal.phrases(until=30.0)] == [10.0, 20.0]
        assert [r.at for r in journal.phrases(20.0, 40.0)] == [20.0, 30.0]


def test_bad_entries_and_times_are_refused_and_nothing_is_stored(path: Path) -> None:
    with Journal(path) as journal:
        with pytest.raises(TypeError, match="not a journal entry"):
            journal.record("hello")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="not a time"):
            journal.record(PhraseUsed("m", "l", "t"), at=math.nan)
        with pytest.raises(JournalError, match=str(path)) as refused:
            journal.record(Rest(math.nan, 1.0, "time"))  # SQLite stores NaN as NULL: NOT NULL refuses
        assert not refused.value.transient
        assert journal.phrases() == [] and journal.rests() == []


def test_two_connections_write_and_read_the_same_file(path: Path) -> None:
    with Journal(path) as one, Journal(path) as two:
        one.record(PhraseUsed("m", "a", "t"), 1.0)
        two.record(PhraseUsed("m", "b", "t"), 2.0)
        assert [r.entry.label for r in one.phrases()] == ["a", "b"]


# --- migrations -------------------------------------------------------------------------------


def test_the_frozen_v1_schema_is_what_the_code_creates_as_v1(tmp_path: Path) -> None:
    frozen, fresh = tmp_path / "frozen.sqlite3", tmp_path / "fresh.sqlite3"
    make_v1(frozen)
    db = sqlite3.connect(fresh, isolation_level=None)
    store.MIGRATIONS[0](db)
    db.close()
    assert schema(frozen) == schema(fresh)


def test_a_v1_journal_is_upgraded_in_place_and_keeps_its_rows(path: Path) -> None:
    path.parent.mkdir(parents=True)
    make_v1(path)
    with Journal(path) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION
        assert [(r.at, r.entry) for r in journal.checkins()] == [
            (1000.0, CheckIn("How I feel", "energy low", None)),
            (1001.0, CheckIn("Energy", "7", 7.0)),  # a numeric v1 answer gets its value
        ]
        assert [r.entry for r in journal.rests()] == [Rest(600.0, 480.0, "user")]
        assert [r.entry for r in journal.alerts()] == [Alert("hold", "caregiver", 12.5, False)]
        assert [r.entry for r in journal.phrases()] == [PhraseUsed("phrases", "Yes", "Yes.")]
        # The new parts work: a check-in's value and the notification results.
        assert journal.record(CheckIn("How I feel", "energy high", 8.0), 2000.0) == 3
        assert journal.record(NotifyResult("command", True, "exit status 0"), 2001.0) == 1
        assert journal.checkins(since=2000.0)[0].entry.value == 8.0
        assert [r.entry for r in journal.notify_results()] == [NotifyResult("command", True, "exit status 0")]
    assert schema(path) == schema_of_a_new_journal(path.parent / "new.sqlite3")


def schema_of_a_new_journal(path: Path) -> list[tuple[str, str]]:
    Journal(path).close()
    return schema(path)


def make_v3(path: Path) -> None:
    """A real version-3 journal (the first three migrations, as that companion ran them) with rows."""
    db = sqlite3.connect(path, isolation_level=None)
    for migration in store.MIGRATIONS[:3]:
        migration(db)
    db.execute("PRAGMA user_version = 3")
    db.execute(
        """INSERT INTO phrases (at, local_time, menu, label, text, entry_id)
        VALUES (5.0, 'x', 'm', 'Yes', 'Yes.', 'u1')"""
    )
    db.execute(
        """INSERT INTO alerts (at, local_time, "trigger", acknowledged_by, seconds_to_ack, cancelled, stage,
        alert_key) VALUES (6.0, 'x', 'hold', '', NULL, 0, 'raised', 'run:1')"""
    )
    db.close()


def test_a_v3_journal_gains_the_config_changes_table_and_keeps_its_rows(path: Path) -> None:
    path.parent.mkdir(parents=True)
    make_v3(path)
    db = sqlite3.connect(path)
    assert "config_edits" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    with Journal(path) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION == 7
        assert [r.entry for r in journal.phrases()] == [PhraseUsed("m", "Yes", "Yes.")]
        assert [r.entry.stage for r in journal.alerts()] == ["raised"]
        edit = ConfigEdit(3, "this computer", "Imported board 'Simple' from links.obz")
        assert journal.record(edit, 10.0, entry_id="e1") == 1
        assert journal.record(edit, 10.0, entry_id="e1") == 1  # kept once, like every other table
        assert [(r.at, r.entry) for r in journal.config_edits()] == [(10.0, edit)]
    db = sqlite3.connect(path)
    assert columns(db, "config_edits") == ["id", "at", "local_time", "version", "who", "summary", "entry_id"]
    db.close()
    assert schema(path) == schema_of_a_new_journal(path.parent / "new.sqlite3")


def test_a_v5_journal_gains_alert_levels_and_contact_names(path: Path) -> None:
    """Issue 15: rows from before were "Help now" alerts and notifications with no contact."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    for migration in store.MIGRATIONS[:5]:
        migration(db)
    db.execute("PRAGMA user_version = 5")
    db.execute(
        """INSERT INTO alerts (at, local_time, "trigger", acknowledged_by, seconds_to_ack, cancelled, stage,
        alert_key) VALUES (6.0, 'x', 'hold', 'caregiver', 12.5, 0, 'ended', 'run:1')"""
    )
    db.execute(
        """INSERT INTO notify_results (at, local_time, kind, ok, detail, entry_id)
        VALUES (7.0, 'x', 'webhook', 1, 'HTTP 200', 'n1')"""
    )
    db.close()
    with Journal(path) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION == 7
        assert [r.entry for r in journal.alerts()] == [
            Alert("hold", "caregiver", 12.5, False, 0, "ended", "now")
        ]
        assert [r.entry for r in journal.notify_results()] == [NotifyResult("webhook", True, "HTTP 200", "")]
        assert [r.alert_key for r in journal.notify_results()] == [None]  # the old row names no call
        journal.record(NotifyResult("apprise", False, "HTTP 500", "Ben", 1), 8.0, alert_key="run:1")
        assert journal.notify_results()[-1].entry.contact == "Ben"
        assert journal.notify_results()[-1].alert_key == journal.alerts()[0].alert_key == "run:1"
    db = sqlite3.connect(path)
    assert columns(db, "notify_results")[-2:] == ["contact", "alert_key"]
    db.close()
    assert schema(path) == schema_of_a_new_journal(path.parent / "new.sqlite3")


def make_v6(path: Path) -> None:
    """A real version-6 journal (the first six migrations, as that companion ran them) with a press."""
    db = sqlite3.connect(path, isolation_level=None)
    for migration in store.MIGRATIONS[:6]:
        migration(db)
    db.execute("PRAGMA user_version = 6")
    db.execute(
        """INSERT INTO presses (at, local_time, mode, action, reaction, wait, hold, late, entry_id)
        VALUES (7.0, 'x', 'step', 'select', 0.6, 0.4, 0.2, 0, 'p1')"""
    )
    db.close()


def test_a_v6_journal_gains_the_voice_outcomes_and_keeps_its_rows(path: Path) -> None:
    path.parent.mkdir(parents=True)
    make_v6(path)
    db = sqlite3.connect(path)
    assert "voice_heard" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    with Journal(path) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION == 7
        assert [r.entry for r in journal.entries(PressTimed)] == [
            PressTimed("step", "select", 0.6, 0.4, 0.2, False)
        ]
        heard = VoiceHeard("go back", "go back", False, "unsure (0.55)", 0.55)
        assert journal.record(heard, 10.0, entry_id="v1") == 1
        assert journal.record(heard, 10.0, entry_id="v1") == 1  # kept once, like every other table
        (row,) = journal.entries(VoiceHeard)
        assert (row.at, row.entry) == (10.0, heard) and row.entry.accepted is False  # a bool, not 0
    db = sqlite3.connect(path)
    assert columns(db, "voice_heard") == [
        "id",
        "at",
        "local_time",
        "words",
        "phrase",
        "accepted",
        "reason",
        "confidence",
        "entry_id",
    ]
    db.close()
    assert schema(path) == schema_of_a_new_journal(path.parent / "new.sqlite3")


def test_a_failed_migration_leaves_the_old_version_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.parent.mkdir(parents=True)
    make_v1(path)
    before = schema(path)

    def half_then_fail(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE checkins ADD COLUMN value REAL")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(store, "MIGRATIONS", (store.MIGRATIONS[0], half_then_fail))
    with pytest.raises(JournalError, match=rf"cannot upgrade the journal {path} from schema version 1 to 2"):
        Journal(path)
    assert schema(path) == before  # the ALTER was rolled back with the rest
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM checkins").fetchone()[0] == 2
    db.close()


def test_a_journal_from_a_newer_companion_is_refused_and_left_untouched(path: Path) -> None:
    with Journal(path) as journal:
        journal.record(PhraseUsed("m", "l", "t"), 1.0)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.execute("CREATE TABLE from_the_future (x)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(
        JournalError,
        match=rf"schema version {SCHEMA_VERSION + 1}, newer than this companion knows \({SCHEMA_VERSION}\)",
    ) as refused:
        Journal(path)
    assert str(path) in str(refused.value) and "left untouched" in str(refused.value)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_journal_gives_a_clear_error_naming_it(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(JournalError, match=rf"cannot open the journal {path}: file is not a database"):
        Journal(path)
    assert path.read_bytes().startswith(b"this is not a database")


def test_a_journal_that_cannot_be_created_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(JournalError, match="cannot create the journal's folder"):
        Journal(tmp_path / "file" / "journal.sqlite3")


# --- the writer thread ------------------------------------------------------------------------


class Seen:
    """What a JournalWriter reported, safe to read from the test thread."""

    def __init__(self) -> None:
        self.committed: list[tuple[Entry, int]] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def on_committed(self, entry: Entry, row_id: int) -> None:
        with self.lock:
            self.committed.append((entry, row_id))

    def on_error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def wait_committed(self, count: int, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if len(self.committed) >= count:
                    return
            time.sleep(0.01)
        raise AssertionError(f"{len(self.committed)} of {count} committed; errors: {self.errors}")


def test_the_writer_commits_in_order_and_stop_drains_the_queue(path: Path) -> None:
    seen = Seen()
    writer = JournalWriter(path, seen.on_committed, seen.on_error)
    writer.start()
    phrases = [PhraseUsed("m", str(i), "t") for i in range(200)]
    for i, entry in enumerate(phrases):
        writer.write(entry, at=float(i))
    writer.stop()
    assert seen.errors == []
    assert seen.committed == [(entry, i + 1) for i, entry in enumerate(phrases)]
    with Journal(path) as journal:
        assert [r.entry for r in journal.phrases()] == phrases


def test_the_writer_keys_an_alert_and_its_results_alike(path: Path) -> None:
    """The core numbers alerts per session; the writer turns the number into the key both the
    alert's row and its results carry (a result of no known call gets none)."""
    writer = JournalWriter(path)
    writer.start()
    writer.write(Alert("hold", "", None, False, 2, "raised"), 1.0)
    writer.write(NotifyResult("apprise", True, "delivered", "Anna", 2), 2.0)
    writer.write(NotifyResult("webhook", True, "HTTP 200", "", 0), 3.0)
    writer.stop()
    with Journal(path) as journal:
        (alert,) = journal.alerts()
        keys = [r.alert_key for r in journal.notify_results()]
    assert alert.alert_key is not None and alert.alert_key.endswith("-2")
    assert keys == [alert.alert_key, None]


def test_the_writer_stamps_the_time_of_write_not_of_commit(path: Path) -> None:
    writer = JournalWriter(path)
    before = time.time()
    writer.write(PhraseUsed("m", "early", "t"))  # queued before the thread even starts
    time.sleep(0.2)
    writer.start()
    writer.stop()
    with Journal(path) as journal:
        (row,) = journal.phrases()
    assert before <= row.at < before + 0.1


def test_write_never_blocks_while_the_database_is_locked(path: Path) -> None:
    seen = Seen()
    Journal(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    writer = JournalWriter(path, seen.on_committed, seen.on_error)
    writer.start()
    started = time.perf_counter()
    for i in range(100):
        writer.write(PhraseUsed("m", str(i), "t"))
    took = time.perf_counter() - started
    time.sleep(0.3)
    assert seen.committed == []
    locker.execute("COMMIT")  # within the busy timeout: the writer goes on by itself
    seen.wait_committed(100)
    writer.stop()
    locker.close()
    assert took < 0.05, f"100 writes took {took * 1000:.1f} ms"
    assert seen.errors == []


def test_a_file_that_is_not_a_journal_is_moved_aside_kept_and_a_new_one_started(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)
    seen = Seen()
    writer = JournalWriter(path, seen.on_committed, seen.on_error, retry_after=0.05)
    writer.start()
    for i in range(5):
        writer.write(PhraseUsed("m", str(i), "t"))
    seen.wait_committed(5)
    writer.stop()
    assert [e.label for e, _ in seen.committed if isinstance(e, PhraseUsed)] == ["0", "1", "2", "3", "4"]
    (kept,) = path.parent.glob("journal.sqlite3.corrupt-*")
    assert kept.read_bytes() == b"garbage" * 1000  # kept as it was, never deleted
    assert len(seen.errors) == 1 and "not a database" in seen.errors[0] and str(kept) in seen.errors[0]


def test_entries_wait_in_the_spill_file_until_the_journal_can_be_written(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")  # the journal's "folder" is a file: it cannot be made
    path = tmp_path / "file" / "journal.sqlite3"
    seen = Seen()
    writer = JournalWriter(path, on_error=seen.on_error)
    writer.start()
    writer.write(PhraseUsed("m", "l", "t"))
    writer.stop()
    assert any("cannot create the journal's folder" in e for e in seen.errors)
    assert writer.spilled_at_stop == 1
    (spilled,) = writer.spill.where()
    assert stat.S_IMODE(spilled.stat().st_mode) == 0o600
    (tmp_path / "file").unlink()  # fixed: the next start merges what waited
    again = JournalWriter(path, on_error=seen.on_error)
    again.start()
    again.stop()
    assert again.spilled_at_stop == 0 and again.spill.where() == []
    with Journal(path) as journal:
        assert [r.entry for r in journal.phrases()] == [PhraseUsed("m", "l", "t")]


def test_bad_writes_are_reported_never_raised(path: Path) -> None:
    seen = Seen()
    writer = JournalWriter(path, seen.on_committed, seen.on_error)
    writer.start()
    writer.write("not an entry")  # type: ignore[arg-type]
    writer.write(PhraseUsed("m", "l", "t"), at=math.inf)
    writer.write(Rest(math.nan, 1.0, "time"))  # refused by the database: dropped, the rest go on
    writer.write(PhraseUsed("m", "good", "t"))
    writer.stop()
    writer.write(PhraseUsed("m", "late", "t"))
    writer.write(PhraseUsed("m", "later", "t"))
    assert [e for e, _ in seen.committed] == [PhraseUsed("m", "good", "t")]
    assert len(seen.errors) == 4, seen.errors  # three bad entries, then one "closed"
    assert "not a journal entry type: str" in seen.errors[0]
    assert "not a time" in seen.errors[1]
    assert "NOT NULL" in seen.errors[2] and "Rest dropped" in seen.errors[2]
    assert "closed" in seen.errors[3]


def test_callbacks_that_raise_do_not_stop_the_writer(path: Path) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("callback bug")

    writer = JournalWriter(path, on_committed=explode)
    writer.start()
    for i in range(3):
        writer.write(PhraseUsed("m", str(i), "t"))
    writer.stop()
    with Journal(path) as journal:
        assert len(journal.phrases()) == 3
