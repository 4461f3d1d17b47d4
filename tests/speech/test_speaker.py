"""Speech output: queueing rules with a fake engine and device, then the real thing.

The `real` tests use pyttsx3 + espeak-ng, sounddevice and a private PulseAudio server,
and check what reached the (null) speaker by recording its monitor.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accessible_companion.audio.output import OutputError, SoundDeviceOutput
from accessible_companion.audio.pcm import Pcm, scale
from accessible_companion.core.effects import Speak
from accessible_companion.core.events import AdapterError, Notice, SpeechFinished, SpeechStarted
from accessible_companion.core.settings import Speech, VoiceOut
from accessible_companion.speech import speaker as speech
from accessible_companion.speech.cache import CachedRender
from accessible_companion.speech.earcons import RATE as EARCON_RATE
from accessible_companion.speech.earcons import earcon
from accessible_companion.speech.render import Renderer, RenderError
from accessible_companion.speech.speaker import NullSpeech, SpeechOutput, speech_sink
from rigs.pulse import PulseServer, Recording, loud_windows, rms
from rigs.recorder import Recorder
from tests.support.fixtures import pulse_server

__all__ = ["pulse_server"]  # a fixture: imported so pytest finds it

ROOT = Path(__file__).resolve().parents[2]


# --- fakes for the queueing rules: a renderer and a device that keep time ---

RATE = 1000
SECONDS_PER_CHAR = 0.02


class FakeRenderer:
    """Renders `text` as its own bytes followed by zeros, 20 ms per character."""

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        if text.startswith("fail"):
            raise RenderError("fake failure")
        frames = int(len(text) * SECONDS_PER_CHAR * RATE)
        data = text.encode().ljust(2 * frames, b"\0")
        return Pcm(data, RATE)

    def find_voice(self, wanted: str) -> str | None:
        return None if wanted == "missing" else wanted or "default"

    def close(self) -> None:
        pass


class FakeOutput:
    """Plays by timer; logs (what, text, time). `fail` opens fail first; `end` says how streams end."""

    def __init__(self, fail: int = 0, end: str = "complete") -> None:
        self.fail = fail
        self.end = end
        self.log: list[tuple[str, str, float]] = []
        self._timer: threading.Timer | None = None
        self._text = ""
        self._lock = threading.Lock()

    def prepare(self) -> None:
        pass

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        if self.fail:
            self.fail -= 1
            raise OutputError("cannot open the audio output: fake")
        text = pcm.data.split(b"\0")[0].decode()

        def ended() -> None:
            with self._lock:
                self.log.append(("end", text, time.monotonic()))
            done(self.end == "complete")

        started()
        with self._lock:
            self._text = text
            self.log.append(("play", text, time.monotonic()))
            seconds = {"complete": pcm.duration, "lost": pcm.duration / 2}.get(self.end)
            if seconds is not None:
                self._timer = threading.Timer(seconds, ended)
                self._timer.start()

    def cut(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
            if timer is not None and not timer.finished.is_set():
                timer.cancel()
                self.log.append(("cut", self._text, time.monotonic()))
            elif timer is None and self.end == "never" and self._text:
                self.log.append(("cut", self._text, time.monotonic()))
                self._text = ""

    def close(self) -> None:
        with self._lock:
            self._timer = None

    def rate(self) -> int:
        return RATE

    def what(self, kind: str) -> list[str]:
        with self._lock:
            return [text for k, text, _ in self.log if k == kind]

    def when(self, kind: str, text: str) -> float:
        with self._lock:
            return next(t for k, x, t in self.log if k == kind and x == text)


LOUD = Speech(cue=VoiceOut(volume=1.0), main=VoiceOut(volume=1.0))
"""Full volume keeps the fake's bytes intact (scale() would change them)."""


@pytest.fixture
def events() -> Recorder:
    return Recorder()


@pytest.fixture
def fake() -> FakeOutput:
    return FakeOutput()


@pytest.fixture
def output(events: Recorder, fake: FakeOutput) -> Iterator[SpeechOutput]:
    made = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer)
    made.start(events.post)
    yield made
    made.stop()


def c(utterance: int, text: str) -> Speak:
    return Speak(utterance, "cue", text)


def m(utterance: int, text: str) -> Speak:
    return Speak(utterance, "main", text)


def test_a_new_cue_cuts_the_sounding_cue(output: SpeechOutput, events: Recorder, fake: FakeOutput) -> None:
    output.speak(c(1, "a long cue that takes almost a second"))
    time.sleep(0.15)
    cut_at = time.monotonic()
    output.speak(c(2, "short"))
    done = events.wait_finished(1, 2)
    assert done[1][0].interrupted
    assert done[1][1] - cut_at < 0.05
    assert not done[2][0].interrupted
    assert fake.what("play") == ["a long cue that takes almost a second", "short"]
    assert fake.what("cut") == ["a long cue that takes almost a second"]
    events.assert_each_finished_once(2)


