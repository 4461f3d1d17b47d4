"""Each problem of a save shown at the field it is about.

A save's problems come from the same loader as `check`, as `file:line: message`. The edited
files are parsed again (ruamel, whose nodes know the line of every key and list entry), so
a problem's line names the item key or the setting written there. The message helps where
one line holds several (`cue: {voice: "", rate: 200, ...}`) or where the loader names a
whole item (its first line is its first key's). What cannot be placed is shown at the top.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..config import roundtrip
from ..config.document import ConfigDocument, EditError
from ..config.problems import Problem

Location = tuple[str | int, ...]

# `menus[0].items[2].label: ...`, `scanning.interval: ...`, `help.notify_command[0] is blank`
_LEADING_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*)(?=[:\s(])")
_GOES_WITH = re.compile(r"^'(\w+)' goes with")


@dataclass
class FieldErrors:
    """Problems by form field, and those that belong to no field (`top`)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name is None:
            self.top.append(message)
        else:
            self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.top)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])


def where(problem: Problem, root: Path) -> str:
    """`menus/phrases.yaml, line 12`: the file as the caregiver knows it."""
    file = problem.file
    shown = str(file.relative_to(root)) if root.is_dir() and file.is_relative_to(root) else file.name
    return f"{shown}, line {problem.line}"


Placer = Callable[[Problem], str | None]
"""The form field a problem is about, or None."""


def place(document: ConfigDocument, problems: Iterable[Problem], placers: Sequence[Placer]) -> FieldErrors:
    """Each problem at the field of the first placer that knows it, else at the top with its place."""
    errors = FieldErrors()
    for problem in problems:
        name = next((found for placer in placers if (found := placer(problem)) is not None), None)
        if name is None:
            errors.add(None, f"{where(problem, document.root)}: {problem.message}")
        else:
            errors.add(name, _without_path(problem.message))
    return errors


class ItemPlaces:
    """Places problems about one item at its form's fields.

    `fields` maps item keys to form field names (on the item form they are the same; the
    add-a-menu form calls the new menu's first label `first`)."""

    def __init__(self, document: ConfigDocument, menu_id: str, index: int, fields: Mapping[str, str]) -> None:
        self._fields = fields
        try:
            self._file: Path | None = document.menu_file(menu_id)
        except EditError:
            self._file = None
        self._keys = _item_lines(document.texts().get(self._file, ""), menu_id, index) if self._file else {}
        self._start = self._keys.pop("", set())
        try:
            self._label = str(document.item(menu_id, index).get("label", ""))
        except EditError:
            self._label = ""

    def __call__(self, problem: Problem) -> str | None:
        if problem.file != self._file:
            return None
        hint = _item_hint(problem.message)
        # A clash of voice words is told at the later of the two items; it names both.
        if hint == "voice" and self._label and f"'{self._label}'" in problem.message:
            return self._fields.get("voice")
        on_line = [key for key, lines in self._keys.items() if problem.line in lines]
        if not on_line and problem.line not in self._start:
            return None
        if hint is not None and hint in self._fields:
            return self._fields[hint]
        return next((self._fields[key] for key in on_line if key in self._fields), None)


class SettingPlaces:
    """Places problems about settings at the form's fields (named by dotted path)."""

    def __init__(self, document: ConfigDocument, names: Collection[str]) -> None:
        self._texts = document.texts()
        self._names = names
        self._located: dict[Path, dict[int, list[str]]] = {}

    def __call__(self, problem: Problem) -> str | None:
        if problem.file not in self._located:
            self._located[problem.file] = _setting_lines(self._texts.get(problem.file, ""))
        on_line = self._located[problem.file].get(problem.line, [])
        if not on_line:
            return None
        leading = _LEADING_PATH.match(problem.message)
        candidates = ([_field_of(leading.group(1))] if leading else []) + on_line
        return next((found for c in candidates if (found := _within(c, self._names))), None)


def locations(text: str) -> dict[Location, int]:
    """The line (from 1) of every key and list entry in `text`, as the loader counts them."""
    try:
        data = roundtrip.load(text)
    except YAMLError:
        return {}
    found: dict[Location, int] = {}
    _walk(data, (), found)
    return found


def _walk(node: Any, location: Location, found: dict[Location, int]) -> None:
    if isinstance(node, CommentedMap):
        for key in node:
            found.setdefault((*location, str(key)), node.lc.key(key)[0] + 1)
            _walk(node[key], (*location, str(key)), found)
    elif isinstance(node, CommentedSeq):
        for index, child in enumerate(node):
            found.setdefault((*location, index), node.lc.item(index)[0] + 1)
            _walk(child, (*location, index), found)


def _item_lines(text: str, menu_id: str, index: int) -> dict[str, set[int]]:
    """The lines of each key of the item ("" for the item's own first line)."""
    try:
        data = roundtrip.load(text)
    except YAMLError:
        return {}
    menus = data.get("menus") if isinstance(data, Mapping) else None
    position = next(
        (n for n, menu in enumerate(menus or []) if isinstance(menu, Mapping) and menu.get("id") == menu_id),
        None,
    )
    if position is None:
        return {}
    prefix: Location = ("menus", position, "items", index)
    keys: dict[str, set[int]] = {}
    for location, line in locations(text).items():
        if location[: len(prefix)] != prefix:
            continue
        key = str(location[len(prefix)]) if len(location) > len(prefix) else ""
        keys.setdefault(key, set()).add(line)
    return keys


def _setting_lines(text: str) -> dict[int, list[str]]:
    """Settings' dotted paths by the line they are written on (deepest first)."""
    lines: dict[int, list[str]] = {}
    for location, line in sorted(locations(text).items(), key=lambda pair: -len(pair[0])):
        if location[:1] == ("settings",) and len(location) > 1:
            lines.setdefault(line, []).append(".".join(str(p) for p in location[1:] if isinstance(p, str)))
    return lines


def _field_of(path: str) -> str:
    """`help.notify_command[0]` as `help.notify_command`."""
    return re.sub(r"\[\d+\]", "", path)


def _within(path: str, names: Collection[str]) -> str | None:
    """`path` or the nearest setting above it that is a field of the form."""
    parts = path.split(".")
    while parts:
        if ".".join(parts) in names:
            return ".".join(parts)
        parts.pop()
    return None


def _item_hint(message: str) -> str | None:
    """The item key a loader message names, if it names one."""
    if "voice words" in message:
        return "voice"
    goes = _GOES_WITH.match(message)
    if goes:
        return goes.group(1)
    leading = _LEADING_PATH.match(message)
    if leading:
        return _field_of(leading.group(1)).rsplit(".", 1)[-1]
    return None


def _without_path(message: str) -> str:
    """A message shown at its field does not need to repeat where it is (`scanning.interval: `)."""
    leading = _LEADING_PATH.match(message)
    if leading and message[leading.end() : leading.end() + 2] == ": ":
        rest = message[leading.end() + 2 :]
        return rest[:1].upper() + rest[1:]
    return message
