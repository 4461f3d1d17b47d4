"""When the highlight may move: dwell that starts only after speech has ended.

In auditory scanning an item's dwell starts when its cue (and any phrase still being
spoken) has finished. The speech adapter reports each end; if a report never comes (a
dead engine), a generous estimate still moves the scan on, so the user is never stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Padding for engine start-up and the pause after the last word.
SPEECH_PAD = 0.3
# The fallback waits this many times the estimate, so it only fires when speech is lost.
FALLBACK_FACTOR = 2.0
FALLBACK_PAD = 1.0


def estimate_seconds(text: str, words_per_minute: int) -> float:
    """A rough duration of `text` spoken at `words_per_minute`."""
    return SPEECH_PAD + len(text.split()) * 60.0 / max(words_per_minute, 1)


@dataclass
class Dwell:
    """One pending highlight move: a dwell that starts once some utterances have ended."""

    length: float = 0.0
    """Seconds to dwell once the speech has ended."""
    waiting_for: set[int] = field(default_factory=set)
    """Utterance ids that must end first."""
    due: float | None = None
    """When the highlight moves, once known."""
    fallback: float | None = None
    """When it moves anyway if the speech adapter never reports an end."""
    _frozen_waiting: bool = False
    """Frozen while still waiting for speech."""

    def start(self, now: float, length: float, waiting_for: set[int], spoken_estimate: float) -> None:
        """Schedule a move `length` seconds after `waiting_for` have all ended."""
        self.length = length
        self.waiting_for = set(waiting_for)
        if self.waiting_for:
            self.due = None
            self.fallback = now + spoken_estimate * FALLBACK_FACTOR + FALLBACK_PAD + length
        else:
            self.due = now + length
            self.fallback = None

    def speech_ended(self, utterance: int, now: float) -> None:
        """An utterance ended; the dwell starts when the last awaited one has."""
        if utterance not in self.waiting_for:
            return
        self.waiting_for.discard(utterance)
        if not self.waiting_for and self.fallback is not None:
            self.due = now + self.length
            self.fallback = None

    def running(self) -> tuple[float, float] | None:
        """(from, until) while the dwell's time runs: known, not waiting for speech, not frozen.
        After a freeze `from` is moved on by the time it was frozen, so the share done is right."""
        return None if self.due is None else (self.due - self.length, self.due)

    def deadline(self) -> float | None:
        """The next moment this dwell needs attention."""
        return self.due if self.due is not None else self.fallback

    def clear(self) -> None:
        """Cancel the pending move."""
        self.due = self.fallback = None
        self.waiting_for = set()

    def freeze(self, now: float) -> float | None:
        """Stop the clock (a press is being held); returns what is left to restore later."""
        deadline = self.deadline()
        left = None if deadline is None else max(deadline - now, 0.0)
        self._frozen_waiting = self.due is None and bool(self.waiting_for)
        self.due = self.fallback = None
        return left

    def thaw(self, now: float, left: float | None) -> None:
        """Restart the clock with what `freeze` returned."""
        if left is None:
            return
        if self.waiting_for:
            self.fallback = now + left
        elif self._frozen_waiting:
            # The speech ended while frozen (a bump still down when the cue ended): the dwell
            # starts now, not when the lost-speech fallback would have moved the scan on.
            self.due = now + self.length
        else:
            self.due = now + left
        self._frozen_waiting = False
