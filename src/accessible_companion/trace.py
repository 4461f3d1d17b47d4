"""The trace: one JSON object per line, flushed at once (see README: Trace).

The file is private (0600, see private.py), and every text in a line passes `redact` first:
the last guard, so a secret that slipped into a detail upstream still never reaches the file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from . import private
from .errors import redact


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

    def since_start(self, at: float) -> float:
        """`at` (the trace's clock, time.monotonic() by default) as a line's `t` would give it."""
        return round(at - self._start, 4)

    def write(self, event: str, **fields: Any) -> None:
        """Write one trace line now (from any thread)."""
        if self._file is None:
            return
        with self._lock:
            if self._file is None:
                return
            line = {"t": self.since_start(self._clock()), "event": event, **_redacted(fields)}
            self._file.write(json.dumps(line, ensure_ascii=False, default=_text) + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
