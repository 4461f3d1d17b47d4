"""CSV export: one file per kind of entry (`checkins.csv`, `rests.csv`, ...).

One file per table rather than one combined file: each kind has its own columns, so every file
opens in a spreadsheet with a plain header and no empty columns, ready to sort and chart.
Columns: `id`, `at` (unix time), `local_time` (ISO), for calls for help and notification
results `alert_key` (which call a row is of: calls can overlap, so a result is joined to its
call by this, not by time), then the entry's fields. Yes/no fields are
`yes`/`no`, a missing number is an empty cell, and numbers are written in full so reading
them back gives exactly what was stored (the tests do).
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .. import private
from ..core.records import ENTRY_TYPES
from .store import Journal, table_of

HEAD = ("id", "at", "local_time")


@contextlib.contextmanager
def replacing(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A text file that replaces `path` whole when the block ends, or not at all if it fails.

    Made beside `path` (same file system, so the rename is atomic), private (0600): journal
    entries are health data, whatever the umask says.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with private.open_text(temporary, "w", newline=newline) as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell that starts with one of these as a formula (CSV injection)."""


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # A leading apostrophe makes a spreadsheet show the text as typed, never run it.
        return "'" + value
    return "" if value is None else value  # floats print in full (repr), so they read back exactly


def export_csv(
    journal: Journal, folder: Path, since: float | None = None, until: float | None = None
) -> list[tuple[Path, int]]:
    """Write one CSV per entry type into `folder` (each replaced whole); return (file, rows) pairs."""
    private.make_folder(folder)  # a new folder is 0700; one the caregiver already has is left alone
    written = []
    for kind in ENTRY_TYPES:
        table = table_of(kind)
        rows = journal.entries(kind, since, until)
        path = folder / f"{table.name}.csv"
        with replacing(path, newline="") as file:
            out = csv.writer(file)
            key = ("alert_key",) if table.keyed else ()
            out.writerow((*HEAD, *key, *table.columns))
            for row in rows:
                fields = [getattr(row.entry, c) for c in table.columns]
                keys = [row.alert_key] if table.keyed else []
                out.writerow((row.id, repr(row.at), row.local_time, *(_cell(v) for v in (*keys, *fields))))
        written.append((path, len(rows)))
    return written
