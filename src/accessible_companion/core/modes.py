"""What each scanning mode does, as one table of plain flags (see README: Scanning).

The scanner and care read a mode's row, never its name, so a new mode is one `Mode` value,
one row here and its tests. Every row must leave switch 1 a way to select and a way to
call for help (tests/core/test_modes.py checks it); switch 2 selects in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from .settings import Mode


@dataclass(frozen=True)
class ModeRules:
    """How switch 1 works in one mode."""

    moves_by_itself: bool
    """The highlight moves every dwell; a press holds it still until the release, selects,
    and how late it came after the highlight is watched for fatigue."""
    switch1_selects: bool
    """A press of switch 1 selects (as switch 2 does)."""
    hold_moves: bool
    """Holding switch 1 past acceptance moves the highlight; releasing selects; a tap steps."""
    long_hold_selects: bool
    """Switch 1 held at least `long_press` selects (HoldReady says when); shorter steps."""
    hold_calls_help: bool
    """Switch 1 held `help.hold_seconds` calls for help. (Switch 2's hold always does, and in
    a rest, where nothing moves, so does switch 1's in every mode.)"""
    gesture_calls_help: bool
    """`help.presses` quick presses of switch 1 call for help (where a hold moves the scan)."""


RULES: dict[Mode, ModeRules] = {
    Mode.AUTO: ModeRules(
        moves_by_itself=True,
        switch1_selects=True,
        hold_moves=False,
        long_hold_selects=False,
        hold_calls_help=True,
        gesture_calls_help=False,
    ),
    Mode.PRESS_HOLD: ModeRules(
        moves_by_itself=False,
        switch1_selects=False,
        hold_moves=False,
        long_hold_selects=True,
        hold_calls_help=True,
        gesture_calls_help=False,
    ),
    Mode.INVERSE: ModeRules(
        moves_by_itself=False,
        switch1_selects=False,
        hold_moves=True,
        long_hold_selects=False,
        hold_calls_help=False,
        gesture_calls_help=True,
    ),
    Mode.STEP: ModeRules(
        moves_by_itself=False,
        switch1_selects=False,
        hold_moves=False,
        long_hold_selects=True,
        hold_calls_help=True,
        gesture_calls_help=False,
    ),
}
"""One row per mode; press-hold and step differ only in how they are taught (README)."""


def next_mode(mode: Mode) -> Mode:
    """The mode after `mode` in the settings menu's cycle: the order of `Mode`."""
    order = list(Mode)
    return order[(order.index(mode) + 1) % len(order)]
