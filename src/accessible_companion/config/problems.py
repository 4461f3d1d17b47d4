"""Config problems, each with the file and line it is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a config file."""

    file: Path
    line: int
    message: str
    warning: bool = field(default=False, compare=False)
    """Told, but the config is used all the same (a recording that is not there: its words
    are spoken instead)."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


class ConfigError(Exception):
    """A config was rejected; `problems` lists every reason (`warnings`: what else was found)."""

    def __init__(self, problems: list[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))
