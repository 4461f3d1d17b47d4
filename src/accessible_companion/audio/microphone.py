"""The microphone: int16 mono blocks from sounddevice (PortAudio), and a device that may vanish.

`Microphone.read()` runs on one listener thread and never raises for device problems: it
reports them through `on_state` (LISTENING, LOST, MUTED, BACK, once per transition) and
keeps trying, with backoff, on later calls.

Three threads take part. PortAudio's callback only copies each block into a queue. A
worker thread of the Microphone's own makes every other PortAudio call (open, start,
close, relisting devices): with a frozen sound server, closing or opening a stream blocks
until the server answers again (measured: `close()` hung for as long as PulseAudio was
stopped with SIGSTOP), and that must not hold the listener. `read()` only waits on the
queue, which also carries the worker's results and the streams' ends.

While the reader says it needs no fine blocks (`pace`: a quiet room), the stream is
handed over to one with longer blocks (IDLE_BLOCK_SECONDS), and back when it does again:
`joining.Join` makes each handover without a gap or a repeated sample.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..backoff import Backoff
from . import portaudio
from .joining import Handover, Join
from .resampling import Resampler

log = logging.getLogger(__name__)

RETRY_FIRST = 0.5
"""Seconds from a loss to the first try to open again; doubles after each failure."""
RETRY_MAX = 10.0
"""The longest wait between tries: a device that comes back is heard within ~10 s."""
OVERFLOW_LOG_EVERY = 10.0
"""Seconds between log lines about input overflows (they can come with every block)."""
RELIST_EVERY = 60.0
"""Seconds between relistings of PortAudio's devices while a named microphone is missing
(another input exists): a relisting stops every stream, speech output too."""
CLOSE_WAIT = 1.0
"""Seconds `close()` waits for the worker to close the stream (longer only if frozen)."""


@dataclass(frozen=True)
class Block:
    """A block of audio from the microphone."""

    data: bytes
    """int16 mono little-endian PCM."""
    rate: int
    """Samples per second of `data`."""
    captured: float
    """The clock (time.monotonic by default) when the block's last sample was captured;
    estimated as the callback's time, late by at most the input latency."""


class MicrophoneState(StrEnum):
    """What `on_state` reports, once per transition."""

    LISTENING = "listening"
    """The first stream delivers audio."""
    LOST = "lost"
    """Opening failed, the stream ended by itself, or no audio came for a while."""
    MUTED = "muted"
    """Only exact-zero samples for `muted_seconds`: a muted microphone."""
    BACK = "back"
    """Audio flows again after LOST, or sound (not zeros) after MUTED."""


class _DeviceError(Exception):
    """The wanted input device is not in PortAudio's list (the message says why)."""


# What the queue carries to `read()`.
@dataclass(frozen=True, slots=True)
class _Audio:
    stream: int
    captured: float
    data: bytes


@dataclass(frozen=True, slots=True)
class _Ended:
    stream: int


@dataclass(frozen=True, slots=True)
class _Opened:
    stream: int
    rate: int
    name: str
    generation: int
    """portaudio.generation() after opening: a later relisting stops this stream."""


@dataclass(frozen=True, slots=True)
class _Failed:
    stream: int
    detail: str


_Job = tuple[str, int, float]
"""What the worker is asked: ("open", id, block seconds), ("close", id, 0) or ("stop", 0, 0)."""


@dataclass(slots=True)
class _Joining:
    """A stream being handed over to (`Microphone.pace`)."""

    stream: int
    since: float
    """When it was asked for."""
    join: Join


class _Wake:
    """Posted by `close()` so that a waiting `read()` returns."""


_Item = _Audio | _Ended | _Opened | _Failed | _Wake


def _ignore(state: MicrophoneState, detail: str) -> None:
    pass


BLOCK_SECONDS = 0.02
"""Audio per block read. The end of a command can be seen only at a block's end: with 20 ms
blocks end of speech -> command took p50 274 ms, with 50 ms 317 ms (bench.voice_latency,
the same machine and clip); listening in a quiet room costs a loudness check per block."""