def test_main_is_never_cut_by_a_cue_and_only_the_newest_waiting_cue_is_kept(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(m(1, "main speech for the room"))
    time.sleep(0.05)
    asked = time.monotonic()
    for n in (2, 3, 4):
        output.speak(c(n, f"cue {n}"))
    done = events.wait_finished(1, 2, 3, 4)
    assert not done[1][0].interrupted
    assert done[2][0].interrupted and done[3][0].interrupted  # stale: dropped at once
    assert done[2][1] - asked < 0.05 and done[3][1] - asked < 0.05
    assert not done[4][0].interrupted
    assert fake.what("play") == ["main speech for the room", "cue 4"]
    assert fake.what("cut") == []
    assert fake.when("play", "cue 4") >= fake.when("end", "main speech for the room")
    events.assert_each_finished_once(4)


def test_main_cuts_a_sounding_cue_and_mains_play_in_order(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(c(1, "a cue that is still sounding"))
    time.sleep(0.1)
    for n in (2, 3, 4):
        output.speak(m(n, f"main {n}"))
    done = events.wait_finished(1, 2, 3, 4)
    assert done[1][0].interrupted
    assert [done[n][0].interrupted for n in (2, 3, 4)] == [False, False, False]
    assert done[2][1] < done[3][1] < done[4][1]
    assert fake.what("play") == ["a cue that is still sounding", "main 2", "main 3", "main 4"]


def test_stop_main_cuts_the_phrase_and_drops_the_waiting_ones_not_the_cue(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(m(1, "a main phrase that is still sounding"))
    output.speak(m(2, "an older choice waiting"))
    output.speak(c(3, "the cue of the highlight"))
    time.sleep(0.1)
    output.stop_main()
    output.speak(m(4, "the newest"))
    done = events.wait_finished(1, 2, 3, 4)
    assert done[1][0].interrupted and done[2][0].interrupted
    assert not done[3][0].interrupted and not done[4][0].interrupted
    assert done[4][1] < done[3][1]  # the cue still waits, behind the one phrase left
    assert fake.what("play") == [
        "a main phrase that is still sounding",
        "the newest",
        "the cue of the highlight",
    ]


def test_stop_cue_cuts_a_cue_and_drops_a_waiting_one(
    output: SpeechOutput, events: Recorder, fake: FakeOutput
) -> None:
    output.speak(c(1, "a cue that is still sounding"))
    time.sleep(0.1)
    output.stop_cue()
    assert events.wait_finished(1)[1][0].interrupted
    output.speak(m(2, "main speech"))
    output.speak(c(3, "waiting cue"))
    output.stop_cue()
    done = events.wait_finished(2, 3)
    assert done[3][0].interrupted
    assert not done[2][0].interrupted
    assert fake.what("play") == ["a cue that is still sounding", "main speech"]


def test_stop_finishes_everything_at_once(output: SpeechOutput, events: Recorder) -> None:
    output.speak(m(1, "main speech that is sounding now"))
    output.speak(m(2, "main speech that waits"))
    output.speak(c(3, "a cue that waits"))
    time.sleep(0.1)
    started = time.monotonic()
    output.stop()
    assert time.monotonic() - started < 1.0
    done = events.wait_finished(1, 2, 3, timeout=0.5)
    assert all(event.interrupted for event, _ in done.values())
    output.speak(c(4, "after stop"))
    assert events.wait_finished(4, timeout=0.5)[4][0].interrupted
    events.assert_each_finished_once(4)


def test_every_speak_finishes_exactly_once_under_a_random_storm(
    output: SpeechOutput, events: Recorder
) -> None:
    rng = random.Random(3)
    count = 300
    for n in range(1, count + 1):
        roll = rng.random()
        if roll < 0.15:
            output.speak(m(n, "main " * rng.randint(0, 3)))
        else:
            output.speak(c(n, "cue " * rng.randint(0, 4)))
        if rng.random() < 0.1:
            output.stop_cue()
        time.sleep(rng.choice([0, 0, 0.001, 0.01, 0.05]))
    events.wait_finished(*range(1, count + 1), timeout=60)
    events.assert_each_finished_once(count)


def test_blank_text_finishes_at_once(output: SpeechOutput, events: Recorder, fake: FakeOutput) -> None:
    output.speak(c(1, "  "))
    assert not events.wait_finished(1)[1][0].interrupted
    assert fake.what("play") == []


def test_engine_that_cannot_start_is_reported_once_and_retried_with_backoff(
    events: Recorder, fake: FakeOutput
) -> None:
    attempts: list[float] = []
    clock = Clock()

    def broken_then_fine() -> FakeRenderer:
        attempts.append(clock.now - 1000.0)
        if len(attempts) <= 2:
            raise RenderError("cannot start the speech engine: no espeak")
        return FakeRenderer()

    output = SpeechOutput(LOUD, output=fake, renderer=broken_then_fine, clock=clock)
    output.start(events.post)
    try:
        events.wait_for_type(AdapterError, 1)  # the load at start failed
        for n in (1, 2):  # not tried again before RETRY_FIRST
            output.speak(c(n, f"cue {n}"))
            events.wait_finished(n)
        clock.now += speech.RETRY_FIRST
        output.speak(c(3, "cue 3"))  # tried, fails: the next wait doubles
        events.wait_finished(3)
        clock.now += speech.RETRY_FIRST
        output.speak(c(4, "cue 4"))
        events.wait_finished(4)
        assert attempts == [0.0, speech.RETRY_FIRST]
        assert events.errors() == ["cannot start the speech engine: no espeak"]
        assert all(events.finishes()[n][0][0].interrupted for n in (1, 2, 3, 4))
        clock.now += speech.RETRY_FIRST
        output.speak(c(5, "cue 5"))
        assert not events.wait_finished(5)[5][0].interrupted
        assert events.notices()[-1] == "speech engine working again"
    finally:
        output.stop()


def test_render_failures_are_reported_once(output: SpeechOutput, events: Recorder) -> None:
    for n in (1, 2, 3):
        output.speak(m(n, f"fail {n}"))
    done = events.wait_finished(1, 2, 3)
    assert all(event.interrupted for event, _ in done.values())
    assert events.errors() == ["could not render speech: fake failure"]
    output.speak(m(4, "fine"))
    assert not events.wait_finished(4)[4][0].interrupted
    assert events.notices()[-1] == "speech rendering working again"


def test_device_failures_are_reported_once_and_the_device_retried(
    events: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speech, "RETRY_FIRST", 0.0)  # no backoff here: see the backoff tests
    fake = FakeOutput(fail=2)
    output = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer)
    output.start(events.post)
    try:
        for n in (1, 2, 3):
            output.speak(m(n, f"main {n}"))
        done = events.wait_finished(1, 2, 3)
        assert [done[n][0].interrupted for n in (1, 2, 3)] == [True, True, False]
        assert events.errors() == ["cannot open the audio output: fake"]
        assert events.notices() == ["audio output working again"]
    finally:
        output.stop()


@pytest.mark.parametrize(
    ("end", "message"), [("never", "audio output stalled"), ("lost", "audio output stopped during speech")]
)
def test_a_stream_that_stalls_or_dies_is_cut_and_reported(
    events: Recorder, monkeypatch: pytest.MonkeyPatch, end: str, message: str
) -> None:
    monkeypatch.setattr(speech, "STALL_MARGIN", 0.2)
    output = SpeechOutput(LOUD, output=FakeOutput(end=end), renderer=FakeRenderer)
    output.start(events.post)
    try:
        output.speak(m(1, "main"))
        output.speak(m(2, "main"))
        done = events.wait_finished(1, 2, timeout=3)
        assert done[1][0].interrupted and done[2][0].interrupted
        assert events.errors() == [message]
    finally:
        output.stop()


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingOutput(FakeOutput):
    """A FakeOutput that logs every attempt to play (also failed ones) at the clock's time."""

    def __init__(self, clock: Clock, fail: int = 0, end: str = "complete") -> None:
        super().__init__(fail=fail, end=end)
        self.clock = clock
        self.attempts: list[float] = []

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        self.attempts.append(self.clock())
        super().play(pcm, done, started)


def test_a_failing_device_is_tried_with_backoff_and_reset_by_a_played_utterance(events: Recorder) -> None:
    clock = Clock()
    fake = CountingOutput(clock, fail=8)
    output = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer, clock=clock)
    output.start(events.post)
    n = 0

    def say(at: float) -> SpeechFinished:
        nonlocal n
        n += 1
        clock.now = 1000.0 + at
        output.speak(c(n, f"cue {n}"))
        return events.wait_finished(n)[n][0]

    try:
        # Tried at 0, then 0.5, 1, 2, 4, 8, 10, 10 s after each failed try; never in between.
        tries = [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 25.5, 35.5]
        assert say(0.0).interrupted
        for at in tries[1:]:
            assert say(at - 0.01).interrupted  # just before the retry: not tried
            assert say(at).interrupted  # the retry, which fails
        assert [round(t - 1000.0, 2) for t in fake.attempts] == tries
        assert events.errors() == ["cannot open the audio output: fake"]  # reported once
        # The device works again: the first try after the backoff plays and resets it.
        assert say(45.4).interrupted
        assert not say(45.5).interrupted
        assert events.notices() == ["audio output working again"]
        assert not say(45.5).interrupted  # no backoff any more
        # A new failure starts again at RETRY_FIRST.
        fake.fail = 1
        assert say(50.0).interrupted
        assert say(50.49).interrupted
        assert not say(50.5).interrupted
        assert [round(t - 1000.0, 2) for t in fake.attempts[len(tries) :]] == [45.5, 45.5, 50.0, 50.5]
        assert events.errors() == ["cannot open the audio output: fake"] * 2
        assert events.notices() == ["audio output working again"] * 2
    finally:
        output.stop()
    events.assert_each_finished_once(n)


def test_while_backing_off_utterances_finish_at_once_without_rendering(events: Recorder) -> None:
    rendered: list[str] = []

    class Counting(FakeRenderer):
        def render(self, text: str, voice: VoiceOut) -> Pcm:
            rendered.append(text)
            return super().render(text, voice)

    clock = Clock()
    fake = CountingOutput(clock, fail=1)
    output = SpeechOutput(LOUD, output=fake, renderer=Counting, clock=clock)
    output.start(events.post)
    try:
        output.speak(m(1, "first"))
        events.wait_finished(1)
        asked = time.monotonic()
        for n in range(2, 12):
            output.speak(m(n, f"main {n}"))
        done = events.wait_finished(*range(2, 12))
        assert all(event.interrupted for event, _ in done.values())
        assert max(at for _, at in done.values()) - asked < 0.05
        assert rendered == ["first"]
        assert len(fake.attempts) == 1
    finally:
        output.stop()


@pytest.mark.parametrize("end", ["lost", "never"])
def test_a_stream_that_dies_or_stalls_starts_the_backoff(
    events: Recorder, monkeypatch: pytest.MonkeyPatch, end: str
) -> None:
    monkeypatch.setattr(speech, "STALL_MARGIN", 0.2)
    clock = Clock()
    fake = CountingOutput(clock, end=end)
    output = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer, clock=clock)
    output.start(events.post)
    try:
        output.speak(m(1, "main speech"))
        assert events.wait_finished(1, timeout=3)[1][0].interrupted
        output.speak(m(2, "main speech"))
        assert events.wait_finished(2)[2][0].interrupted
        assert len(fake.attempts) == 1  # not tried during the backoff
        fake.end = "complete"  # the sound server is back
        clock.now += speech.RETRY_FIRST
        output.speak(m(3, "main speech"))
        assert not events.wait_finished(3)[3][0].interrupted
        # 1 and 2 failed and were kept: said once the device works (3 or a held one is the probe).
        poll(lambda: len(fake.what("end")) == 3, "the held phrases said")
        assert len(fake.attempts) == 4
        assert len(events.errors()) == 1
        assert events.notices() == ["audio output working again"]
    finally:
        output.stop()


