"""Suggested timings from made-up presses: the rules, their reasons, and their limits."""

from __future__ import annotations

import statistics
from dataclasses import replace
from pathlib import Path

import pytest

from accessible_companion.caregiver.tuning import (
    IGNORED_DEBOUNCE,
    IGNORED_SHORT,
    MIN_PRESSES,
    Current,
    Press,
    Suggestion,
    Tuning,
    percentile,
    tune,
)
from accessible_companion.core.limits import LIMITS
from accessible_companion.core.pace import round_up
from accessible_companion.core.settings import Mode

NOW = Current(
    interval=1.5,
    acceptance=0.05,
    long_press=0.6,
    debounce=0.1,
    mode=Mode.AUTO,
    auditory=True,
    help_hold=3.0,
)
REACTIONS = [0.6, 0.7, 0.8, 0.9, 1.0, 0.75, 0.85, 0.65, 0.95, 0.8]
HOLDS = [0.12, 0.15, 0.18, 0.2, 0.22, 0.25, 0.16, 0.19, 0.21, 0.3]


def presses(reactions: list[float] = REACTIONS, holds: list[float] = HOLDS) -> list[Press]:
    """Counted presses: each item's name took 0.4 s to say, then the user reacted."""
    return [Press(hold=h, reaction=r + 0.4, after_cue=r) for r, h in zip(reactions, holds, strict=True)]


def suggested(tuning: Tuning, setting: str) -> Suggestion:
    found = [s for s in tuning.suggestions if s.setting == setting]
    assert found, f"no {setting} suggestion; not yet: {tuning.not_yet}"
    return found[0]


def test_interval_is_mean_reaction_plus_two_sd_after_the_cue_rounded_up() -> None:
    tuning = tune(presses(), NOW)
    interval = suggested(tuning, "interval")
    raw = statistics.fmean(REACTIONS) + 2 * statistics.stdev(REACTIONS)  # 0.8 + 2 * 0.129 = 1.058
    assert interval.value == 1.1
    assert interval.value == round_up(raw)
    assert interval.now == 1.5 and interval.changes
    assert "Mean reaction time 0.80 s + 2" in interval.reason
    assert "standard deviation 0.13 s) = 1.06 s, rounded up to 1.10 s" in interval.reason
    assert "end of each item's spoken name" in interval.reason
    assert tuning.wait is not None and tuning.wait.count == 10
    assert tuning.reaction is not None and tuning.reaction.mean == pytest.approx(1.2)


def test_without_a_cue_the_interval_counts_from_the_highlight() -> None:
    seen = [Press(hold=0.2, reaction=r) for r in REACTIONS]
    interval = suggested(tune(seen, NOW), "interval")
    assert interval.value == 1.1
    assert "from the moment each item was highlighted" in interval.reason


def test_acceptance_is_half_the_shortest_tenth_of_holds() -> None:
    acceptance = suggested(tune(presses(), NOW), "acceptance")
    tenth = percentile(HOLDS, 0.10)  # 0.147
    assert tenth == pytest.approx(0.147)
    assert acceptance.value == 0.07  # 0.0735 rounded down
    assert "Half of the shortest tenth" in acceptance.reason
    assert "0.15 s or less" in acceptance.reason


def test_presses_too_short_to_count_still_shape_acceptance_and_are_named() -> None:
    seen = [*presses()[:9], Press(hold=0.04, ignored=IGNORED_SHORT), *presses()[9:]]
    tuning = tune(seen, NOW)
    acceptance = suggested(tuning, "acceptance")
    assert acceptance.value < 0.07
    assert "1 of the presses were shorter than the acceptance in use (0.05 s)" in acceptance.reason
    assert tuning.ignored == {IGNORED_SHORT: 1}
    # Not counted by the companion: no reaction time for the interval from it.
    assert tuning.wait is not None and tuning.wait.count == 10


def test_long_press_is_the_95th_percentile_of_holds_plus_a_fifth_of_a_second() -> None:
    long_press = suggested(tune(presses(), NOW), "long_press")
    most = percentile(HOLDS, 0.95)  # 0.2775
    assert long_press.value == round_up(most + 0.2) == 0.5
    assert "95 in 100 of the presses were held 0.28 s or less" in long_press.reason


def test_nothing_is_suggested_from_too_few_presses() -> None:
    tuning = tune(presses()[: MIN_PRESSES - 1], NOW)
    assert tuning.suggestions == []
    assert len(tuning.not_yet) == 3
    assert any(f"9 of the {MIN_PRESSES} presses needed" in why for why in tuning.not_yet)
    assert tuning.reaction is not None and tuning.reaction.count == 9


def test_presses_blocked_by_debounce_count_for_nothing() -> None:
    seen = presses()[:5] + [Press(hold=0.2, reaction=0.5, ignored=IGNORED_DEBOUNCE)] * 20
    tuning = tune(seen, NOW)
    assert tuning.suggestions == []
    assert tuning.ignored == {IGNORED_DEBOUNCE: 20}


def test_suggestions_stay_within_limits() -> None:
    slow = presses(reactions=[8.0, 9.0, 10.0, 12.0, 7.0, 9.5, 11.0, 8.5, 10.5, 9.0], holds=[3.0] * 10)
    tuning = tune(slow, NOW)
    interval = suggested(tuning, "interval")
    assert interval.value == LIMITS["scanning.interval"].high
    assert "10 s is the longest allowed" in interval.reason
    # A long press of 3.2 s would reach the hold that calls for help (3 s): kept 0.5 s below it.
    long_press = suggested(tuning, "long_press")
    assert long_press.value == 2.5
    assert "shorter than the hold that calls for help" in long_press.reason
    # Acceptance (1.5 s) must stay under the long press in use (0.6 s).
    acceptance = suggested(tuning, "acceptance")
    assert acceptance.value < NOW.long_press
    assert "Kept below the long press in use" in acceptance.reason

    quick = presses(reactions=[0.01] * 10, holds=[0.0] * 10)
    tuning = tune(quick, NOW)
    assert suggested(tuning, "interval").value == LIMITS["scanning.interval"].low
    assert "0.25 s is the shortest allowed" in suggested(tuning, "interval").reason
    assert suggested(tuning, "long_press").value == LIMITS["scanning.long_press"].low
    assert suggested(tuning, "acceptance").value == 0.0


