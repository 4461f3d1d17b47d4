"""The caregiver report: one self-contained HTML file, the chart first, then the numbers.

`summarize` (summary.py) turns the journal's entries for a period into a Summary;
`render_html` lays it out for a phone (large type, one column, the chart as an inline PNG);
`write_report` does both for a journal file. Days are local calendar days of this computer.
"""

from __future__ import annotations

import base64
import html
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from .. import __version__, private
from ..core.records import Alert, NotifyResult
from ..voice.drift import Week
from .export import replacing
from .store import Journal, open_existing
from .summary import Pace, SettingChange, Spread, Summary, summarize

# --- words and numbers ------------------------------------------------------------------------

_ENDED_BY = {"time": "as planned", "user": "ended early", "help": "call for help"}
_TRIGGERS = {"hold": "long hold", "gesture": "help gesture", "voice": "voice", "menu": "help menu"}
_LEVELS = {"now": "Help now", "need": "I need something"}
_SPEED_REASONS = {"slower": "chose slower", "faster": "chose faster", "fatigue": "slowed for tiredness"}
_SIGNALS = {"misses": "missed selections", "slow_presses": "slow presses"}
_TIMING_REASONS = {
    # The report is the caregiver's: "the user", where the companion's own words say "you".
    "asked": "the user said yes to the offer",
    "auto": "changed by pacing, spoken",
}
_SETTINGS = {
    "scanning.interval": "Scan interval",
    "scanning.first_item_extra": "Extra time on the first item",
    "scanning.acceptance": "Shortest press counted",
    "scanning.debounce": "Pause after a release",
    "scanning.long_press": "Long press (hold to select)",
    "scanning.post_selection_pause": "Pause after a selection",
}
_TIMES_OF_DAY = {
    "morning": "Morning (before 12:00)",
    "afternoon": "Afternoon (12:00 to 18:00)",
    "evening": "Evening (from 18:00)",
}
_OFFER_REASONS = {
    "active": "after a long activity",
    "scheduled": "at a set time",
    "fatigue": "signs of tiredness",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _when(at: float) -> str:
    moment = datetime.fromtimestamp(at)
    return f"{_day(moment.date())}, {moment:%H:%M}"


def minutes_text(minutes: float) -> str:
    """Whole minutes, as "25 min" or "1 h 05 min"."""
    whole = round(minutes)
    return f"{whole} min" if whole < 60 else f"{whole // 60} h {whole % 60:02d} min"


def _seconds_text(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return minutes_text(whole / 60)


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _table(
    head: Sequence[str], rows: Iterable[Sequence[str]], foot: Sequence[str] = (), numeric: int = 0
) -> str:
    """A table; `numeric` = how many columns from the right are numbers (right-aligned)."""

    def cells(tag: str, values: Sequence[str]) -> str:
        n = len(values)
        return "".join(
            f'<{tag} class="n">{v}</{tag}>' if i >= n - numeric else f"<{tag}>{v}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    parts = [f"<thead><tr>{cells('th', head)}</tr></thead>", f"<tbody>{body}</tbody>"]
    if foot:
        parts.append(f"<tfoot><tr>{cells('th', foot)}</tr></tfoot>")
    return f'<div class="scroll"><table>{"".join(parts)}</table></div>'


def _section(ident: str, title: str, *parts: str) -> str:
    return f'<section id="{ident}"><h2>{_e(title)}</h2>{"".join(parts)}</section>'


def _none(text: str = "None in these days.") -> str:
    return f'<p class="none">{_e(text)}</p>'


# --- the page ---------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #111;
       font: 20px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.2; margin: 0.5rem 0 0.2rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.3rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.5rem; border-bottom: 3px solid #1f4e9c; padding-bottom: 0.2rem; }
.period { margin: 0 0 0.8rem; color: #333; }
figure { margin: 0; }
figure img { display: block; width: 100%; height: auto; border: 1px solid #ccc; border-radius: 6px; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.4rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
         gap: 0.7rem; margin-top: 1rem; }
.card { background: #f1f5fb; border-radius: 8px; padding: 0.7rem 0.9rem; }
.card b { display: block; font-size: 1.6rem; line-height: 1.2; }
.alert-card { background: #fbeeee; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.35rem 0.4rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td:first-child { white-space: nowrap; }
thead th.n { white-space: normal; }
thead th { border-bottom: 2px solid #444; }
tfoot th { border-top: 2px solid #444; border-bottom: none; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.none { color: #444; font-style: italic; }
.nw { white-space: nowrap; }
.quiet { color: #444; font-size: 0.9rem; }
footer { margin: 2.5rem 0 1rem; font-size: 0.8rem; color: #555; }
"""


def _alt_text(summary: Summary) -> str:
    span = f"{_day(summary.first_day)} to {_day(summary.last_day)}"
    parts = [f"Chart of energy check-ins (0 to 10), minutes of rest and press speed per day, {span}."]
    if summary.questions:
        means = [
            f"{_day(row.day)} {_number(round(row.energy_mean, 1))}"
            for row in summary.days
            if row.energy_mean is not None
        ]
        parts.append("Daily average energy: " + ", ".join(means) + ".")
    else:
        parts.append("No energy check-ins in these days.")
    rested = [f"{_day(row.day)} {minutes_text(row.rest_minutes)}" for row in summary.days if row.rests]
    parts.append(("Rest: " + ", ".join(rested) + ".") if rested else "No rests.")
    reacted = [
        f"{_day(row.day)} {pace.reaction.median:.2f} s"
        for row, pace in zip(summary.days, summary.pace_days, strict=True)
        if pace.reaction is not None
    ]
    parts.append(
        ("Reaction time, median per day: " + ", ".join(reacted) + ".") if reacted else "No presses measured."
    )
    if summary.setting_changes:
        parts.append(f"Settings changes: {len(summary.setting_changes)}.")
    if summary.alerts:
        parts.append(f"Calls for help: {len(summary.alerts)}.")
    return " ".join(parts)


def _cards(summary: Summary) -> str:
    cards = []
    with_energy = [row for row in summary.days if row.energy_mean is not None]
    if with_energy:
        average = statistics.fmean(v for x, v, q in summary.energy_points if q == summary.questions[0])
        note = f"over {len(with_energy)} days"
        if len(with_energy) >= 4:
            half = len(with_energy) // 2
            early = statistics.fmean(r.energy_mean for r in with_energy[:half] if r.energy_mean is not None)
            late = statistics.fmean(r.energy_mean for r in with_energy[-half:] if r.energy_mean is not None)
            note = f"{_number(round(early, 1))} in the first days, {_number(round(late, 1))} in the last"
        cards.append(("Energy, average", f"{_number(round(average, 1))} of 10", note, ""))
    rested = sum(row.rest_minutes for row in summary.days)
    rests = len(summary.rests)
    cards.append(("Rests", f"{rests}", f"{minutes_text(rested)} in all" if rests else "none taken", ""))
    alerts = summary.alerts
    acked = [
        a.entry.seconds_to_ack for a in alerts if a.entry.seconds_to_ack is not None and not a.entry.cancelled
    ]
    if not alerts:
        alert_note = "none"
    elif acked:
        median = " (median)" if len(acked) > 1 else ""
        alert_note = f"answered in {_seconds_text(statistics.median(acked))}{median}"
    elif all(a.entry.cancelled for a in alerts):
        alert_note = "cancelled by the user"
    else:
        alert_note = "not acknowledged"
    cards.append(("Calls for help", f"{len(alerts)}", alert_note, " alert-card" if alerts else ""))
    top = summary.top_phrases(1)
    if top:
        label, _, times = top[0]
        cards.append(("Most used phrase", label, f"{times} times", ""))
    return (
        '<section id="summary" class="cards">'
        + "".join(
            f'<div class="card{extra}">{_e(title)}<b>{_e(value)}</b>{_e(note)}</div>'
            for title, value, note, extra in cards
        )
        + "</section>"
    )


def _rests_section(summary: Summary) -> str:
    # Plain minutes: short columns fit a phone; the card above gives the total in hours, and how
    # rests ended is one line below.
    rows = [
        (_e(_day(row.day)), str(row.rests), str(round(row.rest_minutes)), str(round(row.planned_minutes)))
        for row in summary.days
    ]
    total = (
        "All days",
        str(sum(r.rests for r in summary.days)),
        str(round(sum(r.rest_minutes for r in summary.days))),
        str(round(sum(r.planned_minutes for r in summary.days))),
    )
    table = _table(("Day", "Rests", "Minutes rested", "Minutes planned"), rows, total, numeric=3)
    parts = [table]
    ended = Counter(r.entry.ended_by for r in summary.rests)
    if ended:
        how = ", ".join(f"{_ENDED_BY.get(k, k)} {n}" for k, n in ended.most_common())
        parts.append(f'<p class="quiet">How rests ended: {_e(how)}.</p>')
    if summary.offers:
        taken = sum(1 for o in summary.offers if o.entry.taken)
        why = ", ".join(
            f"{_OFFER_REASONS.get(k, k)} {n}"
            for k, n in Counter(o.entry.reason for o in summary.offers).most_common()
        )
        parts.append(
            f"<p>The companion offered {len(summary.offers)} rests: {taken} taken, "
            f"{len(summary.offers) - taken} declined or put off ({_e(why)}).</p>"
        )
    return _section("rests", "Rests", *parts)


def _tried(result: NotifyResult) -> str:
    """One contact's result: "Anna: delivered", "Ben: failed (HTTP 500)"."""
    name = result.contact or result.kind
    return f"{name}: delivered" if result.ok else f"{name}: failed ({result.detail})"


def _answered(entry: Alert) -> str:
    if entry.cancelled:
        return "cancelled by the user"
    if entry.seconds_to_ack is None:
        return "not acknowledged"
    by = f" by {entry.acknowledged_by}" if entry.acknowledged_by else ""
    return f"{_seconds_text(entry.seconds_to_ack)}{by}"


def _alerts_section(summary: Summary) -> str:
    if not summary.alerts:
        return _section("alerts", "Calls for help", _none("No calls for help in these days."))
    rows = []
    for call in summary.help_calls():
        entry = call.alert.entry
        tried = "; ".join(_tried(n.entry) for n in call.tried) or "none"
        rows.append(
            (
                _e(_when(call.alert.at)),
                _e(_LEVELS.get(entry.level, entry.level)),
                _e(_TRIGGERS.get(entry.trigger, entry.trigger)),
                _e(tried),
                _e(_answered(entry)),
            )
        )
    times = summary.response_times()
    if times:
        median = _seconds_text(statistics.median(times))
        response = (
            f"<p>Response time ({len(times)} acknowledged): median {median}, "
            f"longest {_seconds_text(max(times))}.</p>"
        )
    else:
        response = "<p>Response time: no call was acknowledged in these days.</p>"
    parts = [
        f"<p>Real calls for help: {summary.real_alerts}. Accidental (cancelled): "
        f"{summary.accidental_alerts}. An accidental one is a call the user cancelled in its "
        "cancel window.</p>",
        response,
        _table(("When", "Level", "How", "Contacts tried", "Acknowledged after"), rows),
    ]
    failed = [n for n in summary.notifications if not n.entry.ok]
    if summary.notifications:
        sent = len(summary.notifications) - len(failed)
        parts.append(f"<p>Notifications sent: {sent} delivered, {len(failed)} failed.</p>")
    return _section("alerts", "Calls for help", *parts)


def _phrases_section(summary: Summary) -> str:
    top = summary.top_phrases()
    if not top:
        return _section("phrases", "Most used phrases", _none())
    rows = [(_e(label), _e(text), str(times)) for label, text, times in top]
    return _section("phrases", "Most used phrases", _table(("Phrase", "Spoken as", "Times"), rows, numeric=1))


def _checkins_section(summary: Summary) -> str:
    parts = []
    if summary.questions:
        main = summary.questions[0]
        rows = [
            (
                _e(_day(row.day)),
                str(row.checkins),
                _number(round(row.energy_mean, 1)) if row.energy_mean is not None else "–",
                _number(row.energy_low) if row.energy_low is not None else "–",
            )
            for row in summary.days
        ]
        parts.append(f"<p>Energy ({_e(main)}), 0 to 10, per day:</p>")
        parts.append(_table(("Day", "Check-ins", "Average", "Lowest"), rows, numeric=3))
    answers = summary.word_answers()
    if answers:
        parts.append("<p>Other answers:</p>")
        parts.append(_table(("Answer", "Times"), [(_e(a), str(n)) for _, a, n in answers], numeric=1))
    return _section("checkins", "Check-ins", *(parts or [_none()]))


def _speed_section(summary: Summary) -> str:
    parts = []
    if summary.speed_changes:
        rows = [
            (
                _e(_when(s.at)),
                '<span class="nw">'
                f"{_number(round(s.entry.old_interval, 2))} s → {_number(round(s.entry.new_interval, 2))} s"
                "</span>",
                _e(_SPEED_REASONS.get(s.entry.reason, s.entry.reason)),
            )
            for s in summary.speed_changes
        ]
        parts.append(_table(("When", "Scan interval", "Why"), rows))
    else:
        parts.append(_none("The scan speed did not change in these days."))
    if summary.fatigue:
        rows = [
            (
                _e(_when(f.at)),
                _e(_SIGNALS.get(f.entry.kind, f.entry.kind)),
                f"{_number(round(f.entry.value, 2))} (limit {_number(round(f.entry.threshold, 2))})",
            )
            for f in summary.fatigue
        ]
        parts.append("<p>Signs of tiredness the companion noticed:</p>")
        parts.append(_table(("When", "Sign", "Measured"), rows))
    return _section("speed", "Scan speed and signs of tiredness", *parts)


def _seconds(spread: Spread | None) -> str:
    """ "0.62 s (0.50–0.80)": the median, then the middle half of the presses."""
    if spread is None:
        return "–"
    if spread.count == 1:
        return f"{spread.median:.2f} s"
    return f'{spread.median:.2f} s <span class="nw">({spread.low:.2f}–{spread.high:.2f})</span>'


def _pace_cells(pace: Pace) -> tuple[str, str, str, str]:
    if not pace.presses:
        return ("0", "no presses", "–", "–")
    late = pace.late_share or 0.0
    return (str(pace.presses), _seconds(pace.reaction), _seconds(pace.hold), f"{round(late * 100)} %")


_PACE_HEAD = ("Presses", "Reaction, median (middle half)", "Hold, median (middle half)", "Late")


def _pace_section(summary: Summary) -> str:
    if not summary.presses:
        return _section("pace", "Pace of presses", _none("No presses were measured in these days."))
    days = [
        (_e(_day(row.day)), *_pace_cells(pace))
        for row, pace in zip(summary.days, summary.pace_days, strict=True)
    ]
    times = [(_e(_TIMES_OF_DAY.get(name, name)), *_pace_cells(pace)) for name, pace in summary.pace_times]
    return _section(
        "pace",
        "Pace of presses",
        "<p>Reaction: seconds from the highlight reaching an item to the switch going down. "
        "Hold: seconds the switch was held down. The first figure is the median (half the "
        "presses were quicker); in brackets, the range of the middle half of the presses. "
        "Late: presses that came just after the highlight had moved on, meant for the item "
        "before. Presses that only woke the companion are not counted.</p>",
        _table(("Day", *_PACE_HEAD), days, numeric=4),
        "<h3>By time of day</h3>",
        "<p>All the days together:</p>",
        _table(("Time of day", *_PACE_HEAD), times, numeric=4),
    )


def _taken(week: Week) -> str:
    """ "7 of 9": taken of heard as it."""
    return f"{week.accepted} of {week.tries}" if week.tries else "–"


def _voice_section(summary: Summary) -> str:
    """Per command, how often it was taken when heard, the last week and the week before (a
    fall over weeks asks for new takes on the Voice page), and why words were not taken."""
    rows = [(_e(phrase), _taken(last), _taken(before)) for phrase, last, before in summary.voice_weeks()]
    reasons = [(_e(reason), str(times)) for reason, times in summary.voice_reasons()]
    if not rows and not reasons:
        return _section("voice", "Voice commands", _none("No voice commands were heard in these days."))
    parts = [
        "<p>Taken of the times each command was heard as it (heard but unsure, too short, or "
        "unlike the user's takes counts as not taken), in the last 7 days of the report and the "
        "7 before. A command taken less often than before may need its takes recorded again "
        "(the caregiver's page, Voice).</p>",
    ]
    if rows:
        parts.append(_table(("Command words", "Last 7 days", "The 7 days before"), rows, numeric=2))
    if reasons:
        parts += ["<h3>Why words were not taken</h3>", _table(("Reason", "Times"), reasons, numeric=1)]
    return _section("voice", "Voice commands", *parts)


def _change_words(change: SettingChange) -> tuple[str, str, str]:
    """(setting, old → new, why) of a settings change, in words."""
    if change.source == "page":
        return (
            "Caregiver's page",
            _e(change.detail),
            _e(f"changed on the caregiver's page ({change.reason})"),
        )
    name = _SETTINGS.get(change.setting, change.setting)
    old, new = _number(round(change.old or 0.0, 2)), _number(round(change.new or 0.0, 2))
    values = f'<span class="nw">{old} s → {new} s</span>'
    reasons = _TIMING_REASONS if change.source == "pacing" else _SPEED_REASONS
    return (_e(name), values, _e(reasons.get(change.reason, change.reason)))


def _settings_section(summary: Summary) -> str:
    """Every change to how the companion behaves, as dashed lines on the chart's press speed panel."""
    if not summary.setting_changes:
        return _section("settings", "Settings changes", _none("No settings changed in these days."))
    rows = [(_e(_when(c.at)), *_change_words(c)) for c in summary.setting_changes]
    return _section("settings", "Settings changes", _table(("When", "Setting", "Old → new", "Why"), rows))


def _config_section(summary: Summary) -> str:
    """Changes made on the caregiver's page: a short list, newest last, as the days run."""
    if not summary.config_edits:
        return _section(
            "config", "Config changes", _none("No changes on the caregiver's page in these days.")
        )
    items = "".join(
        f"<li>{_e(_when(c.at))}: {_e(c.entry.summary)} "
        f'<span class="quiet">(version {c.entry.version}, {_e(c.entry.who)})</span></li>'
        for c in summary.config_edits
    )
    return _section("config", "Config changes", f"<ul>{items}</ul>")


def render_html(summary: Summary, chart_png: bytes, source: Path | None = None, top: str = "") -> str:
    """The report page: title, chart, summary cards, then the sections. `top`: HTML put first in
    the page (the caregiver's page puts its way back there)."""
    span = f"{_day(summary.first_day)} – {_day(summary.last_day)} {summary.last_day.year}"
    image = base64.b64encode(chart_png).decode("ascii")
    made = datetime.now().strftime("%Y-%m-%d %H:%M")
    where = f" from {_e(source)}" if source is not None else ""
    return "".join(
        (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Companion report, {_e(span)}</title><style>{_CSS}</style></head><body><main>",
            top,
            f"<h1>The last {len(summary.days)} days</h1>",
            f'<p class="period">{_e(span)}</p>',
            f'<figure id="chart"><img src="data:image/png;base64,{image}" alt="{_e(_alt_text(summary))}">',
            "<figcaption>Dots: each energy check-in, morning to the left of the day, evening to the right. "
            "Line: the day's average. Red triangles: calls for help. Bars: minutes of rest, with the "
            "number of rests above. Press speed: the day's median reaction (circles) over the middle "
            "half of its reactions (band) and median hold (squares, dashed); vertical lines: settings "
            "changes, each kind with its own marker and line.</figcaption></figure>",
            _cards(summary),
            _rests_section(summary),
            _alerts_section(summary),
            _phrases_section(summary),
            _checkins_section(summary),
            _pace_section(summary),
            _voice_section(summary),
            _settings_section(summary),
            _speed_section(summary),
            _config_section(summary),
            f"<footer>Made by accessible-companion {__version__} on {made}{where}.</footer>",
            "</main></body></html>\n",
        )
    )


def build_report(journal: Journal, days: int = 14, now: float | None = None, top: str = "") -> str:
    """The report page for the last `days` days of an open journal (`top`: as for render_html)."""
    from .chart import render_chart  # matplotlib only when a report is made

    summary = summarize(journal, days, now)
    return render_html(summary, render_chart(summary), journal.path, top)


def write_report(journal_file: Path, out: Path, days: int = 14, now: float | None = None) -> Path:
    """Write the report for the journal at `journal_file` to `out` (replaced whole, never half-written)."""
    with open_existing(journal_file) as journal:
        page = build_report(journal, days, now)
    private.make_folder(out.parent)
    with replacing(out) as file:
        file.write(page)
    return out
