"""Every command explains a bad config the same way: an optional heading, each problem, a count."""

from __future__ import annotations

from pathlib import Path

import pytest

from accessible_companion.config import load_config, load_or_explain


def test_a_good_config_is_returned_and_nothing_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_or_explain(None) == load_config(None)
    assert capsys.readouterr() == ("", "")


def test_problems_go_to_stderr_after_the_heading_and_before_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert load_or_explain(missing) is None
    assert capsys.readouterr() == ("", f"{missing}:1: no such file or folder\n")
    assert load_or_explain(missing, "Not started:", count=True) is None
    assert capsys.readouterr().err == f"Not started:\n{missing}:1: no such file or folder\n1 problem found.\n"
