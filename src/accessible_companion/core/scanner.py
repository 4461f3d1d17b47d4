"""The scan: the menu stack, the highlight, its dwell and passes, and what a press means in
the current mode (the mode's row in `modes.RULES`). Pure: time comes in as `now`.

The scanner knows nothing of rests or alerts: care stops it (`stop`) and starts it again
(`restart`, `idle`), and asks it for plain values (`calm`, `holds`, `menu_id`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from .care import is_made_menu
from .effects import (
    Effect,
    EnterMenu,
    Highlight,
    HighlightRow,
    HoldReady,
    Idle,
    Prepare,
    Record,
    SettingChanged,
    StopCue,
)
from .grid import Cursor, Layout, row_cue, row_cues
from .limits import clamp
from .menus import Action, Item, Menu, MenuSet
from .modes import RULES, ModeRules, next_mode
from .pace import long_press_bounds
from .pacing import Dwell
from .press_times import PressTimes
from .presses import PressFilter
from .records import PressTimed, SpeedChanged, TimingChanged
from .settings import Mode, Settings, fastest_interval
from .utterances import Utterances
from .view import Shown

PressOutcome = Literal["select", "step", "restart"]


class ScanPhase(StrEnum):
    """Where the scan is (its value is `View.state` unless care is resting or alerting)."""

    SCANNING = "scanning"
    """The highlight moves by itself (auto), or while the switch is held (inverse)."""
    WAITING = "waiting"
    """The highlight stays until a press moves it (press-hold, step, inverse not held)."""
    IDLE = "idle"
    """Stopped: after its loops, paused, or by care (a rest, an alert). Nothing highlighted."""


class Scanner:
    """Switch scanning through a set of menus."""

    def __init__(self, menus: MenuSet, settings: Settings, utterances: Utterances, shown: Shown) -> None:
        """`menus` holds every menu, the companion's own too; care adds its offers to it."""
        self._all = dict(menus.menus)
        self.menus = MenuSet(self._all, menus.home)
        self.settings = settings
        """Changes at run time (interval, mode); the rest of the core reads it here."""
        self._speech = utterances
        self._shown = shown
        self._stack: list[str] = [menus.home]
        self._cursor = Cursor()
        self._first = True
        self._passes = 0
        self._phase = ScanPhase.WAITING
        self._dwell = Dwell()
        self._moved = False
        """The next highlight comes because the dwell ended (not a press, not a new menu)."""
        self._frozen: float | None = None
        self._presses = PressFilter()
        self._cue_id: int | None = None
        self.times = PressTimes()
        """The user's presses measured against the highlights (for pacing and fatigue)."""

    # Values the rest of the core reads.

    @property
    def rules(self) -> ModeRules:
        return RULES[self.settings.scanning.mode]

    @property
    def menu(self) -> Menu:
        return self.menus[self._stack[-1]]

    @property
    def menu_id(self) -> str:
        return self._stack[-1]

    @property
    def stack(self) -> tuple[str, ...]:
        """The open menus, home first."""
        return tuple(self._stack)

    @property
    def index(self) -> int:
        """The highlighted item; on a row of a grid, the row's first item."""
        return self._cursor.index

    @property
    def item(self) -> Item:
        return self.menu.items[self._cursor.index]

    @property
    def layout(self) -> Layout:
        """The current menu's cells per row (a list has 1)."""
        return Layout.of(self.menu, self.settings.display.columns)

    @property
    def row(self) -> int | None:
        """The highlighted row while a grid's rows are scanned; None on an item."""
        return self._cursor.row

    @property
    def cue_text(self) -> str:
        """What the cue voice says for the highlight: the item's cue, or the row's."""
        row = self._cursor.row
        return self.item.cue_text if row is None else row_cue(self.menu, self.layout, row)

    def dwell(self) -> tuple[float, float] | None:
        """(from, until) while the highlight's dwell runs (see `View.dwell`)."""
        return self._dwell.running() if self._phase is ScanPhase.SCANNING else None

    @property
    def passes(self) -> int:
        """Full passes of this menu since it was (re)started."""
        return self._passes

    @property
    def highlighting(self) -> bool:
        """An item is highlighted: scanning, or waiting for a press."""
        return self._phase is not ScanPhase.IDLE

    @property
    def idle(self) -> bool:
        return self._phase is ScanPhase.IDLE

    def state(self) -> str:
        """`View.state` as the scan sees it: its phase, or `held`/`hold-ready` during a press."""
        held = self._presses.held(1) or self._presses.held(2)
        if held is not None and self.highlighting:
            return "hold-ready" if held.ready else "held"
        return self._phase.value

    def calm(self) -> bool:
        """A moment to ask a question: in a caregiver's menu, with both switches up (a contact
        that is no press yet, or a blocked one, may still be the start of one)."""
        down = [switch for switch, _ in self._presses.contacts() if switch in (1, 2)]
        return not is_made_menu(self.menu_id) and not down

    def appeared(self, now: float, guard: float) -> None:
        """Something the user did not ask for appeared at `now` (an offer, an alert): presses
        under way do nothing when released (a hold still calls for help), and presses that
        begin within `guard` seconds are ignored."""
        self._presses.block(now + guard)

    def holds(self) -> list[tuple[int, float]]:
        """(switch, since when) of the switches held now that have not done anything yet.

        From the key going down, whatever the scan was doing: a contact that began in the
        post-selection pause or the guard after something appeared is no press, but it is
        still a hold for help. One that began within debounce of a release is a bounce: not."""
        return [
            (switch, press.down_at)
            for switch, press in self._presses.contacts()
            if switch in (1, 2) and press.down_at is not None and not press.spent and not press.bounce
        ]

    def spend_holds(self) -> None:
        """The switches held now did something on their own: their releases do nothing."""
        for _, press in self._presses.contacts():
            press.spent = True

    def newly_accepted(self, switch: int, now: float) -> float | None:
        """When the contact of `switch` went down, the first time it is seen past acceptance
        (for the help gesture, which counts only real presses: paused or guarded, not bounces);
        else None."""
        press = self._presses.switches[switch]
        if press.down_at is None or press.counted or press.spent or press.bounce:
            return None
        if now < press.down_at + self.settings.scanning.acceptance:
            return None
        press.counted = True
        return press.down_at

    def _gesture_deadline(self) -> float | None:
        """Where quick presses call for help: when switch 1's contact reaches acceptance."""
        press = self._presses.switches[1]
        if (
            not self.rules.gesture_calls_help
            or press.down_at is None
            or press.counted
            or press.spent
            or press.bounce
        ):
            return None
        return press.down_at + self.settings.scanning.acceptance

    def deadlines(self) -> list[float]:
        """When the scan needs a Tick: the dwell's end, a hold reaching acceptance or long-press."""
        dwell = self._dwell.deadline() if self._phase is ScanPhase.SCANNING else None
        found = [dwell, self._gesture_deadline()]
        timing, rules = self.settings.scanning, self.rules
        held = self._presses.held(1)
        if held is not None and held.down_at is not None and self.highlighting:
            if rules.hold_moves and not held.moving:
                found.append(held.down_at + timing.acceptance)
            if rules.long_hold_selects and not held.ready:
                found.append(held.down_at + timing.long_press)
        return [time for time in found if time is not None]

    # Switch input.

    def down(self, switch: int, now: float) -> None:
        """A switch went down."""
        timing = self.settings.scanning
        press = self._presses.down(switch, now, timing.debounce)
        if press is not None:
            self.times.down(switch, now)
        if press is not None and self._phase is ScanPhase.SCANNING and self.rules.moves_by_itself:
            self._frozen = self._dwell.freeze(now)  # the highlight waits for the release

    def released(self, switch: int, now: float) -> float | None:
        """A switch came up: seconds held if that was a press to act on, else None."""
        result = self._presses.up(switch, now, self.settings.scanning.acceptance)
        if result is None:
            return None
        held, press = result
        if press.spent:
            return None  # this hold called for help; its release is not a press
        if held < self.settings.scanning.acceptance:
            if self._phase is ScanPhase.SCANNING and self.rules.moves_by_itself:
                self._dwell.thaw(now, self._frozen)  # too short to count: carry on as before
            return None
        return held

    def tapped(self, now: float) -> bool:
        """A press from a device without releases: True if it counts."""
        return self._presses.tap(now, self.settings.scanning.debounce)

    def take_press(self, switch: int, held: float | None) -> PressOutcome:
        """What an accepted press does here (`held` None: a tap of unknown length)."""
        rules = self.rules
        if self._phase is ScanPhase.IDLE:
            return "restart"
        if switch != 1 or rules.switch1_selects:
            return "select"
        if rules.hold_moves:
            # A tap cannot hold, so it steps; a real hold selects on release.
            if held is None:
                return "step"
            self.stop(ScanPhase.WAITING)
            return "select"
        if rules.long_hold_selects and held is not None and held >= self.settings.scanning.long_press:
            return "select"
        return "step"

    def timed(self, switch: int, now: float, held: float | None, kind: str) -> PressTimed:
        """The measure of an accepted press that ended at `now` (`kind`: select, step, wake)."""
        at_release = self.rules.hold_moves and kind == "select" and held is not None
        mode = self.settings.scanning.mode.value
        return self.times.pressed(switch, now, held, kind, mode, at_release)

    def guard(self, now: float) -> None:
        """A selection was made: presses are ignored for the post-selection pause."""
        pause = now + self.settings.scanning.post_selection_pause
        self._presses.guard_until = max(self._presses.guard_until, pause)

    def guarded(self, now: float) -> bool:
        """Within the post-selection pause: a click now is ignored, as a press starting now is."""
        return now < self._presses.guard_until

    # Time.

    def speech_ended(self, utterance: int, now: float) -> None:
        self._dwell.speech_ended(utterance, now)
        running = self.dwell()
        if running is not None:
            self.times.dwell_began(running[0])
        elif utterance == self._cue_id and self._phase is ScanPhase.WAITING:
            self.times.dwell_began(now)  # no dwell here: the item is known once its cue is said

    def tick(self, now: float) -> list[Effect]:
        """A hold reaching long-press or acceptance; the dwell ending."""
        effects: list[Effect] = []
        timing, rules = self.settings.scanning, self.rules
        held = self._presses.held(1)
        if held is not None and held.down_at is not None and self.highlighting:
            if rules.long_hold_selects and not held.ready and now >= held.down_at + timing.long_press:
                held.ready = True
                effects.append(HoldReady(switch=1))
            if rules.hold_moves and not held.moving and now >= held.down_at + timing.acceptance:
                held.moving = True
                self._phase = ScanPhase.SCANNING
                self._schedule(now, timing.interval)
        deadline = self._dwell.deadline()
        if deadline is not None and now >= deadline and self._phase is ScanPhase.SCANNING:
            # The fallback fired: these never reported an end.
            self._speech.ended(self._dwell.waiting_for)
            effects += self._advance(now)
        return effects

    def _advance(self, now: float) -> list[Effect]:
        """The dwell ended: move to the next item (or row), or stop after the last loop."""
        self._first = False
        self._moved = True
        if now <= self._presses.guard_until:
            # Highlighted only while presses were blocked: in a grid's row, this pass does not
            # count toward row_loops, so every item of the row can be taken before it is left.
            self._cursor.spoiled = True
        if self._cursor.next(self.layout, self.settings.scanning.row_loops) == "wrapped":
            self._passes += 1
            if self._passes >= self.settings.scanning.loops:
                return self.idle_now(now, "loops")
        return self._highlight(now)

    # Moving the highlight.

    def _highlight(self, now: float) -> list[Effect]:
        moved, self._moved = self._moved, False
        self.times.highlighted(now, moved)
        cue = self.cue_text if self.settings.speech.cues else ""
        sounds = self._speech.sound("cue", cue, "highlight")
        self._cue_id = sounds[0].utterance if sounds else None
        if self._phase is ScanPhase.SCANNING:
            timing = self.settings.scanning
            self._schedule(now, timing.interval + (timing.first_item_extra if self._first else 0.0))
        elif not cue or not self.settings.scanning.auditory:
            self.times.dwell_began(now)
        row = self._cursor.row
        if row is not None:
            return [HighlightRow(self.menu.id, row, self.cue_text), *sounds]
        return [Highlight(self.menu.id, self._cursor.index, self.item.label), *sounds]

    def _schedule(self, now: float, length: float) -> None:
        """Start the dwell of the highlighted item, after any speech it must wait for."""
        cue = self._cue_id if self.settings.scanning.auditory else None
        waiting, spoken = self._speech.awaited(cue)
        self._dwell.start(now, length, waiting, spoken)
        if not waiting:
            self.times.dwell_began(now)

    def point_at(self, index: int) -> Highlight:
        """Highlight item `index` at once (chosen by voice or a click); it is selected next."""
        self._cursor.point_at(index)
        return Highlight(self.menu.id, index, self.item.label)

    def step(self, now: float) -> list[Effect]:
        self._first = False
        self._cursor.next(self.layout, self.settings.scanning.row_loops)
        return self._highlight(now)

    def enter_row(self, now: float) -> list[Effect]:
        """A selection on a grid's row: scan its items from the first, with the first-item
        extra, after the post-selection pause (a double hit must not take the first item)."""
        self.guard(now)
        self._cursor.enter_row(self.layout)
        self._passes = 0
        self._first = True
        self.stop(ScanPhase.SCANNING if self.rules.moves_by_itself else ScanPhase.WAITING)
        return self._highlight(now)

    def stop(self, phase: ScanPhase = ScanPhase.IDLE) -> None:
        """Stop the highlight where it is: no dwell pending, nothing frozen."""
        if phase is ScanPhase.IDLE:
            self.times.cleared()
        self._phase = phase
        self._dwell.clear()
        self._frozen = None

    def restart(self, now: float) -> list[Effect]:
        """Start scanning the current menu from its first item (a grid: its first row)."""
        self._cursor.top(self.layout)
        self._passes = 0
        self._first = True
        self.stop(ScanPhase.SCANNING if self.rules.moves_by_itself else ScanPhase.WAITING)
        return self._highlight(now)

    def idle_now(self, now: float, reason: str, message: str | None = None) -> list[Effect]:
        """Stop and wait for a press, saying `message` (None: the usual one)."""
        self.stop()
        text = message if message is not None else self.settings.messages.idle
        return [StopCue(), Idle(self.menu.id, reason), *self._speech.sound("cue", text, "idle")]

    # Menus.

    def add_menu(self, menu: Menu) -> None:
        """Add (or replace) one of the companion's own menus."""
        self._all[menu.id] = menu

    def enter(self, menu_id: str, now: float, push: bool = True, replace: bool = False) -> list[Effect]:
        """Open a menu (`replace`: instead of the current one) and scan it from the top."""
        if replace:
            self._stack.pop()
        if push:
            self._stack.append(menu_id)
        items = self.menus[menu_id].items
        spoken = (Action.SPEAK, Action.HELP, Action.NEED, Action.CHECK_IN)
        # After the first cue, so that cue is not kept waiting behind the others.
        return [
            EnterMenu(menu_id),
            *self.restart(now),
            Prepare("cue", self._cues()),
            Prepare(
                "main",
                tuple(item.say_text for item in items if item.action in spoken),
                tuple(item.sound for item in items if item.sound and item.action is Action.SPEAK),
            ),
        ]

    def navigate(self, item: Item, now: float) -> list[Effect]:
        """The moving actions: a submenu, back, home, pause."""
        if item.action is Action.MENU:
            return self.enter(item.menu, now)
        if item.action is Action.PAUSE:
            return self.idle_now(now, "pause")
        if item.action is Action.HOME:
            del self._stack[1:]
        elif len(self._stack) > 1:
            self._stack.pop()
        return [EnterMenu(self.menu_id), *self.restart(now)]

    def drop_made(self) -> None:
        """Close the companion's own menus (offers, questions) on top of the stack."""
        while len(self._stack) > 1 and is_made_menu(self._stack[-1]):
            self._stack.pop()

    def leave_made(self, now: float) -> list[Effect]:
        """Back to the caregiver's menu the companion's own questions were asked over."""
        self.drop_made()
        return [EnterMenu(self.menu_id), *self.restart(now)]

    def reconfigure(
        self, menus: MenuSet, settings: Settings, place: tuple[list[str], int] | None, now: float
    ) -> list[Effect]:
        """Go on with a new config: at `place` (menu stack, index), or home when None. The
        dwell running now keeps its length: new timings start with the next highlight."""
        old_rules, old_layout = self.rules, self.layout
        self._all.clear()
        self._all.update(menus.menus)
        self.menus = MenuSet(self._all, menus.home)
        self.settings = settings
        if place is None:
            self._stack = [menus.home]
            return self.enter(menus.home, now, push=False)
        self._stack, self._cursor.index = place
        layout = self.layout
        effects: list[Effect] = [Prepare("cue", self._cues())]
        if layout != old_layout and (layout.is_grid or old_layout.is_grid):
            # Laid out anew: this menu's scan starts again at its top.
            self._cursor.top(layout)
            return effects if self.idle else [*effects, *self.restart(now)]
        self._cursor.fit(layout)
        if self.rules != old_rules and not self.idle:
            # Another mode: what a press means changed, so the highlight starts anew where it is.
            self.stop(ScanPhase.SCANNING if self.rules.moves_by_itself else ScanPhase.WAITING)
            effects += self._highlight(now)
        return effects

    def _cues(self) -> tuple[str, ...]:
        """Every cue of the current menu, its rows' too: rendered ahead, so they sound at once."""
        menu = self.menu
        return (*(item.cue_text for item in menu.items), *row_cues(menu, self.layout))

    # Settings the menus change.

    def change_speed(self, action: Action, now: float) -> list[Effect]:
        """Slower or faster from a menu: stay on the item, so pressing again repeats it."""
        effects = self.new_speed(action, action.value)
        self._first = True
        self._dwell.clear()
        return [*effects, *self._highlight(now)]

    def paced_by(self) -> str:
        """The timing that sets the pace in this mode: `long_press` where a long hold selects
        and nothing moves by itself (press-hold, step), else `interval`."""
        rules = self.rules
        return "long_press" if rules.long_hold_selects and not rules.moves_by_itself else "interval"

    def new_speed(self, action: Action, reason: str) -> list[Effect]:
        """A slower (or faster) pace: the interval, within its range and above what debounce
        allows; in press-hold and step the long press (a longer hold to choose is slower)."""
        timing = self.settings.scanning
        if self.paced_by() == "long_press":
            factor = timing.speed_step if action is Action.SLOWER else 1 / timing.speed_step
            low, high = long_press_bounds(self.settings)
            value = round(max(min(clamp("scanning.long_press", timing.long_press * factor), high), low), 2)
            return self.set_timing("long_press", value, reason)
        factor = timing.speed_step if action is Action.SLOWER else 1 / timing.speed_step
        interval = timing.interval * factor
        interval = round(max(clamp("scanning.interval", interval), fastest_interval(timing.debounce)), 2)
        self.settings = self.settings.with_scanning(interval=interval)
        messages = self.settings.messages
        template = messages.slower if action is Action.SLOWER else messages.faster
        self._shown.show(f"interval {interval:g} s")
        return [
            SettingChanged("interval", interval),
            Record(SpeedChanged(timing.interval, interval, reason)),
            self._speech.speak("main", template.format(seconds=f"{interval:g}")),
        ]

    def set_timing(self, setting: str, value: float, reason: str) -> list[Effect]:
        """Pacing (or Slower and Faster in press-hold and step) changed `setting` of scanning:
        from the next highlight (or press) on; said, shown and journaled."""
        old = float(getattr(self.settings.scanning, setting))
        self.settings = self.settings.with_scanning(**{setting: value})
        messages = self.settings.messages
        self._shown.show(f"{setting.replace('_', ' ')} {value:g} s")
        if setting == "interval":
            text = (messages.slower if value > old else messages.faster).format(seconds=f"{value:g}")
        else:
            text = messages.long_press.format(seconds=f"{value:g}")
        record = TimingChanged(f"scanning.{setting}", old, value, reason)
        return [SettingChanged(setting, value), Record(record), self._speech.speak("main", text)]

    def change_mode(self, mode: Mode | None, now: float) -> list[Effect]:
        """To `mode`, or (None) the next one in the cycle."""
        if mode is None:
            mode = next_mode(self.settings.scanning.mode)
        self.settings = self.settings.with_scanning(mode=mode)
        text = self.settings.messages.mode.format(mode=mode.value)
        self._shown.show(f"mode {mode.value}")
        return [SettingChanged("mode", mode.value), self._speech.speak("main", text), *self.restart(now)]
