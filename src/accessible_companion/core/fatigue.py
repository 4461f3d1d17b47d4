"""Signs of fatigue in a session, read from what the user does: pure, no clock.

Two signs, each against a caregiver-set bound:
- misses, among the last `window` selections: a submenu entered and left by Back within a
  few seconds with nothing selected in it (the wrong item was taken), or a full pass of a
  menu before the press that finally chose (the right moment went by; passes before the
  scan stopped by itself do not count: nobody may have been there). A Back after a phrase
  was said or an action was done is navigation, not a miss: the user got what they chose
  and is on their way. Misses count only once the window is full (at least `window`
  selections since the start or the last offer), so a sign always rests on that many
  presses with at least `max_misses` of them wrong, never on a few events alone;
- slow presses: the press comes later after the highlight it was meant for than it did
  early in the session (median of the recent presses over the median of the first ones, in
  seconds: a press slower than the dwell is counted from its own item, `press_times.py`).
Past a bound the companion offers a rest (and a slower scan, where there is a scan); it
never changes anything silently (pacing, `pace.py`, may, where the caregiver allows it).
After an offer it waits `cooldown_minutes` before offering again.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

from .settings import FatigueWatch

MISS = "miss"
HIT = "hit"


@dataclass(frozen=True)
class Sign:
    """A bound crossed: `kind` is `misses` or `slow_presses`."""

    kind: str
    value: float
    threshold: float


class FatigueTracker:
    """Feed it selections, undos, missed passes and reaction times; ask `due(now)`."""

    def __init__(self, settings: FatigueWatch) -> None:
        self.settings = settings
        self._outcomes: deque[str] = deque(maxlen=max(settings.window, 1))
        self._entered: float | None = None
        """When a submenu was entered, while nothing has been selected in it yet."""
        self._reactions: list[float] = []
        self._quiet_until = -float("inf")

    def selected(self, now: float, reaction: float | None = None, submenu: bool = False) -> None:
        """An item (not Back) was selected (`submenu`: it opened one); `reaction` = seconds
        from the highlight it was meant for to the press (press_times.py), when a press chose it."""
        self._outcomes.append(HIT)
        self._entered = now if submenu else None
        if reaction is not None and reaction >= 0:
            self._reactions.append(reaction)

    def backed(self, now: float) -> bool:
        """Back was selected: a miss if it leaves a submenu entered just before with nothing
        chosen in it (the submenu was the wrong item; True); otherwise navigation, a right press."""
        entered, self._entered = self._entered, None
        if entered is not None and now - entered <= self.settings.undo_seconds and self._outcomes:
            self._outcomes[-1] = MISS
            return True
        self._outcomes.append(HIT)
        return False

    def missed_pass(self) -> None:
        """A whole pass of a menu went by before the user chose."""
        self._outcomes.append(MISS)

    def due(self, now: float) -> Sign | None:
        """The sign to act on now, if a bound is crossed and no offer was made lately."""
        if not self.settings.enabled or now < self._quiet_until:
            return None
        sign = self._misses() or self._slowdown()
        if sign is not None:
            self._quiet_until = now + self.settings.cooldown_minutes * 60
            self._outcomes.clear()
            # The slower pace is the user's new normal until it changes again.
            self._reactions = self._reactions[-self.settings.window :]
        return sign

    def _misses(self) -> Sign | None:
        if len(self._outcomes) < self.settings.window:
            return None  # too few presses yet to tell tiredness from a slip
        misses = sum(1 for outcome in self._outcomes if outcome == MISS)
        bound = self.settings.max_misses
        return Sign("misses", misses, bound) if misses >= bound else None

    def _slowdown(self) -> Sign | None:
        window = self.settings.window
        if len(self._reactions) < 2 * window:
            return None
        early = statistics.median(self._reactions[:window])
        recent = statistics.median(self._reactions[-window:])
        if early <= 0:
            return None
        ratio = recent / early
        bound = self.settings.slowdown
        return Sign("slow_presses", round(ratio, 2), bound) if ratio >= bound else None
