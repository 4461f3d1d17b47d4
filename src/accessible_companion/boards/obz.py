"""Writing an .obz: a zip of the manifest, the boards and their files, replacing the old file in
one step (a reader never sees half a package)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from pathlib import Path

from ..durable import sync_folder

FILE_MODE = 0o644
_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Every entry's time: the same menus give the same bytes."""


def write_obz(out: Path, entries: dict[str, bytes]) -> None:
    """Write `entries` (path -> bytes, in that order) as the zip `out`. Raises OSError."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w") as archive:
                for name, data in entries.items():
                    info = zipfile.ZipInfo(name, date_time=_EPOCH)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = FILE_MODE << 16
                    archive.writestr(info, data)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temp, FILE_MODE)
        os.replace(temp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):
        sync_folder(out.parent)
