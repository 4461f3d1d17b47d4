"""The spill file: where journal entries wait while the journal cannot be written.

A full disk, a read-only folder, a damaged or newer journal: the writer appends each entry it
cannot store as one JSON line, synced to disk before the next (so a crash loses none of them),
and merges them into the journal when it can be written again, in this run or the next. Each
line carries the entry's uuid, and the journal keeps an entry's uuid once, so a merge cut short
and done again stores nothing twice; the file is removed only after the merge.

Where: in the state folder (`paths.state_dir()/journal-spill/`, named after the journal's path
so two journals never mix), or, when that cannot be written, next to the journal as
`NAME.spill.jsonl`. Both are read at a merge. The file is private (0600).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .. import paths, private
from ..core.records import ENTRY_TYPES, Entry
from ..errors import one_line

log = logging.getLogger(__name__)

_KINDS: Final[dict[str, type[Entry]]] = {kind.__name__: kind for kind in ENTRY_TYPES}


@dataclass(frozen=True)
class Pending:
    """An entry on its way to the journal, with what makes writing it twice harmless."""

    entry: Entry
    at: float
    """Unix time it happened."""
    entry_id: str
    """A uuid: the journal stores an entry id once."""
    alert_key: str | None = None
    """For an alert and its notification results: the key of the alert's one row (its
    session and number)."""

    def line(self) -> bytes:
        fields = dataclasses.asdict(self.entry)
        record = {"id": self.entry_id, "at": self.at, "kind": type(self.entry).__name__, "fields": fields}
        if self.alert_key:
            record["alert_key"] = self.alert_key
        return json.dumps(record, ensure_ascii=False, allow_nan=False).encode() + b"\n"


def _parse(line: bytes) -> Pending:
    record: dict[str, Any] = json.loads(line)
    kind = _KINDS[record["kind"]]
    entry = kind(**record["fields"])
    return Pending(entry, float(record["at"]), str(record["id"]), record.get("alert_key"))


def places(journal: Path) -> tuple[Path, ...]:
    """Where the spill file of the journal at `journal` may be, in the order they are tried."""
    where = os.path.abspath(journal)
    digest = hashlib.sha256(where.encode()).hexdigest()[:12]
    in_state = paths.state_dir() / "journal-spill" / f"{journal.name}-{digest}.jsonl"
    return in_state, journal.with_name(f"{journal.name}.spill.jsonl")


class SpillError(Exception):
    """No spill place could be written either; the message names them."""


class Spill:
    """The spill files of one journal. Use from one thread (the journal writer's)."""

    def __init__(self, journal: Path) -> None:
        self.places = places(journal)

    def append(self, pending: Pending) -> Path:
        """Add one entry, synced to disk before returning; the file it went to. SpillError if none."""
        line = pending.line()
        problems = []
        for place in self.places:
            try:
                _append(place, line)
            except OSError as error:
                problems.append(f"{place}: {one_line(error.strerror or error)}")
                continue
            return place
        raise SpillError("cannot write the journal's spill file either (" + "; ".join(problems) + ")")

    def entries(self) -> list[Pending]:
        """Every entry waiting, oldest file first. A torn last line (a crash mid-write) is skipped."""
        found = []
        for place in self.places:
            try:
                data = place.read_bytes()
            except FileNotFoundError:
                continue
            except OSError as error:
                log.warning("cannot read the journal's spill file %s: %s", place, one_line(error))
                continue
            for number, line in enumerate(data.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    found.append(_parse(line))
                except (ValueError, KeyError, TypeError) as error:
                    log.warning("%s:%d: not a journal entry, skipped: %s", place, number, one_line(error))
        return found

    def count(self) -> int:
        """How many entries are waiting (only in the spill file)."""
        return len(self.entries())

    def where(self) -> list[Path]:
        """The spill files that exist."""
        return [place for place in self.places if place.is_file()]

    def clear(self) -> None:
        """Remove the spill files: call only once every entry in them is in the journal."""
        for place in self.places:
            try:
                place.unlink(missing_ok=True)
            except OSError as error:  # merged already: a merge again stores nothing twice
                log.warning("cannot remove the journal's spill file %s: %s", place, one_line(error))


def _append(place: Path, line: bytes) -> None:
    private.make_folder(place.parent)
    fd = os.open(place, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            os.fsync(fd)
        except OSError:
            # Leave no half line behind (the next entry would be glued to it).
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)
