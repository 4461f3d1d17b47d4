"""Replace a file in one step, so a reader (or a power cut) sees the old text or the new, never half."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ..durable import sync_folder

NEW_FILE_MODE = 0o644
"""Permission bits of a file that did not exist before (readable by the companion and the caregiver)."""


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temp file beside `path`, flush it to disk, then rename it over `path`.

    The file keeps its permission bits; the folder is synced so the rename itself survives a crash.
    """
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else NEW_FILE_MODE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    sync_folder(path.parent)
