"""The user's own takes of each command: a second opinion on what the recognizer heard.

A general model hears weak or changing speech poorly, and in grammar mode its word
confidence does not tell a command from a television. Matching against the user's own
recordings of each phrase does both (Yee et al., Interspeech 2023, arXiv 2306.05446: with a
user's own ~50 phrases, template matching beat commercial recognizers on dysarthric speech):
what the user says is close to their own takes of that phrase, and other voices are not.

Pure numpy, no I/O: `features` turns 16 kHz int16 audio into cepstral frames (MFCC without
the level, mean-normalised, so loudness and the microphone's colour matter less); `distance`
aligns two of them (dynamic time warping, so speaking rate matters less); `Takes` holds the
takes of each phrase and judges an utterance against them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

RATE = 16000
FRAME = 400
"""25 ms frames ..."""
HOP = 320
"""... every 20 ms (half the usual 10 ms: a quarter of the alignment work, and a command's
syllables still span several frames)."""
FFT = 512
MELS = 26
CEPSTRA = 13
TRIM_DB = 30.0
"""Frames this far below the loudest frame at either end are silence, trimmed."""
AUGMENT_SNR = 15.0
"""`augment`: each take is also kept with white noise this many dB under it and with a short
room echo. Off by default: in the benchmark the copies drew other phrases' utterances to
them (clean 99% -> 79% right) and let more of a television through (1% -> 6%)."""
AUGMENT_RT60 = 0.3

MARGIN = 1.5
"""An utterance matches a phrase when it is at most this times farther from the nearest take
than the takes of that phrase are from each other (the farthest leave-one-out distance)."""
LEAST_SPREAD = 0.05
"""... and never a tighter bound than this (two takes alike by chance)."""
SNR_SLACK = 10.0
"""dB: an utterance this much noisier than the user's takes were is not judged by them (its
cepstra are the room's as much as the voice's: in the benchmark, takes taught in a quiet room
turned down every command said in pink noise at 20 dB)."""
RESCUE_MARGIN = 1.2
"""When the recognizer took nothing, the takes alone choose a phrase only when its nearest
take is this many times nearer than any other phrase's."""

Floats = npt.NDArray[np.float64]


