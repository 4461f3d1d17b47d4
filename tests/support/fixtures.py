"""pytest fixtures over the rigs: a private PulseAudio server per test, one Xvfb display per session.

Use a fixture by importing it into a test module (`from tests.support.fixtures import
pulse_server`) and naming it in `__all__` so the import reads as used.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from rigs.pulse import PulseServer
from rigs.xvfb import private_display


@pytest.fixture
def pulse_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseServer]:
    """A private PulseAudio server with null sinks `testspk` (default), `testmic` and `testear`.

    PULSE_SERVER (and a private client cookie and runtime dir) point at it for the test.
    PortAudio lists devices once, when sounddevice is first imported: code under test
    must cope with a PortAudio initialised before this server existed (the speech
    adapter lists devices again when it finds no output device).
    """
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
    server = PulseServer.start()
    for name, value in server.client_env().items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private Xvfb display (":N") shared by the session's tests."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    with private_display() as display:
        yield display
