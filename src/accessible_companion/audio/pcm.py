"""Audio as plain values: mono 16-bit samples and their rate, and volume scaling."""

from __future__ import annotations

import array
from dataclasses import dataclass


@dataclass(frozen=True)
class Pcm:
    """Mono signed 16-bit samples in native byte order."""

    data: bytes
    rate: int
    """Samples per second."""

    @property
    def frames(self) -> int:
        """Number of samples."""
        return len(self.data) // 2

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.rate


def scale(pcm: Pcm, volume: float) -> Pcm:
    """`pcm` with its amplitude multiplied by `volume` (clamped to 0..1).

    Volume is applied here and not through the engine: espeak's volume setting is
    unreliable when rendering to a file (after 0.25, setting 1.0 still rendered at about
    a quarter of full amplitude; measured with pyttsx3 2.99 and espeak-ng 1.51).
    Fixed-point integer arithmetic keeps this at ~1.5 ms per second of speech.
    """
    volume = min(max(volume, 0.0), 1.0)
    if volume >= 1.0:
        return pcm
    gain = round(volume * 65536)
    samples = array.array("h")
    samples.frombytes(pcm.data)
    # (s * gain) >> 16 stays within int16 for gain <= 65536, and rounds toward -inf.
    return Pcm(array.array("h", [(s * gain) >> 16 for s in samples]).tobytes(), pcm.rate)
