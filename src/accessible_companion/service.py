"""`accessible-companion service install|remove|status`: a systemd user service that starts the
companion with the desktop session and starts it again whenever it ends (a crash, exit 75 when
no switch could be read, a reboot).

DISPLAY and XAUTHORITY are not written into the unit: they can change from one login to the
next. The service takes them from the user manager's environment, which desktops that start
`graphical-session.target` fill in themselves; `install` also imports the current ones
(`systemctl --user import-environment`), so the service works at once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .config.atomic_write import write_atomically

UNIT = "accessible-companion.service"
TARGET = "graphical-session.target"
"""Started with the graphical session (X is there) and stopped with it; see README "Start at login"."""
RESTART_SEC = 2
ENVIRONMENT = ("DISPLAY", "XAUTHORITY")
SYSTEMCTL_TIMEOUT = 30.0
"""Seconds a `systemctl --user` command may take (a stuck user manager must not hang the caregiver)."""
NOT_INSTALLED = 4
"""`status` exit status when the unit file is not there (systemctl's own for an unknown unit)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `service` command to the CLI."""
    service = commands.add_parser(
        "service", help="start the companion at login and again after a crash (systemd user service)"
    )
    actions = service.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    install = actions.add_parser("install", help=f"write ~/.config/systemd/user/{UNIT}, enable and start it")
    install.add_argument(
        "--config", type=Path, help="the caregiver config the service runs with (default: built-in)"
    )
    actions.add_parser("remove", help="stop and disable the service and delete its unit file")
    actions.add_parser("status", help="show whether the service is installed and running")


def main(args: argparse.Namespace) -> int:
    """Run `service ACTION`."""
    if args.service_command == "install":
        return install(args.config)
    if args.service_command == "remove":
        return remove()
    return status()


def unit_path() -> Path:
    """Where systemd looks for the user's own units: `$XDG_CONFIG_HOME/systemd/user/`."""
    config_home = os.environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec (and systemd) ignore a relative value.
    base = Path(config_home) if os.path.isabs(config_home) else Path.home() / ".config"
    return base / "systemd" / "user" / UNIT


def command_line(config: Path | None) -> list[str]:
    """The command the service runs: this installation's console script, else this Python `-m`."""
    script = _console_script()
    command = [script] if script else [sys.executable, "-m", "accessible_companion"]
    command.append("run")
    if config is not None:
        command += ["--config", str(config.expanduser().resolve())]  # the service's cwd is not ours
    return command


def unit_text(command: Sequence[str]) -> str:
    """The unit file that runs `command`."""
    return f"""\
# Written by `accessible-companion service install`; `accessible-companion service remove` deletes it.
[Unit]
Description=Accessible Companion: switch scanning, speech and a call for help
PartOf={TARGET}
After={TARGET}
# No limit on restarts: the companion must always come back.
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart={" ".join(_quoted(part) for part in command)}
# Always, also after exit status 75 (no switch could be read: X gone and no terminal).
Restart=always
RestartSec={RESTART_SEC}
# DISPLAY and XAUTHORITY come from the user manager's environment (systemctl --user
# import-environment DISPLAY XAUTHORITY), not from this file: they change between logins.

[Install]
WantedBy={TARGET}
"""


def install(config: Path | None) -> int:
    """Write the unit, then enable and start it (or print how to, without systemctl)."""
    if config is not None and not config.exists():
        print(f"accessible-companion: {config} does not exist", file=sys.stderr)
        return 2
    path = unit_path()
    write_atomically(path, unit_text(command_line(config)))
    print(f"Wrote {path}")
    steps = [["daemon-reload"], ["enable", "--now", UNIT]]
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        # The file is written; the rest is the caregiver's, to run in the graphical session.
        print(_manual([["import-environment", *ENVIRONMENT], *steps], "systemctl is not on PATH; to finish"))
        return 0
    # Only names that are set: importing an unset one is an error on older systemd.
    imported = [name for name in ENVIRONMENT if os.environ.get(name)]
    steps = [["import-environment", *imported], *steps] if imported else steps
    for index, step in enumerate(steps):
        if not _systemctl(systemctl, step):
            print(_manual(steps[index:], "to finish, once the user's systemd runs"), file=sys.stderr)
            return 1
    print(f"The companion now starts at login ({TARGET}) and again {RESTART_SEC} s after it ends.")
    return 0


def remove() -> int:
    """Stop and disable the service, delete the unit file."""
    path = unit_path()
    if not path.exists():
        print(f"The service is not installed (no {path}).")
        return 0
    systemctl = shutil.which("systemctl")
    if systemctl is not None:
        # Not fatal: the unit may never have been loaded (written while systemctl was missing).
        _systemctl(systemctl, ["disable", "--now", UNIT])
    path.unlink()
    print(f"Deleted {path}")
    if systemctl is None:
        print(_manual([["stop", UNIT], ["daemon-reload"]], "if the service still runs"))
        return 0
    return 0 if _systemctl(systemctl, ["daemon-reload"]) else 1


def status() -> int:
    """`systemctl --user status`, or say that the service is not installed."""
    path = unit_path()
    if not path.exists():
        print(
            f"The service is not installed (no {path}); install it with: accessible-companion service install"
        )
        return NOT_INSTALLED
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        print(f"The service is installed ({path}), but systemctl is not on PATH to say whether it runs.")
        return NOT_INSTALLED
    try:
        done = subprocess.run(
            [systemctl, "--user", "status", "--no-pager", UNIT], timeout=SYSTEMCTL_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"accessible-companion: systemctl --user status failed: {error}", file=sys.stderr)
        return 1
    return done.returncode


def _systemctl(systemctl: str, arguments: list[str]) -> bool:
    """Run `systemctl --user ARGUMENTS`; on failure say what failed (its own words) and return False."""
    try:
        done = subprocess.run(
            [systemctl, "--user", *arguments],
            capture_output=True,
            text=True,
            timeout=SYSTEMCTL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"accessible-companion: systemctl --user {' '.join(arguments)}: {error}", file=sys.stderr)
        return False
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        print(f"accessible-companion: systemctl --user {' '.join(arguments)}: {reason}", file=sys.stderr)
        return False
    return True


def _manual(steps: list[list[str]], why: str) -> str:
    lines = [f"{why}, run:"]
    lines += [f"    systemctl --user {' '.join(step)}" for step in steps]
    return "\n".join(lines)


def _console_script() -> str | None:
    """The absolute path of this installation's `accessible-companion` script, if there is one."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    # Started as the console script: that very file. Else the one beside this Python (a venv's bin).
    for candidate in (started, Path(sys.executable).parent / "accessible-companion"):
        if candidate is None or candidate.name != "accessible-companion":
            continue
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.absolute())
    return None


def _quoted(part: str) -> str:
    """One ExecStart word: `%` and `$` are systemd's specifiers and variables, so doubled."""
    escaped = part.replace("%", "%%").replace("$", "$$")
    if escaped and not any(char in escaped for char in " \t\"'\\;"):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
