"""Pacing: the timing that would suit the user's recent presses, in the current mode. Pure.

What helps depends on the mode (`modes.RULES`):
- where the highlight moves by itself (auto) or while held (inverse): the interval. The rule
  of thumb is the mean reaction time + 2 standard deviations (Simpson, Koester and LoPresti,
  "Selecting an appropriate scan rate: the '.65 rule'", Assistive Technology 19(2), 2007),
  here on the log of the reaction times, which are skewed (`skewed_interval_rule`), less the
  time before the dwell starts (the spoken cue, in auditory scanning); late presses are counted
  from the item they were meant for (`press_times.py`), so a too-brisk scan shows as such;
- where a long hold selects (press-hold): the long press, kept above the holds of nearly all
  the quick presses that move on (95 in 100, + 0.2 s), so a step is not taken for a choice;
- step (two switches): switch 1 held past the long press also selects, so the same.
A change is suggested only when it is worth a question: slower by 10% (and 0.1 s) or more, or
faster by 15% or more, and faster only after a rest (the user has recovered; within a
tiring stretch a brief run of quick presses says little); never faster than the caregiver's
own setting (recovery gives back what tiredness took, not more), and always within LIMITS
and clear of the settings it must not meet.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from .limits import clamp
from .modes import RULES
from .press_times import WINDOW, PressTimes, figures
from .settings import Settings, fastest_interval

STEP = 0.05
"""Timings are suggested in steps of this many seconds (rounded up)."""
LONG_PRESS_ROOM = 0.2
"""Seconds added above the holds of nearly all quick presses."""
HELP_ROOM = 0.5
"""A long press stays this far below the hold that calls for help (the config check's margin)."""
SLOWER_BY = 1.1
FASTER_BY = 1.15
LEAST = 0.1
"""Seconds: a smaller change is not worth a question."""


def round_up(seconds: float, step: float = STEP) -> float:
    # The small tolerance keeps 1.85 at 1.85 when float arithmetic makes it 1.8500000000000003.
    return round(math.ceil(seconds / step - 1e-6) * step, 2)


def skewed_interval_rule(timed: list[tuple[float, float]]) -> float | None:
    """The same rule on the log of the reaction times, less the usual lead (the cue said
    before the dwell starts): reaction times are skewed (a long tail of slow presses), and
    mean + 2 SD of the seconds themselves covers only about 95 in 100 of such presses (the
    simulated tired user's 0.88 s median with sigma 0.35: 1.61 s against 1.70 s), which
    left 5-8% of selections wrong late in the hour. On the log scale it covers 97 to 98."""
    if len(timed) < 2:
        return None
    logs = [math.log(reaction) for reaction, _ in timed]
    leads = sorted(lead for _, lead in timed)
    covered = math.exp(statistics.fmean(logs) + 2 * statistics.stdev(logs))
    return max(covered - leads[len(leads) // 2], 0.0)


def long_press_bounds(settings: Settings) -> tuple[float, float]:
    """(lowest, highest) long press these settings allow: a STEP above acceptance (a counted
    press must be able to be quick) and HELP_ROOM under the hold that calls for help (the
    config check's margin). Pacing, Slower and Faster, and a reload all keep to them."""
    return settings.scanning.acceptance + STEP, settings.help.hold_seconds - HELP_ROOM


def long_press_rule(holds: list[float]) -> float | None:
    """The hold that 95 in 100 quick presses stay under, + LONG_PRESS_ROOM, raw."""
    found = figures(holds)
    return None if found is None else found.p95 + LONG_PRESS_ROOM


@dataclass(frozen=True)
class PaceChange:
    """A timing to offer (or, where the caregiver allows it, to make)."""

    setting: str
    """`interval` or `long_press` (under `scanning`)."""
    value: float
    now: float

    @property
    def slower(self) -> bool:
        return self.value > self.now

    @property
    def dotted(self) -> str:
        return f"scanning.{self.setting}"


def suggest(times: PressTimes, settings: Settings, configured: Settings) -> PaceChange | None:
    """The change the recent presses call for in the current mode, or None. `configured`: the
    caregiver's settings (pacing never makes a timing faster than theirs)."""
    timing = settings.scanning
    rules = RULES[timing.mode]
    if rules.moves_by_itself or rules.hold_moves:
        timed = times.timed_selections()
        raw = skewed_interval_rule(timed) if len(timed) >= WINDOW else None
        if raw is None:
            return None
        value = max(round_up(clamp("scanning.interval", raw)), round_up(fastest_interval(timing.debounce)))
        return _worth("interval", value, timing.interval, configured.scanning.interval, times.rested)
    if rules.long_hold_selects:
        holds = list(times.step_holds)
        raw = long_press_rule(holds) if len(holds) >= WINDOW else None
        if raw is None:
            return None
        low, high = long_press_bounds(settings)
        value = max(min(round_up(clamp("scanning.long_press", raw)), high), round_up(low))
        return _worth("long_press", value, timing.long_press, configured.scanning.long_press, times.rested)
    return None


def _worth(setting: str, value: float, now: float, floor: float, rested: bool) -> PaceChange | None:
    if value >= now * SLOWER_BY and value - now >= LEAST - 1e-9:
        return PaceChange(setting, value, now)
    if rested and value <= now / FASTER_BY and now > floor:
        value = max(value, floor)
        if now - value >= LEAST - 1e-9:
            return PaceChange(setting, value, now)
    return None
