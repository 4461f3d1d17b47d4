"""Microphone audio brought to the rate the listener wants, block by block, as it comes."""

from __future__ import annotations

from typing import Any

QUALITY = "LQ"
"""libsoxr's low quality (16-bit, a steep enough low-pass for speech): 20 ms blocks come out
one block late and steady. Its higher qualities hand audio out in bursts, two blocks at a
time, which would hold each word's end back another block; "QQ" has no low-pass at all."""


class Resampler:
    """int16 mono PCM from `source` to `target` samples per second (libsoxr's stream, which
    keeps the filter's state from block to block). Needs numpy and soxr: ImportError if not."""

    def __init__(self, source: int, target: int) -> None:
        import numpy as np
        import soxr

        self._np: Any = np
        self._stream: Any = soxr.ResampleStream(source, target, 1, dtype="int16", quality=QUALITY)

    def __call__(self, pcm: bytes) -> bytes:
        """The next block, resampled: what is ready of it (empty while the filter fills)."""
        samples = self._np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        return bytes(self._stream.resample_chunk(samples).astype("<i2", copy=False).tobytes())
