"""The report's chart: energy check-ins per day over rest minutes per day, as a PNG.

matplotlib is imported here, inside `render_chart`, and this module only from the report: the
companion's start-up never pays for it. It draws on a bare Figure with the Agg canvas (no
pyplot), so no display or global state is involved.
"""

from __future__ import annotations

import io
from typing import Any

from .summary import Summary

ENERGY = "#1f4e9c"  # dark blue: the day's average
DOTS = "#6f9be0"  # light blue: single check-ins
OTHER_SERIES = ("#7a3e9d", "#b35c00", "#2f6f3e")  # further 0-10 questions, if any
REST = "#2a8c82"
ALERT = "#c0392b"


def render_chart(summary: Summary) -> bytes:
    """The chart for `summary` as PNG bytes (about 840 x 910 pixels)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    days = [row.day for row in summary.days]
    count = len(days)
    positions = list(range(count))
    # Large type: the chart is read on a phone, scaled to the screen's width.
    style: dict[Any, Any] = {  # Any keys: the stubs' key Literal differs between versions
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
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(7.0, 7.6), dpi=120, layout="constrained")
        FigureCanvasAgg(figure)
        energy, rest = figure.subplots(2, 1, sharex=True, height_ratios=(3.0, 1.5))

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

        step = 1 if count <= 16 else 2 if count <= 31 else 7
        ticks = positions[::step]
        # Two-letter weekdays over the date: fourteen days fit across a phone at this size.
        rest.set_xticks(ticks, [f"{days[i]:%a}"[:2] + f"\n{days[i].day}" for i in ticks])
        rest.set_xlim(-0.6, count - 0.4)
        handles, labels = energy.get_legend_handles_labels()
        if handles:
            figure.legend(
                handles, labels, loc="outside upper center", ncols=min(3, len(handles)), frameon=False
            )

        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None}, facecolor="white")
    return out.getvalue()
