"""Recordings ready to play: kept by file identity, decoded ahead off the speech thread, failures
remembered; one run with the real decoder's process."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from accessible_companion.audio.decoder import DecodeError, Decoder
from accessible_companion.audio.pcm import Pcm
from accessible_companion.speech.sounds import SoundError, Sounds
from rigs.tones import write_tone


class FakeDecoder(Decoder):
    """Decodes a file to its own bytes (one sample per byte); `slow` seconds per decode."""

    def __init__(self, slow: float = 0.0) -> None:
        super().__init__(["unused"])
        self.calls: list[tuple[str, int, float]] = []
        self.slow = slow
        self.closed = False

    def decode(self, path: str, rate: int = 0, volume: float = 1.0) -> Pcm:
        self.calls.append((path, rate, volume))
        time.sleep(self.slow)
        data = Path(path).read_bytes()
        if data.startswith(b"bad"):
            raise DecodeError("cannot be decoded: format not recognised")
        return Pcm(b"".join(bytes([b, 0]) for b in data), rate or 8000)

    def close(self) -> None:
        self.closed = True


def make(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_a_recording_is_decoded_once_and_kept(tmp_path: Path) -> None:
    fake = FakeDecoder()
    sounds = Sounds(lambda: fake)
    path = make(tmp_path, "water.wav", b"water")
    first = sounds.get(path, 44100, 0.8)
    assert sounds.get(path, 44100, 0.8) == first
    assert fake.calls == [(path, 44100, 0.8)]
    # Another rate or volume is another decode (a device of another rate, a new config).
    sounds.get(path, 48000, 0.8)
    assert len(fake.calls) == 2


def test_a_recording_made_again_plays_anew_without_a_reload(tmp_path: Path) -> None:
    fake = FakeDecoder()
    sounds = Sounds(lambda: fake)
    path = make(tmp_path, "water.wav", b"water")
    sounds.get(path, 0, 1.0)
    replacement = tmp_path / "new.wav"
    replacement.write_bytes(b"water, please")
    os.replace(replacement, path)  # as save_recording does: a new inode
    assert sounds.get(path, 0, 1.0).frames == len(b"water, please")
    assert len(fake.calls) == 2


def test_missing_and_broken_files_raise_and_a_broken_one_is_not_decoded_again(tmp_path: Path) -> None:
    fake = FakeDecoder()
    sounds = Sounds(lambda: fake)
    with pytest.raises(SoundError, match="not found"):
        sounds.get(str(tmp_path / "gone.wav"), 0, 1.0)
    with pytest.raises(SoundError, match="not a file"):
        sounds.get(str(tmp_path), 0, 1.0)
    bad = make(tmp_path, "bad.wav", b"bad data")
    for _ in range(3):
        with pytest.raises(SoundError, match="format not recognised"):
            sounds.get(bad, 0, 1.0)
    assert [call[0] for call in fake.calls] == [bad]
    Path(bad).write_bytes(b"good now")  # fixed: tried again
    assert sounds.get(bad, 0, 1.0).frames == len(b"good now")


def test_memory_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    fake = FakeDecoder()
    sounds = Sounds(lambda: fake, memory_bytes=50)
    paths = [make(tmp_path, f"{n}.wav", bytes([65 + n]) * 10) for n in range(4)]  # 20 bytes decoded each
    for path in paths:
        sounds.get(path, 0, 1.0)
    assert [sounds.cached(p, 0, 1.0) for p in paths] == [False, False, True, True]


def test_ahead_decodes_in_the_background_and_a_newer_menu_replaces_the_rest(tmp_path: Path) -> None:
    fake = FakeDecoder(slow=0.1)
    sounds = Sounds(lambda: fake)
    first = [make(tmp_path, f"a{n}.wav", b"x" * (n + 1)) for n in range(5)]
    second = [make(tmp_path, f"b{n}.wav", b"y" * (n + 1)) for n in range(2)]
    started = time.monotonic()
    sounds.ahead(first, 44100, 1.0)
    assert time.monotonic() - started < 0.02  # never blocks the speech thread
    time.sleep(0.15)
    sounds.ahead(second, 44100, 1.0)
    deadline = time.monotonic() + 3
    while not all(sounds.cached(p, 44100, 1.0) for p in second):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    decoded = [call[0] for call in fake.calls]
    assert decoded[:2] == first[:2]  # the first menu's decode under way when the second came
    assert decoded[2:] == second
    sounds.close()
    assert fake.closed


def test_a_recording_decoded_ahead_is_served_while_another_decodes(tmp_path: Path) -> None:
    fake = FakeDecoder(slow=0.3)
    sounds = Sounds(lambda: fake)
    ready = make(tmp_path, "ready.wav", b"ready")
    sounds.get(ready, 0, 1.0)
    sounds.ahead([make(tmp_path, "long.wav", b"long")], 0, 1.0)
    time.sleep(0.05)  # the long decode is running
    started = time.monotonic()
    sounds.get(ready, 0, 1.0)
    assert time.monotonic() - started < 0.05


def test_a_get_waits_for_the_same_file_decoded_ahead_instead_of_decoding_it_twice(tmp_path: Path) -> None:
    fake = FakeDecoder(slow=0.2)
    sounds = Sounds(lambda: fake)
    path = make(tmp_path, "water.wav", b"water")
    sounds.ahead([path], 0, 1.0)
    time.sleep(0.05)
    got: list[Pcm] = []
    thread = threading.Thread(target=lambda: got.append(sounds.get(path, 0, 1.0)))
    thread.start()
    thread.join(2)
    assert got and len(fake.calls) == 1


def test_the_real_decoder_process_behind_the_cache(tmp_path: Path) -> None:
    sounds = Sounds()
    path = str(write_tone(tmp_path / "water.flac", seconds=1.0, rate=48000))
    try:
        pcm = sounds.get(path, 44100, 0.5)
        assert (pcm.rate, pcm.frames) == (44100, 44100)
        started = time.monotonic()
        assert sounds.get(path, 44100, 0.5) is pcm
        assert time.monotonic() - started < 0.005
    finally:
        sounds.close()


def test_the_companions_own_process_never_loads_the_decoders_libraries() -> None:
    """numpy, libsndfile and libsoxr load in the decoder's process only (audio/decode_process.py)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import accessible_companion.app, accessible_companion.speech.speaker\n"
        "import accessible_companion.speech.banking\n"
        "import accessible_companion.config.loader, accessible_companion.config.last_good\n"
        "print(sorted(m for m in ('numpy', 'soundfile', 'soxr') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