def _mel_bank() -> Floats:
    def mel(hz: float) -> float:
        return 2595.0 * math.log10(1.0 + hz / 700.0)

    def hz(value: float) -> float:
        return 700.0 * (10 ** (value / 2595.0) - 1.0)

    points = [hz(v) for v in np.linspace(mel(60.0), mel(RATE / 2 - 200), MELS + 2)]
    bins = [math.floor((FFT + 1) * p / RATE) for p in points]
    bank = np.zeros((MELS, FFT // 2 + 1))
    for m in range(1, MELS + 1):
        left, centre, right = bins[m - 1], bins[m], bins[m + 1]
        for k in range(left, centre):
            bank[m - 1, k] = (k - left) / max(centre - left, 1)
        for k in range(centre, right):
            bank[m - 1, k] = (right - k) / max(right - centre, 1)
    return bank


_BANK = _mel_bank()
_WINDOW = np.hamming(FRAME)
_DCT = np.array([[math.cos(math.pi * q * (m + 0.5) / MELS) for m in range(MELS)] for q in range(CEPSTRA)])


def _frame_energy(pcm: bytes, rate: int = RATE) -> Floats:
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64) / 32768.0
    size = max(1, rate // 50)
    count = len(samples) // size
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * size].reshape(count, size)
    return np.asarray(10 * np.log10((frames**2).mean(axis=1) + 1e-12), dtype=np.float64)


def snr(pcm: bytes, rate: int = RATE) -> float:
    """Signal to noise, dB, of an utterance with a little room around it: its loudest half
    of 20 ms frames against its quietest tenth."""
    energy = np.sort(_frame_energy(pcm, rate))
    if len(energy) < 10:
        return 0.0
    return float(energy[len(energy) // 2 :].mean() - energy[: max(1, len(energy) // 10)].mean())


def to_rate(samples: Floats, rate: int) -> Floats:
    """`samples` taken at `rate`, brought to RATE (linear interpolation: enough for cepstra)."""
    if rate == RATE or not len(samples):
        return samples
    return np.asarray(
        np.interp(np.arange(0, len(samples), rate / RATE), np.arange(len(samples)), samples), dtype=np.float64
    )


def features(pcm: bytes, rate: int = RATE) -> Floats:
    """Cepstral frames (n x 12) of int16 mono audio, silence at the ends trimmed."""
    samples = to_rate(np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64) / 32768.0, rate)
    if len(samples) < FRAME:
        return np.zeros((0, CEPSTRA - 1))
    samples = np.append(samples[0], samples[1:] - 0.97 * samples[:-1])  # pre-emphasis
    count = 1 + (len(samples) - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    frames = samples[index] * _WINDOW
    power = np.abs(np.fft.rfft(frames, FFT)) ** 2
    energy = 10 * np.log10(power.sum(axis=1) + 1e-12)
    voiced = np.flatnonzero(energy > energy.max() - TRIM_DB)
    power = power[voiced[0] : voiced[-1] + 1]
    cepstra = np.log(power @ _BANK.T + 1e-10) @ _DCT.T
    cepstra = cepstra[:, 1:]  # without c0: the level
    return np.asarray(cepstra - cepstra.mean(axis=0), dtype=np.float64)


def distance(a: Floats, b: Floats) -> float:
    """How unalike two utterances are: the mean frame distance along the best alignment."""
    if len(a) == 0 or len(b) == 0:
        return math.inf
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)) / math.sqrt(a.shape[1])
    # total[j]: the cheapest alignment of a[:i+1] with b[:j+1]. A row at once: with steps from
    # above and the diagonal, `best`; the step from the left makes it a running minimum:
    # D[j] = C[j] + min over k <= j of (best[k] - C[k]), C the row's cumulative cost.
    total = np.cumsum(cost[0])
    for i in range(1, len(a)):
        best = cost[i] + np.minimum(total, np.concatenate(([math.inf], total[:-1])))
        running = np.cumsum(cost[i])
        total = running + np.minimum.accumulate(best - running)
    return float(total[-1] / (len(a) + len(b)))


@dataclass(frozen=True)
class Opinion:
    """What the takes say of an utterance heard as `phrase`."""

    phrase: str
    agrees: bool
    nearest: float
    """Distance to the nearest take of `phrase` (inf: it has none)."""
    bound: float
    """How near is near enough for this phrase."""
    closer: str = ""
    """Another phrase whose take is nearer, if any."""


def roughened(pcm: bytes, seed: int) -> list[bytes]:
    """Copies of a take as a noisier room would give it: white noise AUGMENT_SNR dB under
    it, and a short echo (an exponentially decaying noise impulse response)."""
    clean = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    if not len(clean):
        return []
    rng = np.random.default_rng(seed)
    level = float(np.sqrt(np.mean(clean**2)))
    noisy = clean + rng.standard_normal(len(clean)) * level / 10 ** (AUGMENT_SNR / 20)
    length = int(AUGMENT_RT60 * RATE)
    response = rng.standard_normal(length) * np.exp(-6.9 * np.arange(length) / length) * 0.25
    response[0] = 1.0
    size = len(clean) + length - 1
    wet = np.fft.irfft(np.fft.rfft(clean, size) * np.fft.rfft(response, size), size)[: len(clean)]
    wet *= level / (float(np.sqrt(np.mean(wet**2))) or 1.0)
    return [np.clip(x, -32768, 32767).round().astype("<i2").tobytes() for x in (noisy, wet)]


@dataclass
class Takes:
    """The user's takes, by phrase (normalised words)."""

    by_phrase: dict[str, list[Floats]] = field(default_factory=dict)
    """The takes as said."""
    _bounds: dict[str, float] = field(default_factory=dict)
    _all: dict[str, list[Floats]] = field(default_factory=dict)
    """The takes and their roughened copies, compared against."""
    quiet: float = math.inf
    """The median signal to noise of the takes (dB)."""

    @classmethod
    def of(cls, recordings: Mapping[str, Sequence[bytes]], augment: bool = False) -> Takes:
        """From 16 kHz int16 recordings of each phrase (`augment`: also roughened copies)."""
        takes = cls({phrase: [features(pcm) for pcm in pcms] for phrase, pcms in recordings.items()})
        takes._bounds = {phrase: takes._spread(phrase) * MARGIN for phrase in takes.by_phrase}
        ratios = sorted(snr(pcm) for pcms in recordings.values() for pcm in pcms)
        takes.quiet = ratios[len(ratios) // 2] if ratios else math.inf
        for phrase, pcms in recordings.items():
            copies = [c for n, pcm in enumerate(pcms) for c in roughened(pcm, n)] if augment else []
            takes._all[phrase] = [*takes.by_phrase[phrase], *(features(c) for c in copies)]
        return takes

    def _candidates(self, heard: Floats, allowed: Collection[str] | None = None) -> list[str]:
        """The phrases compared: every phrase with takes that may be said now (a first cut by
        each phrase's average frame lost a fifth of the right answers in the benchmark)."""
        if not len(heard):
            return []
        return [p for p in self._all if allowed is None or p in allowed]

    def has(self, phrase: str) -> bool:
        return len(self.by_phrase.get(phrase, ())) >= 2

    def _spread(self, phrase: str) -> float:
        """The farthest any take is from its nearest other take of the same phrase."""
        own = self.by_phrase[phrase]
        if len(own) < 2:
            return math.inf
        farthest = max(min(distance(t, o) for k, o in enumerate(own) if k != n) for n, t in enumerate(own))
        return max(farthest, LEAST_SPREAD)

    def opinion(
        self, pcm: bytes, phrase: str, rate: int = RATE, allowed: Collection[str] | None = None
    ) -> Opinion:
        """Is `pcm` (heard as `phrase`) near the user's own takes of it, and nearer than to
        those of any other phrase?"""
        heard = features(pcm, rate)
        bound = self._bounds.get(phrase, math.inf)
        if not self.has(phrase):
            return Opinion(phrase, True, math.inf, bound)  # nothing to go by: no opinion against
        nearest = min(distance(heard, take) for take in self._all[phrase])
        for other in self._candidates(heard, allowed):
            if other != phrase and min(distance(heard, take) for take in self._all[other]) < nearest:
                return Opinion(phrase, False, nearest, bound, closer=other)
        return Opinion(phrase, nearest <= bound, nearest, bound)

    def nearest(self, pcm: bytes, rate: int = RATE, allowed: Collection[str] | None = None) -> str:
        """The phrase the takes alone hear in `pcm`, or "" unless they are sure: its nearest
        take is within its bound and RESCUE_MARGIN times nearer than any other phrase's."""
        heard = features(pcm, rate)
        ranked = sorted(
            (min(distance(heard, take) for take in self._all[phrase]), phrase)
            for phrase in self._candidates(heard, allowed)
            if self.has(phrase)
        )
        if not ranked:
            return ""
        best, phrase = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else math.inf
        return phrase if best <= self._bounds[phrase] and runner_up >= best * RESCUE_MARGIN else ""

    def decide(self, heard: str, pcm: bytes, rate: int = RATE, allowed: Collection[str] | None = None) -> str:
        """The phrase to take, given what the recognizer took (`heard`, "" for nothing): its
        phrase only when the takes agree; nothing taken, the takes alone when they are sure.
        `allowed`: the phrases that may be said now (None: all). In a much noisier room than
        the takes were made in, the takes give no opinion: what the recognizer took stands."""
        if snr(pcm, rate) < self.quiet - SNR_SLACK:
            return heard
        if heard:
            return heard if self.opinion(pcm, heard, rate, allowed).agrees else ""
        return self.nearest(pcm, rate, allowed)
