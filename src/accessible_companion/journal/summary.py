"""The report's data: a period's journal entries, per day and in total (pure, no matplotlib).

`summarize` reads a period of whole local calendar days from a journal into a Summary;
`build_summary` does the same from entries in hand. The report (report.py) and its chart
(chart.py) both draw from a Summary.
"""

from __future__ import annotations

import bisect
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
    PressTimed,
    Rest,
    RestOffered,
    SpeedChanged,
    TimingChanged,
    VoiceHeard,
)
from ..voice.drift import Week, tallies_by_phrase, weeks
from .store import Journal, Stamped

S = TypeVar("S", bound=Stamped[Any])

TOP_PHRASES = 10
TOP_REASONS = 5
PACED_KINDS = ("select", "step")
"""Presses the pace figures count: a `wake` press had nothing highlighted to react to."""
TIMES_OF_DAY = (("morning", 0, 12), ("afternoon", 12, 18), ("evening", 18, 24))
"""(name, first hour, hour after the last) of the parts of a day the pace is also shown by."""
_DOT_SPREAD = 0.7  # a day's check-ins spread over this much of its slot, morning left, evening right


@dataclass(frozen=True)
class HelpCallSeen:
    """One call for help with the notifications that went out for it."""

    alert: Stamped[Alert]
    tried: tuple[Stamped[NotifyResult], ...]
    """Each contact's result, oldest first."""


def help_calls(
    alerts: Sequence[Stamped[Alert]], notifications: Sequence[Stamped[NotifyResult]]
) -> tuple[HelpCallSeen, ...]:
    """Each call for help with the notification results journaled for it.

    A result row names its call by the alert's key, so overlapping calls and a delivery that
    comes after the next call are each placed right; a keyed result whose call is not among
    `alerts` (raised before the period) is left out. Rows from before schema 6, and results
    whose call was not known, name none: they go to the latest call raised at or before them
    (the companion then ran one call at a time); before the first call they are left out."""
    ordered = sorted(alerts, key=lambda a: a.at)
    tried: list[list[Stamped[NotifyResult]]] = [[] for _ in ordered]
    by_key = {a.alert_key: i for i, a in enumerate(ordered) if a.alert_key}
    starts = [a.at for a in ordered]
    for result in sorted(notifications, key=lambda n: n.at):
        if result.alert_key:
            index = by_key.get(result.alert_key, -1)
        else:
            index = bisect.bisect_right(starts, result.at) - 1
        if index >= 0:
            tried[index].append(result)
    return tuple(HelpCallSeen(a, tuple(t)) for a, t in zip(ordered, tried, strict=True))


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
    accidental_alerts: int = 0
    """Of `alerts`, those the user cancelled in the window (false alarms)."""


@dataclass(frozen=True)
class Spread:
    """The middle of some seconds: the median and the range of the middle half (25th to 75th
    percentile), which one slow or quick press does not stretch as a min-max range would."""

    count: int
    median: float
    low: float
    high: float


def spread_of(values: Sequence[float]) -> Spread | None:
    """The Spread of `values`, None when there are none (one value: all three are it)."""
    if not values:
        return None
    if len(values) == 1:
        return Spread(1, values[0], values[0], values[0])
    # "inclusive": the percentiles lie within the values, as a spreadsheet's QUARTILE gives them.
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(len(values), median, low, high)


@dataclass(frozen=True)
class Pace:
    """How quickly the user pressed, over one day or one part of the days."""

    presses: int
    """Presses that selected or stepped (those the figures below are of)."""
    reaction: Spread | None
    """Seconds from the highlight to the switch going down."""
    hold: Spread | None
    """Seconds the switch was held."""
    late: int
    """Presses that came just after the highlight moved on, meant for the item before."""

    @property
    def late_share(self) -> float | None:
        return self.late / self.presses if self.presses else None


def pace_of(presses: Iterable[PressTimed]) -> Pace:
    """The Pace of some presses; `wake` presses are left out."""
    paced = [p for p in presses if p.action in PACED_KINDS]
    return Pace(
        presses=len(paced),
        reaction=spread_of([p.reaction for p in paced if p.reaction is not None]),
        hold=spread_of([p.hold for p in paced if p.hold is not None]),
        late=sum(1 for p in paced if p.late),
    )


