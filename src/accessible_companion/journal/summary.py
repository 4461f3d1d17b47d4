"""The report's data: a period's journal entries, per day and in total (pure, no matplotlib).

`summarize` reads a period of whole local calendar days from a journal into a Summary;
`build_summary` does the same from entries in hand. The report (report.py) and its chart
(chart.py) both draw from a Summary.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from ..core.records import (
    Alert,
    CheckIn,
    ConfigEdit,
    FatigueSignal,
    NotifyResult,
    PhraseUsed,
    Rest,
    RestOffered,
    SpeedChanged,
)
from .store import Journal, Stamped

S = TypeVar("S", bound=Stamped[Any])

TOP_PHRASES = 10
_DOT_SPREAD = 0.7  # a day's check-ins spread over this much of its slot, morning left, evening right


@dataclass(frozen=True)
class DayRow:
    """One calendar day of the period."""

    day: date
    checkins: int
    """Check-ins with a value on the scale, of the main question."""
    energy_mean: float | None
    energy_low: float | None
    rests: int
    rest_minutes: float
    """Minutes actually rested."""
    planned_minutes: float
    alerts: int


@dataclass(frozen=True)
class Summary:
    """What the report shows for a period of whole days."""

    days: tuple[DayRow, ...]
    questions: tuple[str, ...]
    """Check-in questions answered with values on the 0-10 scale, the most answered first."""
    energy_points: tuple[tuple[float, float, str], ...]
    """(x, value, question) per check-in: x is the day's index plus a shift for the time of day."""
    alert_points: tuple[float, ...]
    """x of each call for help, as for energy_points."""
    checkins: tuple[Stamped[CheckIn], ...]
    rests: tuple[Stamped[Rest], ...]
    offers: tuple[Stamped[RestOffered], ...]
    alerts: tuple[Stamped[Alert], ...]
    phrases: tuple[Stamped[PhraseUsed], ...]
    speed_changes: tuple[Stamped[SpeedChanged], ...]
    fatigue: tuple[Stamped[FatigueSignal], ...]
    notifications: tuple[Stamped[NotifyResult], ...]
    config_edits: tuple[Stamped[ConfigEdit], ...] = ()
    """Changes made on the caregiver's page, oldest first."""
    _day_values: dict[tuple[str, int], list[float]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def first_day(self) -> date:
        return self.days[0].day

    @property
    def last_day(self) -> date:
        return self.days[-1].day

    def series_means(self, question: str) -> list[float | None]:
        """The daily mean value of one question, None on days without an answer."""
        means: list[float | None] = []
        for index in range(len(self.days)):
            values = self._day_values.get((question, index))
            means.append(statistics.fmean(values) if values else None)
        return means

    def top_phrases(self, limit: int = TOP_PHRASES) -> list[tuple[str, str, int]]:
        """(label, text, times) of the most used phrases, most used first."""
        counts = Counter((p.entry.label, p.entry.text) for p in self.phrases)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(label, text, times) for (label, text), times in ranked[:limit]]

    def word_answers(self) -> list[tuple[str, str, int]]:
        """(question, answer, times) of check-ins off the scale (value None), most frequent first."""
        counts = Counter((c.entry.question, c.entry.answer) for c in self.checkins if c.entry.value is None)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(question, answer, times) for (question, answer), times in ranked]


def period(days: int, now: float | None = None) -> tuple[list[date], float, float]:
    """The last `days` local calendar days up to today: (days, since, until) with unix-time bounds."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    today = datetime.fromtimestamp(time.time() if now is None else now).date()
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    return dates, _midnight(dates[0]), _midnight(today + timedelta(days=1))


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day).timestamp()  # local time, so DST days are right


def _position(at: float, first: date) -> tuple[int, float]:
    """(day index, x) of a time: x shifts within the day's slot by the time of day."""
    moment = datetime.fromtimestamp(at)
    index = (moment.date() - first).days
    fraction = (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400
    return index, index + (fraction - 0.5) * _DOT_SPREAD


def summarize(journal: Journal, days: int = 14, now: float | None = None) -> Summary:
    """Read the last `days` days of `journal` into a Summary."""
    dates, since, until = period(days, now)
    return build_summary(
        dates,
        checkins=journal.checkins(since, until),
        rests=journal.rests(since, until),
        offers=journal.rest_offers(since, until),
        alerts=journal.alerts(since, until),
        phrases=journal.phrases(since, until),
        speed_changes=journal.speed_changes(since, until),
        fatigue=journal.fatigue_signals(since, until),
        notifications=journal.notify_results(since, until),
        config_edits=journal.config_edits(since, until),
    )


def build_summary(
    dates: Sequence[date],
    *,
    checkins: Iterable[Stamped[CheckIn]] = (),
    rests: Iterable[Stamped[Rest]] = (),
    offers: Iterable[Stamped[RestOffered]] = (),
    alerts: Iterable[Stamped[Alert]] = (),
    phrases: Iterable[Stamped[PhraseUsed]] = (),
    speed_changes: Iterable[Stamped[SpeedChanged]] = (),
    fatigue: Iterable[Stamped[FatigueSignal]] = (),
    notifications: Iterable[Stamped[NotifyResult]] = (),
    config_edits: Iterable[Stamped[ConfigEdit]] = (),
) -> Summary:
    """A Summary of entries over `dates` (consecutive days); entries outside them are left out."""
    first, count = dates[0], len(dates)

    def within(items: Iterable[S]) -> tuple[S, ...]:
        return tuple(s for s in items if 0 <= _position(s.at, first)[0] < count)

    checkins_in, rests_in, alerts_in = within(checkins), within(rests), within(alerts)

    valued = Counter(c.entry.question for c in checkins_in if c.entry.value is not None)
    questions = tuple(q for q, _ in sorted(valued.items(), key=lambda item: (-item[1], item[0])))
    day_values: dict[tuple[str, int], list[float]] = {}
    points = []
    for c in checkins_in:
        if c.entry.value is None:
            continue
        index, x = _position(c.at, first)
        day_values.setdefault((c.entry.question, index), []).append(c.entry.value)
        points.append((x, c.entry.value, c.entry.question))

    rows = []
    for index, day in enumerate(dates):
        values = day_values.get((questions[0], index), []) if questions else []
        day_rests = [r.entry for r in rests_in if _position(r.at, first)[0] == index]
        rows.append(
            DayRow(
                day=day,
                checkins=len(values),
                energy_mean=statistics.fmean(values) if values else None,
                energy_low=min(values) if values else None,
                rests=len(day_rests),
                rest_minutes=sum(r.actual_seconds for r in day_rests) / 60,
                planned_minutes=sum(r.planned_seconds for r in day_rests) / 60,
                alerts=sum(1 for a in alerts_in if _position(a.at, first)[0] == index),
            )
        )
    return Summary(
        days=tuple(rows),
        questions=questions,
        energy_points=tuple(points),
        alert_points=tuple(_position(a.at, first)[1] for a in alerts_in),
        checkins=checkins_in,
        rests=rests_in,
        offers=within(offers),
        alerts=alerts_in,
        phrases=within(phrases),
        speed_changes=within(speed_changes),
        fatigue=within(fatigue),
        notifications=within(notifications),
        config_edits=within(config_edits),
        _day_values=day_values,
    )
