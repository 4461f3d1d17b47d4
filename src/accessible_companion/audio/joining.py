"""Handing the microphone over from one stream to another of the same device, seamlessly.

The microphone is read in 20 ms blocks while something may be said, and in longer blocks
while the room is quiet (`microphone.IDLE_BLOCK_SECONDS`): each block wakes three threads,
and at 20 ms that cost the running companion 3.4% of a core. PortAudio cannot change a stream's
block size, so a second stream is opened and joined on: the old stream's blocks are passed
on until the new stream's first samples are found among them, and the new stream's blocks
take over exactly where the old one stopped, with no gap and nothing said twice. The
samples are found by their shape (normalised cross-correlation), which also holds when
each stream is resampled on its own and no sample is equal; in silence, where shape says
nothing (or when it is not found), by the blocks' capture times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

PROBE_SECONDS = 0.02
"""How much of the new stream's start is looked for in the old stream."""
MIN_MATCH = 0.6
"""Least normalised correlation that places the probe (the best wrong place in 2 s of
room noise scores ~0.3 for a 20 ms probe; the right place ~1.0, or ~0.9 resampled)."""
TOLERANCE_SECONDS = 0.06
"""How far from where the capture times put it the new stream's start is looked for; the
search waits until the old stream has covered all of that. Voiced speech repeats itself
every pitch period (2.5-12.5 ms): a place some periods early scores nearly as well, and
wins if the true one has not come yet or is far from the times."""
MIN_LEVEL = 8.0
"""A probe below this RMS (int16, -72 dBFS) has no shape: placed by time instead."""
COVER_SECONDS = 0.25
"""Old-stream audio past the new stream's start that must have come before placing it by
time (the old stream's blocks are captured up to a block late)."""
KEEP_SECONDS = 3.0
"""The old stream's audio kept to look in (the join gives up before that: `Join.stale`)."""


@dataclass(frozen=True)
class Handover:
    """The join is made: the new stream goes on from here."""

    data: bytes
    """The new stream's audio after the last sample the old one passed on (may be empty)."""
    captured: float
    """When the last sample of `data` was captured (that of the new stream's latest block)."""
    by_shape: bool
    """True if placed by the samples' shape, False by capture times (silence)."""
    off: float
    """Seconds the place found by shape lies after the place the capture times gave (0 by
    times): how far the two streams' times disagree."""


class Join:
    """The state of one handover, int16 mono at `rate`; pure (no threads, no clock).

    Feed it both streams' blocks in the order they come: `old()` says whether to pass an
    old block on; `new()` returns the Handover once the new stream can take over."""

    def __init__(self, rate: int, last: bytes = b"", last_captured: float | None = None) -> None:
        """`last`: the old stream's block passed on just before (the new stream may start
        in it), captured at `last_captured`."""
        self._rate = rate
        self._probe = max(1, round(rate * PROBE_SECONDS))
        self._history = bytearray(last)
        """The old stream's audio passed on since `last` began."""
        self._dropped = 0
        """Samples of it dropped from the front (history index 0 is this sample)."""
        self._old_captured = last_captured
        """When the last sample passed on was captured."""
        self._new = bytearray()
        self._new_start: float | None = None
        """When the new stream's first sample was captured (its first block's time less its length)."""
        self._new_captured = 0.0
        self._at: int | None = None
        """Where the new stream's first sample lies in the old stream (its sample count), once found."""
        self._by_shape = False
        self._off = 0.0

    @property
    def begun(self) -> bool:
        """Whether the new stream has given a block."""
        return self._new_start is not None

    @property
    def placed(self) -> bool:
        """Whether the new stream's start has been found in the old one."""
        return self._at is not None

    def old(self, data: bytes, captured: float) -> bool:
        """A block of the old stream: True to pass it on. Once the new stream is placed, the
        old one's blocks repeat what the new one will give, and are not passed on."""
        self._old_captured = captured
        if self._at is not None:
            return False
        self._history += data
        excess = len(self._history) // 2 - round(KEEP_SECONDS * self._rate)
        if excess > 0:
            del self._history[: excess * 2]
            self._dropped += excess
        self._place()
        return True

    def new(self, data: bytes, captured: float) -> Handover | None:
        """A block of the new stream; the handover, once it can be made."""
        if self._new_start is None:
            self._new_start = captured - len(data) / 2 / self._rate
        self._new += data
        self._new_captured = captured
        self._place()
        return self.handover()

    def handover(self) -> Handover | None:
        """The handover, if the new stream is placed and has reached the old one's end."""
        if self._at is None:
            return None
        passed = self._dropped + len(self._history) // 2  # old samples passed on
        skip = passed - self._at  # of the new stream's samples, those already passed on
        if len(self._new) // 2 < skip:
            return None  # the new stream (in longer blocks) has not caught up yet
        return Handover(bytes(self._new[max(0, skip) * 2 :]), self._new_captured, self._by_shape, self._off)

    def stale(self, seconds: float) -> bool:
        """Whether the join will not be made: the old stream has gone on `seconds` past the
        new stream's start without a place found for it, or past its latest block."""
        if self._new_start is None or self._old_captured is None:
            return False
        since = self._new_start if self._at is None else self._new_captured
        return self._old_captured - since > seconds

    def _place(self) -> None:
        import numpy as np  # here: the companion's process loads numpy only for voice

        if self._at is not None or len(self._new) // 2 < self._probe or self._old_captured is None:
            return
        assert self._new_start is not None
        covered = self._old_captured - self._new_start  # old audio past the new one's start
        if covered < TOLERANCE_SECONDS + PROBE_SECONDS:
            return  # the true place may not have come yet
        passed = self._dropped + len(self._history) // 2
        timed = passed - round(covered * self._rate)  # where the times put the new start
        probe = np.frombuffer(self._new, dtype="<i2", count=self._probe).astype(np.float64)
        if float(np.sqrt(np.mean(probe * probe))) >= MIN_LEVEL:
            tolerance = round(TOLERANCE_SECONDS * self._rate)
            first = max(self._dropped, timed - tolerance)
            last = min(passed, timed + tolerance + self._probe)
            window = self._history[(first - self._dropped) * 2 : (last - self._dropped) * 2]
            found = best_place(np.frombuffer(window, dtype="<i2").astype(np.float64), probe)
            if found is not None:
                self._at, self._by_shape = first + found, True
                self._off = (first + found - timed) / self._rate
                return
        if covered >= COVER_SECONDS:
            # Silence, where any place is as good as another, or a shape not found (the
            # streams differ): the times keep the stream's length, to a block or so.
            self._at = max(self._dropped, timed)


def best_place(history: np.ndarray, probe: np.ndarray) -> int | None:
    """Where `probe` starts in `history` by normalised cross-correlation, or None if no
    place reaches MIN_MATCH."""
    import numpy as np

    n = probe.size
    if history.size < n:
        return None
    probe = probe - probe.mean()
    norm = float(np.sqrt(np.dot(probe, probe)))
    if norm == 0.0:
        return None
    dots = np.correlate(history, probe, mode="valid")
    # Each window's energy about its own mean, from running sums.
    sums = np.concatenate(([0.0], np.cumsum(history)))
    squares = np.concatenate(([0.0], np.cumsum(history * history)))
    window_sum = sums[n:] - sums[:-n]
    energy = squares[n:] - squares[:-n] - window_sum * window_sum / n
    scores = dots / (norm * np.sqrt(np.maximum(energy, 1e-9)))
    best = int(np.argmax(scores))
    return best if scores[best] >= MIN_MATCH else None
