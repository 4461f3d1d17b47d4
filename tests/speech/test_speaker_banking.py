"""Banked phrases in the speech output: a recording plays where a rendered phrase would, by the main
voice's rules; a recording that cannot be played falls back to the words, told once per file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from accessible_companion.audio.pcm import Pcm, scale
from accessible_companion.core.effects import Speak
from accessible_companion.core.events import Notice, SpeechStarted
from accessible_companion.core.settings import Speech, VoiceOut
from accessible_companion.speech.earcons import earcon
from accessible_companion.speech.sounds import SoundError, Sounds
from accessible_companion.speech.speaker import SpeechOutput
from rigs.pulse import PulseServer
from rigs.recorder import Recorder
from rigs.tones import dominant_frequency, write_tone
from tests.speech.test_speaker import LOUD, RATE, CapturingOutput, FakeOutput, FakeRenderer, c
from tests.support.fixtures import pulse_server

__all__ = ["pulse_server"]  # a fixture: imported so pytest finds it


class FakeSounds(Sounds):
    """A recording 'plays' as the bytes `REC:<file name>` (so FakeOutput logs that), 1 s long."""

    def __init__(self) -> None:
        super().__init__()
        self.gets: list[tuple[str, int, float]] = []
        self.aheads: list[tuple[tuple[str, ...], int, float]] = []
        self.missing: set[str] = set()

    def get(self, path: str, rate: int, volume: float) -> Pcm:
        self.gets.append((path, rate, volume))
        if path in self.missing:
            raise SoundError("not found")
        text = f"REC:{Path(path).name}".encode()
        return Pcm(text.ljust(2 * rate, b"\0"), rate)

    def ahead(self, paths: Sequence[str], rate: int, volume: float) -> None:
        self.aheads.append((tuple(paths), rate, volume))

    def close(self) -> None:
        pass


@pytest.fixture
def events() -> Recorder:
    return Recorder()


@pytest.fixture
def fake() -> FakeOutput:
    return FakeOutput()


@pytest.fixture
def sounds() -> FakeSounds:
    return FakeSounds()


def output_with(
    events: Recorder, fake: FakeOutput, sounds: FakeSounds, speech: Speech = LOUD
) -> SpeechOutput:
    made = SpeechOutput(speech, output=fake, renderer=FakeRenderer, sounds=sounds)
    made.start(events.post)
    return made


@pytest.fixture
def output(events: Recorder, fake: FakeOutput, sounds: FakeSounds) -> Iterator[SpeechOutput]:
    made = output_with(events, fake, sounds)
    yield made
    made.stop()


def banked(utterance: int, text: str, sound: str) -> Speak:
    return Speak(utterance, "main", text, sound=sound)


def sound_notices(events: Recorder) -> list[Notice]:
    return [notice for notice, _ in events.of_type(Notice) if notice.kind == "sound_missing"]


def test_a_banked_phrase_plays_its_recording_at_the_devices_rate_and_the_main_volume(
    events: Recorder, fake: FakeOutput, sounds: FakeSounds
) -> None:
    made = output_with(events, fake, sounds, Speech(main=VoiceOut(volume=0.7)))
    try:
        made.speak(banked(1, "Water, please", "/config/recordings/water.flac"))
        finished = events.wait_finished(1)[1][0]
    finally:
        made.stop()
    assert not finished.interrupted
    assert fake.what("play") == ["REC:water.flac"]
    assert sounds.gets == [("/config/recordings/water.flac", RATE, 0.7)]
    assert sound_notices(events) == []


def test_a_cue_never_cuts_a_recording_and_waits_behind_it(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(banked(1, "Water, please", "/config/water.wav"))
    time.sleep(0.1)
    output.speak(c(2, "Tea"))
    done = events.wait_finished(1, 2)
    assert not done[1][0].interrupted and not done[2][0].interrupted
    assert fake.what("cut") == []
    assert fake.when("play", "Tea") >= fake.when("end", "REC:water.wav")


def test_a_recording_cuts_a_sounding_cue_as_main_speech_does(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(c(1, "a cue that is still sounding"))
    time.sleep(0.1)
    output.speak(banked(2, "Water", "/config/water.wav"))
    done = events.wait_finished(1, 2)
    assert done[1][0].interrupted and not done[2][0].interrupted
    assert fake.what("play") == ["a cue that is still sounding", "REC:water.wav"]


def test_a_missing_recording_says_its_words_and_tells_once_per_file(
    output: SpeechOutput, events: Recorder, fake: FakeOutput, sounds: FakeSounds
) -> None:
    sounds.missing = {"/config/gone.wav", "/config/also-gone.wav"}
    output.speak(banked(1, "I am cold", "/config/gone.wav"))
    output.speak(banked(2, "I am cold", "/config/gone.wav"))
    output.speak(banked(3, "Thank you", "/config/also-gone.wav"))
    done = events.wait_finished(1, 2, 3)
    assert not any(done[n][0].interrupted for n in (1, 2, 3))
    assert fake.what("play") == ["I am cold", "I am cold", "Thank you"]
    notices = sound_notices(events)
    assert [n.text for n in notices] == [
        "Recording gone.wav: not found; its words are spoken instead",
        "Recording also-gone.wav: not found; its words are spoken instead",
    ]
    assert all(n.level == "warning" and not n.spoken for n in notices)


def test_a_recording_that_came_back_and_went_again_is_told_again(
    output: SpeechOutput, events: Recorder, fake: FakeOutput, sounds: FakeSounds
) -> None:
    sounds.missing = {"/config/water.wav"}
    output.speak(banked(1, "Water", "/config/water.wav"))
    events.wait_finished(1)
    sounds.missing = set()
    output.speak(banked(2, "Water", "/config/water.wav"))
    events.wait_finished(2)
    sounds.missing = {"/config/water.wav"}
    output.speak(banked(3, "Water", "/config/water.wav"))
    events.wait_finished(3)
    assert fake.what("play") == ["Water", "REC:water.wav", "Water"]
    assert len(sound_notices(events)) == 2


def test_an_earcon_goes_before_the_recording_in_one_stream(events: Recorder, sounds: FakeSounds) -> None:
    out = CapturingOutput()
    made = output_with(events, out, sounds)
    try:
        made.speak(Speak(1, "main", "Water", earcon="alert", sound="/config/water.wav"))
        events.wait_finished(1)
    finally:
        made.stop()
    alert = scale(earcon("alert", RATE), LOUD.earcons.alert)
    assert out.played == [Pcm(alert.data + sounds.get("/config/water.wav", RATE, 1.0).data, RATE)]


def test_preparing_a_menu_decodes_its_recordings_ahead_at_the_devices_rate(
    output: SpeechOutput, sounds: FakeSounds
) -> None:
    output.prepare(["Water", "Tea"], "main", ["/config/water.wav", "/config/tea.wav"])
    deadline = time.monotonic() + 2
    while not sounds.aheads:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert sounds.aheads == [(("/config/water.wav", "/config/tea.wav"), RATE, LOUD.main.volume)]
    output.prepare(["Hello"], "cue")  # the cue voice's texts leave the recordings alone
    time.sleep(0.1)
    assert len(sounds.aheads) == 1


def test_a_recording_is_held_like_a_phrase_while_the_device_is_down(
    events: Recorder, sounds: FakeSounds
) -> None:
    fake = FakeOutput(fail=1)
    made = output_with(events, fake, sounds)
    try:
        made.speak(banked(1, "Water", "/config/water.wav"))
        assert events.wait_finished(1)[1][0].interrupted  # given up on at once: the scan goes on
        deadline = time.monotonic() + 3
        while "REC:water.wav" not in fake.what("play"):  # said when the device is back
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        made.stop()


# --- the real thing: the decoder's process -> sounddevice -> PulseAudio null sink ---


def loud_runs(samples: np.ndarray, rate: int, threshold: float = 300.0) -> list[tuple[int, int]]:
    """(start, end) sample indices of runs of 10 ms windows above `threshold`, gaps under 60 ms joined."""
    size = rate // 100
    loud = [i for i in range(0, len(samples) - size, size) if np.abs(samples[i : i + size]).max() > threshold]
    runs: list[list[int]] = []
    for i in loud:
        if runs and i - runs[-1][1] <= 6 * size:
            runs[-1][1] = i + size
        else:
            runs.append([i, i + size])
    return [(a, b) for a, b in runs]


@pytest.mark.real
def test_a_recording_is_heard_on_the_main_voices_channel_at_its_volume(
    pulse_server: PulseServer, tmp_path: Path
) -> None:
    path = str(
        write_tone(
            tmp_path / "water.flac", frequency=523.0, seconds=1.2, rate=48000, channels=2, amplitude=0.6
        )
    )
    routed = Speech(cue=VoiceOut(channel="left"), main=VoiceOut(volume=0.5, channel="right"))
    events = Recorder()
    made = SpeechOutput(routed)
    made.start(events.post)
    try:
        made.prepare(["Water"], "main", [path])
        time.sleep(1.5)  # the decoder's process starts and decodes ahead meanwhile
        with pulse_server.record(channels=2) as recording:
            asked = time.monotonic()
            made.speak(banked(1, "Water", path))
            finished, ended = events.wait_finished(1, timeout=10)[1]
            started = events.of_type(SpeechStarted)[0][1]
            time.sleep(1.0)
            stereo = recording.stop()
    finally:
        made.stop()
    assert not finished.interrupted
    assert [n.kind for n, _ in events.of_type(Notice)] == []
    audio = np.asarray(stereo, dtype=np.float64)
    left, right = audio[0::2], audio[1::2]
    runs = loud_runs(right, recording.rate)
    assert len(runs) == 1, runs
    start, end = runs[0]
    heard = right[start:end]
    rms_right = float(np.sqrt(np.mean(heard**2)))
    rms_left = float(np.sqrt(np.mean(left[start:end] ** 2)))
    seconds = (end - start) / recording.rate
    print(
        f"\nbanked: speak->first sample {1000 * (started - asked):.1f} ms, heard {seconds:.2f} s "
        f"at {dominant_frequency(heard, recording.rate):.1f} Hz, "
        f"rms right {rms_right:.0f} left {rms_left:.0f}; "
        f"started->finished {ended - started:.2f} s"
    )
    assert dominant_frequency(heard, recording.rate) == pytest.approx(523.0, abs=4.0)
    # Whole, or nearly: the output aborts its stream once the last block went out, which drops
    # what PulseAudio still buffers (~40 ms here; after underruns on a loaded machine PulseAudio
    # raises its latency and up to ~0.7 s was lost, for synthetic phrases as much: see the report).
    assert 0.6 <= seconds <= 1.25
    # 0.6 of full scale at the main voice's volume 0.5: a sine's rms is its peak / sqrt(2).
    assert rms_right == pytest.approx(0.6 * 0.5 * 32767 / np.sqrt(2), rel=0.15)
    assert rms_left < rms_right / 50
    assert started - asked < 0.1  # decoded ahead: it starts as a cached phrase does


@pytest.mark.real
def test_a_recording_plays_whole_while_the_machine_is_busy(pulse_server: PulseServer, tmp_path: Path) -> None:
    """Recordings play at the device's rate (44.1 kHz here). With PortAudio's "low" latency
    (two blocks, 23 ms) and every core busy, the ALSA pulse plugin underran again and again:
    in two runs 2 and 3 of the 6 plays were cut to 0.87-1.19 s (output.LATENCY)."""
    path = str(write_tone(tmp_path / "water.flac", frequency=523.0, seconds=1.5, rate=48000, amplitude=0.6))
    events = Recorder()
    made = SpeechOutput(Speech())
    made.start(events.post)
    spin = [sys.executable, "-c", "while True: pass"]
    busy = [subprocess.Popen(spin) for _ in range(os.cpu_count() or 2)]
    heard: list[float] = []
    try:
        made.prepare(["Water"], "main", [path])
        time.sleep(1.5)  # the decoder's process starts and decodes ahead meanwhile
        with pulse_server.record() as recording:
            for utterance in range(1, 7):
                before = len(recording.samples())
                made.speak(banked(utterance, "Water", path))
                finished = events.wait_finished(utterance, timeout=10)[utterance][0]
                assert not finished.interrupted
                time.sleep(0.3)
                after = np.asarray(recording.samples()[before:], dtype=np.float64)
                heard.append(
                    sum(end - start for start, end in loud_runs(after, recording.rate)) / recording.rate
                )
    finally:
        for each in busy:
            each.kill()
            each.wait()
        made.stop()
    print(f"\nheard {', '.join(f'{seconds:.2f}' for seconds in heard)} s of 1.5 s")
    assert min(heard) >= 1.3, heard


@pytest.mark.real
def test_a_missing_recording_is_heard_as_words_and_told_once(
    pulse_server: PulseServer, tmp_path: Path
) -> None:
    events = Recorder()
    made = SpeechOutput(Speech())
    made.start(events.post)
    gone = str(tmp_path / "gone.wav")
    try:
        with pulse_server.record() as recording:
            made.speak(banked(1, "I am cold", gone))
            made.speak(banked(2, "I am cold", gone))
            done = events.wait_finished(1, 2, timeout=10)
            time.sleep(0.2)
            samples = recording.stop()
    finally:
        made.stop()
    assert not done[1][0].interrupted and not done[2][0].interrupted
    assert [n.text for n, _ in events.of_type(Notice) if n.kind == "sound_missing"] == [
        "Recording gone.wav: not found; its words are spoken instead"
    ]
    audio = np.asarray(samples, dtype=np.float64)
    assert len(loud_runs(audio, recording.rate)) >= 2  # the words, twice
    assert float(np.sqrt(np.mean(audio**2))) > 300
