"""The report's data model on its own: whole local days, per-day rows, entries outside left out."""

from __future__ import annotations

from datetime import date, datetime

from accessible_companion.core.records import Alert, CheckIn, Rest
from accessible_companion.journal.store import E, Stamped
from accessible_companion.journal.summary import build_summary, period


def at(day: date, hour: int) -> float:
    return datetime(day.year, day.month, day.day, hour).timestamp()


def stamped(when: float, entry: E) -> Stamped[E]:
    return Stamped(0, when, "", entry)


def test_period_is_whole_local_days_up_to_today() -> None:
    now = datetime(2025, 3, 10, 15, 30).timestamp()
    dates, since, until = period(3, now)
    assert dates == [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
    assert since == datetime(2025, 3, 8).timestamp()
    assert until == datetime(2025, 3, 11).timestamp()


def test_days_hold_their_entries_and_others_are_left_out() -> None:
    first, second = date(2025, 3, 8), date(2025, 3, 9)
    summary = build_summary(
        [first, second],
        checkins=[
            stamped(at(first, 9), CheckIn("Energy?", "4", 4.0)),
            stamped(at(first, 18), CheckIn("Energy?", "6", 6.0)),
            stamped(at(date(2025, 3, 7), 9), CheckIn("Energy?", "1", 1.0)),  # before the period
        ],
        rests=[stamped(at(second, 14), Rest(600.0, 300.0, "user"))],
        alerts=[stamped(at(second, 20), Alert("hold", "caregiver", 12.0, False))],
    )
    assert (summary.first_day, summary.last_day) == (first, second)
    assert summary.questions == ("Energy?",)
    assert [row.energy_mean for row in summary.days] == [5.0, None]
    assert [row.rest_minutes for row in summary.days] == [0.0, 5.0]
    assert [row.alerts for row in summary.days] == [0, 1]
    assert summary.series_means("Energy?") == [5.0, None]
    assert len(summary.checkins) == 2
