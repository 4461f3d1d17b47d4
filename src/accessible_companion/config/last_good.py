"""The last good config, and which config a run starts on (see README: Last good config).

Every config that loads cleanly is copied into the user's state folder, so that a later
broken edit never leaves the user without menus: `run` then starts on that copy (or on the
built-in config when there is none). The recordings its items play (message banking) are
copied with it when they are in the config folder, so the user's own voice stays too. The
copy is written into a fresh private folder, checked by loading it, and only then made
current by swapping one symlink, so a crash or a power cut leaves the old copy or the new
one, never half of one.
"""

from __future__ import annotations

import contextlib
import filecmp
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import paths, private
from ..durable import sync_folder
from .loader import Config, default_config_dir, load_config
from .problems import ConfigError, Problem

log = logging.getLogger(__name__)

Reason = Literal["given", "caregiver_copy", "last_good", "built_in"]
_YAML = (".yaml", ".yml")


@dataclass(frozen=True)
class Chosen:
    """The config a run starts on, why, and what was wrong with the one given."""

    config: Config
    reason: Reason
    """`given` (it loaded), `caregiver_copy` (no config was given: the caregiver's copy that
    their page edits, `paths.user_config_dir()`, loaded), `last_good` (it did not: the last
    copy that did) or `built_in`."""
    path: Path
    """Where `config` was read from."""
    problems: tuple[Problem, ...] = ()
    """Why the given config is not used (empty when it is)."""


def choose(path: Path | None) -> Chosen:
    """The given config if it loads (kept as the last good one), else the last good one,
    else the built-in one. Without one, the caregiver's copy (made by their page) if there
    is one, on the same terms; else the built-in one. Never raises for a broken config."""
    if path is None:
        copy = paths.user_config_dir()
        if not copy.is_dir():
            return Chosen(load_config(None), "built_in", default_config_dir())
        return _loaded_or_kept(copy, "caregiver_copy")
    return _loaded_or_kept(path, "given")


def _loaded_or_kept(path: Path, reason: Reason) -> Chosen:
    """`path`'s config if it loads, else the last good one, else the built-in one."""
    try:
        config = load_config(path)
    except ConfigError as error:
        problems = tuple(error.problems)
    else:
        keep_quietly(config, path)
        return Chosen(config, reason, path)
    kept = paths.last_good_config_dir()
    if kept.exists():
        try:
            return Chosen(load_config(kept), "last_good", kept.resolve(), problems)
        except ConfigError as error:  # e.g. kept by a release with other rules
            log.warning("the last good config no longer loads: %s", error)
    return Chosen(load_config(None), "built_in", default_config_dir(), problems)


def keep_quietly(config: Config, source: Path) -> None:
    """`keep`, but a state folder that cannot be written only costs the copy (logged)."""
    try:
        keep(config, source)
    except OSError as error:
        log.warning("could not keep the last good config: %s", error)


def keep(config: Config, source: Path) -> bool:
    """Keep the caregiver's files of `config` (loaded from `source`) as the last good config,
    in their relative layout; False when the kept copy already holds exactly these files."""
    contents = _contents(config, source)
    state = paths.state_dir()
    private.make_folder(state)
    current = paths.last_good_config_dir()
    if _holds(current, contents):
        return False
    temp = Path(tempfile.mkdtemp(prefix=".last-good-", dir=state))  # 0700
    try:
        for relative, data in contents.items():
            if isinstance(data, Path):
                _copy_private(data, temp / relative)
            else:
                _write_private(temp / relative, data)
        # The files may have changed since `config` was read: the copy itself must load.
        load_config(temp)
        version = state / f"{current.name}.{time.time_ns()}"
        os.rename(temp, version)
    except ConfigError:
        shutil.rmtree(temp, ignore_errors=True)
        return False
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _point(current, version)
    for old in state.glob(f"{current.name}.*"):
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
    return True


def _contents(config: Config, source: Path) -> dict[Path, bytes | Path]:
    """Relative path -> bytes of the config's own files (not the built-in ones it fell back on),
    or the path of a recording of theirs to copy (read in pieces: up to 20 MB each)."""
    found: dict[Path, bytes | Path] = {}
    if not source.is_dir():
        name = source.name if source.suffix in _YAML else f"{source.name}.yaml"
        found[Path(name)] = source.read_bytes()
    else:
        root = source.resolve()
        for file in config.files:
            resolved = file.resolve()
            if resolved.is_relative_to(root):
                found[resolved.relative_to(root)] = resolved.read_bytes()
    # Items hold their recordings' paths as written (made absolute, not resolved): compare alike.
    folder = Path(os.path.abspath(source if source.is_dir() else source.parent))
    for menu in config.menus.menus.values():
        for item in menu.items:
            sound = Path(item.sound)
            if item.sound and sound.is_relative_to(folder) and sound.is_file():
                found[sound.relative_to(folder)] = sound
    return found


def _holds(folder: Path, contents: dict[Path, bytes | Path]) -> bool:
    if not folder.is_dir():
        return False
    present = {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}
    if present != set(contents):
        return False
    return all(
        # A copied recording keeps its original's time, so comparing sizes and times suffices.
        filecmp.cmp(folder / relative, data)
        if isinstance(data, Path)
        else (folder / relative).read_bytes() == data
        for relative, data in contents.items()
    )


def _write_private(path: Path, data: bytes) -> None:
    private.make_folder(path.parent)
    with private.open_binary(path, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _copy_private(source: Path, path: Path) -> None:
    """Copy a recording into the private copy, keeping its time (see `_holds`)."""
    private.make_folder(path.parent)
    with source.open("rb") as data, private.open_binary(path, "xb") as out:
        shutil.copyfileobj(data, out)
        out.flush()
        os.fsync(out.fileno())
    info = source.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _point(link: Path, version: Path) -> None:
    """Make `link` point at `version` in one step (a new symlink renamed over the old one)."""
    if link.is_dir() and not link.is_symlink():  # a plain folder left by hand
        shutil.rmtree(link)
    temp = link.with_name(f".{link.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(version.name, temp)
    os.replace(temp, link)
    sync_folder(link.parent)
