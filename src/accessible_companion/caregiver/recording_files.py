"""A recording sent to the page, made ready to be an item's `sound:`: checked, read, trimmed, named.

The page runs inside the companion's process, which holds the switch, so an uploaded file
is never handed to libsndfile here (a malformed file can crash the process a C decoder runs
in; see audio/headers.py). Its header is read in plain Python first (`probe`: WAV, FLAC or
Ogg, at most 20 MB). A plain 16-bit PCM WAV (what the page's own recorder makes) is then
read with the standard library's `wave`; anything else (FLAC, Ogg, a float WAV) is decoded
in the decoder's own process (audio/decoder.py), as the companion decodes recordings.
The result is trimmed (speech/banking.py) and written as a 16-bit WAV under `recordings/`.

A new recording never replaces a file that is there: another item may play it, and an
earlier version in the history may name it. It gets the next free name instead
(`water-2.wav`), and the page says why.
"""

from __future__ import annotations

import array
import os
import sys
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from ..audio.decoder import DecodeError, Decoder
from ..audio.headers import MAX_SECONDS, HeaderError, probe
from ..audio.pcm import Pcm
from ..speech.banking import NAME_MAX, file_stem, save_recording, trim_silence

FOLDER = "recordings"
"""Where the page keeps recordings, inside the config folder."""
SUFFIX = ".wav"


class RecordingError(Exception):
    """The file cannot be used; the message says why, for a caregiver."""


def read_upload(data: bytes, trim: bool) -> Pcm:
    """The sound in an uploaded file as mono Pcm, its quiet ends cut when `trim`.
    RecordingError when it is not a recording that can be used (blocking: call in a thread)."""
    if not data:
        raise RecordingError("The file is empty.")
    with tempfile.TemporaryDirectory(prefix="companion-upload-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            header = probe(path)
        except HeaderError as error:
            raise RecordingError(f"This file cannot be used: {error}.") from None
        pcm = (_plain_wav(path) if header.format == "WAV" else None) or _decoded(path)
    if trim:
        pcm = trim_silence(pcm)
        if not pcm.data:
            raise RecordingError(
                "Nothing loud enough was heard in it, so nothing was saved. "
                "Try again a little closer to the microphone."
            )
    if not pcm.data:
        raise RecordingError("The recording has no sound in it.")
    if pcm.duration > MAX_SECONDS:
        raise RecordingError(
            f"The recording is {pcm.duration:.0f} seconds long; "
            f"a phrase may be at most {MAX_SECONDS:g} seconds."
        )
    return pcm


def _plain_wav(path: Path) -> Pcm | None:
    """A 16-bit PCM WAV read with `wave` (mixed to mono); None for any other kind of WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                return None
            channels, rate = wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError):
        return None  # float, A-law, ADPCM, extensible: the decoder reads those
    samples = array.array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % 2])
    if sys.byteorder == "big":  # WAV is little-endian; Pcm is native
        samples.byteswap()
    if channels > 1:
        # Integer division floors toward -inf, as the decoder's own mix rounds; the tiny
        # difference is far below hearing.
        mixed = map(sum, zip(*(samples[c::channels] for c in range(channels)), strict=False))
        samples = array.array("h", (total // channels for total in mixed))
    return Pcm(samples.tobytes(), rate)


def _decoded(path: Path) -> Pcm:
    decoder = Decoder()
    try:
        return decoder.decode(str(path))
    except DecodeError as error:
        raise RecordingError(f"This file cannot be read as a recording: {error}.") from None
    finally:
        decoder.close()


@dataclass(frozen=True)
class Placed:
    """Where a new recording went."""

    path: Path
    sound: str
    """What the item's `sound:` says (relative to its menu file's folder)."""
    wanted: str
    """The file name its label gives (`water.wav`); `path` has another when that was taken."""


_naming = threading.Lock()
"""Two saves at once must not pick the same free name."""


def place(pcm: Pcm, config: Path, label: str, menu_folder: Path) -> Placed:
    """Write `pcm` under `config`/recordings/ with a name from `label` that no file has yet."""
    folder = config / FOLDER
    stem = file_stem(label)
    with _naming:
        name, number = stem, 1
        while (folder / f"{name}{SUFFIX}").exists():
            number += 1
            # Short enough that save_recording keeps the number (it cuts names at NAME_MAX).
            name = f"{stem[: NAME_MAX - 1 - len(str(number))].rstrip('-')}-{number}"
        sound = save_recording(pcm, folder, name, relative_to=menu_folder)
    return Placed(folder / f"{name}{SUFFIX}", sound, f"{stem}{SUFFIX}")


def sound_path(written: str, menu_file: Path, config: Path) -> Path | None:
    """The file an item's `sound:` names, if it is inside the config folder (else None)."""
    if not written:
        return None
    path = Path(os.path.abspath(menu_file.parent / written))
    return path if path.is_relative_to(os.path.abspath(config)) else None