def poll(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Wait until `check()` (for state the Recorder is not told about, like the fake's log)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.01)


def started(events: Recorder) -> list[int]:
    return [event.utterance for event, _ in events.of_type(SpeechStarted)]


def test_main_phrases_that_failed_are_said_oldest_first_once_the_device_works(events: Recorder) -> None:
    clock = Clock()
    fake = CountingOutput(clock, fail=1)
    output = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer, clock=clock)
    output.start(events.post)
    try:
        output.speak(m(1, "first"))  # the device fails
        output.speak(c(2, "a cue"))  # cues are never kept
        output.speak(m(3, "second"))  # during the backoff
        done = events.wait_finished(1, 2, 3)
        assert all(event.interrupted for event, _ in done.values())  # the scan goes on at once
        assert started(events) == []
        clock.now += speech.RETRY_FIRST  # the backoff ends: the oldest kept phrase is the probe
        poll(lambda: fake.what("end") == ["first", "second"], "the kept phrases said")
        assert started(events) == [1, 3]
        assert "Not spoken: first" not in events.notices()
    finally:
        output.stop()
    events.assert_each_finished_once(3)  # said late, but SpeechFinished stays one per Speak


def test_main_phrases_too_many_or_too_old_are_shown_as_not_spoken(events: Recorder) -> None:
    clock = Clock()
    fake = CountingOutput(clock, fail=1)
    output = SpeechOutput(LOUD, output=fake, renderer=FakeRenderer, clock=clock)
    output.start(events.post)
    try:
        count = speech.HOLD_MAX + 2
        for n in range(1, count + 1):
            output.speak(m(n, f"main {n}"))
        events.wait_finished(*range(1, count + 1))
        # Only the newest HOLD_MAX are kept: the two oldest are shown as not spoken at once.
        events.wait_until(lambda: len(events.notices()) == 2 or None, 5, "two shown as not spoken")
        assert events.notices() == ["Not spoken: main 1", "Not spoken: main 2"]
        clock.now += speech.HOLD_FOR  # too old to say now: each is shown, none is played
        events.wait_until(lambda: len(events.notices()) == count or None, 5, "all shown as not spoken")
        assert events.notices() == [f"Not spoken: main {n}" for n in range(1, count + 1)]
        notices = [notice for notice, _ in events.of_type(Notice)]
        assert {(n.level, n.kind) for n in notices} == {("warning", "not_spoken")}
        assert len(fake.attempts) == 1 and started(events) == []
    finally:
        output.stop()


def test_a_render_failure_keeps_the_phrase_until_speech_works(events: Recorder) -> None:
    class FailsOnce(FakeRenderer):
        failed = False

        def render(self, text: str, voice: VoiceOut) -> Pcm:
            if text == "hello" and not FailsOnce.failed:
                FailsOnce.failed = True
                raise RenderError("fake failure")
            return super().render(text, voice)

    fake = FakeOutput()
    output = SpeechOutput(LOUD, output=fake, renderer=FailsOnce)
    output.start(events.post)
    try:
        output.speak(m(1, "hello"))
        assert events.wait_finished(1)[1][0].interrupted
        output.speak(c(2, "cue"))  # plays: speech works, so the kept phrase follows
        poll(lambda: fake.what("end") == ["cue", "hello"], "the kept phrase said after the cue")
        assert started(events) == [2, 1]
    finally:
        output.stop()


class FakeSoundDevice:
    """Enough of the sounddevice module for SoundDeviceOutput: a server that can go away.

    Like PortAudio (checked against a real PulseAudio): the device list is made at
    `_initialize`; it is empty if the server was down then, and opening fails while the
    server is down or the list is empty.
    """

    class CallbackStop(Exception):  # noqa: N818 (the real name)
        pass

    def __init__(self) -> None:
        self.up = True
        self.listed = True
        self.rescans = 0
        self.opens = 0

    def _terminate(self) -> None:
        self.listed = False

    def _initialize(self) -> None:
        self.rescans += 1
        self.listed = self.up

    def query_devices(self, device: object, kind: str) -> dict[str, str]:
        if not self.listed:
            raise ValueError("No output device")
        return {"name": "default"}

    def RawOutputStream(self, **kwargs: object) -> FakeSoundDevice.Stream:  # noqa: N802 (the real name)
        self.opens += 1
        if not self.listed:
            raise RuntimeError("Error querying device -1")
        if not self.up:
            raise RuntimeError("Illegal combination of I/O devices [PaErrorCode -9993]")
        return FakeSoundDevice.Stream()

    class Stream:
        latency = 0.01

        def start(self) -> None:
            pass

        def abort(self) -> None:
            pass

        def close(self) -> None:
            pass


def test_sounddevice_output_lists_devices_again_only_after_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    sd = FakeSoundDevice()
    monkeypatch.setattr(SoundDeviceOutput, "_sounddevice", staticmethod(lambda: sd))
    out = SoundDeviceOutput()
    pcm = Pcm(bytes(200), RATE)

    def play() -> bool:
        try:
            out.play(pcm, lambda complete: None, lambda: None)
        except OutputError:
            return False
        return True

    assert play() and sd.rescans == 0
    out.cut()
    sd.up = False  # the server dies
    assert not play()
    assert sd.rescans == 1  # the last stream did not play to its end (cut)
    assert not play()  # still down: listed again, now an empty list
    assert sd.rescans == 2 and not sd.listed
    sd.up = True  # the server is back; the empty list would fail without a new listing
    assert play()
    assert sd.rescans == 3
    # After a stream that played to its end, a failed open with devices listed is not
    # worth ~30 ms of listing; the next one (after the backoff) is.
    out._suspect = False
    sd.up = False
    assert not play() and sd.rescans == 3
    assert not play() and sd.rescans == 4


def test_a_voice_that_is_not_found_is_reported_once(events: Recorder, fake: FakeOutput) -> None:
    settings = Speech(cue=VoiceOut(voice="missing", volume=1.0), main=VoiceOut(volume=1.0))
    output = SpeechOutput(settings, output=fake, renderer=FakeRenderer)
    output.start(events.post)
    try:
        output.speak(c(1, "cue"))
        output.speak(c(2, "cue"))
        events.wait_finished(1, 2)
        assert events.errors() == ["cue voice 'missing' not found or not usable; using the default voice"]
    finally:
        output.stop()


def test_null_speech_finishes_at_once() -> None:
    events = Recorder()
    sink = NullSpeech()
    sink.speak(c(1, "before start"))
    sink.start(events.post)
    sink.speak(m(2, "hello"))
    sink.stop_cue()
    sink.stop()
    done = events.wait_finished(1, 2, timeout=0.1)
    assert not done[1][0].interrupted and not done[2][0].interrupted
    assert isinstance(speech_sink(Speech(enabled=False)), NullSpeech)
    assert isinstance(speech_sink(Speech()), SpeechOutput)


# --- the real thing: pyttsx3 + espeak-ng -> sounddevice -> PulseAudio null sink ---

WINDOW = 0.02
"""Seconds per analysis window of a recording."""


def sounding(recording: Recording, samples: list[int] | None = None) -> list[tuple[float, float]]:
    """(start, end) monotonic times of each run of loud windows in a recording."""
    audio = recording.samples() if samples is None else samples
    start = recording.start_time()
    runs: list[list[int]] = []
    for i in loud_windows(audio, recording.rate, WINDOW):  # type: ignore[arg-type]
        if runs and i - runs[-1][1] <= 3:  # gaps under 60 ms are within a word
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(start + a * WINDOW, start + (b + 1) * WINDOW) for a, b in runs]


