"""`accessible-companion journal report|export|path`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import journal_file
from .store import JournalError, open_existing

DEFAULT_DAYS = 14
DEFAULT_REPORT = Path("companion-report.html")
DEFAULT_EXPORT = Path("companion-journal")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"days must be at least 1, not {days}")
    return days


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `journal report|export|path` to the command line."""
    journal = commands.add_parser("journal", help="the journal: caregiver report, CSV export, where it is")
    actions = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)
    report = actions.add_parser("report", help="write the caregiver report: one HTML file with a chart")
    report.add_argument(
        "--days",
        type=_days,
        default=DEFAULT_DAYS,
        help=f"the last N days, today included (default {DEFAULT_DAYS})",
    )
    report.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORT,
        help=f"the HTML file to write (default ./{DEFAULT_REPORT})",
    )
    report.add_argument("--journal", type=Path, help="the journal file (default: `journal path`)")
    export = actions.add_parser("export", help="export the journal as CSV, one file per kind of entry")
    export.add_argument("--csv", action="store_true", help="CSV files (the only format, and the default)")
    export.add_argument(
        "--out", type=Path, default=DEFAULT_EXPORT, help=f"folder for the files (default ./{DEFAULT_EXPORT})"
    )
    export.add_argument("--days", type=_days, help="only the last N days (default: everything)")
    export.add_argument("--journal", type=Path, help="the journal file (default: `journal path`)")
    actions.add_parser("path", help="print where the journal is kept")


def main(args: argparse.Namespace) -> int:
    """Run `journal ...`: 0 done, 1 failed (no journal yet, unreadable, cannot write the output),
    2 the journal is damaged (nothing is made from it: a report would leave out what was lost)."""
    action = args.journal_command
    if action == "path":
        print(journal_file())
        return 0
    source: Path = args.journal or journal_file()
    if not source.is_file():
        print(
            f"no journal yet at {source}: the companion starts one when it first records something",
            file=sys.stderr,
        )
        return 1
    try:
        if action == "report":
            from .report import write_report  # matplotlib and friends only for a report

            out = write_report(source, args.out, args.days)
            print(f"report of the last {args.days} days written to {out.resolve()}")
            return 0
        from .export import export_csv
        from .summary import period

        since = period(args.days)[1] if args.days else None
        with open_existing(source) as journal:
            written = export_csv(journal, args.out, since)
        for path, rows in written:
            print(f"{path} ({rows} rows)")
        return 0
    except JournalError as error:
        if error.corrupt:
            print(
                f"{error}\nNo {action} was made from it. The companion moves a damaged journal aside "
                "(kept, renamed with the time) and starts a new one when it next runs; "
                "`--journal FILE` makes a report from another file.",
                file=sys.stderr,
            )
            return 2
        print(error, file=sys.stderr)
    except OSError as error:
        print(f"cannot write {error.filename or args.out}: {error.strerror or error}", file=sys.stderr)
    return 1
