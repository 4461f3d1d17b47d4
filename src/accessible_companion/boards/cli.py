"""`accessible-companion boards import|export`: Open Board Format in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import ExportReport, ImportReport
    from .problems import Problem


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `boards import FILE [--into DIR]` and `boards export --out FILE.obz [--config DIR]`."""
    boards = commands.add_parser(
        "boards", help="Open Board Format: import .obf/.obz boards as menus, export menus as .obz"
    )
    actions = boards.add_subparsers(dest="boards_command", metavar="ACTION", required=True)
    into = actions.add_parser("import", help="make a config folder from an .obf or .obz board set")
    into.add_argument("file", type=Path, help="the .obf or .obz file")
    into.add_argument(
        "--into",
        type=Path,
        help="a new (or empty) folder for the config (default: ./NAME, from the file's name)",
    )
    out = actions.add_parser("export", help="write a config's menus as an .obz board set")
    out.add_argument("--out", type=Path, required=True, help="the .obz file to write")
    out.add_argument("--config", type=Path, help="a folder or file of caregiver config (default: built-in)")


def main(args: argparse.Namespace) -> int:
    """0: written (what did not come along is listed); 2: nothing usable could be written."""
    # Imported here, so that `--help` does not load the config machinery.
    from ..config.problems import ConfigError
    from . import api
    from .problems import BoardsError

    try:
        if args.boards_command == "import":
            _tell_import(api.import_boards(args.file, args.into or Path(args.file.stem)), args.file)
        else:
            _tell_export(api.export_boards(args.out, args.config))
    except BoardsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"{args.config or 'the built-in config'} has problems; nothing was exported:", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    return 0


def _tell_import(report: ImportReport, file: Path) -> None:
    _tell_problems(report.problems, "not carried over as it was (listed in import-notes.txt too)")
    print(
        f"Imported {file.name} into {report.folder}: {report.menus} menus, {report.items} items, "
        f"{report.images} images, {report.sounds} sounds."
    )
    print(f"Try it: accessible-companion check {report.folder}")


def _tell_export(report: ExportReport) -> None:
    _tell_problems(report.problems, "not exported")
    print(
        f"Exported {report.boards} boards, {report.buttons} buttons, {report.images} images, "
        f"{report.sounds} sounds to {report.out}."
    )


def _tell_problems(problems: tuple[Problem, ...], what: str) -> None:
    if problems:
        print(f"{len(problems)} thing{'s' if len(problems) != 1 else ''} {what}:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
