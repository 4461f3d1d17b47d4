"""The event loop: the only place that knows about threads and the clock.

Adapters post events (from their own threads) with the time they happened. The loop
waits on the queue until the core's next deadline, feeds the core, and hands the
effects to the adapters. A failing adapter is traced and shown, never fatal.

Waking much later than it asked means the process was stalled (stopped, starved): the
events made meanwhile arrive together, so the loop gathers them, feeds them in the order
and at the times they happened (a switch event carries the device's own time), and only
then lets overdue deadlines fire. The stall is traced.

The companion runs it on a thread of its own (`start()`), so the main thread stays free for
what only it can do: receive signals, and run a window toolkit's event loop.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable

from .core.companion import Companion
from .core.effects import (
    ConfigApplied,
    Effect,
    NotifyContact,
    Prepare,
    Record,
    Speak,
    StopCue,
    StopMain,
    trace_fields,
)
from .core.events import (
    AdapterError,
    ConfigRejected,
    Event,
    Notice,
    NotifyDone,
    PointerSelect,
    SpeechFinished,
    SpeechStarted,
    SwitchDown,
    SwitchTap,
    SwitchUp,
    Tick,
    VoiceCommand,
    VoiceRejected,
)
from .core.records import Alert, Entry, NotifyResult
from .errors import named, redact
from .ports import Display, HelpNotifier, JournalSink, SpeechSink, VoiceSource
from .trace import TraceWriter

log = logging.getLogger(__name__)

_STOP = object()

WAKE_AT_LEAST = 0.5
"""Seconds: the loop wakes at least this often, so that it can tell it was stalled."""
STALL = 0.25
"""Seconds: waking this much later than asked means the process was stalled (stopped, starved)."""
GATHER = 0.05
"""Seconds: after a stall, events still arriving this soon are fed with the rest, in time order."""


def _without_secrets(entry: Entry) -> Entry:
    """The last guard before the journal: a notification's detail is redacted (errors.redact)."""
    if isinstance(entry, NotifyResult):
        return dataclasses.replace(entry, detail=redact(entry.detail))
    return entry


