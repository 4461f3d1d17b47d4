"""How fast the user presses: every press measured against the highlight it was meant for.

Pure bookkeeping, told the time as `now`. For every accepted press it makes a `PressTimed`:
- reaction: from the onset of the highlight the press was meant for to the switch going down
  (inverse mode: to the release that chose, which is the user's answer there);
- wait: from when that item's dwell began (the end of its spoken cue in auditory scanning,
  where the interval starts) to the same moment; 0 when it came while the cue was sounding;
- hold: how long the switch was down;
- late: it came so soon after a new highlight that nobody reacts that fast, so it was meant
  for the item before (it selected the wrong item): reaction and wait are then counted from
  that item, not from the one it landed on. A selection left by Back at once (the wrong
  submenu) that came within a typical reaction of its highlight is taken as late too.
A press slower than the dwell is thus measured as slow, not as a quick press on the next item,
and the figures are seconds, not shares of the interval, so a slower scan does not make the
same user look faster.

Running figures over the last presses feed pacing (`pace.py`) and the signs of fatigue.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

from .records import PressTimed

WINDOW = 20
"""Presses a figure rests on: the recent ones (a few presses say more about the moment)."""
TOO_QUICK = 0.15
"""No one reacts to a new highlight faster than this (seconds): a press sooner was for the
item before, whatever else is known."""
TYPICAL = 0.6
"""Seconds: the reaction assumed until the user's own median is known (WINDOW // 2 presses)."""


@dataclass
class Onset:
    """One highlight: when it appeared and when its dwell began (None: not yet, its cue is
    still being said, or it waits for a press)."""

    at: float
    dwell_from: float | None = None
    moved: bool = False
    """It came because the highlight moved on by itself in the same menu (so a late press for
    the item before can land on it)."""


@dataclass(frozen=True)
class Figures:
    """Recent seconds summed up."""

    count: int
    mean: float
    sd: float
    median: float
    p95: float


def figures(values: list[float]) -> Figures | None:
    if len(values) < 2:
        return None
    ordered = sorted(values)
    return Figures(
        count=len(values),
        mean=statistics.fmean(values),
        sd=statistics.stdev(values),
        median=statistics.median(values),
        p95=ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    )


@dataclass
class _Selection:
    moment: float
    onset: Onset | None
    before: Onset | None
    """The highlight before its own, when the scan had moved on to it by itself."""
    wait: float | None
    reaction: float | None = None
    lead: float = 0.0
    """Seconds from the onset of the item it was meant for to the start of its dwell."""


@dataclass
class _Down:
    at: float
    onset: Onset | None
    """The highlight it was meant for."""
    late: bool


