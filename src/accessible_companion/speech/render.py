"""Text to audio: pyttsx3 renders each utterance to a WAV file, which is read back as PCM.

Why files: pyttsx3 2.99's Linux (espeak) driver loses and repeats utterances with
say() + runAndWait(), plays through an `aplay` it cannot stop, and hangs when stopped
from another thread. `save_to_file()` + `runAndWait()` from one thread is reliable once
espeak is let settle between commands (`Renderer._settle`), and playing the samples
ourselves makes stopping immediate (see speech.py).

A later cache of rendered phrases wraps `Renderer` behind the same `render()`.
"""

from __future__ import annotations

import array
import contextlib
import importlib
import logging
import os
import shutil
import sys
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any, Protocol

from ..audio.pcm import Pcm
from ..core.settings import VoiceOut

log = logging.getLogger(__name__)

SILENCE_PEAK = 32
"""A render whose samples all stay below this (of 32767) is silence, not speech."""

TAIL_KEEP = 0.05
"""Seconds of trailing silence kept after the last sound of a render."""

_ENGINE_LOCK = threading.Lock()
"""Guards the process's one engine (see `_Engine`): two Renderers in one process, as in
tests, must not load or render at the same time."""


def _trim_end(samples: array.array[int], rate: int) -> array.array[int]:
    """Drop trailing silence beyond `TAIL_KEEP` seconds.

    espeak ends every utterance with ~0.24 s of silence (half of a short cue like
    "Yes"). Cutting it lets SpeechFinished, and so the scanning dwell, follow the end of
    the words rather than a pause nobody hears.
    """
    end = len(samples)
    while end > 0 and -SILENCE_PEAK < samples[end - 1] < SILENCE_PEAK:
        end -= 1
    keep = min(len(samples), end + int(TAIL_KEEP * rate))
    return samples[:keep] if keep < len(samples) else samples


class RenderError(Exception):
    """The engine could not be loaded or produced no audio; the message says why."""


class EmptyRenderError(RenderError):
    """The engine produced no samples, or only silence, for text that should be heard."""


class Render(Protocol):
    """What the speech output needs from a renderer (a cache can wrap one later)."""

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        """Synthesise `text` with `voice`; raise RenderError on failure."""

    def find_voice(self, wanted: str) -> str | None:
        """The engine voice id for `wanted`, or None if none fits."""

    def close(self) -> None:
        """Release the engine's files."""


def _quiet_print(*args: object, **_: object) -> None:
    """Stands in for print() inside the pyttsx3 driver module (see `_silence_driver`)."""
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


def _silence_driver(engine: Any) -> None:
    """Stop the driver print()ing "Audio saved to ..." over the terminal display.

    The driver calls the name `print`, which Python looks up in the driver module's
    globals before the builtins. Defining `print` there reroutes only that module's
    output to the log. contextlib.redirect_stdout would instead swap sys.stdout for every
    thread while a render runs, so display output written meanwhile would vanish.
    """
    try:
        module = importlib.import_module(f"pyttsx3.drivers.{engine.driver_name}")
    except Exception:  # an unexpected driver layout: rendering still works, only noisier
        log.warning("could not silence the pyttsx3 driver's print()")
        return
    setattr(module, "print", _quiet_print)  # noqa: B010 - a module global, by name on purpose


ESPEAK_DONT_EXIT = 0x8000
"""espeakINITIALIZE_DONT_EXIT (espeak-ng's speak_lib.h): without it, espeak_Initialize()
calls exit(1) when its data folder is missing or incomplete, ending the whole process
(switch included) with no error and no `stop` in the trace."""


def _initialize_without_exit(espeak: Any) -> None:
    """Make pyttsx3's espeak driver initialise espeak with `ESPEAK_DONT_EXIT`.

    The driver calls `_espeak.Initialize(output, buflength)` through the module, once per
    process, with no options. Wrapping the module's function adds the flag. With it, a
    failed initialisation returns a sample rate of 0 (measured with an empty
    `espeak-ng-data`) where the driver only checks for -1, so 0 is turned into -1: the
    driver then raises "could not initialize espeak" instead of using a dead engine.
    """
    original = espeak.Initialize
    if getattr(original, "dont_exit", False):
        return

    def initialize(output: int = 1, bufflength: int = 100, path: bytes | None = None, option: int = 0) -> int:
        rate = int(original(output, bufflength, path, option | ESPEAK_DONT_EXIT))
        return rate if rate > 0 else -1

    initialize.dont_exit = True  # type: ignore[attr-defined]
    espeak.Initialize = initialize


def _espeak_data_hint() -> str:
    """Where espeak-ng looked for its data, for the error a caregiver reads."""
    folder = os.environ.get("ESPEAK_DATA_PATH")
    where = f"{folder}/espeak-ng-data" if folder else "its data folder"
    return f"espeak-ng could not load its data from {where} (missing or incomplete?)"


