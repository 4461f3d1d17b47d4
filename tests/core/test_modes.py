"""The table of scanning modes: one row per mode, and no row that can lock a user out."""

from __future__ import annotations

import pytest

from accessible_companion.core.modes import RULES, next_mode
from accessible_companion.core.settings import Mode


def test_every_mode_has_exactly_one_row() -> None:
    assert list(RULES) == list(Mode)


@pytest.mark.parametrize("mode", list(Mode))
def test_switch_1_alone_can_select_and_call_for_help_in_every_mode(mode: Mode) -> None:
    rules = RULES[mode]
    assert rules.switch1_selects or rules.hold_moves or rules.long_hold_selects
    assert rules.hold_calls_help or rules.gesture_calls_help


@pytest.mark.parametrize("mode", list(Mode))
def test_a_hold_has_one_meaning_in_every_mode(mode: Mode) -> None:
    rules = RULES[mode]
    # A hold that moves the scan cannot also be the call for help (the gesture is), and
    # the highlight cannot both move by itself and only while held.
    assert not (rules.hold_moves and rules.hold_calls_help)
    assert not (rules.hold_moves and rules.moves_by_itself)
    assert not (rules.long_hold_selects and (rules.hold_moves or rules.switch1_selects))


def test_the_mode_cycle_visits_every_mode_in_order() -> None:
    for start in Mode:
        seen = [start]
        while (mode := next_mode(seen[-1])) is not start:
            seen.append(mode)
        assert sorted(seen) == sorted(Mode)
    order = list(Mode)
    assert [next_mode(mode) for mode in order] == [*order[1:], order[0]]
