"""Audio output: plays one Pcm at a time through sounddevice (PortAudio), cut at once.

`SpeechOutput` (speech.py) decides what to play and when; this module only knows how.
"""

from __future__ import annotations

import array
import functools
import logging
import math
from collections.abc import Callable
from typing import Any, Protocol

from . import portaudio
from .bounded import BoundedCalls, NotRespondingError
from .pcm import Pcm

log = logging.getLogger(__name__)

LATENCY = 0.1
"""Seconds of audio the output stream buffers. PortAudio's "low" gives two blocks (23 ms at
44.1 kHz, where recordings play): on a busy machine the ALSA pulse plugin then underran again
and again, and PortAudio's recovery ran through the data in a fraction of its time: 5 of 12
plays of a 1.5 s recording were heard for under 0.1 s (two CPU burners beside them). At 0.1 s
none was cut (24 plays at 44.1 kHz, 12 at 22.05 kHz). It costs no start-up time (the first
block goes out as before) and no cut time (a cut aborts the stream, dropping the buffer)."""


class OutputError(Exception):
    """The audio device could not be opened or started; the message says why."""


class AudioOut(Protocol):
    """Plays one Pcm at a time."""

    def prepare(self) -> None:
        """Load what playing needs, ahead of the first utterance; raise OutputError."""

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        """Start playing; raise OutputError if the device cannot start.

        `started()` is called once, from another thread, when the first samples go to
        the device (for the trace's speech_start and the latency benchmarks).

        `done(complete)` is called once, from another thread, when the stream ends:
        complete=True once the last sample has been heard, False if it ended early
        (device lost). It may also be called after `cut()`; callers then ignore it.
        """

    def cut(self) -> None:
        """Stop now and release the stream (no-op when idle)."""

    def close(self) -> None:
        """Release the stream after it ended (no-op when idle)."""

    def rate(self) -> int:
        """The device's own sample rate, which recordings are resampled to (0: not known)."""


class _Feed:
    """The PortAudio callback: copies the buffer out block by block, then silence.

    The silence tail covers the stream's output latency: without it the last ~50 ms
    were cut off (PortAudio's ALSA host ends the stream without draining), and the
    finished callback, hence SpeechFinished, came that much before the audio ended.
    """

    def __init__(
        self, data: bytes, stop: type[BaseException], started: Callable[[], None], frame_bytes: int = 2
    ) -> None:
        self.data = memoryview(data)
        self.frame_bytes = frame_bytes
        self._started: Callable[[], None] | None = started
        self.pos = 0
        self.tail_frames = 0
        """Frames of silence to play after the data; set once the latency is known."""
        self.padded = 0
        self.complete = False
        """True once the data and the tail went out (the stream then ends by itself)."""
        self._stop = stop

    def callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's thread every block: no locks, no allocation beyond a slice.
        if self._started is not None:
            started, self._started = self._started, None
            started()  # only posts to a queue: cheap enough for the audio thread
        size = len(outdata)
        chunk = self.data[self.pos : self.pos + size]
        got = len(chunk)
        outdata[:got] = chunk
        self.pos += got
        if got < size:
            outdata[got:] = bytes(size - got)
            self.padded += (size - got) // self.frame_bytes
            if self.padded >= self.tail_frames:
                self.complete = True
                raise self._stop


class _StartError(Exception):
    """The stream opened but would not start (the cause says why)."""


