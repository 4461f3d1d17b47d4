"""`say`, `devices` and `voices`: the caregiver's quick checks, against a private sound server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rigs.pulse import PulseServer, loud_windows
from tests.support.fixtures import pulse_server

pytestmark = pytest.mark.real
_ = pulse_server  # a fixture, used by name below


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accessible_companion", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_say_is_heard_on_the_speaker(pulse_server: PulseServer, tmp_path: Path) -> None:
    env = {**pulse_server.env(), "XDG_CACHE_HOME": str(tmp_path)}
    with pulse_server.record() as recording:
        done = cli("say", "Testing the main voice", env=env)
        samples = recording.stop()
    assert done.returncode == 0, done.stderr
    assert "spoke with the main voice" in done.stdout
    assert loud_windows(samples, recording.rate), "nothing reached the speaker sink"


def test_say_without_a_sound_server_says_why_and_fails(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PULSE_SERVER": f"unix:{tmp_path}/no-server",
        "PULSE_COOKIE": str(tmp_path / "cookie"),
        "PULSE_RUNTIME_PATH": str(tmp_path / "run"),
        "XDG_CACHE_HOME": str(tmp_path),
    }
    done = cli("say", "Nobody hears this", env=env)
    assert done.returncode == 1
    assert "not spoken: cannot open the audio output" in done.stderr
    assert "Traceback" not in done.stderr


def test_devices_lists_the_default_output(pulse_server: PulseServer) -> None:
    done = cli("devices", env=pulse_server.env())
    assert done.returncode == 0, done.stderr
    assert any("output (default)" in line for line in done.stdout.splitlines()), done.stdout


def test_voices_lists_english() -> None:
    done = cli("voices", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert any(line.split()[0].endswith("/en-us") for line in done.stdout.splitlines()), done.stdout


def named(listing: str) -> bool:
    """Whether `devices` listed a device named "earphone"."""
    return any(line.split()[1:2] == ["earphone"] for line in listing.splitlines())


def test_devices_lists_a_sink_named_in_asoundrc_and_the_sinks_to_name(
    pulse_server: PulseServer, tmp_path: Path
) -> None:
    """The way README gives to route the cue voice to an earphone on a sound server: the line
    `devices` prints, with NAME filled in, in ~/.asoundrc makes a device of that name."""
    home = tmp_path / "home"
    home.mkdir()
    before = cli("devices", env={**pulse_server.env(), "HOME": str(home)})
    assert before.returncode == 0, before.stderr
    hint = [line.strip() for line in before.stdout.splitlines() if '"testear"' in line]
    assert hint and not named(before.stdout), before.stdout
    (home / ".asoundrc").write_text(hint[0].replace("NAME", "earphone") + "\n", encoding="utf-8")
    after = cli("devices", env={**pulse_server.env(), "HOME": str(home)})
    assert after.returncode == 0, after.stderr
    assert named(after.stdout), after.stdout
