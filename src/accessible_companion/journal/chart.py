"""The report's chart: energy check-ins, rest minutes and the pace of presses per day, as a PNG.

matplotlib is imported here, inside `render_chart`, and this module only from the report: the
companion's start-up never pays for it. It draws on a bare Figure with the Agg canvas (no
pyplot), so no display or global state is involved.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from .summary import SettingChange, Summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ENERGY = "#1f4e9c"  # dark blue: the day's average
DOTS = "#6f9be0"  # light blue: single check-ins
OTHER_SERIES = ("#7a3e9d", "#b35c00", "#2f6f3e")  # further 0-10 questions, if any
REST = "#2a8c82"
ALERT = "#c0392b"
REACTION = "#1f4e9c"
BAND = "#a9c3ec"  # the middle half of the day's reaction times
HOLD = "#b35c00"
CHANGES = {
    # source: (label, line style, marker, colour); the styles and markers differ, not only the colour.
    "pacing": ("change: pacing", (0, (6, 3)), "D", "#6a1b9a"),
    "speed": ("change: scan speed", (0, (2, 2)), "^", "#2f6f3e"),
    "page": ("change: caregiver page", (0, (8, 3, 2, 3)), "s", "#555555"),
}


# Large type: the chart is read on a phone, scaled to the screen's width.
_STYLE: dict[Any, Any] = {  # Any keys: the stubs' key Literal differs between versions
    "font.size": 19,
    "axes.titlesize": 20,
    "axes.titleweight": "bold",
    "axes.labelsize": 19,
    "xtick.labelsize": 17,
    "ytick.labelsize": 17,
    "legend.fontsize": 16,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.titlelocation": "left",
    # Labels carry caregivers' questions: "$5 a day" is text, never mathtext to parse.
    "text.parse_math": False,
}


def render_chart(summary: Summary) -> bytes:
    """The chart for `summary` as PNG bytes (about 840 x 1330 pixels)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        figure = chart_figure(summary)
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None}, facecolor="white")
    return out.getvalue()