class SoundDeviceOutput:
    """Plays on the default output device through sounddevice (PortAudio).

    On Linux, PortAudio's ALSA "default" device is the right one: where a sound server
    runs (PulseAudio, or PipeWire's pulse layer) the ALSA config routes "default" to it
    (checked with PULSE_SERVER and libasound2-plugins), and without one it is ALSA's own
    mixing default on the hardware. The "pulse" device exists only with
    libasound2-plugins and fails without a server.
    """

    def __init__(
        self,
        device: int | str | None = None,
        channel: str = "both",
        blocksize: int = 512,
        latency: float | str = LATENCY,
        responsive: Callable[[], None] | None = None,
    ) -> None:
        """`device`: an index or part of a name (None = default). `channel`: both, left or right.

        `blocksize` frames per callback bounds how late a cut takes effect (512 = 23 ms at 22050 Hz).
        Every call into PortAudio gets a time limit (see bounded.py); `responsive()` is called
        (from another thread) when a call that overran it returns at last.
        """
        self._device = device
        self._channels = 1 if channel == "both" else 2
        self._channel = channel
        self._blocksize = blocksize
        self._latency = latency
        self._stream: Any = None
        self._calls = BoundedCalls(responsive=responsive)
        self._sd: Any = None
        self._orphans: list[Any] = []
        """Streams that could not be closed while the device was not responding."""
        self._suspect = False
        """True unless the last stream played to its end: it failed to open or start,
        died (sound server killed), stalled or was cut. A failed open then lists the
        devices again before giving up."""
        self._rate: int | None = None
        """The device's default sample rate, once asked (forgotten when the devices are listed again)."""

    def _sounddevice(self) -> Any:
        # Imported on the speech thread, not at startup: importing initialises PortAudio,
        # and a missing libportaudio (OSError) must become a reported error, not a crash.
        # Initialising lists the devices, which blocks while the sound server is frozen.
        if self._sd is None:
            try:
                self._sd = self._calls.run("load", _import_sounddevice)
            except NotRespondingError as error:
                raise OutputError(str(error)) from error
            except Exception as error:
                raise OutputError(f"cannot load the audio library: {error}") from error
        return self._sd

    def prepare(self) -> None:
        """Import sounddevice now (~0.1 s with PortAudio's device scan), off the first cue's path."""
        self._sounddevice()

    def _open(self, sd: Any, rate: int, feed: _Feed, finished: Callable[[], None], rescan: bool) -> Any:
        def open_stream() -> Any:
            return sd.RawOutputStream(
                samplerate=rate,
                channels=self._channels,
                dtype="int16",
                blocksize=self._blocksize,
                latency=self._latency,
                device=self._device,
                callback=feed.callback,
                finished_callback=finished,
            )

        try:
            return open_stream()
        except Exception as error:
            if not rescan and self._has_output(sd):
                raise
            log.info("listing audio devices again (open failed: %s)", error)
        # PortAudio lists devices only when it initialises. If that happened before the
        # sound server was reachable (the app autostarted before PulseAudio/PipeWire, or
        # a test set PULSE_SERVER after sounddevice was imported), it has no output device
        # at all, so list them again. The same after a device failure (`rescan`): a list
        # made while the server was down is empty and stays so when the server returns
        # (opening fails with "Error querying device -1" until a new listing), and a
        # replugged device may have a new index. A list made while the server ran stays
        # usable across a server restart (ALSA "default" routes to whatever server listens
        # on the socket): while the server is down opening fails at once (PaErrorCode
        # -9993), and opens again as soon as it is back. Listing takes ~25-30 ms and
        # stops every PortAudio stream in the process; ours is closed, and there are no
        # others yet (a microphone reader will need to reopen its stream when it lands).
        portaudio.rescan(sd)
        self._rate = None  # a replugged or other device may have another rate
        return open_stream()

    def _has_output(self, sd: Any) -> bool:
        try:
            sd.query_devices(self._device, "output")
        except Exception:
            return False
        return True

    def play(self, pcm: Pcm, done: Callable[[bool], None], started: Callable[[], None]) -> None:
        """Open a stream at the Pcm's rate and start it (~2-3 ms with PulseAudio)."""
        self.cut()
        sd = self._sounddevice()
        data = pcm.data if self._channels == 1 else to_one_side(pcm.data, self._channel)
        feed = _Feed(data, sd.CallbackStop, started, frame_bytes=2 * self._channels)
        rescan, self._suspect = self._suspect, True  # until this stream plays to its end

        def finished() -> None:  # PortAudio's thread, once the stream is inactive
            # A killed sound server ends the stream here too, at once and without an
            # exception (stream.active False, feed.complete False): `done` tells.
            if feed.complete:
                self._suspect = False
            done(feed.complete)

        def open_and_start() -> Any:
            stream = self._open(sd, pcm.rate, feed, finished, rescan)
            latency = stream.latency if isinstance(stream.latency, float) else 0.1
            feed.tail_frames = math.ceil(latency * pcm.rate) + self._blocksize
            try:
                stream.start()
            except Exception as error:
                _release(stream)
                raise _StartError(error) from error
            return stream

        try:
            # One call for both: each hand-over to the worker costs a little latency.
            self._stream = self._calls.run("open", open_and_start, abandoned=_release)
        except NotRespondingError as error:
            raise OutputError(str(error)) from error
        except _StartError as error:
            raise OutputError(f"cannot start the audio output: {error.__cause__}") from error
        except Exception as error:
            raise OutputError(f"cannot open the audio output: {error}") from error

    def rate(self) -> int:
        """PortAudio's default sample rate for the device (ALSA's `default` through PulseAudio:
        44100), asked once; 0 when it cannot be asked (the recording then plays at its own rate)."""
        if self._rate is None:
            try:
                sd = self._sounddevice()
                info = self._calls.run("rate", lambda: sd.query_devices(self._device, "output"))
                self._rate = int(info["default_samplerate"])
            except Exception as error:  # no device or a frozen server: the stream open will say so
                log.info("could not ask the output's sample rate: %s", error)
                return 0
        return self._rate

    def cut(self) -> None:
        """Abort (drops what is buffered, ~1 ms) and close the stream; never blocks past the limit."""
        stream, self._stream = self._stream, None
        streams = [*self._orphans, *([stream] if stream is not None else [])]
        self._orphans = []
        for index, each in enumerate(streams):
            if self._calls.blocked:  # no call into PortAudio now: close them once it answers
                self._orphans = streams[index:]
                return
            try:
                self._calls.run("close", functools.partial(_release, each))
            except NotRespondingError:  # the late call still closes this one
                self._orphans = streams[index + 1 :]
                return

    def close(self) -> None:
        """Close the stream (it has ended by itself, so abort has nothing to drop)."""
        self.cut()


def _import_sounddevice() -> Any:
    import sounddevice

    return sounddevice


def _release(stream: Any) -> None:
    """Abort and close `stream`, ignoring a device that is already gone."""
    try:
        stream.abort()
    except Exception as error:
        log.debug("abort failed: %s", error)
    try:
        stream.close()
    except Exception as error:
        log.debug("close failed: %s", error)


def to_one_side(mono: bytes, channel: str) -> bytes:
    """Interleaved stereo with `mono` on the `left` or `right` channel and silence on the other."""
    samples = array.array("h", mono)
    stereo = array.array("h", bytes(4 * len(samples)))
    stereo[0 if channel == "left" else 1 :: 2] = samples
    return stereo.tobytes()
