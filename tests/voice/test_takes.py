"""The user's own takes as a second opinion (voice/takes.py) and keeping them (voice/teaching.py)."""

from __future__ import annotations

import math
import stat
from pathlib import Path

import numpy as np
import pytest

from accessible_companion.voice.takes import RATE, Takes, distance, features
from accessible_companion.voice.teaching import TakeFolder, fits, record_take


def tones(
    freqs: list[float], seconds: float = 0.15, rate: int = RATE, shift: float = 1.0, seed: int = 0
) -> bytes:
    """A made-up "word": tones in a row, like vowels, with a little noise, 0.2 s of quiet each side."""
    rng = np.random.default_rng(seed)
    parts = [np.zeros(int(0.2 * RATE))]
    for freq in freqs:
        t = np.arange(int(seconds * RATE)) / RATE
        wave = sum(np.sin(2 * math.pi * freq * shift * k * t) / k for k in (1, 2, 3))
        parts.append(0.3 * wave * np.hanning(len(t)))
    parts.append(np.zeros(int(0.2 * RATE)))
    signal = np.concatenate(parts) + rng.normal(0, 0.002, sum(len(p) for p in parts))
    return (np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes()


WORDS = {"first": [300.0, 500.0, 700.0], "second": [800.0, 400.0, 250.0], "third": [600.0, 600.0, 350.0]}


def taught() -> Takes:
    return Takes.of(
        {
            word: [tones(f, shift=s, seed=n) for n, s in enumerate((0.97, 1.0, 1.03))]
            for word, f in WORDS.items()
        }
    )


def test_features_ignore_the_level_and_the_quiet_around() -> None:
    word = tones(WORDS["first"])
    louder = (
        (np.frombuffer(word, dtype="<i2").astype(np.int32) * 2).clip(-32768, 32767).astype("<i2").tobytes()
    )
    padded = bytes(RATE) + word + bytes(RATE)  # a second of digital silence each side
    a = features(word)
    assert distance(a, features(louder)) < 0.05
    assert distance(a, features(padded)) < 0.05
    assert distance(a, a) == 0.0


def test_a_take_of_the_user_is_taken_and_a_stranger_is_not() -> None:
    takes = taught()
    another_take = tones(WORDS["second"], shift=1.01, seed=9)
    assert takes.decide("second", another_take) == "second"  # the recognizer and the takes agree
    assert takes.decide("first", another_take) == ""  # the recognizer heard another phrase: vetoed
    assert takes.decide("", another_take) == "second"  # the recognizer was unsure: the takes are sure
    noise = (np.random.default_rng(3).normal(0, 0.2, RATE) * 32767).astype("<i2").tobytes()
    assert takes.decide("", noise) == ""
    assert not takes.opinion(noise, "first").agrees


def test_no_takes_of_a_phrase_means_no_opinion_against_it() -> None:
    takes = taught()
    assert takes.decide("fourth", tones([1000.0])) == "fourth"


def test_takes_are_kept_private_and_replaced(tmp_path: Path) -> None:
    folder = TakeFolder.of("ko-KR", tmp_path)
    folder.replace("도와 줘", [tones(WORDS["first"]), tones(WORDS["second"])])
    folder.replace("도와 줘", [tones(WORDS["third"])] * 3)
    recordings = folder.recordings()
    assert list(recordings) == ["도와 줘"] and len(recordings["도와 줘"]) == 3
    for path in (tmp_path / "ko").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_a_phrase_that_sounds_like_another_is_named(tmp_path: Path) -> None:
    recordings = {
        "first": [tones(WORDS["first"], seed=n) for n in range(3)],
        "twin": [tones(WORDS["first"], seed=n) for n in range(3)],  # the very same sounds
        "second": [tones(WORDS["second"], seed=20 + n) for n in range(3)],
    }
    report = fits(recordings)
    found = {fit.phrase: fit.confused_with for fit in report}
    assert found["second"] == ""
    assert (found["first"], found["twin"]) == ("twin", "first")
    apart = {fit.phrase: fit.told_apart for fit in report}
    assert apart["second"] == 3
    assert apart["first"] < 3 and apart["twin"] < 3


def test_a_take_is_cut_from_just_before_the_speech_to_its_end() -> None:
    word = tones(WORDS["first"])
    block = 800  # 50 ms at 16 kHz
    quiet = bytes(block * 2 * 10)
    stream = quiet + word + quiet * 3
    blocks = [stream[i : i + block * 2] for i in range(0, len(stream), block * 2)]

    def read(timeout: float) -> tuple[bytes, int] | None:
        return (blocks.pop(0), RATE) if blocks else None

    take = record_take(read, wait=5.0)
    assert take is not None
    # The word's sound, a little quiet before it (pre-roll) and the end of speech after.
    assert len(word) <= len(take) <= len(word) + (0.3 + 0.7) * RATE * 2
    assert distance(features(take), features(word)) < 0.05


@pytest.mark.real
def test_the_users_own_takes_tell_their_voice_from_a_televisions() -> None:
    from rigs.speech_clips import synthesize, to_pcm

    def said(text: str, voice: str, speed: int, pitch: int) -> bytes:
        return to_pcm(np.concatenate([np.zeros(3200), synthesize(text, voice, speed, pitch), np.zeros(3200)]))

    phrases = ("도와줘", "계속", "뒤로", "처음으로")
    takes = Takes.of(
        {p: [said(p, "ko+m5", s, pitch) for s, pitch in ((140, 45), (160, 55), (150, 40))] for p in phrases}
    )
    for phrase in phrases:
        assert takes.decide(phrase, said(phrase, "ko+m5", 175, 50)) == phrase  # the user, another day
        assert takes.decide(phrase, said(phrase, "ko+f2", 150, 60)) == "", phrase  # another voice