def chart_figure(summary: Summary) -> Figure:
    """The chart as a matplotlib Figure (the tests look at what it holds); render_chart saves it."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        return _draw(summary)


def _draw(summary: Summary) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    days = [row.day for row in summary.days]
    count = len(days)
    positions = list(range(count))
    figure = Figure(figsize=(7.0, 11.1), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    energy, rest, pace = figure.subplots(3, 1, sharex=True, height_ratios=(3.0, 1.5, 2.6))

    energy.set_title("Energy (0 = none, 10 = full)")
    energy.set_ylim(-0.4, 11.3)
    energy.set_yticks(range(0, 11, 2))
    energy.grid(axis="y", color="#dddddd")
    energy.set_axisbelow(True)
    for index, question in enumerate(summary.questions):
        main = index == 0
        points = [(x, v) for x, v, q in summary.energy_points if q == question]
        means = [(i, m) for i, m in enumerate(summary.series_means(question)) if m is not None]
        dot_colour = DOTS if main else OTHER_SERIES[(index - 1) % len(OTHER_SERIES)]
        line_colour = ENERGY if main else dot_colour
        suffix = "" if len(summary.questions) == 1 else f": {question}"
        energy.scatter(
            [x for x, _ in points],
            [v for _, v in points],
            s=70,
            color=dot_colour,
            alpha=0.6,
            edgecolors="none",
            label=f"check-in{suffix}",
            zorder=2,
        )
        energy.plot(
            [i for i, _ in means],
            [m for _, m in means],
            color=line_colour,
            linewidth=4 if main else 2.5,
            marker="o",
            markersize=11 if main else 8,
            label=f"day's average{suffix}",
            zorder=3,
        )
    if not summary.questions:
        energy.text(
            (count - 1) / 2,
            5,
            "No energy check-ins in these days",
            ha="center",
            va="center",
            color="#555555",
        )
    if summary.alert_points:
        energy.scatter(
            summary.alert_points,
            [10.75] * len(summary.alert_points),
            marker="v",
            s=200,
            color=ALERT,
            label="call for help",
            zorder=4,
            clip_on=False,
        )

    _rest_panel(rest, summary)
    _pace_panel(pace, summary)

    step = 1 if count <= 16 else 2 if count <= 31 else 7
    ticks = positions[::step]
    # Two-letter weekdays over the date: fourteen days fit across a phone at this size.
    pace.set_xticks(ticks, [f"{days[i]:%a}"[:2] + f"\n{days[i].day}" for i in ticks])
    pace.set_xlim(-0.6, count - 0.4)
    handles, labels = energy.get_legend_handles_labels()
    if handles:
        figure.legend(handles, labels, loc="outside upper center", ncols=min(3, len(handles)), frameon=False)
    handles, labels = pace.get_legend_handles_labels()
    if handles:
        # Under the panel it explains, two columns: the labels are long for a phone's width.
        figure.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    return figure


def _pace_panel(pace: Any, summary: Summary) -> None:
    """Reaction and hold times per day, with the settings changes as vertical lines where they fell."""
    pace.set_title("Press speed, seconds")
    pace.grid(axis="y", color="#dddddd")
    pace.set_axisbelow(True)
    count = len(summary.days)
    reacted = [(i, p.reaction) for i, p in enumerate(summary.pace_days) if p.reaction is not None]
    held = [(i, p.hold) for i, p in enumerate(summary.pace_days) if p.hold is not None]
    tops = [s.high for _, s in reacted] + [s.median for _, s in held]
    pace.set_ylim(0, max([*tops, 0.8]) * 1.25)
    if reacted:
        xs = [i for i, _ in reacted]
        # A band per day (half a slot wide), not one joined across days without presses.
        for n, (i, s) in enumerate(reacted):
            pace.fill_between(
                [i - 0.3, i + 0.3],
                [s.low] * 2,
                [s.high] * 2,
                color=BAND,
                edgecolor=REACTION,
                linewidth=0.8,
                label="reaction, middle half" if n == 0 else None,
                zorder=1,
            )
        pace.plot(
            xs,
            [s.median for _, s in reacted],
            color=REACTION,
            linewidth=3.5,
            marker="o",
            markersize=10,
            label="reaction, median",
            zorder=3,
        )
    if held:
        pace.plot(
            [i for i, _ in held],
            [s.median for _, s in held],
            color=HOLD,
            linewidth=2.5,
            linestyle=(0, (4, 2)),
            marker="s",
            markersize=9,
            label="hold, median",
            zorder=3,
        )
    if not reacted and not held:
        pace.text(
            (count - 1) / 2,
            pace.get_ylim()[1] / 2,
            "No presses measured in these days",
            ha="center",
            va="center",
            color="#555555",
        )
    shown: set[str] = set()
    for change in summary.setting_changes:
        _change_marker(pace, change, change.source not in shown)
        shown.add(change.source)


def _change_marker(pace: Any, change: SettingChange, labelled: bool) -> None:
    label, style, marker, colour = CHANGES[change.source]
    pace.axvline(change.x, color=colour, linestyle=style, linewidth=2, zorder=2)
    # The marker on top of the line carries the legend entry: shape and line style together.
    pace.plot(
        [change.x],
        [1.0],
        transform=pace.get_xaxis_transform(),
        marker=marker,
        markersize=12,
        color=colour,
        linestyle=style,
        label=label if labelled else None,
        clip_on=False,
        zorder=4,
    )


def _rest_panel(rest: Any, summary: Summary) -> None:
    """Minutes of rest per day as bars, the number of rests above each."""
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(summary.days)))
    rest.set_title("Rest, minutes a day")
    minutes = [row.rest_minutes for row in summary.days]
    bars = rest.bar(positions, minutes, width=0.7, color=REST)
    rest.bar_label(
        bars, labels=[str(row.rests) if row.rests else "" for row in summary.days], padding=3, fontsize=16
    )
    rest.set_ylim(0, max([*minutes, 10.0]) * 1.3)
    rest.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    rest.grid(axis="y", color="#dddddd")
    rest.set_axisbelow(True)
