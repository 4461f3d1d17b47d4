"""Recording headers read in plain Python: format, rate, channels and length of real files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from accessible_companion.audio import headers
from accessible_companion.audio.headers import HeaderError, probe
from rigs.tones import write_tone


@pytest.mark.parametrize(
    ("name", "rate", "channels", "form"),
    [
        ("mono.wav", 48000, 1, "WAV"),
        ("stereo.wav", 44100, 2, "WAV"),
        ("phrase.flac", 22050, 1, "FLAC"),
        ("stereo.flac", 48000, 2, "FLAC"),
        ("phrase.ogg", 44100, 1, "Ogg"),
        ("stereo.ogg", 16000, 2, "Ogg"),
    ],
)
def test_wav_flac_and_ogg_tell_their_rate_channels_and_length(
    tmp_path: Path, name: str, rate: int, channels: int, form: str
) -> None:
    path = write_tone(tmp_path / name, seconds=2.5, rate=rate, channels=channels)
    found = probe(path)
    assert (found.format, found.rate, found.channels) == (form, rate, channels)
    assert found.seconds == pytest.approx(2.5, abs=0.01)


def test_an_opus_stream_is_timed_at_48_khz_less_its_pre_skip(tmp_path: Path) -> None:
    soundfile = pytest.importorskip("soundfile")
    import numpy as np

    path = tmp_path / "voice.opus"
    with soundfile.SoundFile(path, "w", 48000, 1, "OPUS", format="OGG") as file:
        for _ in range(30):
            file.write(np.zeros(4800, dtype=np.float32) + 0.1)
    found = probe(path)
    assert (found.format, found.rate) == ("Ogg", 48000)
    assert found.seconds == pytest.approx(3.0, abs=0.03)


def test_a_wav_with_extra_chunks_and_a_streamed_size_is_timed_by_its_data(tmp_path: Path) -> None:
    frames = 8000
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    data = bytes(2 * frames)
    body = b"WAVE" + b"LIST" + struct.pack("<I", 5) + b"abcde\0" + b"fmt " + struct.pack("<I", 16) + fmt
    body += b"data" + struct.pack("<I", 0xFFFFFFFF) + data  # a recorder that never closed its file
    path = tmp_path / "streamed.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + body)
    found = probe(path)
    assert found.seconds == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"ID3\x04" + bytes(200), "not a WAV, FLAC or Ogg file (it is an MP3)"),
        (b"\0\0\0\x20ftypM4A " + bytes(200), "(it is an MP4/M4A: convert it to WAV or FLAC)"),
        (b"\x1a\x45\xdf\xa3" + bytes(200), "(it is a WebM/Matroska file)"),
        (b"hello, this is a text file\n", "not a WAV, FLAC or Ogg file"),
        (b"", "not a WAV, FLAC or Ogg file"),
        (b"RIFF\0\0\0\0WAVEfmt ", "a WAV file without its sound data"),
        (b"OggS" + bytes(40), "neither Vorbis, Opus nor FLAC"),
        (b"fLaC\x84", "without its stream information"),
    ],
)
def test_what_is_no_recording_is_said_plainly(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "sound.wav"
    path.write_bytes(content)
    with pytest.raises(HeaderError, match=said.replace("(", r"\(").replace(")", r"\)")):
        probe(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_tone(tmp_path / "long.wav", seconds=1.0, rate=48000)
    monkeypatch.setattr(headers, "MAX_BYTES", 50_000)
    with pytest.raises(HeaderError, match="larger than"):
        probe(path)


def test_missing_files_and_folders_are_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "gone.wav")
    with pytest.raises(IsADirectoryError):
        probe(tmp_path)
