"""An item's `sound:` (message banking): where the recording is, and whether it can be played.

Missing is a warning, everything else wrong is an error:

- A recording that is not there (deleted, not copied yet, not recorded yet) leaves a config
  that works: the item says its words with the synthetic voice, and says once that the
  recording was missing. Refusing the whole config for it would also refuse every other
  edit made with it (the last good config keeps running), for one phrase that still works.
  `check` prints it as `file:line: warning: ...`; it does not fail.
- A file that is there but is no WAV, FLAC or Ogg recording, is longer than 60 s or larger
  than 20 MB, or a path that leaves the config folder, is someone pointing `sound:` at the
  wrong file (a phone's .m4a, a whole voicemail) right now: saying so at once, at its line,
  beats hearing the synthetic voice later. Recordings in the config folder are kept with
  the last good config, so the user's own voice survives a broken edit.

Only headers are read here (audio/headers.py): this runs in the companion's own process.
Whether the sound data itself decodes is found out by the decoder's process, ahead of
playing, and by `check`, which asks it (`decode`); one that does not is a warning, as
missing is: `run` would use the config all the same and speak those words.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..audio.decoder import DecodeError, Decoder
from ..audio.headers import MAX_SECONDS, HeaderError, SoundHeader, probe
from .kinds import dotted
from .problems import Problem
from .yaml_lines import LinedYaml, Location


class SoundCheck:
    """Resolves and checks the `sound:` of each item of one config load (each file probed once)."""

    def __init__(self, root: Path, files_at: Path | None = None, decode: bool = False) -> None:
        """`root`: the folder of the config's YAML files; `files_at`: where that folder really
        is when `root` is a copy holding only the YAML files (recordings are found there);
        `decode`: decode each recording too (in the decoder's process; `close()` ends it)."""
        self._root = root
        self._real = files_at or root
        self._probed: dict[Path, SoundHeader | Exception] = {}
        self._decoder = Decoder() if decode else None
        self._decoded: dict[Path, str] = {}
        self.warnings: list[Problem] = []

    def close(self) -> None:
        """End the decoder's process, if one was started."""
        if self._decoder is not None:
            self._decoder.close()

    def resolve(
        self, written: str, doc: LinedYaml, where: Location, problems: list[Problem]
    ) -> tuple[str, float]:
        """The absolute path of the recording `written` at `where` in `doc` and its length (0 if
        not known); problems go to `problems`, a missing file to `warnings`."""
        if not written.strip():
            return "", 0.0
        path, seconds, why = self._check(written, doc, where, problems)
        if why:
            self.warnings.append(
                Problem(
                    doc.file,
                    doc.line(where),
                    f"{dotted(where)}: '{written}' {why}; its words will be spoken",
                    True,
                )
            )
        return path, seconds

    def _check(
        self, written: str, doc: LinedYaml, where: Location, problems: list[Problem]
    ) -> tuple[str, float, str]:
        """(absolute path, length or 0, why it will not play if that is only a warning)."""
        folder = self._real / os.path.relpath(doc.file.parent, self._root)
        path = Path(os.path.abspath(folder / written))
        name = dotted(where)
        if not Path(written).is_absolute() and not path.is_relative_to(os.path.abspath(self._real)):
            problems.append(
                doc.problem(
                    where,
                    f"{name}: '{written}' is outside the config folder; keep recordings in it, "
                    "so that they are kept with it",
                )
            )
            return str(path), 0.0, ""
        found = self._probe(path)
        if isinstance(found, HeaderError):
            problems.append(doc.problem(where, f"{name}: '{written}' cannot be played: {found}"))
        elif isinstance(found, Exception):
            return str(path), 0.0, _missing(found)
        elif found.seconds is not None and found.seconds > MAX_SECONDS:
            problems.append(
                doc.problem(
                    where,
                    f"{name}: '{written}' is {found.seconds:.0f} s long; a recording may be at most "
                    f"{MAX_SECONDS:g} s",
                )
            )
        else:
            return str(path), found.seconds or 0.0, self._undecodable(path)
        return str(path), 0.0, ""

    def _probe(self, path: Path) -> SoundHeader | Exception:
        if path not in self._probed:
            try:
                self._probed[path] = probe(path)
            except (OSError, HeaderError) as error:
                self._probed[path] = error
        return self._probed[path]

    def _undecodable(self, path: Path) -> str:
        """Why the decoder cannot play `path` ("" when it can, or when not asked to decode)."""
        if self._decoder is None:
            return ""
        if path not in self._decoded:
            try:
                self._decoder.decode(str(path))
                self._decoded[path] = ""
            except DecodeError as error:
                self._decoded[path] = str(error)
        return self._decoded[path]


def _missing(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "is not there"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a recording"
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied)"
    return f"cannot be read ({error})"
