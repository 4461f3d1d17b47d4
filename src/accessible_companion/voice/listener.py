"""Voice commands: the microphone, heard by vosk on a thread of its own.

The loop says what can be said now (`listen_for`) and when the companion is making
sound (`speaking`); the listener posts VoiceCommand for accepted phrases, VoiceRejected
for the rest, and spoken Notices when voice turns unavailable or comes back. Nothing is
loaded or opened while there is nothing to listen for, so a user with voice off pays
neither the model's ~500 MB nor an open microphone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..audio.microphone import Block, Microphone, MicrophoneState, block_bytes
from ..core.events import AdapterError, Notice, VoiceCommand, VoiceRejected
from ..core.settings import Listening, Messages
from ..errors import named
from ..ports import Post
from .hearing import NOT_SPEECH, HalfDuplex, Rules, Verdict
from .recognizer import IDLE_AFTER, Recognizer, builtin_fillers, dbfs, load_model, missing_words
from .vad import DETECTOR, Detector, VadUnavailableError, detector

if TYPE_CHECKING:
    from .takes import Takes

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.2
"""Seconds the thread waits for audio before it looks at new phrases or a stop."""
LEVEL_STALE = 0.5
"""Seconds after which the latest block no longer stands for the microphone's level."""


class ModelUnavailableError(Exception):
    """No usable speech model; the message says why and what to do (spoken and shown)."""


