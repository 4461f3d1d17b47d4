"""The journal: a SQLite database that keeps every committed entry through a crash or power cut.

One typed table per entry type (core/records.py); every row has `id`, `at` (unix time) and
`local_time` (ISO local time with its offset, for a person opening the file), then the entry's
fields as columns of the same names. `PRAGMA user_version` is the schema version; MIGRATIONS
take a database from one version to the next, each in one transaction, so a journal written by
an older companion is upgraded in place and a crash mid-migration leaves the old version whole.

Durability: WAL with `synchronous=FULL` syncs the write-ahead log on every commit, and each
`record()` is one transaction that returns only once committed. The write lock is taken per
record, so the report (a reader) can run while the companion writes.

Exactly once: an entry may carry an `entry_id` (a uuid, kept in the row under a unique index), so
writing it again, as a merge of the spill file after a crash does, changes nothing. An alert is
one row from its raise to its end: written at the raise under its `alert_key` and updated as its
`stage` moves on (raised, notified, ended), never back.

Integrity: the journal is opened with `PRAGMA quick_check`; a damaged file raises JournalError
with `corrupt` set (the writer moves it aside, the report refuses it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from .. import private
from ..core.records import (
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
    TimingChanged,
    VoiceHeard,
)
from ..durable import sync_folder
from ..errors import one_line
from .faults import describe

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0  # s to wait for another process's write lock (a second companion, a migration)


class JournalError(Exception):
    """The journal cannot be opened, migrated or written. The message is one line naming the file.

    `transient` is True for errors that may pass (disk full, locked, I/O error): trying again
    later can succeed. False means the file or the entry is the problem.
    """

    def __init__(self, message: str, transient: bool = False, corrupt: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.corrupt = corrupt
        """The file is damaged (or not a journal at all): it will not get better by waiting."""


# --- schema -----------------------------------------------------------------------------------

# Version 1, as the first companion with a journal created it. Frozen: change the schema with a
# new migration, never here (databases in the field were made from this).
SCHEMA_V1: Final = (
    """CREATE TABLE checkins (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        question TEXT NOT NULL, answer TEXT NOT NULL)""",
    """CREATE TABLE rests (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        planned_seconds REAL NOT NULL, actual_seconds REAL NOT NULL, ended_by TEXT NOT NULL)""",
    """CREATE TABLE rest_offers (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        reason TEXT NOT NULL, taken INTEGER NOT NULL)""",
    """CREATE TABLE alerts (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        "trigger" TEXT NOT NULL, acknowledged_by TEXT NOT NULL, seconds_to_ack REAL,
        cancelled INTEGER NOT NULL)""",
    """CREATE TABLE phrases (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        menu TEXT NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL)""",
    """CREATE TABLE speed_changes (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        old_interval REAL NOT NULL, new_interval REAL NOT NULL, reason TEXT NOT NULL)""",
    """CREATE TABLE fatigue_signals (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        kind TEXT NOT NULL, value REAL NOT NULL, threshold REAL NOT NULL)""",
    *(
        f"CREATE INDEX {table}_at ON {table} (at)"
        for table in (
            "checkins",
            "rests",
            "rest_offers",
            "alerts",
            "phrases",
            "speed_changes",
            "fatigue_signals",
        )
    ),
)

# Version 2: check-ins get their position on a 0-10 scale (`value`, so energy can be charted),
# and the results of help notifications are kept (`notify_results`).
SCHEMA_V2: Final = (
    "ALTER TABLE checkins ADD COLUMN value REAL",
    """CREATE TABLE notify_results (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        kind TEXT NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL)""",
    "CREATE INDEX notify_results_at ON notify_results (at)",
)


def _create_v1(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V1:
        db.execute(statement)


def _v1_to_v2(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V2:
        db.execute(statement)
    # Version 1 kept a numeric answer ("7") only as text; give it its value so it is charted.
    for row_id, answer in db.execute("SELECT id, answer FROM checkins").fetchall():
        with contextlib.suppress(ValueError):
            value = float(answer)
            if 0.0 <= value <= 10.0:
                db.execute("UPDATE checkins SET value = ? WHERE id = ?", (value, row_id))


# Version 3: every row can carry the uuid of its entry, so an entry written twice (a spill file
# merged again after a crash mid-merge) is kept once; an alert is one row from raise to end,
# found by its `alert_key` and moved on through its `stage`.
_TABLE_NAMES: Final = (
    "checkins",
    "rests",
    "rest_offers",
    "alerts",
    "phrases",
    "speed_changes",
    "fatigue_signals",
    "notify_results",
)
SCHEMA_V3: Final = (
    *(f"ALTER TABLE {table} ADD COLUMN entry_id TEXT" for table in _TABLE_NAMES),
    *(f"CREATE UNIQUE INDEX {table}_entry_id ON {table} (entry_id)" for table in _TABLE_NAMES),
    "ALTER TABLE alerts ADD COLUMN stage TEXT NOT NULL DEFAULT 'ended'",
    "ALTER TABLE alerts ADD COLUMN alert_key TEXT",
    "CREATE UNIQUE INDEX alerts_alert_key ON alerts (alert_key)",
)


def _v2_to_v3(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V3:
        db.execute(statement)


# Version 4: changes made on the caregiver's page (which version, who, what), for the report's
# "Config changes" and the export; with `entry_id` from the start, as every table has since v3.
SCHEMA_V4: Final = (
    """CREATE TABLE config_edits (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        version INTEGER NOT NULL, who TEXT NOT NULL, summary TEXT NOT NULL, entry_id TEXT)""",
    "CREATE INDEX config_edits_at ON config_edits (at)",
    "CREATE UNIQUE INDEX config_edits_entry_id ON config_edits (entry_id)",
)


def _v3_to_v4(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V4:
        db.execute(statement)


# Version 5: pacing (issue 13): every press as the companion measured it, and the timings that
# pacing changed, for the report's reaction and hold times per day.
SCHEMA_V5: Final = (
    """CREATE TABLE presses (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        mode TEXT NOT NULL, action TEXT NOT NULL, reaction REAL, wait REAL, hold REAL,
        late INTEGER NOT NULL, entry_id TEXT)""",
    "CREATE INDEX presses_at ON presses (at)",
    "CREATE UNIQUE INDEX presses_entry_id ON presses (entry_id)",
    """CREATE TABLE timing_changes (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        setting TEXT NOT NULL, old REAL NOT NULL, new REAL NOT NULL, reason TEXT NOT NULL, entry_id TEXT)""",
    "CREATE INDEX timing_changes_at ON timing_changes (at)",
    "CREATE UNIQUE INDEX timing_changes_entry_id ON timing_changes (entry_id)",
)


def _v4_to_v5(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V5:
        db.execute(statement)


# Version 6: the escalating call for help (issue 15): an alert's level (`now`, "Help now";
# `need`, "I need something"), and each notification row names the contact it tried (by
# name; never its URL) and the call it was for (that alert's `alert_key`: calls can overlap and
# a delivery can come after the next call). Rows from before were all "Help now", had no
# contacts and name no call (NULL: the report places them by time).
SCHEMA_V6: Final = (
    "ALTER TABLE alerts ADD COLUMN level TEXT NOT NULL DEFAULT 'now'",
    "ALTER TABLE notify_results ADD COLUMN contact TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE notify_results ADD COLUMN alert_key TEXT",
)


def _v5_to_v6(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V6:
        db.execute(statement)


# Version 7: the voice outcomes (issue 14): every command taken and every try heard but not
# taken, words and reasons only, so the Voice page and the report see a voice drift over weeks.
SCHEMA_V7: Final = (
    """CREATE TABLE voice_heard (id INTEGER PRIMARY KEY, at REAL NOT NULL, local_time TEXT NOT NULL,
        words TEXT NOT NULL, phrase TEXT NOT NULL, accepted INTEGER NOT NULL, reason TEXT NOT NULL,
        confidence REAL NOT NULL, entry_id TEXT)""",
    "CREATE INDEX voice_heard_at ON voice_heard (at)",
    "CREATE UNIQUE INDEX voice_heard_entry_id ON voice_heard (entry_id)",
)


def _v6_to_v7(db: sqlite3.Connection) -> None:
    for statement in SCHEMA_V7:
        db.execute(statement)


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: Final[tuple[Migration, ...]] = (
    _create_v1,
    _v1_to_v2,
    _v2_to_v3,
    _v3_to_v4,
    _v4_to_v5,
    _v5_to_v6,
    _v6_to_v7,
)
"""MIGRATIONS[n] takes a database from schema version n to n + 1 (0 = a new, empty file)."""

SCHEMA_VERSION: Final = len(MIGRATIONS)


@dataclass(frozen=True)
class Table:
    """Where one entry type is stored: its table and columns (the dataclass's field names)."""

    name: str
    kind: type[Entry]
    columns: tuple[str, ...]
    booleans: frozenset[str]
    """Columns stored as 0/1 that read back as bool."""
    keyed: bool = False
    """Its rows carry an `alert_key` (the call for help they are of)."""


NOT_STORED: Final = frozenset({"number", "alert"})
"""Entry fields that are not columns: an alert's `number` (and a notification result's
`alert`, the same number) counts in one session only; the writer makes it part of the row's
`alert_key`."""

# An alert row's stage only moves forward: a late or repeated update never undoes a later one.
_STAGE_RANK: Final = "CASE {} WHEN 'raised' THEN 0 WHEN 'notified' THEN 1 ELSE 2 END"


def _table(name: str, kind: type[Entry], keyed: bool = False) -> Table:
    fields = [f for f in dataclasses.fields(kind) if f.name not in NOT_STORED]
    # Field types are strings here (postponed annotations); "bool" is the only one to convert.
    booleans = frozenset(f.name for f in fields if f.type in ("bool", bool))
    return Table(name, kind, tuple(f.name for f in fields), booleans, keyed)


TABLES: Final[dict[type[Entry], Table]] = {
    CheckIn: _table("checkins", CheckIn),
    Rest: _table("rests", Rest),
    RestOffered: _table("rest_offers", RestOffered),
    Alert: _table("alerts", Alert, keyed=True),
    PhraseUsed: _table("phrases", PhraseUsed),
    SpeedChanged: _table("speed_changes", SpeedChanged),
    PressTimed: _table("presses", PressTimed),
    TimingChanged: _table("timing_changes", TimingChanged),
    FatigueSignal: _table("fatigue_signals", FatigueSignal),
    NotifyResult: _table("notify_results", NotifyResult, keyed=True),
    ConfigEdit: _table("config_edits", ConfigEdit),
    VoiceHeard: _table("voice_heard", VoiceHeard),
}
assert set(TABLES) == set(ENTRY_TYPES)
_BY_TYPE: Final[dict[type, Table]] = dict(TABLES)


def table_of(kind: type[object]) -> Table:
    """The table of an entry type; TypeError for anything else."""
    try:
        return _BY_TYPE[kind]
    except KeyError:
        raise TypeError(f"not a journal entry type: {kind.__name__}") from None


def local_time(at: float) -> str:
    """`at` as ISO local time with its UTC offset, to the second (the `local_time` column)."""
    return datetime.fromtimestamp(at).astimezone().isoformat(timespec="seconds")


def _quoted(name: str) -> str:
    return f'"{name}"'  # `trigger` is an SQL keyword


E = TypeVar("E", bound=Entry)


@dataclass(frozen=True)
class Stamped(Generic[E]):
    """A stored entry with its row id and time."""

    id: int
    at: float
    """Unix time it happened."""
    local_time: str
    """`at` as ISO local time, as recorded (in the time zone of the time)."""
    entry: E
    alert_key: str | None = None
    """The call for help it is of (alerts and notification results; None for other entries,
    for a result whose call was not known, and for results journaled before schema 6)."""


# --- the journal ------------------------------------------------------------------------------


class Journal:
    """An open journal. Use it from one thread (JournalWriter owns one on its own thread)."""

    def __init__(self, path: Path) -> None:
        """Open or create the journal at `path` and migrate it to SCHEMA_VERSION.

        Raises JournalError naming the file when it cannot be opened, is not a journal, or was
        written by a newer companion (that file is left untouched).
        """
        self.path = path
        try:
            private.make_folder(path.parent)
        except OSError as error:
            raise JournalError(
                f"cannot create the journal's folder {path.parent}: {one_line(error)}", transient=True
            ) from error
        created = not path.exists()
        if not created and not path.is_file():
            raise JournalError(f"cannot open the journal {path}: it is not a file (a folder or a device?)")
        private.prepare_database(path)  # 0600, and so its -wal and -shm; SQLite alone makes 0644
        try:
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as error:
            message = f"cannot open the journal {path}: {describe(error, path)}"
            raise JournalError(message, transient=True) from error
        try:
            # Read the version before anything writes: a newer journal must not be touched.
            self._refuse_newer(self._version())
            if not created:
                self._check()
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":  # still durable (FULL syncs the rollback journal), only slower
                log.warning("journal %s: WAL mode unavailable here, using %s", path, mode)
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.Error as error:
            self._db.close()
            transient = isinstance(error, sqlite3.OperationalError)
            # "file is not a database", "malformed": the file itself is damaged.
            damaged = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
            corrupt = not transient and error.sqlite_errorcode & 0xFF in damaged
            raise JournalError(
                f"cannot open the journal {path}: {describe(error, path)}", transient, corrupt
            ) from error
        except BaseException:
            self._db.close()
            raise
        if created:
            with contextlib.suppress(OSError):  # the new name's durability is best effort
                sync_folder(path.parent)

    def _version(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def _check(self) -> None:
        """Raise JournalError(corrupt) when SQLite's quick check finds the file damaged."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)").fetchall()]
        if problems != ["ok"]:
            raise JournalError(
                f"the journal {self.path} is damaged: {one_line('; '.join(problems), 300)}", corrupt=True
            )

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"the journal {self.path} has schema version {version}, newer than this companion knows "
                f"({SCHEMA_VERSION}): update the companion; the file was left untouched"
            )

    def _migrate(self) -> None:
        while self._version() < SCHEMA_VERSION:
            # IMMEDIATE takes the write lock first, so two processes opening an old journal at
            # once migrate it once: the second one sees the new version when it gets the lock.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._version()
                self._refuse_newer(version)
                if version < SCHEMA_VERSION:
                    try:
                        MIGRATIONS[version](self._db)
                    except sqlite3.Error as error:
                        raise JournalError(
                            f"cannot upgrade the journal {self.path} from schema version {version} to "
                            f"{version + 1}: {one_line(error)}; the file was left as it was"
                        ) from error
                    self._db.execute(f"PRAGMA user_version = {version + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                # A failed write (a full disk) may have ended the transaction already: the
                # error to tell is the first one, not "cannot rollback".
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise

    def pragma(self, name: str) -> Any:
        """The value of a read-only PRAGMA (for tests and diagnostics)."""
        if not name.replace("_", "").isalpha():
            raise ValueError(f"not a pragma name: {name!r}")
        return self._db.execute(f"PRAGMA {name}").fetchone()[0]

    def record(
        self, entry: Entry, at: float | None = None, entry_id: str | None = None, alert_key: str | None = None
    ) -> int:
        """Store `entry` as happening at unix time `at` (default now); return its row id once committed.

        Its table's row id: ids count per entry type. With `entry_id`, an entry already stored
        under that id is not stored again (its row id is returned). With `alert_key`: for an
        alert, its row is made at its first entry and later ones update it, a later stage over
        an earlier one only; for a notification result, it names the call it was for (many
        results share one key). Raises JournalError when it cannot be written (then
        nothing of it was stored), TypeError/ValueError for a bad entry or time.
        """
        table = table_of(type(entry))
        if alert_key and not table.keyed:
            raise TypeError(f"a {type(entry).__name__} has no alert key")
        upsert = bool(alert_key) and table.kind is Alert
        when = time.time() if at is None else float(at)
        if not math.isfinite(when):
            raise ValueError(f"not a time: {at!r}")
        names = ("at", "local_time", "entry_id", *table.columns, *(("alert_key",) if alert_key else ()))
        values = (when, local_time(when), entry_id, *(getattr(entry, c) for c in table.columns))
        values += (alert_key,) if alert_key else ()
        columns = ", ".join(_quoted(c) for c in names)
        marks = ", ".join("?" * len(names))
        sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) ON CONFLICT (entry_id) DO NOTHING"
        if upsert:
            update = ", ".join(f"{_quoted(c)} = excluded.{_quoted(c)}" for c in (*table.columns, "entry_id"))
            newer = f"{_STAGE_RANK.format('excluded.stage')} > {_STAGE_RANK.format(table.name + '.stage')}"
            sql += f" ON CONFLICT (alert_key) DO UPDATE SET {update} WHERE {newer}"
        try:
            # Outside BEGIN/COMMIT (isolation_level=None) one INSERT is one transaction, committed
            # (and, with synchronous=FULL, synced) before execute() returns.
            cursor = self._db.execute(sql, values)
            if cursor.rowcount == 1 and not upsert:
                assert cursor.lastrowid is not None
                return cursor.lastrowid
            key, value = ("alert_key", alert_key) if upsert else ("entry_id", entry_id)
            row = self._db.execute(f"SELECT id FROM {table.name} WHERE {key} = ?", (value,)).fetchone()
        except sqlite3.Error as error:
            raise JournalError(
                f"cannot write to the journal {self.path}: {describe(error, self.path)}",
                transient=not isinstance(error, sqlite3.IntegrityError | sqlite3.InterfaceError),
            ) from error
        found: int = row[0]
        return found

    def entries(
        self, kind: type[E], since: float | None = None, until: float | None = None
    ) -> list[Stamped[E]]:
        """Entries of one type with `since <= at < until` (either open), oldest first."""
        table = table_of(kind)
        key = ("alert_key",) if table.keyed else ()
        columns = ", ".join(_quoted(c) for c in ("id", "at", "local_time", *key, *table.columns))
        sql = f"SELECT {columns} FROM {table.name} WHERE at >= ? AND at < ? ORDER BY at, id"
        bounds = (-math.inf if since is None else since, math.inf if until is None else until)
        try:
            rows = self._db.execute(sql, bounds).fetchall()
        except sqlite3.Error as error:
            raise JournalError(f"cannot read the journal {self.path}: {one_line(error)}") from error
        make: Callable[..., E] = kind
        found = []
        for row_id, at, local, *values in rows:
            alert_key = values.pop(0) if table.keyed else None
            fields: dict[str, Any] = {
                c: bool(v) if c in table.booleans else v for c, v in zip(table.columns, values, strict=True)
            }
            found.append(Stamped(row_id, at, local, make(**fields), alert_key))
        return found

    def checkins(self, since: float | None = None, until: float | None = None) -> list[Stamped[CheckIn]]:
        return self.entries(CheckIn, since, until)

    def rests(self, since: float | None = None, until: float | None = None) -> list[Stamped[Rest]]:
        return self.entries(Rest, since, until)

    def rest_offers(
        self, since: float | None = None, until: float | None = None
    ) -> list[Stamped[RestOffered]]:
        return self.entries(RestOffered, since, until)

    def alerts(self, since: float | None = None, until: float | None = None) -> list[Stamped[Alert]]:
        return self.entries(Alert, since, until)

    def phrases(self, since: float | None = None, until: float | None = None) -> list[Stamped[PhraseUsed]]:
        return self.entries(PhraseUsed, since, until)

    def speed_changes(
        self, since: float | None = None, until: float | None = None
    ) -> list[Stamped[SpeedChanged]]:
        return self.entries(SpeedChanged, since, until)

    def fatigue_signals(
        self, since: float | None = None, until: float | None = None
    ) -> list[Stamped[FatigueSignal]]:
        return self.entries(FatigueSignal, since, until)

    def notify_results(
        self, since: float | None = None, until: float | None = None
    ) -> list[Stamped[NotifyResult]]:
        return self.entries(NotifyResult, since, until)

    def config_edits(
        self, since: float | None = None, until: float | None = None
    ) -> list[Stamped[ConfigEdit]]:
        return self.entries(ConfigEdit, since, until)

    def close(self) -> None:
        """Close the database (the last connection checkpoints the WAL into the file)."""
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_existing(path: Path) -> Journal:
    """Open a journal that must already exist (for the report and the export).

    A damaged one raises JournalError with `corrupt` set, and is left where it is.
    """
    if not path.is_file():
        raise JournalError(f"no journal yet at {path}")
    return Journal(path)
