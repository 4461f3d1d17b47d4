"""Recordings for the message-banking tests and benchmark: tones written as WAV, FLAC or Ogg,
and the dominant frequency of what came back.

A pure tone stands in for a banked phrase because what reached the speaker can then be
told from the synthetic voice (and from the earcons, 880-1760 Hz) by one number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

SUBTYPES = {"WAV": "PCM_16", "FLAC": "PCM_16", "OGG": "VORBIS"}
BLOCK = 4096
"""Frames written per call: libvorbis overflows its stack on one big write (python-soundfile #396)."""


def tone(frequency: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    """A sine at `frequency` Hz, faded in and out over 10 ms (float32, -1..1)."""
    t = np.arange(int(seconds * rate)) / rate
    wave = (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    fade = min(len(wave) // 2, int(0.01 * rate))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        wave[:fade] *= ramp
        wave[-fade:] *= ramp[::-1]
    return wave


def write_tone(
    path: Path,
    frequency: float = 440.0,
    seconds: float = 1.0,
    rate: int = 48000,
    channels: int = 1,
    amplitude: float = 0.5,
    fmt: str | None = None,
) -> Path:
    """Write a tone to `path` (format from its suffix unless `fmt`); stereo has it in both channels."""
    mono = tone(frequency, seconds, rate, amplitude)
    data = np.stack([mono] * channels, axis=1) if channels > 1 else mono
    fmt = (fmt or path.suffix.lstrip(".")).upper()
    with soundfile.SoundFile(path, "w", rate, channels, SUBTYPES[fmt], format=fmt) as file:
        for start in range(0, len(data), BLOCK):
            file.write(data[start : start + BLOCK])
    return path


def dominant_frequency(samples: np.ndarray | list[int], rate: int) -> float:
    """The frequency (Hz) of the strongest bin of a Hann-windowed spectrum of `samples`."""
    signal = np.asarray(samples, dtype=np.float64)
    if len(signal) < 16:
        return 0.0
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    spectrum[0] = 0.0
    return float(np.argmax(spectrum) * rate / len(signal))


def tone_share(samples: np.ndarray | list[int], rate: int, frequency: float, width: float = 15.0) -> float:
    """The share (0-1) of the spectrum's energy within `width` Hz of `frequency`: near 1 for a
    pure tone, small for speech, even when one of its harmonics is the strongest bin there."""
    signal = np.asarray(samples, dtype=np.float64)
    if len(signal) < 16:
        return 0.0
    power = np.abs(np.fft.rfft(signal * np.hanning(len(signal)))) ** 2
    power[0] = 0.0
    bins = np.fft.rfftfreq(len(signal), 1 / rate)
    total = float(power.sum())
    return float(power[np.abs(bins - frequency) <= width].sum()) / total if total else 0.0