class Loop:
    """Runs the companion until `stop()` is called (from any thread)."""

    def __init__(
        self,
        companion: Companion,
        speech: SpeechSink,
        display: Display,
        trace: TraceWriter,
        voice: VoiceSource | None = None,
        journal: JournalSink | None = None,
        notifier: HelpNotifier | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.companion = companion
        self.speech = speech
        self.display = display
        self.trace = trace
        self.voice = voice
        self.journal = journal
        self.notifier = notifier
        self._clock = clock
        self._sounding: set[int] = set()
        """Utterances handed to speech, not yet finished, that reach the microphone: it is not heard."""
        self._phrases: tuple[str, ...] | None = None
        self._queue: queue.SimpleQueue[tuple[float, Event] | object] = queue.SimpleQueue()
        self._now = -float("inf")
        self._shown: object = None
        self._thread: threading.Thread | None = None
        self._ended = threading.Event()
        self.failure: BaseException | None = None
        """What ended the loop's thread if it was not `stop()` (a bug): logged and traced too."""

    def post(self, event: Event, at: float) -> None:
        """Thread-safe: hand in an event that happened at `at` (the loop clock's time)."""
        self._queue.put((at, event))

    def stop(self) -> None:
        """Thread-safe: end `run()` soon."""
        self._queue.put(_STOP)

    def start(self) -> None:
        """Run on a thread of its own ("loop"); returns at once. See `wait()` and `failure`."""
        # A daemon: should the main thread end without stopping it, the process still exits.
        self._thread = threading.Thread(target=self._run_on_thread, name="loop", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the loop started by `start()` has ended (or `timeout` s passed); True once ended.

        True at once if it was never started. Signal handlers still run on the main thread
        while it waits here.
        """
        return self._thread is None or self._ended.wait(timeout)

    def run(self) -> None:
        """Start the companion and process events until stopped, on the calling thread."""
        self._dispatch(self.companion.start(self._advance_to(self._clock())))
        while True:
            deadline = self.companion.next_deadline()
            asked = self._clock()
            wait = WAKE_AT_LEAST if deadline is None else min(max(deadline - asked, 0.0), WAKE_AT_LEAST)
            entries, stop = self._take(wait)
            stalled = self._clock() - asked - wait
            if stalled > STALL and not stop:
                more, stop = self._take(GATHER, until_empty=True)
                entries = self._in_time_order(entries + more, stalled)
            for at, event in entries:
                self._feed(event, at)
            if stop:
                return
            deadline = self.companion.next_deadline()
            if not entries and deadline is not None and self._clock() >= deadline:
                self._feed(Tick(), self._clock())

    def _take(self, wait: float, until_empty: bool = False) -> tuple[list[tuple[float, Event]], bool]:
        """The next event within `wait` seconds (`until_empty`: every event arriving by then),
        and whether `stop()` was called."""
        found: list[tuple[float, Event]] = []
        end = self._clock() + wait
        while True:
            try:
                entry = self._queue.get(timeout=max(end - self._clock(), 0.0))
            except queue.Empty:
                return found, False
            if entry is _STOP:
                return found, True
            assert isinstance(entry, tuple)
            found.append(entry)
            if not until_empty or self._clock() >= end:
                return found, False

    def _in_time_order(self, entries: list[tuple[float, Event]], stalled: float) -> list[tuple[float, Event]]:
        """After a stall, events made meanwhile (a switch press, with the device's own time)
        arrive together, perhaps behind events stamped after the stall: fed in the order they
        happened, each is judged by when it happened, and only then do overdue deadlines fire."""
        late = sum(1 for _, event in entries if isinstance(event, SwitchDown | SwitchUp | SwitchTap))
        log.warning("the loop was stalled for %.1f s; %d switch events came late", stalled, late)
        self.trace.write("stall", seconds=round(stalled, 3), late_inputs=late)
        return sorted(entries, key=lambda entry: entry[0])

    def _run_on_thread(self) -> None:
        try:
            self.run()
        except BaseException as error:  # a bug: never silent, and the companion exits non-zero
            self.failure = error
            log.exception("the event loop failed")
            try:
                self.trace.write("error", component="loop", message=named(error))
            except Exception:
                log.exception("tracing the event loop's failure failed")
        finally:
            self._ended.set()  # after the failure is kept and traced: the main thread then reads it

    def _advance_to(self, at: float) -> float:
        # Events from several threads may arrive slightly out of order; the core's time never goes back.
        self._now = max(self._now, at)
        return self._now

    def _feed(self, event: Event, at: float) -> None:
        now = self._advance_to(at)
        self._trace_input(event)
        if isinstance(event, SpeechFinished):
            self._sound_ends(event.utterance, at)
        # An event that arrives just after a deadline is handled first: the display still
        # showed the old highlight when the switch went down, so that is what it acts on.
        self._dispatch(self.companion.handle(event, now))

    def _trace_input(self, event: Event) -> None:
        match event:
            case SwitchDown() | SwitchUp() | SwitchTap():
                kind = {SwitchDown: "press", SwitchUp: "release", SwitchTap: "tap"}[type(event)]
                self.trace.write("input", source=event.source, kind=kind, key=event.key, switch=event.switch)
            case PointerSelect(menu=menu, index=index):
                self.trace.write("input", source="pointer", kind="click", menu=menu, index=index)
            case VoiceCommand(phrase=phrase, confidence=confidence):
                self.trace.write("input", source="voice", kind="command", key=phrase, confidence=confidence)
            case VoiceRejected(text=text, reason=reason, confidence=confidence):
                self.trace.write(
                    "input", source="voice", kind="rejected", key=text, reason=reason, confidence=confidence
                )
            case SpeechStarted(utterance=utterance):
                self.trace.write("speech_start", utterance=utterance)
            case SpeechFinished(utterance=utterance, interrupted=interrupted):
                self.trace.write("speech_end", utterance=utterance, interrupted=interrupted)
            case NotifyDone(kind=kind, ok=ok, detail=detail, attempts=attempts, alert=alert, contact=contact):
                self.trace.write(
                    "notified",
                    kind=kind,
                    ok=ok,
                    detail=detail,
                    attempts=attempts,
                    alert=alert,
                    contact=contact,
                )
            case AdapterError(component=component, message=message):
                log.warning("%s: %s", component, message)
                self.trace.write("error", component=component, message=message)
            case ConfigRejected(problems=problems):
                for where, message in problems:
                    self.trace.write("config_problem", where=where, message=message)
            case Notice(text=text, spoken=spoken, level=level, kind=kind):
                log.info("notice: %s", text)
                self.trace.write("notice", text=text, spoken=spoken, level=level, kind=kind)

    def _dispatch(self, effects: list[Effect]) -> None:
        for effect in effects:
            fields = trace_fields(effect)
            if fields is not None:
                name = fields.pop("event")
                self.trace.write(name, **fields)
            self._to_speech(effect)
            if isinstance(effect, Record) and self.journal is not None:
                self.journal.write(_without_secrets(effect.entry), time.time())
            if isinstance(effect, Record) and self.notifier is not None:
                entry = effect.entry
                if isinstance(entry, Alert) and entry.stage == "ended":
                    self.notifier.ended(entry.number)
            elif isinstance(effect, NotifyContact) and self.notifier is not None:
                self.notifier.notify(
                    effect.alert,
                    effect.message,
                    effect.trigger,
                    effect.contact,
                    effect.level,
                    effect.ack_link,
                    effect.ack_key,
                )
            elif isinstance(effect, ConfigApplied) and self.notifier is not None:
                # Contacts are numbered from the running config: the notifier must follow it.
                self.notifier.configure(self.companion.settings.help)
        self._show_state()

    def _to_speech(self, effect: Effect) -> None:
        try:
            if isinstance(effect, Speak):
                self._sound_starts(effect)
                self.speech.speak(effect)
            elif isinstance(effect, StopCue):
                self.speech.stop_cue()
            elif isinstance(effect, StopMain):
                self.speech.stop_main()
            elif isinstance(effect, Prepare):
                self.speech.prepare(effect.texts, effect.voice, effect.sounds)
        except Exception as error:  # a broken speech engine must not stop the switch
            if isinstance(effect, Speak):
                self._sound_ends(effect.utterance, self._clock())  # it will never finish
            self._adapter_failed("speech", error)

    def _show_state(self) -> None:
        """Tell the listener what can be said now and the display what to show, when changed."""
        if self.voice is not None:
            phrases = self.companion.voice_phrases()
            if phrases != self._phrases:
                self._phrases = phrases
                self.voice.listen_for(phrases)
        view = self.companion.view()
        if view != self._shown:
            self._shown = view
            try:
                self.display.show(view)
            except Exception as error:
                self._adapter_failed("display", error)

    def _sound_starts(self, effect: Speak) -> None:
        # Muted from the moment sound is asked for: it reaches the device ~5 ms later. Cues
        # in an earphone cannot reach the microphone: listening goes on through them.
        if self.voice is not None and self.companion.settings.speech.reaches_microphone(effect.voice):
            if not self._sounding:
                self.voice.speaking(True, self._clock())
            self._sounding.add(effect.utterance)

    def _sound_ends(self, utterance: int, at: float) -> None:
        if utterance in self._sounding:
            self._sounding.discard(utterance)
            if not self._sounding and self.voice is not None:
                self.voice.speaking(False, at)

    def _adapter_failed(self, component: str, error: Exception) -> None:
        log.exception("%s failed", component)
        self.post(AdapterError(component, named(error)), self._clock())
