"""One way for the page to change the config: check, write, keep a version, journal, apply.

Nothing invalid is ever written: the edited files are loaded by the real loader first, and a
problem comes back with its `file:line` for the page to show at its field. A save that passes
is written by the config writer (comments and layout kept), kept in the history, journaled,
and handed to the running companion, whose trace then says when it is in use.

A restore is the same road backwards: the version's files are loaded first, written back
atomically, and the result is a new version. Files changed outside the page (a text editor)
are kept as a version of their own before anything is written over them, so no change made
anywhere is lost to a save or a restore.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config.atomic_write import write_atomically
from ..config.document import ConfigDocument, check_texts
from ..config.loader import config_files
from ..config.problems import ConfigError, Problem
from ..core.records import ConfigEdit
from ..durable import sync_folder
from ..journal.store import Journal, JournalError
from .link import TraceLine
from .state import PageState

log = logging.getLogger(__name__)

IN_USE_WAIT = 5.0
"""Seconds a save waits to hear that the companion runs it (it applies a config when calm:
never while the switch is held, a rest or a call for help is on)."""

AS_FOUND = "The config before the first change here"
AS_FOUND_WHO = "this page, as it found the files"
OUTSIDE = "Changed outside this page (in a text editor or by another program)"
OUTSIDE_WHO = "someone outside this page"

one_change = threading.RLock()
"""One change at a time, held from reading the files to writing them (a save and a restore take
it too): two visitors changing the config at once would otherwise write one's change over the
other's, or keep each other's files as their version."""


@dataclass(frozen=True)
class Saved:
    """How a save went."""

    problems: list[Problem] = field(default_factory=list)
    """Why nothing was written (empty when it was)."""
    version: int | None = None
    """The history's number for what was written (None: nothing needed writing)."""
    in_use: bool = False
    """The running companion confirmed it runs this version."""
    removed: tuple[str, ...] = ()
    """Config files a restore took out (the version did not have them; the version before keeps them)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def file_texts(config: Path) -> dict[str, str]:
    """Every config file's text by its path relative to the folder, as history keeps them."""
    return {str(path.relative_to(config)): path.read_text(encoding="utf-8") for path in config_files(config)}


def save(
    state: PageState,
    document: ConfigDocument,
    who: str,
    summary: str,
    before_write: Callable[[], None] | None = None,
) -> Saved:
    """Check `document`, then write it, keep the version, journal it and apply it (blocking:
    call from a worker thread). Returns the problems and writes nothing if it does not load.
    `before_write` runs once the check passed, before any YAML file is written (an import puts
    its pictures and recordings in place then)."""
    with one_change:
        try:
            document.check()
        except ConfigError as error:
            return Saved(problems=list(error.problems))
        _keep_outside_changes(state, file_texts(state.config))
        if before_write is not None:
            before_write()
        document.save()
        version = state.history.record(file_texts(state.config), who, summary)
    _journal(state, ConfigEdit(version, who, summary))
    return Saved(version=version, in_use=_apply(state, version))


def restore(state: PageState, number: int, who: str) -> Saved:
    """Write version `number`'s files back, through the same check as any save; the result is a
    new version "Restored version N". Config files the version did not have are taken out (they
    are kept in the version before). A version that no longer loads writes nothing."""
    version = state.history.version(number)
    if version is None:
        return Saved(problems=[Problem(state.config, 0, f"there is no version {number} any more")])
    wanted: dict[Path, str] = {}
    for name, text in version.files.items():
        path = state.config / name
        if not path.resolve().is_relative_to(state.config.resolve()) or path.suffix not in (".yaml", ".yml"):
            return Saved(
                problems=[Problem(state.config, 0, f"version {number} names a file outside it: {name}")]
            )
        wanted[path] = text
    summary = f"Restored version {number}"
    with one_change:
        try:
            check_texts(state.config, wanted)
        except ConfigError as error:
            return Saved(problems=list(error.problems))
        current = file_texts(state.config)
        if current == version.files:
            return Saved()
        _keep_outside_changes(state, current)
        for path, text in wanted.items():
            if current.get(str(path.relative_to(state.config))) != text:
                write_atomically(path, text)
        removed = tuple(sorted(current.keys() - version.files.keys()))
        for name in removed:
            (state.config / name).unlink(missing_ok=True)
            sync_folder((state.config / name).parent)
        new = state.history.record(file_texts(state.config), who, summary)
    _journal(state, ConfigEdit(new, who, summary))
    return Saved(version=new, in_use=_apply(state, new), removed=removed)


def _keep_outside_changes(state: PageState, current: dict[str, str]) -> None:
    """Keep the files as they are now as a version, unless the newest version already holds them:
    the first change here keeps the config as found; a hand edit since the last save is kept too."""
    newest = state.history.versions(1)
    if not newest:
        state.history.record(current, AS_FOUND_WHO, AS_FOUND)
    elif newest[0].files != current:
        state.history.record(current, OUTSIDE_WHO, OUTSIDE)


def _journal(state: PageState, entry: ConfigEdit) -> None:
    """Into the running companion's journal, or straight into the journal file without one."""
    if state.link is not None:
        state.link.journal(entry)
        return
    if state.journal_path is None:
        return
    try:
        with Journal(state.journal_path) as journal:
            journal.record(entry)
    except JournalError as error:  # the change is made and kept in the history all the same
        log.warning("the config change was not journaled: %s", error)


def _apply(state: PageState, version: int) -> bool:
    """Ask the running companion to take the files now; True once its trace says it did."""
    link = state.link
    if link is None:
        return False
    reason = f"page:{version}"
    seen = threading.Event()

    def watch(line: TraceLine) -> None:
        if line.get("event") == "config" and line.get("reason") == reason:
            seen.set()

    stop = link.listen(watch)
    try:
        link.apply(reason)
        return seen.wait(IN_USE_WAIT)
    finally:
        stop()
