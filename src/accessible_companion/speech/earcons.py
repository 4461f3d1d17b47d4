"""Earcons: short tones made in code (no sound files), one per kind of event.

Each is a few sine partials with a soft attack and release, so it is heard at once
and never clicks. They are distinct by pitch contour, not only by pitch, so they can be
told apart by ear without training: a tick, up for select, down for back, a low fall for
idle, a low buzz for an error, and a loud two-tone for an alert.
"""

from __future__ import annotations

import array
import math
from functools import cache

from ..audio.pcm import Pcm

RATE = 22050
"""The default rate: espeak-ng's, so earcons and speech share a stream format."""
RAMP = 0.005
"""Seconds of fade in and out: long enough to avoid a click, short enough to stay crisp."""

# kind -> notes of (frequency in Hz, seconds); 0 Hz is a rest.
SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "highlight": ((1760.0, 0.03),),
    "select": ((880.0, 0.06), (1320.0, 0.08)),
    "back": ((1320.0, 0.06), (880.0, 0.08)),
    "idle": ((660.0, 0.12), (440.0, 0.18)),
    "error": ((220.0, 0.12), (0.0, 0.05), (220.0, 0.12)),
    "alert": ((988.0, 0.2), (740.0, 0.2), (988.0, 0.2), (740.0, 0.2)),
}
KINDS = tuple(SHAPES)


@cache
def earcon(kind: str, rate: int = RATE) -> Pcm:
    """The tone for `kind` at full scale (volume is applied at playback, as for speech)."""
    samples = array.array("h")
    for frequency, seconds in SHAPES[kind]:
        samples.extend(_note(frequency, seconds, rate))
    return Pcm(samples.tobytes(), rate)


def _note(frequency: float, seconds: float, rate: int) -> array.array[int]:
    count = int(seconds * rate)
    ramp = max(1, int(RAMP * rate))
    out = array.array("h", bytes(2 * count))
    if frequency <= 0:
        return out
    step = 2 * math.pi * frequency / rate
    for i in range(count):
        envelope = min(1.0, i / ramp, (count - 1 - i) / ramp)
        # A little of the octave makes a small speaker render it clearly.
        value = math.sin(step * i) * 0.8 + math.sin(2 * step * i) * 0.2
        out[i] = int(value * envelope * 0.7 * 32767)
    return out