IDLE_BLOCK_SECONDS = 0.2
"""Audio per block while the reader needs no fine blocks (`Microphone.pace`). Each block
wakes PortAudio's thread, the sound server's client thread and the reader: listening to a
quiet room cost the running companion 3.3-3.4% of a core in 20 ms blocks and 0.40-0.45% in
0.2 s blocks (bench.idle_cpu); 1.1% in 0.1 s blocks in a first probe. A longer block would
only delay the handover back to short blocks when speech starts."""
JOIN_GIVE_UP = 1.0
"""Seconds the old stream may run past the new one (unplaced, or stalled) before a
handover is given up (`joining.Join.stale`)."""
JOIN_RETRY = 5.0
"""Seconds after a handover given up before the next is tried."""


def block_bytes(rate: int) -> int:
    """Bytes in a block of int16 mono audio at `rate` (`BLOCK_SECONDS`), as the microphone
    delivers it: what benchmarks and tests feed the recognizer."""
    return max(1, round(rate * BLOCK_SECONDS)) * 2


def _check(rate: int, block: float, idle_block: float, no_audio: float, muted: float) -> None:
    """Raise ValueError for settings `Microphone` cannot work with."""
    if not 0 < block <= 0.1:
        raise ValueError(f"block_seconds must be in (0, 0.1], not {block}")
    if not block <= idle_block <= 0.5:
        raise ValueError(f"idle_block_seconds must be in [block_seconds, 0.5], not {idle_block}")
    if rate <= 0 or no_audio <= max(block, idle_block) or muted <= 0:
        raise ValueError("rate, no_audio_seconds (longer than a block) and muted_seconds must be positive")


