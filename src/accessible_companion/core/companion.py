"""The companion: a deterministic state machine. `handle(event, now)` returns effects.

All scanning rules live here (see README: Scanning):
- auto: the highlight moves every dwell; a press selects; after `loops` passes it idles.
- press-hold: a short press moves on; a hold of at least `long_press` selects.
- inverse: the highlight moves while switch 1 is held; release selects.
- step: switch 1 moves on (a long hold also selects); switch 2 selects.
Switch 2 selects in every mode, and any press wakes an idle scan, so no mode can lock a
user out. Presses act on release where the device reports releases.

Care (see README: Rest, check-ins and the call for help): offers of rest after active time,
at set times and on signs of fatigue; rest mode; check-in questions; the call for help
(a very long hold, a gesture in inverse mode, voice, or a menu item), which works from
anywhere, in a rest and while scanning is stopped. What happened goes to the journal as
`Record` effects.
"""

from __future__ import annotations

from enum import StrEnum

from .care import (
    CHECK_IN,
    FOLLOW_UP,
    REST_OFFER,
    ActiveTime,
    AlertState,
    RestState,
    check_in_menus,
    is_made_menu,
    next_time,
    offer_menu,
    scale_value,
)
from .commands import command_words, normalize_words, phrase_table
from .effects import (
    AlertRaised,
    Effect,
    EnterMenu,
    Highlight,
    HoldReady,
    Idle,
    Notify,
    Prepare,
    Record,
    Select,
    SettingChanged,
    Speak,
    StopCue,
    Voice,
)
from .events import (
    AdapterError,
    Event,
    Notice,
    NotifyDone,
    SpeechFinished,
    SpeechStarted,
    SwitchDown,
    SwitchTap,
    SwitchUp,
    Tick,
    VoiceCommand,
    VoiceRejected,
)
from .fatigue import FatigueTracker
from .menus import Action, Item, Menu, MenuSet, with_back_items
from .pacing import Dwell, estimate_seconds
from .presses import PressFilter
from .records import Alert, CheckIn, FatigueSignal, NotifyResult, PhraseUsed, Rest, RestOffered, SpeedChanged
from .settings import Mode, Settings, clamp, fastest_interval
from .view import NoticeLevel, View

IDLE_WORDS = frozenset({"resume", "wake"})
"""Commands that do nothing while scanning (they act in a rest, and while asleep)."""

MODE_CYCLE = (Mode.AUTO, Mode.PRESS_HOLD, Mode.INVERSE, Mode.STEP)


class Phase(StrEnum):
    """Where the scan is."""

    SCANNING = "scanning"
    """The highlight moves by itself (auto), or while the switch is held (inverse)."""
    WAITING = "waiting"
    """The highlight stays until a press moves it (press-hold, step, inverse not held)."""
    IDLE = "idle"
    """Stopped after its loops or paused; any press goes on."""
    RESTING = "resting"
    """A rest: scanning stopped; a press (or the resume words) ends it, a long hold calls for help."""
    ALERT = "alert"
    """A call for help sounds until acknowledged (or cancelled within its first seconds)."""


