"""`accessible-companion caregiver`: the page for the config files while the companion is not
running, and `caregiver pin` to set or clear the page's PIN on this computer.

(The web stack is imported only when a command runs, so `--help` stays quick.)
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from .. import paths
from ..core.limits import LIMITS

if TYPE_CHECKING:
    from .running import RunningPage


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    page = commands.add_parser(
        "caregiver",
        help="open the caregiver's web page for the config files (while the companion is not running)",
    )
    page.add_argument(
        "--config",
        type=Path,
        help="the config folder to edit (default: the caregiver's own copy of the built-in one)",
    )
    page.add_argument(
        "--listen", help="the IP address to listen on (default: caregiver_page.listen, 127.0.0.1)"
    )
    low, high = LIMITS["caregiver_page.port"].low, LIMITS["caregiver_page.port"].high
    page.add_argument(
        "--port", type=int, help=f"the port ({low:g} to {high:g}, or 0 for any free one; default: 8765)"
    )
    actions = page.add_subparsers(dest="caregiver_command", metavar="ACTION")
    pin = actions.add_parser("pin", help="set the page's PIN on this computer (asked twice), or clear it")
    pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from one line of stdin")
    pin.add_argument("--clear", action="store_true", help="no PIN from now on")


def main(args: argparse.Namespace) -> int:
    if args.caregiver_command == "pin":
        return _pin(args.pin_stdin, args.clear)
    return _serve(args.config, args.listen, args.port)


def _pin(from_stdin: bool, clear: bool) -> int:
    from getpass import getpass

    from .auth import clear_pin, pin_problem, set_pin

    where = paths.caregiver_pin_file()
    if clear:
        if clear_pin(where):
            print("The PIN is cleared. On this computer the page opens without one again.")
        else:
            print("No PIN was set.")
        return 0
    if from_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
    else:
        pin = getpass("New PIN for the caregiver page: ")
        if getpass("The same PIN again: ") != pin:
            print("The two PINs are not the same; nothing was changed.", file=sys.stderr)
            return 2
    problem = pin_problem(pin)
    if problem:
        print(f"{problem} Nothing was changed.", file=sys.stderr)
        return 2
    set_pin(where, pin)
    print("The PIN is set. The caregiver page asks for it from now on, on this computer too.")
    return 0


def _serve(config: Path | None, listen: str | None, port: int | None) -> int:
    from ..config.loader import load_config
    from ..config.problems import ConfigError
    from ..core.settings import CaregiverPage
    from .own_config import caregiver_copy
    from .running import RunningPage

    folder = config if config is not None else caregiver_copy()
    try:
        wanted = load_config(folder).settings.caregiver_page
    except ConfigError as error:
        wanted = CaregiverPage()
        print("The config has problems (the page can show and fix them):", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
    listen = wanted.listen if listen is None else listen
    port = wanted.port if port is None else port
    try:
        ipaddress.ip_address(listen)
    except ValueError:
        print(f"accessible-companion: --listen {listen} is not an IP address", file=sys.stderr)
        return 2
    limit = LIMITS["caregiver_page.port"]
    if port != 0 and not limit.low <= port <= limit.high:
        print(f"accessible-companion: --port {port} is not {limit.low:g} to {limit.high:g}", file=sys.stderr)
        return 2

    started = threading.Event()

    def shown(url: str, code: str) -> None:
        if code and started.is_set():
            print(f"New pairing code: {code} (good once, for 10 minutes)", flush=True)

    page = RunningPage(folder, listen, port, None, shown, paths.journal_file())
    why = page.start()
    if why:
        print(f"accessible-companion: no caregiver page: {why}", file=sys.stderr)
        if "in use" in why.lower():
            print("(Is the companion running? It serves this page itself.)", file=sys.stderr)
        return 1
    print(f"The caregiver page for {folder} is at {page.url}", flush=True)
    if page.locks.on_network:
        print(
            "It listens on the home network: sign in with the PIN"
            + ("" if page.locks.pin_is_set() else " (set one with: accessible-companion caregiver pin)")
            + f" or the pairing code {page.locks.pairing_code()} (good once, for 10 minutes).",
            flush=True,
        )
    started.set()
    print("Ctrl-C ends it.", flush=True)
    return _until_stopped(page)


def _until_stopped(page: RunningPage) -> int:
    done = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    while not done.wait(0.5):
        pass
    page.stop()
    return 0
