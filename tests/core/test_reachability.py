"""Every item of every menu can be reached and selected with switch input alone, in every mode.

Checked for the built-in content (as lists and as grids) and, with hypothesis, for random
menus, layouts and timings that `check` accepts. The driver below uses only what a switch
user has: presses and time. On a grid it takes the item's row first, then the item.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accessible_companion.config import load_config
from accessible_companion.config.loader import HELP_MARGIN
from accessible_companion.core.care import is_made_menu
from accessible_companion.core.effects import Effect, Select
from accessible_companion.core.limits import LIMITS
from accessible_companion.core.menus import Action, Item, Menu, MenuSet, paths_from_home, with_back_items
from accessible_companion.core.settings import (
    DEBOUNCE_SHARE,
    CheckIns,
    DisplaySettings,
    FatigueWatch,
    HelpCall,
    Mode,
    RestPacing,
    Scanning,
    Settings,
)
from accessible_companion.core.view import View
from tests.support.harness import Harness, of_type

MAX_STEPS = 2000

# Offers of rest (after active time, on signs of fatigue: this driver misses many passes
# on purpose) would come between the driver and its target; they are tested on their own
# in test_care.py, including that they can be answered by switch in every mode.
QUIET_CARE: dict[str, Any] = {
    "rest": RestPacing(after_active_minutes=0),
    "fatigue": FatigueWatch(enabled=False),
}


class Driver:
    """Moves the highlight to an item and selects it, as a user would in each mode."""

    def __init__(self, harness: Harness) -> None:
        self.h = harness
        self.timing = harness.companion.settings.scanning
        self.free_at = 0.0  # when a new press will not be ignored

    def _mode(self) -> Mode:
        return self.h.companion.settings.scanning.mode

    def _wait_until_free(self) -> None:
        if self.h.now < self.free_at:
            self.h.wait(self.free_at - self.h.now)

    def _press(self, switch: int, hold: float) -> list[Effect]:
        self._wait_until_free()
        on_row = self.h.companion.view().row is not None
        new = self.h.press(switch, hold=hold)
        release = self.h.now
        # Entering a row is a selection too: presses are ignored for the pause after it.
        if of_type(new, Select) or self._entered(on_row):
            self.free_at = release + max(self.timing.debounce, self.timing.post_selection_pause) + 0.001
        else:
            self.free_at = release + self.timing.debounce + 0.001
        return list(new)

    def _short(self) -> float:
        return (self.timing.acceptance + self.timing.long_press) / 2

    def _step_time(self) -> None:
        self.h.step()

    def _entered(self, was_on_row: bool) -> bool:
        """A press on a row entered it."""
        view = self.h.companion.view()
        return was_on_row and view.row is None and view.state != "idle"

    @staticmethod
    def _at(view: View, index: int) -> bool:
        """The highlight is on the item, or on its row while a grid's rows are scanned."""
        if view.row is not None:
            return view.row == index // view.columns
        return view.highlight == index

    def select(self, index: int) -> list[Select]:
        """Bring item `index` of the current menu under the highlight (its row first, on a
        grid) and select it. An offer of rest or a check-in that comes meanwhile is answered
        ("Not now", the first answer, Skip) and the item is reached after it."""
        for _ in range(MAX_STEPS):
            if self.settle():
                continue
            view = self.h.companion.view()
            if view.state == "idle":
                self._press(1, self.timing.acceptance + 0.01)
                continue
            chosen = self._choose(view, index)
            # A press that landed in an offer opened meanwhile, or that the offer's guard
            # swallowed, was not this selection: try again after it.
            if chosen and view.row is None and not any(is_made_menu(s.menu) for s in chosen):
                return chosen
        raise AssertionError(f"item {index} not reached in {MAX_STEPS} steps")

    def settle(self) -> bool:
        """Answer what the companion opened on its own, end a rest a stray press started;
        True if there was something."""
        view = self.h.companion.view()
        if view.state == "resting":
            self._press(1, self.timing.acceptance + 0.01)
            return True
        if not is_made_menu(view.menu) or view.state == "idle":
            return False
        labels = list(view.labels)
        messages = self.h.companion.settings.messages
        wanted = next((labels.index(x) for x in (messages.not_now, messages.skip) if x in labels), 0)
        opened = view.menu
        for _ in range(MAX_STEPS):
            view = self.h.companion.view()
            if view.menu != opened:
                return True
            if view.state in ("idle", "resting"):
                return True
            self._choose(view, wanted)
        raise AssertionError(f"{view.menu} not answered in {MAX_STEPS} steps")

    def _choose(self, view: View, index: int) -> list[Select] | None:
        """One move toward `index`; what was selected when the highlight was on it (or its row)."""
        mode = self._mode()
        at_target = self._at(view, index)
        if mode is Mode.AUTO:
            if at_target and self.h.now >= self.free_at:
                return of_type(self._press(1, self.timing.acceptance + 0.01), Select)
            self._step_time() if self.h.now >= self.free_at else self._wait_until_free()
        elif mode in (Mode.PRESS_HOLD, Mode.STEP):
            if at_target:
                if mode is Mode.STEP:
                    return of_type(self._press(2, self.timing.acceptance + 0.01), Select)
                return of_type(self._press(1, self.timing.long_press + 0.01), Select)
            self._press(1, self._short())
        else:  # inverse: hold while the highlight moves, release on the target
            if at_target:
                return of_type(self._press(1, self.timing.acceptance + 0.01), Select)
            self._wait_until_free()
            self.h.down()
            menu = view.menu
            for _ in range(MAX_STEPS):
                self._step_time()
                view = self.h.companion.view()
                if self._at(view, index) or view.state == "idle" or view.menu != menu:
                    break
            new = self.h.up()
            self.free_at = self.h.now + max(self.timing.debounce, self.timing.post_selection_pause) + 0.001
            if self._at(view, index) and view.state != "idle" and view.menu == menu:
                return of_type(new, Select)
        return None


