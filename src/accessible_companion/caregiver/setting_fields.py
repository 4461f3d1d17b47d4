"""The settings page's forms, described from the `Settings` dataclasses themselves.

A setting added to `core/settings.py` appears on the page by itself: its group is the YAML
section it is written in, its input follows its type, its meaning comes from `LIMITS` or from
the docstring under it (read from the source with `ast`, as pydantic's
`use_attribute_docstrings` does, without making a model of every dataclass), and its unit and
range from `LIMITS`. This module also turns typed text into values and back, and says which
values are secrets the page must never send back in full.
"""

from __future__ import annotations

import ast
import enum
import functools
import inspect
import itertools
import math
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from ..core.limits import LIMITS
from ..core.settings import Settings
from ..errors import HIDDEN, redact

Kind = Literal["yes_no", "whole", "number", "choice", "text", "color", "lines", "numbers", "records"]

UNIT_WORDS = {
    "s": "seconds",
    "x": "times",
    "wpm": "words a minute",
    "px": "pixels",
    "0-1": "",
    "": "",
}
"""LIMITS' short units in words (the others, such as `minutes` or `passes`, are words already)."""

ALWAYS_SECRET = frozenset({"help.webhook", "help.heartbeat_url"})
"""Settings that are secret whatever they look like: a webhook's address is its key."""

ELSEWHERE = frozenset({"help.contacts"})
"""Settings not on the Settings page: each contact's URL is its key, and the records editor
would send it back in full. The Contacts page shows them by name (and tests them); the file
edits them."""

NEEDS_RESTART = (
    "speech.",
    "listening.",
    "switches.",
    "help.notify_timeout",
    "help.notify_retries",
    "help.heartbeat_",
    "rest.active_gap_seconds",
    "fatigue.",
    "caregiver_page.",  # the page's own address: it is serving on the old one
)
"""Settings the running companion reads only at its start (README: Live reload): the page says so."""

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
RECORD_SEPARATOR = " | "
"""Between the parts of one line of a list of records (a follow-up question and its answers)."""


@dataclass(frozen=True)
class SettingField:
    """One setting as the page shows it."""

    path: str
    """Dotted, as `ConfigDocument.set_setting` takes it: `speech.cue.rate`."""
    label: str
    meaning: str
    kind: Kind
    default: Any
    """The built-in value, plain (enums as their text, tuples as lists)."""
    low: float | None = None
    high: float | None = None
    unit: str = ""
    """In words: `seconds`, `words a minute`; "" for a plain number or a share."""
    choices: tuple[tuple[str, str], ...] = ()
    """(value, words) for a choice."""
    parts: tuple[tuple[str, bool], ...] = ()
    """For records: each part's name and whether it is a list (written with commas)."""

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def needs_restart(self) -> bool:
        return self.path.startswith(NEEDS_RESTART)

    @property
    def choices_explained(self) -> bool:
        """Some choice has words beyond its value (listed under the field)."""
        return any(value != words for value, words in self.choices)

    @property
    def range_words(self) -> str:
        """`seconds, 0.25 to 10`; "" when the setting has no range."""
        if self.low is None or self.high is None:
            return self.unit
        span = f"{self.low:g} to {self.high:g}"
        return f"{self.unit}, {span}" if self.unit else span

    @property
    def hint(self) -> str:
        """How to write it, for inputs that need telling."""
        if self.kind in ("lines", "numbers"):
            return "One per line."
        if self.kind == "records":
            names = [name.replace("_", " ") for name, _ in self.parts]
            lists = [name.replace("_", " ") for name, many in self.parts if many]
            after = f"; {' and '.join(lists)} separated by commas" if lists else ""
            return f"One per line: {' | '.join(names)}{after}."
        return ""


@dataclass(frozen=True)
class Section:
    """The settings of one dataclass inside a group (`speech.cue`), or the group's own."""

    path: str
    title: str
    meaning: str
    fields: tuple[SettingField, ...]


@dataclass(frozen=True)
class Group:
    """One top-level key under `settings:`, shown as one form."""

    name: str
    title: str
    meaning: str
    sections: tuple[Section, ...]

    @property
    def fields(self) -> list[SettingField]:
        return [field for section in self.sections for field in section.fields]

    def field(self, path: str) -> SettingField | None:
        return next((field for field in self.fields if field.path == path), None)


