"""`voice test` says what to do when speech reaches the microphone too quietly."""

from __future__ import annotations

import math

import numpy as np

from accessible_companion.voice.recognizer import TARGET_RMS, _rms, dbfs, normalise
from accessible_companion.voice.tryout import LOW_DBFS, level_advice


def _tone(level_dbfs: float, seconds: float = 0.5) -> bytes:
    rate = 16000
    t = np.arange(int(rate * seconds)) / rate
    amplitude = 32768 * 10 ** (level_dbfs / 20) * math.sqrt(2)  # a sine's RMS is its peak / sqrt 2
    return bytes((amplitude * np.sin(2 * np.pi * 220 * t)).round().astype("<i2").tobytes())


def test_the_warning_level_is_where_normalising_can_no_longer_reach_the_target() -> None:
    below, above = _tone(LOW_DBFS - 2), _tone(LOW_DBFS + 2)
    assert dbfs(below) < LOW_DBFS < dbfs(above)
    assert _rms(normalise(below)) < 0.9 * TARGET_RMS
    assert _rms(normalise(above)) > 0.98 * TARGET_RMS


def test_quiet_speech_gets_a_line_saying_what_to_do() -> None:
    advice = level_advice(LOW_DBFS - 10)
    assert advice is not None
    assert "closer" in advice and "input volume" in advice
    assert f"{LOW_DBFS - 10:.0f} dBFS" in advice


def test_loud_enough_speech_or_no_level_gets_none() -> None:
    assert level_advice(LOW_DBFS + 0.5) is None
    assert level_advice(-20.0) is None
    assert level_advice(None) is None
