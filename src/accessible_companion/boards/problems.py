"""What an import or export could not carry over, said with where it is (`file: place: message`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Something that changed or was left out on the way, never silently."""

    where: str
    """`boards/root.obf: buttons[3] (id 7)`, or just the file."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BoardsError(Exception):
    """The file cannot be turned into a usable config (or board set) at all."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


class RefusedError(BoardsError):
    """The whole package is refused (it unpacks to more than any board set would): not just the
    board or picture being read when it was noticed."""


def place(file: str, *parts: str) -> str:
    """`file: part: part`, leaving out empty parts."""
    return ": ".join(p for p in (file, *parts) if p)
