"""Earcons are short, click-free, loud enough, and tell their kinds apart."""

from __future__ import annotations

import array

import pytest

from accessible_companion.speech.earcons import KINDS, RATE, SHAPES, earcon


def samples(kind: str) -> array.array[int]:
    return array.array("h", earcon(kind).data)


@pytest.mark.parametrize("kind", KINDS)
def test_each_earcon_is_short_and_starts_and_ends_silent(kind: str) -> None:
    pcm = earcon(kind)
    assert pcm.rate == RATE
    assert 0.02 <= pcm.duration <= 1.0
    values = samples(kind)
    assert abs(values[0]) < 200 and abs(values[-1]) < 200  # faded: no click
    assert max(abs(v) for v in values) > 16000  # well above a quiet cue


@pytest.mark.parametrize("kind", KINDS)
def test_every_note_fades_out_and_in_so_joins_do_not_click(kind: str) -> None:
    values = samples(kind)
    at = 0
    for _, seconds in SHAPES[kind][:-1]:
        at += int(seconds * RATE)
        assert max(abs(v) for v in values[at - 2 : at + 2]) < 1500, at


def test_kinds_sound_different() -> None:
    assert len({earcon(kind).data for kind in KINDS}) == len(KINDS)
    # Select rises and back falls: the same two notes in the other order.
    assert samples("select") != samples("back")
    assert len(samples("select")) == len(samples("back"))


def test_short_ones_for_frequent_events() -> None:
    assert earcon("highlight").duration < 0.05
    assert earcon("alert").duration > earcon("select").duration
