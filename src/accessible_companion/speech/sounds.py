"""Recordings ready to play (message banking): decoded ahead, kept in memory.

A banked phrase must start as fast as a cached synthetic one, so a menu's recordings are
decoded when it is entered (`ahead`, on a thread of its own: a decode takes ~10 ms for a
few seconds of audio and up to ~0.3 s for 60 s, which must not hold a cue back) and kept,
resampled to the device's rate and at the main voice's volume, in memory. A file is known
by its name, size, time and inode: a phrase recorded again plays anew at once, without a
reload. A file that failed is remembered the same way, so a recording that crashes the
decoder is not tried again at every selection.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from ..audio.decoder import DecodeError, Decoder
from ..audio.headers import MAX_BYTES
from ..audio.pcm import Pcm

log = logging.getLogger(__name__)

MEMORY_BYTES = 48 * 1024 * 1024
"""Decoded recordings kept at most (~9 minutes of audio at 44.1 kHz; a phrase is a few seconds)."""

_Key = tuple[str, int, float]
"""(path, rate, volume)."""
_Identity = tuple[int, int, int]
"""(mtime in ns, size, inode) of a file."""


class SoundError(Exception):
    """A recording cannot be played; the message says why, for a caregiver."""


def identity(path: str) -> _Identity:
    """What tells a file from its earlier versions; SoundError if it is not there."""
    try:
        info = os.stat(path)
    except FileNotFoundError as error:
        raise SoundError("not found") from error
    except OSError as error:
        raise SoundError(f"cannot be read: {error.strerror or error}") from error
    if not os.path.isfile(path):
        raise SoundError("not a file")
    if info.st_size > MAX_BYTES:
        raise SoundError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return info.st_mtime_ns, info.st_size, info.st_ino


class Sounds:
    """Decoded recordings by file, rate and volume. Thread-safe."""

    def __init__(self, decoder: Callable[[], Decoder] = Decoder, memory_bytes: int = MEMORY_BYTES) -> None:
        """`decoder` makes the decoder at the first decode (its child process starts then)."""
        self._make_decoder = decoder
        self._decoder: Decoder | None = None
        self._decoding = threading.Lock()
        """Held for one decode: the speech thread and the thread decoding ahead share the child."""
        self._lock = threading.Condition()
        """Guards everything below."""
        self._memory: OrderedDict[_Key, tuple[_Identity, Pcm | SoundError]] = OrderedDict()
        self._bytes = 0
        self._limit = memory_bytes
        self._ahead: tuple[tuple[str, ...], int, float] | None = None
        self._thread: threading.Thread | None = None
        self._closing = False

    def get(self, path: str, rate: int, volume: float) -> Pcm:
        """The recording at `path` as mono Pcm at `rate` (0: its own) and `volume`, from memory
        or decoded now; SoundError if it cannot be played."""
        key = (path, rate, round(volume, 4))
        known = identity(path)
        kept = self._kept(key, known)
        if kept is not None:
            return _or_raise(kept)
        with self._decoding:
            kept = self._kept(key, known)  # decoded ahead while this waited for the decoder
            if kept is not None:
                return _or_raise(kept)
            try:
                if self._decoder is None:
                    self._decoder = self._make_decoder()
                result: Pcm | SoundError = self._decoder.decode(path, rate, volume)
            except DecodeError as error:
                result = SoundError(str(error))
            self._keep(key, known, result)
        return _or_raise(result)

    def _kept(self, key: _Key, known: _Identity) -> Pcm | SoundError | None:
        with self._lock:
            kept = self._memory.get(key)
            if kept is None or kept[0] != known:
                return None
            self._memory.move_to_end(key)
            return kept[1]

    def cached(self, path: str, rate: int, volume: float) -> bool:
        """True when `get` would answer from memory (for tests and the benchmark)."""
        try:
            known = identity(path)
        except SoundError:
            return False
        with self._lock:
            kept = self._memory.get((path, rate, round(volume, 4)))
            return kept is not None and kept[0] == known and isinstance(kept[1], Pcm)

    def ahead(self, paths: Sequence[str], rate: int, volume: float) -> None:
        """Decode these in the background (a newer call replaces what is not done yet). Never blocks."""
        with self._lock:
            if self._closing:
                return
            self._ahead = (tuple(dict.fromkeys(paths)), rate, volume)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sounds-ahead", daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def close(self) -> None:
        """Stop decoding ahead and end the decoder's process."""
        with self._lock:
            self._closing = True
            self._ahead = None
            self._lock.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(1.0)
        with self._decoding:
            if self._decoder is not None:
                self._decoder.close()

    def _keep(self, key: _Key, known: _Identity, result: Pcm | SoundError) -> None:
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._bytes -= _size(old[1])
            self._memory[key] = (known, result)
            self._bytes += _size(result)
            while self._bytes > self._limit and len(self._memory) > 1:
                _, (_, dropped) = self._memory.popitem(last=False)
                self._bytes -= _size(dropped)

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._ahead is None and not self._closing:
                    self._lock.wait()
                if self._closing:
                    return
                assert self._ahead is not None
                (paths, rate, volume), self._ahead = self._ahead, None
            for path in paths:
                with self._lock:
                    if self._closing or self._ahead is not None:  # closing, or another menu now
                        break
                try:
                    self.get(path, rate, volume)
                except SoundError as error:  # told when it is selected, not now
                    log.info("recording %s not decoded ahead: %s", path, error)
                except Exception:  # decoding ahead is an optimisation: never let it end the thread
                    log.exception("decoding %s ahead failed", path)


def _size(result: Pcm | SoundError) -> int:
    return len(result.data) if isinstance(result, Pcm) else 0


def _or_raise(result: Pcm | SoundError) -> Pcm:
    if isinstance(result, SoundError):
        raise SoundError(str(result))
    return result
