"""Figures and suggested timings from the presses of a switch test (pure: no I/O, no clock).

The page collects presses (press_trace.py) and shows what this module makes of them: how
fast the user reacts and how long they hold, and three settings that would suit those
presses, each with its reason in words. Nothing is suggested from fewer than MIN_PRESSES
presses: a handful of presses says more about the moment than about the person.

The rules of thumb:
- interval = mean reaction time + 2 standard deviations, rounded up to 0.05 s. Simpson,
  Koester and LoPresti found that the scan rate which suits a user is about this (and about
  their mean reaction time / 0.65, "the .65 rule"): "Selecting an appropriate scan rate:
  the '.65 rule'", Assistive Technology 19(2), 2007, 51-58 (doi:10.1080/10400435.2007.10131865).
  If reaction times spread evenly around their mean, about 98 in 100 presses then come
  before the highlight moves on.
- acceptance = half of the shortest tenth of the user's holds: a contact much shorter than
  their own short presses is more likely a tremor or a bump.
- long press = the hold that 95 in 100 presses stay under, + 0.2 s: a quick press is then
  rarely taken for a long one.
Each value is kept inside LIMITS and clear of the settings it must not meet (acceptance
under long press, long press well under the hold that calls for help, interval above what
debounce needs), as the config check asks.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

from ..core.limits import LIMITS, clamp
from ..core.modes import RULES
from ..core.pace import HELP_ROOM, LONG_PRESS_ROOM, STEP, round_up
from ..core.settings import Mode, fastest_interval

# The rounding and the margins are the core's (core/pace.py), which pacing uses while the
# companion runs: the page and the companion suggest in the same steps.

MIN_PRESSES = 10
"""Presses a figure needs before anything is suggested from it."""
HELP_HOLDS = 200
"""The user's own holds (from the journal) a help hold needs before it is suggested: their
rare long holds are what matters, and a few hundred presses are needed to see some."""
HELP_ABOVE = 0.5
"""Seconds the help hold is suggested above the user's longest ordinary hold."""
HELP_STEP = 0.5
"""The help hold is suggested in steps of this many seconds (rounded up)."""
HELP_LOWEST = 2.0
"""The shortest help hold suggested (the built-in one)."""
HOLD_BINS = (0.2, 0.5, 1.0, 1.5, 2.0, 3.0)
"""The edges of the bins of the hold distribution on the switch page (seconds)."""

IGNORED_SHORT = "short"
"""Held less than acceptance: the companion took it for a tremor or a bump."""
IGNORED_DEBOUNCE = "debounce"
"""Started too soon after the last release."""
IGNORED_PAUSE = "pause"
"""Started in the pause right after a selection."""


@dataclass(frozen=True)
class Press:
    """One press of the user's switch, as the switch test saw it in the trace."""

    hold: float | None = None
    """Seconds from press to release; None for a device that reports no release."""
    reaction: float | None = None
    """Seconds from the onset of the highlight it acted on; None when none was seen."""
    after_cue: float | None = None
    """Seconds from the end of that item's spoken cue (auditory scanning): 0 when the press
    came while the cue was still sounding; None when the trace showed no cue."""
    ignored: str = ""
    """Why the companion did not count it (IGNORED_*), or "" when it did."""
    long: bool = False
    """Held past the long press in use (the companion said so: a `hold` trace line)."""
    at: float = 0.0
    """When it was pressed, on the trace's clock (seconds since the companion started)."""
    switch: int = 1
    item: str = ""
    """The label of the highlight it acted on ("" when none was seen)."""

    @property
    def wait(self) -> float | None:
        """What the interval has to cover: from the end of the cue when the trace shows one
        (in auditory scanning the interval starts there), otherwise from the highlight."""
        return self.after_cue if self.after_cue is not None else self.reaction


@dataclass(frozen=True)
class Current:
    """The settings in use that the suggestions are measured against."""

    interval: float
    acceptance: float
    long_press: float
    debounce: float
    mode: Mode
    auditory: bool
    help_hold: float
    """help.hold_seconds: a hold this long calls for help."""


@dataclass(frozen=True)
class Spread:
    """A handful of seconds summed up."""

    count: int
    mean: float
    median: float
    sd: float
    """Sample standard deviation (0 for a single value)."""
    low: float
    high: float


@dataclass(frozen=True)
class Suggestion:
    setting: str
    """`interval`, `acceptance` or `long_press` (under `settings.scanning`)."""
    value: float
    now: float
    reason: str
    section: str = "scanning"
    """Where the setting is: `scanning`, or `help` for `hold_seconds`."""

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.setting}"

    @property
    def changes(self) -> bool:
        return not math.isclose(self.value, self.now, abs_tol=1e-9)