@dataclass(frozen=True)
class SettingChange:
    """A change to how the companion behaves, from any of the three entries that record one."""

    at: float
    x: float
    """Where it sits on the chart's day axis (as Summary.alert_points)."""
    source: str
    """`pacing` (TimingChanged), `speed` (SpeedChanged: the scan interval) or `page` (ConfigEdit)."""
    setting: str
    """The dotted setting (`scanning.interval`), or "" for a change on the caregiver's page."""
    old: float | None
    new: float | None
    reason: str
    """The entry's reason (`asked`, `auto`, `slower`, `faster`, `fatigue`), or who made a page change."""
    detail: str = ""
    """A page change in words (its summary)."""


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
    presses: tuple[Stamped[PressTimed], ...] = ()
    timing_changes: tuple[Stamped[TimingChanged], ...] = ()
    pace_days: tuple[Pace, ...] = ()
    """The pace of each day of `days`, in the same order."""
    pace_times: tuple[tuple[str, Pace], ...] = ()
    """(name, pace) for each of TIMES_OF_DAY over the whole period."""
    setting_changes: tuple[SettingChange, ...] = ()
    """Scan speed, pacing and caregiver's page changes together, oldest first."""
    voice: tuple[Stamped[VoiceHeard], ...] = ()
    """Voice commands taken and words heard but not taken, oldest first."""
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

    def help_calls(self) -> tuple[HelpCallSeen, ...]:
        """The calls for help, oldest first, each with its contacts' results."""
        return help_calls(self.alerts, self.notifications)

    def response_times(self) -> list[float]:
        """Seconds from raise to acknowledgement of each acknowledged call not cancelled."""
        return [
            a.entry.seconds_to_ack
            for a in self.alerts
            if a.entry.seconds_to_ack is not None and not a.entry.cancelled
        ]

    @property
    def accidental_alerts(self) -> int:
        """Calls for help the user cancelled in the window: raised by mistake."""
        return sum(1 for a in self.alerts if a.entry.cancelled)

    @property
    def real_alerts(self) -> int:
        """Calls for help not cancelled: meant (or at least not taken back)."""
        return len(self.alerts) - self.accidental_alerts

    def top_phrases(self, limit: int = TOP_PHRASES) -> list[tuple[str, str, int]]:
        """(label, text, times) of the most used phrases, most used first."""
        counts = Counter((p.entry.label, p.entry.text) for p in self.phrases)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(label, text, times) for (label, text), times in ranked[:limit]]

    def voice_weeks(self) -> list[tuple[str, Week, Week]]:
        """(phrase, its last week, the week before) for each phrase tried, the weeks ending on
        the period's last day (as the Voice page counts them), most tried first."""
        heard = ((datetime.fromtimestamp(v.at).date(), v.entry.phrase, v.entry.accepted) for v in self.voice)
        by_phrase = tallies_by_phrase(heard)
        found = [(phrase, *weeks(tallies, self.last_day)) for phrase, tallies in by_phrase.items()]
        return sorted(found, key=lambda row: (-(row[1].tries + row[2].tries), row[0]))

    def voice_reasons(self, limit: int = TOP_REASONS) -> list[tuple[str, int]]:
        """(reason, times) of words heard and not taken, most frequent first; a reason's figure
        ("unsure (0.62)") is left out, so the same reason counts together."""
        counts = Counter(v.entry.reason.split(" (")[0] for v in self.voice if not v.entry.accepted)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

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
        presses=journal.entries(PressTimed, since, until),
        timing_changes=journal.entries(TimingChanged, since, until),
        voice=journal.entries(VoiceHeard, since, until),
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
    presses: Iterable[Stamped[PressTimed]] = (),
    timing_changes: Iterable[Stamped[TimingChanged]] = (),
    voice: Iterable[Stamped[VoiceHeard]] = (),
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
                accidental_alerts=sum(
                    1 for a in alerts_in if a.entry.cancelled and _position(a.at, first)[0] == index
                ),
            )
        )
    presses_in = within(presses)
    by_day: list[list[PressTimed]] = [[] for _ in dates]
    by_time: dict[str, list[PressTimed]] = {name: [] for name, _, _ in TIMES_OF_DAY}
    for p in presses_in:
        by_day[_position(p.at, first)[0]].append(p.entry)
        hour = datetime.fromtimestamp(p.at).hour
        by_time[next(name for name, start, end in TIMES_OF_DAY if start <= hour < end)].append(p.entry)
    speed_in, timing_in, edits_in = within(speed_changes), within(timing_changes), within(config_edits)
    changes = [
        *(
            SettingChange(
                s.at,
                _position(s.at, first)[1],
                "speed",
                "scanning.interval",
                s.entry.old_interval,
                s.entry.new_interval,
                s.entry.reason,
            )
            for s in speed_in
        ),
        *(
            SettingChange(
                t.at,
                _position(t.at, first)[1],
                "pacing",
                t.entry.setting,
                t.entry.old,
                t.entry.new,
                t.entry.reason,
            )
            for t in timing_in
        ),
        *(
            SettingChange(
                c.at, _position(c.at, first)[1], "page", "", None, None, c.entry.who, c.entry.summary
            )
            for c in edits_in
        ),
    ]
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
        speed_changes=speed_in,
        fatigue=within(fatigue),
        notifications=within(notifications),
        config_edits=edits_in,
        presses=presses_in,
        timing_changes=timing_in,
        pace_days=tuple(pace_of(day) for day in by_day),
        pace_times=tuple((name, pace_of(by_time[name])) for name, _, _ in TIMES_OF_DAY),
        setting_changes=tuple(sorted(changes, key=lambda c: c.at)),
        voice=within(voice),
        _day_values=day_values,
    )
