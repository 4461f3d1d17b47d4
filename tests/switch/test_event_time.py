"""X server timestamps mapped to the loop clock: delivery delay does not count, a stall does
not squeeze presses together, the 32-bit wrap and a new server are handled."""

from __future__ import annotations

import pytest

from accessible_companion.switch.event_time import WRAP, ServerClock


def test_the_fastest_delivery_sets_the_offset_and_later_delays_do_not_count() -> None:
    clock = ServerClock()
    assert clock.to_loop(5_000, 100.010) == pytest.approx(100.010)  # the first: as received
    assert clock.to_loop(6_000, 101.002) == pytest.approx(101.002)  # faster: the offset drops
    # Delivered 40 ms late: judged by when it happened.
    assert clock.to_loop(7_000, 102.042) == pytest.approx(102.002, abs=1e-3)


def test_presses_made_during_a_stall_keep_their_own_times() -> None:
    clock = ServerClock()
    clock.to_loop(1_000, 50.001)
    # The process was stopped from 51 to 54 s; a down at 52.0 and an up at 52.3 arrive together.
    down = clock.to_loop(2_000, 54.0005)
    up = clock.to_loop(2_300, 54.0006)
    assert down == pytest.approx(51.001, abs=1e-3)
    assert up - down == pytest.approx(0.3, abs=1e-3)


def test_the_32_bit_wrap_of_server_milliseconds() -> None:
    clock = ServerClock()
    clock.to_loop(WRAP - 500, 10.0)
    assert clock.to_loop(300, 10.8) == pytest.approx(10.8)
    # A slightly older event (from before the wrap) arriving after it is still older.
    assert clock.to_loop(WRAP - 100, 10.9) == pytest.approx(10.4)


def test_a_mapped_time_is_never_later_than_when_it_was_received() -> None:
    clock = ServerClock()
    clock.to_loop(1_000, 20.0)
    assert clock.to_loop(1_500, 20.2) == pytest.approx(20.2)  # server ahead of us: capped


def test_a_new_server_with_a_reset_clock_starts_the_mapping_again() -> None:
    clock = ServerClock()
    clock.to_loop(900_000_000, 1_000.0)
    assert clock.to_loop(50, 1_010.0) == pytest.approx(1_010.0)
    assert clock.to_loop(1_050, 1_011.0) == pytest.approx(1_011.0)
    clock.reset()
    assert clock.to_loop(77, 1_020.0) == pytest.approx(1_020.0)
