"""Without `--config`, the page edits the caregiver's own copy of the built-in config, and `run`
starts from that copy once it exists (the built-in config is never edited in place)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from accessible_companion import paths
from accessible_companion.caregiver.own_config import caregiver_copy
from accessible_companion.config.last_good import choose
from accessible_companion.config.loader import default_config_dir


@pytest.fixture(autouse=True)
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_copy_is_the_built_in_config_made_private_whatever_the_umask() -> None:
    assert choose(None).reason == "built_in"
    old = os.umask(0o022)
    try:
        copy = caregiver_copy()
    finally:
        os.umask(old)
    assert copy == paths.user_config_dir()
    assert files_of(copy) == files_of(default_config_dir())
    for path in [copy, *copy.rglob("*")]:
        wanted = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == wanted, path
    assert not [p for p in copy.parent.iterdir() if p.name.startswith(".config-")]  # no leftovers


def test_an_existing_copy_is_left_as_the_caregiver_made_it() -> None:
    copy = caregiver_copy()
    settings = copy / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# mine\n", encoding="utf-8")
    assert caregiver_copy() == copy
    assert settings.read_text(encoding="utf-8").endswith("# mine\n")


def test_run_without_a_config_starts_from_the_copy_else_the_last_good_one() -> None:
    copy = caregiver_copy()
    chosen = choose(None)
    assert (chosen.reason, chosen.path, chosen.problems) == ("caregiver_copy", copy, ())
    (copy / "menus" / "home.yaml").write_text(
        "menus:\n  - id: home\n    items: []\n  - oops\n", encoding="utf-8"
    )
    broken = choose(None)
    assert broken.reason == "last_good" and broken.problems
    assert broken.config.menus.home == chosen.config.menus.home
