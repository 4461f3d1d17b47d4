"""Speech output: a cue voice that follows the highlight and a main voice for the room.

One worker thread renders each utterance to PCM (render.py) and plays it on a
fresh sounddevice stream whose callback copies from the buffer, so a cut is immediate
and the end of playback is known. The event loop only ever touches a lock-guarded
queue: `speak()`, `stop_cue()`, `stop_main()` and `stop()` never wait for audio.

Rules (see `SpeechOutput`): a new cue replaces a waiting cue and cuts a sounding one;
main speech plays in order, is never cut by a cue, and cuts a sounding cue; cues wait
behind main speech, newest only. The core keeps the main queue short: `stop_main()` (its
`StopMain`, before a newly chosen phrase or the call for help) cuts what the main voice
says. Every Speak gets exactly one SpeechFinished, also on errors, and failures are
reported as AdapterError("speech", ...) once each.

A lost audio device (the sound server died or restarted, a headset was unplugged) never
stalls the speech thread or the switch: after a device failure the device is left alone
for RETRY_FIRST seconds, doubling up to RETRY_MAX, and utterances meanwhile finish at
once as interrupted (the display shows what is highlighted). The first utterance that
plays to its end resets the backoff and posts the "working again" Notice.

Main phrases that could not be said while the device was down are held (at most a few,
for a short while) and said when it works again, or reported as not spoken.

Renders go through a cache (cache.py) that `prepare()` fills ahead while idle; earcons
(earcons.py) play alone or before the words; each voice plays on its own output (device
and stereo channel, audio/output.py).

A main phrase with a recording of the user's own voice (`Speak.sound`, message banking)
plays that recording, decoded ahead (sounds.py), resampled to the device's rate and at the
main voice's volume, exactly where a rendered phrase would play: the same queue, cuts,
routing, backoff and held phrases. If it cannot be played, its words are rendered instead,
and a `sound_missing` Notice says so once per file (again only after it played meanwhile).

(Over 500 lines on purpose: the queue, the cuts, the device backoff and the held phrases
share one lock and one set of fields on one thread; apart, that lock discipline would be
split across modules.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from ..audio.output import AudioOut, OutputError, SoundDeviceOutput
from ..audio.pcm import Pcm, scale
from ..backoff import Backoff
from ..core.effects import Speak, Voice
from ..core.events import AdapterError, Event, Notice, SpeechFinished, SpeechStarted
from ..core.settings import Speech, VoiceOut
from ..paths import speech_cache_dir
from ..ports import Post, SpeechSink
from .cache import CachedRender
from .earcons import RATE as EARCON_RATE
from .earcons import earcon
from .render import Render, Renderer, RenderError
from .sounds import SoundError, Sounds

log = logging.getLogger(__name__)

COMPONENT = "speech"
"""The `component` of every AdapterError from here."""

STALL_MARGIN = 3.0
"""Seconds past an utterance's length before its stream counts as stalled. Generous:
a PulseAudio null sink with no low-latency client can take up to 2 s to start."""

JOIN_TIMEOUT = 1.0
"""Seconds `stop()` waits for the worker thread."""

# Backoff after a device failure (a failed open, a stream that died or stalled). A failed
# attempt costs the speech thread ~25-45 ms (PortAudio lists its devices again, see
# SoundDeviceOutput._open), so it must not happen on every cue of a fast scan; and a
# server that comes back (PulseAudio restarts in ~0.1 s) should be heard again soon.
# Delays after successive failures: 0.5, 1, 2, 4, 8, 10, 10, ... seconds; worst case,
# speech resumes ~10 s after the device is back (at the first utterance after that).
RETRY_FIRST = 0.5
"""Seconds after the first device failure before the device is tried again."""
RETRY_MAX = 10.0
"""The longest wait between two tries of a failing device."""

HOLD_FOR = 30.0
"""Seconds a main phrase that could not be said (speech down) waits to be said when speech
comes back; after that it is shown as not spoken: words for the room said much later
would confuse more than help."""
HOLD_MAX = 5
"""Main phrases kept at most; when more fail, the oldest is shown as not spoken."""

Ahead = Literal["cue", "main", "sound"]
"""What is prepared ahead: a voice's texts, or the main voice's recordings."""

_RECOVERED = {
    "engine": "speech engine working again",
    "render": "speech rendering working again",
    "device": "audio output working again",
}
"""What to report when a reported failure of each kind goes away."""


@dataclass(eq=False)
class _Job:
    """One Speak on its way through the queue (identity matters, not value)."""

    request: Speak
    cut: bool = False
    """Asked to stop (a newer cue, stop_cue, stop)."""
    played: bool | None = None
    """None while sounding; True when it played to the end, False when the stream died."""
    finished: bool = False
    """SpeechFinished was posted (exactly once)."""
    asked: float = 0.0
    """When it was first asked for (the speech clock), for how long a failed main phrase is kept."""


class SpeechOutput:
    """The SpeechSink: renders with pyttsx3, plays with sounddevice.

    - A cue replaces a waiting cue and cuts a sounding cue at once.
    - Main speech is queued in order and never cut by a cue. A main phrase that
      arrives while a cue sounds cuts that cue: the user has acted, and their words to
      the room should not wait behind a prompt.
    - While main speech plays or waits, cues wait; only the newest waiting cue is kept.
    - `stop_main()` cuts the sounding main phrase and drops the waiting ones.
    - Every Speak gets exactly one SpeechFinished (interrupted=True when cut, dropped or
      failed), posted when its audio really ended.
    - Failures post AdapterError("speech", ...) once per distinct message, and a Notice
      when they clear. After a device failure the device is tried again with backoff
      (RETRY_FIRST doubling to RETRY_MAX); until then utterances finish at once,
      interrupted.
    """

    def __init__(
        self,
        settings: Speech,
        *,
        output: AudioOut | None = None,
        renderer: Callable[[], Render] = Renderer,
        clock: Callable[[], float] = time.monotonic,
        sounds: Sounds | None = None,
    ) -> None:
        """`output` and `renderer` default to the real ones (sounddevice, pyttsx3), `sounds`
        to recordings decoded in a child process; `clock` times the device backoff (seconds,
        monotonic)."""
        self._settings = settings
        # One output per distinct (device, channel): cue and main share one unless routed apart.
        self._outputs: dict[Voice, AudioOut] = {}
        made: dict[tuple[str, str], AudioOut] = {}
        voices: tuple[tuple[Voice, VoiceOut], ...] = (("cue", settings.cue), ("main", settings.main))
        for name, voice in voices:
            route = (voice.device, voice.channel)
            if route not in made:
                made[route] = output or SoundDeviceOutput(
                    voice.device or None, voice.channel, responsive=self._responsive
                )
            self._outputs[name] = made[route]
        self._output = self._outputs["main"]
        """The output of the utterance playing now, or last."""
        self._make_renderer = renderer
        self._renderer: Render | None = None
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._main: deque[_Job] = deque()
        self._cue: _Job | None = None
        self._prepare: dict[Ahead, tuple[str, ...]] = {}
        self._sounds = sounds or Sounds()
        self._told: set[str] = set()
        """Recordings whose failure was told (a `sound_missing` Notice) and that have not played since."""
        self._current: _Job | None = None
        self._stopping = False
        self._post: Post | None = None
        self._thread: threading.Thread | None = None
        self._problems: dict[str, str] = {}
        self._clock = clock
        # Device backoff; only the speech thread touches these.
        self._device = Backoff(RETRY_FIRST, RETRY_MAX)
        """Device failures since the last utterance that played to its end, and when to try again."""
        self._engine = Backoff(RETRY_FIRST, RETRY_MAX)
        """Failed loads of the engine: tried again with the device's backoff, not on every cue
        (each failed espeak-ng load prints a line to stderr, over a full-screen display)."""
        self._held: deque[_Job] = deque()
        """Main phrases that failed while speech was down, oldest first, to say when it is back."""
        self._device_answers = False
        """A device call that had hung returned (the sound server continued): try it now."""

    # --- the SpeechSink side (called from the event loop) ---

    def start(self, post: Post) -> None:
        """Start the speech thread; it loads the engine there, so this returns at once."""
        with self._lock:
            self._post = post
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def speak(self, request: Speak) -> None:
        """Queue `request` by the rules above; never blocks."""
        job = _Job(request, asked=self._clock())
        dropped: list[_Job] = []
        with self._lock:
            current = self._current
            if self._stopping:
                dropped.append(job)
            elif request.voice == "cue":
                if self._cue is not None:
                    dropped.append(self._cue)
                self._cue = job
            else:
                self._main.append(job)
            # A sounding cue gives way to a newer cue or to main speech.
            if current is not None and current.request.voice == "cue" and not self._stopping:
                current.cut = True
            self._wake.notify_all()
        for old in dropped:
            self._finish(old, interrupted=True)

    def prepare(self, texts: Sequence[str], voice: Voice, sounds: Sequence[str] = ()) -> None:
        """Render `texts` ahead while nothing is to be said (only with a caching renderer);
        with the main voice's texts, decode its recordings `sounds` ahead too."""
        with self._lock:
            self._prepare[voice] = tuple(texts)  # a newer menu replaces what was not done yet
            if voice == "main":
                self._prepare["sound"] = tuple(sounds)
            self._wake.notify_all()

    def stop_cue(self) -> None:
        """Cut the sounding cue and drop a waiting one."""
        with self._lock:
            dropped, self._cue = self._cue, None
            current = self._current
            if current is not None and current.request.voice == "cue":
                current.cut = True
            self._wake.notify_all()
        if dropped is not None:
            self._finish(dropped, interrupted=True)

    def stop_main(self) -> None:
        """Cut the sounding main phrase and drop the waiting ones (the core's `StopMain`: a newer
        phrase or the call for help comes next). Phrases held while speech was down are older
        too: they are shown as not spoken."""
        with self._lock:
            dropped = list(self._main)
            self._main.clear()
            unsaid, self._held = list(self._held), deque()
            current = self._current
            if current is not None and current.request.voice == "main":
                current.cut = True
            self._wake.notify_all()
        for job in dropped:
            self._finish(job, interrupted=True)
        for job in unsaid:
            self._not_spoken(job)

    def stop(self) -> None:
        """Stop all speech, end the thread (waits at most ~1 s) and release the device."""
        with self._lock:
            self._stopping = True
            dropped = [*self._main, *([self._cue] if self._cue else [])]
            self._main.clear()
            self._cue = None
            current = self._current
            if current is not None:
                current.cut = True
            self._wake.notify_all()
        for job in dropped:
            self._finish(job, interrupted=True)
        with self._lock:
            unsaid, self._held = list(self._held), deque()
        for job in unsaid:
            self._not_spoken(job)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_TIMEOUT)
            if thread.is_alive():
                # Stuck in the engine or the audio driver: it is a daemon thread, so it
                # cannot keep the app alive. The caller still gets its SpeechFinished.
                log.warning("speech thread did not stop within %.1f s", JOIN_TIMEOUT)
                if current is not None:
                    self._finish(current, interrupted=True)

    # --- reporting ---

    def _send(self, event: Event) -> None:
        post = self._post
        if post is None:
            return
        try:
            post(event, time.monotonic())
        except Exception:  # the loop's problem; speech must carry on
            log.exception("posting %r failed", event)

    def _finish(self, job: _Job, *, interrupted: bool) -> None:
        with self._lock:
            if job.finished:
                return
            job.finished = True
        self._send(SpeechFinished(job.request.utterance, interrupted))

    def _give_up(self, job: _Job) -> None:
        """`job` failed (not cut): finish it now, so the scan goes on; keep a main phrase to
        say when speech is back (see `_hold`)."""
        self._finish(job, interrupted=True)
        if job.request.voice == "main" and job.request.text.strip():
            self._hold(job)

    def _hold(self, job: _Job) -> None:
        with self._lock:
            if self._stopping:
                dropped = [job]
            else:
                job.played, job.cut = None, False  # a fresh try later
                self._held.append(job)
                dropped = [self._held.popleft() for _ in range(len(self._held) - HOLD_MAX)]
        for old in dropped:
            self._not_spoken(old)

    def _not_spoken(self, job: _Job) -> None:
        """Say on screen (and in the trace) that a main phrase never reached the room."""
        log.warning("not spoken: %s", job.request.text)
        self._send(Notice(f"Not spoken: {job.request.text.strip()}", level="warning", kind="not_spoken"))

    def _responsive(self) -> None:
        """A device call that had hung returned (another thread): the next try is due now."""
        with self._lock:
            self._device_answers = True
            self._wake.notify_all()

    def _report(self, kind: str, message: str) -> None:
        with self._lock:
            if self._problems.get(kind) == message:
                return
            self._problems[kind] = message
        log.warning("%s", message)
        self._send(AdapterError(COMPONENT, message))

    def _clear(self, kind: str) -> None:
        with self._lock:
            if self._problems.pop(kind, None) is None:
                return
        self._send(Notice(_RECOVERED[kind], kind="speech_back"))

    # --- the speech thread ---

    def _distinct_outputs(self) -> list[AudioOut]:
        return list({id(output): output for output in self._outputs.values()}.values())

    def _run(self) -> None:
        try:
            self._load()
            try:
                for output in self._distinct_outputs():
                    output.prepare()
            except OutputError as error:
                self._report("device", str(error))
                self._device_failed()
            while (job := self._next()) is not None:
                if isinstance(job, tuple):
                    self._prerender(*job)
                    continue
                try:
                    self._say(job)
                except Exception as error:  # a bug here must not silence speech for good
                    log.exception("speech failed")
                    self._output.cut()
                    self._report("internal", f"speech failed: {error}")
                    self._give_up(job)
                finally:
                    with self._lock:
                        self._current = None
        finally:
            try:
                for output in self._distinct_outputs():
                    output.cut()
            finally:
                self._sounds.close()
                if self._renderer is not None:
                    self._renderer.close()

    def _load(self) -> Render | None:
        """The renderer, loading it if needed (again after a failure); None if it fails."""
        if self._renderer is not None:
            return self._renderer
        if not self._engine.due(self._clock()):
            return None
        try:
            self._renderer = self._make_renderer()
        except Exception as error:  # RenderError, or anything a broken install raises
            self._engine.failed(self._clock())
            self._report(
                "engine", str(error) if isinstance(error, RenderError) else f"speech engine: {error}"
            )
            return None
        self._engine.succeeded()
        self._clear("engine")
        for name, voice in (("cue", self._settings.cue), ("main", self._settings.main)):
            self._check_voice(name, voice)
        return self._renderer

    def _check_voice(self, name: str, voice: VoiceOut) -> None:
        if voice.voice and self._renderer is not None and self._renderer.find_voice(voice.voice) is None:
            self._report(
                f"voice-{name}",
                f"{name} voice {voice.voice!r} not found or not usable; using the default voice",
            )

    def _next(self) -> _Job | tuple[Ahead, tuple[str, ...]] | None:
        """Wait for the next job (main first, then a cue, then rendering ahead); None once stopping.

        While main phrases are held, also wake to try the device again when its backoff
        ends (a held phrase is then the probe) and to give up on phrases too old to say.
        """
        while True:
            with self._lock:
                expired = self._expired(self._clock())
                if not expired:
                    job = self._take()
                    if job is not False:
                        return job
            for old in expired:
                self._not_spoken(old)

    def _take(self) -> _Job | tuple[Ahead, tuple[str, ...]] | Literal[False] | None:
        """With the lock held: the next job, None once stopping, or False after a wait."""
        if self._stopping:
            return None
        if self._device_answers:
            self._device_answers = False
            self._device.try_now()
        if not self._main and self._cue is None and not self._prepare:
            wait = self._held_wait(self._clock())
            if wait is None:
                self._wake.wait()
                return False
            if wait > 0:
                self._wake.wait(max(wait, 0.01))
                return False
            self._main.extend(self._held)  # the backoff is over: try them, oldest first
            self._held.clear()
        if not self._main and self._cue is None:
            return self._prepare.popitem()
        job = self._main.popleft() if self._main else self._cue
        if job is self._cue:
            self._cue = None
        self._current = job
        return job

    def _expired(self, now: float) -> list[_Job]:
        """With the lock held: take the held phrases asked more than HOLD_FOR ago."""
        expired = []
        while self._held and now - self._held[0].asked >= HOLD_FOR:
            expired.append(self._held.popleft())
        return expired

    def _held_wait(self, now: float) -> float | None:
        """With the lock held: seconds until held phrases need the thread (None: nothing held)."""
        if not self._held:
            return None
        expiry = self._held[0].asked + HOLD_FOR - now
        if self._device.failures == 0:  # the engine, not the device, failed: wait for a success
            return expiry
        return min(expiry, self._device.wait(now))

    def _say_held(self) -> None:
        """Speech worked again: say the held phrases next, oldest first, before newer ones."""
        with self._lock:
            self._main.extendleft(reversed(self._held))
            self._held.clear()

    def _prerender(self, voice_name: Ahead, texts: tuple[str, ...]) -> None:
        if voice_name == "sound":
            if texts:  # on the sounds' own thread: a long decode must not hold a cue back
                self._sounds.ahead(texts, self._outputs["main"].rate(), self._settings.main.volume)
            return
        renderer = self._load()
        if not isinstance(renderer, CachedRender):
            return
        voice = self._settings.cue if voice_name == "cue" else self._settings.main
        try:
            renderer.prerender(self._while_idle(voice_name, list(texts)), voice)
        except Exception:  # rendering ahead is an optimisation: never let it hurt speech
            log.exception("rendering ahead failed")

    def _while_idle(self, voice_name: Voice, left: list[str]) -> Iterator[str]:
        """Yield texts until real speech is waiting; then keep the rest for the next idle moment."""
        while left:
            with self._lock:
                if self._stopping or self._main or self._cue is not None:
                    self._prepare.setdefault(voice_name, tuple(left))
                    return
            yield left.pop(0)

    def _device_failed(self) -> None:
        """Start or lengthen the backoff: RETRY_FIRST, doubling up to RETRY_MAX."""
        now = self._clock()
        delay = self._device.failed(now) - now
        log.info("audio output failed (%d in a row); trying again in %.1f s", self._device.failures, delay)

    def _device_worked(self) -> None:
        self._device.succeeded()
        self._clear("device")

    def _backing_off(self) -> bool:
        return not self._device.due(self._clock())

    def _say(self, job: _Job) -> None:
        request = job.request
        text = request.text.strip()
        if not text and not request.earcon and not request.sound:
            self._finish(job, interrupted=False)  # nothing to say is not a failure
            return
        if self._backing_off():
            # Neither render nor touch the device: the scan must not wait for audio.
            self._give_up(job)
            return
        pcm = self._recording(job) if request.sound else None
        if pcm is None and text:
            pcm = self._render(job)
            if pcm is None:
                return  # the render failed, and _render said so
        if request.earcon:
            volume = getattr(self._settings.earcons, request.earcon, 0.0)
            tone = scale(earcon(request.earcon, pcm.rate if pcm else EARCON_RATE), volume)
            pcm = Pcm(tone.data + (pcm.data if pcm else b""), tone.rate)
        with self._lock:
            superseded = job.cut or self._stopping
        if superseded or pcm is None:
            self._finish(job, interrupted=True)
            return
        self._play(job, pcm)

    def _recording(self, job: _Job) -> Pcm | None:
        """The job's recording, resampled to its output's rate, at its voice's volume; None
        (told once per file) when it cannot be played, so its words are said instead."""
        request = job.request
        voice = self._settings.cue if request.voice == "cue" else self._settings.main
        try:
            pcm = self._sounds.get(request.sound, self._outputs[request.voice].rate(), voice.volume)
        except SoundError as error:
            with self._lock:
                told = request.sound in self._told
                self._told.add(request.sound)
            if not told:
                name = PurePath(request.sound).name
                log.warning("recording %s not played: %s", request.sound, error)
                self._send(
                    Notice(
                        f"Recording {name}: {error}; its words are spoken instead",
                        level="warning",
                        kind="sound_missing",
                    )
                )
            return None
        with self._lock:
            self._told.discard(request.sound)  # a later failure is news again
        return pcm

    def _render(self, job: _Job) -> Pcm | None:
        """The job's words as audio at the voice's volume; None (job finished) on failure."""
        renderer = self._load()
        if renderer is None:
            self._give_up(job)
            return None
        request = job.request
        voice = self._settings.cue if request.voice == "cue" else self._settings.main
        try:
            pcm = scale(renderer.render(request.text, voice), voice.volume)
        except RenderError as error:
            self._report("render", f"could not render speech: {error}")
            self._give_up(job)
            return None
        self._clear("render")
        self._check_voice(request.voice, voice)
        return pcm

    def _play(self, job: _Job, pcm: Pcm) -> None:
        self._output = self._outputs[job.request.voice]
        try:
            self._output.play(
                pcm,
                lambda complete: self._ended(job, complete),
                lambda: self._send(SpeechStarted(job.request.utterance)),
            )
        except OutputError as error:
            self._report("device", str(error))
            self._device_failed()
            self._give_up(job)
            return
        deadline = time.monotonic() + pcm.duration + STALL_MARGIN
        with self._lock:
            while job.played is None and not job.cut and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._wake.wait(left)
            played, cut = job.played, job.cut or self._stopping
        if played:
            self._output.close()
            self._device_worked()  # only now: an open that then stalls is no recovery
            self._finish(job, interrupted=False)
            self._say_held()
        elif cut:
            self._output.cut()
            self._finish(job, interrupted=True)
        else:
            self._output.cut()
            if played is None:
                self._report("device", "audio output stalled")
            else:
                self._report("device", "audio output stopped during speech")
            self._device_failed()
            self._give_up(job)

    def _ended(self, job: _Job, complete: bool) -> None:
        """The stream ended (PortAudio's thread)."""
        with self._lock:
            if job.played is None:
                job.played = complete
            self._wake.notify_all()


class NullSpeech:
    """A SpeechSink that says nothing: each Speak finishes at once (speech.enabled: false)."""

    def __init__(self) -> None:
        self._post: Post | None = None
        self._early: list[Speak] = []

    def start(self, post: Post) -> None:
        """Remember `post`; finish anything spoken before."""
        self._post = post
        early, self._early = self._early, []
        for request in early:
            self.speak(request)

    def speak(self, request: Speak) -> None:
        """Post SpeechFinished(interrupted=False) now."""
        if self._post is None:
            self._early.append(request)
            return
        self._post(SpeechFinished(request.utterance), time.monotonic())

    def prepare(self, texts: Sequence[str], voice: Voice, sounds: Sequence[str] = ()) -> None:
        """Nothing to render."""

    def stop_cue(self) -> None:
        """Nothing sounds."""

    def stop_main(self) -> None:
        """Nothing sounds."""

    def stop(self) -> None:
        """Nothing to stop."""


def speech_sink(settings: Speech) -> SpeechSink:
    """The sink for these settings: SpeechOutput, or NullSpeech when speech is off."""
    if not settings.enabled:
        return NullSpeech()
    return SpeechOutput(settings, renderer=lambda: CachedRender(Renderer(), speech_cache_dir()))