class PressTimes:
    """The highlights shown and the presses made, one session."""

    def __init__(self) -> None:
        self._current: Onset | None = None
        self._previous: Onset | None = None
        self._downs: dict[int, _Down] = {}
        self._selections: deque[_Selection] = deque(maxlen=WINDOW)
        self.reactions: deque[float] = deque(maxlen=WINDOW)
        """Of every press with a highlight, from its onset."""
        self.rested = False
        """Since the last rest no timing changed: a faster one may be offered."""
        self.step_holds: deque[float] = deque(maxlen=2 * WINDOW)
        """Of presses that moved the highlight on (press-hold: they must stay under long_press)."""

    def timed_selections(self) -> list[tuple[float, float]]:
        """(reaction, lead) of the recent selecting presses on a highlight whose dwell had
        begun (auto, inverse): the reaction from the onset of the item meant, and how long
        after that onset its dwell began (its cue, in auditory scanning)."""
        return [
            (selection.reaction, selection.lead)
            for selection in self._selections
            if selection.wait is not None and selection.reaction is not None and selection.reaction > 0
        ]

    # Highlights.

    def highlighted(self, now: float, moved: bool) -> None:
        """A new highlight (`moved`: the scan moved on by itself within the same menu)."""
        self._previous = self._current if moved else None
        self._current = Onset(now, moved=moved)

    def dwell_began(self, now: float) -> None:
        """The current highlight's dwell started (its cue has ended)."""
        if self._current is not None and self._current.dwell_from is None:
            self._current.dwell_from = now

    def cleared(self) -> None:
        """Nothing is highlighted any more (a rest, an alert, a pause)."""
        self._current = self._previous = None

    # Presses.

    def typical(self) -> float:
        """The user's median reaction (seconds from a highlight to the press meant for it)."""
        return statistics.median(self.reactions) if len(self.reactions) >= WINDOW // 2 else TYPICAL

    def _meant(self, now: float) -> tuple[Onset | None, bool]:
        """The highlight a press at `now` was meant for, and whether that is the one before.

        A press soon after the scan moved on by itself may be a quick one for the new item or
        a slow one for the item before. It is taken for the one whose reaction time it would be
        nearer to the user's typical reaction, on a log scale (as reaction times spread):
        late when (now - new onset) x (now - old onset) < typical². A slower scan makes the
        old reading longer and so less likely, so a deliberate quick press is not taken for
        a late one just because the scan slowed (a rule that did: every slower scan made the
        next suggestion slower still)."""
        current, previous = self._current, self._previous
        if current is None:
            return None, False
        if not current.moved or previous is None:
            return current, False
        new, old = now - current.at, now - previous.at
        if new < TOO_QUICK or new * old < self.typical() ** 2:
            return previous, True
        return current, False

    def down(self, switch: int, now: float) -> None:
        """A switch went down (a press that counts, or may once it passes acceptance)."""
        onset, late = self._meant(now)
        self._downs[switch] = _Down(now, onset, late)

    def pressed(
        self, switch: int, now: float, held: float | None, kind: str, mode: str, at_release: bool
    ) -> PressTimed:
        """An accepted press ended at `now`: its record. `at_release`: the release is the
        answer (inverse mode), so reaction and wait run to `now`, not to the press."""
        down = self._downs.pop(switch, None)
        if at_release or down is None:
            onset, late = self._meant(now)
            moment = now
        else:
            onset, late, moment = down.onset, down.late, down.at
        if kind == "wake":
            onset, late = None, False
        reaction = wait = None
        if onset is not None:
            reaction = round(moment - onset.at, 3)
            start = onset.dwell_from
            wait = round(max(moment - start, 0.0), 3) if start is not None else 0.0
            self.reactions.append(reaction)
        if kind == "select":
            counted = wait if onset is not None and onset.dwell_from is not None else None
            before = self._previous if not late and onset is self._current else None
            lead = onset.dwell_from - onset.at if onset is not None and onset.dwell_from is not None else 0.0
            self._selections.append(_Selection(moment, onset, before, counted, reaction, lead))
        elif kind == "step" and held is not None:
            self.step_holds.append(held)
        rounded = None if held is None else round(held, 3)
        return PressTimed(mode, kind, reaction, wait, rounded, late)

    def undone(self, by_press: bool) -> None:
        """A submenu was left at once by Back (`by_press`: that Back was a press, the latest
        selection here): if the selection that opened it came within a typical reaction of
        its highlight, it was meant for the item before, and is measured from there."""
        chosen = list(self._selections)[-2 if by_press else -1 :]
        if not chosen or (by_press and len(chosen) < 2):
            return
        selection = chosen[0]
        onset, before = selection.onset, selection.before
        if onset is None or before is None or before.dwell_from is None or selection.wait is None:
            return
        if selection.moment - onset.at < self.typical():
            selection.wait = round(selection.moment - before.dwell_from, 3)
            selection.reaction = round(selection.moment - before.at, 3)
            selection.lead = before.dwell_from - before.at

    def fresh(self, rested: bool = False) -> None:
        """Start the figures anew (after a rest, or a timing changed): what follows is the
        user as they are now, at the timings in use now. `rested`: after a rest, when a
        faster timing may be offered again (never in the middle of a tiring stretch, where a
        brief run of quick presses says little)."""
        self._selections.clear()
        self.step_holds.clear()
        self.rested = rested
