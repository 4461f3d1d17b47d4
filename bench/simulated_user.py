"""A simulated user who tires over an hour, driving the real core on a fake clock (issue 13).

    python -m bench.simulated_user [--seeds 5] [--minutes 60] [--quick]

The companion (`Companion`, the built-in config) runs as it does in the app, fed by events
on a fake clock, with no threads and no sleeping. Speech is modelled: each `Speak` is
answered with `SpeechStarted` and `SpeechFinished` (a cue 0.4 s, cut by the next cue; an
earcon alone 0.15 s; a main phrase 0.3 s plus its words at the main voice's rate, one at a
time). The user (seeded) works through tasks: reach a random phrase of the Phrases menus
and select it, then the next. They see the highlight and react to its onset:
- reaction time lognormal, median 0.55 s growing linearly to 1.6x at 60 minutes;
- a press is held ~0.12 s; 1 in 100 presses is held 1-3 s (a tired hand);
- tremor taps (shorter than acceptance) at random, about one every two minutes;
- failed presses: the press meant for an item never comes (2%, growing to 4%);
- in press-hold a selecting hold is released a reaction after the hold is ready; in inverse
  the switch is held while the highlight moves and let go a reaction after the wanted item
  appears; in step the user has two switches (1 moves on, 2 selects);
- a press that comes late lands where the highlight is by then (the next item, or an offer
  that opened meanwhile). A wrong menu is left by Back; a call for help, a rest or a paused
  scan the user did not want is ended by a press.
Offers of rest are answered "Not now"; "Scan slower" is taken in the conditions that say
so. The user never wants help: every call for help is an accidental alarm.

Counted per 10-minute window: correct selections (the item meant) per minute, wrong ones
(as a share of selections), misses (a press wanted that produced no selection: failed or
swallowed, as a share of wanted presses), mean seconds per task (finished in the window),
offers and setting changes, and accidental alarms. The rise in errors is the end of the
first 10-minute stretch where misses and wrong selections pass 5% of wanted presses; the
delay to the first offer made for fatigue is measured from it. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import time
from dataclasses import dataclass, field, replace

from accessible_companion.caregiver.tuning import Suggestion, suggest_help_hold
from accessible_companion.config import load_config
from accessible_companion.core.care import REST_OFFER, is_made_menu
from accessible_companion.core.companion import Companion
from accessible_companion.core.effects import (
    AlertRaised,
    Effect,
    EnterMenu,
    Highlight,
    HoldReady,
    Idle,
    Record,
    Select,
    SettingChanged,
    Speak,
    StopCue,
)
from accessible_companion.core.events import (
    Event,
    SpeechFinished,
    SpeechStarted,
    SwitchDown,
    SwitchUp,
    Tick,
)
from accessible_companion.core.menus import Action, MenuSet, paths_from_home
from accessible_companion.core.records import FatigueSignal
from accessible_companion.core.settings import Mode, Pacing, Settings

CUE_SECONDS = 0.4
EARCON_SECONDS = 0.15
WINDOW_MINUTES = 10
RISE_WINDOW = 10 * 60.0
RISE_SHARE = 0.05
PHRASE_MENUS = ("phrases", "more_phrases")
"""Where the tasks' phrases are: the built-in Phrases menu and its More phrases."""


@dataclass(frozen=True)
class UserModel:
    """How the simulated user presses, and how that changes over the hour."""

    reaction_median: float = 0.55
    reaction_growth: float = 1.6
    """The median reaction time at `growth_minutes`, as a multiple of the first one."""
    growth_minutes: float = 60.0
    reaction_sigma: float = 0.35
    """Of the log of the reaction time."""
    hold_median: float = 0.12
    hold_sigma: float = 0.25
    long_hold_share: float = 0.01
    long_hold: tuple[float, float] = (1.0, 3.0)
    release_median: float = 0.25
    """Press-hold: the hold is let go this long after it is ready (grows as reactions do)."""
    tremor_per_minute: float = 0.5
    tremor: tuple[float, float] = (0.01, 0.04)
    fail_share: float = 0.02
    fail_growth: float = 2.0
    """The share of failed presses at `growth_minutes`, as a multiple of the first one."""

    def slowing(self, now: float) -> float:
        """How much slower than at the start, `now` seconds in (linear, then flat)."""
        share = min(now / (self.growth_minutes * 60), 1.0)
        return 1 + (self.reaction_growth - 1) * share

    def failing(self, now: float) -> float:
        share = min(now / (self.growth_minutes * 60), 1.0)
        return self.fail_share * (1 + (self.fail_growth - 1) * share)