def total(runs: list[tuple[float, float]]) -> float:
    return sum(b - a for a, b in runs)


def rendered(text: str, voice: VoiceOut) -> float:
    """The length of `text` as the renderer makes it."""
    renderer = Renderer()
    try:
        return renderer.render(text, voice).duration
    finally:
        renderer.close()


@pytest.fixture
def real(events: Recorder) -> Iterator[SpeechOutput]:
    made = SpeechOutput(Speech())
    made.start(events.post)
    yield made
    started = time.monotonic()
    made.stop()
    assert time.monotonic() - started < 1.2


def timed_speak(output: SpeechOutput, request: Speak) -> float:
    """Speak; check that the call did not block; return when it was made."""
    started = time.monotonic()
    output.speak(request)
    assert time.monotonic() - started < 0.01
    return started


@pytest.mark.real
def test_main_speech_is_heard_and_finishes_when_the_audio_ends(
    pulse_server: PulseServer, real: SpeechOutput, events: Recorder
) -> None:
    text = "Could you please bring me a glass of water"
    length = rendered(text, Speech().main)
    with pulse_server.record() as recording:
        time.sleep(0.3)  # the engine loads in the background meanwhile
        spoken = timed_speak(real, m(1, text))
        finished, at = events.wait_finished(1)[1]
        time.sleep(0.3)
        samples = recording.stop()
    assert not finished.interrupted
    runs = sounding(recording, list(samples))
    assert runs, "nothing reached the speaker"
    first, last = runs[0][0], runs[-1][1]
    start = recording.start_time()
    speech_rms = rms(samples[int((first - start) * recording.rate) : int((last - start) * recording.rate)])
    print(
        f"\nmain: speak->sound {1000 * (first - spoken):.0f} ms, rendered {length:.2f} s, "
        f"sounded {last - first:.2f} s, finished {1000 * (at - last):.0f} ms after the sound, "
        f"rms {speech_rms:.0f}"
    )
    assert speech_rms > 1000  # silence on a null sink is exactly 0
    assert first - spoken < 0.5
    assert last - first == pytest.approx(length, abs=0.2)
    assert at - spoken == pytest.approx(length, abs=0.4)
    assert -0.1 < at - last < 0.35  # posted as the audio ended, not when it was queued
    assert events.errors() == []


