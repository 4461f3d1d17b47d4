"""How long it takes to reach each item from Home, and which much-used items would be quicker
earlier (pure: no I/O, no clock; the menus page reads the journal and the config).

The model, small on purpose (the page says its assumptions in words):
- Every menu on the way is entered at its first item (a grid: its first row), as the scanner
  does after a selection, and each selection on the way (an item that opens a menu, a grid's
  row) adds `post_selection_pause`, the time presses are ignored after it.
- One choice among positions 0..p (items of a list, rows of a grid, items of the chosen row):
  - auto: the scan reaches position p after `first_item_extra` + p x `interval` (+ the spoken
    length of each cue passed, in auditory scanning, where the dwell starts after the cue);
    position 0 is there at once. Then a reaction and a quick press.
  - press-hold: p quick presses (reaction + quick hold each), then a reaction and a long press.
  - step: p presses of switch 1, then one of switch 2 (reaction + quick hold each).
  - inverse: a reaction to start holding, `acceptance`, then p x `interval` (+ the cues passed
    while held, after the first item's own cue), then a reaction to let go.
- The reaction is the median of the user's measured presses when there are enough of them,
  else DEFAULT_REACTION. A quick press is held QUICK_HOLD (at least `acceptance`).
- It assumes no misses: every press comes in time for the item it is meant for.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..core.grid import Layout, row_cues
from ..core.menus import Action, Menu, MenuSet, paths_from_home
from ..core.modes import RULES
from ..core.pacing import estimate_seconds
from ..core.records import PhraseUsed, PressTimed
from ..core.settings import Mode, Settings

DEFAULT_REACTION = 1.0
"""Seconds from a highlight to the press when too few presses were measured."""
MIN_REACTIONS = 20
"""Measured presses the median needs before it is used instead of the default."""
QUICK_HOLD = 0.2
"""Seconds a quick press is held (the selection or the step comes at its release)."""
DAYS = 14
"""Days of the journal looked at: the presses and the phrases used."""
MIN_USES = 5
"""Uses an item needs in those days before moving it is suggested."""
MEASURED_KINDS = ("select", "step")
"""PressTimed kinds whose reaction counts (a `wake` press had nothing highlighted)."""


@dataclass(frozen=True)
class Reaction:
    """The reaction time the model uses, and where it comes from."""

    seconds: float
    measured: int
    """How many measured presses it is the median of (0: the default)."""


def reaction_of(presses: Sequence[PressTimed]) -> Reaction:
    """The median reaction of the selecting and stepping presses, or the default with too few."""
    found = [p.reaction for p in presses if p.action in MEASURED_KINDS and p.reaction is not None]
    if len(found) < MIN_REACTIONS:
        return Reaction(DEFAULT_REACTION, 0)
    return Reaction(statistics.median(found), len(found))


def _cue_seconds(texts: Sequence[str], settings: Settings) -> list[float]:
    """Each cue's spoken length where the dwell waits for it (auditory scanning), else 0."""
    speech = settings.speech
    if not (settings.scanning.auditory and speech.enabled and speech.cues):
        return [0.0] * len(texts)
    return [estimate_seconds(text, speech.cue.rate) for text in texts]


def choice_seconds(position: int, cues: Sequence[str], settings: Settings, reaction: float) -> float:
    """Seconds to choose `position` among places whose cues are `cues`, from the first place."""
    timing = settings.scanning
    spoken = _cue_seconds(cues, settings)
    hold = max(QUICK_HOLD, timing.acceptance)
    rules = RULES[timing.mode]
    if rules.moves_by_itself:
        extra = timing.first_item_extra if position > 0 else 0.0
        return extra + position * timing.interval + sum(spoken[:position]) + reaction + hold
    if rules.hold_moves:
        held = reaction + timing.acceptance
        if position == 0:
            return held + reaction
        # The first item's dwell waits for its own cue, which may still be spoken when holding starts.
        moving = max(held, spoken[0]) + position * timing.interval + sum(spoken[1:position])
        return moving + reaction
    if timing.mode is Mode.STEP:
        return (position + 1) * (reaction + hold)
    return position * (reaction + hold) + reaction + max(timing.long_press, hold)


def _layout(menu: Menu, settings: Settings) -> Layout:
    return Layout.of(menu, settings.display.columns)


