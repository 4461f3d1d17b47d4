"""When a command's takes should be recorded again: the one rule (pure; the Voice page uses it).

ALS speech changes over months, and takes taught from an older voice then fit it less: the
command is accepted less often. The rule compares this week's acceptance of a command with the
week before, so a bad day or a noisy visit alone does not ask the caregiver for a recording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WEEK = 7
MIN_TRIES = 8
"""Tries in a week below which its acceptance says too little to compare."""
DROP = 0.15
"""This week's acceptance this much below the week before's asks for new takes."""
OLD_DAYS = 90
"""Takes older than this (about three months) are re-recorded on any clear fall (SLIGHT_DROP)."""
SLIGHT_DROP = 0.05
FLOOR = 0.5
"""Below this in a week the command fails more often than it works, whatever came before."""


@dataclass(frozen=True)
class Tally:
    """How one command fared on one day: heard and taken, or heard as it but not taken."""

    day: date
    accepted: int
    rejected: int


@dataclass(frozen=True)
class Week:
    accepted: int = 0
    rejected: int = 0

    @property
    def tries(self) -> int:
        return self.accepted + self.rejected

    @property
    def acceptance(self) -> float | None:
        """Taken / heard, or None with too few tries to say."""
        return self.accepted / self.tries if self.tries >= MIN_TRIES else None


def tallies_by_phrase(heard: Iterable[tuple[date, str, bool]]) -> dict[str, list[Tally]]:
    """Per phrase, a Tally per day, from (day, phrase, taken) of each voice outcome (the
    journal's VoiceHeard); one with no phrase (other speech) is a try at no command."""
    counts: dict[tuple[str, date], list[int]] = {}
    for day, phrase, taken in heard:
        if phrase:
            counts.setdefault((phrase, day), [0, 0])[0 if taken else 1] += 1
    found: dict[str, list[Tally]] = {}
    for (phrase, day), (accepted, rejected) in sorted(counts.items()):
        found.setdefault(phrase, []).append(Tally(day, accepted, rejected))
    return found


def weeks(tallies: Iterable[Tally], today: date) -> tuple[Week, Week]:
    """(this week: today and the 6 days before, the week before that)."""
    this, before = [0, 0], [0, 0]
    for tally in tallies:
        age = (today - tally.day).days
        into = this if 0 <= age < WEEK else before if WEEK <= age < 2 * WEEK else None
        if into is not None:
            into[0] += tally.accepted
            into[1] += tally.rejected
    return Week(*this), Week(*before)


def record_again(tallies: Iterable[Tally], today: date, taught: date | None) -> str:
    """Why this command's takes should be recorded again, in words; "" when they need not be.
    `taught`: the day its takes were recorded (None: it has none)."""
    this, before = weeks(tallies, today)
    now, earlier = this.acceptance, before.acceptance
    if now is None:
        return ""
    if now < FLOOR:
        return f"This week it was taken {now:.0%} of the times it was heard ({this.tries})."
    if earlier is None:
        return ""
    fell = earlier - now
    if fell >= DROP:
        return f"It was taken {now:.0%} of the times this week, {earlier:.0%} the week before."
    old = taught is not None and today - taught > timedelta(days=OLD_DAYS)
    if old and fell >= SLIGHT_DROP:
        months = (today - taught).days // 30 if taught else 0
        return (
            f"Its takes are {months} months old and it is taken less often: "
            f"{now:.0%} this week, {earlier:.0%} the week before."
        )
    return ""