def test_the_interval_leaves_room_for_debounce() -> None:
    quick = presses(reactions=[0.1] * 10)
    interval = suggested(tune(quick, replace(NOW, debounce=0.5)), "interval")
    assert interval.value == 1.0  # debounce 0.5 s needs an interval of at least 1 s
    assert "debounce in use (0.5 s)" in interval.reason


def test_no_interval_where_the_highlight_does_not_move_by_itself() -> None:
    tuning = tune(presses(), replace(NOW, mode=Mode.PRESS_HOLD))
    assert [s.setting for s in tuning.suggestions] == ["acceptance", "long_press"]
    assert any("press-hold mode the highlight does not move by itself" in why for why in tuning.not_yet)


def test_presses_held_past_the_long_press_are_pointed_out() -> None:
    seen = presses()[:8] + [Press(hold=0.9, reaction=1.0, after_cue=0.6, long=True)] * 2
    long_press = suggested(tune(seen, NOW), "long_press")
    assert "2 of the presses were held past the long press in use (0.6 s)" in long_press.reason


def test_a_suggestion_equal_to_the_setting_changes_nothing() -> None:
    steady = presses(reactions=[1.5] * 10)
    interval = suggested(tune(steady, NOW), "interval")
    assert interval.value == 1.5
    assert not interval.changes


def test_rounding_up_keeps_exact_steps() -> None:
    assert round_up(1.85) == 1.85
    assert round_up(1.8500001) == 1.9
    assert round_up(0.0) == 0.0


# The hold for help, from the user's own holds (issue 13, item 5).


def test_help_hold_waits_for_enough_holds() -> None:
    from accessible_companion.caregiver.tuning import HELP_HOLDS, suggest_help_hold

    found = suggest_help_hold([0.1] * (HELP_HOLDS - 1), 2.0)
    assert isinstance(found, str) and f"{HELP_HOLDS - 1} of the {HELP_HOLDS}" in found


def test_help_hold_is_the_longest_ordinary_hold_plus_half_a_second_rounded_up() -> None:
    from accessible_companion.caregiver.tuning import Suggestion, suggest_help_hold

    holds = [0.12] * 300 + [1.2, 2.4, 2.97]
    found = suggest_help_hold(holds, 2.0)
    assert isinstance(found, Suggestion)
    assert (found.dotted, found.value, found.now) == ("help.hold_seconds", 3.5, 2.0)
    assert "2.97" not in found.reason and "3.0 s" in found.reason  # the longest, in plain words


def test_help_hold_only_ever_suggests_longer() -> None:
    from accessible_companion.caregiver.tuning import suggest_help_hold

    found = suggest_help_hold([0.12] * 300, 2.0)  # 0.62 -> 1.0, but never under 2.0
    assert isinstance(found, str) and "2 s is fine" in found
    assert isinstance(suggest_help_hold([0.12] * 300 + [2.9], 4.0), str)  # 3.5 < 4: keep 4


def test_help_hold_stays_clear_of_the_long_press_and_within_limits() -> None:
    from accessible_companion.caregiver.tuning import Suggestion, suggest_help_hold
    from accessible_companion.core.limits import LIMITS
    from accessible_companion.core.pace import HELP_ROOM

    found = suggest_help_hold([0.12] * 300, 2.0, long_press=2.2)
    assert isinstance(found, Suggestion) and found.value >= 2.2 + HELP_ROOM
    found = suggest_help_hold([0.12] * 300 + [40.0], 2.0)
    assert isinstance(found, Suggestion) and found.value == LIMITS["help.hold_seconds"].high
    assert "longest allowed" in found.reason


def test_hold_bins_count_each_hold_once() -> None:
    from accessible_companion.caregiver.tuning import hold_bins

    bins = dict(hold_bins([0.1, 0.2, 0.49, 0.5, 1.2, 1.9, 2.0, 2.99, 3.0, 9.0]))
    assert bins == {
        "under 0.2 s": 1,
        "0.2-0.5 s": 2,
        "0.5-1 s": 1,
        "1-1.5 s": 1,
        "1.5-2 s": 1,
        "2-3 s": 2,
        "3 s and more": 2,
    }


def test_the_switch_page_reads_the_holds_from_the_journal(tmp_path: Path) -> None:
    from accessible_companion.caregiver.switch_pages import hold_look
    from accessible_companion.core.records import PressTimed
    from accessible_companion.journal.store import Journal

    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        for n in range(250):
            hold = 2.6 if n == 7 else 0.15
            journal.record(PressTimed("auto", "select", 0.5, 0.5, hold, False), at=1000.0 + n)
    look = hold_look(path, tmp_path / "no-config")
    assert not look.trouble
    assert dict(look.bins)["2-3 s"] == 1 and dict(look.bins)["under 0.2 s"] == 249
    assert look.help_bin == "2-3 s" and look.help_hold == 2.0
    assert not isinstance(look.suggestion, str) and look.suggestion.value == 3.5
    assert "No journal" in hold_look(tmp_path / "none.sqlite", tmp_path).trouble
