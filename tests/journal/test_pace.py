"""The report's pace of presses (issue 13, item 7): reaction and hold times per day and by time of
day, settings changes on the chart's day axis, accidental against real calls for help.

Hand-made rows in a real journal file, the real report page and chart; the figures are worked
out by hand below ("inclusive" quartiles: for five values, the second and the fourth).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from accessible_companion.core.records import (
    Alert,
    ConfigEdit,
    Entry,
    PressTimed,
    SpeedChanged,
    TimingChanged,
)
from accessible_companion.journal.chart import CHANGES, chart_figure, render_chart
from accessible_companion.journal.export import export_csv
from accessible_companion.journal.report import build_report
from accessible_companion.journal.store import Journal
from accessible_companion.journal.summary import Spread, spread_of, summarize

from .test_report import NOW, Page, at, chart_of, make_journal, png_size


def press(reaction: float | None, hold: float | None, late: bool = False, kind: str = "select") -> PressTimed:
    return PressTimed("auto", kind, reaction, None if reaction is None else 0.1, hold, late)


def xy(data: object) -> list[float]:
    """A line's x or y data as floats (matplotlib types them loosely)."""
    return [float(v) for v in np.asarray(data, dtype=float)]


ROWS: list[tuple[float, Entry]] = [
    # Saturday 8 March, morning: five presses (one late), and a wake press that is not counted.
    (at(8, 9.0), press(0.6, 0.2)),
    (at(8, 9.1), press(0.4, 0.1, kind="step")),
    (at(8, 9.2), press(0.8, 0.4, late=True)),
    (at(8, 9.3), press(0.5, 0.2, kind="step")),
    (at(8, 9.4), press(0.7, 0.3)),
    (at(8, 9.5), press(None, 0.2, kind="wake")),
    (at(8, 10.0), ConfigEdit(5, "this computer", "Changed the label of 'Water'")),
    # Sunday 9 March: no presses.
    (at(9, 14.0), Alert("hold", "", None, True)),
    (at(9, 15.0), SpeedChanged(1.5, 1.875, "fatigue")),
    # Monday 10 March: one press in the afternoon from a switch that reports no release, four in
    # the evening (two late).
    (at(10, 12.5), press(1.0, None)),
    (at(10, 12.9), Alert("voice", "", None, True)),
    (at(10, 13.0), TimingChanged("scanning.long_press", 0.6, 0.8, "asked")),
    (at(10, 15.0), Alert("hold", "caregiver", 42.0, False)),
    (at(10, 18.0), press(1.4, 0.5, late=True)),
    (at(10, 18.5), press(1.0, 0.3)),
    (at(10, 19.0), press(1.4, 0.5, late=True)),
    (at(10, 19.2), press(1.0, 0.3, kind="step")),
    (at(10, 19.5), TimingChanged("scanning.interval", 1.5, 1.8, "auto")),
    # Before the three days: left out.
    (at(7, 9.0), press(9.0, 9.0, late=True)),
    (at(7, 9.0), TimingChanged("scanning.interval", 1.2, 1.5, "asked")),
]


@pytest.fixture
def journal_file(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "journal.sqlite3", ROWS)


@pytest.fixture
def page(journal_file: Path) -> Page:
    with Journal(journal_file) as journal:
        return Page(build_report(journal, 3, NOW))


def test_spread_is_the_median_and_the_middle_half() -> None:
    assert spread_of([]) is None
    assert spread_of([0.7]) == Spread(1, 0.7, 0.7, 0.7)
    assert spread_of([0.8, 0.4, 0.6, 0.5, 0.7]) == Spread(5, 0.6, 0.5, 0.7)
    four = spread_of([1.0, 2.0, 3.0, 4.0])
    assert four is not None and (four.low, four.median, four.high) == pytest.approx((1.75, 2.5, 3.25))


