"""Message banking helpers for the caregiver page: trim a fresh recording, save it in the config.

A phrase recorded from a microphone starts and ends with room noise and the click of the
button that started it. `trim_silence` keeps the phrase with a little air around it, so
that, played from a menu, it starts at once and the scan moves on when the words end.
`save_recording` writes it into the config folder in one step (a temp file beside it,
synced, renamed) and returns what to write as the item's `sound:`.

A recording from elsewhere (a browser upload, an older bank) is decoded with
`audio.decoder.Decoder` first: it decodes in a process of its own.
"""

from __future__ import annotations

import array
import contextlib
import math
import os
import stat
import sys
import tempfile
import unicodedata
import wave
from operator import mul
from pathlib import Path
from typing import IO

from ..audio.pcm import Pcm
from ..config.atomic_write import NEW_FILE_MODE
from ..durable import sync_folder

WINDOW = 0.02
"""Seconds per loudness window: long enough to hold a few periods of a low voice."""
FADE = 0.005
"""Seconds of fade at a cut, so it never clicks."""
FORMATS = ("wav", "flac")
NAME_MAX = 60
"""Characters of a file name made from a phrase."""


def trim_silence(pcm: Pcm, threshold_dbfs: float = -40.0, pad_s: float = 0.15) -> Pcm:
    """`pcm` without the quiet before its first and after its last loud window, keeping `pad_s`
    seconds of it on each side (faded at the cuts). A window is loud when its RMS reaches
    `threshold_dbfs` (0 dBFS: a full-scale square wave; a quiet room is below -50, speech
    a metre from a laptop microphone -30 to -15). Nothing loud at all: an empty Pcm."""
    samples = array.array("h")
    samples.frombytes(pcm.data)
    size = max(1, int(pcm.rate * WINDOW))
    floor = 32768.0 * 10 ** (threshold_dbfs / 20)
    need = floor * floor * size  # compare sums of squares: no square root per window
    loud = [
        start
        for start in range(0, len(samples), size)
        if sum(map(mul, samples[start : start + size], samples[start : start + size])) >= need
    ]
    if not loud:
        return Pcm(b"", pcm.rate)
    pad = int(pad_s * pcm.rate)
    begin = max(0, loud[0] - pad)
    end = min(len(samples), loud[-1] + size + pad)
    kept = samples[begin:end]
    _fade(kept, int(FADE * pcm.rate), start=begin > 0, end=end < len(samples))
    return Pcm(kept.tobytes(), pcm.rate)


def _fade(samples: array.array[int], length: int, *, start: bool, end: bool) -> None:
    length = min(length, len(samples) // 2)
    for i in range(length):
        gain = i / length
        if start:
            samples[i] = int(samples[i] * gain)
        if end:
            samples[-1 - i] = int(samples[-1 - i] * gain)


def file_stem(name: str) -> str:
    """A file name (without suffix) made from a phrase: its letters and digits in any script,
    other runs as one `-`; "recording" when nothing is left."""
    text = unicodedata.normalize("NFC", name)
    out: list[str] = []
    for char in text:
        if char.isalnum():
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    stem = "".join(out).strip("-")[:NAME_MAX].strip("-")
    return stem or "recording"


def save_recording(
    pcm: Pcm, folder: Path, name: str, *, fmt: str = "wav", relative_to: Path | None = None
) -> str:
    """Write `pcm` to `folder`/<name as a file name>.<fmt> atomically (replacing a recording of
    the same name) and return its path relative to `relative_to` (default `folder`): what the
    `sound:` of an item in a file there says, e.g. "../recordings/water.wav".

    `fmt` is `wav` (the default: written with Python's own `wave`, nothing more is loaded
    into the calling process) or `flac` (half the size, lossless; loads soundfile and numpy,
    ~20 MB, into the calling process)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not pcm.data:
        raise ValueError("nothing to save: the recording is empty")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem(name)}.{fmt}"
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else NEW_FILE_MODE
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            if fmt == "wav":
                _write_wav(out, pcm)
            else:
                _write_flac(out, pcm)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(folder)
    return Path(os.path.relpath(path, relative_to or folder)).as_posix()


def _write_wav(out: IO[bytes], pcm: Pcm) -> None:
    data = pcm.data
    if sys.byteorder == "big":  # WAV is little-endian; Pcm is native
        swapped = array.array("h", data)
        swapped.byteswap()
        data = swapped.tobytes()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(pcm.rate)
        wav.writeframes(data)


def _write_flac(out: IO[bytes], pcm: Pcm) -> None:
    import soundfile

    with soundfile.SoundFile(out, "w", pcm.rate, 1, "PCM_16", format="FLAC") as file:
        file.buffer_write(pcm.data, dtype="int16")


def level_dbfs(pcm: Pcm) -> float:
    """The RMS level of `pcm` in dBFS (-inf for silence): for a page's level meter."""
    samples = array.array("h")
    samples.frombytes(pcm.data)
    if not samples:
        return -math.inf
    power = sum(map(mul, samples, samples)) / len(samples)
    return 10 * math.log10(power / (32768.0 * 32768.0)) if power else -math.inf