@pytest.mark.real
def test_a_new_cue_cuts_the_sounding_cue_at_once(
    pulse_server: PulseServer, real: SpeechOutput, events: Recorder
) -> None:
    long = "Scanning the food and drink menu, with tea, coffee, water, juice and soup"
    short = "Yes"
    voice = Speech().cue
    long_length, short_length = rendered(long, voice), rendered(short, voice)
    with pulse_server.record() as recording:
        time.sleep(0.3)
        timed_speak(real, c(1, long))
        time.sleep(0.3)
        cut = timed_speak(real, c(2, short))
        done = events.wait_finished(1, 2)
        time.sleep(0.3)
        samples = recording.stop()
    (first, first_at), (second, second_at) = done[1], done[2]
    assert first.interrupted and not second.interrupted
    runs = sounding(recording, list(samples))
    heard = total(runs)
    print(
        f"\ncue cut: finished {1000 * (first_at - cut):.0f} ms after the new cue; heard {heard:.2f} s "
        f"of {long_length:.2f} + {short_length:.2f} s; sound ends {1000 * (runs[-1][1] - second_at):.0f} ms "
        "after the second cue finished"
    )
    assert long_length > 3.0
    assert first_at - cut < 0.15
    # The first cue sounded ~0.3 s, then the second cue played whole.
    assert heard == pytest.approx(0.3 + short_length, abs=0.25)
    assert runs[-1][1] < second_at + 0.1
    assert events.errors() == []


