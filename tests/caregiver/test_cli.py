"""`accessible-companion caregiver pin` (set, refuse, clear) and `caregiver` serving the files."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from accessible_companion import paths
from accessible_companion.caregiver import auth
from accessible_companion.cli import main


@pytest.fixture(autouse=True)
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_a_pin_from_stdin_is_kept_hashed_and_cleared(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    assert main(["caregiver", "pin", "--pin-stdin"]) == 0
    assert "PIN is set" in capsys.readouterr().out
    assert auth.pin_matches(paths.caregiver_pin_file(), "4321")
    assert main(["caregiver", "pin", "--clear"]) == 0
    assert not paths.caregiver_pin_file().exists()
    assert main(["caregiver", "pin", "--clear"]) == 0
    assert "No PIN was set" in capsys.readouterr().out


def test_a_short_pin_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("12\n"))
    assert main(["caregiver", "pin", "--pin-stdin"]) == 2
    assert "at least 4" in capsys.readouterr().err
    assert not paths.caregiver_pin_file().exists()


def test_the_pin_is_asked_twice_and_must_be_the_same(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["5555", "5556"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["caregiver", "pin"]) == 2
    assert "not the same" in capsys.readouterr().err
    assert not paths.caregiver_pin_file().exists()
    answers = iter(["5555", "5555"])
    assert main(["caregiver", "pin"]) == 0
    assert auth.pin_matches(paths.caregiver_pin_file(), "5555")


def test_listening_on_a_name_is_refused(capsys: pytest.CaptureFixture[str], config_dir: Path) -> None:
    assert main(["caregiver", "--config", str(config_dir), "--listen", "localhost"]) == 2
    assert "not an IP address" in capsys.readouterr().err


@pytest.mark.real
def test_the_caregiver_command_serves_the_files_until_ctrl_c(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    command = [sys.executable, "-m", "accessible_companion", "caregiver", "--port", "0"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.search(r"is at (http://127\.0\.0\.1:\d+/)", first)
        assert found, first + proc.stderr.read() if proc.stderr else first
        assert str(paths.user_config_dir()) in first  # the caregiver's own copy, made for it
        with urllib.request.urlopen(found.group(1), timeout=5) as answer:
            assert answer.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
