"""What a display shows: a snapshot of the core's state, made by `Companion.view()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NoticeLevel = Literal["info", "warning", "error"]
"""How serious a notice is: news, something degraded, something failed."""


@dataclass(frozen=True)
class View:
    """Everything a display needs, as plain values."""

    menu: str
    """Current menu id."""
    title: str
    """Current menu title."""
    labels: tuple[str, ...]
    """Item labels in scan order."""
    highlight: int | None
    """Index of the highlighted item, or None."""
    state: str
    """`scanning`, `waiting` (for a press), `held`, `hold-ready` or `idle` (from the scan);
    `resting` or `alert` (from care, which stops the scan meanwhile)."""
    mode: str
    """Scanning mode name."""
    interval: float
    """Scan interval in seconds."""
    speaking: str = ""
    """Text being spoken now, if any."""
    notice: str = ""
    """Last problem or status worth showing (an adapter error, a setting change)."""
    notice_level: NoticeLevel = "info"
    """How serious `notice` is (said by whoever raised it, never guessed from its words)."""


@dataclass
class Shown:
    """The notice a display shows until the next one (parts of the core set it)."""

    text: str = ""
    level: NoticeLevel = "info"

    def show(self, text: str, level: NoticeLevel = "info") -> None:
        self.text, self.level = text, level
