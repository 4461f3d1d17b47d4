"""Clean switch presses out of raw downs and ups: no auto-repeat, debounce, acceptance.

Acceptance comes first: a contact shorter than acceptance (a tremor tap, a bounce at the
start of a press) is not a press at all, so it starts no debounce window and counts toward
nothing. Every contact is still tracked while it is down, blocked or not, because a hold
for help counts from the key going down whatever the scan was doing.

Pure bookkeeping; the companion decides what an accepted press means in each mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Press:
    """The state of one switch."""

    down_at: float | None = None
    """When the current press began, or None while the switch is up."""
    ignored: bool = False
    """The current press started inside debounce or the post-selection pause."""
    ready: bool = False
    """HoldReady was reported for the current press (held past long-press)."""
    moving: bool = False
    """Inverse mode: the current hold has passed acceptance and moves the highlight."""
    spent: bool = False
    """The current press already did something on its own (called for help): its release does nothing."""
    counted: bool = False
    """The current contact passed acceptance and was counted toward the help gesture."""
    bounce: bool = False
    """The current contact began within debounce of a release: the switch bouncing (or a
    hand settling), not a new press, so it is no hold for help and no press of the gesture."""


class PressFilter:
    """Tracks both switches and the last accepted release."""

    def __init__(self) -> None:
        self.switches: dict[int, Press] = {1: Press(), 2: Press()}
        self.last_release = -math.inf
        self.guard_until = -math.inf
        self.last_contact_up = -math.inf
        """The last release of a contact that passed acceptance, blocked or not (bounces
        follow any real contact, also one that began in a pause)."""

    def held(self, switch: int) -> Press | None:
        """The press in progress on `switch` that counts, if any."""
        press = self.switches.get(switch)
        if press is None or press.down_at is None or press.ignored:
            return None
        return press

    def blocked(self, now: float, debounce: float) -> bool:
        """A press starting now is inside debounce or the post-selection pause."""
        return now < self.last_release + debounce or now < self.guard_until

    def down(self, switch: int, now: float, debounce: float) -> Press | None:
        """A switch went down. Returns the press if it counts (not a repeat, not blocked)."""
        press = self.switches.setdefault(switch, Press())
        if press.down_at is not None:
            return None  # a held key repeating: never a second press
        press.down_at = now
        press.ready = press.moving = press.spent = press.counted = False
        press.ignored = self.blocked(now, debounce)
        press.bounce = now < max(self.last_release, self.last_contact_up) + debounce
        return None if press.ignored else press

    def block(self, until: float) -> None:
        """Ignore the presses under way (as if begun in the pause: still holds for help)
        and those that begin before `until`."""
        for press in self.switches.values():
            if press.down_at is not None:
                press.ignored = True
        self.guard_until = max(self.guard_until, until)

    def contacts(self) -> list[tuple[int, Press]]:
        """(switch, press) of every contact down now, blocked or not."""
        return [(switch, press) for switch, press in self.switches.items() if press.down_at is not None]

    def up(self, switch: int, now: float, acceptance: float) -> tuple[float, Press] | None:
        """A switch came up. Returns (held seconds, press) for a press that was not blocked."""
        press = self.switches.setdefault(switch, Press())
        if press.down_at is None:
            return None
        held = now - press.down_at
        press.down_at = None
        if held >= acceptance:
            self.last_contact_up = now
        if press.ignored:
            return None  # a bounce: its release must not restart the debounce window
        if held >= acceptance:
            # Only a real press opens the debounce window: a real press just after a
            # tremor tap must not be swallowed.
            self.last_release = now
        return held, press

    def tap(self, now: float, debounce: float) -> bool:
        """A whole press from a device without releases. True if it counts."""
        if self.blocked(now, debounce):
            return False
        self.last_release = now
        return True
