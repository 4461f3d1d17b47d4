"""Fatigue signs against their bounds, with an explicit clock."""

from __future__ import annotations

from accessible_companion.core.fatigue import FatigueTracker, Sign
from accessible_companion.core.settings import FatigueWatch

SETTINGS = FatigueWatch(window=4, max_misses=2, undo_seconds=5.0, slowdown=1.5, cooldown_minutes=10.0)


def test_a_submenu_left_at_once_with_nothing_chosen_is_a_miss_once_the_window_is_full() -> None:
    tracker = FatigueTracker(SETTINGS)
    tracker.selected(10.0, submenu=True)
    tracker.backed(12.0)
    tracker.selected(20.0, submenu=True)
    tracker.backed(24.9)
    assert tracker.due(25.0) is None  # two misses in two presses: too little to tell
    tracker.selected(30.0)
    assert tracker.due(30.0) is None
    tracker.selected(40.0)
    assert tracker.due(40.0) == Sign("misses", 2, 2)


def test_back_after_a_phrase_or_through_a_used_submenu_is_navigation() -> None:
    tracker = FatigueTracker(SETTINGS)
    for start in (10.0, 20.0, 30.0):
        tracker.selected(start, submenu=True)  # Fatigue tips
        tracker.selected(start + 1, submenu=True)  # Sleep
        tracker.selected(start + 2)  # a tip, said on purpose
        tracker.backed(start + 3)  # back to Fatigue tips
        tracker.backed(start + 4)  # back home
    assert tracker.due(40.0) is None


def test_back_long_after_a_selection_is_not_a_miss() -> None:
    tracker = FatigueTracker(SETTINGS)
    for start in (10.0, 30.0, 50.0):
        tracker.selected(start, submenu=True)
        tracker.backed(start + 6.0)  # browsing: went in, read, came back
    assert tracker.due(60.0) is None


def test_missed_passes_count_and_old_outcomes_leave_the_window() -> None:
    tracker = FatigueTracker(SETTINGS)
    tracker.missed_pass()
    for at in (1.0, 2.0, 3.0, 4.0):
        tracker.selected(at)
    tracker.missed_pass()  # the first miss has left the window of 4
    assert tracker.due(5.0) is None
    tracker.missed_pass()
    assert tracker.due(6.0) == Sign("misses", 2, 2)


def test_cooldown_after_an_offer() -> None:
    tracker = FatigueTracker(SETTINGS)
    for _ in range(4):
        tracker.missed_pass()
    assert tracker.due(100.0) is not None
    for _ in range(4):
        tracker.missed_pass()
    assert tracker.due(100.0 + 599) is None
    assert tracker.due(100.0 + 600) == Sign("misses", 4, 2)


def test_slower_presses_than_early_in_the_session() -> None:
    tracker = FatigueTracker(SETTINGS)
    for at, reaction in enumerate([0.2, 0.3, 0.25, 0.3, 0.45, 0.4, 0.42]):
        tracker.selected(at * 30.0, reaction)
        assert tracker.due(at * 30.0) is None
    tracker.selected(300.0, 0.45)
    sign = tracker.due(300.0)
    assert sign is not None and sign.kind == "slow_presses"
    assert sign.value == round(0.435 / 0.275, 2)


def test_steady_presses_are_not_fatigue_and_off_means_off() -> None:
    tracker = FatigueTracker(SETTINGS)
    off = FatigueTracker(FatigueWatch(enabled=False, max_misses=1))
    for at in range(20):
        tracker.selected(at * 30.0, 0.3 + 0.01 * (at % 3))
        off.missed_pass()
    assert tracker.due(700.0) is None
    assert off.due(700.0) is None