class Companion:
    """Switch scanning through caregiver menus. Pure: time comes in as `now`."""

    def __init__(self, menus: MenuSet, settings: Settings, day_offset: float | None = None) -> None:
        """`day_offset` turns the loop clock into local seconds since midnight
        ((now + day_offset) % 86400), for rests and check-ins at set times (None: none)."""
        made = check_in_menus(settings.check_ins, settings.messages)
        # The Back items the companion adds say the caregiver's word for it, and are chosen
        # by voice with the back command's words (no new words for the recognizer).
        back = Item(settings.messages.back, action=Action.BACK, voice=settings.commands.back)
        self._all = dict(with_back_items(MenuSet({**menus.menus, **made}, menus.home), back).menus)
        self.menus = MenuSet(self._all, menus.home)
        self.settings = settings
        self._day_offset = day_offset
        self.voice_commands = settings.voice_commands
        self._stack: list[str] = [self.menus.home]
        self._index = 0
        self._first = True
        self._passes = 0
        self._phase = Phase.WAITING
        self._dwell = Dwell()
        self._frozen: float | None = None
        self._presses = PressFilter()
        self._next_utterance = 1
        self._speaking: dict[int, tuple[Voice, str]] = {}
        self._main_pending: set[int] = set()
        self._cue_id: int | None = None
        self._notice = ""
        self._notice_level: NoticeLevel = "info"
        self._asleep = False
        """Voice sleep: only the wake words are listened for."""
        self._last_main = ""
        """The last phrase said to the room, for `repeat`."""
        self._active = ActiveTime(settings.rest.active_gap_seconds)
        self._snoozed_until = -float("inf")
        self._offer_reason = ""
        """Why the open offer of rest was made, until it is answered."""
        self._rest: RestState | None = None
        self._alert: AlertState | None = None
        self._alerts = 0
        self._gesture: list[float] = []
        """Inverse mode: when the recent presses began (for the help gesture)."""
        self._fatigue = FatigueTracker(settings.fatigue)
        self._highlighted_at: float | None = None
        self._next_reminder: float | None = None
        self._next_check_in: float | None = None
        self._reminder_due = False
        self._check_in_due = False

    # The whole interface: start, handle, next_deadline, view.

    def start(self, now: float) -> list[Effect]:
        """Enter the home menu and begin scanning."""
        self._next_reminder = next_time(self.settings.rest.reminders, now, self._day_offset)
        self._next_check_in = next_time(self.settings.check_ins.times, now, self._day_offset)
        return self._enter(self.menus.home, now, push=False)

    def handle(self, event: Event, now: float) -> list[Effect]:
        """Feed one event that happened at `now`; returns what to do."""
        effects = self._handle(event, now)
        if isinstance(event, SwitchUp | SwitchTap | VoiceCommand):
            self._active.touch(now)
        if not self._main_pending:
            effects += self._care_due(now)
        return effects

    def _handle(self, event: Event, now: float) -> list[Effect]:
        timing = self.settings.scanning
        match event:
            case SwitchDown(switch=3) | SwitchTap(switch=3):  # the caregiver's key
                return self._end_alert(now, "caregiver") if self._alert is not None else []
            case SwitchUp(switch=3):
                return []
            case SwitchDown(switch=switch):
                fresh = self._presses.switches[1].down_at is None  # not a held key repeating
                if switch == 1 and self._mode() is Mode.INVERSE and fresh and self._gestured(now):
                    self._presses.down(switch, now, timing.debounce)
                    self._presses.switches[1].spent = True
                    return self._raise_alert("gesture", now)
                press = self._presses.down(switch, now, timing.debounce)
                if press is not None and self._auto_scanning():
                    self._frozen = self._dwell.freeze(now)  # the highlight waits for the release
                return []
            case SwitchUp(switch=switch):
                return self._released(switch, now)
            case SwitchTap(switch=switch):
                if not self._presses.tap(now, timing.debounce):
                    return []
                return self._pressed(switch, now, held=None)
            case SpeechFinished(utterance=utterance):
                self._speaking.pop(utterance, None)
                self._main_pending.discard(utterance)
                self._dwell.speech_ended(utterance, now)
                return []
            case AdapterError(component=component, message=message):
                self._show(f"{component}: {message}", "error")
                return list(self._sound("main", "", "error"))
            case Notice(text=text, spoken=spoken, level=level):
                self._show(text, level)
                return [self._speak("main", text)] if spoken else []
            case NotifyDone(kind=kind, ok=ok, detail=detail):
                record = Record(NotifyResult(kind, ok, detail))
                if ok:
                    return [record]
                self._show(f"help {kind}: {detail}", "error")
                return [record, *self._sound("main", "", "error")]
            case SpeechStarted() | VoiceRejected():
                return []
            case VoiceCommand(phrase=phrase):
                return self._heard(phrase, now) if self.voice_commands else []
            case Tick():
                return self._tick(now)

    def next_deadline(self) -> float | None:
        """The next time `handle(Tick(), t)` must be called, or None to wait for input."""
        deadlines = [self._dwell.deadline() if self._phase is Phase.SCANNING else None]
        deadlines += [self._next_reminder, self._next_check_in, self._help_hold_deadline()]
        if self._rest is not None:
            deadlines.append(self._rest.end if self._rest.halfway_said else self._rest.halfway)
        if self._alert is not None:
            deadlines.append(self._alert.next_repeat)
            if not self._alert.notified:
                deadlines.append(self._alert.cancel_until)
        timing = self.settings.scanning
        held = self._presses.held(1)
        if held is not None and held.down_at is not None and self._scanning_phase():
            if self._mode() is Mode.INVERSE and not held.moving:
                deadlines.append(held.down_at + timing.acceptance)
            if self._mode() in (Mode.PRESS_HOLD, Mode.STEP) and not held.ready:
                deadlines.append(held.down_at + timing.long_press)
        times = [d for d in deadlines if d is not None]
        return min(times) if times else None

    def voice_phrases(self) -> tuple[str, ...]:
        """What may be said now (the recognizer's grammar): wake words while asleep,
        nothing while voice commands are off."""
        if not self.voice_commands:
            return ()
        wanted = {"wake"} if self._asleep else self._phase_commands()
        if wanted:
            commands = command_words(self.settings.commands)
            return tuple(sorted(words for words, name in commands.items() if name in wanted))
        # Words that do nothing here (resume outside a rest, wake while awake) stay out:
        # every phrase in the grammar is one more thing other speech can be heard as.
        table = phrase_table(self._menu().items, self.settings.commands)
        return tuple(sorted(words for words, meaning in table.items() if meaning.command not in IDLE_WORDS))

    def view(self) -> View:
        """A snapshot for displays."""
        menu = self._menu()
        state = self._phase.value
        held = self._presses.held(1) or self._presses.held(2)
        if held is not None and self._scanning_phase():
            state = "hold-ready" if held.ready else "held"
        speaking = ""
        if self._speaking:
            texts = [(voice, text) for voice, text in self._speaking.values() if text]
            mains = [text for voice, text in texts if voice == "main"]
            speaking = mains[-1] if mains else texts[-1][1] if texts else ""
        return View(
            menu=menu.id,
            title=menu.title,
            labels=tuple(item.label for item in menu.items),
            highlight=self._index if self._scanning_phase() else None,
            state=state,
            mode=self._mode().value,
            interval=self.settings.scanning.interval,
            speaking=speaking,
            notice=self._notice,
            notice_level=self._notice_level,
        )

    def _show(self, text: str, level: NoticeLevel = "info") -> None:
        self._notice, self._notice_level = text, level

    # Helpers for reading state.

    def _mode(self) -> Mode:
        return self.settings.scanning.mode

    def _menu(self) -> Menu:
        return self.menus[self._stack[-1]]

    def _item(self) -> Item:
        return self._menu().items[self._index]

    def _scanning_phase(self) -> bool:
        return self._phase in (Phase.SCANNING, Phase.WAITING)

    def _phase_commands(self) -> set[str]:
        """In a rest or an alert only a few commands are listened for (empty: all of them)."""
        if self._phase is Phase.RESTING:
            return {"resume", "help"}
        if self._phase is Phase.ALERT:
            return {"stop"}
        return set()

    def _auto_scanning(self) -> bool:
        return self._phase is Phase.SCANNING and self._mode() is Mode.AUTO

    # Switch input.

    def _released(self, switch: int, now: float) -> list[Effect]:
        result = self._presses.up(switch, now)
        if result is None:
            return []
        held, press = result
        if press.spent:
            return []  # this hold called for help; its release is not a press
        if held < self.settings.scanning.acceptance:
            if self._auto_scanning():
                self._dwell.thaw(now, self._frozen)  # too short to count: carry on as before
            return []
        return self._pressed(switch, now, held=held)

    def _pressed(self, switch: int, now: float, held: float | None) -> list[Effect]:
        """An accepted press ended (`held` is None for a tap of unknown length)."""
        if self._phase is Phase.ALERT:
            return self._end_alert(now, "user")
        if self._phase is Phase.RESTING:
            return self._end_rest(now, "user")
        if self._phase is Phase.IDLE:
            return self._restart(now)
        mode = self._mode()
        if switch != 1 or mode is Mode.AUTO:
            return self._select(now)
        if mode is Mode.INVERSE:
            # A tap cannot hold, so it steps; a real hold selects on release.
            if held is None:
                return self._step(now)
            self._dwell.clear()
            self._phase = Phase.WAITING
            return self._select(now)
        if held is not None and held >= self.settings.scanning.long_press:
            return self._select(now)
        return self._step(now)

    # Time.

    def _tick(self, now: float) -> list[Effect]:
        effects = self._care_tick(now)
        timing = self.settings.scanning
        held = self._presses.held(1)
        if held is not None and held.down_at is not None and self._scanning_phase():
            mode = self._mode()
            if (
                mode in (Mode.PRESS_HOLD, Mode.STEP)
                and not held.ready
                and now >= held.down_at + timing.long_press
            ):
                held.ready = True
                effects.append(HoldReady(switch=1))
            if mode is Mode.INVERSE and not held.moving and now >= held.down_at + timing.acceptance:
                held.moving = True
                self._phase = Phase.SCANNING
                self._schedule(now, timing.interval)
        deadline = self._dwell.deadline()
        if deadline is not None and now >= deadline and self._phase is Phase.SCANNING:
            for lost in self._dwell.waiting_for:  # the fallback fired: these never reported an end
                self._speaking.pop(lost, None)
                self._main_pending.discard(lost)
            effects += self._advance(now)
        return effects

    def _advance(self, now: float) -> list[Effect]:
        """The dwell ended: move to the next item, or stop after the last loop."""
        self._first = False
        self._index = (self._index + 1) % len(self._menu().items)
        if self._index == 0:
            self._passes += 1
            if self._passes >= self.settings.scanning.loops:
                return self._idle(now, "loops")
        return self._highlight(now)

    # Moving the highlight.

    def _highlight(self, now: float) -> list[Effect]:
        self._highlighted_at = now
        item = self._item()
        sounds = self._sound("cue", item.cue_text if self.settings.speech.cues else "", "highlight")
        self._cue_id = sounds[0].utterance if sounds else None
        if self._phase is Phase.SCANNING:
            timing = self.settings.scanning
            self._schedule(now, timing.interval + (timing.first_item_extra if self._first else 0.0))
        return [Highlight(self._menu().id, self._index, item.label), *sounds]

    def _schedule(self, now: float, length: float) -> None:
        """Start the dwell of the highlighted item, after any speech it must wait for."""
        waiting = set(self._main_pending)
        if self.settings.scanning.auditory and self._cue_id in self._speaking:
            waiting.add(self._cue_id)
        spoken = sum(
            estimate_seconds(text, self._rate(voice))
            for utterance, (voice, text) in self._speaking.items()
            if utterance in waiting
        )
        self._dwell.start(now, length, waiting, spoken)

    def _step(self, now: float) -> list[Effect]:
        self._first = False
        self._index = (self._index + 1) % len(self._menu().items)
        return self._highlight(now)

    def _restart(self, now: float) -> list[Effect]:
        """Start scanning the current menu from its first item."""
        self._index = 0
        self._passes = 0
        self._first = True
        self._frozen = None
        self._dwell.clear()
        self._phase = Phase.SCANNING if self._mode() is Mode.AUTO else Phase.WAITING
        return self._highlight(now)

    def _enter(self, menu_id: str, now: float, push: bool = True) -> list[Effect]:
        if push:
            self._stack.append(menu_id)
        items = self.menus[menu_id].items
        spoken = (Action.SPEAK, Action.HELP, Action.CHECK_IN)
        # After the first cue, so that cue is not kept waiting behind the others.
        return [
            EnterMenu(menu_id),
            *self._restart(now),
            Prepare("cue", tuple(item.cue_text for item in items)),
            Prepare("main", tuple(item.say_text for item in items if item.action in spoken)),
        ]

    def _idle(self, now: float, reason: str, message: str | None = None) -> list[Effect]:
        self._phase = Phase.IDLE
        self._dwell.clear()
        self._frozen = None
        text = message if message is not None else self.settings.messages.idle
        return [StopCue(), Idle(self._menu().id, reason), *self._sound("cue", text, "idle")]

    # Speech.

    def _speak(self, voice: Voice, text: str, earcon: str = "") -> Speak:
        if voice == "main" and text:
            self._last_main = text
        utterance = self._next_utterance
        self._next_utterance += 1
        self._speaking[utterance] = (voice, text)
        if voice == "main":
            self._main_pending.add(utterance)
        return Speak(utterance, voice, text, earcon)

    def _sound(self, voice: Voice, text: str, earcon: str) -> list[Speak]:
        """Speak `text` after `earcon`, leaving out an earcon whose volume is 0; [] if nothing is left."""
        if earcon and getattr(self.settings.speech.earcons, earcon) <= 0:
            earcon = ""
        return [self._speak(voice, text, earcon)] if text or earcon else []

    def _rate(self, voice: Voice) -> int:
        speech = self.settings.speech
        return (speech.cue if voice == "cue" else speech.main).rate

    # Selection.

    def _select(self, now: float, by_switch: bool = True) -> list[Effect]:
        return self._select_item(self._item(), now, by_switch)

    def _select_item(self, item: Item, now: float, by_switch: bool = False) -> list[Effect]:
        menu = self._menu()
        self._presses.guard_until = now + self.settings.scanning.post_selection_pause
        if item.action is Action.BACK:
            self._fatigue.backed(now)
        else:
            reaction = None
            if by_switch and self._mode() is Mode.AUTO and self._highlighted_at is not None:
                reaction = (now - self._highlighted_at) / self.settings.scanning.interval
            # Passes that went by before this choice were misses: the user wanted something
            # here. Passes before the scan stopped by itself are not: nobody may be there.
            for _ in range(min(self._passes, self.settings.fatigue.window)):
                self._fatigue.missed_pass()
            self._fatigue.selected(now, reaction)
        # A call for help sounds its own alert.
        earcon = {Action.BACK: "back", Action.HELP: ""}.get(item.action, "select")
        # On the main voice, so the next cue cannot cut it: the press was taken, whatever follows.
        return [
            Select(menu.id, item.label, item.action.value),
            *self._sound("main", "", earcon),
            *self._act(item, now),
        ]

    def _act(self, item: Item, now: float) -> list[Effect]:
        messages = self.settings.messages
        match item.action:
            case Action.SPEAK:
                record = Record(PhraseUsed(self._menu().id, item.label, item.say_text))
                return [record, self._speak("main", item.say_text), *self._restart(now)]
            case Action.MENU:
                return self._enter(item.menu, now)
            case Action.BACK:
                if len(self._stack) > 1:
                    self._stack.pop()
                return [EnterMenu(self._menu().id), *self._restart(now)]
            case Action.HOME:
                del self._stack[1:]
                return [EnterMenu(self._menu().id), *self._restart(now)]
            case Action.HELP:
                return self._raise_alert("menu", now, item.say)
            case Action.CHECK_IN:
                return self._checked_in(item, now)
            case Action.REST:
                return self._start_rest(item.minutes, now)
            case Action.SNOOZE:
                return [*self._answer_offer(taken=False, now=now), *self._leave_made(now)]
            case Action.PAUSE:
                return self._idle(now, "pause")
            case Action.SLOWER | Action.FASTER if self._stack[-1] == REST_OFFER:
                offer = self._answer_offer(taken=False, now=now)
                return [*offer, *self._new_speed(item.action, "fatigue"), *self._leave_made(now)]
            case Action.SLOWER | Action.FASTER:
                return self._change_speed(item.action, now)
            case Action.MODE:
                return self._change_mode(item.mode, now)
            case Action.VOICE_ON | Action.VOICE_OFF:
                self.voice_commands = item.action is Action.VOICE_ON
                text = messages.voice_on if self.voice_commands else messages.voice_off
                self._show(text)
                return [
                    SettingChanged("voice", self.voice_commands),
                    self._speak("main", text),
                    *self._restart(now),
                ]

    def _change_speed(self, action: Action, now: float) -> list[Effect]:
        effects = self._new_speed(action, action.value)
        # Stay on the same item, so pressing again repeats the change.
        self._first = True
        self._dwell.clear()
        return [*effects, *self._highlight(now)]

    def _new_speed(self, action: Action, reason: str) -> list[Effect]:
        timing = self.settings.scanning
        factor = timing.speed_step if action is Action.SLOWER else 1 / timing.speed_step
        interval = round(
            max(clamp("interval", timing.interval * factor), fastest_interval(timing.debounce)), 2
        )
        self.settings = self.settings.with_scanning(interval=interval)
        template = self.settings.messages.slower if action is Action.SLOWER else self.settings.messages.faster
        text = template.format(seconds=f"{interval:g}")
        self._show(f"interval {interval:g} s")
        return [
            SettingChanged("interval", interval),
            Record(SpeedChanged(timing.interval, interval, reason)),
            self._speak("main", text),
        ]

    def _change_mode(self, mode: Mode | None, now: float) -> list[Effect]:
        if mode is None:
            mode = MODE_CYCLE[(MODE_CYCLE.index(self._mode()) + 1) % len(MODE_CYCLE)]
        self.settings = self.settings.with_scanning(mode=mode)
        text = self.settings.messages.mode.format(mode=mode.value)
        self._show(f"mode {mode.value}")
        return [SettingChanged("mode", mode.value), self._speak("main", text), *self._restart(now)]

    # Voice.

    def _heard(self, phrase: str, now: float) -> list[Effect]:
        words = normalize_words(phrase)
        commands = self.settings.commands
        if self._asleep:
            if command_words(commands).get(words) != "wake":
                return []
            self._asleep = False
            return [
                SettingChanged("voice_sleep", False),
                self._speak("main", self.settings.messages.voice_wake),
            ]
        wanted = self._phase_commands()
        if wanted:
            name = command_words(commands).get(words, "")
            if name == "help" and self._phase is not Phase.ALERT:
                return self._raise_alert("voice", now)
            return self._pressed(1, now, held=None) if name in wanted else []
        meaning = phrase_table(self._menu().items, commands).get(words)
        if meaning is None:
            return []
        if meaning.index >= 0:
            self._index = meaning.index
            item = self._item()
            return [Highlight(self._menu().id, self._index, item.label), *self._select_item(item, now)]
        return self._command(meaning.command, now)

    def _command(self, name: str, now: float) -> list[Effect]:
        """A global command: the same effects as the switch doing it."""
        messages = self.settings.messages
        if name in ("next", "select") and self._phase is Phase.IDLE:
            return self._restart(now)
        match name:
            case "next":
                return self._step(now)
            case "select":
                return self._select(now, by_switch=False)
            case "help":
                return self._raise_alert("voice", now)
            case "repeat":
                if self._last_main:
                    return [self._speak("main", self._last_main)]
                return [self._speak("cue", self._item().cue_text)]
            case "stop":
                return self._idle(now, "pause", message="")
            case "sleep":
                self._asleep = True
                return [SettingChanged("voice_sleep", True), self._speak("main", messages.voice_sleep)]
        actions = {
            "back": Item("Back", action=Action.BACK),
            "home": Item("Home", action=Action.HOME),
            "slower": Item("Slower", action=Action.SLOWER),
            "faster": Item("Faster", action=Action.FASTER),
            "rest": Item("Rest", action=Action.REST),
        }
        return self._select_item(actions[name], now) if name in actions else []

    # Care: offers of rest, rests, check-ins, the call for help.

    def _care_tick(self, now: float) -> list[Effect]:
        """Deadlines of the care parts: set times, a rest's cues and end, the alert."""
        if self._next_reminder is not None and now >= self._next_reminder:
            self._reminder_due = True
            self._next_reminder = next_time(self.settings.rest.reminders, now, self._day_offset)
        if self._next_check_in is not None and now >= self._next_check_in:
            self._check_in_due = True
            self._next_check_in = next_time(self.settings.check_ins.times, now, self._day_offset)
        deadline = self._help_hold_deadline()
        if deadline is not None and now >= deadline:
            for switch in (1, 2):
                press = self._presses.held(switch)
                if press is not None:
                    press.spent = True
            return self._raise_alert("hold", now)
        if self._rest is not None:
            if now >= self._rest.end:
                return self._end_rest(now, "time")
            if now >= self._rest.halfway and not self._rest.halfway_said:
                self._rest.halfway_said = True
                return [self._speak("cue", self.settings.messages.rest_half)]
        alert = self._alert
        if alert is not None:
            effects: list[Effect] = []
            if not alert.notified and now >= alert.cancel_until:
                effects += self._notify(now)
            if now >= alert.next_repeat:
                alert.next_repeat = now + self.settings.help.repeat_seconds
                effects += self._sound("main", alert.message, "alert")
            return effects
        return []

    def _care_due(self, now: float) -> list[Effect]:
        """Questions and offers whose time has come, asked at a calm moment: scanning or
        stopped in a caregiver's menu, nothing held, no phrase still being said."""
        if not (self._scanning_phase() or self._phase is Phase.IDLE):
            return []
        if is_made_menu(self._stack[-1]) or any(self._presses.held(s) for s in (1, 2)):
            return []
        if self._check_in_due:
            self._check_in_due = False
            return self._begin_check_in(now)
        if self._reminder_due:
            self._reminder_due = False
            return self._offer("scheduled", now)
        sign = self._fatigue.due(now)
        if sign is not None:
            record = Record(FatigueSignal(sign.kind, sign.value, sign.threshold))
            return [record, *self._offer("fatigue", now)]
        rest = self.settings.rest
        if 0 < rest.after_active_minutes * 60 <= self._active.seconds and now >= self._snoozed_until:
            return self._offer("active", now)
        return []

    def _offer(self, reason: str, now: float) -> list[Effect]:
        messages = self.settings.messages
        text = {
            "active": messages.rest_offer.format(minutes=f"{self._active.seconds / 60:.0f}"),
            "scheduled": messages.rest_reminder,
            "fatigue": messages.rest_tired,
        }[reason]
        self._all[REST_OFFER] = offer_menu(reason, self.settings.rest, messages, text)
        self._offer_reason = reason
        # An offer left unanswered is not made again at once.
        self._snoozed_until = now + self.settings.rest.snooze_minutes * 60
        return [self._speak("main", text), *self._enter(REST_OFFER, now)]

    def _answer_offer(self, taken: bool, now: float) -> list[Effect]:
        reason, self._offer_reason = self._offer_reason, ""
        if not reason:
            return []
        if not taken:
            self._snoozed_until = now + self.settings.rest.snooze_minutes * 60
        return [Record(RestOffered(reason, taken))]

    def _leave_made(self, now: float) -> list[Effect]:
        """Back to the caregiver's menu the companion's own questions were asked over."""
        self._drop_made()
        return [EnterMenu(self._menu().id), *self._restart(now)]

    def _drop_made(self) -> None:
        while len(self._stack) > 1 and is_made_menu(self._stack[-1]):
            self._stack.pop()

    def _start_rest(self, minutes: float | None, now: float) -> list[Effect]:
        if minutes is None:
            choices = self.settings.rest.choices_minutes
            minutes = choices[len(choices) // 2] if choices else 15.0
        effects = self._answer_offer(taken=True, now=now)
        self._drop_made()
        self._rest = RestState(now, minutes * 60)
        self._active.reset()
        self._phase = Phase.RESTING
        self._dwell.clear()
        self._frozen = None
        text = self.settings.messages.rest.format(minutes=f"{minutes:g}")
        return [*effects, StopCue(), Idle(self._menu().id, "rest"), self._speak("main", text)]

    def _end_rest(self, now: float, by: str) -> list[Effect]:
        rest, self._rest = self._rest, None
        if rest is None:
            return []
        lasted = min(now - rest.started, rest.planned)
        record = Record(Rest(rest.planned, round(lasted, 1), by))
        messages = self.settings.messages
        if by == "time":
            return [record, *self._idle(now, "rest", messages.rest_over)]
        if by == "user":
            return [record, self._speak("main", messages.rested), *self._restart(now)]
        return [record]

    def _begin_check_in(self, now: float) -> list[Effect]:
        return [self._speak("main", self.settings.check_ins.question), *self._enter(CHECK_IN, now)]

    def _checked_in(self, item: Item, now: float) -> list[Effect]:
        menu = self._stack[-1]
        if not item.answer and not is_made_menu(menu):
            return self._begin_check_in(now)  # "check in" from a menu: ask the question
        effects: list[Effect] = []
        if item.answer:
            value = None
            if menu == CHECK_IN:
                value = scale_value(self._index, self.settings.check_ins.scale)
            effects.append(Record(CheckIn(self._menu().title, item.answer, value)))
            said = item.say or self.settings.messages.check_in.format(answer=item.answer)
            effects.append(self._speak("main", said))
        if not is_made_menu(menu):
            return [*effects, *self._restart(now)]
        follow_ups = self.settings.check_ins.follow_ups
        number = 0 if menu == CHECK_IN else int(menu.removeprefix(FOLLOW_UP)) + 1
        if number < len(follow_ups):
            self._stack.pop()
            question = follow_ups[number].question
            return [*effects, self._speak("main", question), *self._enter(f"{FOLLOW_UP}{number}", now)]
        return [*effects, *self._leave_made(now)]

    def _help_hold_deadline(self) -> float | None:
        """When a switch held now calls for help: a very long hold, where a hold does not
        move the scan (in inverse mode switch 1's hold moves it: the gesture is used there)."""
        if self._alert is not None:
            return None
        times = []
        for switch in (1, 2):
            press = self._presses.held(switch)
            if press is None or press.down_at is None or press.spent:
                continue
            # (In a rest nothing moves, so there a hold calls for help in inverse mode too.)
            if switch == 1 and self._mode() is Mode.INVERSE and self._phase is not Phase.RESTING:
                continue
            times.append(press.down_at + self.settings.help.hold_seconds)
        return min(times) if times else None

    def _gestured(self, now: float) -> bool:
        """Inverse mode: this press completes the help gesture (quick presses in a row)."""
        help_call = self.settings.help
        self._gesture = [t for t in self._gesture if now - t <= help_call.within_seconds] + [now]
        if len(self._gesture) >= help_call.presses:
            self._gesture.clear()
            return True
        return False

    def _raise_alert(self, trigger: str, now: float, message: str = "") -> list[Effect]:
        if self._alert is not None:
            return []
        effects = self._end_rest(now, "help")
        help_call = self.settings.help
        message = message or self.settings.messages.help_call
        self._alerts += 1
        self._alert = AlertState(
            self._alerts,
            trigger,
            message,
            raised=now,
            cancel_until=now + help_call.cancel_seconds,
            next_repeat=now + help_call.repeat_seconds,
        )
        self._phase = Phase.ALERT
        self._dwell.clear()
        self._frozen = None
        self._show(message)
        effects += [AlertRaised(self._alerts, trigger), StopCue(), *self._sound("main", message, "alert")]
        if help_call.cancel_seconds <= 0:
            effects += self._notify(now)
        return effects

    def _notify(self, now: float) -> list[Effect]:
        alert = self._alert
        if alert is None:
            return []
        alert.notified = True
        help_call = self.settings.help
        effects: list[Effect] = [Notify(alert.number, alert.message, alert.trigger)]
        if help_call.notify_command or help_call.webhook:
            effects.append(self._speak("main", self.settings.messages.help))
        return effects

    def _end_alert(self, now: float, by: str) -> list[Effect]:
        """`by` the user (a press or the stop words) or the caregiver's key."""
        alert, self._alert = self._alert, None
        if alert is None:
            return []
        cancelled = by == "user" and not alert.notified
        record = Alert(
            alert.trigger,
            "" if cancelled else by,
            None if cancelled else round(now - alert.raised, 1),
            cancelled,
        )
        messages = self.settings.messages
        self._show("")
        self._presses.guard_until = now + self.settings.scanning.post_selection_pause
        text = messages.help_cancelled if cancelled else messages.help_answered
        return [Record(record), self._speak("main", text), *self._restart(now)]