@dataclass(frozen=True)
class Condition:
    """One row of the benchmark: a mode, a fixed interval or the built-in one, what pacing may
    do, and whether the user says yes to a slower (or faster) timing offered."""

    name: str
    mode: Mode
    interval: float | None = None
    accept_slower: bool = True
    pacing: Pacing = Pacing.ASK


@dataclass
class Intent:
    """A press the user is making: what it is for, on which switch, held how long."""

    switch: int
    kind: str
    """`select` (the item `menu`/`label`), `step` (move on), `scan` (inverse: hold until the
    wanted item), or `wake` (end a rest, an alarm or a paused scan)."""
    menu: str = ""
    label: str = ""
    hold: float | None = None
    """Seconds to hold; None: until the hold is ready (press-hold) or the item comes (inverse)."""
    releasing: bool = False
    moved: bool = False
    """Inverse: the highlight has moved during this hold."""
    selected: bool = False
    alarmed: bool = False


@dataclass
class Run:
    """What one simulated hour produced (times in seconds)."""

    outcomes: list[tuple[float, str]] = field(default_factory=list)
    """(when, `correct` | `wrong` | `miss`)."""
    tasks: list[tuple[float, float]] = field(default_factory=list)
    """(finished at, seconds taken)."""
    alarms: list[tuple[float, str]] = field(default_factory=list)
    offers: list[tuple[float, str]] = field(default_factory=list)
    """(when, `fatigue` | `rest`)."""
    answers: list[tuple[float, str]] = field(default_factory=list)
    settings: list[tuple[float, str, object]] = field(default_factory=list)
    signals: list[tuple[float, str]] = field(default_factory=list)
    intervals: list[tuple[float, float]] = field(default_factory=list)
    """(when, interval) at every change, from the start."""
    long_presses: list[tuple[float, float]] = field(default_factory=list)
    events: int = 0
    holds: list[float] = field(default_factory=list)
    """Seconds each of the user's presses was held (not the tremor's)."""


