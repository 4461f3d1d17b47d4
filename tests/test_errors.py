"""The one error one-liner: flat, never empty, cut with an ellipsis."""

from __future__ import annotations

from accessible_companion.errors import named, one_line


def test_whitespace_runs_and_newlines_become_one_space() -> None:
    assert one_line("  cannot\n  open\tthe device \n") == "cannot open the device"
    assert one_line(OSError("disk\nfull")) == "disk full"


def test_an_error_without_a_message_gives_its_type() -> None:
    assert one_line(TimeoutError()) == "TimeoutError"
    assert one_line("") == ""


def test_a_long_text_is_cut_to_the_limit_with_an_ellipsis() -> None:
    assert one_line("x" * 10, limit=10) == "x" * 10
    assert one_line("x" * 11, limit=10) == "x" * 9 + "…"


def test_named_puts_the_type_first() -> None:
    assert named(ValueError("bad\nvalue")) == "ValueError: bad value"
    assert named(RuntimeError("y" * 50), limit=20) == "RuntimeError: yyyyy…"