def test_the_summary_has_each_days_pace(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        summary = summarize(journal, 3, NOW)
    saturday, sunday, monday = summary.pace_days
    assert (saturday.presses, saturday.late, saturday.late_share) == (5, 1, 0.2)  # the wake press is out
    assert saturday.reaction == Spread(5, 0.6, 0.5, 0.7)
    assert saturday.hold == Spread(5, 0.2, 0.2, 0.3)
    assert (sunday.presses, sunday.reaction, sunday.hold, sunday.late_share) == (0, None, None, None)
    assert (monday.presses, monday.late_share) == (5, 0.4)
    assert monday.reaction == Spread(5, 1.0, 1.0, 1.4)
    hold = monday.hold  # four: the afternoon switch reports no release
    assert hold is not None and (hold.count, hold.low, hold.median, hold.high) == (4, 0.3, 0.4, 0.5)
    assert len(summary.presses) == 11  # the one of the 7th is out


def test_the_summary_has_the_pace_by_time_of_day(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        times = dict(summarize(journal, 3, NOW).pace_times)
    assert list(times) == ["morning", "afternoon", "evening"]
    assert times["morning"].presses == 5 and times["morning"].reaction == Spread(5, 0.6, 0.5, 0.7)
    assert times["afternoon"].presses == 1 and times["afternoon"].reaction == Spread(1, 1.0, 1.0, 1.0)
    assert times["afternoon"].hold is None and times["afternoon"].late_share == 0
    evening = times["evening"]  # 18:00 is evening
    assert (evening.presses, evening.late_share) == (4, 0.5)
    assert evening.reaction == Spread(4, 1.2, 1.0, 1.4)


def test_the_summary_has_the_settings_changes_and_the_kinds_of_alarm(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        summary = summarize(journal, 3, NOW)
    changes = [(c.source, c.setting, c.old, c.new, c.reason) for c in summary.setting_changes]
    assert changes == [
        ("page", "", None, None, "this computer"),
        ("speed", "scanning.interval", 1.5, 1.875, "fatigue"),
        ("pacing", "scanning.long_press", 0.6, 0.8, "asked"),
        ("pacing", "scanning.interval", 1.5, 1.8, "auto"),
    ]
    # On the chart's axis: within its day's slot, later in the day further right.
    xs = [c.x for c in summary.setting_changes]
    assert -0.35 < xs[0] < 0 and 1 < xs[1] < 1.35 and 2 < xs[2] < xs[3] < 2.35
    assert (summary.real_alerts, summary.accidental_alerts) == (1, 2)
    assert [(row.alerts, row.accidental_alerts) for row in summary.days] == [(0, 0), (1, 1), (2, 1)]


def test_the_report_shows_the_pace_per_day_with_units(page: Page) -> None:
    rows = page.table("pace")
    assert rows[0] == [
        "Day",
        "Presses",
        "Reaction, median (middle half)",
        "Hold, median (middle half)",
        "Late",
    ]
    assert rows[1:] == [
        ["Sat 8 Mar", "5", "0.60 s (0.50–0.70)", "0.20 s (0.20–0.30)", "20 %"],
        ["Sun 9 Mar", "0", "no presses", "–", "–"],
        ["Mon 10 Mar", "5", "1.00 s (1.00–1.40)", "0.40 s (0.30–0.50)", "40 %"],
    ]
    section = page.text.split('id="pace"')[1].split("</section>")[0]
    assert "Reaction: seconds from the highlight reaching an item to the switch going down" in section


def test_the_report_shows_the_pace_by_time_of_day(page: Page) -> None:
    rows = page.table("pace", 1)
    assert "<h3>By time of day</h3>" in page.text
    assert rows[1:] == [
        ["Morning (before 12:00)", "5", "0.60 s (0.50–0.70)", "0.20 s (0.20–0.30)", "20 %"],
        ["Afternoon (12:00 to 18:00)", "1", "1.00 s", "–", "0 %"],
        ["Evening (from 18:00)", "4", "1.20 s (1.00–1.40)", "0.40 s (0.30–0.50)", "50 %"],
    ]


def test_the_report_lists_the_settings_changes_in_words(page: Page) -> None:
    rows = page.table("settings")
    page_change = "changed on the caregiver's page (this computer)"
    assert rows == [
        ["When", "Setting", "Old → new", "Why"],
        ["Sat 8 Mar, 10:00", "Caregiver's page", "Changed the label of 'Water'", page_change],
        ["Sun 9 Mar, 15:00", "Scan interval", "1.5 s → 1.9 s", "slowed for tiredness"],
        [
            "Mon 10 Mar, 13:00",
            "Long press (hold to select)",
            "0.6 s → 0.8 s",
            "the user said yes to the offer",
        ],
        ["Mon 10 Mar, 19:30", "Scan interval", "1.5 s → 1.8 s", "changed by pacing, spoken"],
    ]
    order = page.order
    assert order.index("section#alerts") < order.index("section#pace") < order.index("section#settings")


def test_the_report_tells_accidental_from_real_alarms(page: Page) -> None:
    section = page.text.split('id="alerts"')[1].split("</section>")[0]
    assert "Real calls for help: 1. Accidental (cancelled): 2." in section


def test_the_chart_marks_the_settings_changes_on_the_day_axis(journal_file: Path) -> None:
    with Journal(journal_file) as journal:
        summary = summarize(journal, 3, NOW)
    figure = chart_figure(summary)
    pace = figure.axes[2]
    assert pace.get_title(loc="left") == "Press speed, seconds"
    # One vertical line per change, where it fell on the days' axis.
    lines = [(xy(line.get_xdata()), xy(line.get_ydata()), line.get_label()) for line in pace.get_lines()]
    verticals = [x[0] for x, y, _ in lines if len(x) == 2 and x[0] == x[1] and y == [0.0, 1.0]]
    assert sorted(verticals) == pytest.approx([c.x for c in summary.setting_changes])
    # The legend under the panel names each kind once, told apart by marker and line style.
    legend = figure.legends[-1]
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == [
        "reaction, middle half", "reaction, median", "hold, median",
        "change: caregiver page", "change: scan speed", "change: pacing",
    ]  # fmt: skip
    kinds = [
        h
        for h, label in zip(legend.legend_handles, labels, strict=True)
        if label in {v[0] for v in CHANGES.values()}
    ]
    assert len({h.get_marker() for h in kinds}) == 3  # type: ignore[union-attr]
    # get_linestyle() says "--" for any dash pattern: the pattern itself tells them apart.
    assert len({str(h._unscaled_dash_pattern) for h in kinds}) == 3  # type: ignore[union-attr]
    # The medians are drawn at each day with presses; Sunday has none.
    assert next((x, y) for x, y, label in lines if label == "reaction, median") == ([0, 2], [0.6, 1.0])
    png = render_chart(summary)
    assert 600 <= png_size(png)[0] <= 1600 and png_size(png)[1] <= 1600


def test_a_period_without_presses_says_so(tmp_path: Path) -> None:
    entries: list[tuple[float, Entry]] = [(at(10, 9), Alert("hold", "caregiver", 30.0, False))]
    with Journal(make_journal(tmp_path / "j.sqlite3", entries)) as journal:
        text = build_report(journal, 3, NOW)
        figure = chart_figure(summarize(journal, 3, NOW))
    page = Page(text)
    assert "No presses were measured in these days." in text
    assert "No settings changed in these days." in text
    assert "Real calls for help: 1. Accidental (cancelled): 0." in text
    assert "No presses measured." in (page.images[0]["alt"] or "")
    assert "No presses measured in these days" in [t.get_text() for t in figure.axes[2].texts]
    png_size(chart_of(page))


def test_the_csv_export_has_the_presses_and_the_timing_changes(journal_file: Path, tmp_path: Path) -> None:
    with Journal(journal_file) as journal:
        written = dict(export_csv(journal, tmp_path / "csv"))
    assert written[tmp_path / "csv" / "presses.csv"] == 12
    assert written[tmp_path / "csv" / "timing_changes.csv"] == 3
    presses = list(
        csv.DictReader(io.StringIO((tmp_path / "csv" / "presses.csv").read_text(encoding="utf-8")))
    )
    assert list(presses[0])[3:] == ["mode", "action", "reaction", "wait", "hold", "late"]
    wake = next(row for row in presses if row["action"] == "wake")
    assert (wake["reaction"], wake["hold"], wake["late"]) == ("", "0.2", "no")
    changes = (tmp_path / "csv" / "timing_changes.csv").read_text(encoding="utf-8").splitlines()
    assert changes[0] == "id,at,local_time,setting,old,new,reason"
    assert changes[-1].endswith(",scanning.interval,1.5,1.8,auto")
