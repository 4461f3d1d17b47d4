"""Load the config for a command, or tell the caregiver every problem with it."""

from __future__ import annotations

import sys
from pathlib import Path

from .loader import Config, load_config
from .problems import ConfigError


def load_or_explain(
    path: Path | None, heading: str = "", count: bool = False, decode: bool = False
) -> Config | None:
    """The config, or None after printing its problems to stderr.

    `heading` (if any) comes first, one problem a line follows (then the warnings), and with
    `count` a closing "N problems found." line. The caller then exits with 2, as every command
    does for a bad config. `decode`: also decode every recording (see `load_config`).
    """
    try:
        return load_config(path, decode=decode)
    except ConfigError as error:
        if heading:
            print(heading, file=sys.stderr)
        for problem in [*error.problems, *error.warnings]:
            print(problem, file=sys.stderr)
        if count:
            found = len(error.problems)
            print(f"{found} problem{'s' if found != 1 else ''} found.", file=sys.stderr)
        return None
