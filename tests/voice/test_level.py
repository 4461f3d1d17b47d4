"""The microphone level the window shows while voice is on: dBFS of the newest block."""

from __future__ import annotations

import array
from pathlib import Path

import pytest

from accessible_companion.audio.microphone import Block
from accessible_companion.core.settings import Listening
from accessible_companion.voice.listener import LEVEL_STALE, VoiceListener
from accessible_companion.voice.recognizer import SILENT_DBFS, dbfs


def pcm(*samples: int) -> bytes:
    data = array.array("h", samples)
    return data.tobytes()  # little-endian on every machine the companion runs on


def test_dbfs_of_full_scale_half_scale_and_silence() -> None:
    assert dbfs(pcm(32767, -32767) * 100) == pytest.approx(0.0, abs=0.01)
    assert dbfs(pcm(16384, -16384) * 100) == pytest.approx(-6.02, abs=0.01)
    assert dbfs(pcm(0, 0) * 100) == SILENT_DBFS
    assert dbfs(b"") == SILENT_DBFS


def test_the_level_is_the_newest_blocks_and_none_when_not_listening() -> None:
    now = [100.0]
    listener = VoiceListener(Listening(), lambda: Path("/nowhere"), clock=lambda: now[0])
    assert listener.level() is None  # the microphone is not open
    listener._latest = Block(pcm(16384, -16384) * 400, 16000, captured=100.0)
    assert listener.level() == -6.0
    now[0] += LEVEL_STALE + 0.1
    assert listener.level() is None  # no block lately: not listening any more
