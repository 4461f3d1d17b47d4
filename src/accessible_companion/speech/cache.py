"""A cache of rendered speech in front of a `Render`, in memory and on disk.

A highlighted item should start sounding at once, also just after a restart. A render
costs ~10-20 ms (espeak-ng); a memory hit costs microseconds and a disk hit well under
a millisecond. `CachedRender` keeps the `Render` protocol, so SpeechOutput takes it in
place of `Renderer`, and `prerender()` fills the cache ahead of use (a menu's cues).

Rules:
- The key covers what shapes the audio: a format version, the engine voice id, the rate
  and the text. Volume is left out: SpeechOutput applies it at playback (`scale`).
- Memory: a bounded LRU of Pcm behind a lock (a pre-render thread may fill it while the
  speech thread reads).
- Disk (optional): one WAV per key, written atomically (temp file in the same directory,
  fsync, os.replace), so a crash never leaves a half file under a final name. A file that
  does not read back whole is deleted and rendered again. The directory is bounded by
  file count and bytes, oldest (by mtime) evicted first; a disk hit touches its file.
  Disk trouble (read-only, full) is logged and only costs speed, never speech.
- `inner` (pyttsx3) is never called concurrently. Calls from `render()` go before
  calls from `prerender()`, and `prerender()` checks for cancellation between items, so
  a cue waits behind at most one utterance being pre-rendered.
- Errors from `inner` propagate unchanged from `render()` and are never cached.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
import wave
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import private
from ..audio.pcm import Pcm
from ..core.settings import VoiceOut
from .render import Render, RenderError

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
"""Part of every key: bump it when what a render produces changes (trimming, format)."""

SUFFIX = ".wav"
TEMP_PREFIX = ".part-"
"""Temp files start with this; ones left by a crash are removed after `STALE_TEMP` s."""
STALE_TEMP = 60.0

PRUNE_TO = 0.9
"""Disk eviction goes down to this share of each bound, so it runs seldom."""


def cache_key(voice_id: str, rate: int, pitch: int, text: str) -> str:
    """The hex sha256 naming one render (stable across runs and platforms)."""
    stable = json.dumps([FORMAT_VERSION, voice_id, int(rate), int(pitch), text], ensure_ascii=False)
    return hashlib.sha256(stable.encode("utf-8")).hexdigest()


class _EngineGate:
    """Lets one caller at a time into the engine; urgent callers go before background ones.

    A plain Lock is not fair: a pre-render loop releasing and re-taking it could keep a
    waiting cue out for several utterances. Here background callers also wait while
    any urgent caller waits.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._urgent = 0

    @contextlib.contextmanager
    def enter(self, *, urgent: bool) -> Iterator[None]:
        with self._cond:
            if urgent:
                self._urgent += 1
                try:
                    while self._busy:
                        self._cond.wait()
                finally:
                    self._urgent -= 1
            else:
                while self._busy or self._urgent:
                    self._cond.wait()
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


