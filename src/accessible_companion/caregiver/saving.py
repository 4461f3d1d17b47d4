"""One way for the page to change the config: check, write, keep a version, journal, apply.

Nothing invalid is ever written: the edited files are loaded by the real loader first, and a
problem comes back with its `file:line` for the page to show at its field. A save that passes
is written by the config writer (comments and layout kept), kept in the history, journaled,
and handed to the running companion, whose trace then says when it is in use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..config.document import ConfigDocument
from ..config.loader import config_files
from ..config.problems import ConfigError, Problem
from .link import TraceLine
from .state import PageState

IN_USE_WAIT = 5.0
"""Seconds a save waits to hear that the companion runs it (it applies a config when calm:
never while the switch is held, a rest or a call for help is on)."""


@dataclass(frozen=True)
class Saved:
    """How a save went."""

    problems: list[Problem] = field(default_factory=list)
    """Why nothing was written (empty when it was)."""
    version: int | None = None
    """The history's number for what was written."""
    in_use: bool = False
    """The running companion confirmed it runs this version."""

    @property
    def ok(self) -> bool:
        return not self.problems


def file_texts(config: Path) -> dict[str, str]:
    """Every config file's text by its path relative to the folder, as history keeps them."""
    return {str(path.relative_to(config)): path.read_text(encoding="utf-8") for path in config_files(config)}


def save(state: PageState, document: ConfigDocument, who: str, summary: str) -> Saved:
    """Check `document`, then write it, keep the version, journal it and apply it (blocking:
    call from a worker thread). Returns the problems and writes nothing if it does not load."""
    try:
        document.check()
    except ConfigError as error:
        return Saved(problems=list(error.problems))
    if not state.history.versions(1):
        state.history.record(file_texts(state.config), "as found", "The config before the first change here")
    document.save()
    version = state.history.record(file_texts(state.config), who, summary)
    return Saved(version=version, in_use=_apply(state, version))


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
