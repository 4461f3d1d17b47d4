"""The bench's room (bench/voice_over_cue.py) in a real PulseAudio server: the companion's
cue played to module-echo-cancel's sink reaches the room's microphone loudly and the
canceller's source quietly, while the user's voice comes through. What the bench's figures
for cancellation rest on."""

from __future__ import annotations

import math
import statistics
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
    echoes: list[float] = []
    lefts: list[float] = []
    try:
        for _ in range(3):  # the canceller converges on the first cues
            assert play(pulse_server, cue_file, AEC_SINK).wait(timeout=20) == 0
        for _ in range(5):
            cue_raw, cue_out = len(raw.samples()), len(cancelled.samples())
            assert play(pulse_server, cue_file, AEC_SINK).wait(timeout=20) == 0
            echoes.append(rms(raw.samples()[cue_raw:]))
            lefts.append(rms(cancelled.samples()[cue_out:]))
        user_start = len(cancelled.samples())
        assert play(pulse_server, user_file, pulse_server.mic).wait(timeout=20) == 0
        user_out = len(cancelled.samples())
    finally:
        hum.kill()
        hum.wait()
        raw.stop()
        heard = cancelled.stop()
    voice = rms(heard[user_start:user_out])
    taken_out = [20 * math.log10(echo / max(left, 1.0)) for echo, left in zip(echoes, lefts, strict=True)]
    print(f"\ncue taken out by {', '.join(f'{db:.0f}' for db in taken_out)} dB")
    assert min(echoes) > 500  # the cue really reaches the microphone (measured ~1400)
    # Over 14 dB taken out on at least two cues: with no canceller, or one fed the wrong
    # reference, no cue is (0 dB). Cue by cue it varies from -11 to 43 dB: the room's
    # loopbacks re-time themselves when the machine is busy, and the canceller converges
    # again; a real room's path holds. The median of 5 cues was 18-32 dB in 8 runs, and
    # 11 dB in a fresh-clone CI run (18, 22, then 9, 11, 9 after a re-timing).
    assert sorted(taken_out)[-2] > 14
    assert voice > 5 * statistics.median(lefts)  # and the user's voice is not taken out