class VoiceListener:
    """Listens for what the loop says can be said now; posts what it heard."""

    def __init__(
        self,
        settings: Listening,
        locate: Callable[[], Path],
        vocabulary: Sequence[str] = (),
        messages: Messages | None = None,
        clock: Callable[[], float] = time.monotonic,
        takes_root: Path | None = None,
    ) -> None:
        """`locate` returns the model folder to load (raising ModelUnavailableError);
        `vocabulary` is every phrase of the config, checked against the model once;
        `takes_root`: where the user's takes are (None: the user's data folder)."""
        self.settings = settings
        self._takes_root = takes_root
        self._takes: Takes | None = None
        self._locate = locate
        self._vocabulary = tuple(vocabulary)
        self._messages = messages or Messages()
        self._clock = clock
        self._gate = HalfDuplex(settings.mute_tail)
        self._wanted: tuple[str, ...] = ()
        self._changed = threading.Condition()
        self._post: Post | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._model: Any = None
        self._unavailable = False
        """A model could not be had; said once, tried again when voice is turned on again."""
        self._lost = False
        self._latest: Block | None = None
        """The newest block heard (for `level()`); None while the microphone is closed."""
        self._paused_until = float("-inf")
        """Until then nothing heard is acted on (the caregiver's page is recording takes)."""
        self._takes_changed = False

    def level(self) -> float | None:
        """The microphone's level now, in dBFS, or None when it is not being listened to.

        From any thread, and cheap: the RMS of one block (~30 us for 50 ms of audio), computed
        only when asked (the window asks ~10 times a second while voice is on)."""
        block = self._latest
        if block is None or self._clock() - block.captured > LEVEL_STALE:
            return None
        return round(dbfs(block.data), 1)

    # Called from the loop thread.

    def start(self, post: Post) -> None:
        """Begin; returns at once (the model loads on the listener's thread when needed)."""
        self._post = post
        self._thread = threading.Thread(target=self._run, name="voice-listener", daemon=True)
        self._thread.start()

    def listen_for(self, phrases: Sequence[str]) -> None:
        """From now on, listen for these phrases (none: stop listening, close the microphone)."""
        with self._changed:
            if not phrases and self._wanted:
                self._unavailable = False  # turning voice on again tries the model again
            self._wanted = tuple(phrases)
            self._changed.notify()

    def speaking(self, active: bool, at: float) -> None:
        """The companion started or stopped making sound at `at` (half-duplex)."""
        self._gate.speaking(active, at)

    def pause(self, seconds: float) -> None:
        """From any thread: act on nothing heard for `seconds` (the caregiver's page records the
        user saying commands, which must not run); 0 resumes now. A pause always ends by
        itself, so a page that went away mid-recording cannot leave voice commands off. On
        resuming the user's takes are read again (the page may have changed them)."""
        self._paused_until = self._clock() + max(0.0, seconds)
        if seconds <= 0:
            self._takes_changed = True

    def stop(self) -> None:
        """Stop listening and close the microphone (waits briefly for the thread)."""
        with self._changed:
            self._stopping = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    # The listener thread.

    def _run(self) -> None:
        microphone: Microphone | None = None
        recognizer: Recognizer | None = None
        try:
            while True:
                with self._changed:
                    while not self._stopping and (not self._wanted or self._unavailable):
                        if microphone is not None:
                            microphone.close()
                            microphone, recognizer = None, None
                            self._latest = None
                        self._changed.wait()
                    if self._stopping:
                        return
                    wanted = self._wanted
                if self._model is None and not self._load():
                    continue
                if microphone is None:
                    microphone = self._microphone()
                block = microphone.read(READ_TIMEOUT)
                if block is None:
                    continue
                self._latest = block
                if self._takes_changed:
                    self._takes_changed = False
                    self._takes, recognizer = self._load_takes(), None
                if recognizer is None or recognizer.rate != block.rate:
                    recognizer = self._recognizer(block.rate)
                self._hear(recognizer, wanted, block)
                # Long blocks while nothing is awaited: not after the companion's sound either,
                # which the user often answers.
                microphone.pace(recognizer.idle and self._gate.quiet_for(block.captured) >= IDLE_AFTER)
        except Exception as error:  # never take the process down; the switch goes on
            log.exception("voice listener failed")
            self._emit(AdapterError("voice", named(error)))
        finally:
            self._latest = None
            if microphone is not None:
                microphone.close()

    def _hear(self, recognizer: Recognizer, wanted: tuple[str, ...], block: Block) -> None:
        recognizer.listen_for(wanted)
        step = block_bytes(block.rate)
        first = block.captured - len(block.data) / 2 / block.rate
        if len(block.data) > step and not self._gate.open_over(first, block.captured):
            # A long block (a quiet room's) that the companion's sound began or ended in:
            # judged 20 ms at a time, as a short one would be.
            for start in range(0, len(block.data), step):
                end = min(len(block.data), start + step)
                captured = block.captured - (len(block.data) - end) / 2 / block.rate
                self._hear_one(recognizer, Block(block.data[start:end], block.rate, captured))
            return
        self._hear_one(recognizer, block)

    def _hear_one(self, recognizer: Recognizer, block: Block) -> None:
        if not self._gate.open_at(block.captured):
            recognizer.skip(block.data)  # its own voice, or the start of a word cut by it
            return
        if self._clock() < self._paused_until:
            recognizer.reset()  # nothing said while paused reaches a verdict later
            return
        verdict = recognizer.feed(block.data)
        if verdict is not None:
            self._emit(_event(verdict))

    def _load(self) -> bool:
        started = self._clock()
        try:
            path = self._locate()
            self._model = load_model(path)
        except Exception as error:  # ModelUnavailableError, ModelLoadError, a broken vosk install
            log.warning("voice commands unavailable: %s", error)
            with self._changed:
                self._unavailable = True
            spoken = self._messages.voice_unavailable.format(language=self.settings.language)
            self._emit(Notice(spoken, spoken=True, level="warning", kind="voice_unavailable"))
            self._emit(
                Notice(str(error), level="warning", kind="voice_unavailable")
            )  # the details, for the screen and the trace
            return False
        log.info("speech model %s loaded in %.1f s", path, self._clock() - started)
        missing = missing_words(self._model, self._vocabulary)
        if missing:
            # vosk would drop these silently: the phrase could never be heard.
            self._emit(Notice("The speech model does not know: " + ", ".join(missing), level="warning"))
        self._takes = self._load_takes()
        self._emit(Notice(f"Voice commands ready ({path.name}).", kind="voice_ready"))
        return True

    def _load_takes(self) -> Takes | None:
        """The user's own takes (`voice teach`), if any: a broken file never stops listening."""
        from .teaching import TakeFolder  # numpy: only once voice commands are on

        try:
            takes = TakeFolder.of(self.settings.language, self._takes_root).load()
        except (OSError, ValueError, EOFError) as error:
            log.warning("the user's voice takes were not read: %s", error)
            return None
        if takes is not None:
            log.info("the user's own takes of %d phrases are a second opinion", len(takes.by_phrase))
        else:
            # The one lever that turns a television down further (README, voice section).
            log.info("no voice takes of this user: `voice teach` would take fewer false commands")
        return takes

    def _microphone(self) -> Microphone:
        settings = self.settings
        return Microphone(
            device=settings.microphone,
            no_audio_seconds=settings.no_audio_seconds,
            muted_seconds=settings.muted_seconds,
            on_state=self._microphone_state,
            clock=self._clock,
        )

    def _recognizer(self, rate: int) -> Recognizer:
        settings = self.settings
        fillers = (*builtin_fillers(settings.language), *settings.fillers)
        rules = Rules.of(settings)
        try:
            vad: Detector | None = detector(DETECTOR)
        except VadUnavailableError as error:  # an install without it: every block is decoded, as before
            log.warning("%s", error)
            vad = None
        return Recognizer(self._model, rate, rules, fillers, settings.end_silence, vad, self._takes)

    def _microphone_state(self, state: MicrophoneState, detail: str) -> None:
        messages = self._messages
        match state:
            case MicrophoneState.LOST:
                self._lost = True
                self._emit(AdapterError("microphone", detail))
                self._emit(
                    Notice(messages.microphone_lost, spoken=True, level="warning", kind="microphone_lost")
                )
            case MicrophoneState.MUTED:
                self._lost = True
                self._emit(
                    Notice(messages.microphone_muted, spoken=True, level="warning", kind="microphone_muted")
                )
            case MicrophoneState.BACK:
                if self._lost:
                    self._lost = False
                    self._emit(Notice(messages.microphone_back, spoken=True, kind="microphone_back"))
            case MicrophoneState.LISTENING:
                log.info("microphone open: %s", detail)

    def _emit(self, event: Any) -> None:
        if self._post is not None:
            self._post(event, self._clock())


def _event(verdict: Verdict) -> VoiceCommand | VoiceRejected:
    if verdict.accepted:
        return VoiceCommand(verdict.phrase, round(verdict.confidence, 3))
    speech = not verdict.reason.startswith(NOT_SPEECH)
    return VoiceRejected(verdict.text, verdict.reason, round(verdict.confidence, 3), speech)
