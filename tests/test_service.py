"""`accessible-companion service`: the unit file, and install/remove/status without systemctl."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accessible_companion import service


def _parsed(text: str) -> configparser.ConfigParser:
    # systemd allows repeated keys and is case-sensitive: read it the same way.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


def _cli(tmp_path: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, with its own XDG_CONFIG_HOME and (by default) no systemctl on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PATH": str(bin_dir) if path is None else path,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    return subprocess.run(
        [sys.executable, "-m", "accessible_companion", "service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unit_restarts_always_and_runs_this_installation(tmp_path: Path) -> None:
    config = tmp_path / "my config"
    config.mkdir()
    parsed = _parsed(service.unit_text(service.command_line(config)))
    assert parsed["Service"]["Restart"] == "always"
    assert parsed["Service"]["RestartSec"] == "2"
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"
    assert parsed["Install"]["WantedBy"] == "graphical-session.target"
    program, *arguments = parsed["Service"]["ExecStart"].split(" ", 1)
    assert Path(program).is_absolute() and os.access(program, os.X_OK), program
    # A path with a space is one quoted word.
    assert arguments[0].endswith(f'run --config "{config.resolve()}"'), arguments


def test_exec_start_escapes_what_systemd_would_expand() -> None:
    line = service.unit_text(["/opt/a b/companion", "run", "--config", "/c/100%$HOME\\x"])
    exec_start = _parsed(line)["Service"]["ExecStart"]
    assert exec_start == '"/opt/a b/companion" run --config "/c/100%%$$HOME\\\\x"'


def test_unit_path_follows_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert service.unit_path() == tmp_path / "systemd" / "user" / "accessible-companion.service"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    home = Path.home() / ".config"
    assert service.unit_path() == home / "systemd" / "user" / "accessible-companion.service"


@pytest.mark.real
def test_install_and_remove_without_systemctl_print_the_steps(tmp_path: Path) -> None:
    unit = tmp_path / "config" / "systemd" / "user" / "accessible-companion.service"
    assert _cli(tmp_path, "status").returncode == service.NOT_INSTALLED

    installed = _cli(tmp_path, "install")
    assert installed.returncode == 0, installed.stderr
    assert unit.is_file()
    assert "systemctl --user import-environment DISPLAY XAUTHORITY" in installed.stdout
    assert "systemctl --user enable --now accessible-companion.service" in installed.stdout
    assert "now starts at login" not in installed.stdout  # nothing was enabled
    assert _parsed(unit.read_text())["Service"]["Restart"] == "always"

    shown = _cli(tmp_path, "status")
    assert "installed" in shown.stdout and "systemctl is not on PATH" in shown.stdout

    removed = _cli(tmp_path, "remove")
    assert removed.returncode == 0, removed.stderr
    assert not unit.exists()
    assert "systemctl --user stop accessible-companion.service" in removed.stdout
    assert "not installed" in _cli(tmp_path, "remove").stdout


@pytest.mark.real
def test_install_refuses_a_config_that_is_not_there(tmp_path: Path) -> None:
    done = _cli(tmp_path, "install", "--config", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert not (tmp_path / "config" / "systemd").exists()


@pytest.mark.real
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_accepts_the_unit(tmp_path: Path) -> None:
    unit = tmp_path / "accessible-companion.service"
    unit.write_text(service.unit_text(service.command_line(None)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    if "Failed to initialize manager" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert "accessible-companion.service" not in done.stderr, done.stderr  # no warning about the unit