def pick_seconds(menu: Menu, index: int, settings: Settings, reaction: float) -> float:
    """Seconds to choose item `index` of `menu` once it is open (a grid: its row, then the item)."""
    layout = _layout(menu, settings)
    cues = [item.cue_text for item in menu.items]
    if not layout.is_grid:
        return choice_seconds(index, cues, settings, reaction)
    row = layout.row_of(index)
    cells = layout.cells(row)
    in_row = choice_seconds(index - cells.start, [cues[i] for i in cells], settings, reaction)
    rows = choice_seconds(row, row_cues(menu, layout), settings, reaction)
    return rows + settings.scanning.post_selection_pause + in_row


def reach_seconds(menus: MenuSet, settings: Settings, reaction: float) -> dict[str, list[float]]:
    """For each menu reachable from Home, the seconds to reach and choose each of its items."""
    pause = settings.scanning.post_selection_pause
    found: dict[str, list[float]] = {}
    for menu_id, path in paths_from_home(menus).items():
        way = sum(pick_seconds(menus[m], i, settings, reaction) + pause for m, i in path)
        menu = menus[menu_id]
        found[menu_id] = [way + pick_seconds(menu, i, settings, reaction) for i in range(len(menu.items))]
    return found


# Suggestions from the phrases used.


@dataclass(frozen=True)
class Suggestion:
    """Move item `index` of `menu_id` to `to_index`: it would be quicker to reach."""

    menu_id: str
    index: int
    to_index: int
    label: str
    uses: int
    saved_each: float
    """Seconds saved each time it is chosen."""

    @property
    def saved_total(self) -> float:
        return self.saved_each * self.uses


def uses_by_item(menus: MenuSet, phrases: Sequence[PhraseUsed]) -> dict[str, Counter[int]]:
    """How often each item was chosen, by menu and position: a phrase counts for its own item
    (found by its label) and for each item that opened a menu on its way from Home."""
    paths = paths_from_home(menus)
    counts: dict[str, Counter[int]] = {menu_id: Counter() for menu_id in paths}
    for used in phrases:
        menu = menus.menus.get(used.menu)
        if menu is None or used.menu not in paths:
            continue
        index = next((i for i, item in enumerate(menu.items) if item.label == used.label), None)
        if index is None:
            continue  # renamed or deleted since: it cannot be placed
        counts[used.menu][index] += 1
        for step_menu, step_index in paths[used.menu]:
            counts[step_menu][step_index] += 1
    return counts


def _target(menu: Menu, counts: Counter[int], index: int) -> int | None:
    """Where item `index` would go: before the first less-used item above it, but never above a
    call for help (it stays where the caregiver put it)."""
    uses = counts[index]
    lowest = max((i + 1 for i in range(index) if menu.items[i].action is Action.HELP), default=0)
    return next((i for i in range(lowest, index) if counts[i] < uses), None)


def suggestions(
    menus: MenuSet, settings: Settings, phrases: Sequence[PhraseUsed], reaction: float
) -> list[Suggestion]:
    """Items used at least MIN_USES times that sit after less-used items, each with where it would
    go and the seconds it would save; the most time saved first. Nothing is moved here."""
    found: list[Suggestion] = []
    for menu_id, counts in uses_by_item(menus, phrases).items():
        menu = menus[menu_id]
        for index, uses in counts.items():
            if uses < MIN_USES:
                continue
            to_index = _target(menu, counts, index)
            if to_index is None:
                continue
            items = list(menu.items)
            items.insert(to_index, items.pop(index))
            moved = replace(menu, items=tuple(items))
            saved = pick_seconds(menu, index, settings, reaction) - pick_seconds(
                moved, to_index, settings, reaction
            )
            if saved > 0:
                found.append(Suggestion(menu_id, index, to_index, menu.items[index].label, uses, saved))
    return sorted(found, key=lambda s: (-s.saved_total, s.menu_id, s.index))


# Words.


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 22nd."""
    ending = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{ending}"


def seconds_words(seconds: float) -> str:
    """About how long, as a caregiver would say it."""
    if seconds < 10:
        return f"about {round(seconds, 1):g} s"
    if seconds < 90:
        return f"about {round(seconds)} s"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


def suggestion_words(suggestion: Suggestion, title: str) -> str:
    """ "'I need water': chosen 41 times in 14 days, 7th in Phrases. Moved to 2nd it takes about
    6 s less each time, about 4 minutes over those 14 days.\""""
    s = suggestion
    times = "time" if s.uses == 1 else "times"
    return (
        f"'{s.label}': chosen {s.uses} {times} in {DAYS} days, {ordinal(s.index + 1)} in {title}. "
        f"Moved to {ordinal(s.to_index + 1)} it takes {seconds_words(s.saved_each)} less each time, "
        f"{seconds_words(s.saved_total)} over those {DAYS} days."
    )
