"""Handing the microphone over to a stream of another block size: the audio read goes on
with no gap and nothing twice, whatever the order the two streams' blocks come in."""

from __future__ import annotations

import numpy as np
import pytest

from accessible_companion.audio.joining import Handover, Join, best_place

RATE = 16000


def voiced(seconds: float, seed: int = 1) -> np.ndarray:
    """Speech-like, int16: pulses at a pitch that wanders about 110 Hz (each period a near
    copy of the one before), in noise."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    pitch = 110 * np.exp(np.cumsum(rng.normal(0, 0.002, n)))
    phase = np.cumsum(pitch / RATE)
    pulses = 6000 * np.sin(np.pi * phase) ** 16
    return np.clip(pulses + rng.normal(0, 300, n), -32768, 32767).astype("<i2")


def blocks(samples: np.ndarray, start: int, size: int, clock0: float) -> list[tuple[bytes, float]]:
    """The stream that began at sample `start` in `size`-sample blocks, with capture times."""
    out = []
    for first in range(start, len(samples) - size + 1, size):
        end = first + size
        out.append((samples[first:end].tobytes(), clock0 + end / RATE))
    return out


def run(
    samples: np.ndarray, old_size: int, new_size: int, new_start: int, asked_at: int, new_lag: float = 0.0
) -> tuple[bytes, Handover]:
    """Read the old stream until sample `asked_at`, then both, in the order they are captured
    (the new one's blocks `new_lag` seconds later); what was read, up to the handover's end."""
    old = blocks(samples, 0, old_size, 0.0)
    new = blocks(samples, new_start, new_size, 0.0)
    read = bytearray()
    join: Join | None = None
    last = (b"", 0.0)
    items = [(t, "old", d) for d, t in old] + [(t + new_lag, "new", d) for d, t in new]
    for at, which, data in sorted(items, key=lambda item: (item[0], item[1] == "new")):
        if join is None:  # blocks of the new stream before it was asked for do not exist
            if which == "old":
                read += data
                last = (data, at)
                if at * RATE >= asked_at:
                    join = Join(RATE, *last)
            continue
        if which == "old":
            if join.old(data, at):
                read += data
                handover = join.handover()
                if handover is not None:
                    return bytes(read + handover.data), handover
        else:
            handover = join.new(data, at + 0.0)
            if handover is not None:
                return bytes(read + handover.data), handover
    raise AssertionError("no handover")


@pytest.mark.parametrize(
    ("old_size", "new_size", "new_start", "new_lag"),
    [
        (3200, 320, 8160, 0.0),  # quiet room -> speech: long blocks to short
        (3200, 320, 9600, 0.004),  # the new stream starts on a long block's edge
        (320, 3200, 8000, 0.0),  # speech -> quiet room: short blocks to long
        (320, 3200, 8170, 0.011),
    ],
)
def test_the_audio_goes_on_exactly_where_the_old_stream_left_it(
    old_size: int, new_size: int, new_start: int, new_lag: float
) -> None:
    samples = voiced(3.0)
    read, handover = run(samples, old_size, new_size, new_start, asked_at=new_start - 200, new_lag=new_lag)
    assert handover.by_shape
    assert read == samples[: len(read) // 2].tobytes()  # no gap, nothing twice
    assert len(read) // 2 > new_start  # the new stream took over


def test_a_voice_that_repeats_itself_is_not_placed_a_period_early() -> None:
    # The new stream's first block comes before the old stream has reached its start; one
    # pitch period earlier, the old stream holds a near copy of it.
    samples = voiced(2.0, seed=3)
    start = 8000
    probe = samples[start : start + 320].astype(np.float64)
    early = best_place(samples[: start + 300].astype(np.float64), probe)
    assert early is not None and early < start  # the trap: a period earlier scores as well
    read, handover = run(samples, 3200, 320, start, asked_at=start - 100)
    assert read == samples[: len(read) // 2].tobytes()
    assert handover.off == 0.0  # these times are exact


def test_the_place_is_found_within_the_times_tolerance() -> None:
    # The new stream's times say it began 40 ms later than it did.
    samples = voiced(3.0, seed=5)
    read, handover = run(samples, 3200, 320, 8000, asked_at=7900, new_lag=0.04)
    assert read == samples[: len(read) // 2].tobytes()
    assert handover.by_shape and handover.off == pytest.approx(-0.04, abs=1 / RATE)


def test_streams_that_differ_slightly_are_joined_at_the_right_sample() -> None:
    # Each stream resampled on its own: no sample is equal, the shape is.
    samples = voiced(3.0)
    noise = np.random.default_rng(9).normal(0, 40, len(samples))
    other = np.clip(samples + noise, -32768, 32767).astype("<i2")
    join = Join(RATE)
    assert join.old(samples[:3200].tobytes(), 0.2)
    assert join.new(other[3300:3620].tobytes(), 3620 / RATE) is None
    assert not join.placed
    assert join.old(samples[3200:6400].tobytes(), 0.4)  # the new start is in it: placed
    assert join.placed and join.handover() is None  # but the new stream has not reached 6400
    handover = None
    for first in range(3620, 7000, 320):
        handover = join.new(other[first : first + 320].tobytes(), (first + 320) / RATE)
        if handover is not None:
            break
    assert handover is not None and handover.by_shape
    assert handover.data == other[6400 : first + 320].tobytes()


def test_in_silence_the_times_place_the_new_stream() -> None:
    quiet = np.zeros(RATE * 3, dtype="<i2")
    read, handover = run(quiet, 3200, 320, 8000, asked_at=7000)
    assert not handover.by_shape
    # Where in silence does not matter; how much does (the stream's clock): within a block.
    assert abs(len(read) // 2 - handover.captured * RATE) <= 320


def test_a_new_stream_that_stalls_is_given_up() -> None:
    samples = voiced(3.0)
    join = Join(RATE)
    join.old(samples[:3200].tobytes(), 0.2)
    join.new(samples[3300:3620].tobytes(), 3620 / RATE)
    join.old(samples[3200:6400].tobytes(), 0.4)
    assert join.placed and not join.stale(1.0)
    # The new stream gives nothing more; the old one goes on (its blocks are not read).
    for k in range(2, 9):
        assert not join.old(samples[3200 * k : 3200 * (k + 1)].tobytes(), 0.2 * (k + 1))
    assert join.stale(1.0)
