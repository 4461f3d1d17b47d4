"""Which boards an import takes: the root, and every board its buttons open (`load_board`),
followed inside the package only, each board read once."""

from __future__ import annotations

from dataclasses import dataclass, field

from .obf import Board, Button, read_board
from .package import Package, inner_path
from .problems import BoardsError, Problem, RefusedError, place

MAX_BOARDS = 1_000
"""Boards in one set: large real sets have a few hundred."""
AS_PHRASE = "the button is imported as a phrase"


@dataclass
class Walked:
    """The boards reached from the root, root first; `targets` says which board a button opens."""

    boards: dict[str, Board] = field(default_factory=dict)
    """By key: the board's path in the .obz ("" for a single .obf)."""
    targets: dict[tuple[str, str], str] = field(default_factory=dict)
    """(board key, button id) -> the key of the board it opens."""


def walk(package: Package, problems: list[Problem]) -> Walked:
    """Read the root board (BoardsError if it cannot be) and every board reached from it."""
    walked = Walked()
    root = read_board(package.board_json(package.root, problems), package.where(package.root), problems)
    walked.boards[package.root] = root
    failed: set[str] = set()
    todo = [package.root]
    while todo:
        key = todo.pop(0)
        board = walked.boards[key]
        for button in board.buttons:
            if button.link is None:
                continue
            target = _target(package, board, button, problems)
            if target is None or target in failed:
                continue
            if target not in walked.boards:
                opened = _open(package, target, button, len(walked.boards), problems)
                if opened is None:
                    failed.add(target)
                    continue
                walked.boards[target] = opened
                todo.append(target)
            walked.targets[(key, button.id)] = target
    _tell_unreached(package, walked, failed, problems)
    return walked


def _open(package: Package, key: str, button: Button, count: int, problems: list[Problem]) -> Board | None:
    if count >= MAX_BOARDS:
        problems.append(
            Problem(button.where, f"more than {MAX_BOARDS:,} boards: {key} is not read; {AS_PHRASE}")
        )
        return None
    try:
        return read_board(package.board_json(key, problems), package.where(key), problems)
    except RefusedError:
        raise
    except BoardsError as error:
        problems.append(Problem(button.where, f"load_board {key}: {error}; {AS_PHRASE}"))
        return None


def _target(package: Package, board: Board, button: Button, problems: list[Problem]) -> str | None:
    """The key of the board `button` opens, or None (told) when it is not in this package."""
    link = button.link
    assert link is not None
    if not package.is_obz:
        if link.id and link.id == board.id and not link.path:
            return ""
        problems.append(
            Problem(
                button.where,
                f"load_board points to {link.describe()}, outside this single board file; {AS_PHRASE}",
            )
        )
        return None
    if link.path:
        normal = inner_path(link.path)
        if normal is None:
            problems.append(
                Problem(
                    button.where,
                    f"load_board path '{link.path}' points outside the package: refused; {AS_PHRASE}",
                )
            )
            return None
        if package.has(normal):
            return normal
    if link.id and link.id in package.boards:
        return package.boards[link.id]
    problems.append(
        Problem(button.where, f"load_board {link.describe()} is not in this package; {AS_PHRASE}")
    )
    return None


def _tell_unreached(package: Package, walked: Walked, failed: set[str], problems: list[Problem]) -> None:
    """Boards in the package that no button leads to from the root: told, not imported (the
    companion starts at home and every menu must be reachable from there)."""
    if not package.is_obz:
        return
    listed = set(package.boards.values()) | {name for name in package.entries if name.endswith(".obf")}
    for path in sorted(listed - set(walked.boards) - failed):
        problems.append(
            Problem(place(path), "no button leads to this board from the root board: not imported")
        )
