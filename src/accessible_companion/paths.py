"""The user's folders and files: one home for where the companion keeps things.

On Linux these follow the XDG base directories (`~/.local/share`, `~/.cache`,
`~/.local/state`, or `$XDG_DATA_HOME`, `$XDG_CACHE_HOME`, `$XDG_STATE_HOME` when set to an
absolute path; the spec says a relative value is ignored); platformdirs picks the usual
places on other systems. Each call reads the environment again, so tests can point it elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import PlatformDirs

APP = "accessible-companion"


def _dirs() -> PlatformDirs:
    # No author folder (a Windows habit) and no version: a new release keeps the same folders.
    return PlatformDirs(APP, appauthor=False)


def data_dir() -> Path:
    """Kept data: the journal, downloaded speech models (`~/.local/share/accessible-companion`)."""
    return _dirs().user_data_path


def journal_file() -> Path:
    """The journal database: `data_dir()/journal.sqlite3`."""
    return data_dir() / "journal.sqlite3"


def models_dir() -> Path:
    """The user's speech model folder: `data_dir()/models`."""
    return data_dir() / "models"


def cache_dir() -> Path:
    """What can be made again: `~/.cache/accessible-companion`."""
    return _dirs().user_cache_path


def model_cache_dir() -> Path:
    """Tuned copies of speech models: `cache_dir()/models`."""
    return cache_dir() / "models"


def speech_cache_dir() -> Path:
    """Rendered speech: `cache_dir()/speech`."""
    return cache_dir() / "speech"


def state_dir() -> Path:
    """What a session leaves behind, such as its log: `~/.local/state/accessible-companion`."""
    return _dirs().user_state_path


def log_file() -> Path:
    """The full-screen session's stderr: `state_dir()/companion.log`."""
    return state_dir() / "companion.log"


def last_good_config_dir() -> Path:
    """A copy of the last config that loaded cleanly: `state_dir()/last-good-config`
    (a link to the newest copy, swapped in one step)."""
    return state_dir() / "last-good-config"


def user_config_dir() -> Path:
    """The caregiver's own copy of the built-in config, which the caregiver's page edits when
    `run` has no `--config`: `data_dir()/config` (made from the built-in one by the page)."""
    return data_dir() / "config"


def caregiver_pin_file() -> Path:
    """The caregiver page's PIN, hashed (scrypt), private: `state_dir()/caregiver-pin`."""
    return state_dir() / "caregiver-pin"


def caregiver_history_file() -> Path:
    """Every version the caregiver's page saved: `data_dir()/caregiver-history.sqlite3`."""
    return data_dir() / "caregiver-history.sqlite3"
