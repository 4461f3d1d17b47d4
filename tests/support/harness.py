"""A fake clock and fake speech around the pure core, for stories with exact times."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from accessible_companion.core.companion import Companion
from accessible_companion.core.effects import Effect, Highlight, Record, Select, Speak, StopCue, StopMain
from accessible_companion.core.events import Event, SpeechFinished, SwitchDown, SwitchTap, SwitchUp, Tick
from accessible_companion.core.menus import Action, Item, Menu, MenuSet
from accessible_companion.core.records import VoiceHeard
from accessible_companion.core.settings import Listening, Mode, Scanning, Settings


def menu_set(**menus: list[str | Item]) -> MenuSet:
    """Menus from labels: a plain string is a phrase item; an Item is used as it is."""
    return MenuSet(
        {
            menu_id: Menu(
                menu_id, menu_id.title(), tuple(i if isinstance(i, Item) else Item(i) for i in items)
            )
            for menu_id, items in menus.items()
        }
    )


def settings(mode: Mode = Mode.AUTO, **scanning: object) -> Settings:
    """Settings with round test timings unless given, and voice commands done when heard once
    (what a command does is tested here; saying twice what matters in test_confirming.py)."""
    values: dict[str, object] = {
        "mode": mode,
        "interval": 1.0,
        "first_item_extra": 0.5,
        "loops": 2,
        "acceptance": 0.05,
        "debounce": 0.1,
        "long_press": 0.6,
        "post_selection_pause": 0.3,
    }
    values.update(scanning)
    return Settings(scanning=Scanning(**values), listening=Listening(confirm=()))  # type: ignore[arg-type]


T = TypeVar("T")

SUBMENU = Item("More", action=Action.MENU, menu="more")


@dataclass
class SerialSpeech:
    """One output, as the real adapter (speaker.py) uses it when cue and main share a device:
    one utterance sounds at a time; main phrases play in order, are never cut by a cue and cut
    a sounding cue; cues wait behind main speech, newest only; StopCue and StopMain cut.
    `seconds` says how long each request takes to say."""

    seconds: Callable[[Speak], float]
    sounding: tuple[float, Speak] | None = None
    """(when it ends, what) sounds now."""
    main: deque[Speak] = field(default_factory=deque)
    cue: Speak | None = None
    started: dict[int, float] = field(default_factory=dict)
    """Utterance -> when it began to sound."""
    interrupted: list[int] = field(default_factory=list)
    """Utterances cut or dropped, in order."""

    def take(self, effect: Effect, now: float) -> list[int]:
        """Obey one effect; returns the utterances that ended (interrupted) by it."""
        ended: list[int] = []
        if isinstance(effect, Speak) and effect.voice == "cue":
            ended += self._drop_cue()
            self.cue = effect
        elif isinstance(effect, Speak):
            self.main.append(effect)
            ended += self._cut("cue")
        elif isinstance(effect, StopCue):
            ended += self._drop_cue()
        elif isinstance(effect, StopMain):
            ended += [request.utterance for request in self.main]
            self.main.clear()
            ended += self._cut("main")
        self.interrupted += ended
        self._start(now)
        return ended

    def waiting_main(self) -> list[Speak]:
        """Main requests asked for and not begun."""
        return list(self.main)

    def next_end(self) -> float | None:
        return self.sounding[0] if self.sounding else None

    def end(self, now: float) -> int:
        """The sounding utterance played to its end; the next begins."""
        assert self.sounding is not None
        utterance = self.sounding[1].utterance
        self.sounding = None
        self._start(now)
        return utterance

    def _drop_cue(self) -> list[int]:
        dropped = [self.cue.utterance] if self.cue else []
        self.cue = None
        return dropped + self._cut("cue")

    def _cut(self, voice: str) -> list[int]:
        if self.sounding is None or self.sounding[1].voice != voice:
            return []
        utterance = self.sounding[1].utterance
        self.sounding = None
        return [utterance]

    def _start(self, now: float) -> None:
        if self.sounding is not None:
            return
        request = self.main.popleft() if self.main else self.cue
        if request is None:
            return
        if request is self.cue:
            self.cue = None
        self.started[request.utterance] = now
        self.sounding = (now + self.seconds(request), request)


@dataclass
class Harness:
    """Drives a Companion with a fake clock; speech ends `speech_seconds` after it starts."""

    companion: Companion
    speech_seconds: float = 0.0
    now: float = 0.0
    effects: list[tuple[float, Effect]] = field(default_factory=list)
    _speech: list[tuple[float, int]] = field(default_factory=list)
    serial: SerialSpeech | None = None
    """One output that says one thing at a time (None: every utterance takes `speech_seconds`,
    all at once, and only cues are cut)."""

    @classmethod
    def start(
        cls,
        menus: MenuSet,
        config: Settings,
        speech_seconds: float = 0.0,
        day_offset: float | None = None,
        serial: SerialSpeech | None = None,
    ) -> Harness:
        harness = cls(Companion(menus, config, day_offset), speech_seconds, serial=serial)
        harness._record(harness.companion.start(0.0))
        return harness

    def _record(self, effects: list[Effect]) -> list[Effect]:
        for effect in effects:
            self.effects.append((self.now, effect))
            if self.serial is not None:
                for utterance in self.serial.take(effect, self.now):
                    self.companion.handle(SpeechFinished(utterance, interrupted=True), self.now)
            elif isinstance(effect, Speak):
                # Like the real adapter: a new cue cuts the cue still sounding.
                if effect.voice == "cue":
                    self._cut_cues()
                heapq.heappush(self._speech, (self.now + self.speech_seconds, effect.utterance))
            elif isinstance(effect, StopCue):
                self._cut_cues()
        return effects

    def _cut_cues(self) -> None:
        cues = {e.utterance for _, e in self.effects if isinstance(e, Speak) and e.voice == "cue"}
        kept = [(t, u) for t, u in self._speech if u not in cues or t <= self.now]
        for t, u in self._speech:
            if u in cues and t > self.now:
                self.companion.handle(SpeechFinished(u, interrupted=True), self.now)
        self._speech = kept
        heapq.heapify(self._speech)

    def send(self, event: Event) -> list[Effect]:
        return self._record(self.companion.handle(event, self.now))

    def _speech_end(self) -> float | None:
        if self.serial is not None:
            return self.serial.next_end()
        return self._speech[0][0] if self._speech else None

    def wait(self, seconds: float) -> list[Effect]:
        """Let time pass, firing deadlines and speech ends in order; returns the new effects."""
        end = self.now + seconds
        new: list[Effect] = []
        while True:
            deadline = self.companion.next_deadline()
            speech_end = self._speech_end()
            times = [t for t in (deadline, speech_end) if t is not None and t <= end]
            if not times:
                break
            self.now = max(self.now, min(times))
            if speech_end is not None and speech_end <= self.now:
                if self.serial is not None:
                    utterance = self.serial.end(self.now)
                else:
                    _, utterance = heapq.heappop(self._speech)
                new += self.send(SpeechFinished(utterance))
            else:
                new += self.send(Tick())
        self.now = end
        return new

    def step(self, limit: float = 3600.0) -> list[Effect]:
        """Let time pass only until something happens (or `limit` seconds)."""
        end = self.now + limit
        while self.now < end:
            deadline = self.companion.next_deadline()
            speech_end = self._speech_end()
            times = [t for t in (deadline, speech_end) if t is not None]
            if not times or min(times) > end:
                break
            new = self.wait(max(min(times) - self.now, 0.0))
            if new:
                return new
        self.now = max(self.now, end)
        return []

    def down(self, switch: int = 1) -> list[Effect]:
        return self.send(SwitchDown(switch))

    def up(self, switch: int = 1) -> list[Effect]:
        return self.send(SwitchUp(switch))

    def press(self, switch: int = 1, hold: float = 0.1) -> list[Effect]:
        """Down, hold (time passes), up; returns everything that happened."""
        new = self.down(switch)
        new += self.wait(hold)
        return new + self.up(switch)

    def tap(self, switch: int = 1) -> list[Effect]:
        return self.send(SwitchTap(switch))

    def highlighted(self) -> str:
        view = self.companion.view()
        assert view.highlight is not None, f"nothing highlighted ({view.state})"
        return view.labels[view.highlight]


def acts(effects: list[Effect]) -> list[Effect]:
    """The effects but the journal's record of a voice outcome (every one heard has it)."""
    return [e for e in effects if not (isinstance(e, Record) and isinstance(e.entry, VoiceHeard))]


def of_type(effects: list[Effect], kind: type[T]) -> list[T]:
    return [e for e in effects if isinstance(e, kind)]


def selected(effects: list[Effect]) -> list[str]:
    return [e.label for e in of_type(effects, Select)]


def highlights(effects: list[Effect]) -> list[str]:
    return [e.label for e in of_type(effects, Highlight)]


def highlight_times(harness: Harness) -> list[tuple[float, str]]:
    return [(round(t, 6), e.label) for t, e in harness.effects if isinstance(e, Highlight)]
