"""What a display shows: a snapshot of the core's state, made by `Companion.view()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .settings import DisplaySettings

NoticeLevel = Literal["info", "warning", "error"]
"""How serious a notice is: news, something degraded, something failed."""

Screen = Literal["menu", "offer", "check-in", "rest", "alert"]
"""What fills the window: a caregiver's menu, the companion's offer of rest or check-in
question (menus too, shown with the question large), a rest, or a call for help."""

VoiceState = Literal["off", "loading", "listening", "asleep", "microphone lost", "unavailable"]
"""Voice commands as the status line shows them."""


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
    columns: int = 1
    """Cells per row: 1 is a list; more is a grid, scanned row by row, then within the row."""
    row: int | None = None
    """The highlighted row of a grid while rows are scanned (`highlight` is None then)."""
    path: tuple[str, ...] = ()
    """Titles of the open menus, home first (where we are)."""
    dwell: tuple[float, float] | None = None
    """(from, until) on the loop clock (time.monotonic()) while the highlighted item's time
    runs; None while it waits for a cue to end, for a press, or nothing is highlighted."""
    screen: Screen = "menu"
    rest_until: float | None = None
    """When the rest ends (loop clock), during a rest."""
    alert_notified: bool = False
    """During a call for help: the caregiver's channels have been told (help is on the way)."""
    voice: VoiceState = "off"
    page_url: str = ""
    """The caregiver page's address, for the status line ("" while there is none)."""
    page_code: str = ""
    """Its one-time pairing code, while it listens on the home network."""
    look: DisplaySettings = field(default_factory=DisplaySettings)
    """The caregiver's display settings in use (they change with a live reload)."""


@dataclass
class Shown:
    """The notice a display shows until the next one (parts of the core set it)."""

    text: str = ""
    level: NoticeLevel = "info"

    def show(self, text: str, level: NoticeLevel = "info") -> None:
        self.text, self.level = text, level