def select_everywhere(
    menus: MenuSet, config: Settings, speech_seconds: float = 0.0, day_offset: float | None = None
) -> int:
    """Select every item of every menu from a fresh start; returns how many were selected."""
    count = 0
    paths = paths_from_home(menus)
    for menu_id, menu in menus.menus.items():
        if is_made_menu(menu_id):
            continue  # offers and check-ins: answered as they come
        for index, item in enumerate(menu.items):
            h = Harness.start(menus, config, speech_seconds, day_offset)
            driver = Driver(h)
            for step_menu, step_index in paths[menu_id]:
                driver.settle()
                assert h.companion.view().menu == step_menu
                driver.select(step_index)
            driver.settle()
            assert h.companion.view().menu == menu_id
            chosen = driver.select(index)
            assert [(s.menu, s.label) for s in chosen] == [(menu_id, item.label)]
            count += 1
    return count


@pytest.mark.parametrize("columns", [1, 3])
@pytest.mark.parametrize("mode", list(Mode))
def test_every_default_item_is_selectable_by_switch_alone(mode: Mode, columns: int) -> None:
    config = load_config()
    scanning = Scanning(**{**config.settings.scanning.__dict__, "mode": mode})
    # On a grid this driver's quick presses (an item, a row, an item) would make inverse
    # mode's help gesture by accident, as in the random configs below: it is given one it never makes.
    help_call = HelpCall(within_seconds=0.0) if columns > 1 else HelpCall()
    display = DisplaySettings(columns=columns)
    settings = Settings(scanning=scanning, display=display, help=help_call, **QUIET_CARE)
    total = sum(len(m.items) for m in config.menus.menus.values())
    assert select_everywhere(config.menus, settings, speech_seconds=0.7) == total


# Random menus and timings.


def _timing(name: str) -> st.SearchStrategy[float]:
    limit = LIMITS[f"scanning.{name}"]
    return st.floats(min_value=limit.low, max_value=limit.high, allow_nan=False)