def words_of(name: str) -> str:
    """`first_item_extra` as `First item extra`."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


@functools.cache
def groups() -> tuple[Group, ...]:
    """Every settings group, in the order of `Settings`' fields (the order of settings.yaml)."""
    found: list[Group] = []
    defaults = Settings()
    docs = attribute_docs(Settings)
    for name, wanted in get_type_hints(Settings).items():
        if name not in {f.name for f in fields(Settings)}:
            continue
        value = getattr(defaults, name)
        if is_dataclass(wanted):
            sections = tuple(_sections(name, words_of(name), wanted, value))
            meaning = docs.get(name) or _first_line(wanted.__doc__)
            found.append(Group(name, words_of(name), meaning, sections))
        else:
            field = _field(name, name, wanted, value, docs.get(name, ""))
            if field is not None:
                found.append(Group(name, words_of(name), "", (Section(name, words_of(name), "", (field,)),)))
    return tuple(found)


def group(name: str) -> Group | None:
    return next((found for found in groups() if found.name == name), None)


def _sections(path: str, title: str, cls: Any, value: Any) -> Iterator[Section]:
    """The section of `cls`' own settings, then one per dataclass inside it (depth first)."""
    docs = attribute_docs(cls)
    own: list[SettingField] = []
    nested: list[tuple[str, Any, Any]] = []
    for name, wanted in get_type_hints(cls).items():
        if name not in {f.name for f in fields(cls)}:
            continue
        if is_dataclass(wanted):
            nested.append((name, wanted, getattr(value, name)))
            continue
        field = _field(f"{path}.{name}", name, wanted, getattr(value, name), docs.get(name, ""))
        if field is not None:
            own.append(field)
    if own:
        yield Section(path, title, "", tuple(own))
    for name, wanted, inner in nested:
        meaning = docs.get(name) or _first_line(wanted.__doc__)
        for section in _sections(f"{path}.{name}", words_of(name), wanted, inner):
            yield (
                section if section.meaning else Section(section.path, section.title, meaning, section.fields)
            )


def _field(path: str, name: str, wanted: Any, default: Any, doc: str) -> SettingField | None:
    if path in ELSEWHERE:
        return None
    limit = LIMITS.get(path)
    meaning = limit.meaning if limit else doc
    ranged: dict[str, Any] = {}
    if limit is not None:
        ranged = {"low": limit.low, "high": limit.high, "unit": UNIT_WORDS.get(limit.unit, limit.unit)}
    label = words_of(name)
    plain = _plain(default)
    if wanted is bool:
        return SettingField(path, label, meaning, "yes_no", plain)
    if wanted is int:
        return SettingField(path, label, meaning, "whole", plain, **ranged)
    if wanted is float:
        return SettingField(path, label, meaning, "number", plain, **ranged)
    choices = _choices(wanted)
    if choices:
        return SettingField(path, label, meaning, "choice", plain, choices=choices)
    if wanted is str:
        kind: Kind = "color" if _COLOR.fullmatch(str(default)) else "text"
        return SettingField(path, label, meaning, kind, plain)
    if get_origin(wanted) is tuple:
        inner = get_args(wanted)[0]
        if inner is str or get_origin(inner) is Literal:  # names from a set: one a line, checked on save
            return SettingField(path, label, meaning, "lines", plain)
        if inner in (int, float):
            return SettingField(path, label, meaning, "numbers", plain, **ranged)
        if is_dataclass(inner):
            parts = tuple((part, get_origin(hint) is tuple) for part, hint in get_type_hints(inner).items())
            return SettingField(path, label, meaning, "records", plain, parts=parts)
    return None  # a kind of setting the page cannot edit yet; the files still can


def _choices(wanted: Any) -> tuple[tuple[str, str], ...]:
    if get_origin(wanted) is Literal:
        return tuple((str(choice), str(choice)) for choice in get_args(wanted))
    if isinstance(wanted, type) and issubclass(wanted, enum.Enum):
        docs = attribute_docs(wanted)
        return tuple(
            (
                str(member.value),
                f"{member.value}: {docs[member.name]}" if member.name in docs else member.value,
            )
            for member in wanted
        )
    return ()


@functools.cache
def attribute_docs(cls: type) -> dict[str, str]:
    """The docstring written under each attribute of `cls`, on one line ({} without the source)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        target: ast.expr | None = statement.target if isinstance(statement, ast.AnnAssign) else None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[target.id] = " ".join(following.value.value.split())
    return docs


def _first_line(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


# Values as typed, and back.


def shown(field: SettingField, value: Any) -> str:
    """`value` as it goes into the field's input."""
    if value is None:
        return ""
    if field.kind in ("number", "whole") and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if field.kind == "lines" and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if field.kind == "numbers" and isinstance(value, list):
        return "\n".join(f"{item:g}" if isinstance(item, float) else str(item) for item in value)
    if field.kind == "records" and isinstance(value, list):
        return "\n".join(_record_line(field, record) for record in value)
    return str(value)


