"""Message banking helpers: trimming a fresh recording and saving it into the config, atomically."""

from __future__ import annotations

import array
import math
import os
import random
import stat
import wave
from pathlib import Path

import pytest

from accessible_companion.audio.decoder import Decoder
from accessible_companion.audio.pcm import Pcm
from accessible_companion.config import load_config
from accessible_companion.speech import banking
from accessible_companion.speech.banking import file_stem, level_dbfs, save_recording, trim_silence

RATE = 16000


def take(noise_dbfs: float, quiet: float, loud: float, after: float, loud_dbfs: float = -12.0) -> Pcm:
    """Room noise, a 300 Hz 'phrase', room noise again."""
    rng = random.Random(1)
    noise = 32768 * 10 ** (noise_dbfs / 20) * math.sqrt(3)  # uniform noise of that RMS
    peak = 32768 * 10 ** (loud_dbfs / 20) * math.sqrt(2)
    samples = array.array("h")
    samples.extend(int(rng.uniform(-noise, noise)) for _ in range(int(quiet * RATE)))
    samples.extend(int(peak * math.sin(2 * math.pi * 300 * i / RATE)) for i in range(int(loud * RATE)))
    samples.extend(int(rng.uniform(-noise, noise)) for _ in range(int(after * RATE)))
    return Pcm(samples.tobytes(), RATE)


def test_trim_keeps_the_phrase_with_its_padding() -> None:
    trimmed = trim_silence(take(-60, quiet=1.2, loud=0.8, after=2.0), threshold_dbfs=-40, pad_s=0.15)
    assert trimmed.rate == RATE
    assert trimmed.duration == pytest.approx(0.8 + 2 * 0.15, abs=2 * banking.WINDOW)
    assert level_dbfs(trimmed) == pytest.approx(-12 - 10 * math.log10(1.1 / 0.8), abs=1.0)


def test_trim_fades_at_the_cuts_so_they_never_click() -> None:
    trimmed = trim_silence(take(-45, quiet=0.5, loud=0.5, after=0.5), threshold_dbfs=-40, pad_s=0.0)
    samples = array.array("h")
    samples.frombytes(trimmed.data)
    assert samples[0] == 0 and samples[-1] == 0
    assert abs(samples[5]) < 32768 * 10 ** (-12 / 20) * 1.5 * 5 / (banking.FADE * RATE)


def test_trim_leaves_a_recording_without_silence_whole() -> None:
    pcm = take(-60, quiet=0.0, loud=1.0, after=0.0)
    assert trim_silence(pcm).data == pcm.data


def test_trim_of_only_noise_is_empty_and_the_threshold_decides() -> None:
    noise = take(-50, quiet=1.0, loud=0.0, after=0.0)
    assert trim_silence(noise, threshold_dbfs=-40).data == b""
    assert trim_silence(noise, threshold_dbfs=-60).duration == pytest.approx(1.0, abs=0.02)


def test_level_of_silence_and_of_a_full_scale_sine() -> None:
    assert level_dbfs(Pcm(bytes(100), RATE)) == -math.inf
    assert level_dbfs(Pcm(b"", RATE)) == -math.inf
    sine = array.array("h", (int(32767 * math.sin(2 * math.pi * i / 64)) for i in range(6400)))
    assert level_dbfs(Pcm(sine.tobytes(), RATE)) == pytest.approx(-3.01, abs=0.05)


@pytest.mark.parametrize(
    ("phrase", "stem"),
    [
        ("I would like some water, please.", "I-would-like-some-water-please"),
        ("물 주세요", "물-주세요"),
        ("../../etc/passwd", "etc-passwd"),
        ("?!", "recording"),
        ("x" * 100, "x" * banking.NAME_MAX),
    ],
)
def test_file_names_from_phrases_stay_in_their_folder(phrase: str, stem: str) -> None:
    assert file_stem(phrase) == stem


@pytest.mark.parametrize("fmt", ["wav", "flac"])
def test_a_saved_recording_is_what_an_item_can_play(tmp_path: Path, fmt: str) -> None:
    config = tmp_path / "config"
    (config / "menus").mkdir(parents=True)
    pcm = trim_silence(take(-60, quiet=0.5, loud=1.0, after=0.5))
    sound = save_recording(pcm, config / "recordings", "Water, please", fmt=fmt, relative_to=config / "menus")
    assert sound == f"../recordings/Water-please.{fmt}"
    (config / "menus" / "home.yaml").write_text(
        f"menus:\n  - id: home\n    items:\n      - label: Water\n        sound: {sound}\n", encoding="utf-8"
    )
    item = load_config(config).menus["home"].items[0]
    assert item.sound == str(config / "recordings" / f"Water-please.{fmt}")
    assert item.sound_seconds == pytest.approx(pcm.duration, abs=0.001)
    decoder = Decoder()
    try:
        assert decoder.decode(item.sound) == pcm  # lossless, both ways
    finally:
        decoder.close()
    assert [p.name for p in (config / "recordings").iterdir()] == [f"Water-please.{fmt}"]  # no temp left


def test_saving_again_replaces_the_recording_and_keeps_its_permissions(tmp_path: Path) -> None:
    first = save_recording(take(-60, 0.1, 0.5, 0.1), tmp_path, "water")
    path = tmp_path / first
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o600)
    inode = path.stat().st_ino
    save_recording(take(-60, 0.1, 1.0, 0.1), tmp_path, "water")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != inode  # renamed over it: a reader sees the old file or the new
    with wave.open(str(path)) as wav:
        assert wav.getnframes() == int(1.2 * RATE)


def test_a_failed_write_leaves_the_old_recording_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_recording(take(-60, 0.1, 0.5, 0.1), tmp_path, "water")
    before = (tmp_path / "water.wav").read_bytes()

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        save_recording(take(-60, 0.1, 1.0, 0.1), tmp_path, "water")
    assert (tmp_path / "water.wav").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["water.wav"]


def test_nothing_and_unknown_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        save_recording(Pcm(b"", RATE), tmp_path, "water")
    with pytest.raises(ValueError, match="not one of wav, flac"):
        save_recording(take(-60, 0, 0.1, 0), tmp_path, "water", fmt="mp3")
