"""The user's switch presses read from the companion's trace lines, as the switch test shows them.

What the trace carries (README: Trace): `input` lines with `kind` `press`/`release` (or
`tap`, from a device without releases) and the `switch`; `highlight` lines with the item's
`label`; `speak` lines with `voice: cue` and an `utterance` number, whose `speech_end` says
when the item's name was spoken (in auditory scanning the interval starts there); `hold`
when a press passed the long press; `select` after a selection.

The trace does not mark a press the companion ignored, so this reads it the way the
companion's press filter does (core/presses.py), with the timings in use: shorter than
acceptance, started within debounce of the last counted release, or within the pause
after a selection. Pure: lines in, updates out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tuning import IGNORED_DEBOUNCE, IGNORED_PAUSE, IGNORED_SHORT, Press

EVENTS = frozenset(
    {"input", "highlight", "speak", "speech_end", "hold", "select", "idle", "setting", "config"}
)
"""Trace events the switch test reads (the rest never leave the companion's thread)."""
SWITCHES = (1, 2)
"""The user's switches (3 is the caregiver's key)."""
SOURCES = ("switch", "terminal")


@dataclass(frozen=True)
class Timing:
    """The press filter's timings in use (seconds)."""

    acceptance: float = 0.05
    debounce: float = 0.1
    post_selection_pause: float = 0.3


@dataclass
class _Down:
    at: float
    item: str
    reaction_from: float | None
    after_cue: float | None
    blocked: str
    long: bool = False


class PressReader:
    """Follows trace lines and says what the page shows: highlights, presses going down, presses."""

    def __init__(self, timing: Timing | None = None) -> None:
        self.timing = timing or Timing()
        """Replaced when another config is in use (presses from then on are read with it)."""
        self._highlight: tuple[float, str] | None = None
        self._cue: int | None = None
        self._cue_end: float | None = None
        self._down: dict[int, _Down] = {}
        self._last_release = float("-inf")
        self._guard_until = float("-inf")

    def feed(self, line: dict[str, Any]) -> list[tuple[str, Any]]:
        """Read one trace line. Returns what it means for the page: ("highlight", label),
        ("down", switch) or ("press", Press)."""
        event = line.get("event")
        t = _number(line.get("t"))
        if t is None:
            return []
        if event == "highlight":
            label = str(line.get("label", ""))
            self._highlight, self._cue, self._cue_end = (t, label), None, None
            return [("highlight", label)]
        if event == "idle":  # scanning stopped: the next press starts it, it acts on nothing
            self._highlight = None
        elif event == "speak" and line.get("voice") == "cue" and self._highlight is not None:
            self._cue, self._cue_end = _integer(line.get("utterance")), None
        elif event == "speech_end" and self._cue is not None and line.get("utterance") == self._cue:
            self._cue_end = t
        elif event == "hold" and (down := self._down.get(_integer(line.get("switch")) or 0)):
            down.long = True
        elif event == "select":
            self._guard_until = t + self.timing.post_selection_pause
        elif event == "input" and line.get("source") in SOURCES and line.get("switch") in SWITCHES:
            return self._input(str(line.get("kind")), int(line["switch"]), t)
        return []

    def _input(self, kind: str, switch: int, t: float) -> list[tuple[str, Any]]:
        if kind == "press":
            if switch in self._down:
                return []  # a held key repeating is never a second press
            self._down[switch] = self._start(t)
            return [("down", switch)]
        if kind == "release":
            down = self._down.pop(switch, None)
            if down is None:
                return []
            hold = t - down.at
            ignored = down.blocked or (IGNORED_SHORT if hold < self.timing.acceptance else "")
            if not ignored:
                self._last_release = t
            return [("press", self._press(down, switch, hold, ignored))]
        if kind == "tap":
            down = self._start(t)
            if not down.blocked:
                self._last_release = t
            return [("press", self._press(down, switch, None, down.blocked))]
        return []

    def _start(self, t: float) -> _Down:
        blocked = ""
        if t < self._last_release + self.timing.debounce:
            blocked = IGNORED_DEBOUNCE
        elif t < self._guard_until:
            blocked = IGNORED_PAUSE
        if self._highlight is None:
            return _Down(t, "", None, None, blocked)
        since, label = self._highlight
        after_cue = None
        if self._cue_end is not None:
            after_cue = max(0.0, t - self._cue_end)
        elif self._cue is not None:
            after_cue = 0.0  # pressed while the cue was still being spoken
        return _Down(t, label, since, after_cue, blocked)

    def _press(self, down: _Down, switch: int, hold: float | None, ignored: str) -> Press:
        reaction = None if down.reaction_from is None else round(down.at - down.reaction_from, 4)
        return Press(
            hold=None if hold is None else round(hold, 4),
            reaction=reaction,
            after_cue=None if down.after_cue is None else round(down.after_cue, 4),
            ignored=ignored,
            long=down.long,
            at=down.at,
            switch=switch,
            item=down.item,
        )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
