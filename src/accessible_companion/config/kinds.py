"""Is each value of the kind its key wants? Told in a caregiver's words, before pydantic.

pydantic's lax mode would turn `loops: true` into 1 and `interval: "1.5"` into 1.5, and
says "Input should be a valid string" for `label: No`. Walking the raw data against the
declared types first gives one strict rule and one plain sentence for each case, with the
full path (`menus[0].items[2].label`) and, for YAML 1.1 surprises, the text as written.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import types
import typing
from typing import Any, Literal, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from ..core.limits import LIMITS
from .problems import Problem
from .yaml_lines import LinedYaml, Location

MAX_TEXT = 2000
"""Characters in any one text: a phrase is a few sentences, not a book."""
MAX_LABEL = 200
_UNITS = {"s": "seconds", "minutes": "minutes"}


def dotted(location: Location) -> str:
    """`menus[0].items[2].label`; settings paths without their leading `settings.`."""
    if location[:1] == ("settings",) and len(location) > 1:
        location = location[1:]
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def kind_problems(doc: LinedYaml, shape: type) -> list[Problem]:
    """Every value in `doc` whose kind is not what `shape` (a model or dataclass) declares."""
    found: list[Problem] = []
    _walk(doc, doc.data, shape, (), found)
    return found


def _walk(doc: LinedYaml, value: Any, wanted: Any, where: Location, found: list[Problem]) -> None:
    origin = get_origin(wanted)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(wanted) if a is not type(None)]
        if value is None and len(options) < len(get_args(wanted)):
            return
        if str in options and list in [get_origin(o) for o in options]:
            wanted = options[1] if isinstance(value, list) else str
        else:
            wanted = options[0]
        origin = get_origin(wanted)
    if value is None:
        found.append(
            doc.problem(
                where, f"{dotted(where)} has no value: write one or remove the key{_hash_hint(doc, where)}"
            )
        )
    elif origin in (tuple, list):
        _walk_list(doc, value, get_args(wanted)[0], where, found)
    elif isinstance(wanted, type) and (dataclasses.is_dataclass(wanted) or issubclass(wanted, BaseModel)):
        _walk_keys(doc, value, wanted, where, found)
    else:
        message = _scalar_problem(doc, value, wanted, where)
        if message:
            found.append(doc.problem(where, f"{dotted(where)}: {message}"))


def _hash_hint(doc: LinedYaml, where: Location) -> str:
    """A value written as `#ffcc00` is a comment to YAML, so the key looks empty: say so."""
    try:
        line = doc.file.read_text(encoding="utf-8").splitlines()[doc.line(where) - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""
    found = re.search(r":\s+(#\S*)", line)
    return (
        f' (YAML reads {found.group(1)} as a comment: put it in quotes, "{found.group(1)}")' if found else ""
    )


def _walk_list(doc: LinedYaml, value: Any, item: Any, where: Location, found: list[Problem]) -> None:
    if not isinstance(value, list):
        found.append(
            doc.problem(
                where, f"{dotted(where)}: expected a list like [a, b], got {_described(doc, value, where)}"
            )
        )
        return
    for index, element in enumerate(value):
        _walk(doc, element, item, (*where, index), found)


def _walk_keys(doc: LinedYaml, value: Any, shape: type, where: Location, found: list[Problem]) -> None:
    if not isinstance(value, dict):
        name = dotted(where) or "the file"
        found.append(
            doc.problem(
                where, f"{name}: expected keys (key: value lines), got {_described(doc, value, where)}"
            )
        )
        return
    hints = get_type_hints(shape)
    for key, element in value.items():
        if key in hints and not str(key).startswith("_"):
            _walk(doc, element, hints[key], (*where, key), found)


def _scalar_problem(doc: LinedYaml, value: Any, wanted: Any, where: Location) -> str:
    if wanted is bool:
        return (
            "" if isinstance(value, bool) else f"expected true or false, got {_described(doc, value, where)}"
        )
    if wanted is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return ""
        return f"expected a whole number, got {_described(doc, value, where)}"
    if wanted is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return ""
        return f"expected {_number_of(where)}, got {_described(doc, value, where)}"
    if wanted is str:
        return _text_problem(doc, value, where)
    choices = _choices(wanted)
    if choices and not isinstance(value, str):
        return f"expected one of {', '.join(choices)}, got {_described(doc, value, where)}"
    return ""


def _text_problem(doc: LinedYaml, value: Any, where: Location) -> str:
    if not isinstance(value, str):
        if isinstance(value, bool | int | float | datetime.date):
            return _read_as(doc, value, where)
        return f"expected text, got {_described(doc, value, where)}"
    longest = MAX_LABEL if where[-1:] == ("label",) else MAX_TEXT
    if len(value) > longest:
        return f"too long ({len(value):,} characters; at most {longest:,})"
    return ""


def _read_as(doc: LinedYaml, value: Any, where: Location) -> str:
    written = doc.texts.get(where, str(value))
    if isinstance(value, bool):
        meaning = "true" if value else "false"
    elif isinstance(value, datetime.date):
        meaning = "a date"
    else:
        meaning = f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    return f"`{written}` is read as {meaning}: put it in quotes"


def _described(doc: LinedYaml, value: Any, where: Location) -> str:
    written = doc.texts.get(where)
    if isinstance(value, bool):
        word = "true" if value else "false"
        return word if written in (None, word) else f"`{written}` (read as {word})"
    if isinstance(value, str):
        return f"text '{value[:60]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "keys"
    if value is None:
        return "nothing"
    if isinstance(value, datetime.date):
        return f"`{written}` (read as a date)"
    return f"{value!r}"


def _number_of(where: Location) -> str:
    path = ".".join(str(p) for p in where[1:] if isinstance(p, str))
    limit = LIMITS.get(path)
    unit = _UNITS.get(limit.unit, "") if limit else ""
    if where[-1:] == ("minutes",):
        unit = "minutes"
    return f"a number of {unit}" if unit else "a number"


def _choices(wanted: Any) -> list[str]:
    if get_origin(wanted) is Literal:
        return [str(choice) for choice in get_args(wanted)]
    if isinstance(wanted, type) and issubclass(wanted, enum.Enum):
        return [str(member.value) for member in wanted]
    return []
