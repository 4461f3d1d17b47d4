"""A private Xvfb server for real X11 tests, and an xdotool helper.

`with private_display() as display: ...` gives a display name (":N"); tests get it as the
session-wide `xvfb_display` fixture (tests/support/fixtures.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

START_TIMEOUT = 10.0
"""Seconds to wait for Xvfb to report its display and accept connections."""


def _read_display_number(fd: int, proc: subprocess.Popen[bytes]) -> int:
    """Read the number Xvfb writes to -displayfd once it is ready (or fail)."""
    data = b""
    deadline = time.monotonic() + START_TIMEOUT
    os.set_blocking(fd, False)
    while not data.endswith(b"\n"):
        if proc.poll() is not None:
            raise RuntimeError(f"Xvfb exited with code {proc.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError("Xvfb did not report a display number in time")
        try:
            chunk = os.read(fd, 64)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if not chunk:
            raise RuntimeError("Xvfb closed -displayfd without a display number")
        data += chunk
    return int(data.strip())


def _wait_for_connection(display: str) -> None:
    """Return once an X client can open `display`."""
    from Xlib import display as xdisplay

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            xdisplay.Display(display).close()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def private_display() -> Iterator[str]:
    """Start a private Xvfb on a free display number; yield its name (":N"), then stop it."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise FileNotFoundError("Xvfb")
    # -displayfd makes Xvfb pick a free display itself and write its number when ready,
    # so parallel runs and a developer's own X server never collide. -noreset: otherwise
    # the server resets whenever its last client leaves, and a client connecting during
    # the reset is refused ("Connection reset by peer"), which made tests flaky.
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        display = f":{_read_display_number(read_fd, proc)}"
        _wait_for_connection(display)
        yield display
    finally:
        os.close(read_fd)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def xdotool(display: str, *args: str) -> None:
    """Run xdotool against `display`; raise if it fails."""
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=10, capture_output=True)
