"""What a recording is, read from its header in plain Python: format, rate, channels, length.

The loader checks every `sound:` of a config with this, in the companion's own process (at
start, on every reload, for the last good copy). Decoding with libsndfile happens only in
the decoder's child process (decoder.py): a malformed file handed to a C decoder can crash
the process it runs in, and the companion's process holds the switch. Reading a few header
fields here can only fail with an exception.

WAV (RIFF/RF64 chunks), FLAC (STREAMINFO) and Ogg (Vorbis, Opus or FLAC inside; the
length from the last page's granule position) are told apart by their first bytes.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 20 * 1024 * 1024
"""A recording larger than this is refused: a phrase is seconds long (60 s of 48 kHz stereo
16-bit WAV is 11 MB), so a bigger file is the wrong file, and every file is copied with the
last good config."""
MAX_SECONDS = 60.0
"""A recording longer than this is refused (a whole voicemail, not a phrase); decoded, 60 s
at 48 kHz take 5.8 MB of memory."""
TAIL_BYTES = 65536
"""How far from its end an Ogg file is searched for its last page (pages are at most ~64 KB)."""
FORMATS = ("WAV", "FLAC", "Ogg")


class HeaderError(Exception):
    """Not a recording this companion can play; the message says why, for a caregiver."""


@dataclass(frozen=True)
class SoundHeader:
    """A recording as its header describes it."""

    format: str
    """`WAV`, `FLAC` or `Ogg`."""
    rate: int
    """Samples per second."""
    channels: int
    seconds: float | None
    """Its length, or None when the header does not tell (a FLAC written as a stream)."""


def probe(path: Path) -> SoundHeader:
    """The header of the recording at `path`; OSError if it cannot be read, HeaderError if
    it is not a WAV, FLAC or Ogg file, or too large."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise HeaderError(f"{size / 1e6:.0f} MB is larger than {MAX_BYTES // (1024 * 1024)} MB")
    with path.open("rb") as file:
        head = file.read(4096)
        if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
            return _wav(file, size)
        if head[:4] == b"fLaC":
            return _flac(head)
        if head[:4] == b"OggS":
            return _ogg(file, head, size)
    raise HeaderError(f"not a {', '.join(FORMATS[:-1])} or {FORMATS[-1]} file{_looks_like(head)}")


def _looks_like(head: bytes) -> str:
    """A hint for the formats a phone or a recorder often gives instead."""
    if head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return " (it is an MP3)"
    if head[4:8] == b"ftyp":
        return " (it is an MP4/M4A: convert it to WAV or FLAC)"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return " (it is a WebM/Matroska file)"
    return ""


def _wav(file: BinaryIO, size: int) -> SoundHeader:
    file.seek(12)
    rate = channels = block = 0
    while True:
        chunk = file.read(8)
        if len(chunk) < 8:
            raise HeaderError("a WAV file without its sound data (cut short?)")
        name, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if name == b"fmt ":
            fmt = file.read(min(length, 40))
            if len(fmt) < 16:
                raise HeaderError("a WAV file with a broken format header")
            _, channels, rate, _, block = struct.unpack("<HHIIH", fmt[:14])
            file.seek(length - len(fmt) + (length & 1), os.SEEK_CUR)
        elif name == b"data":
            if not (rate and channels and block):
                raise HeaderError("a WAV file whose sound data comes before its format")
            here = file.tell()
            # 0xFFFFFFFF (RF64, or a stream never closed) or past the end: the rest of the file.
            data = min(length, size - here)
            return SoundHeader("WAV", rate, channels, data / (block * rate))
        else:
            file.seek(length + (length & 1), os.SEEK_CUR)


def _flac(head: bytes) -> SoundHeader:
    # The first metadata block is STREAMINFO: 4 bytes of block header, then 34 bytes.
    if len(head) < 42 or head[4] & 0x7F != 0:
        raise HeaderError("a FLAC file without its stream information")
    bits = int.from_bytes(head[18:26], "big")
    rate = bits >> 44
    channels = ((bits >> 41) & 0x7) + 1
    frames = bits & ((1 << 36) - 1)
    if rate == 0:
        raise HeaderError("a FLAC file with a sample rate of 0")
    return SoundHeader("FLAC", rate, channels, frames / rate if frames else None)


def _ogg(file: BinaryIO, head: bytes, size: int) -> SoundHeader:
    if len(head) < 28:
        raise HeaderError("an Ogg file cut short")
    segments = head[26]
    packet = head[27 + segments : 27 + segments + 64]
    skip = 0
    if packet[:7] == b"\x01vorbis" and len(packet) >= 16:
        channels, rate = packet[11], struct.unpack("<I", packet[12:16])[0]
    elif packet[:8] == b"OpusHead" and len(packet) >= 12:
        channels, skip = packet[9], struct.unpack("<H", packet[10:12])[0]
        rate = 48000  # Opus counts its granule positions at 48 kHz, whatever the input was
    elif packet[:5] == b"\x7fFLAC" and len(packet) >= 51:
        inner = _flac(packet[9:])
        channels, rate = inner.channels, inner.rate
    else:
        raise HeaderError("an Ogg file with neither Vorbis, Opus nor FLAC inside")
    if not rate:
        raise HeaderError("an Ogg file with a sample rate of 0")
    file.seek(max(0, size - TAIL_BYTES))
    tail = file.read()
    last = tail.rfind(b"OggS")
    if last < 0 or len(tail) < last + 14:
        return SoundHeader("Ogg", rate, channels, None)
    granule = struct.unpack("<q", tail[last + 6 : last + 14])[0]
    return SoundHeader("Ogg", rate, channels, max(granule - skip, 0) / rate if granule >= 0 else None)