class _Engine:
    """The process's one pyttsx3 engine and what was last applied to it.

    pyttsx3.init() hands every caller the same engine and espeak keeps one set of
    parameters per process, so the voice and rate last set, and the voice lookups,
    belong here and not to a Renderer. Use only with `_ENGINE_LOCK` held.
    """

    def __init__(self) -> None:
        try:
            import pyttsx3
        except Exception as error:  # ImportError, OSError
            raise RenderError(f"cannot start the speech engine: {error}") from error
        with contextlib.suppress(Exception):  # no libespeak (OSError): pyttsx3.init() says so below
            from pyttsx3.drivers import _espeak

            _initialize_without_exit(_espeak)
        try:
            self.engine: Any = pyttsx3.init()
        except Exception as error:  # OSError (no libespeak), RuntimeError
            detail = _espeak_data_hint() if "initialize espeak" in str(error) else str(error)
            raise RenderError(f"cannot start the speech engine: {detail}") from error
        _silence_driver(self.engine)
        self.espeak: Any = None
        if self.engine.driver_name == "espeak":
            try:
                from pyttsx3.drivers import _espeak

                self.espeak = _espeak
            except Exception:  # the driver has just loaded it, so this should not happen
                log.warning("cannot reach espeak directly; renders may come out empty")
        self.errors: list[BaseException] = []
        # The driver reports failed commands (a voice that will not load) here, not by raising.
        self.engine.connect("error", self._on_error)
        self.default_voice = str(self.engine.getProperty("voice") or "")
        self.voice_ids: dict[str, str | None] = {}
        self.voice: str | None = None
        self.rate: int | None = None
        self.pitch: int | None = None

    def forget_settings(self) -> None:
        """The engine's voice, rate and pitch are not known: each is set again next time."""
        self.voice = self.rate = self.pitch = None

    def _on_error(self, exception: BaseException | None = None, **_: object) -> None:
        self.errors.append(exception or RenderError("speech engine error"))


_ENGINE: _Engine | None = None


def _shared_engine() -> _Engine:
    """The process's engine, loading it on first use (call with `_ENGINE_LOCK` held)."""
    global _ENGINE  # noqa: PLW0603 - one engine per process is pyttsx3's own rule
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


