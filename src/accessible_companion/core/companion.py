"""The companion: a deterministic state machine. `handle(event, now)` returns effects.

A thin front over its parts, each pure and told the time as `now`:
- the scanner (`scanner.py`): menus, the highlight and what a press means in each mode
  (the modes' rules are one table, `modes.py`; see README: Scanning);
- care (`caring.py`): offers of rest, rests, check-ins, the call for help and fatigue
  (see README: Rest, check-ins and the call for help);
- utterances (`utterances.py`): what is being said, for dwell, care and `repeat`.
This module routes events to them, runs what a selected item does, and hears voice
commands. Switch 2 selects in every mode, any press wakes an idle scan, and the call for
help works from anywhere, so no mode can lock a user out. What happened goes to the journal
as `Record` effects.
"""

from __future__ import annotations

from .care import REST_OFFER, check_in_menus
from .caring import Care
from .commands import command_words, normalize_words, phrase_table, tried_phrase
from .confirming import Asked, Confirming
from .effects import ConfigApplied, Effect, Record, Select, SettingChanged
from .events import (
    Acknowledge,
    AdapterError,
    ConfigChanged,
    ConfigRejected,
    Event,
    Notice,
    NotifyDone,
    PageAddress,
    PointerSelect,
    SayPreview,
    SpeechFinished,
    SpeechStarted,
    SwitchDown,
    SwitchTap,
    SwitchUp,
    Tick,
    VoiceCommand,
    VoiceRejected,
)
from .menus import Action, Item, MenuSet, with_back_items
from .pacing import estimate_seconds
from .records import NotifyResult, PhraseUsed, VoiceHeard
from .reload import kept_settings, placed
from .scanner import Scanner
from .settings import Settings
from .showing import VoiceStatus, make_view
from .utterances import Utterances
from .view import Shown, View

IDLE_WORDS = frozenset({"resume", "wake"})
"""Commands that do nothing while scanning (they act in a rest, and while asleep)."""

# Global voice commands that do what selecting such an item does.
_COMMAND_ITEMS = {
    "back": Item("Back", action=Action.BACK),
    "home": Item("Home", action=Action.HOME),
    "slower": Item("Slower", action=Action.SLOWER),
    "faster": Item("Faster", action=Action.FASTER),
    "rest": Item("Rest", action=Action.REST),
}


