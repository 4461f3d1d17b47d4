"""What the project promises about itself: the wheel carries the config; CI runs the README test command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_test_command_the_readme_gives() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in readme[:12] if line.startswith("    ")]
    assert len(commands) == 2, commands
    run, test = commands
    assert run.endswith("accessible-companion")
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.real
def test_the_wheel_carries_the_default_config(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "config").as_posix() for p in (ROOT / "config").rglob("*.yaml")}
    assert shipped
    assert {f"accessible_companion/default_config/{name}" for name in shipped} <= names