class Microphone:
    """Reads blocks from an input device chosen by part of its name; see the module docstring."""

    def __init__(
        self,
        device: str = "",
        rate: int = 16000,
        block_seconds: float = BLOCK_SECONDS,
        idle_block_seconds: float = IDLE_BLOCK_SECONDS,
        no_audio_seconds: float = 3.0,
        muted_seconds: float = 60.0,
        on_state: Callable[[MicrophoneState, str], None] = _ignore,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`device`: part of an input device's name (empty: the default input). `rate`: the
        blocks' rate; a device that refuses it is read at its own rate and resampled (without
        numpy and soxr the blocks come at the device's rate: see `Block.rate`).
        `idle_block_seconds`: the blocks while `pace(idle=True)`.
        `on_state` is called on the thread that calls `read()`."""
        _check(rate, block_seconds, idle_block_seconds, no_audio_seconds, muted_seconds)
        self._device = device
        self._wanted_rate = rate
        self._block_seconds = block_seconds
        self._idle_block_seconds = idle_block_seconds
        self._no_audio = no_audio_seconds
        self._muted_after = muted_seconds
        self._on_state = on_state
        self._clock = clock

        self._items: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._closed = threading.Event()
        self._overflows = 0
        """Blocks flagged as input overflow (audio dropped); counted on PortAudio's thread."""
        self._relisted = -float("inf")
        """When PortAudio's devices were last listed again for a missing microphone."""

        # The rest belongs to the thread that calls read().
        self._ids = 0
        self._live = 0
        """The id of the stream we read from (0: none)."""
        self._pending = 0
        """The id of the stream the worker is opening (0: none)."""
        self._pending_since = 0.0
        self._slow_open_reported = False
        self._live_generation = 0
        self._idle = False
        """What `pace` was last told."""
        self._grains: dict[int, float] = {}
        """Block seconds of the streams asked for and not closed, by id."""
        self._joining: _Joining | None = None
        """The stream being handed over to, if any."""
        self._last: _Audio | None = None
        """The live stream's latest block (a new stream may start within it)."""
        self._join_after = -float("inf")
        """No handover is tried before then (one was given up)."""
        self._device_rate = 0
        """Samples per second of the open stream."""
        self._resample: Callable[[bytes], bytes] | None = None
        """Brings the stream's blocks to the wanted rate, when the device refused it."""
        self._name = ""
        self._state: MicrophoneState | None = None
        self._got_audio = False
        """True once the live stream delivered a block (resets the backoff)."""
        self._last_audio = 0.0
        self._zeros_since: float | None = None
        self._retry = Backoff(RETRY_FIRST, RETRY_MAX)
        """When to open again after a loss."""
        self._overflows_logged = 0
        self._overflow_logged_at = -OVERFLOW_LOG_EVERY

    @property
    def rate(self) -> int:
        """Samples per second of the blocks read (the wanted rate when resampled); 0 before
        the first open."""
        return self._device_rate if self._resample is None else self._wanted_rate

    @property
    def overflows(self) -> int:
        """How many blocks came with an input overflow (audio was dropped before them)."""
        return self._overflows

    @property
    def block_seconds(self) -> float:
        """Audio per block of the stream being read now (`pace`)."""
        return self._grains.get(self._live, self._block_seconds)

    def pace(self, idle: bool) -> None:
        """From the reading thread: whether fine blocks can wait (nothing in progress whose end
        is awaited). While idle the stream is handed over to longer blocks, which costs a
        fraction of the wake-ups; the handover back takes up to one long block. Not with a
        stream resampled here (each stream's filter would start anew)."""
        self._idle = idle

    def read(self, timeout: float) -> Block | None:
        """The next block, or None after `timeout` seconds without one (or once closed).

        Opens the stream on the first call and reopens it after a loss, when due.
        """
        end = time.monotonic() + max(0.0, timeout)
        while not self._closed.is_set():
            self._log_overflows()
            due = self._step()
            left = end - time.monotonic()
            wait = left if due is None else min(left, due)
            try:
                item = self._items.get(timeout=max(0.0, wait))
            except queue.Empty:
                # Only with nothing queued: blocks waiting for a busy reader are not silence.
                self._check_overdue()
                if time.monotonic() >= end:
                    return None
                continue
            block = self._take(item)
            if block is not None:
                return block
        return None

    def close(self) -> None:
        """Close the stream (waits up to CLOSE_WAIT s); `read()` then returns None. Idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._items.put(_Wake())
        self._jobs.put(("stop", 0, 0.0))
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(CLOSE_WAIT)

    # --- the reading thread ---

    def _step(self) -> float | None:
        """Ask for a stream when due; seconds until something may be overdue (None: nothing)."""
        now = self._clock()
        if self._live:
            self._steer(now)
            return max(0.0, self._last_audio + self._no_audio - now)
        if self._pending:
            if self._slow_open_reported:
                return None
            return max(0.0, self._pending_since + self._no_audio - now)
        if not self._retry.due(now):
            return self._retry.wait(now)
        # Fine blocks first: whether this device is resampled here is known only once open.
        self._pending = self._ask(self._block_seconds)
        self._pending_since, self._slow_open_reported = now, False
        return self._no_audio

    def _ask(self, grain: float) -> int:
        """Ask the worker for a new stream of `grain` s blocks; its id."""
        self._ids += 1
        self._grains[self._ids] = grain
        self._start_worker()
        self._jobs.put(("open", self._ids, grain))
        return self._ids

    def _steer(self, now: float) -> None:
        """Start a handover to the block size wanted now, if due (one at a time: a wish that
        changed meanwhile is served by the next)."""
        joining = self._joining
        if joining is not None:
            # Blocks of the live stream keep coming meanwhile (checked here, not when the
            # queue is empty), so a new stream that never starts is noticed by its time.
            if not joining.join.begun and now - joining.since >= self._no_audio:
                self._give_up_join(f"no audio from it for {self._no_audio:g} s")
            return
        wanted = self._idle_block_seconds if self._idle else self._block_seconds
        if now < self._join_after or wanted == self.block_seconds or self._resample is not None:
            return
        last = self._last
        join = Join(self._device_rate) if last is None else Join(self._device_rate, last.data, last.captured)
        self._joining = _Joining(self._ask(wanted), now, join)

    def _check_overdue(self) -> None:
        """Give up on a silent stream; report an open that hangs."""
        now = self._clock()
        if self._live and now - self._last_audio >= self._no_audio:
            # A dead stream may say nothing at all (a frozen sound server).
            self._lose(f"no audio from {self._name!r} for {self._no_audio:g} s")
        elif self._pending and not self._slow_open_reported and now - self._pending_since >= self._no_audio:
            # The worker is stuck in PortAudio (a frozen sound server); it goes on when it can.
            self._slow_open_reported = True
            self._report(MicrophoneState.LOST, f"opening the microphone takes more than {self._no_audio:g} s")

    def _take(self, item: _Item) -> Block | None:
        """Act on one queued item; the block to return, if it is one."""
        if isinstance(item, _Audio):
            return self._take_audio(item)
        joining = self._joining
        if joining is not None and not isinstance(item, _Wake) and item.stream == joining.stream:
            self._take_joining(item)
            return None
        if isinstance(item, _Opened):
            # A second _Opened for the live id: it would not start, and opened again after a relisting.
            if item.stream in (self._pending, self._live):
                self._pending = 0
                self._live, self._live_generation = item.stream, item.generation
                self._device_rate, self._name = item.rate, item.name
                self._resample = self._resampler(item.rate)
                self._last_audio, self._zeros_since, self._got_audio = self._clock(), None, False
            return None
        if isinstance(item, _Failed):
            if item.stream == self._pending:
                self._pending = 0
                self._lose(item.detail)
            elif item.stream == self._live:  # it opened but would not start
                self._lose(item.detail)
            return None
        if isinstance(item, _Ended) and item.stream == self._live:
            if portaudio.generation() != self._live_generation:
                # Someone listed the devices again (speech output, after a failure), which
                # stops every stream: not a lost device, so reopen at once, unreported.
                log.info("microphone stream stopped by a device relisting; opening it again")
                self._drop_live()
                self._retry.try_now()
            else:
                # A killed sound server ends the stream this way, with no exception.
                self._lose(f"the input stream from {self._name!r} ended (sound server gone?)")
        return None

    # --- handing over to a stream of another block size (joining.Join) ---

    def _take_old(self, item: _Audio, join: Join) -> Block | None:
        """A block of the stream handed over from: passed on until the new one is placed
        (after that the new stream gives it again)."""
        passed = join.old(item.data, item.captured)
        handover = join.handover() if passed else None
        if handover is not None:
            self._hand_over(handover)
            return Block(item.data + handover.data, self.rate, handover.captured)
        if join.stale(JOIN_GIVE_UP):
            # Once placed, what the old stream gave since is lost (at most a second, of a
            # quiet room: handing over to long blocks).
            why = "it fell behind" if join.placed else "its audio was not found in the old stream's"
            self._give_up_join(why)
        return Block(item.data, self.rate, item.captured) if passed else None

    def _take_new(self, item: _Audio) -> Block | None:
        assert self._joining is not None
        handover = self._joining.join.new(item.data, item.captured)
        if handover is None:
            return None
        self._hand_over(handover)
        self._last_audio = handover.captured
        return Block(handover.data, self.rate, handover.captured) if handover.data else None

    def _take_joining(self, item: _Item) -> None:
        """The new stream opened, failed or ended before the handover."""
        if isinstance(item, _Opened):
            if item.rate != self._device_rate or item.generation != self._live_generation:
                self._give_up_join(f"it opened at {item.rate} Hz, or after a device relisting")
        elif isinstance(item, _Failed):
            self._give_up_join(item.detail)
        elif isinstance(item, _Ended):
            self._give_up_join("it ended")

    def _hand_over(self, handover: Handover) -> None:
        assert self._joining is not None
        old = self._live
        self._jobs.put(("close", old, 0.0))
        self._grains.pop(old, None)
        self._live, self._joining, self._last = self._joining.stream, None, None
        how = f"samples, {handover.off * 1000:+.0f} ms from their times" if handover.by_shape else "times"
        log.debug("microphone: now in %g s blocks (joined by their %s)", self.block_seconds, how)

    def _give_up_join(self, why: str) -> None:
        """Go on with the live stream; try again after JOIN_RETRY."""
        assert self._joining is not None
        stream, self._joining = self._joining.stream, None
        log.info("microphone: the stream of %g s blocks was given up (%s)", self._grains[stream], why)
        self._jobs.put(("close", stream, 0.0))
        self._grains.pop(stream, None)
        self._join_after = self._clock() + JOIN_RETRY

    def _take_audio(self, item: _Audio) -> Block | None:
        if self._joining is not None and item.stream == self._joining.stream:
            return self._take_new(item)
        if item.stream != self._live:
            return None  # from a stream we gave up on
        self._heard(item)
        if self._joining is not None:
            return self._take_old(item, self._joining.join)
        self._last = item
        data = item.data if self._resample is None else self._resample(item.data)
        return Block(data, self.rate, item.captured) if data else None

    def _resampler(self, rate: int) -> Callable[[bytes], bytes] | None:
        """What brings a stream at `rate` to the wanted rate (None: it is at that rate, or it
        cannot be done here). The voice-activity detector, and with it every rule that keeps a
        television from giving commands, works only at 16 kHz."""
        if rate == self._wanted_rate:
            return None
        try:
            return Resampler(rate, self._wanted_rate)
        except ImportError as error:
            log.warning(
                "cannot resample the microphone to %d Hz (%s): read at %d Hz", self._wanted_rate, error, rate
            )
            return None

    def _described(self) -> str:
        resampled = f", resampled to {self._wanted_rate} Hz" if self._resample is not None else ""
        return f"{self._name} at {self._device_rate} Hz{resampled}"

    def _heard(self, audio: _Audio) -> None:
        self._last_audio = audio.captured
        if not self._got_audio:
            self._got_audio = True
            self._retry.succeeded()
            if self._state is None:
                self._report(MicrophoneState.LISTENING, self._described())
            elif self._state is MicrophoneState.LOST:
                self._report(MicrophoneState.BACK, self._described())
        if audio.data.count(0) != len(audio.data):
            self._zeros_since = None
            if self._state is MicrophoneState.MUTED:
                self._report(MicrophoneState.BACK, f"sound from {self._name} again")
            return
        if self._zeros_since is None:
            self._zeros_since = audio.captured - len(audio.data) / 2 / self._device_rate
        elif (
            audio.captured - self._zeros_since >= self._muted_after
            and self._state is not MicrophoneState.MUTED
        ):
            self._report(
                MicrophoneState.MUTED, f"only silence from {self._name} for {self._muted_after:g} s (muted?)"
            )

    def _lose(self, detail: str) -> None:
        """Give up on the stream (if any), report LOST, and retry after the backoff."""
        self._drop_live()
        self._report(MicrophoneState.LOST, detail)
        self._retry.failed(self._clock())

    def _drop_live(self) -> None:
        for stream in (self._live, self._joining.stream if self._joining else 0):
            if stream:
                self._jobs.put(("close", stream, 0.0))
                self._grains.pop(stream, None)
        self._live, self._joining, self._last = 0, None, None

    def _report(self, state: MicrophoneState, detail: str) -> None:
        if state is self._state:
            log.debug("microphone still %s: %s", state.value, detail)
            return
        self._state = state
        level = logging.WARNING if state in (MicrophoneState.LOST, MicrophoneState.MUTED) else logging.INFO
        log.log(level, "microphone %s: %s", state.value, detail)
        self._on_state(state, detail)

    def _log_overflows(self) -> None:
        count = self._overflows
        now = time.monotonic()
        if count != self._overflows_logged and now - self._overflow_logged_at >= OVERFLOW_LOG_EVERY:
            log.warning("microphone input overflow: %d blocks so far came after dropped audio", count)
            self._overflows_logged, self._overflow_logged_at = count, now

    def _start_worker(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="microphone-portaudio", daemon=True)
            self._worker.start()

    # --- the worker thread: every PortAudio call but the callbacks ---

    @staticmethod
    def _sounddevice() -> Any:
        # Imported here, not at import time: importing initialises PortAudio, and a missing
        # libportaudio (OSError) must become a reported problem, not a crash.
        import sounddevice

        return sounddevice

    def _work(self) -> None:
        streams: dict[int, Any] = {}
        """The streams this thread opened and has not closed yet, by id."""
        while True:
            job, stream_id, grain = self._jobs.get()
            if job == "stop":
                for stream in streams.values():
                    self._close_stream(stream)
                return
            if job == "close":
                stream = streams.pop(stream_id, None)
                if stream is not None:
                    self._close_stream(stream)
                continue
            try:
                failed = self._open(stream_id, grain, streams)
            except Exception as error:  # a bug here must not end the worker
                log.exception("opening the microphone failed")
                failed = _Failed(stream_id, f"cannot open the microphone: {error}")
            if failed is not None:
                self._items.put(failed)

    def _open(self, stream_id: int, grain: float, streams: dict[int, Any]) -> _Failed | None:
        """Open and start a stream (posting _Opened); the failure, if it failed."""
        try:
            sd = self._sounddevice()
        except Exception as error:
            return _Failed(stream_id, f"cannot load the audio library: {error}")
        try:
            self._try_open(sd, stream_id, grain, streams)
        except Exception as error:
            if not self._should_relist(sd):
                return _Failed(stream_id, self._describe(error))
            log.info("listing audio devices again (microphone open failed: %s)", error)
        else:
            return None
        # PortAudio lists devices only when it initialises: if the sound server was not
        # reachable then, or the wanted microphone was plugged in since, it is missing
        # from the list. Relisting stops every PortAudio stream in the process (speech
        # output too), so it is done only here, when there is no usable input device.
        try:
            portaudio.rescan(sd)
            self._try_open(sd, stream_id, grain, streams)
        except Exception as error:
            return _Failed(stream_id, self._describe(error))
        return None

    def _try_open(self, sd: Any, stream_id: int, grain: float, streams: dict[int, Any]) -> None:
        index, name = self._choose(sd)
        rate = self._rate_for(sd, index)
        items, clock = self._items, self._clock

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            # PortAudio's thread: copy (the buffer is reused) and queue, nothing else.
            if status and status.input_overflow:
                self._overflows += 1
            items.put(_Audio(stream_id, clock(), bytes(indata)))

        def finished() -> None:
            items.put(_Ended(stream_id))

        stream = sd.RawInputStream(
            samplerate=rate,
            blocksize=max(1, round(rate * grain)),
            dtype="int16",
            channels=1,
            latency="low",
            device=index,
            callback=callback,
            finished_callback=finished,
        )
        streams[stream_id] = stream
        # Posted before start(), so that it reaches read() before the stream's first block.
        items.put(_Opened(stream_id, rate, name, portaudio.generation()))
        try:
            stream.start()
        except Exception as error:
            self._close_stream(streams.pop(stream_id))
            raise _DeviceError(f"cannot start the microphone {name!r}: {error}") from error

    def _choose(self, sd: Any) -> tuple[int | None, str]:
        """The device's index (None: the default input) and name; raise _DeviceError."""
        if not self._device:
            try:
                return None, str(sd.query_devices(None, "input")["name"])
            except Exception as error:
                raise _DeviceError(f"no input device ({error})") from error
        wanted = self._device.lower()
        inputs = [
            (int(info["index"]), str(info["name"]))
            for info in sd.query_devices()
            if info["max_input_channels"] > 0
        ]
        found = [(i, name) for i, name in inputs if name.lower() == wanted]
        found = found or [(i, name) for i, name in inputs if wanted in name.lower()]
        if not found:
            raise _DeviceError(f"no input device matching {self._device!r}")
        if len(found) > 1:
            names = ", ".join(name for _, name in found)
            raise _DeviceError(f"several input devices match {self._device!r}: {names}")
        return found[0]

    def _rate_for(self, sd: Any, index: int | None) -> int:
        """The wanted rate if the device takes it, else its own; raise if it takes neither."""
        try:
            sd.check_input_settings(device=index, samplerate=self._wanted_rate, channels=1, dtype="int16")
        except Exception as error:
            refused = error
        else:
            return self._wanted_rate
        rate = int(sd.query_devices(index, "input")["default_samplerate"])
        # Raises too when the device is unusable at any rate (its sound server is down):
        # that is the error to report, not the refused rate.
        sd.check_input_settings(device=index, samplerate=rate, channels=1, dtype="int16")
        log.info("microphone: %d Hz refused (%s); using the device's %d Hz", self._wanted_rate, refused, rate)
        return rate

    def _should_relist(self, sd: Any) -> bool:
        """Relist when the list has no input at all (it is stale), or when the named one is
        missing, at most every RELIST_EVERY seconds: each relisting cuts speech output."""
        if self._has_input(sd):
            return False
        try:
            any_input = any(info["max_input_channels"] > 0 for info in sd.query_devices())
        except Exception:
            any_input = False
        now = self._clock()
        if any_input and now - self._relisted < RELIST_EVERY:
            return False
        self._relisted = now
        return True

    def _has_input(self, sd: Any) -> bool:
        try:
            self._choose(sd)
        except Exception:
            return False
        return True

    def _describe(self, error: Exception) -> str:
        if isinstance(error, _DeviceError):
            return str(error)
        device = repr(self._device) if self._device else "(default input)"
        return f"cannot open the microphone {device}: {error}"

    @staticmethod
    def _close_stream(stream: Any) -> None:
        try:
            stream.close()  # aborts first if it still runs
        except Exception as error:  # the device may be gone, or PortAudio relisted
            log.debug("closing the microphone stream failed: %s", error)
