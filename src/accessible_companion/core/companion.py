"""The companion: a deterministic state machine. `handle(event, now)` returns effects.

All scanning rules live here (see README: Scanning):
- auto: the highlight moves every dwell; a press selects; after `loops` passes it idles.
- press-hold: a short press moves on; a hold of at least `long_press` selects.
- inverse: the highlight moves while switch 1 is held; release selects.
- step: switch 1 moves on (a long hold also selects); switch 2 selects.
Switch 2 selects in every mode, and any press wakes an idle scan, so no mode can lock a
user out. Presses act on release where the device reports releases.
"""

from __future__ import annotations

from enum import StrEnum

from .effects import (
    Effect,
    EnterMenu,
    Highlight,
    HoldReady,
    Idle,
    Prepare,
    Request,
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
from .menus import Action, Item, Menu, MenuSet, with_back_items
from .pacing import Dwell, estimate_seconds
from .presses import PressFilter
from .settings import Mode, Settings, clamp, fastest_interval
from .view import View
from .voice import command_words, normalize_words, phrase_table

MODE_CYCLE = (Mode.AUTO, Mode.PRESS_HOLD, Mode.INVERSE, Mode.STEP)


class Phase(StrEnum):
    """Where the scan is."""

    SCANNING = "scanning"
    """The highlight moves by itself (auto), or while the switch is held (inverse)."""
    WAITING = "waiting"
    """The highlight stays until a press moves it (press-hold, step, inverse not held)."""
    IDLE = "idle"
    """Stopped after its loops, paused or resting; any press goes on."""


class Companion:
    """Switch scanning through caregiver menus. Pure: time comes in as `now`."""

    def __init__(self, menus: MenuSet, settings: Settings) -> None:
        self.menus = with_back_items(menus)
        self.settings = settings
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
        self._asleep = False
        """Voice sleep: only the wake words are listened for."""
        self._last_main = ""
        """The last phrase said to the room, for `repeat`."""

    # The whole interface: start, handle, next_deadline, view.

    def start(self, now: float) -> list[Effect]:
        """Enter the home menu and begin scanning."""
        return self._enter(self.menus.home, now, push=False)

    def handle(self, event: Event, now: float) -> list[Effect]:
        """Feed one event that happened at `now`; returns what to do."""
        timing = self.settings.scanning
        match event:
            case SwitchDown(switch=switch):
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
                self._notice = f"{component}: {message}"
                return list(self._sound("main", "", "error"))
            case Notice(text=text, spoken=spoken):
                self._notice = text
                return [self._speak("main", text)] if spoken else []
            case SpeechStarted() | VoiceRejected() | NotifyDone():
                return []
            case VoiceCommand(phrase=phrase):
                return self._heard(phrase, now) if self.voice_commands else []
            case Tick():
                return self._tick(now)

    def next_deadline(self) -> float | None:
        """The next time `handle(Tick(), t)` must be called, or None to wait for input."""
        deadlines = [self._dwell.deadline() if self._phase is Phase.SCANNING else None]
        timing = self.settings.scanning
        held = self._presses.held(1)
        if held is not None and held.down_at is not None:
            if self._mode() is Mode.INVERSE and not held.moving and self._phase is not Phase.IDLE:
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
        if self._asleep:
            return tuple(
                sorted(w for w, name in command_words(self.settings.commands).items() if name == "wake")
            )
        return tuple(sorted(phrase_table(self._menu().items, self.settings.commands)))

    def view(self) -> View:
        """A snapshot for displays."""
        menu = self._menu()
        state = self._phase.value
        held = self._presses.held(1) or self._presses.held(2)
        if held is not None and self._phase is not Phase.IDLE:
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
            highlight=None if self._phase is Phase.IDLE else self._index,
            state=state,
            mode=self._mode().value,
            interval=self.settings.scanning.interval,
            speaking=speaking,
            notice=self._notice,
        )

    # Helpers for reading state.

    def _mode(self) -> Mode:
        return self.settings.scanning.mode

    def _menu(self) -> Menu:
        return self.menus[self._stack[-1]]

    def _item(self) -> Item:
        return self._menu().items[self._index]

    def _auto_scanning(self) -> bool:
        return self._phase is Phase.SCANNING and self._mode() is Mode.AUTO

    # Switch input.

    def _released(self, switch: int, now: float) -> list[Effect]:
        result = self._presses.up(switch, now)
        if result is None:
            return []
        held, _ = result
        if held < self.settings.scanning.acceptance:
            if self._auto_scanning():
                self._dwell.thaw(now, self._frozen)  # too short to count: carry on as before
            return []
        return self._pressed(switch, now, held=held)

    def _pressed(self, switch: int, now: float, held: float | None) -> list[Effect]:
        """An accepted press ended (`held` is None for a tap of unknown length)."""
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
        effects: list[Effect] = []
        timing = self.settings.scanning
        held = self._presses.held(1)
        if held is not None and held.down_at is not None and self._phase is not Phase.IDLE:
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

    def _select(self, now: float) -> list[Effect]:
        return self._select_item(self._item(), now)

    def _select_item(self, item: Item, now: float) -> list[Effect]:
        menu = self._menu()
        self._presses.guard_until = now + self.settings.scanning.post_selection_pause
        earcon = {Action.BACK: "back", Action.HELP: "alert"}.get(item.action, "select")
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
                return [self._speak("main", item.say_text), *self._restart(now)]
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
                return [
                    Request("help", item.say_text),
                    self._speak("main", item.say_text),
                    *self._restart(now),
                ]
            case Action.CHECK_IN:
                answer = item.answer or item.label
                return [Request("check-in", answer), self._speak("main", item.say_text), *self._restart(now)]
            case Action.REST:
                detail = f"{item.minutes:g} minutes" if item.minutes is not None else item.label
                return [Request("rest", detail), *self._idle(now, "rest", messages.rest)]
            case Action.PAUSE:
                return self._idle(now, "pause")
            case Action.SLOWER | Action.FASTER:
                return self._change_speed(item.action, now)
            case Action.MODE:
                return self._change_mode(item.mode, now)
            case Action.VOICE_ON | Action.VOICE_OFF:
                self.voice_commands = item.action is Action.VOICE_ON
                text = messages.voice_on if self.voice_commands else messages.voice_off
                self._notice = text
                return [
                    SettingChanged("voice", self.voice_commands),
                    self._speak("main", text),
                    *self._restart(now),
                ]

    def _change_speed(self, action: Action, now: float) -> list[Effect]:
        timing = self.settings.scanning
        factor = timing.speed_step if action is Action.SLOWER else 1 / timing.speed_step
        interval = round(
            max(clamp("interval", timing.interval * factor), fastest_interval(timing.debounce)), 2
        )
        self.settings = self.settings.with_scanning(interval=interval)
        template = self.settings.messages.slower if action is Action.SLOWER else self.settings.messages.faster
        text = template.format(seconds=f"{interval:g}")
        self._notice = f"interval {interval:g} s"
        # Stay on the same item, so pressing again repeats the change.
        self._first = True
        self._dwell.clear()
        return [SettingChanged("interval", interval), self._speak("main", text), *self._highlight(now)]

    def _change_mode(self, mode: Mode | None, now: float) -> list[Effect]:
        if mode is None:
            mode = MODE_CYCLE[(MODE_CYCLE.index(self._mode()) + 1) % len(MODE_CYCLE)]
        self.settings = self.settings.with_scanning(mode=mode)
        text = self.settings.messages.mode.format(mode=mode.value)
        self._notice = f"mode {mode.value}"
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
                return self._select(now)
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
            "help": Item("Help", action=Action.HELP, say=messages.help_call),
        }
        return self._select_item(actions[name], now) if name in actions else []
