"""The microphone adapter: blocks, states, losses and recovery.

The first tests drive it with a fake sounddevice module (device names, rates, backoff,
relisting); the `real` ones read a private PulseAudio server's null sink `testmic`, whose
monitor stands for the microphone (PULSE_SOURCE points the ALSA default device at it), and
play into it with paplay.
"""

from __future__ import annotations

import array
import itertools
import json
import logging
import math
import subprocess
import sys
import textwrap
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.audio import portaudio
from accessible_companion.audio.microphone import (
    JOIN_RETRY,
    RETRY_MAX,
    Block,
    Microphone,
    MicrophoneState,
    block_bytes,
)
from rigs.pulse import MIC, PulseServer, loud_windows, rms
from tests.audio.test_joining import voiced
from tests.support.fixtures import pulse_server
from tests.voice.test_isolated import gated, model

__all__ = ["model", "pulse_server"]  # fixtures: imported so pytest finds them

ROOT = Path(__file__).resolve().parents[2]

LOST, MUTED, BACK, LISTENING = (
    MicrophoneState.LOST,
    MicrophoneState.MUTED,
    MicrophoneState.BACK,
    MicrophoneState.LISTENING,
)


class States:
    """Records on_state calls with the time they came."""

    def __init__(self) -> None:
        self.seen: list[tuple[MicrophoneState, str, float]] = []

    def __call__(self, state: MicrophoneState, detail: str) -> None:
        self.seen.append((state, detail, time.monotonic()))

    def names(self) -> list[MicrophoneState]:
        return [state for state, _, _ in self.seen]

    def at(self, state: MicrophoneState) -> float:
        return next(at for s, _, at in self.seen if s is state)

    def detail(self, state: MicrophoneState) -> str:
        return next(detail for s, detail, _ in self.seen if s is state)


def read_until(
    mic: Microphone, done: Callable[[], bool], limit: float, timeout: float = 0.1
) -> tuple[list[Block], float]:
    """Read until `done()` or `limit` seconds; the blocks, and the longest read() call."""
    blocks: list[Block] = []
    longest = 0.0
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        started = time.monotonic()
        block = mic.read(timeout)
        longest = max(longest, time.monotonic() - started)
        if block is not None:
            blocks.append(block)
    return blocks, longest


def read_for(mic: Microphone, seconds: float, timeout: float = 0.1) -> tuple[list[Block], float]:
    return read_until(mic, lambda: False, seconds, timeout)


def samples_of(blocks: list[Block]) -> array.array[int]:
    samples = array.array("h", b"".join(block.data for block in blocks))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


# --- with a fake sounddevice ---


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Flags:
    """sounddevice.CallbackFlags, as far as the callback looks."""

    def __init__(self, input_overflow: bool = False) -> None:
        self.input_overflow = input_overflow

    def __bool__(self) -> bool:
        return self.input_overflow


