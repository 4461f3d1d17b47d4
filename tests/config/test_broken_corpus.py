"""The broken-config corpus: every case is refused by `check` with exit 2, the right
`file:line`, a message in plain words, no traceback, in well under 5 s."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from accessible_companion.cli import main

from .broken_corpus import CORPUS, Broken

LIBRARY_WORDS = ("Input should", "valid string", "valid tuple", "Traceback", "codec can't", "position ")


def write(folder: Path, case: Broken) -> Path:
    for name, text in case.files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def test_the_corpus_covers_every_kind_of_fault() -> None:
    counts = Counter(case.category for case in CORPUS)
    assert len(CORPUS) >= 100
    assert set(counts) >= {
        "syntax",
        "types",
        "ranges",
        "references",
        "keys",
        "encodings",
        "sizes",
        "hostile yaml",
    }
    assert len({case.name for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[f"{c.category}: {c.name}" for c in CORPUS])
def test_check_refuses_a_broken_config_at_its_line(
    case: Broken, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(tmp_path, case)
    started = time.monotonic()
    status = main(["check", str(folder)])
    took = time.monotonic() - started
    out, err = capsys.readouterr()
    lines = [line.removeprefix(f"{folder}/") for line in err.splitlines()]
    assert status == 2, out + err
    assert any(line.startswith(f"{case.where}: ") and case.says in line for line in lines), lines
    assert not any(":0: " in line for line in lines), lines
    assert not any(words in err for words in LIBRARY_WORDS), err
    assert took < 5, took


SUBPROCESS_CASES = [
    "python object tag",
    "billion laughs",
    "unclosed double quote",
    "latin-1 byte",
    "plain http webhook",
    "deep flow nesting",
]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_a_real_check_process_refuses_hostile_and_broken_files(name: str, tmp_path: Path) -> None:
    (case,) = [c for c in CORPUS if c.name == name]
    folder = write(tmp_path, case)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    # Start-up alone takes a few seconds on a loaded machine; the check itself is timed in-process.
    done = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "check", str(folder)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert f"{folder}/{case.where}: " in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("folder", ["config", "examples/ko"])
def test_every_shipped_config_still_passes(folder: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    assert main(["check", str(root / folder)]) == 0, capsys.readouterr().err
