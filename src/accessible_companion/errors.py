"""Errors and outside text as one line, for details, notices, the trace and the journal.

A message from a library may hold newlines (a traceback-ish OSError, a command's output);
every place that shows one to a person or writes it to a line-based file flattens it here.
"""

from __future__ import annotations


def one_line(text: object, limit: int | None = None) -> str:
    """`text` with each whitespace run (newlines too) as one space, cut to `limit` with an ellipsis.

    An error without a message gives its type's name, so a reason is never empty.
    """
    flat = " ".join(str(text).split())
    if not flat and isinstance(text, BaseException):
        flat = type(text).__name__
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1] + "…"
    return flat


def named(error: BaseException, limit: int | None = None) -> str:
    """`TypeName: message` on one line, for errors the reader may not guess from the message alone."""
    return one_line(f"{type(error).__name__}: {error}", limit)