@pytest.mark.real
def test_main_speech_is_not_cut_by_a_cue(
    pulse_server: PulseServer, real: SpeechOutput, events: Recorder
) -> None:
    text = "I would like to sit up a little, please"
    cue = "Drinks"
    main_length = rendered(text, Speech().main)
    cue_length = rendered(cue, Speech().cue)
    with pulse_server.record() as recording:
        time.sleep(0.3)
        spoken = timed_speak(real, m(1, text))
        time.sleep(0.3)
        timed_speak(real, c(2, cue))
        done = events.wait_finished(1, 2)
        time.sleep(0.3)
        samples = recording.stop()
    (main, main_at), (cue_done, cue_at) = done[1], done[2]
    assert not main.interrupted and not cue_done.interrupted
    assert main_at - spoken == pytest.approx(main_length, abs=0.4)
    assert cue_at > main_at
    runs = sounding(recording, list(samples))
    # The cue is heard after the main phrase ended, and both whole.
    assert runs[-1][0] > main_at - 0.1
    assert total(runs) == pytest.approx(main_length + cue_length, abs=0.6)
    assert events.errors() == []


@pytest.mark.real
def test_stop_silences_main_speech(pulse_server: PulseServer, real: SpeechOutput, events: Recorder) -> None:
    with pulse_server.record() as recording:
        time.sleep(0.3)
        real.speak(m(1, "This is a long phrase for the room that will be stopped halfway through"))
        time.sleep(0.6)
        stopped = time.monotonic()
        real.stop()
        took = time.monotonic() - stopped
        finished = events.wait_finished(1)[1][0]
        time.sleep(0.3)
        samples = recording.stop()
    assert finished.interrupted
    assert took < 1.0
    runs = sounding(recording, list(samples))
    print(
        f"\nstop: took {1000 * took:.0f} ms, sound ended {1000 * (runs[-1][1] - stopped):.0f} ms after stop()"
    )
    assert runs and runs[-1][1] < stopped + 0.15


