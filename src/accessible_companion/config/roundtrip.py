"""Round-trip YAML (ruamel): read a caregiver file and write it back with its comments, order and quotes.

ruamel keeps comments, key order and quoting, but it normalises a few spellings on the
way out (two spaces after a key to line up a flow mapping become one). `render` puts such
lines back as the caregiver wrote them wherever the data did not change, so an edit
touches only the lines it is about.
"""

from __future__ import annotations

import difflib
import functools
import io
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

_PLAIN_STRING = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def new_yaml() -> YAML:
    """A round-trip YAML set up like the shipped files: 2-space mappings, `- ` indented by 2, long lines."""
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.width = 4096  # never fold a long `say:` sentence onto a second line
    return handler


def load(text: str) -> Any:
    """The round-trip data of `text` (CommentedMap / CommentedSeq / scalars)."""
    return new_yaml().load(text)


def dump(data: Any) -> str:
    out = io.StringIO()
    new_yaml().dump(data, out)
    return out.getvalue()


def render(data: Any, original: str | None) -> str:
    """The text of `data`, keeping the lines of `original` (the file as read) where nothing changed."""
    new = dump(data)
    if original is None or new == original:
        return new
    base = _canonical(original)
    if base == original:
        return new
    if new == base:
        return original  # unchanged, in a layout of the caregiver's own
    return _merged(new, original, base)


# A caregiver page renders the same files again and again (to show, check, then save); parsing
# them again each time was most of a save's time. Both are pure: the same texts, the same result.
@functools.lru_cache(maxsize=64)
def _canonical(original: str) -> str:
    """ruamel's own text of `original`."""
    return dump(load(original))


@functools.lru_cache(maxsize=32)
def _merged(new: str, original: str, base: str) -> str:
    merged = _keep_original_lines(original, base, new)
    # The merge is line based; if it ever mixed two layouts into other data, use ruamel's own text.
    return merged if load(merged) == load(new) else new


def _keep_original_lines(original: str, base: str, new: str) -> str:
    """Apply the changes base -> new to original, where base is ruamel's text of the unchanged file."""
    old_lines = original.splitlines(keepends=True)
    base_lines = base.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    # The original line that each line of base stands for (only where the blocks line up one to one).
    source: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(None, base_lines, old_lines, autojunk=False)
    for tag, b1, b2, o1, o2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and b2 - b1 == o2 - o1):
            for offset in range(b2 - b1):
                source[b1 + offset] = old_lines[o1 + offset]
    out: list[str] = []
    for tag, b1, b2, n1, n2 in difflib.SequenceMatcher(
        None, base_lines, new_lines, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            out += [source.get(index, base_lines[index]) for index in range(b1, b2)]
        else:
            out += new_lines[n1:n2]
    return "".join(out)


def scalar(value: Any, old: Any = None) -> Any:
    """`value` ready to store: a string keeps the quotes `old` had, and is quoted if YAML would misread it."""
    if not isinstance(value, str):
        return value
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(value)
    # ruamel reads YAML 1.2, the loader YAML 1.1: "Yes", "off" or "10:30" need quotes for the loader.
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if value and tag != _PLAIN_STRING:
        return DoubleQuotedScalarString(value)
    return value


def flow_list(values: list[Any]) -> CommentedSeq:
    """A list written on one line, `[a, b]`, as voice words and key lists are in the shipped files."""
    seq = CommentedSeq(scalar(v) for v in values)
    seq.fa.set_flow_style()
    return seq


# A comment between two entries is kept by ruamel on the entry above it, after that entry's own
# end-of-line comment. When an entry is removed or moved, those lines belong to the entry below
# and must stay where they are.


def _tail_token(mapping: CommentedMap, key: Any) -> CommentToken | None:
    entry = mapping.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    return token if isinstance(token, CommentToken) else None


def take_tail(mapping: CommentedMap) -> str:
    """Remove and return the comment lines that follow the last entry of `mapping` (not its own comment)."""
    if not mapping:
        return ""
    key = list(mapping)[-1]
    token = _tail_token(mapping, key)
    if token is None or "\n" not in token.value:
        return ""
    own, _, tail = token.value.partition("\n")
    token.value = own + "\n"
    return tail


def add_tail(mapping: CommentedMap, tail: str) -> None:
    """Put comment lines (from `take_tail`) after the last entry of `mapping`."""
    if not tail or not mapping:
        return
    key = list(mapping)[-1]
    if isinstance(mapping[key], CommentedMap | CommentedSeq) and not mapping[key].fa.flow_style():
        add_tail_to_block(mapping[key], tail)
        return
    token = _tail_token(mapping, key)
    if token is None:
        mapping.ca.items.setdefault(key, [None, None, None, None])
        mapping.ca.items[key][2] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        token.value += tail


def add_tail_to_block(node: CommentedMap | CommentedSeq, tail: str) -> None:
    if isinstance(node, CommentedMap):
        add_tail(node, tail)
    elif node and isinstance(node[-1], CommentedMap):
        add_tail(node[-1], tail)


def drop_key(mapping: CommentedMap, key: Any) -> None:
    """Delete `key`, keeping the comment lines after it (they are about the next entry)."""
    keys = list(mapping)
    token = _tail_token(mapping, key)
    tail = token.value.partition("\n")[2] if token is not None else ""
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if tail and keys.index(key) > 0:
        previous = keys[keys.index(key) - 1]
        before = _tail_token(mapping, previous)
        if before is None:
            mapping.ca.items.setdefault(previous, [None, None, None, None])
            mapping.ca.items[previous][2] = CommentToken("\n" + tail, CommentMark(0), None)
        else:
            before.value += tail
