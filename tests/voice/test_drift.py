"""The rule that asks for a command's takes to be recorded again."""

from __future__ import annotations

from datetime import date, timedelta

from accessible_companion.voice.drift import MIN_TRIES, Tally, record_again, weeks

TODAY = date(2026, 12, 2)


def _days(start_age: int, accepted: int, rejected: int, days: int = 7) -> list[Tally]:
    """`days` days ending `start_age` days ago, each with these counts."""
    return [Tally(TODAY - timedelta(days=start_age + n), accepted, rejected) for n in range(days)]


def test_weeks_split_at_seven_days_and_ignore_older_days() -> None:
    this, before = weeks(_days(0, 2, 1) + _days(7, 1, 1) + _days(14, 9, 9), TODAY)
    assert (this.accepted, this.rejected) == (14, 7)
    assert (before.accepted, before.rejected) == (7, 7)


def test_a_clear_fall_from_the_week_before_asks_for_new_takes() -> None:
    why = record_again(_days(0, 3, 1) + _days(7, 10, 0), TODAY, TODAY - timedelta(days=20))
    assert "75% of the times this week, 100% the week before" in why


def test_a_steady_command_is_left_alone() -> None:
    assert record_again(_days(0, 9, 1) + _days(7, 9, 1), TODAY, TODAY - timedelta(days=20)) == ""


def test_a_slight_fall_asks_only_when_the_takes_are_old() -> None:
    tallies = _days(0, 8, 2) + _days(7, 9, 1)  # 80% after 90%
    assert record_again(tallies, TODAY, TODAY - timedelta(days=30)) == ""
    why = record_again(tallies, TODAY, TODAY - timedelta(days=200))
    assert "6 months old" in why and "80% this week, 90% the week before" in why


def test_too_few_tries_say_nothing() -> None:
    few = [Tally(TODAY, 0, MIN_TRIES - 1)]
    assert record_again(few + _days(7, 10, 0), TODAY, None) == ""


def test_failing_more_often_than_working_asks_even_without_an_earlier_week() -> None:
    why = record_again([Tally(TODAY, 3, 7)], TODAY, None)
    assert "30% of the times it was heard (10)" in why
