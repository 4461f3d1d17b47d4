"""YAML to plain data, remembering the line of every value, so errors can say where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Location = tuple[str | int, ...]
"""A path into the data: ("menus", 0, "items", 2, "label")."""


class LinedYaml:
    """The data of one YAML file and the line (from 1) of every value in it."""

    def __init__(self, file: Path, data: Any, lines: dict[Location, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def line(self, location: Location) -> int:
        """The line of `location`, or of its nearest enclosing value."""
        while location not in self.lines and location:
            location = location[:-1]
        return self.lines.get(location, 1)

    def at(self, location: Location) -> str:
        """`file:line` of `location`, for messages that point at a second place."""
        return f"{self.file}:{self.line(location)}"

    def problem(self, location: Location, message: str) -> Problem:
        return Problem(self.file, self.line(location), message)


def read_yaml(file: Path, problems: list[Problem]) -> LinedYaml | None:
    """Parse `file`. Syntax errors and duplicate keys are added to `problems`."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(file, 1, f"cannot read file: {error}"))
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.append(Problem(file, line, f"YAML syntax: {error.problem or error}"))
        return None
    lines: dict[Location, int] = {}
    if root is None:
        return LinedYaml(file, None, lines)
    constructor = yaml.SafeLoader("")
    data = _convert(root, (), lines, constructor, file, problems)
    return LinedYaml(file, data, lines)


def _convert(
    node: yaml.Node,
    location: Location,
    lines: dict[Location, int],
    constructor: yaml.SafeLoader,
    file: Path,
    problems: list[Problem],
) -> Any:
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str | int):
                problems.append(Problem(file, key_line, f"a key must be a word, not {key!r}"))
                continue
            if key in mapping:
                # PyYAML would silently keep the last one; a caregiver would not expect that.
                problems.append(Problem(file, key_line, f"'{key}' is given twice"))
                continue
            lines[(*location, key)] = key_line
            mapping[key] = _convert(value_node, (*location, key), lines, constructor, file, problems)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(child, (*location, index), lines, constructor, file, problems)
            for index, child in enumerate(node.value)
        ]
    return constructor.construct_object(node, deep=True)