class CachedRender:
    """A `Render` that remembers what `inner` rendered, in memory and (optionally) on disk.

    Thread-safe: `render()` and `prerender()` may run on different threads; `inner` is
    only ever called by one thread at a time. (pyttsx3's espeak driver is plain ctypes
    calls into libespeak, so serialised calls from two threads are fine there.)
    """

    def __init__(
        self,
        inner: Render,
        directory: Path | None,
        memory_items: int = 512,
        *,
        disk_items: int = 5000,
        disk_bytes: int = 128 * 1024 * 1024,
    ) -> None:
        """`directory` None = memory only. It is created if missing; if that fails, memory only."""
        self._inner = inner
        self._memory_items = max(1, memory_items)
        self._memory: OrderedDict[str, Pcm] = OrderedDict()
        self._lock = threading.Lock()
        """Guards `_memory`, `_voice_ids` and `_cancels`."""
        self._gate = _EngineGate()
        self._voice_ids: dict[str, str] = {}
        """Configured voice -> what the key uses (the engine id, or the name if none fits)."""
        self._cancels: set[threading.Event] = set()
        self._disk_items = max(1, disk_items)
        self._disk_bytes = max(1, disk_bytes)
        self._files = 0
        self._bytes = 0
        self._disk_lock = threading.Lock()
        """Guards the disk tallies (`_files`, `_bytes`) and pruning."""
        self._dir: Path | None = None
        if directory is not None:
            try:
                private.make_folder(directory)
                private.tighten_folder(directory)  # rendered phrases say what the user said
                self._dir = directory
                self._files, self._bytes = self._scan_disk()
            except OSError as error:
                log.warning("speech cache %s unusable, caching in memory only: %s", directory, error)
                self._dir = None

    # --- the Render protocol ---

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        """The cached Pcm for `text` in `voice`, rendering it on a miss (volume not applied)."""
        key = self._key(text, voice, urgent=True)
        pcm = self._lookup(key)
        if pcm is not None:
            return pcm
        with self._gate.enter(urgent=True):
            # A pre-render may have finished this very text while we waited.
            pcm = self._memory_get(key)
            if pcm is not None:
                return pcm
            pcm = self._inner.render(text, voice)
            stable = self._keep(key, text, voice, pcm)
        if stable:
            self._disk_put(key, pcm)
        return pcm

    def find_voice(self, wanted: str) -> str | None:
        """The inner renderer's answer (waits for the engine)."""
        with self._gate.enter(urgent=True):
            return self._inner.find_voice(wanted)

    def close(self) -> None:
        """Cancel pre-renders and close the inner renderer (files on disk stay)."""
        self.cancel_prerender()
        with self._gate.enter(urgent=True):
            self._inner.close()

    # --- pre-rendering ---

    def prerender(self, texts: Iterable[str], voice: VoiceOut) -> None:
        """Render, on the calling thread, each of `texts` not cached yet.

        Stops early after `cancel_prerender()` (checked between items, so at most one
        render runs on; it affects prerenders already running). `texts` is read one item
        at a time, so a generator that stops yielding also stops it. Waits while
        `render()` is waiting for the engine. A text that fails to render is logged and
        skipped: `render()` reports it when it is needed.
        """
        cancel = threading.Event()
        with self._lock:
            self._cancels.add(cancel)
        seen: set[str] = set()
        try:
            for text in texts:
                if cancel.is_set():
                    return
                if text in seen or not text.strip():
                    continue
                seen.add(text)
                key = self._key(text, voice, urgent=False)
                if self._lookup(key) is not None:
                    continue
                with self._gate.enter(urgent=False):
                    if cancel.is_set():
                        return
                    if self._memory_get(key) is not None:
                        continue
                    try:
                        pcm = self._inner.render(text, voice)
                    except RenderError as error:
                        log.info("pre-render of %r failed: %s", text, error)
                        continue
                    stable = self._keep(key, text, voice, pcm)
                if stable:
                    self._disk_put(key, pcm)
        finally:
            with self._lock:
                self._cancels.discard(cancel)

    def cancel_prerender(self) -> None:
        """Make every running `prerender()` stop before its next item. Never blocks."""
        with self._lock:
            for cancel in self._cancels:
                cancel.set()

    # --- keys ---

    def _key(self, text: str, voice: VoiceOut, *, urgent: bool) -> str:
        return cache_key(self._voice_id(voice.voice, urgent=urgent), voice.rate, voice.pitch, text)

    def _voice_id(self, wanted: str, *, urgent: bool) -> str:
        with self._lock:
            known = self._voice_ids.get(wanted)
        if known is not None:
            return known
        with self._gate.enter(urgent=urgent):
            return self._resolve(wanted)

    def _resolve(self, wanted: str) -> str:
        """Ask `inner` (call inside the gate) and remember the answer."""
        found = self._inner.find_voice(wanted)
        resolved = found if found is not None else wanted
        with self._lock:
            self._voice_ids[wanted] = resolved
        return resolved

    def _keep(self, key: str, text: str, voice: VoiceOut, pcm: Pcm) -> bool:
        """After a render, inside the gate: remember `pcm` if `key` still describes it.

        The Renderer forgets a voice that fails to load and renders with the default
        instead; that audio must not be cached under the failed voice's id. Storing in
        memory before leaving the gate means no other caller renders the same text again.
        """
        if cache_key(self._resolve(voice.voice), voice.rate, voice.pitch, text) != key:
            return False
        self._memory_put(key, pcm)
        return True

    # --- memory ---

    def _memory_get(self, key: str) -> Pcm | None:
        with self._lock:
            pcm = self._memory.get(key)
            if pcm is not None:
                self._memory.move_to_end(key)
            return pcm

    def _memory_put(self, key: str, pcm: Pcm) -> None:
        with self._lock:
            self._memory[key] = pcm
            self._memory.move_to_end(key)
            while len(self._memory) > self._memory_items:
                self._memory.popitem(last=False)

    def _lookup(self, key: str) -> Pcm | None:
        pcm = self._memory_get(key)
        if pcm is None:
            pcm = self._disk_get(key)
            if pcm is not None:
                self._memory_put(key, pcm)
        return pcm

    # --- disk ---

    def _path(self, key: str) -> Path | None:
        return None if self._dir is None else self._dir / f"{key}{SUFFIX}"

    def _disk_get(self, key: str) -> Pcm | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            pcm = _read_wav(path)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error, ValueError) as error:
            log.warning("dropping unreadable cached speech %s: %s", path.name, error)
            self._disk_drop(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return pcm

    def _disk_drop(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        with self._disk_lock:
            self._files = max(0, self._files - 1)
            self._bytes = max(0, self._bytes - size)

    def _disk_put(self, key: str, pcm: Pcm) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            size = _write_wav_atomic(path, pcm)
        except OSError as error:
            log.warning("could not cache speech on disk: %s", error)
            return
        with self._disk_lock:
            self._files += 1
            self._bytes += size
            if self._files > self._disk_items or self._bytes > self._disk_bytes:
                self._prune()

    def _scan_disk(self) -> tuple[int, int]:
        """Count the cached files and bytes; remove temp files a crash left behind."""
        assert self._dir is not None
        files = size = 0
        now = time.time()
        for entry, stat in _entries(self._dir):
            if entry.name.startswith(TEMP_PREFIX):
                if now - stat.st_mtime > STALE_TEMP:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
            elif entry.name.endswith(SUFFIX):
                files += 1
                size += stat.st_size
        return files, size

    def _prune(self) -> None:
        """Evict the least recently used files down to `PRUNE_TO` of each bound.

        Call with `_disk_lock` held. The tallies then come from the directory itself;
        a file another thread has written but not yet counted can only make them too
        high, which brings the next prune (and a fresh count) early, never late.
        """
        if self._dir is None:
            return
        try:
            found = [
                (stat.st_mtime, entry.path, stat.st_size)
                for entry, stat in _entries(self._dir)
                if entry.name.endswith(SUFFIX) and not entry.name.startswith(TEMP_PREFIX)
            ]
            found.sort()
            files, size = len(found), sum(s for _, _, s in found)
            keep_files = int(self._disk_items * PRUNE_TO)
            keep_bytes = int(self._disk_bytes * PRUNE_TO)
            for _, path, file_size in found:
                if files <= keep_files and size <= keep_bytes:
                    break
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                files -= 1
                size -= file_size
            self._files, self._bytes = files, size
        except OSError as error:
            log.warning("could not prune the speech cache: %s", error)


def _entries(directory: Path) -> Iterator[tuple[os.DirEntry[str], os.stat_result]]:
    """Regular files in `directory` with their stat (skipping ones that vanish meanwhile)."""
    with os.scandir(directory) as it:
        for entry in it:
            try:
                if entry.is_file(follow_symlinks=False):
                    yield entry, entry.stat(follow_symlinks=False)
            except OSError:
                continue


def _read_wav(path: Path) -> Pcm:
    """A cached file as Pcm; ValueError/wave.Error/EOFError if it is not whole and sane."""
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError("not mono 16-bit")
        rate, frames = wav.getframerate(), wav.getnframes()
        data = wav.readframes(frames)
    if rate <= 0 or frames <= 0:
        raise ValueError("empty")
    if len(data) != 2 * frames:
        raise ValueError(f"truncated: {len(data) // 2} of {frames} frames")
    return Pcm(_swap_if_big(data), rate)


def _write_wav_atomic(path: Path, pcm: Pcm) -> int:
    """Write `pcm` to `path` via a synced temp file and os.replace; the file's size."""
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            with wave.open(file, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(pcm.rate)
                wav.writeframes(_swap_if_big(pcm.data))
            file.flush()
            os.fsync(file.fileno())
            size = file.tell()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return size


def _swap_if_big(data: bytes) -> bytes:
    """Native <-> little-endian 16-bit samples (WAV is little-endian; Pcm is native)."""
    if sys.byteorder == "little":
        return data
    samples = array.array("h")
    samples.frombytes(data)
    samples.byteswap()
    return samples.tobytes()