@dataclass(frozen=True)
class Tuning:
    presses: int
    """Every press seen, counted or not."""
    ignored: dict[str, int]
    """How many were not counted, by why (IGNORED_*)."""
    reaction: Spread | None
    """From the highlight's onset, of counted presses."""
    wait: Spread | None
    """What the interval has to cover (from the cue's end in auditory scanning)."""
    hold: Spread | None
    """Of presses whose release was seen (counted, or too short to count)."""
    suggestions: list[Suggestion]
    not_yet: list[str]
    """Why a setting has no suggestion (yet), in words."""


def spread(values: list[float]) -> Spread | None:
    if not values:
        return None
    return Spread(
        count=len(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        sd=statistics.stdev(values) if len(values) > 1 else 0.0,
        low=min(values),
        high=max(values),
    )


def percentile(values: list[float], share: float) -> float:
    """The value `share` (0-1) of the way through `values` sorted, between neighbours as needed."""
    ordered = sorted(values)
    place = (len(ordered) - 1) * share
    below = math.floor(place)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (place - below)


def round_down(seconds: float, step: float = 0.01) -> float:
    return round(math.floor(seconds / step + 1e-6) * step, 2)


def tune(presses: list[Press], current: Current) -> Tuning:
    counted = [press for press in presses if not press.ignored]
    ignored: dict[str, int] = {}
    for press in presses:
        if press.ignored:
            ignored[press.ignored] = ignored.get(press.ignored, 0) + 1
    # A contact too short to count is still one of the user's holds: if acceptance is too
    # high, those are the very presses the suggestion must let through.
    held = [p.hold for p in presses if p.hold is not None and p.ignored in ("", IGNORED_SHORT)]
    reactions = [p.reaction for p in counted if p.reaction is not None]
    waits = [w for p in counted if (w := p.wait) is not None]
    suggestions: list[Suggestion] = []
    not_yet: list[str] = []
    for made in (
        _interval(waits, presses, current),
        _acceptance(held, presses, current),
        _long_press(held, presses, current),
    ):
        if isinstance(made, Suggestion):
            suggestions.append(made)
        else:
            not_yet.append(made)
    return Tuning(
        presses=len(presses),
        ignored=ignored,
        reaction=spread(reactions),
        wait=spread(waits),
        hold=spread(held),
        suggestions=suggestions,
        not_yet=not_yet,
    )


def _too_few(what: str, have: int) -> str:
    return f"{what}: {have} of the {MIN_PRESSES} presses needed so far."


def _interval(waits: list[float], presses: list[Press], current: Current) -> Suggestion | str:
    if not RULES[current.mode].moves_by_itself:
        return (
            f"Interval: in {current.mode.value} mode the highlight does not move by itself, "
            "so the interval is not used."
        )
    if len(waits) < MIN_PRESSES:
        return _too_few("Interval (presses after a highlight)", len(waits))
    figures = spread(waits)
    assert figures is not None
    raw = figures.mean + 2 * figures.sd
    value = round_up(clamp("scanning.interval", raw))
    counted_from = (
        "counted from the end of each item's spoken name, where the interval starts"
        if any(p.after_cue is not None for p in presses)
        else "counted from the moment each item was highlighted"
    )
    reason = (
        f"Mean reaction time {figures.mean:.2f} s + 2 × its spread (standard deviation "
        f"{figures.sd:.2f} s) = {raw:.2f} s, rounded up to {value:.2f} s ({counted_from}). "
        "Nearly every press (about 98 in 100) then comes before the highlight moves on."
    )
    reason += _limited("scanning.interval", raw, value)
    fastest = round_up(fastest_interval(current.debounce))
    if value < fastest:
        value = fastest
        reason += (
            f" Kept at {value:.2f} s: with the debounce in use ({current.debounce:g} s), a shorter "
            "interval could pass before a new press counts."
        )
    return Suggestion("interval", value, current.interval, reason)


def _acceptance(held: list[float], presses: list[Press], current: Current) -> Suggestion | str:
    if len(held) < MIN_PRESSES:
        return _too_few("Acceptance (presses with a release)", len(held))
    tenth = percentile(held, 0.10)
    value = round_down(clamp("scanning.acceptance", tenth / 2))
    reason = (
        f"Half of the shortest tenth of the presses: 1 in 10 were held {tenth:.2f} s or less, "
        f"so {value:.2f} s lets the user's own presses through while a shorter tap (a tremor, a "
        "bump) is ignored."
    )
    too_short = sum(1 for p in presses if p.ignored == IGNORED_SHORT)
    if too_short:
        reason += (
            f" {too_short} of the presses were shorter than the acceptance in use "
            f"({current.acceptance:g} s) and were ignored."
        )
    limit = round_down(current.long_press - 0.01)
    if value > limit:
        value = limit
        reason += f" Kept below the long press in use ({current.long_press:g} s)."
    return Suggestion("acceptance", value, current.acceptance, reason)


def _long_press(held: list[float], presses: list[Press], current: Current) -> Suggestion | str:
    if len(held) < MIN_PRESSES:
        return _too_few("Long press (presses with a release)", len(held))
    most = percentile(held, 0.95)
    raw = most + LONG_PRESS_ROOM
    value = round_up(clamp("scanning.long_press", raw))
    reason = (
        f"95 in 100 of the presses were held {most:.2f} s or less; {value:.2f} s (that + "
        f"{LONG_PRESS_ROOM:g} s, rounded up) leaves room, so a quick press is not taken for a long "
        "one (in press-hold and step modes a long press selects)."
    )
    reason += _limited("scanning.long_press", raw, value)
    long = sum(1 for p in presses if p.long)
    if long:
        reason += (
            f" {long} of the presses were held past the long press in use ({current.long_press:g} s); "
            "ask for quick presses during the test, or those count as quick ones here."
        )
    highest = round_down(current.help_hold - HELP_ROOM, STEP)
    if value > highest:
        value = highest
        reason += (
            f" Kept at {value:.2f} s: at least {HELP_ROOM:g} s shorter than the hold that calls for "
            f"help ({current.help_hold:g} s)."
        )
    return Suggestion("long_press", value, current.long_press, reason)


def _limited(path: str, raw: float, value: float) -> str:
    limit = LIMITS[path]
    if raw > limit.high:
        return f" ({limit.high:g} s is the longest allowed.)"
    if raw < limit.low:
        return f" ({limit.low:g} s is the shortest allowed.)"
    return ""


def hold_bins(holds: list[float]) -> list[tuple[str, int]]:
    """How many holds fall in each bin of HOLD_BINS (under the first edge, between edges,
    the last edge and more), labelled for the page."""
    edges = HOLD_BINS
    labels = [f"under {edges[0]:g} s"]
    labels += [f"{low:g}-{high:g} s" for low, high in itertools.pairwise(edges)]
    labels.append(f"{edges[-1]:g} s and more")
    counts = [0] * len(labels)
    for hold in holds:
        counts[sum(1 for edge in edges if hold >= edge)] += 1
    return list(zip(labels, counts, strict=True))


def suggest_help_hold(holds: list[float], current: float, long_press: float = 0.0) -> Suggestion | str:
    """help.hold_seconds from the user's own holds (the presses the companion measured, none
    of them a call for help): their longest + HELP_ABOVE, rounded up to HELP_STEP. Only ever
    longer than `current` (a shorter hold would not call for help any sooner when it matters,
    and could start calling on ordinary presses), never under HELP_LOWEST, nor under the long
    press + HELP_ROOM, within LIMITS."""
    if len(holds) < HELP_HOLDS:
        return f"Hold for help: {len(holds)} of the {HELP_HOLDS} presses needed so far."
    longest = max(holds)
    limit = LIMITS["help.hold_seconds"]
    raw = max(longest + HELP_ABOVE, HELP_LOWEST, long_press + HELP_ROOM)
    value = min(round_up(raw, HELP_STEP), limit.high)
    near = sum(1 for hold in holds if hold >= current - HELP_ABOVE)
    if value <= current:
        return (
            f"Hold for help: {current:g} s is fine. The longest of the user's {len(holds)} presses was "
            f"held {longest:.1f} s, more than {HELP_ABOVE:g} s short of it."
        )
    reason = (
        f"The longest of the user's {len(holds)} presses was held {longest:.1f} s"
        f" ({near} came within {HELP_ABOVE:g} s of the {current:g} s that calls for help, or past it)."
        f" {value:g} s ({HELP_ABOVE:g} s more, rounded up) keeps an ordinary long press from"
        " calling for help; a deliberate call still takes one hold."
    )
    if longest + HELP_ABOVE > limit.high:
        reason += f" ({limit.high:g} s is the longest allowed: some holds may still call.)"
    return Suggestion("hold_seconds", value, current, reason, section="help")