class Renderer:
    """Renders text with pyttsx3, one utterance at a time, to PCM.

    Create it on the thread that will render and use it there. All Renderers in a
    process share one pyttsx3 engine (pyttsx3 allows no other), behind a lock.
    Loading takes ~25-40 ms; each render ~10-20 ms (espeak-ng).
    """

    def __init__(self, workdir: Path | None = None) -> None:
        """Load the engine and render once; raise RenderError if that fails."""
        self._dir = Path(tempfile.mkdtemp(prefix="ac-speech-", dir=workdir))
        self._count = 0
        try:
            # Loading under the lock: two threads initialising espeak at once crashed
            # the process (segfault in espeak's data loading).
            with _ENGINE_LOCK:
                self._e = _shared_engine()
                # One render now proves the engine works (so a broken install is reported
                # at start, not at the first cue) and leaves the driver idle, which makes
                # setProperty() take effect, and fail, at once instead of being queued.
                self._render_checked("ready", VoiceOut())
        except RenderError:
            self.close()
            raise

    def voices(self) -> list[tuple[str, str]]:
        """(id, name) of every engine voice."""
        with _ENGINE_LOCK:
            return self._voices()

    def _voices(self) -> list[tuple[str, str]]:
        return [(str(v.id), str(v.name)) for v in self._e.engine.getProperty("voices")]

    def find_voice(self, wanted: str) -> str | None:
        """The engine voice for `wanted` ("" = the default), or None if none fits or it failed.

        An exact id or name (or the id without its language-family prefix, "en-us" for
        "gmw/en-us") wins over a substring, so "en" picks English, not "Armenian".
        """
        with _ENGINE_LOCK:
            return self._find_voice(wanted)

    def _find_voice(self, wanted: str) -> str | None:
        if not wanted:
            return self._e.default_voice
        if wanted not in self._e.voice_ids:
            key = wanted.casefold()
            voices = [(vid, vid.casefold(), name.casefold()) for vid, name in self._voices()]
            exact = (vid for vid, i, n in voices if key in (i, n, i.rsplit("/", 1)[-1]))
            partial = (vid for vid, i, n in voices if key in i or key in n)
            self._e.voice_ids[wanted] = next(exact, None) or next(partial, None)
        return self._e.voice_ids[wanted]

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        """Synthesise `text` with `voice` (volume is not applied: see `scale`)."""
        if not text.strip():
            raise RenderError("nothing to say")
        with _ENGINE_LOCK:
            return self._render_checked(text, voice)

    def _render_checked(self, text: str, voice: VoiceOut) -> Pcm:
        try:
            return self._render(text, voice)
        except EmptyRenderError as error:
            # Cheap insurance against a lost utterance: an empty render is not seen since
            # `_settle` was added; no file at all was, once, for a run's first cue in a CI run
            # under heavy load.
            log.warning("retrying an empty render: %s", error)
            # What cancelled the render may have cancelled the settings queued before it too:
            # set them all again rather than trust what was last asked.
            self._e.forget_settings()
            return self._render(text, voice)

    def _configure(self, voice: VoiceOut) -> None:
        e = self._e
        # A voice that matches nothing, or fails to load, falls back to the default:
        # speaking in another voice beats silence. SpeechOutput reports it once.
        voice_id = self._find_voice(voice.voice) or e.default_voice
        if voice_id != e.voice:
            e.engine.setProperty("voice", voice_id)
            e.voice = voice_id
            if e.errors and voice_id != e.default_voice:
                # e.g. an mbrola voice without mbrola: espeak is left on a voice that
                # renders pure silence until another voice is set.
                log.warning("voice %s failed: %s", voice_id, e.errors[0])
                e.voice_ids[voice.voice] = None
                e.errors.clear()
                e.engine.setProperty("voice", e.default_voice)
                e.voice = e.default_voice
        if voice.rate != e.rate:
            e.engine.setProperty("rate", int(voice.rate))
            e.rate = voice.rate
        # Only when asked for: SAPI5 prints a complaint for any pitch it is given.
        if voice.pitch != e.pitch and (e.pitch is not None or voice.pitch != VoiceOut.pitch):
            e.engine.setProperty("pitch", int(voice.pitch))
            e.pitch = voice.pitch

    def _render(self, text: str, voice: VoiceOut) -> Pcm:
        e = self._e
        self._count += 1
        path = self._dir / f"{self._count}.wav"
        try:
            e.errors.clear()
            try:
                self._configure(voice)
                self._settle()
                e.engine.save_to_file(text, str(path))
                e.engine.runAndWait()
            except Exception as error:
                self._recover()
                raise RenderError(f"speech engine failed: {error}") from error
            if e.errors:
                e.forget_settings()
                raise RenderError(f"speech engine failed: {e.errors[0]}")
            return self._read(path)
        finally:
            path.unlink(missing_ok=True)

    def _settle(self) -> None:
        """Wait until espeak has carried out every queued command (rate, voice, last render).

        pyttsx3 runs espeak in its asynchronous mode, so just after a parameter change
        or a render espeak still reports "playing". runAndWait() then calls the driver's
        stop(), which leaves a flag that cancels the very next synthesis: about 1 render
        in 100 to 1000 came out empty (measured). espeak_Synchronize() blocks until
        espeak's queue is empty; with it, 0 of 2000 renders were empty.
        """
        if self._e.espeak is not None:
            self._e.espeak.Synchronize()

    def _recover(self) -> None:
        """Leave the engine's run loop after an exception, so the next render can start one."""
        # endLoop() raises when no loop is running: then there is nothing to recover.
        with contextlib.suppress(Exception):
            self._e.engine.endLoop()
        self._e.forget_settings()

    @staticmethod
    def _read(path: Path) -> Pcm:
        if not path.exists() or path.stat().st_size == 0:
            # An empty file, as no file: espeak wrote nothing (a run's first cue, in a CI run).
            raise EmptyRenderError("the speech engine wrote no audio")
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                    raise RenderError(
                        f"unexpected audio format: {wav.getnchannels()} channels, "
                        f"{8 * wav.getsampwidth()} bits"
                    )
                rate = wav.getframerate()
                data = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError, OSError) as error:
            raise RenderError(f"unreadable audio from the speech engine: {error}") from error
        samples = array.array("h")
        samples.frombytes(data[: len(data) // 2 * 2])
        # Never pass an empty or silent render off as speech: that is how utterances went
        # missing without a trace (0-frame WAVs with say(); all-zero audio after a
        # voice failed to load).
        if not samples:
            raise EmptyRenderError("the speech engine rendered no audio")
        if max(samples) < SILENCE_PEAK and -min(samples) < SILENCE_PEAK:
            raise EmptyRenderError("the speech engine rendered only silence")
        if sys.byteorder == "big":  # WAV is little-endian; playback wants native order
            samples.byteswap()
        return Pcm(_trim_end(samples, rate).tobytes(), rate)

    def close(self) -> None:
        """Remove the temporary directory (the engine stays loaded for the process)."""
        shutil.rmtree(self._dir, ignore_errors=True)
