"""The real process under Xvfb: a broken config starts on the last good one, and a config
edited while running is applied (or, when broken, announced once while the old one keeps working)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below

SETTINGS = "settings:\n  scanning: {mode: step}\n"
MENUS = """menus:
  - id: home
    title: Home
    items:
      - label: Water
      - label: Tea
      - label: More
        menu: more
  - id: more
    title: More
    items:
      - label: Thanks
"""
PROBLEM = "The caregiver's changes have a problem; using the last working menus."


def config_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cfg"
    (folder / "menus").mkdir(parents=True)
    (folder / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (folder / "menus" / "home.yaml").write_text(MENUS, encoding="utf-8")
    return folder


def start(tmp_path: Path, folder: Path, display: str) -> Companion:
    args = ["--config", str(folder), "--input", "x11", "--no-speech", "--no-voice", "--no-journal"]
    return Companion.start(tmp_path, *args, env={"DISPLAY": display})


def rewrite(path: Path, text: str) -> None:
    """As an editor saves: a new file renamed over the old one."""
    temp = path.with_name(f".{path.name}.new")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_a_broken_config_starts_on_the_last_good_one(xvfb_display: str, tmp_path: Path) -> None:
    folder = config_folder(tmp_path)
    first = start(tmp_path, folder, xvfb_display)
    try:
        assert first.wait_for(event("config"))["reason"] == "given"
        first.wait_for(event("ready"))
    finally:
        assert first.stop() == 0
    kept = tmp_path / "state" / "accessible-companion" / "last-good-config"
    assert (kept / "menus" / "home.yaml").read_text(encoding="utf-8") == MENUS
    assert stat.S_IMODE(kept.resolve().stat().st_mode) == 0o700
    assert stat.S_IMODE((kept / "settings.yaml").stat().st_mode) == 0o600

    broken = MENUS.replace("- label: Tea", "- lable: Tea")
    (folder / "menus" / "home.yaml").write_text(broken, encoding="utf-8")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    command = [sys.executable, "-m", "accessible_companion", "check", str(folder)]
    check = subprocess.run(command, env=env, capture_output=True, check=False)
    assert check.returncode == 2
    (tmp_path / "trace.jsonl").unlink()
    app = start(tmp_path, folder, xvfb_display)
    try:
        used = app.wait_for(event("config"))
        assert used["reason"] == "last_good" and used["path"] == str(kept.resolve())
        problem = app.wait_for(event("config_problem"))
        assert problem["where"] == f"{folder / 'menus' / 'home.yaml'}:6", problem
        app.wait_for(event("notice", text=PROBLEM, spoken=True, kind="config"))
        app.wait_for(event("highlight", menu="home", index=0))
        press(xvfb_display, "space")
        app.wait_for(event("highlight", menu="home", index=1, label="Tea"))
        time.sleep(0.3)  # past debounce
        press(xvfb_display, "Return")
        assert app.wait_for(event("select", menu="home"))["label"] == "Tea"
    finally:
        assert app.stop() == 0
    assert [line["event"] for line in app.lines()].count("notice") == 1


def test_edits_while_running_are_applied_or_announced_once(xvfb_display: str, tmp_path: Path) -> None:
    folder = config_folder(tmp_path)
    home = folder / "menus" / "home.yaml"
    app = start(tmp_path, folder, xvfb_display)
    try:
        app.wait_for(event("highlight", menu="home", index=0))
        # 1. A new label: the next highlight shows it.
        rewrite(home, MENUS.replace("label: Tea", "label: Juice"))
        app.wait_for(event("config", reason="reload", path=str(folder)), timeout=5)
        press(xvfb_display, "space")
        app.wait_for(event("highlight", menu="home", index=1, label="Juice"))
        time.sleep(0.3)
        # 2. A broken edit: announced once, traced once, the running menus keep working.
        rewrite(home, MENUS.replace("label: Tea", "label: [Tea"))
        problem = app.wait_for(event("config_problem"), timeout=5)
        assert problem["where"].startswith(f"{home}:"), problem
        time.sleep(2.5)  # two more polls: the same problem is not said again
        press(xvfb_display, "Return")
        assert app.wait_for(event("select", menu="home"))["label"] == "Juice"
        lines = app.lines()
        assert [line["event"] for line in lines].count("config_problem") == 1
        assert [line for line in lines if line["event"] == "notice"] == []  # a spoken effect, not a Notice
        # 3. SIGHUP reads it again (announcing the problem again) and does not stop the companion.
        mark = len(lines)
        assert app.proc is not None
        app.proc.send_signal(signal.SIGHUP)
        app.wait_for(event("config_problem"), timeout=5, after=mark)
        rewrite(home, MENUS)
        app.wait_for(event("config", reason="reload"), timeout=5, after=mark)
        mark = len(app.lines())
        app.proc.send_signal(signal.SIGHUP)  # unchanged: applied again all the same
        app.wait_for(event("config", reason="reload"), timeout=5, after=mark)
        press(xvfb_display, "space")
        app.wait_for(event("highlight", index=1, label="Tea"), timeout=5, after=mark)
    finally:
        assert app.stop() == 0