class Simulation:
    """One seeded user and one companion, for `minutes` of simulated time."""

    def __init__(self, menus: MenuSet, settings: Settings, condition: Condition, user: UserModel, seed: int):
        if condition.interval is not None:
            settings = settings.with_scanning(interval=condition.interval)
        settings = replace(settings.with_scanning(mode=condition.mode), pacing=condition.pacing)
        self.companion = Companion(menus, settings)
        self.condition = condition
        self.user = user
        self.rng = random.Random(seed)
        self.messages = settings.messages
        self.now = 0.0
        self._queue: list[tuple[float, int, str, object]] = []
        self._seq = 0
        self._cue: tuple[int, float] | None = None
        """The cue sounding now: (utterance, when it ends)."""
        self._live: set[int] = set()
        self._main_free = 0.0
        self._press: Intent | None = None
        self._down_at = 0.0
        self._busy = False
        """A press (or a second look) is planned or under way: the user makes no new plan."""
        self._down: dict[int, str] = {}
        """Switch -> who holds it down (`user` or `tremor`)."""
        self._offer_answers: list[str] = []
        self.run = Run(
            intervals=[(0.0, settings.scanning.interval)],
            long_presses=[(0.0, settings.scanning.long_press)],
        )
        paths = paths_from_home(self.companion.menus)
        self._targets = [
            (menu_id, index, item.label)
            for menu_id in PHRASE_MENUS
            for index, item in enumerate(self.companion.menus[menu_id].items)
            if item.action is Action.SPEAK
        ]
        self._paths = paths
        self._task_started = 0.0
        self._steps: dict[str, int] = {}
        self._target = ("", "")
        self._new_task()

    # The clock.

    def _at(self, when: float, kind: str, data: object = None) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (when, self._seq, kind, data))

    def simulate(self, minutes: float) -> Run:
        end = minutes * 60
        self._observe(self.companion.start(0.0))
        self._next_tremor()
        same, last = 0, -1.0
        while True:
            deadline = self.companion.next_deadline()
            queued = self._queue[0][0] if self._queue else math.inf
            if deadline is not None and deadline <= queued:
                if deadline > end:
                    break
                same = same + 1 if deadline == last else 0
                if same > 100:
                    raise RuntimeError(f"the core's deadline {deadline} does not move on")
                last = deadline
                self.now = max(self.now, deadline)
                self._feed(Tick())
                continue
            if queued > end:
                break
            when, _, kind, data = heapq.heappop(self._queue)
            self.now = max(self.now, when)
            self._dispatch(kind, data)
        return self.run

    def _feed(self, event: Event) -> None:
        self.run.events += 1
        self._observe(self.companion.handle(event, self.now))

    def _dispatch(self, kind: str, data: object) -> None:  # noqa: PLR0912 (one case per kind)
        match kind:
            case "started":
                assert isinstance(data, int)
                if data in self._live:
                    self._feed(SpeechStarted(data))
            case "finished":
                assert isinstance(data, int)
                if data in self._live:
                    self._live.discard(data)
                    if self._cue is not None and self._cue[0] == data:
                        self._cue = None
                    self._feed(SpeechFinished(data))
            case "down":
                assert isinstance(data, Intent)
                self._user_down(data)
            case "up":
                assert isinstance(data, Intent)
                self._user_up(data)
            case "look":
                self._busy = False
                self._decide()
            case "unmoved":
                assert isinstance(data, Intent)
                if self._press is data and not data.moved and not data.releasing:
                    if data.kind == "scan" and self.companion.view().state == "held":
                        self._at(self.now + 1.0, "unmoved", data)  # waiting for speech to end
                    else:
                        data.releasing = True  # the screen shows the hold was not taken: again
                        self._user_up(data)
            case "tremor":
                self._tremor()
            case "tremor_up":
                if self._down.get(1) == "tremor":
                    del self._down[1]
                    self._feed(SwitchUp(1))
                    if not self._busy:
                        self._decide()

    # Speech.

    def _speak(self, effect: Speak) -> None:
        if effect.voice == "cue":
            self._cut_cue()
            length = CUE_SECONDS if effect.text else EARCON_SECONDS
            self._cue = (effect.utterance, self.now + length)
            self._live.add(effect.utterance)
            self._at(self.now, "started", effect.utterance)
            self._at(self.now + length, "finished", effect.utterance)
            return
        words = len(effect.text.split())
        rate = self.companion.settings.speech.main.rate
        length = 0.3 + words * 60 / rate if words else EARCON_SECONDS
        start = max(self.now, self._main_free)  # one phrase at a time, in order
        self._main_free = start + length
        self._live.add(effect.utterance)
        self._at(start, "started", effect.utterance)
        self._at(start + length, "finished", effect.utterance)

    def _cut_cue(self) -> None:
        """A new cue (or StopCue) cuts the one sounding, as the speech adapter does."""
        if self._cue is None:
            return
        utterance, _ = self._cue
        self._cue = None
        if utterance in self._live:
            self._live.discard(utterance)
            self._observe(self.companion.handle(SpeechFinished(utterance, interrupted=True), self.now))

    # What the core did.

    def _observe(self, effects: list[Effect]) -> None:  # noqa: PLR0912 (one case per effect)
        look = False
        for effect in effects:
            match effect:
                case Speak():
                    self._speak(effect)
                case StopCue():
                    self._cut_cue()
                case Select():
                    self._selected(effect)
                case AlertRaised(trigger=trigger):
                    self.run.alarms.append((self.now, trigger))
                    if self._press is not None:
                        self._press.alarmed = True
                    look = True
                case SettingChanged(name=name, value=value):
                    self.run.settings.append((self.now, name, value))
                    if name == "interval" and isinstance(value, float):
                        self.run.intervals.append((self.now, value))
                    if name == "long_press" and isinstance(value, float):
                        self.run.long_presses.append((self.now, value))
                case Record(entry=FatigueSignal(kind=kind)):
                    self.run.signals.append((self.now, kind))
                case EnterMenu(menu=menu) if menu == REST_OFFER:
                    self.run.offers.append((self.now, self._offer_kind()))
                    look = True
                case HoldReady():
                    self._hold_ready()
                case Highlight():
                    look = True
                    if self._press is not None and self._press.kind == "scan":
                        self._press.moved = True
                    self._inverse_highlight()
                case Idle() | EnterMenu():
                    look = True
                    self._inverse_highlight()
        if look and not self._busy:
            self._decide()

    def _offer_kind(self) -> str:
        """`fatigue` (rest or a slower scan), `pace` (pacing's question: slower or faster)
        or `rest` (an offer of rest alone)."""
        items = self.companion.menus[REST_OFFER].items
        timing = [item for item in items if item.action in (Action.SLOWER, Action.FASTER)]
        if any(item.label == self.messages.scan_slower for item in timing):
            return "fatigue"
        if timing:
            return "pace" if timing[0].action is Action.SLOWER else "faster"
        return "fatigue" if self.companion.menus[REST_OFFER].title.startswith("You seem") else "rest"

    def _selected(self, effect: Select) -> None:
        press = self._press
        if effect.menu == REST_OFFER:
            self.run.answers.append((self.now, effect.label))
        right = (
            press is not None
            and press.kind == "select"
            and (press.menu, press.label) == (effect.menu, effect.label)
        )
        if press is not None:
            press.selected = True
        self.run.outcomes.append((self.now, "correct" if right else "wrong"))
        if (effect.menu, effect.label) == self._target:
            self.run.tasks.append((self.now, self.now - self._task_started))
            self._new_task()

    # The user.

    def _new_task(self) -> None:
        menu_id, index, label = self.rng.choice(self._targets)
        self._target = (menu_id, label)
        self._steps = {step_menu: step for step_menu, step in self._paths[menu_id]}
        self._steps[menu_id] = index
        self._task_started = self.now

    def _reaction(self) -> float:
        median = self.user.reaction_median * self.user.slowing(self.now)
        return self.rng.lognormvariate(math.log(median), self.user.reaction_sigma)

    def _hold(self) -> float:
        if self.rng.random() < self.user.long_hold_share:
            held = self.rng.uniform(*self.user.long_hold)
        else:
            held = self.rng.lognormvariate(math.log(self.user.hold_median), self.user.hold_sigma)
        return held

    def _wanted(self, menu: str, labels: tuple[str, ...]) -> int:
        """The item the user wants in `menu` now."""
        if menu == REST_OFFER:
            items = self.companion.menus[REST_OFFER].items
            timing = [i for i, item in enumerate(items) if item.action in (Action.SLOWER, Action.FASTER)]
            if self.condition.accept_slower and timing:
                return timing[0]
            not_now = self.messages.not_now
            return labels.index(not_now) if not_now in labels else len(labels) - 1
        if is_made_menu(menu):
            return 0  # a check-in opened by mistake: any answer ends it
        if menu in self._steps:
            return self._steps[menu]
        back = self.messages.back
        return labels.index(back) if back in labels else 0

    def _decide(self) -> None:
        """Look at the companion and plan the next press, if one is wanted now."""
        if self._busy:
            return
        view = self.companion.view()
        mode = Mode(view.mode)
        if view.state in ("alert", "resting", "idle"):
            self._plan(Intent(1, "wake", hold=self._hold()))
            return
        if view.highlight is None or view.state not in ("scanning", "waiting"):
            return
        wanted = self._wanted(view.menu, view.labels)
        here = view.highlight == wanted
        label = view.labels[wanted]
        if mode is Mode.AUTO:
            if here:
                self._plan(Intent(1, "select", view.menu, label, self._hold()))
            return
        if not here:
            kind = "scan" if mode is Mode.INVERSE else "step"
            moving = None if mode is Mode.INVERSE else self._hold()
            self._plan(Intent(1, kind, view.menu, label, moving))
            return
        switch = 2 if mode is Mode.STEP else 1
        hold: float | None = self._hold()
        if mode is Mode.PRESS_HOLD and hold is not None and hold < self.user.long_hold[0]:
            hold = None  # held until it is ready, then let go
        self._plan(Intent(switch, "select", view.menu, label, hold))

    def _plan(self, intent: Intent) -> None:
        self._busy = True
        reaction = self._reaction()
        if self.rng.random() < self.user.failing(self.now):
            # The press never comes. The moving scan goes on (the item comes round again);
            # where the user sets the pace, they notice and try again.
            if intent.kind == "select":
                self.run.outcomes.append((self.now + reaction, "miss"))
            if self.companion.settings.scanning.mode is Mode.AUTO and intent.kind == "select":
                self._busy = False
            else:
                self._at(self.now + 2 * reaction, "look")
            return
        self._at(self.now + reaction, "down", intent)

    def _user_down(self, intent: Intent) -> None:
        if self._down.get(intent.switch):
            self._at(self.now + 0.05, "down", intent)  # a tremor is on the switch: a moment later
            return
        self._down[intent.switch] = "user"
        self._down_at = self.now
        self._press = intent
        self._feed(SwitchDown(intent.switch))
        if intent.hold is not None:
            self._at(self.now + intent.hold, "up", intent)
        elif intent.kind == "select":
            # Press-hold: a hold that never shows ready (it began in a pause) is let go.
            timing = self.companion.settings.scanning
            self._at(self.now + timing.long_press + self._reaction(), "unmoved", intent)
        elif intent.kind == "scan":
            timing = self.companion.settings.scanning
            self._at(self.now + timing.acceptance + timing.interval + CUE_SECONDS + 1.0, "unmoved", intent)
            self._inverse_highlight()  # the item may be highlighted already

    def _user_up(self, intent: Intent) -> None:
        self._down.pop(intent.switch, None)
        if not intent.moved:  # a hold that moved the highlight (inverse) is the scan, not a press
            self.run.holds.append(self.now - self._down_at)
        self._feed(SwitchUp(intent.switch))
        if intent.kind == "select" and not intent.selected and not intent.alarmed:
            self.run.outcomes.append((self.now, "miss"))  # swallowed (a pause, debounce)
        self._press = None
        self._busy = False
        self._decide()

    def _hold_ready(self) -> None:
        press = self._press
        if press is not None and press.hold is None and press.kind == "select" and not press.releasing:
            press.releasing = True
            release = self.user.release_median * self.user.slowing(self.now)
            let_go = self.rng.lognormvariate(math.log(release), self.user.reaction_sigma)
            self._at(self.now + let_go, "up", press)

    def _inverse_highlight(self) -> None:
        """Inverse, holding: let go a reaction after the wanted item is highlighted."""
        press = self._press
        if press is None or press.kind != "scan" or press.releasing or self._down.get(1) != "user":
            return
        view = self.companion.view()
        if view.highlight is None:
            press.releasing = True  # the scan stopped under the hold: let go and look again
            self._at(self.now + self._reaction(), "up", press)
            return
        if view.menu != press.menu:  # something opened over the menu (an offer): its item now
            press.menu, press.label = view.menu, view.labels[self._wanted(view.menu, view.labels)]
        if view.labels[view.highlight] != press.label:
            return
        if self.rng.random() < self.user.failing(self.now):
            self.run.outcomes.append((self.now, "miss"))  # not let go in time: round again
            return
        press.releasing = True
        press.kind = "select"
        self._at(self.now + self._reaction(), "up", press)

    def _next_tremor(self) -> None:
        rate = self.user.tremor_per_minute / 60
        if rate > 0:
            self._at(self.now + self.rng.expovariate(rate), "tremor")

    def _tremor(self) -> None:
        self._next_tremor()
        if self._down.get(1):
            return
        self._down[1] = "tremor"
        self._feed(SwitchDown(1))
        self._at(self.now + self.rng.uniform(*self.user.tremor), "tremor_up")


