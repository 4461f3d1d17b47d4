"""YAML's own errors, told in a caregiver's words at the line where the fault begins.

PyYAML reports an unclosed quote or bracket where it gave up (often the end of the file)
and a bad byte by its offset; a caregiver needs the line where the quote or bracket was
opened, and a line and column.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import Problem

# PyYAML's wording -> what to tell a caregiver. The first part found in the problem wins.
_PLAIN_WORDS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "a tab: YAML is indented with spaces only"),
    (
        "mapping values are not allowed",
        "a ':' where it cannot be: put the text in quotes, or check the indentation",
    ),
    ("unknown escape", "an unknown \\ escape in double quotes: write \\\\ or use single quotes"),
    ("chomping or indentation", "after '|' or '>' the text starts on the next line"),
    ("found another document", "only one document per file: remove the second '---'"),
    ("could not find expected ':'", "a line without ':' where a key was expected"),
    ("found undefined alias", "an alias (*name) with no &name above it"),
)


def syntax_problem(file: Path, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """Where and what, for a YAML scanner, parser or composer error."""
    problem = str(error.problem or error.context or "")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    context = str(error.context or "")
    if "quoted scalar" in context and "end of stream" in problem and error.context_mark is not None:
        return Problem(file, error.context_mark.line + 1, "this quote is never closed")
    opened = _open_bracket(text, mark.index if mark is not None else len(text))
    if opened is not None and opened[0] < line:
        bracket, bracket_line = opened[1], opened[0]
        closer = "]" if bracket == "[" else "}"
        return Problem(
            file,
            bracket_line,
            f"this '{bracket}' is never closed with '{closer}' (YAML stopped at line {line})",
        )
    return Problem(file, line, f"YAML syntax: {_plain(problem, error)}")


def _plain(problem: str, error: yaml.MarkedYAMLError) -> str:
    for part, words in _PLAIN_WORDS:
        if part in problem:
            return words
    if "expected <block end>" in problem:
        found = problem.split("but found", 1)[-1].strip()
        if found in ("'<scalar>'", "'<block mapping start>'", "'-'", "'<block sequence start>'"):
            return "text after a value, or a line indented differently from the lines around it"
        return f"unexpected {found} (after the closing quote, or an extra bracket?)"
    return problem or str(error)


def _open_bracket(text: str, stop: int) -> tuple[int, str] | None:
    """The line and character of the innermost '[' or '{' still open at offset `stop`."""
    opened: list[tuple[int, str]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= stop:
                break
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                opened.append(
                    (
                        token.start_mark.line + 1,
                        "[" if isinstance(token, yaml.FlowSequenceStartToken) else "{",
                    )
                )
            elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken) and opened:
                opened.pop()
    except yaml.YAMLError:
        pass
    return opened[-1] if opened else None


def decode_problem(file: Path, raw: bytes, error: UnicodeDecodeError) -> Problem:
    """A byte that is not UTF-8, by line and column."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(file, 1, "the file is saved as UTF-16: save it as UTF-8")
    before = raw[: error.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    return Problem(
        file,
        line,
        f"not UTF-8 text: byte 0x{raw[error.start]:02x} at line {line}, column {column} "
        "(save the file as UTF-8)",
    )


def reader_problem(file: Path, text: str, error: yaml.reader.ReaderError) -> Problem:
    """A control character YAML does not allow, by line and column."""
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    return Problem(
        file,
        line,
        f"a control character (code {int(error.character):#04x}) at line {line}, column {column}: remove it",
    )