class FakeStream:
    def __init__(self, sd: FakeSoundDevice, **kwargs: Any) -> None:
        self.sd = sd
        self.kwargs = kwargs
        self.running = False
        self.closed = False

    def start(self) -> None:
        self.running = True

    def feed(self, data: bytes | bytearray, overflow: bool = False) -> None:
        """Call the callback as PortAudio's thread would."""
        self.kwargs["callback"](data, len(data) // 2, None, Flags(overflow))

    def end(self) -> None:
        """The stream ends by itself (the sound server died, or PortAudio was relisted)."""
        if self.running:
            self.running = False
            self.kwargs["finished_callback"]()

    def close(self) -> None:
        self.end()
        self.closed = True


class FakeSoundDevice:
    """Enough of sounddevice for Microphone. Like PortAudio, the device list is made at
    `_initialize` (empty while the server is down), and relisting stops every stream."""

    def __init__(self, names: tuple[str, ...] = ("pulse", "default")) -> None:
        self.devices: list[dict[str, Any]] = [
            {"index": i, "name": name, "max_input_channels": 0 if name.startswith("out") else 2}
            for i, name in enumerate(names)
        ]
        self.listed = list(self.devices)
        self.up = True
        self.native_rate = 44100
        self.takes_16k = True
        self.rescans = 0
        self.streams: list[FakeStream] = []
        self.opens = 0

    def _terminate(self) -> None:
        self.listed = []
        for stream in self.streams:
            stream.end()

    def _initialize(self) -> None:
        self.rescans += 1
        self.listed = list(self.devices) if self.up else []

    def query_devices(self, device: int | None = None, kind: str | None = None) -> Any:
        if kind is None:
            return list(self.listed)
        inputs = [info for info in self.listed if info["max_input_channels"] > 0]
        found = [i for i in inputs if i["index"] == device] if device is not None else inputs[-1:]
        if not found:
            raise ValueError("Error querying device -1")
        return {**found[0], "default_samplerate": float(self.native_rate)}

    def check_input_settings(self, device: int | None, samplerate: int, channels: int, dtype: str) -> None:
        self.query_devices(device, "input")
        if samplerate == 16000 and not self.takes_16k:
            raise ValueError("Invalid sample rate [PaErrorCode -9997]")

    def RawInputStream(self, **kwargs: Any) -> FakeStream:  # noqa: N802 (the real name)
        self.opens += 1
        if not self.up:
            raise RuntimeError("Illegal combination of I/O devices [PaErrorCode -9993]")
        stream = FakeStream(self, **kwargs)
        self.streams.append(stream)
        return stream

    def live(self) -> FakeStream:
        (stream,) = [s for s in self.streams if s.running]
        return stream


@pytest.fixture
def sd(monkeypatch: pytest.MonkeyPatch) -> FakeSoundDevice:
    fake = FakeSoundDevice()
    monkeypatch.setattr(Microphone, "_sounddevice", staticmethod(lambda: fake))
    return fake


@pytest.fixture
def mics() -> Iterator[list[Microphone]]:
    """Microphones made by the test; closed after it."""
    made: list[Microphone] = []
    yield made
    for mic in made:
        mic.close()


def settle(mic: Microphone, seconds: float = 0.1) -> None:
    """Let read() take what the worker and the stream posted (returns the blocks to no one)."""
    read_for(mic, seconds, timeout=0.02)


def test_fake_blocks_are_copies_at_the_stream_rate_and_listening_is_reported_once(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    states = States()
    clock = Clock()
    mic = Microphone(on_state=states, clock=clock)
    mics.append(mic)
    assert mic.rate == 0
    assert mic.read(0.05) is None  # opens; nothing captured yet
    stream = sd.live()
    assert stream.kwargs["samplerate"] == 16000 and stream.kwargs["blocksize"] * 2 == block_bytes(16000)
    assert stream.kwargs["dtype"] == "int16" and stream.kwargs["channels"] == 1
    assert stream.kwargs["device"] is None and stream.kwargs["latency"] == "low"
    buffer = bytearray(b"\x01\x00" * 800)
    stream.feed(buffer)
    buffer[:] = bytes(1600)  # PortAudio reuses its buffer
    stream.feed(buffer)
    first, second = mic.read(0.5), mic.read(0.5)
    assert first == Block(b"\x01\x00" * 800, 16000, 100.0)
    assert second is not None and second.data == bytes(1600)
    assert mic.rate == 16000
    assert states.names() == [LISTENING]
    assert states.detail(LISTENING) == "default at 16000 Hz"
    assert sd.rescans == 0


@pytest.mark.parametrize(
    ("wanted", "problem", "index"),
    [
        ("no-such-mic", "no input device matching 'no-such-mic'", None),
        ("usb", "several input devices match 'usb': USB Mic A, USB mic B", None),
        ("out speaker", "no input device matching 'out speaker'", None),  # an output only
        ("USB MIC a", None, 0),  # an exact name wins over substrings, in any case
        ("webcam", None, 2),
    ],
)
def test_fake_device_is_chosen_by_part_of_its_name(
    monkeypatch: pytest.MonkeyPatch,
    mics: list[Microphone],
    wanted: str,
    problem: str | None,
    index: int | None,
) -> None:
    sd = FakeSoundDevice(("USB Mic A", "USB mic B", "Webcam C920", "out speaker"))
    monkeypatch.setattr(Microphone, "_sounddevice", staticmethod(lambda: sd))
    states = States()
    mic = Microphone(device=wanted, on_state=states)
    mics.append(mic)
    settle(mic)
    if problem is None:
        assert sd.live().kwargs["device"] == index
        sd.live().feed(bytes(1600))
        settle(mic)
        assert states.names() == [LISTENING]
        assert sd.rescans == 0
    else:
        assert states.seen[0][:2] == (LOST, problem)
        assert sd.opens == 0
        assert sd.rescans == 1  # no usable input device: PortAudio lists its devices again


def test_fake_a_device_that_refuses_16k_is_read_at_its_own_rate_and_resampled(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    sd.takes_16k = False
    states = States()
    mic = Microphone(block_seconds=0.1, on_state=states)
    mics.append(mic)
    settle(mic)
    assert sd.live().kwargs["samplerate"] == 44100 and sd.live().kwargs["blocksize"] == 4410
    tone = array.array("h", (round(8000 * math.sin(2 * math.pi * 440 * i / 44100)) for i in range(44100)))
    for start in range(0, 44100, 4410):
        sd.live().feed(tone[start : start + 4410].tobytes())
    blocks = [mic.read(0.5) for _ in range(9)]  # the filter holds the first block back
    assert all(block is not None and block.rate == 16000 == mic.rate for block in blocks)
    samples = array.array("h", b"".join(block.data for block in blocks if block is not None))
    assert 8 * 1600 <= len(samples) <= 10 * 1600
    # The same tone at 16 kHz: 440 Hz, its level kept (the rms of a sine of peak 8000 is 5657).
    crossings = sum(1 for a, b in itertools.pairwise(samples[1600:]) if a < 0 <= b)
    assert abs(crossings / ((len(samples) - 1600) / 16000) - 440) < 5
    rms = math.sqrt(sum(x * x for x in samples[1600:]) / (len(samples) - 1600))
    assert abs(rms - 5657) < 150
    assert states.seen[0][:2] == (LISTENING, "default at 44100 Hz, resampled to 16000 Hz")


def test_fake_retries_back_off_and_read_keeps_its_timeout(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    sd.up = False  # the server is down, but the list made while it ran is still usable
    clock = Clock()
    states = States()
    mic = Microphone(on_state=states, clock=clock)
    mics.append(mic)
    tries: list[float] = []
    for _ in range(148):  # 37 simulated seconds in 0.25 s steps
        before = sd.opens
        started = time.monotonic()
        assert mic.read(0.01) is None  # and the worker's failed open is taken meanwhile
        assert time.monotonic() - started < 0.3
        if sd.opens > before:
            tries.append(clock.now - 100.0)
        clock.now += 0.25
    assert tries == [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 25.5, 35.5]
    assert states.names() == [LOST]
    assert "Illegal combination" in states.detail(LOST)
    assert sd.rescans == 0  # the list has a usable device: relisting would not help

    sd.up = True
    clock.now += RETRY_MAX
    settle(mic)
    sd.live().feed(bytes(1600))
    settle(mic)
    assert states.names() == [LOST, BACK]
    # Success resets the backoff: the stream dies, and the next try is 0.5 s later.
    sd.live().end()
    settle(mic)
    opens = sd.opens
    clock.now += 0.45
    settle(mic)
    assert sd.opens == opens
    clock.now += 0.1
    settle(mic)
    assert sd.opens == opens + 1
    assert states.names() == [LOST, BACK, LOST]


def test_fake_silence_and_zeros_give_lost_and_muted_once(sd: FakeSoundDevice, mics: list[Microphone]) -> None:
    clock = Clock()
    states = States()
    mic = Microphone(on_state=states, clock=clock, no_audio_seconds=3.0, muted_seconds=2.0)
    mics.append(mic)
    settle(mic)
    for _ in range(60):  # 3 s of exact zeros, 50 ms each
        clock.now += 0.05
        sd.live().feed(bytes(1600))
    settle(mic)
    assert states.names() == [LISTENING, MUTED]
    assert "only silence" in states.detail(MUTED)
    clock.now += 0.05
    sd.live().feed(b"\x01\x00" + bytes(1598))  # one sample not zero is sound
    settle(mic)
    assert states.names() == [LISTENING, MUTED, BACK]
    clock.now += 2.9
    settle(mic)
    assert states.names() == [LISTENING, MUTED, BACK]
    clock.now += 0.2  # 3.1 s without a block: the stream is dead though it said nothing
    settle(mic)
    assert states.names() == [LISTENING, MUTED, BACK, LOST]
    assert states.seen[-1][1] == "no audio from 'default' for 3 s"
    assert [s.closed for s in sd.streams] == [True]


def test_fake_overflow_is_counted_and_logged_not_raised(
    sd: FakeSoundDevice, mics: list[Microphone], caplog: pytest.LogCaptureFixture
) -> None:
    mic = Microphone()
    mics.append(mic)
    settle(mic)
    with caplog.at_level(logging.WARNING, logger="accessible_companion.audio.microphone"):
        sd.live().feed(bytes(1600), overflow=True)
        sd.live().feed(bytes(1600))
        assert mic.read(0.5) is not None and mic.read(0.5) is not None
        mic.read(0.01)
    assert mic.overflows == 1
    assert any("overflow" in record.getMessage() for record in caplog.records)


def test_fake_relisting_elsewhere_reopens_at_once_without_a_loss(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    clock = Clock()
    states = States()
    mic = Microphone(on_state=states, clock=clock)
    mics.append(mic)
    settle(mic)
    sd.live().feed(bytes(1600))
    settle(mic)
    portaudio.rescan(sd)  # as the speech output does after a failure: stops every stream
    settle(mic)
    assert len(sd.streams) == 2 and sd.streams[1].running  # reopened, same simulated time
    sd.live().feed(bytes(1600))
    assert mic.read(0.5) is not None
    assert states.names() == [LISTENING]


class Source:
    """One signal, captured by the fake streams that are running, each in its own blocks,
    in the order a real device would deliver them (`clock` follows the signal)."""

    def __init__(self, sd: FakeSoundDevice, mics: list[Microphone]) -> None:
        self.clock = Clock()
        self.sd, self.mic = sd, Microphone(clock=self.clock)
        mics.append(self.mic)
        settle(self.mic)
        self.samples = voiced(8.0)
        self.at = 0
        """The next sample to be captured."""
        self.sent: dict[int, int] = {}
        """Per stream (by its index in sd.streams), the next sample it delivers."""
        self.read: list[Block] = []

    def run(self, seconds: float) -> None:
        """Capture `seconds` more, reading what the microphone gives as it comes."""
        end = self.at + round(seconds * 16000)
        while self.at < end:
            self.at += 80
            self.clock.now = 100.0 + self.at / 16000
            for index, stream in enumerate(self.sd.streams):
                if not stream.running:
                    continue
                size = stream.kwargs["blocksize"]
                start = self.sent.setdefault(index, self.at - 80)  # a new stream starts now
                if self.at - start >= size:
                    stream.feed(self.samples[start : start + size].tobytes())
                    self.sent[index] = start + size
            self.take()

    def take(self) -> None:
        while (block := self.mic.read(0)) is not None:
            self.read.append(block)

    def until(self, done: Callable[[], bool]) -> None:
        """Read (capturing nothing) until the worker has done what `done` waits for."""
        end = time.monotonic() + 2.0
        while not done() and time.monotonic() < end:
            self.take()
        assert done()

    def whole(self) -> bool:
        """Whether what was read is the signal from its start, no sample missing or twice."""
        data = b"".join(block.data for block in self.read)
        return data == self.samples[: len(data) // 2].tobytes()


def test_fake_a_quiet_room_is_read_in_long_blocks_and_handed_back_without_a_gap(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    source = Source(sd, mics)
    mic = source.mic
    source.run(0.5)
    assert [s.kwargs["blocksize"] for s in sd.streams] == [320] and mic.block_seconds == 0.02

    mic.pace(idle=True)
    source.until(lambda: len(sd.streams) == 2 and sd.streams[1].running)
    assert sd.streams[1].kwargs["blocksize"] == 3200
    source.run(0.6)
    source.until(lambda: sd.streams[0].closed)
    assert mic.block_seconds == 0.2
    source.run(1.0)
    assert {len(block.data) for block in source.read[-4:]} == {6400}

    mic.pace(idle=False)  # speech began: back to short blocks
    source.until(lambda: len(sd.streams) == 3 and sd.streams[2].running)
    source.run(0.4)
    source.until(lambda: sd.streams[1].closed)
    source.run(0.2)
    assert mic.block_seconds == 0.02 and len(source.read[-1].data) == 640
    assert source.whole()
    assert [s.closed for s in sd.streams] == [True, True, False]


def test_fake_a_new_stream_that_ends_is_given_up_and_tried_again_later(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    source = Source(sd, mics)
    mic = source.mic
    source.run(0.3)
    mic.pace(idle=True)
    source.until(lambda: len(sd.streams) == 2 and sd.streams[1].running)
    sd.streams[1].end()  # the new stream dies before it is joined
    source.until(lambda: sd.streams[1].closed)
    source.run(JOIN_RETRY - 0.5)
    assert len(sd.streams) == 2  # not tried again yet
    assert mic.block_seconds == 0.02 and not sd.streams[0].closed
    source.run(1.0)
    source.until(lambda: len(sd.streams) == 3)
    source.run(1.0)
    source.until(lambda: sd.streams[0].closed)
    assert mic.block_seconds == 0.2
    assert source.whole()


def test_fake_a_stream_resampled_here_keeps_its_blocks(sd: FakeSoundDevice, mics: list[Microphone]) -> None:
    sd.takes_16k = False
    mic = Microphone()
    mics.append(mic)
    settle(mic)
    mic.pace(idle=True)
    settle(mic)
    assert len(sd.streams) == 1  # each stream's filter would start anew: not joined


def test_fake_close_makes_read_return_none_and_closes_the_stream(
    sd: FakeSoundDevice, mics: list[Microphone]
) -> None:
    mic = Microphone()
    settle(mic)
    stream = sd.live()
    mic.close()
    assert stream.closed
    started = time.monotonic()
    assert mic.read(1.0) is None
    assert time.monotonic() - started < 0.05
    mic.close()  # again: nothing


# --- real: a private PulseAudio server ---

TONE_SECONDS = 1.0
TONE_AMPLITUDE = 8000


def tone(path: Path, seconds: float = TONE_SECONDS, rate: int = 16000) -> Path:
    """A 440 Hz sine WAV (RMS = amplitude / sqrt 2 ~ 5660)."""
    samples = array.array(
        "h",
        (round(TONE_AMPLITUDE * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds))),
    )
    if sys.byteorder == "big":
        samples.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


@pytest.fixture
def mic_server(
    pulse_server: PulseServer, monkeypatch: pytest.MonkeyPatch, mics: list[Microphone]
) -> Iterator[PulseServer]:
    """The private server, with the ALSA default input recording `testmic`'s monitor.

    A parec on the monitor keeps the null sink running in small steps; without a
    low-latency client an idle null sink first sleeps ~2 s (measured: the first block
    came 1.9 s after opening). Real microphones have no such stall.
    """
    monkeypatch.setenv("PULSE_SOURCE", f"{MIC}.monitor")
    with pulse_server.record(source=f"{MIC}.monitor"):
        yield pulse_server
        for mic in mics:  # before the server goes
            mic.close()


@pytest.mark.real
def test_audio_played_into_the_microphone_arrives(
    mic_server: PulseServer, mics: list[Microphone], tmp_path: Path
) -> None:
    states = States()
    mic = Microphone(on_state=states)
    mics.append(mic)
    opened = time.monotonic()
    read_until(mic, lambda: bool(states.seen), 3.0)
    first = time.monotonic() - opened
    read_for(mic, 0.3)
    played = time.monotonic()
    player = mic_server.play(tone(tmp_path / "tone.wav"))
    blocks, longest = read_for(mic, TONE_SECONDS + 0.8)
    assert player.wait(5) == 0

    rate = mic.rate
    assert rate == 16000
    assert states.names() == [LISTENING]
    assert {block.rate for block in blocks} == {rate}
    sizes = {len(block.data) // 2 for block in blocks}
    assert max(sizes) <= rate // 10
    samples = samples_of(blocks)
    loud = loud_windows(samples, rate, window=0.02, threshold=1000)
    assert loud, "no sound arrived"
    heard = (loud[-1] - loud[0] + 1) * 0.02
    sound = samples[loud[0] * 320 : (loud[-1] + 1) * 320]
    before = samples[: loud[0] * 320]
    # When the first block with sound came: the callback's time, after its last sample.
    arrived = next(block.captured for block in blocks if rms(samples_of([block])) > 1000)
    span = blocks[-1].captured - blocks[0].captured
    received = len(samples) / rate - len(blocks[-1].data) / 2 / rate
    print(
        f"\nopen -> first block {1000 * first:.0f} ms; block sizes {sorted(sizes)} samples at {rate} Hz; "
        f"play -> first block with sound {1000 * (arrived - played):.0f} ms; "
        f"heard {heard:.2f} s of {TONE_SECONDS} s; "
        f"rms {rms(sound):.0f}; {received:.2f} s received over {span:.2f} s; longest read {longest:.3f} s"
    )
    assert first < 0.5
    assert rms(sound) > 4000  # the tone's is ~5660; silence on a null sink is exactly 0
    assert rms(before) < 1
    assert heard == pytest.approx(TONE_SECONDS, abs=0.1)
    assert 0 < arrived - played < 0.5
    assert received == pytest.approx(span, abs=0.15)  # no block lost on the way
    assert longest < 0.2


@pytest.mark.real
def test_a_voice_is_read_whole_across_handovers_to_long_blocks_and_back(
    mic_server: PulseServer, mics: list[Microphone], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    said = voiced(4.0, seed=7)
    path = tmp_path / "voice.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(said.astype("<i2").tobytes())
    mic = Microphone()
    mics.append(mic)
    read_for(mic, 0.5)
    blocks: list[Block] = []
    with caplog.at_level(logging.DEBUG, logger="accessible_companion.audio.microphone"):
        player = mic_server.play(path)
        blocks += read_for(mic, 0.8)[0]
        mic.pace(idle=True)  # mid-word: to long blocks
        blocks += read_for(mic, 1.5)[0]
        long_blocks = mic.block_seconds
        mic.pace(idle=False)  # and back
        blocks += read_for(mic, 2.5)[0]
        assert player.wait(5) == 0
    joins = [r.getMessage() for r in caplog.records if "now in" in r.getMessage()]
    print("\n" + "\n".join(joins))
    assert long_blocks == 0.2 and mic.block_seconds == 0.02
    assert [int(m.split("now in ")[1].split(" s")[0] == "0.2") for m in joins] == [1, 0]
    assert all("joined by their samples" in m for m in joins)
    assert 6400 in {len(block.data) for block in blocks}
    data = b"".join(block.data for block in blocks)
    # The sound server changes a stream's first ~0.1 s (measured with parec too); after
    # that the monitor gives back every sample as played.
    said = said[1600:]
    start = data.find(said[:160].tobytes())
    assert start >= 0 and start % 2 == 0, "the voice was not read as played"
    # Every sample as played: none lost, none twice, across both handovers.
    assert data[start : start + said.size * 2] == said.tobytes()


@pytest.mark.real
def test_a_killed_sound_server_is_lost_and_comes_back_on_the_same_microphone(
    mic_server: PulseServer, mics: list[Microphone]
) -> None:
    states = States()
    mic = Microphone(on_state=states, no_audio_seconds=1.0)
    mics.append(mic)
    read_until(mic, lambda: LISTENING in states.names(), 3.0)
    read_for(mic, 0.3)
    killed = time.monotonic()
    mic_server.kill()
    _, longest_lost = read_until(mic, lambda: LOST in states.names(), 3.0)
    lost = states.at(LOST) - killed
    after, longest_down = read_for(mic, 1.0)  # the outage: retries at 0.5 s fail
    restarted = time.monotonic()
    mic_server.restart()
    with mic_server.record(source=f"{MIC}.monitor"):
        read_until(mic, lambda: BACK in states.names(), 5.0)
        back = states.at(BACK) - restarted
        flowing, _ = read_for(mic, 0.6)
    print(
        f"\nkill -> LOST {1000 * lost:.0f} ms ({states.detail(LOST)!r}); "
        f"restart -> BACK {1000 * back:.0f} ms "
        f"(server start included); {len(flowing)} blocks in 0.6 s after; "
        f"longest read while lost {max(longest_lost, longest_down):.3f} s"
    )
    assert states.names() == [LISTENING, LOST, BACK]
    assert lost < 1.0 + 0.5
    assert "ended" in states.detail(LOST)
    assert not after
    assert back < 1.0 + 1.0  # the next retry (1 s after the last) plus the restart
    assert len(flowing) >= 9
    assert max(longest_lost, longest_down) < 0.2


@pytest.mark.real
def test_a_frozen_sound_server_is_lost_without_blocking_read(
    mic_server: PulseServer, mics: list[Microphone]
) -> None:
    """A hung server sends no error and no end: only the watchdog sees it, and closing
    the stream blocks until the server runs again (on the worker, not in read())."""
    states = States()
    mic = Microphone(on_state=states, no_audio_seconds=1.0)
    mics.append(mic)
    read_until(mic, lambda: LISTENING in states.names(), 3.0)
    read_for(mic, 0.3)
    with mic_server.frozen():
        frozen = time.monotonic()
        _, longest_lost = read_until(mic, lambda: LOST in states.names(), 3.0)
        lost = states.at(LOST) - frozen
        _, longest_down = read_for(mic, 1.5)
        thawed = time.monotonic()
    read_until(mic, lambda: BACK in states.names(), 3.0)
    back = states.at(BACK) - thawed
    flowing, _ = read_for(mic, 0.5)
    print(
        f"\nfreeze -> LOST {1000 * lost:.0f} ms ({states.detail(LOST)!r}); "
        f"thaw -> BACK {1000 * back:.0f} ms; "
        f"longest read while frozen {max(longest_lost, longest_down):.3f} s"
    )
    assert states.names() == [LISTENING, LOST, BACK]
    assert states.detail(LOST) == "no audio from 'default' for 1 s"
    assert 0.9 < lost < 1.0 + 0.5
    assert max(longest_lost, longest_down) < 0.2
    assert back < 1.0
    assert len(flowing) >= 7


@pytest.mark.real
def test_no_such_device_is_reported_once_and_read_never_raises(
    mic_server: PulseServer, mics: list[Microphone]
) -> None:
    states = States()
    mic = Microphone(device="no-such-mic", on_state=states)
    mics.append(mic)
    relisted = portaudio.generation()
    calls = []
    for _ in range(4):  # 1.2 s: the first try and the one 0.5 s later
        started = time.monotonic()
        assert mic.read(0.3) is None
        calls.append(time.monotonic() - started)
    print(f"\nread(0.3) took {[round(c, 3) for c in calls]} s; {states.seen[0][1]!r}")
    assert states.names() == [LOST]
    assert states.detail(LOST) == "no input device matching 'no-such-mic'"
    assert all(0.29 < c < 0.4 for c in calls)
    assert mic.rate == 0
    # Not in PortAudio's list while other inputs are: listed again once (it may have been
    # plugged in since), then not again within RELIST_EVERY, as each listing cuts speech.
    assert portaudio.generation() - relisted == 1


@pytest.mark.real
def test_exact_zeros_are_muted_and_sound_is_back(
    mic_server: PulseServer, mics: list[Microphone], tmp_path: Path
) -> None:
    states = States()
    mic = Microphone(on_state=states, muted_seconds=1.0)
    mics.append(mic)
    clip = tone(tmp_path / "tone.wav", seconds=0.3)
    quiet, _ = read_until(mic, lambda: MUTED in states.names(), 3.0)
    muted = states.at(MUTED) - states.at(LISTENING)
    played = time.monotonic()
    player = mic_server.play(clip)
    read_until(mic, lambda: BACK in states.names(), 3.0)
    back = states.at(BACK) - played
    assert player.wait(5) == 0
    print(f"\nLISTENING -> MUTED {muted:.2f} s; play -> BACK {1000 * back:.0f} ms")
    # An idle null sink's monitor gives exact zeros, as a muted PulseAudio source does.
    assert quiet and all(block.data == bytes(len(block.data)) for block in quiet)
    assert states.names() == [LISTENING, MUTED, BACK]
    assert 0.7 < muted < 1.3
    assert back < 0.6


@pytest.mark.real
def test_portaudio_started_before_the_sound_server_is_listed_again(mic_server: PulseServer) -> None:
    """PortAudio lists devices once; if that was before the server was reachable, the
    microphone lists them again. A fresh process makes sure sounddevice starts without it."""
    script = textwrap.dedent(
        """
        import json, os, sys, time
        import sounddevice
        devices = len(sounddevice.query_devices())  # 0 here: no server was reachable
        os.environ["PULSE_SERVER"] = sys.argv[1]
        from accessible_companion.audio import portaudio
        from accessible_companion.audio.microphone import Microphone
        states = []
        mic = Microphone(on_state=lambda state, detail: states.append([state.value, detail]))
        blocks, end = 0, time.monotonic() + 5
        while blocks < 5 and time.monotonic() < end:
            blocks += mic.read(0.1) is not None
        mic.close()
        print(json.dumps({"devices": devices, "states": states, "blocks": blocks,
                          "relisted": portaudio.generation()}))
        """
    )
    env = {k: v for k, v in mic_server.env().items() if k != "PULSE_SERVER"}
    result = subprocess.run(
        [sys.executable, "-c", script, mic_server.server],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["devices"]:  # a real sound server was reachable without PULSE_SERVER
        print("\nPortAudio saw devices before PULSE_SERVER was set: relisting not exercised")
    else:
        assert report["relisted"] == 1
    assert report["states"] == [["listening", "default at 16000 Hz"]]
    assert report["blocks"] == 5


@pytest.mark.real
def test_a_microphone_that_refuses_16k_is_resampled_and_a_command_is_taken_behind_the_detector(
    mic_server: PulseServer,
    mics: list[Microphone],
    model: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read at 44.1 kHz from the real server, resampled as it comes, heard by the real model
    behind the voice-activity detector (which needs 16 kHz: without it, no rule keeps a
    television from giving commands)."""
    import sounddevice

    from rigs.speech_clips import RELIABLE, make_clip

    takes = sounddevice.check_input_settings

    def refuse_16k(device: Any = None, samplerate: float | None = None, **rest: Any) -> None:
        if samplerate == 16000:  # as some USB microphones, opened directly, do
            raise sounddevice.PortAudioError("Invalid sample rate")
        takes(device=device, samplerate=samplerate, **rest)

    monkeypatch.setattr(sounddevice, "check_input_settings", refuse_16k)
    states = States()
    mic = Microphone(on_state=states)
    mics.append(mic)
    quiet, _ = read_until(mic, lambda: bool(states.seen), 3.0)
    spec = RELIABLE["next"]
    clip = make_clip(spec.words, tmp_path / "next.wav", spec.voice, spec.speed, spec.pitch, pad_seconds=0.5)
    more, _ = read_for(mic, 1.2)  # the room quiet before the command
    player = mic_server.play(clip)
    said, _ = read_for(mic, 2.5)
    assert player.wait(5) == 0
    assert states.names() == [LISTENING] and states.seen[0][1].endswith(" at 44100 Hz, resampled to 16000 Hz")
    blocks = [*quiet, *more, *said]
    assert {block.rate for block in blocks} == {16000} and mic.rate == 16000
    recognizer = gated(model)  # the listener's detector, at the blocks' 16 kHz
    verdicts = [recognizer.feed(block.data) for block in blocks]
    taken = [verdict.phrase for verdict in verdicts if verdict is not None and verdict.accepted]
    assert taken == [spec.words]