# Figures.


def conditions(brisk: float) -> list[Condition]:
    too_brisk = f"too brisk: auto {brisk:g} s"
    return [
        Condition("auto", Mode.AUTO),
        Condition("press-hold", Mode.PRESS_HOLD),
        Condition("inverse", Mode.INVERSE),
        Condition("step (2 switches)", Mode.STEP),
        Condition(f"{too_brisk}, pacing off", Mode.AUTO, brisk, False, Pacing.OFF),
        Condition(f"{too_brisk}, pacing ask, yes", Mode.AUTO, brisk, True, Pacing.ASK),
        Condition(f"{too_brisk}, pacing ask, not now", Mode.AUTO, brisk, False, Pacing.ASK),
        Condition(f"{too_brisk}, pacing auto", Mode.AUTO, brisk, False, Pacing.AUTO),
    ]


def rise_of_errors(run: Run, minutes: float) -> float | None:
    """The end of the first 10-minute stretch (checked each minute) where misses and wrong
    selections pass 5% of the wanted presses; None if never."""
    for end in range(int(RISE_WINDOW // 60), int(minutes) + 1):
        stop = end * 60.0
        window = [kind for at, kind in run.outcomes if stop - RISE_WINDOW <= at < stop]
        errors = sum(1 for kind in window if kind != "correct")
        if window and errors / len(window) > RISE_SHARE:
            return stop
    return None


def interval_at(changes: list[tuple[float, float]], when: float) -> float:
    """The value in use at `when`, from (when, value) at every change."""
    return [value for at, value in changes if at <= when][-1]


def report(condition: Condition, runs: list[Run], minutes: float) -> list[str]:
    lines = [f"-- {condition.name} ({len(runs)} seeds x {minutes:g} min)"]
    lines.append(
        "  minutes  correct/min  wrong%  miss%  task s  alarms  offers (slower)"
        "  changes  interval  long press"
    )
    width = WINDOW_MINUTES * 60
    windows = max(1, math.ceil(minutes / WINDOW_MINUTES))
    for number in range(windows):
        start, stop = number * width, min((number + 1) * width, minutes * 60)
        span = (stop - start) / 60 * len(runs)

        def within(at: float, start: float = start, stop: float = stop) -> bool:
            return start <= at < stop

        kinds = [kind for run in runs for at, kind in run.outcomes if within(at)]
        correct, wrong, miss = (kinds.count(kind) for kind in ("correct", "wrong", "miss"))
        tasks = [took for run in runs for at, took in run.tasks if within(at)]
        alarms = sum(1 for run in runs for at, _ in run.alarms if within(at))
        offers = [reason for run in runs for at, reason in run.offers if within(at)]
        changes = sum(1 for run in runs for at, _, _ in run.settings if within(at))
        interval = statistics.mean(interval_at(run.intervals, stop - 1e-6) for run in runs)
        long_press = statistics.mean(interval_at(run.long_presses, stop - 1e-6) for run in runs)
        lines.append(
            f"  {start // 60:>3.0f}-{stop / 60:<3.0f}  {correct / span:>11.2f}"
            f"  {100 * wrong / max(correct + wrong, 1):>6.1f}  {100 * miss / max(len(kinds), 1):>5.1f}"
            f"  {statistics.mean(tasks) if tasks else math.nan:>6.1f}  {alarms:>6}"
            f"  {len(offers):>6} ({sum(1 for o in offers if o in ('fatigue', 'pace')):>2})"
            f"     {changes:>7}  {interval:>7.2f}"
            f"  {long_press:>10.2f}"
        )
    hours = minutes / 60 * len(runs)
    by_trigger: dict[str, int] = {}
    for run in runs:
        for _, trigger in run.alarms:
            by_trigger[trigger] = by_trigger.get(trigger, 0) + 1
    triggers = ", ".join(f"{trigger} {count}" for trigger, count in sorted(by_trigger.items())) or "none"
    total = sum(by_trigger.values())
    lines.append(f"  accidental alarms: {total / hours:.2f} per hour ({triggers})")
    delays: list[float] = []
    never = 0
    for seed, run in enumerate(runs, 1):
        rise = rise_of_errors(run, minutes)
        # The first offer of a slower timing (pacing's, or rest and a slower scan) made after the
        # errors began to rise (within the 10 minutes that show the rise, or later).
        # With `pacing: auto` there is no question: the slower timing made counts.
        slower = [(at, reason) for at, reason in run.offers if reason in ("fatigue", "pace")]
        slower += [(at, "auto") for at, name, _ in run.settings if name in ("interval", "long_press")]
        first = min(
            (at for at, _ in slower if rise is not None and at >= rise - RISE_WINDOW),
            default=None,
        )
        if rise is not None:
            if first is None:
                never += 1
            else:
                delays.append(max(first - rise, 0.0) / 60)
        made = " ".join(f"{at / 60:.1f}:{reason}" for at, reason in run.offers) or "-"
        answers = " ".join(f"{at / 60:.1f}:{label}" for at, label in run.answers) or "-"
        changed = " ".join(f"{at / 60:.1f}:{name}={value}" for at, name, value in run.settings) or "-"
        signals = " ".join(f"{at / 60:.1f}:{kind}" for at, kind in run.signals) or "-"
        rise_text = f"{rise / 60:.0f}" if rise is not None else "never"
        lines.append(
            f"  seed {seed}: errors rose at min {rise_text}; signals {signals}; offers {made};"
            f" answers {answers}; changes {changed}"
        )
    rises = sum(1 for run in runs if rise_of_errors(run, minutes) is not None)
    if delays:
        lines.append(
            "  rise in errors -> first slower timing offered (or made):"
            f" median {statistics.median(delays):.1f} min"
            f" (range {min(delays):.1f}-{max(delays):.1f});"
            f" no offer after the rise in {never} of {rises} runs"
        )
    else:
        lines.append(
            f"  rise in errors -> first slower timing offered (or made): none in {rises} runs with a rise"
        )
    whole = [kind for run in runs for _, kind in run.outcomes]
    late = [kind for run in runs for at, kind in run.outcomes if at >= minutes * 60 - width]
    chosen = max(len(late) - late.count("miss"), 1)
    lines.append(
        f"  whole run: {whole.count('correct') / (minutes * len(runs)):.2f} correct/min;"
        f" last {WINDOW_MINUTES} min: {100 * late.count('wrong') / chosen:.1f}% wrong"
    )
    return lines


def help_hold_for(
    wanted: str, menus: MenuSet, settings: Settings, condition: Condition, user: UserModel
) -> Settings:
    """The settings with the hold for help asked for: as they are, a number of seconds, or
    `suggest`: what the switch page suggests from the holds of five hours of other seeds
    (1000-1004: as a caregiver would look at several days of the journal, never at the runs
    measured)."""
    if not wanted:
        return settings
    if wanted == "suggest":
        holds = [
            held
            for seed in range(1000, 1005)
            for held in Simulation(menus, settings, condition, user, seed).simulate(60.0).holds
        ]
        found = suggest_help_hold(holds, settings.help.hold_seconds, settings.scanning.long_press)
        seconds = found.value if isinstance(found, Suggestion) else settings.help.hold_seconds
        print(
            f"  help.hold_seconds {seconds:g} s suggested from {len(holds)} holds"
            f" (longest {max(holds):.2f} s)"
        )
    else:
        seconds = float(wanted)
    return replace(settings, help=replace(settings.help, hold_seconds=seconds))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=5, help="runs per condition")
    parser.add_argument(
        "--first-seed", type=int, default=1, help="seeds first..first+N-1 (1: the ones pacing was tuned on)"
    )
    parser.add_argument("--minutes", type=float, default=60.0, help="simulated minutes per run")
    parser.add_argument("--brisk", type=float, default=0.7, help="the too-brisk fixed interval (s)")
    parser.add_argument("--only", default="", help="only the conditions whose name contains this")
    parser.add_argument("--quick", action="store_true", help="2 seeds, every condition (< 20 s)")
    parser.add_argument(
        "--help-hold",
        default="",
        help="help.hold_seconds: seconds, or `suggest` (from the holds of seeds 1000-1004, per condition)",
    )
    args = parser.parse_args(argv)
    seeds = 2 if args.quick else args.seeds
    config = load_config(None)
    user = UserModel()
    began = time.perf_counter()
    events = 0
    print(
        f"simulated user: reaction median {user.reaction_median} s x{user.reaction_growth} over"
        f" {user.growth_minutes:g} min (sigma {user.reaction_sigma}), holds ~{user.hold_median} s,"
        f" {user.long_hold_share:.0%} held {user.long_hold[0]:g}-{user.long_hold[1]:g} s,"
        f" tremor {user.tremor_per_minute}/min, failed presses {user.fail_share:.0%}"
        f" -> {user.fail_share * user.fail_growth:.0%}; built-in config"
    )
    for condition in conditions(args.brisk):
        if args.only and args.only not in condition.name:
            continue
        runs = []
        settings = help_hold_for(args.help_hold, config.menus, config.settings, condition, user)
        for seed in range(args.first_seed, args.first_seed + seeds):
            run = Simulation(config.menus, settings, condition, user, seed).simulate(args.minutes)
            events += run.events
            runs.append(run)
        print("\n".join(report(condition, runs, args.minutes)))
    took = time.perf_counter() - began
    print(f"({events} events into the core in {took:.1f} s)")


if __name__ == "__main__":
    main()