def _record_line(field: SettingField, record: Any) -> str:
    if not isinstance(record, dict):
        return str(record)
    parts = []
    for name, many in field.parts:
        part = record.get(name, "")
        parts.append(", ".join(str(p) for p in part) if many and isinstance(part, list) else str(part))
    return RECORD_SEPARATOR.join(parts)


def parse(field: SettingField, typed: str) -> Any:
    """The value the caregiver typed for `field`; ValueError (in words) when it is not one.

    Ranges are left to the config's own checks, so the page and `check` say the same."""
    text = typed.strip()
    if field.kind == "yes_no":
        return typed not in ("", "false", "off", "0")
    if field.kind == "whole":
        return _whole(text)
    if field.kind == "number":
        return _number(text)
    if field.kind == "choice":
        if text not in {value for value, _ in field.choices}:
            raise ValueError(f"Choose one of: {', '.join(value for value, _ in field.choices)}.")
        return text
    if field.kind == "lines":
        return _lines(typed)
    if field.kind == "numbers":
        return [_number(line) for line in _lines(typed)]
    if field.kind == "records":
        return [_record(field, line) for line in _lines(typed)]
    return typed.strip() if field.kind == "color" else typed


def _lines(typed: str) -> list[str]:
    return [line.strip() for line in typed.splitlines() if line.strip()]


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"Write a whole number, like 3 (not '{text[:40]}').") from None


def _number(text: str) -> float:
    try:
        number = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise ValueError(f"Write a number, like 1.5 (not '{text[:40]}').") from None
    if not math.isfinite(number):
        raise ValueError("Write an ordinary number, like 1.5.")
    return number


def _record(field: SettingField, line: str) -> dict[str, Any]:
    parts = [part.strip() for part in line.split(RECORD_SEPARATOR.strip())]
    if len(parts) != len(field.parts):
        raise ValueError(f"Each line needs {len(field.parts)} parts separated by '|': '{line[:60]}'.")
    record: dict[str, Any] = {}
    for (name, many), part in zip(field.parts, parts, strict=True):
        record[name] = [p.strip() for p in part.split(",") if p.strip()] if many else part
    return record


def same(field: SettingField, old: Any, new: Any) -> bool:
    """True when `new` (typed) is what `old` (written or default) already is."""
    old = _plain(old)
    if field.kind in ("number", "whole"):
        return _numeric(old) and math.isclose(float(old), float(new), rel_tol=0, abs_tol=1e-9)
    if field.kind == "numbers":
        return (
            isinstance(old, list)
            and len(old) == len(new)
            and all(
                _numeric(a) and math.isclose(float(a), b, abs_tol=1e-9) for a, b in zip(old, new, strict=True)
            )
        )
    if field.kind == "color":
        return isinstance(old, str) and old.lower() == str(new).lower()
    if field.kind == "yes_no":
        return old is new
    return bool(old == new)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def stored(field: SettingField, value: Any) -> Any:
    """`value` as it is written: a float setting stays a float (2.0, not 2), as in settings.yaml."""
    if field.kind == "number":
        return float(value)
    if field.kind == "numbers":
        return [float(item) for item in value]
    return value


# Secrets.


def is_secret(field: SettingField, value: Any) -> bool:
    """True for a value the page must not send back: the webhook, or text `redact` would hide."""
    if field.path in ALWAYS_SECRET:
        return bool(value)
    if field.kind == "text" and isinstance(value, str):
        return redact(value) != value
    if field.kind == "lines" and isinstance(value, list):
        return any(redact(str(item)) != str(item) for item in value)
    return False


def masked(value: Any) -> str:
    """A secret as the page shows it: enough to recognise which one it is, not enough to use it."""
    texts: Sequence[Any] = value if isinstance(value, list) else [value]
    shown_parts = []
    for text in (str(item) for item in texts):
        try:
            url = urlsplit(text.strip())
        except ValueError:
            url = None
        if url is not None and url.scheme and url.hostname:
            shown_parts.append(f"{url.scheme}://{url.hostname}/{HIDDEN}")
        else:
            shown_parts.append(redact(text))
    return " ".join(shown_parts)
