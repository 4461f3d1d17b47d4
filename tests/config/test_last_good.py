"""The last good config (real files in a private state folder) and the watcher (a real thread)."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from accessible_companion import paths
from accessible_companion.app import _chosen
from accessible_companion.config import load_config
from accessible_companion.config.last_good import choose, keep
from accessible_companion.config.watch import ConfigWatcher
from accessible_companion.core.events import ConfigChanged, ConfigRejected, Event

GOOD = "menus:\n  - id: home\n    title: Home\n    items:\n      - label: Water\n      - label: Tea\n"
BROKEN = GOOD + "        action: fly\n"  # line 7


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where a caregiver's copy would be
    return tmp_path / "state"


def folder_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "cfg"
    (folder / "menus").mkdir(parents=True, exist_ok=True)
    (folder / "menus" / "home.yaml").write_text(text, encoding="utf-8")
    return folder


def labels(path: Path) -> list[str]:
    return [item.label for item in load_config(path).menus["home"].items]


def test_a_clean_config_is_kept_privately_in_its_layout_whatever_the_umask(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, GOOD)
    old = os.umask(0o022)
    try:
        chosen = choose(folder)
    finally:
        os.umask(old)
    assert (chosen.reason, chosen.problems) == ("given", ())
    kept = paths.last_good_config_dir()
    assert (kept / "menus" / "home.yaml").read_text(encoding="utf-8") == GOOD
    assert stat.S_IMODE(kept.resolve().stat().st_mode) == 0o700
    assert stat.S_IMODE((kept / "menus" / "home.yaml").stat().st_mode) == 0o600
    assert keep(load_config(folder), folder) is False  # unchanged: not written again


def test_a_broken_config_starts_on_the_last_good_one_else_the_built_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_with(tmp_path, BROKEN)
    chosen = _chosen(folder)
    assert chosen.reason == "built_in" and [p.line for p in chosen.problems] == [7]
    assert "uses the built-in config" in capsys.readouterr().err
    folder_with(tmp_path, GOOD)
    assert choose(folder).reason == "given"
    folder_with(tmp_path, BROKEN)
    chosen = _chosen(folder)
    assert chosen.reason == "last_good" and labels(chosen.path) == ["Water", "Tea"]
    err = capsys.readouterr().err
    assert "uses the last working config" in err and "home.yaml:7: unknown action 'fly'" in err
    assert "Traceback" not in err


def test_a_single_file_is_kept_as_a_folder_of_one_file(tmp_path: Path) -> None:
    file = tmp_path / "my-config.txt"
    file.write_text(GOOD, encoding="utf-8")
    choose(file)
    assert labels(paths.last_good_config_dir()) == ["Water", "Tea"]
    file.write_text(GOOD.replace("Tea", "Juice"), encoding="utf-8")
    choose(file)
    kept = paths.last_good_config_dir()
    assert labels(kept) == ["Water", "Juice"]
    assert [p.name for p in kept.parent.glob("last-good-config.*")] == [kept.resolve().name]


def kept_labels() -> list[str]:
    """The last good config's labels, or none while it is not there yet."""
    kept = paths.last_good_config_dir()
    return labels(kept) if kept.exists() else []


def watched(folder: Path, running: bool = True) -> tuple[ConfigWatcher, list[Event]]:
    posted: list[Event] = []
    watcher = ConfigWatcher(folder, lambda s: s, load_config(folder) if running else None, poll=0.05)
    watcher.start(lambda event, at: posted.append(event))
    return watcher, posted


def soon(check: Callable[[], bool]) -> None:
    end = time.monotonic() + 5
    while not check():
        assert time.monotonic() < end, "never happened"
        time.sleep(0.02)


def test_the_watcher_posts_a_change_and_each_distinct_problem_set_once(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, GOOD)
    watcher, posted = watched(folder)
    try:
        time.sleep(0.2)
        (folder / "menus" / "home.yaml").touch()  # not a change
        folder_with(tmp_path, GOOD.replace("Tea", "Juice"))
        soon(lambda: len(posted) == 1)
        assert isinstance(posted[0], ConfigChanged)
        assert [i.label for i in posted[0].menus["home"].items] == ["Water", "Juice"]
        # Kept as the last good one just after it is handed on (the copy never delays its use).
        soon(lambda: kept_labels() == ["Water", "Juice"])
        folder_with(tmp_path, BROKEN)
        soon(lambda: len(posted) == 2)
        time.sleep(0.3)
        (folder / "menus" / "home.yaml").write_text(BROKEN + "\n", encoding="utf-8")  # same problems
        time.sleep(0.5)
        assert len(posted) == 2 and isinstance(posted[1], ConfigRejected)
        [(where, message)] = posted[1].problems
        assert where == f"{folder / 'menus' / 'home.yaml'}:7" and "'fly'" in message
        watcher.reload_now()  # SIGHUP: said again
        soon(lambda: len(posted) == 3)
        assert posted[2] == posted[1]
    finally:
        watcher.stop()


def test_a_reload_asked_for_with_a_reason_carries_it(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, GOOD)
    watcher, posted = watched(folder)
    try:
        folder_with(tmp_path, GOOD.replace("Tea", "Juice"))
        watcher.reload_now("page:7")  # the caregiver's page saved version 7
        soon(lambda: any(isinstance(e, ConfigChanged) and e.reason == "page:7" for e in posted))
        time.sleep(0.3)
        folder_with(tmp_path, GOOD.replace("Tea", "Milk"))  # an edit by hand after it
        soon(lambda: isinstance(posted[-1], ConfigChanged) and "Milk" in str(posted[-1].menus))
        assert isinstance(posted[-1], ConfigChanged) and posted[-1].reason == "reload"
    finally:
        watcher.stop()
