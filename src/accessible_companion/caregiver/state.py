"""What every page handler reaches: the config being edited, the companion, the lock, the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .auth import Locks
from .history import History
from .link import CompanionLink


@dataclass
class PageState:
    """Shared by all requests (the server's one event loop; handlers that block run in threads)."""

    config: Path
    """The caregiver's config folder that the page edits (and the companion runs, when linked)."""
    history: History
    locks: Locks
    link: CompanionLink | None = None
    """The running companion; None for `accessible-companion caregiver` (files only)."""
    address: str = ""
    """The page's own address as shown to the caregiver (`http://127.0.0.1:8765/`), once serving."""
    notes: list[str] = field(default_factory=list)
    """Things the home page should say (e.g. the config was copied from the built-in one)."""
    journal_path: Path | None = None
    """The journal file: the Journal page reads it, and a change is journaled into it when there
    is no running companion to journal it (the `caregiver` command: `paths.journal_file()`)."""
    takes_root: Path | None = None
    """Where the user's voice takes are (None: the user's data folder, as `voice teach` keeps them)."""
