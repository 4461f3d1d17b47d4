"""Command line: `accessible-companion [run|check] ...`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, boards, journal, service
from .caregiver import cli as caregiver_cli
from .core.limits import LIMITS
from .core.settings import Mode
from .voice import models as voice_models

COMMANDS = (
    "run",
    "check",
    "say",
    "devices",
    "voices",
    "models",
    "voice",
    "journal",
    "service",
    "boards",
    "caregiver",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accessible-companion",
        description="Switch scanning and voice companion: care phrases, fatigue strategies, rest.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="start the companion (the default command)")
    run.add_argument("--config", type=Path, help="a folder or file of caregiver config (default: built-in)")
    run.add_argument(
        "--trace", type=Path, help="append one JSON line per input, highlight, selection, speech"
    )
    run.add_argument("--mode", choices=[m.value for m in Mode], help="scanning mode for this run")
    low, high = LIMITS["scanning.interval"].low, LIMITS["scanning.interval"].high
    run.add_argument("--interval", type=float, help=f"scan interval in seconds ({low:g} to {high:g})")
    run.add_argument(
        "--input",
        choices=("auto", "x11", "terminal"),
        default="auto",
        help="where switch presses come from (default: X11 when a display is there, else this terminal)",
    )
    run.add_argument(
        "--display",
        choices=("auto", "window", "terminal"),
        default="auto",
        help="where the menu is shown (default: the bedside window when there is an X display, else here)",
    )
    run.add_argument("--no-speech", action="store_true", help="speak nothing (display and trace only)")
    run.add_argument(
        "--voice", action="store_true", help="listen for voice commands (as voice_commands: true)"
    )
    run.add_argument("--no-voice", action="store_true", help="never open the microphone in this run")
    run.add_argument("--model", type=Path, help="folder of the vosk speech model to use")
    run.add_argument("--journal", type=Path, help="the journal database (default: in the user data folder)")
    run.add_argument("--no-journal", action="store_true", help="keep no journal in this run")
    run.add_argument("--no-page", action="store_true", help="no caregiver's web page in this run")

    check = commands.add_parser("check", help="check a config and list every problem as file:line")
    check.add_argument("path", nargs="?", type=Path, help="a folder or file (default: the built-in config)")
    say = commands.add_parser(
        "say", help="speak a line with the configured voice (a quick check of voice settings)"
    )
    say.add_argument("text", help="what to say")
    say.add_argument("--voice", choices=("cue", "main"), default="main", help="which voice (default: main)")
    say.add_argument("--config", type=Path, help="a folder or file of caregiver config (default: built-in)")

    commands.add_parser("devices", help="list audio output and input devices")
    commands.add_parser("voices", help="list the speech engine's voices")
    voice_models.register(commands)
    journal.register(commands)
    boards.register(commands)
    caregiver_cli.register(commands)
    service.register(commands)
    voice = commands.add_parser("voice", help="voice command tools")
    voice_actions = voice.add_subparsers(dest="voice_command", metavar="ACTION", required=True)
    listen = voice_actions.add_parser(
        "test", help="listen and show what is heard, with confidence (to pick words that work)"
    )
    listen.add_argument(
        "--config", type=Path, help="a folder or file of caregiver config (default: built-in)"
    )
    listen.add_argument("--model", type=Path, help="folder of the vosk speech model to use")
    listen.add_argument("--seconds", type=float, help="stop after this many seconds (default: Ctrl-C)")
    teach = voice_actions.add_parser(
        "teach", help="say each command a few times, so the companion knows this user's voice"
    )
    teach.add_argument("--config", type=Path, help="a folder or file of caregiver config (default: built-in)")
    teach.add_argument("--phrase", action="append", default=[], help="only this phrase (may be repeated)")
    teach.add_argument("--takes", type=int, default=4, help="takes of each phrase (default 4)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and `python -m accessible_companion`."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `run` is the default command, also when only options are given.
    if not any(arg in COMMANDS for arg in args_list) and not {"-h", "--help", "--version"} & set(args_list):
        args_list.insert(_first_command_position(args_list), "run")
    args = _parser().parse_args(args_list)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from . import app  # imported late so `--help` stays fast

    if args.command == "check":
        return app.check(args.path)
    if args.command == "models":
        return voice_models.main(args)
    if args.command == "journal":
        return journal.main(args)
    if args.command == "boards":
        return boards.main(args)
    if args.command == "caregiver":
        return caregiver_cli.main(args)
    if args.command == "service":
        return service.main(args)
    if args.command == "voice" and args.voice_command == "teach":
        from .voice import teaching

        return teaching.main(args.config, args.phrase, args.takes)
    if args.command == "voice":
        from .voice import tryout as voice_test

        return voice_test.main(args.config, args.model, args.seconds)
    if args.command in ("say", "devices", "voices"):
        from .speech import tools as audio_tools

        if args.command == "say":
            return audio_tools.say(args.text, args.voice, args.config)
        return audio_tools.devices() if args.command == "devices" else audio_tools.voices()
    return app.run(args)


def _first_command_position(args: list[str]) -> int:
    """Where a subcommand goes: after the global options."""
    position = 0
    while position < len(args) and args[position] in ("-v", "--verbose"):
        position += 1
    return position
