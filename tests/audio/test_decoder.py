"""The decoder's process: real files decoded, mixed to mono, resampled and scaled; a crash, a hang
and a broken file cost one decode, never the companion."""

from __future__ import annotations

import array
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from accessible_companion.audio.decoder import DecodeError, Decoder
from rigs.tones import dominant_frequency, write_tone


@pytest.fixture
def decoder() -> Iterator[Decoder]:
    made = Decoder()
    yield made
    made.close()


def samples(data: bytes) -> np.ndarray:
    found = array.array("h")
    found.frombytes(data)
    return np.asarray(found, dtype=np.float64)


@pytest.mark.parametrize("suffix", ["wav", "flac", "ogg"])
def test_each_format_decodes_to_the_tone_it_holds(decoder: Decoder, tmp_path: Path, suffix: str) -> None:
    path = write_tone(tmp_path / f"tone.{suffix}", frequency=440.0, seconds=1.5, rate=44100)
    pcm = decoder.decode(str(path))
    assert pcm.rate == 44100
    assert pcm.duration == pytest.approx(1.5, abs=0.01)
    found = samples(pcm.data)
    assert dominant_frequency(found, pcm.rate) == pytest.approx(440.0, abs=2.0)
    assert np.abs(found).max() == pytest.approx(0.5 * 32767, rel=0.05)


def test_resampling_keeps_pitch_and_length_and_volume_scales(decoder: Decoder, tmp_path: Path) -> None:
    path = write_tone(tmp_path / "tone.flac", frequency=1000.0, seconds=2.0, rate=48000, channels=2)
    pcm = decoder.decode(str(path), rate=22050, volume=0.5)
    assert pcm.rate == 22050
    assert pcm.frames == pytest.approx(2.0 * 22050, abs=2)
    found = samples(pcm.data)
    assert dominant_frequency(found, 22050) == pytest.approx(1000.0, abs=2.0)
    # Two equal channels mix to the same level; volume 0.5 halves it.
    assert np.abs(found[2000:-2000]).max() == pytest.approx(0.25 * 32767, rel=0.03)


def test_a_voice_on_one_channel_comes_out_mixed(decoder: Decoder, tmp_path: Path) -> None:
    import soundfile

    left = np.sin(2 * np.pi * 300 * np.arange(16000) / 16000).astype(np.float32) * 0.8
    path = tmp_path / "left.wav"
    soundfile.write(path, np.stack([left, np.zeros_like(left)], axis=1), 16000)
    found = samples(decoder.decode(str(path)).data)
    assert np.abs(found).max() == pytest.approx(0.4 * 32767, rel=0.03)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "not found"),
        (b"not sound at all", "cannot be decoded: format not recognised"),
    ],
)
def test_bad_files_are_answers_and_the_decoder_goes_on(
    decoder: Decoder, tmp_path: Path, content: bytes | None, said: str
) -> None:
    path = tmp_path / "bad.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DecodeError, match=said):
        decoder.decode(str(path))
    good = write_tone(tmp_path / "good.wav", seconds=0.2)
    assert decoder.decode(str(good)).duration == pytest.approx(0.2, abs=0.01)
    assert decoder.starts == 1


def test_a_flac_cut_short_fails_with_libsndfiles_words(decoder: Decoder, tmp_path: Path) -> None:
    whole = write_tone(tmp_path / "whole.flac", seconds=3.0).read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole[:3000] + bytes(5000))
    with pytest.raises(DecodeError, match="cannot be decoded"):
        decoder.decode(str(cut))


def test_a_recording_longer_than_the_limit_is_not_decoded(decoder: Decoder, tmp_path: Path) -> None:
    path = write_tone(tmp_path / "long.flac", seconds=61.0, rate=8000)
    with pytest.raises(DecodeError, match="61 s long; at most 60 s"):
        decoder.decode(str(path))


CRASHING_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from multiprocessing.connection import Connection
    connection = Connection(int(sys.argv[1]))
    request = connection.recv_bytes()
    if b"CRASH-NOW" in request:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"HANG-NOW" in request:
        import time
        time.sleep(60)
    from accessible_companion.audio.decode_process import serve
    connection.send_bytes(b'{"ok": true, "rate": 8000, "frames": 2}')
    connection.send_bytes(bytes(4))
    serve(connection)
    """
)


def test_a_crash_costs_one_decode_and_the_next_starts_a_new_process(tmp_path: Path) -> None:
    made = Decoder([sys.executable, "-c", CRASHING_CHILD], timeout=2.0)
    try:
        with pytest.raises(DecodeError, match=r"crashed on it \(SIGSEGV\)"):
            made.decode(str(tmp_path / "CRASH-NOW.wav"))
        assert made.decode(str(tmp_path / "fine.wav")).frames == 2
        assert made.starts == 2
    finally:
        made.close()


def test_a_hang_is_given_up_on_and_the_process_killed(tmp_path: Path) -> None:
    made = Decoder([sys.executable, "-c", CRASHING_CHILD], start_timeout=1.0, timeout=1.0)
    try:
        started = time.monotonic()
        with pytest.raises(DecodeError, match="no answer within 1 s"):
            made.decode(str(tmp_path / "HANG-NOW.wav"))
        assert time.monotonic() - started < 3.0
        assert made.decode(str(tmp_path / "fine.wav")).frames == 2
    finally:
        made.close()


def test_a_decoder_that_cannot_start_is_a_decode_error(tmp_path: Path) -> None:
    made = Decoder([str(tmp_path / "no-such-python")])
    with pytest.raises(DecodeError, match="could not start"):
        made.decode(str(tmp_path / "x.wav"))


def test_a_decoder_without_its_libraries_says_so(tmp_path: Path) -> None:
    made = Decoder([sys.executable, "-c", "import sys; sys.exit(1)"])
    with pytest.raises(DecodeError, match="ended with status 1"):
        made.decode(str(tmp_path / "x.wav"))