class Companion:
    """Switch scanning through caregiver menus, with care. Pure: time comes in as `now`."""

    def __init__(self, menus: MenuSet, settings: Settings, day_offset: float | None = None) -> None:
        """`day_offset` turns the loop clock into local seconds since midnight
        ((now + day_offset) % 86400), for rests and check-ins at set times (None: none)."""
        made = check_in_menus(settings.check_ins, settings.messages)
        full = with_back_items(MenuSet({**menus.menus, **made}, menus.home), settings)
        self._shown = Shown()
        self._speech = Utterances(settings.speech)
        self._scanner = Scanner(full, settings, self._speech, self._shown)
        self._care = Care(self._scanner, self._speech, self._shown, day_offset)
        self._care.configured = settings
        self.menus = self._scanner.menus
        """Every menu, the companion's own (check-ins, the open offer of rest) too."""
        self.voice_commands = settings.voice_commands
        self._asleep = False
        """Voice sleep: only the wake words are listened for."""
        self._voice = VoiceStatus()
        self._configured = settings
        """The settings as the caregiver's config gave them (the running ones may differ)."""
        self._pending: ConfigChanged | None = None
        """A new config waiting for a calm moment."""
        self._page = PageAddress("")
        """Where the caregiver's page is, for the status line."""
        self._confirming = Confirming()
        """A command that matters heard once, waiting to be said again."""

    @property
    def settings(self) -> Settings:
        """The settings now (slower, faster and mode change them while running)."""
        return self._scanner.settings

    # The whole interface: start, handle, next_deadline, voice_phrases, view.

    def start(self, now: float) -> list[Effect]:
        """Enter the home menu and begin scanning."""
        self._care.start(now)
        return self._scanner.enter(self.menus.home, now, push=False)

    def handle(self, event: Event, now: float) -> list[Effect]:
        """Feed one event that happened at `now`; returns what to do."""
        effects = self._handle(event, now)
        if isinstance(event, SwitchUp | SwitchTap | VoiceCommand | PointerSelect):
            self._care.touch(now)
        if isinstance(event, SwitchUp | SwitchTap | PointerSelect):
            self._unshow(self._confirming.drop())  # the user did something else
        if not self._speech.main_pending:
            effects += self._care.due(now)
        if self._pending is not None and self._scanner.calm() and not self._care.state:
            effects += self._reconfigure(self._pending, now)
        return effects

    def next_deadline(self) -> float | None:
        """The next time `handle(Tick(), t)` must be called, or None to wait for input."""
        times = self._scanner.deadlines() + self._care.deadlines()
        if (asked := self._confirming.deadline()) is not None:
            times.append(asked)
        return min(times) if times else None

    def voice_phrases(self) -> tuple[str, ...]:
        """What may be said now (the recognizer's grammar): wake words while asleep,
        nothing while voice commands are off."""
        if not self.voice_commands:
            return ()
        wanted = {"wake"} if self._asleep else self._care.listened_for()
        if wanted:
            commands = command_words(self.settings.commands)
            return tuple(sorted(words for words, name in commands.items() if name in wanted))
        # Words that do nothing here (resume outside a rest, wake while awake) stay out:
        # every phrase in the grammar is one more thing other speech can be heard as.
        table = phrase_table(self._scanner.menu.items, self.settings.commands)
        return tuple(sorted(words for words, meaning in table.items() if meaning.command not in IDLE_WORDS))

    def view(self) -> View:
        """A snapshot for displays."""
        voice = self._voice.state(self.voice_commands, self._asleep)
        return make_view(self._scanner, self._care, self._speech, self._shown, voice, self._page)

    # Events.

    def _handle(self, event: Event, now: float) -> list[Effect]:
        match event:
            case SwitchDown() | SwitchUp() | SwitchTap():
                return self._switch(event, now)
            case SpeechFinished(utterance=utterance):
                self._confirming.said(utterance, now, self.settings.listening.confirm_seconds)
                self._speech.ended([utterance])
                self._scanner.speech_ended(utterance, now)
                return []
            case AdapterError(component=component, message=message):
                self._shown.show(f"{component}: {message}", "error")
                return list(self._speech.sound("main", "", "error"))
            case Notice(text=text, spoken=spoken, level=level, kind=kind):
                self._voice.notice(kind)
                self._shown.show(text, level)
                return [self._speech.speak("main", text)] if spoken else []
            case Acknowledge() | NotifyDone():
                return self._help_news(event, now)
            case SpeechStarted():
                return []
            case VoiceCommand() | VoiceRejected():
                return self._voice_heard(event, now)
            case PointerSelect():
                return self._pointer(event, now)
            case ConfigChanged() | ConfigRejected():
                return self._config_news(event)
            case SayPreview() | PageAddress():
                return self._from_page(event)
            case Tick():
                self._unshow(self._confirming.expire(now))
                return [*self._gesture(now), *self._care.tick(now), *self._scanner.tick(now)]

    def _help_news(self, event: Acknowledge | NotifyDone, now: float) -> list[Effect]:
        """Somebody acknowledged the call for help, or a contact's notification finished."""
        if isinstance(event, Acknowledge):
            return self._care.acknowledge(event.alert, event.by, now)
        record = Record(NotifyResult(event.kind, event.ok, event.detail, event.contact, event.alert))
        if event.ok:
            self._care.delivered()
            return [record]
        self._shown.show(f"help {event.contact or event.kind}: {event.detail}", "error")
        return [record, *self._speech.sound("main", "", "error")]

    def _config_news(self, event: ConfigChanged | ConfigRejected) -> list[Effect]:
        """A new config to apply once calm (at the end of `handle`), or one that was refused."""
        if isinstance(event, ConfigChanged):
            self._pending = event
            return []
        text = self.settings.messages.config_problem
        self._shown.show(text, "warning")
        return [self._speech.speak("main", text)]

    def _from_page(self, event: SayPreview | PageAddress) -> list[Effect]:
        """The caregiver's page: a preview to say ("Say it"), or where it is (for the displays)."""
        if isinstance(event, PageAddress):
            self._page = event
            return []
        # Not for `repeat`: the user's "again" means their own last phrase.
        return [self._speech.speak(event.voice, event.text, remember=False)] if event.text.strip() else []

    def _switch(self, event: SwitchDown | SwitchUp | SwitchTap, now: float) -> list[Effect]:
        scanner = self._scanner
        match event:
            case SwitchDown(switch=3) | SwitchTap(switch=3):  # the caregiver's key
                return self._care.end_alert(now, "caregiver")
            case SwitchUp(switch=3):
                return []
            case SwitchDown(switch=switch):
                scanner.down(switch, now)
                return []
            case SwitchUp(switch=switch):
                # A release can be the first the core hears of a contact passing acceptance
                # or of a hold for help (presses made while the process was stalled).
                alarm = self._gesture(now) + self._care.hold_overdue(now)
                held = scanner.released(switch, now)
                return alarm if held is None else alarm + self._pressed(switch, now, held)
            case SwitchTap(switch=switch):
                return self._pressed(switch, now, held=None) if scanner.tapped(now) else []

    def _gesture(self, now: float) -> list[Effect]:
        """Where a hold moves the scan, quick presses of switch 1 call for help. Only contacts
        that passed acceptance count (a tremor is not a press), blocked by a pause or not."""
        if not self._scanner.rules.gesture_calls_help:
            return []
        since = self._scanner.newly_accepted(1, now)
        if since is None or not self._care.gestured(since):
            return []
        self._scanner.spend_holds()  # this press called for help: its release does nothing
        return self._care.raise_alert("gesture", now)

    def _pressed(self, switch: int, now: float, held: float | None, measured: bool = True) -> list[Effect]:
        """An accepted press ended (`held` is None for a tap of unknown length; not `measured`:
        a voice command acting as a press in a rest or an alert)."""
        scanner = self._scanner
        ended = self._care.pressed(now)  # a rest or an alert
        if ended is not None:
            return [Record(scanner.timed(switch, now, held, "wake")), *ended] if measured else ended
        match scanner.take_press(switch, held):
            case "restart":
                return [Record(scanner.timed(switch, now, held, "wake")), *scanner.restart(now)]
            case "step":
                return [Record(scanner.timed(switch, now, held, "step")), *scanner.step(now)]
        timed = scanner.timed(switch, now, held, "select")
        return [Record(timed), *self._choose(now, reaction=timed.reaction)]

    def _pointer(self, event: PointerSelect, now: float) -> list[Effect]:
        """A click on the window: on an item of the menu shown, selects it (as its voice words
        do); on the screen itself (-1) in a rest or a call for help, it is a press there. Like a
        press, a click in the post-selection pause does nothing: the second click of a double
        click (or a tap that bounces) must not choose again, nor cancel the call for help that
        its first click made."""
        menu = self._scanner.menu
        if not self.settings.display.mouse or self._scanner.guarded(now):
            return []
        if self._care.state:
            return (self._care.pressed(now) or []) if event.index == -1 else []
        if event.menu != menu.id or not 0 <= event.index < len(menu.items):
            return []  # a menu already left, or no such cell
        return [self._scanner.point_at(event.index), *self._select_item(self._scanner.item, now)]

    def _reconfigure(self, change: ConfigChanged, now: float) -> list[Effect]:
        """Run on a new config from here on, at the same menu and item where they still exist."""
        self._pending = None
        settings = kept_settings(self.settings, self._configured, change.settings)
        if change.settings.voice_commands != self._configured.voice_commands:
            self.voice_commands = change.settings.voice_commands
        self._configured = self._care.configured = change.settings
        made = check_in_menus(settings.check_ins, settings.messages)
        full = with_back_items(MenuSet({**change.menus.menus, **made}, change.menus.home), settings)
        scanner = self._scanner
        place = placed(scanner.stack, scanner.index, self.menus, full)
        self._speech.use(settings.speech)
        effects = [
            ConfigApplied(change.reason, change.path),
            *scanner.reconfigure(full, settings, place, now),
        ]
        self.menus = scanner.menus
        self._care.start(now)  # the rest reminders and check-ins at the new set times
        return effects

    # Selection.

    def _choose(self, now: float, reaction: float | None = None) -> list[Effect]:
        """Select what is highlighted: enter a grid's row, or select the item. `reaction`:
        seconds from its highlight to the press, when a press chose it."""
        if self._scanner.row is not None:
            return self._scanner.enter_row(now)
        return self._select_item(self._scanner.item, now, reaction)

    def _select_item(self, item: Item, now: float, reaction: float | None = None) -> list[Effect]:
        scanner = self._scanner
        menu = scanner.menu
        scanner.guard(now)
        back, submenu = item.action is Action.BACK, item.action is Action.MENU
        if self._care.selected(back, now, reaction, scanner.passes, submenu):
            scanner.times.undone(by_press=reaction is not None)
        # A call for help sounds its own alert.
        earcon = {Action.BACK: "back", Action.HELP: "", Action.NEED: ""}.get(item.action, "select")
        # A new phrase cuts the one still being said (the room hears the latest choice, not a
        # backlog); cut before its earcon, which is part of it. Other choices cut nothing.
        cut = self._speech.cut_main() if item.action is Action.SPEAK else []
        # On the main voice, so the next cue cannot cut it: the press was taken, whatever follows.
        return [
            Select(menu.id, item.label, item.action.value),
            *cut,
            *self._speech.sound("main", "", earcon),
            *self._act(item, now),
        ]

    def _act(self, item: Item, now: float) -> list[Effect]:
        scanner = self._scanner
        match item.action:
            case Action.SPEAK:
                record = Record(PhraseUsed(scanner.menu_id, item.label, item.say_text))
                said = self._speech.speak("main", item.say_text, sound=item.sound, seconds=item.sound_seconds)
                return [record, said, *scanner.restart(now)]
            case Action.MENU | Action.BACK | Action.HOME | Action.PAUSE:
                return scanner.navigate(item, now)
            case Action.HELP | Action.NEED | Action.CHECK_IN | Action.REST | Action.SNOOZE:
                return self._care.act(item, now)
            case Action.SLOWER | Action.FASTER if scanner.menu_id == REST_OFFER:
                return self._care.answer_pace(item.action, now)
            case Action.SLOWER | Action.FASTER:
                return scanner.change_speed(item.action, now)
            case Action.MODE:
                return scanner.change_mode(item.mode, now)
            case Action.VOICE_ON | Action.VOICE_OFF:
                self.voice_commands = item.action is Action.VOICE_ON
                messages = self.settings.messages
                text = messages.voice_on if self.voice_commands else messages.voice_off
                self._shown.show(text)
                return [
                    SettingChanged("voice", self.voice_commands),
                    self._speech.speak("main", text),
                    *scanner.restart(now),
                ]

    # Voice.

    def _heard(self, phrase: str, now: float) -> list[Effect]:
        words = normalize_words(phrase)
        commands = self.settings.commands
        if self._asleep:
            if command_words(commands).get(words) != "wake":
                return []
            if (asking := self._ask("command wake", "wake", words, now)) is not None:
                return asking
            self._asleep = False
            return [
                SettingChanged("voice_sleep", False),
                self._speech.speak("main", self.settings.messages.voice_wake),
            ]
        wanted = self._care.listened_for()
        if wanted:
            name = command_words(commands).get(words, "")
            calls = name == "help" and self._care.state != "alert"
            if not calls and name not in wanted:
                return []
            if (asking := self._ask(f"command {name}", name, words, now)) is not None:
                return asking
            if calls:  # a call for help by voice in a rest
                return self._care.raise_alert("voice", now)
            return self._pressed(1, now, held=None, measured=False)
        menu = self._scanner.menu
        meaning = phrase_table(menu.items, commands).get(words)
        if meaning is None:
            return []
        if meaning.index >= 0:
            action = menu.items[meaning.index].action.value
            if (asking := self._ask(f"item {menu.id} {meaning.index}", action, words, now)) is not None:
                return asking
            highlight = self._scanner.point_at(meaning.index)
            return [highlight, *self._select_item(self._scanner.item, now)]
        if (asking := self._ask(f"command {meaning.command}", meaning.command, words, now)) is not None:
            return asking
        return self._command(meaning.command, now)

    def _voice_heard(self, event: VoiceCommand | VoiceRejected, now: float) -> list[Effect]:
        """A voice outcome: journaled (the Voice page and the report see a drift over weeks,
        through restarts) and a command acted on. Nothing while voice commands are off, and
        nothing kept when nothing was made of a sound (no words: a cough, speech not alone)."""
        if not self.voice_commands:
            return []
        if isinstance(event, VoiceCommand):
            words = normalize_words(event.phrase)
            taken = VoiceHeard(words, words, True, "", event.confidence)
            return [Record(taken), *self._heard(event.phrase, now)]
        words = normalize_words(event.text)
        if not words:
            return []
        phrases = phrase_table(self._scanner.menu.items, self.settings.commands)
        tried = tried_phrase(words, phrases) if event.speech else ""
        return [Record(VoiceHeard(words, tried, False, event.reason, event.confidence))]

    def _ask(self, what: str, name: str, words: str, now: float) -> list[Effect] | None:
        """None: do `what` now (not in `listening.confirm`, or its second hearing in time).
        Otherwise ask for it again: the question, said by the cue voice and shown. Any other
        question still open is dropped."""
        listening = self.settings.listening
        before = self._confirming.asked
        if self._confirming.hear(what, name in listening.confirm, now):
            self._unshow(before)
            return None
        self._unshow(before)
        template = self.settings.messages.confirm
        text = self._confirming.ask(what, words, now, listening.confirm_seconds, template)
        self._shown.show(text)
        question = self._speech.speak("cue", text)
        # Until the question has been said: its length at a slow pace, twice over (the
        # lost-speech fallback's rule), then the time to answer.
        guess = 2 * estimate_seconds(text, min(self.settings.speech.cue.rate, 120)) + 1.0
        self._confirming.saying(question.utterance, guess + listening.confirm_seconds, now)
        return [question]

    def _unshow(self, asked: Asked | None) -> None:
        """A question no longer open leaves the display (unless something else was shown since)."""
        if asked is not None and self._shown.text == asked.text:
            self._shown.show("")

    def _command(self, name: str, now: float) -> list[Effect]:
        """A global command: the same effects as the switch doing it."""
        scanner = self._scanner
        if name in ("next", "select") and scanner.idle:
            return scanner.restart(now)
        match name:
            case "next":
                return scanner.step(now)
            case "select":
                return self._choose(now)
            case "help":
                return self._care.raise_alert("voice", now)
            case "repeat":
                if self._speech.last_main:  # the user's phrase again: it cuts, as choosing it does
                    return [*self._speech.cut_main(), self._speech.repeat_main()]
                return [self._speech.speak("cue", scanner.cue_text)]
            case "stop":
                return scanner.idle_now(now, "pause", message="")
            case "sleep":
                self._asleep = True
                text = self.settings.messages.voice_sleep
                return [SettingChanged("voice_sleep", True), self._speech.speak("main", text)]
        return self._select_item(_COMMAND_ITEMS[name], now) if name in _COMMAND_ITEMS else []
