"""Voice-activity detection: 10 ms frames of 16 kHz int16 mono in, speech or not out.

A detector that knows what speech sounds like, not just how loud it is: noise, hum and
clicks as loud as speech must not open an utterance. Two detectors were measured on the
voice corpus (bench/voice_vad.py, bench/voice_cpu.py). `webrtcvad` (WebRTC's GMM, at
its strictest) is used: it judges each frame at once, at 0.04% of a core. `pymicro-vad`
(Home Assistant's small network) calls less noise speech, but needs 0.76 s of audio
before it answers, calls speech ~0.5 s late at both ends (end of speech -> command could
not be fast) and costs 1.3% of a core run without pause; it stays selectable here for
the benchmark (installed apart: it is not a dependency).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RATE = 16000
FRAME_SAMPLES = 160
"""10 ms at 16 kHz: the frame both detectors take."""
FRAME_BYTES = FRAME_SAMPLES * 2
DETECTOR = "webrtc3"
"""The detector the listener uses (bench/voice_vad.py, bench/voice_cpu.py: why)."""
THRESHOLD = 0.5
"""pymicro-vad's probability from which a frame is speech."""


class VadUnavailableError(Exception):
    """The detector's package is not installed."""


@dataclass(frozen=True)
class Detector:
    """A detector with state (one per stream): a 10 ms frame -> speech or not."""

    decide: Callable[[bytes], bool]
    warmup: int = 0
    """Frames of the audio before it that it must hear before it can judge a frame (it
    may be skipped in quiet, then given these first)."""
    lag: int = 0
    """Frames by which it calls the start of speech late (more audio is kept before it)."""

    def __call__(self, frame: bytes) -> bool:
        return self.decide(frame)


def detector(kind: str = "micro", threshold: float = THRESHOLD) -> Detector:
    """A new detector. `kind`: "micro" (pymicro-vad) or "webrtcN" (webrtcvad at
    aggressiveness N, 0-3)."""
    try:
        if kind == "micro":
            from pymicro_vad import MicroVad

            vad: Any = MicroVad()
            # It answers -1 for its first 0.76 s (its features span that much audio), and calls
            # speech ~0.5 s late at both ends (measured on the corpus' command clips).
            return Detector(lambda frame: bool(vad.process_10ms(frame) >= threshold), warmup=80, lag=50)
        if kind.startswith("webrtc"):
            import webrtcvad

            gmm: Any = webrtcvad.Vad(int(kind[6:] or 2))
            # It adapts to the room's noise from what it hears: judging from the first loud
            # frame on, it missed soft speech (quick corpus, soft: 14 of 78 right; with 0.3 s
            # of the room before it, 25; 0.6 s, 25; clean 57 of 78 either way).
            return Detector(lambda frame: bool(gmm.is_speech(frame, RATE)), warmup=30)
    except ImportError as error:
        raise VadUnavailableError(f"voice-activity detector {kind!r} not installed: {error}") from None
    raise ValueError(f"unknown voice-activity detector {kind!r}")
