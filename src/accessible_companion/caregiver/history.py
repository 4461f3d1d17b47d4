"""Every saved version of the caregiver's config, with who and when (at least the last 50).

One SQLite file beside the companion's other state, private to the user. A version holds the
text of every config file as it was after a save, so a diff is between two versions and a
restore writes one back (through the same checks as any save).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import private

KEEP = 200
"""Versions kept per config folder (the issue asks for at least 50)."""


@dataclass(frozen=True)
class About:
    """A version without its files (the history page lists up to KEEP of them)."""

    number: int
    at: float
    """Unix time of the save."""
    who: str
    """Who saved it, as the page knows them ("this computer", "PIN from 192.168.1.7")."""
    summary: str
    """What changed, in words ("Renamed 'Water' in Needs")."""


@dataclass(frozen=True)
class Version(About):
    files: dict[str, str]
    """Each config file's text, by its path relative to the config folder."""


class History:
    """Versions of one config folder, kept in `database` (thread-safe)."""

    def __init__(self, database: Path, config: Path) -> None:
        private.make_folder(database.parent)
        private.prepare_database(database)
        self._config = str(config.resolve())
        self._lock = threading.Lock()
        self._db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS versions (id INTEGER PRIMARY KEY, config TEXT NOT NULL,
            at REAL NOT NULL, who TEXT NOT NULL, summary TEXT NOT NULL, files TEXT NOT NULL)"""
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS versions_config ON versions (config, id)")

    def record(self, files: dict[str, str], who: str, summary: str, at: float | None = None) -> int:
        """Keep `files` as the newest version; returns its number. The oldest beyond KEEP go."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO versions (config, at, who, summary, files) VALUES (?, ?, ?, ?, ?)",
                (self._config, time.time() if at is None else at, who, summary, json.dumps(files)),
            )
            self._db.execute(
                """DELETE FROM versions WHERE config = ? AND id NOT IN
                (SELECT id FROM versions WHERE config = ? ORDER BY id DESC LIMIT ?)""",
                (self._config, self._config, KEEP),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def versions(self, limit: int = KEEP) -> list[Version]:
        """The newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at, who, summary, files FROM versions WHERE config = ? ORDER BY id DESC LIMIT ?",
                (self._config, limit),
            ).fetchall()
        return [Version(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows]

    def listing(self, limit: int = KEEP) -> list[About]:
        """The newest first, without their files."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at, who, summary FROM versions WHERE config = ? ORDER BY id DESC LIMIT ?",
                (self._config, limit),
            ).fetchall()
        return [About(*row) for row in rows]

    def before(self, number: int) -> Version | None:
        """The version kept just before `number` (None for the oldest kept)."""
        with self._lock:
            row = self._db.execute(
                """SELECT id, at, who, summary, files FROM versions WHERE config = ? AND id < ?
                ORDER BY id DESC LIMIT 1""",
                (self._config, number),
            ).fetchone()
        return None if row is None else Version(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def version(self, number: int) -> Version | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, at, who, summary, files FROM versions WHERE config = ? AND id = ?",
                (self._config, number),
            ).fetchone()
        return None if row is None else Version(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def close(self) -> None:
        with self._lock:
            self._db.close()