@st.composite
def scanning_settings(draw: st.DrawFn) -> Scanning:
    long_press = draw(_timing("long_press"))
    # check rejects acceptance >= long_press: no short press could exist in press-hold.
    acceptance = draw(st.floats(min_value=0.0, max_value=long_press * 0.9))
    interval = draw(_timing("interval"))
    # check rejects a debounce longer than half the interval: the first item could pass unpressable.
    debounce = draw(st.floats(min_value=0.0, max_value=interval * DEBOUNCE_SHARE))
    return Scanning(
        mode=draw(st.sampled_from(list(Mode))),
        interval=interval,
        first_item_extra=draw(_timing("first_item_extra")),
        loops=draw(st.integers(min_value=1, max_value=int(LIMITS["scanning.loops"].high))),
        acceptance=acceptance,
        debounce=debounce,
        long_press=long_press,
        post_selection_pause=draw(_timing("post_selection_pause")),
        auditory=draw(st.booleans()),
        row_loops=draw(st.integers(min_value=1, max_value=int(LIMITS["scanning.row_loops"].high))),
    )


@st.composite
def menu_trees(draw: st.DrawFn) -> MenuSet:
    count = draw(st.integers(min_value=1, max_value=4))
    ids = ["home", *(f"m{i}" for i in range(1, count))]
    items: dict[str, list[Item]] = {menu_id: [] for menu_id in ids}
    for position, menu_id in enumerate(ids[1:], start=1):
        parent = ids[draw(st.integers(min_value=0, max_value=position - 1))]
        items[parent].append(Item(f"Open {menu_id}", action=Action.MENU, menu=menu_id))
    kinds = st.sampled_from(
        [Action.SPEAK, Action.HELP, Action.CHECK_IN, Action.REST, Action.PAUSE, Action.HOME]
    )
    for menu_id in ids:
        extra = draw(st.integers(min_value=0 if items[menu_id] else 1, max_value=6))
        for n in range(extra):
            items[menu_id].append(Item(f"{menu_id} item {n}", action=draw(kinds)))
        draw(st.randoms()).shuffle(items[menu_id])
    # Each menu a list or a grid of its own columns, or the default's (drawn with the settings).
    columns = st.sampled_from([0, 0, 1, 2, 3])
    return MenuSet({m: Menu(m, m, tuple(items[m]), draw(columns)) for m in ids})


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    menus=menu_trees(),
    scanning=scanning_settings(),
    speech=st.sampled_from([0.0, 0.4, 1000.0]),
    columns=st.sampled_from([1, 2, 4]),
)
def test_every_item_of_any_valid_config_is_selectable(
    menus: MenuSet, scanning: Scanning, speech: float, columns: int
) -> None:
    # A valid config holds for help clearly longer than a long press (the loader checks it).
    # This driver presses far faster than a person can, so in inverse mode it would make
    # the help gesture (3 presses within 1.5 s) by accident: it is given one it never makes.
    help_call = HelpCall(hold_seconds=scanning.long_press + HELP_MARGIN, within_seconds=0.0)
    config = Settings(
        scanning=scanning, help=help_call, display=DisplaySettings(columns=columns), **QUIET_CARE
    )
    full = with_back_items(menus, config)
    total = sum(len(m.items) for m in full.menus.values())
    assert select_everywhere(full, config, speech) == total


# Offers of rest and check-ins at random times, while the user reaches every item.


@pytest.mark.parametrize("mode", list(Mode))
@hsettings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    # Often, but with room in between to reach an item (an offer every few seconds would
    # leave none: that is a config to refuse, not a user to drive).
    active_minutes=st.floats(min_value=0.2, max_value=1.0),
    snooze_minutes=st.floats(min_value=1.0, max_value=2.0),
    day_offset=st.floats(min_value=0.0, max_value=59.0),
    speech=st.sampled_from([0.0, 0.7]),
)
def test_every_default_item_is_reached_while_offers_and_check_ins_come(
    mode: Mode, active_minutes: float, snooze_minutes: float, day_offset: float, speech: float
) -> None:
    config = load_config()
    scanning = Scanning(**{**config.settings.scanning.__dict__, "mode": mode})
    rest = RestPacing(after_active_minutes=active_minutes, snooze_minutes=snooze_minutes)
    # A check-in every third minute of the first hour, the first at a random moment.
    check_ins = CheckIns(times=tuple(f"00:{minute:02d}" for minute in range(1, 60, 3)))
    settings = Settings(
        scanning=scanning,
        rest=rest,
        check_ins=check_ins,
        fatigue=FatigueWatch(enabled=False),
    )
    total = sum(len(m.items) for m in config.menus.menus.values())
    assert select_everywhere(config.menus, settings, speech, day_offset) == total