@pytest.mark.real
def test_a_dead_sound_server_is_reported_and_never_hangs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, events: Recorder
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-such-socket'}")
    output = SpeechOutput(Speech())
    output.start(events.post)
    try:
        timed_speak(output, c(1, "Drinks"))
        timed_speak(output, m(2, "Water, please"))
        done = events.wait_finished(1, 2)
        assert done[1][0].interrupted and done[2][0].interrupted
        timed_speak(output, c(3, "Food"))
        assert events.wait_finished(3)[3][0].interrupted
        errors = events.errors()
        assert len(errors) == 1, errors  # once, not once per utterance
        assert errors[0].startswith("cannot open the audio output")
    finally:
        started = time.monotonic()
        output.stop()
        assert time.monotonic() - started < 1.2
    events.assert_each_finished_once(3)


@pytest.mark.real
def test_portaudio_started_before_the_sound_server_is_listed_again(pulse_server: PulseServer) -> None:
    """PortAudio lists devices once; if that was before the server was reachable, the
    adapter lists them again. A fresh process makes sure sounddevice starts without it."""
    script = textwrap.dedent(
        """
        import json, os, sys, threading, time
        import sounddevice
        devices = len(sounddevice.query_devices())  # 0 here: no server was reachable
        os.environ["PULSE_SERVER"] = sys.argv[1]
        from accessible_companion.speech.speaker import SpeechOutput
        from accessible_companion.core.effects import Speak
        from accessible_companion.core.settings import Speech
        got = []
        done = threading.Event()
        def post(event, at):
            got.append(repr(event))
            if type(event).__name__ == "SpeechFinished":
                done.set()
        output = SpeechOutput(Speech())
        output.start(post)
        output.speak(Speak(1, "main", "Hello"))
        done.wait(10)
        output.stop()
        print(json.dumps({"devices": devices, "events": got}))
        """
    )
    env = {k: v for k, v in pulse_server.env().items() if k != "PULSE_SERVER"}
    with pulse_server.record() as recording:
        result = subprocess.run(
            [sys.executable, "-c", script, pulse_server.server],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
        samples = recording.stop()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["devices"]:  # a real sound server was reachable without PULSE_SERVER
        print("\nPortAudio saw devices before PULSE_SERVER was set: re-listing not exercised")
    assert report["events"] == [
        "SpeechStarted(utterance=1)",
        "SpeechFinished(utterance=1, interrupted=False)",
    ]
    assert sounding(recording, list(samples))


# --- rendering ahead through the cache ---


class SlowCountingRenderer(FakeRenderer):
    """A FakeRenderer that takes 30 ms per render and logs what it rendered."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        time.sleep(0.03)
        self.rendered.append(text)
        return super().render(text, voice)


def test_prepared_texts_are_rendered_ahead_and_a_cue_never_waits_behind_them(
    events: Recorder, fake: FakeOutput
) -> None:
    inner = SlowCountingRenderer()
    made = SpeechOutput(LOUD, output=fake, renderer=lambda: CachedRender(inner, None))
    made.start(events.post)
    try:
        menu = [f"item {n}" for n in range(40)]
        made.prepare(menu, "cue")
        time.sleep(0.1)  # a few rendered ahead
        made.speak(c(1, "urgent"))
        events.wait_finished(1)
        ahead_before_cue = inner.rendered.index("urgent")
        # The cue waited for at most the one render already running (plus the ~3 done before it).
        assert 1 <= ahead_before_cue <= 5, inner.rendered[:8]
        deadline = time.monotonic() + 5
        while len(inner.rendered) < 41 and time.monotonic() < deadline:
            time.sleep(0.02)
        # After the cue, rendering ahead went on where it stopped, each item once.
        assert sorted(inner.rendered) == sorted([*menu, "urgent"])
        made.speak(c(2, "item 7"))
        events.wait_finished(2)
        assert inner.rendered.count("item 7") == 1  # spoken from the cache
        assert fake.what("play")[-1] == "item 7"
    finally:
        made.stop()


# --- earcons ---


class CapturingOutput(FakeOutput):
    """Keeps every Pcm it is asked to play (earcons are not text, so no decoding)."""

    def __init__(self) -> None:
        super().__init__()
        self.played: list[Pcm] = []

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        self.played.append(pcm)
        started()
        threading.Timer(pcm.duration, done, args=(True,)).start()


def test_an_earcon_plays_alone_or_before_the_words_at_its_own_volume(events: Recorder) -> None:
    out = CapturingOutput()
    made = SpeechOutput(LOUD, output=out, renderer=FakeRenderer)
    made.start(events.post)
    try:
        made.speak(Speak(1, "main", "", "select"))
        made.speak(Speak(2, "main", "yes", "alert"))
        done = events.wait_finished(1, 2)
    finally:
        made.stop()
    assert not done[1][0].interrupted and not done[2][0].interrupted
    # Alone, at the engine's usual rate; before words, at the words' rate (one stream).
    assert out.played[0] == scale(earcon("select", EARCON_RATE), LOUD.earcons.select)
    alert = scale(earcon("alert", RATE), LOUD.earcons.alert)
    words = FakeRenderer().render("yes", LOUD.main)
    assert out.played[1] == Pcm(alert.data + words.data, RATE)


@pytest.mark.real
def test_cue_and_main_reach_their_own_stereo_channels(pulse_server: PulseServer) -> None:
    routed = Speech(
        cue=VoiceOut(volume=1.0, channel="left"),
        main=VoiceOut(volume=1.0, channel="right"),
    )
    events = Recorder()
    made = SpeechOutput(routed)
    made.start(events.post)
    try:
        with pulse_server.record(channels=2) as recording:
            made.speak(c(1, "Water"))
            events.wait_finished(1)
            cue = recording.stop()
        with pulse_server.record(channels=2) as recording:
            made.speak(m(2, "I would like some water"))
            events.wait_finished(2)
            main = recording.stop()
    finally:
        made.stop()
    assert not events.finishes()[1][0][0].interrupted
    assert not events.finishes()[2][0][0].interrupted
    cue_left, cue_right = rms(cue[0::2]), rms(cue[1::2])
    main_left, main_right = rms(main[0::2]), rms(main[1::2])
    assert cue_left > 200 and cue_right < cue_left / 20, (cue_left, cue_right)
    assert main_right > 200 and main_left < main_right / 20, (main_left, main_right)


@pytest.mark.real
def test_an_output_device_that_matches_nothing_is_reported_by_name(pulse_server: PulseServer) -> None:
    events = Recorder()
    made = SpeechOutput(Speech(main=VoiceOut(device="no such speaker")))
    made.start(events.post)
    try:
        made.speak(m(1, "Hello"))
        assert events.wait_finished(1)[1][0].interrupted
    finally:
        made.stop()
    assert any("no such speaker" in error for error in events.errors()), events.errors()
