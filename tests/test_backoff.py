"""The one retry backoff: 0.5 s doubling to 10 s for the audio devices, unbounded for notifications."""

from __future__ import annotations

import pytest

from accessible_companion.backoff import Backoff


def test_waits_double_up_to_the_maximum() -> None:
    backoff = Backoff(0.5, 10.0)
    now, tries = 0.0, [0.0]
    for _ in range(7):
        now = backoff.failed(now)
        tries.append(now)
    assert tries == [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 25.5, 35.5]
    assert backoff.failures == 7


def test_a_try_is_due_only_from_the_next_try_time() -> None:
    backoff = Backoff(0.5, 10.0)
    assert backoff.due(0.0) and backoff.wait(0.0) == 0.0  # nothing failed yet
    assert backoff.failed(100.0) == 100.5
    assert not backoff.due(100.49)
    assert backoff.wait(100.25) == pytest.approx(0.25)
    assert backoff.due(100.5) and backoff.wait(100.5) == 0.0


def test_success_starts_again_at_the_first_wait() -> None:
    backoff = Backoff(0.5, 10.0)
    for _ in range(5):
        backoff.failed(0.0)
    backoff.succeeded()
    assert backoff.due(0.0) and backoff.failures == 0
    assert backoff.failed(50.0) == 50.5


def test_try_now_keeps_the_lengthened_wait() -> None:
    backoff = Backoff(0.5, 10.0)
    backoff.failed(0.0)
    backoff.failed(0.5)  # next wait: 2 s
    backoff.try_now()
    assert backoff.due(0.6)
    assert backoff.failed(1.0) == 3.0


def test_unbounded_by_default_with_any_factor() -> None:
    backoff = Backoff(1.0)
    assert [backoff.failed(0.0) for _ in range(8)] == [1, 2, 4, 8, 16, 32, 64, 128]
    tripled = Backoff(1.0, factor=3.0)
    assert [tripled.failed(0.0) for _ in range(3)] == [1, 3, 9]
