"""The trace: one JSON object per line, flushed at once (see README: Trace)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


class TraceWriter:
    """Appends `{"t": seconds since start, "event": NAME, ...}` lines to a file."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        # Line buffering is not enough on its own for a reader in another process; flush each line.
        self._file: IO[str] | None = path.open("a", encoding="utf-8") if path is not None else None

    def write(self, event: str, **fields: Any) -> None:
        """Write one trace line now."""
        if self._file is None:
            return
        line = {"t": round(self._clock() - self._start, 4), "event": event, **fields}
        self._file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
