"""Whether an utterance sounds like speech: pure numpy rules on its audio, no devices.

The voice-activity detector opens an utterance on a cough or a loud breath as readily as
on a word (webrtcvad's model is of the spectrum's shape, not of a voice), and the grammar
then fits a short command to it. Speech, even a slow or weak speaker's, is mostly VOICED:
the vocal folds make a periodic sound, with a pitch period of 2.5-14 ms (70-400 Hz). A
cough, a breath or a hiss is noise: its autocorrelation has no peak in that range.
"""

from __future__ import annotations

import numpy as np

from .hearing import NOT_SPEECH

RATE = 16000
WINDOW = 640
"""40 ms frames: two periods of the lowest pitch (70 Hz) fit in one."""
HOP = 320
LOUD_DB = 25.0
"""Frames within this of the utterance's loudest frame are judged (the rest is the room)."""
PERIODIC = 0.5
"""A frame is voiced when its normalised autocorrelation peaks above this at a pitch period."""
LAGS = (RATE // 400, RATE // 70)
"""Pitch periods looked at, in samples (400 Hz to 70 Hz)."""


def voiced_share(pcm: bytes, rate: int = RATE) -> float:
    """The share of an utterance's loud 40 ms frames that are periodic at a pitch between
    70 and 400 Hz (0 when it has no loud frames)."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    scale = rate / RATE
    window, hop = round(WINDOW * scale), round(HOP * scale)
    low, high = round(LAGS[0] * scale), round(LAGS[1] * scale)
    if len(samples) < window:
        return 0.0
    count = 1 + (len(samples) - window) // hop
    frames = samples[np.arange(window)[None, :] + hop * np.arange(count)[:, None]]
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = (frames**2).sum(axis=1)
    level = 10 * np.log10(energy + 1e-9)
    loud = frames[level > level.max() - LOUD_DB]
    if not len(loud):
        return 0.0
    taper = np.hanning(window)
    correlation = np.fft.irfft(np.abs(np.fft.rfft(loud * taper, 2 * window)) ** 2)[:, : high + 1]
    # Divided by the taper's own autocorrelation, which would lower the peaks of low voices
    # (Boersma 1993).
    own = np.fft.irfft(np.abs(np.fft.rfft(taper, 2 * window)) ** 2)[: high + 1]
    normalised = correlation / own / np.maximum(correlation[:, :1] / own[0], 1e-9)
    peaks = normalised[:, low : high + 1].max(axis=1)
    return float(np.mean(peaks > PERIODIC))


MIN_VOICED = 0.12
"""Least share of voiced frames in a command. Measured (bench/voice_speechlike.py, tuning
data): synthetic coughs and breaths at most 0.06, whispered commands at most 0.08; commands
the pipeline took at least 0.18 (in pink noise at 10 dB SNR; clean 0.50, soft 0.36, reverb
0.46). Of the other measures tried, micro-vad's mean speech probability (coughs up to 0.34,
commands down to 0.15), spectral flatness and onset abruptness overlapped."""


def not_speech(pcm: bytes, rate: int = RATE, least: float = MIN_VOICED) -> str:
    """Why the utterance `pcm` is not speech ("" when it is): almost none of it is voiced."""
    share = voiced_share(pcm, rate)
    return f"{NOT_SPEECH} ({share:.0%} voiced)" if share < least else ""
