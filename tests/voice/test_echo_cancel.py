"""The bench's room (bench/voice_over_cue.py) in a real PulseAudio server: the companion's
cue played to module-echo-cancel's sink reaches the room's microphone loudly and the
canceller's source quietly, while the user's voice comes through. What the bench's figures
for cancellation rest on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.voice_over_cue import AEC_SINK, AEC_SOURCE, play, room
from rigs.pulse import PulseServer, rms
from rigs.speech_clips import RATE, noise_floor, synthesize, to_pcm, write_wav
from tests.support.fixtures import pulse_server

__all__ = ["pulse_server"]  # a fixture: imported so pytest finds it

pytestmark = pytest.mark.real


def test_the_cancelled_microphone_hears_the_user_and_hardly_the_cue(
    pulse_server: PulseServer, tmp_path: Path
) -> None:
    cue = synthesize("이야기 도와줘 기분 설정", "ko", 190)
    cue = cue * (0.54 / float(np.max(np.abs(cue))))
    user = synthesize("넘어가", "ko+f2", 130, 60)
    user = user * (0.5 / float(np.max(np.abs(user))))
    cue_file = write_wav(tmp_path / "cue.wav", to_pcm(cue))
    user_file = write_wav(tmp_path / "user.wav", to_pcm(user))
    floor = write_wav(tmp_path / "floor.wav", to_pcm(noise_floor(40 * RATE, -55.0, 1)))
    room(pulse_server, -6.0, aec=True)
    hum = play(pulse_server, floor, pulse_server.mic)
    raw = pulse_server.record(f"{pulse_server.mic}.monitor")
    cancelled = pulse_server.record(AEC_SOURCE)
    try:
        for _ in range(4):  # the canceller converges on the first cues
            assert play(pulse_server, cue_file, AEC_SINK).wait(timeout=20) == 0
        cue_raw, cue_out = len(raw.samples()), len(cancelled.samples())
        assert play(pulse_server, cue_file, AEC_SINK).wait(timeout=20) == 0
        cue_raw_end, cue_out_end = len(raw.samples()), len(cancelled.samples())
        assert play(pulse_server, user_file, pulse_server.mic).wait(timeout=20) == 0
        user_out = len(cancelled.samples())
    finally:
        hum.kill()
        hum.wait()
        heard_raw = raw.stop()
        heard = cancelled.stop()
    echo = rms(heard_raw[cue_raw:cue_raw_end])
    left = rms(heard[cue_out:cue_out_end])
    voice = rms(heard[cue_out_end:user_out])
    assert echo > 500  # the cue really reaches the microphone (measured ~1400)
    assert left < echo / 5  # over 14 dB of it taken out (measured ~24 dB)
    assert voice > 5 * left  # and the user's voice is not
