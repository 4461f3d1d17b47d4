"""YAML to plain data, remembering the line of every value, so errors can say where.

Reading is bounded: a caregiver file is data, never code, and a hostile or mistaken file
must be refused in a moment with its `file:line`, never run, crash or hang. So tags,
merge keys, an alias inside itself, too many aliases, too deep nesting and too big a file
are problems like any other (see `syntax.py` for how YAML's own errors are worded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .syntax import decode_problem, reader_problem, syntax_problem

Location = tuple[str | int, ...]
"""A path into the data: ("menus", 0, "items", 2, "label")."""

MAX_BYTES = 1_000_000
"""A config file is a few kilobytes; a megabyte is a mistake (or an attack), not a config."""
MAX_DEPTH = 40
"""The built-in config nests 7 deep; PyYAML's composer recurses, so depth must be bounded."""
MAX_ALIASES = 100
MAX_VALUES = 50_000
"""Values after aliases are expanded: an alias bomb is refused long before memory grows."""
_MERGE_TAG = "tag:yaml.org,2002:merge"


class RefusedError(Exception):
    """A construct the companion does not read, with the line it starts at."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, composing with no tags, bounded depth and counted aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._open_anchors: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if event.anchor in self._open_anchors:
                raise RefusedError(line, f"the alias *{event.anchor} is inside itself: write the value out")
            if self._aliases > MAX_ALIASES:
                raise RefusedError(line, f"more than {MAX_ALIASES} aliases (*name): write the values out")
            if event.anchor not in self.anchors:
                raise RefusedError(line, f"*{event.anchor} refers to no &{event.anchor} above it")
        elif getattr(event, "tag", None) is not None:
            raise RefusedError(
                line,
                f"YAML tags ('{event.tag}') are not read here: remove it "
                "(to keep a value as text, put it in quotes instead)",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise RefusedError(line, f"nested too deeply (more than {MAX_DEPTH} levels)")
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self._open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open_anchors.discard(anchor)
        return node


class LinedYaml:
    """The data of one YAML file, the line (from 1) of every value in it, and the text as
    written of every scalar (so a message can say "`No` is read as false")."""

    def __init__(
        self, file: Path, data: Any, lines: dict[Location, int], texts: dict[Location, str] | None = None
    ) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.texts = texts or {}

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
    """Parse `file`. Syntax errors, refused constructs and duplicate keys go to `problems`."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            problems.append(
                Problem(
                    file, 1, f"the file is too large ({size:,} bytes; a config file is at most {MAX_BYTES:,})"
                )
            )
            return None
        raw = file.read_bytes()
    except OSError as error:
        problems.append(Problem(file, 1, f"cannot read file: {error.strerror or error}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(decode_problem(file, raw, error))
        return None
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)
        root = loader.get_single_node()
    except RefusedError as refused:
        problems.append(Problem(file, refused.line, refused.message))
        return None
    except yaml.reader.ReaderError as error:
        problems.append(reader_problem(file, text, error))
        return None
    except yaml.MarkedYAMLError as error:
        problems.append(syntax_problem(file, text, error))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[Location, int] = {}
    texts: dict[Location, str] = {}
    if root is None:
        return LinedYaml(file, None, lines, texts)
    reader = _Converter(file, lines, texts, problems)
    try:
        data = reader.convert(root, ())
    except RefusedError as refused:
        problems.append(Problem(file, refused.line, refused.message))
        return None
    return LinedYaml(file, data, lines, texts)


class _Converter:
    """Nodes to plain values, counting every value so shared (aliased) nodes cannot explode."""

    def __init__(
        self, file: Path, lines: dict[Location, int], texts: dict[Location, str], problems: list[Problem]
    ) -> None:
        self.file = file
        self.lines = lines
        self.texts = texts
        self.problems = problems
        self.values = 0
        self.constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, location: Location) -> Any:
        self.values += 1
        line = node.start_mark.line + 1
        if self.values > MAX_VALUES:
            raise RefusedError(
                line, f"more than {MAX_VALUES:,} values once aliases are filled in: write them out"
            )
        self.lines.setdefault(location, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, location)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, (*location, index)) for index, child in enumerate(node.value)]
        return self._scalar(node, location)

    def _scalar(self, node: yaml.Node, location: Location | None) -> Any:
        if location is not None:
            self.texts[location] = str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # YAML 1.1 reads `2024-13-45` as a (bad) date and `=` as a special value.
            self.problems.append(
                Problem(
                    self.file, node.start_mark.line + 1, f"`{node.value}` cannot be read: put it in quotes"
                )
            )
            return str(node.value)

    def _mapping(self, node: yaml.MappingNode, location: Location) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                raise RefusedError(key_line, "merge keys ('<<') are not read here: write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.file, key_line, "a key must be a word, not a list or keys"))
                continue
            key = self._scalar(key_node, None)
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.problems.append(Problem(self.file, key_line, f"a key must be a word, not {key!r}"))
                continue
            if key in mapping:
                # PyYAML would silently keep the last one; a caregiver would not expect that.
                self.problems.append(Problem(self.file, key_line, f"'{key}' is given twice"))
                continue
            self.lines[(*location, key)] = key_line
            mapping[key] = self.convert(value_node, (*location, key))
        return mapping
