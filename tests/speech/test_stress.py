"""1,000 utterances in a row through the real synthesizer (pyttsx3 + espeak-ng).

pyttsx3's espeak driver is known to lose and repeat utterances under load (see
speech_render.py). This drives SpeechOutput with the real `Renderer` and an output that
"plays" each Pcm instantly, and checks that every utterance came out once, whole, and
as its own audio: not empty, not silent, not the previous utterance's audio again.
"""

from __future__ import annotations

import array
import hashlib
import math
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from accessible_companion.audio.pcm import Pcm
from accessible_companion.core.effects import Speak, Voice
from accessible_companion.core.events import AdapterError, Event, SpeechFinished, SpeechStarted
from accessible_companion.core.settings import Speech
from accessible_companion.speech.render import SILENCE_PEAK, Renderer
from accessible_companion.speech.speaker import SpeechOutput

pytestmark = pytest.mark.real

COUNT = 1000
WORDS = ("water", "pillow", "blanket", "window", "music", "doctor", "kitchen", "garden", "coffee", "sister")


def text_of(n: int) -> str:
    """A distinct text per n, in words only (spoken length then follows text length).

    n's decimal digits as words make it distinct; then 1 to 6 more words, so neighbours
    differ in length.
    """
    digits = [WORDS[int(d)] for d in str(n)]
    extra = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(n % 6 + 1)]
    return "Phrase " + " ".join(digits) + ", " + " ".join(extra)


class InstantOut:
    """An AudioOut that 'plays' each Pcm at once: started(), keep the Pcm, done(True) from a thread."""

    def __init__(self) -> None:
        self.played: list[Pcm] = []
        self.threads: list[threading.Thread] = []

    def prepare(self) -> None:
        pass

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        started()
        self.played.append(pcm)
        thread = threading.Thread(target=done, args=(True,), daemon=True)
        self.threads.append(thread)
        thread.start()

    def cut(self) -> None:
        pass

    def close(self) -> None:
        pass

    def rate(self) -> int:
        return 0


class Posted:
    """What the adapter posts, in order, with a wait for a given number of finishes."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()
        self._finished = 0

    def post(self, event: Event, at: float) -> None:
        with self._cond:
            self.events.append(event)
            if isinstance(event, SpeechFinished):
                self._finished += 1
            self._cond.notify_all()

    def wait_finished(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._finished < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"only {self._finished} of {count} utterances finished")
                self._cond.wait(left)


def is_silent(pcm: Pcm) -> bool:
    samples = array.array("h")
    samples.frombytes(pcm.data)
    return max(samples) < SILENCE_PEAK and -min(samples) < SILENCE_PEAK


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return cov / (sx * sy)


@pytest.mark.parametrize(
    ("voice", "queued"),
    [("cue", False), ("main", True)],
    ids=["cues-one-after-another", "main-all-queued-at-once"],
)
def test_a_thousand_utterances_in_a_row(voice: Voice, queued: bool, tmp_path: Path) -> None:
    """Cues: each spoken once the previous finished (as highlights are). Main: all queued at once."""
    posted = Posted()
    out = InstantOut()
    speech = SpeechOutput(Speech(), output=out, renderer=lambda: Renderer(tmp_path))
    speech.start(posted.post)
    texts = [text_of(n) for n in range(1, COUNT + 1)]
    try:
        for utterance, text in enumerate(texts, start=1):
            speech.speak(Speak(utterance, voice, text))
            if not queued:
                posted.wait_finished(utterance, timeout=30)
        posted.wait_finished(COUNT, timeout=120)
    finally:
        speech.stop()
    for thread in out.threads:
        thread.join(timeout=5)

    assert [e.message for e in posted.events if isinstance(e, AdapterError)] == []
    finishes = [e for e in posted.events if isinstance(e, SpeechFinished)]
    # Exactly one SpeechFinished per Speak, in order, none cut short.
    assert [f.utterance for f in finishes] == list(range(1, COUNT + 1))
    assert [f for f in finishes if f.interrupted] == []
    starts = [e.utterance for e in posted.events if isinstance(e, SpeechStarted)]
    assert starts == list(range(1, COUNT + 1))

    # One playback per utterance, none empty or silent.
    assert len(out.played) == COUNT
    assert [n for n, pcm in enumerate(out.played, start=1) if pcm.frames == 0] == []
    assert [n for n, pcm in enumerate(out.played, start=1) if is_silent(pcm)] == []

    # None repeated or stale: every text is distinct, so every Pcm must be too.
    hashes = [hashlib.sha256(pcm.data).hexdigest() for pcm in out.played]
    repeats = [n for n in range(1, COUNT) if hashes[n] == hashes[n - 1]]
    assert repeats == [], f"utterances with the previous one's audio: {repeats[:20]}"
    assert len(set(hashes)) == COUNT

    # Each Pcm belongs to its own text: length follows text length, overall and per item
    # (measured: 47-72 ms per character, median ~52-59; the band leaves room either side).
    lengths = [float(len(t)) for t in texts]
    durations = [pcm.duration for pcm in out.played]
    assert pearson(lengths, durations) > 0.8
    per_char = [d / n for d, n in zip(durations, lengths, strict=True)]
    typical = statistics.median(per_char)
    odd = [
        (n, texts[n - 1], round(durations[n - 1], 2))
        for n in range(1, COUNT + 1)
        if not 0.75 * typical <= per_char[n - 1] <= 1.35 * typical
    ]
    assert odd == [], f"durations out of line with their text (typical {typical * 1000:.0f} ms/char)"
