"""The trace: one JSON object per line, flushed at once (see README: Trace).

The file is private (0600, see private.py), and every text in a line passes `redact` first:
the last guard, so a secret that slipped into a detail upstream still never reaches the file.
Listeners (the caregiver's page) get every line as written, even when there is no file.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from . import private
from .errors import redact

log = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], None]


def _redacted(value: Any) -> Any:
    """`value` with every string in it (keys too, in lists and dicts at any depth) redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {_redacted(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value


def _text(value: object) -> str:
    """What json cannot write itself (a Path, an error) as redacted text."""
    return redact(str(value))


class TraceWriter:
    """Appends `{"t": seconds since start, "event": NAME, ...}` lines to a file."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        if path is not None:
            private.make_folder(path.parent)
        # Line buffering is not enough on its own for a reader in another process; flush each line.
        self._file: IO[str] | None = private.open_text(path) if path is not None else None
        # The loop writes from its thread, the window's reader (paints, a lost window) from its
        # own: one line must never be written into the middle of another.
        self._lock = threading.Lock()
        self._listeners: tuple[Listener, ...] = ()
        """Replaced whole, never changed in place: `write` reads it without the lock."""
        self._closed = False

    def listen(self, callback: Listener) -> Callable[[], None]:
        """Call `callback` with each line from now on (a dict, as written: redacted, values as
        JSON has them), from the writing thread, after it is written; returns what stops it.
        A listener that raises is dropped (and logged): the trace goes on without it."""
        with self._lock:
            self._listeners = (*self._listeners, callback)
        return lambda: self._drop(callback)

    def _drop(self, callback: Listener) -> None:
        with self._lock:
            self._listeners = tuple(c for c in self._listeners if c is not callback)

    def since_start(self, at: float) -> float:
        """`at` (the trace's clock, time.monotonic() by default) as a line's `t` would give it."""
        return round(at - self._start, 4)

    def write(self, event: str, **fields: Any) -> None:
        """Write one trace line now (from any thread)."""
        if self._file is None and not self._listeners:
            return
        with self._lock:
            if self._closed:
                return
            line = {"t": self.since_start(self._clock()), "event": event, **_redacted(fields)}
            text = json.dumps(line, ensure_ascii=False, default=_text)
            if self._file is not None:
                self._file.write(text + "\n")
                self._file.flush()
            listeners = self._listeners
        if listeners:
            self._tell(listeners, json.loads(text))

    def _tell(self, listeners: tuple[Listener, ...], line: dict[str, Any]) -> None:
        for callback in listeners:
            try:
                callback(dict(line))
            except Exception:
                log.exception("a trace listener failed; it hears no more lines")
                self._drop(callback)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._listeners = ()
            if self._file is not None:
                self._file.close()
                self._file = None
