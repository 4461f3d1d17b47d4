"""Where the companion keeps things: the XDG folders on Linux, exactly as before platformdirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from accessible_companion import paths

APP = "accessible-companion"


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path / "home"


def test_the_defaults_are_the_xdg_folders_in_home(home: Path) -> None:
    assert paths.data_dir() == home / ".local/share" / APP
    assert paths.journal_file() == home / ".local/share" / APP / "journal.sqlite3"
    assert paths.models_dir() == home / ".local/share" / APP / "models"
    assert paths.cache_dir() == home / ".cache" / APP
    assert paths.model_cache_dir() == home / ".cache" / APP / "models"
    assert paths.speech_cache_dir() == home / ".cache" / APP / "speech"
    assert paths.state_dir() == home / ".local/state" / APP
    assert paths.log_file() == home / ".local/state" / APP / "companion.log"


def test_absolute_xdg_variables_are_followed(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert paths.journal_file() == tmp_path / "data" / APP / "journal.sqlite3"
    assert paths.models_dir() == tmp_path / "data" / APP / "models"
    assert paths.model_cache_dir() == tmp_path / "cache" / APP / "models"
    assert paths.speech_cache_dir() == tmp_path / "cache" / APP / "speech"
    assert paths.log_file() == tmp_path / "state" / APP / "companion.log"


def test_relative_xdg_variables_are_ignored(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The XDG spec: a relative path in these variables is invalid and must be ignored.
    for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, "relative/ignored")
    assert paths.journal_file() == home / ".local/share" / APP / "journal.sqlite3"
    assert paths.speech_cache_dir() == home / ".cache" / APP / "speech"
    assert paths.log_file() == home / ".local/state" / APP / "companion.log"


def test_asking_creates_no_folder(home: Path) -> None:
    paths.log_file()
    paths.models_dir()
    assert not home.exists()
