"""A private Xvfb server for real X11 tests, and an xdotool helper.

`with private_display() as display: ...` gives a display name (":N"); tests get it as the
session-wide `xvfb_display` fixture (tests/support/fixtures.py). `XvfbServer` is one a test
may kill and start again on the same display number.
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
        _end(proc)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Stop an Xvfb cleanly, or kill it when it does not stop within 5 s."""
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


class XvfbServer:
    """An Xvfb that a test can kill and start again on the same display number ("X crashed, X came back").

    `start()` picks a free number the first time and reuses it after `kill()`. It picks from a
    high range, not the lowest free number as -displayfd does: while this server is down, other
    tests' servers (started with -displayfd) would otherwise take its number.
    """

    def __init__(self) -> None:
        self.display = f":{_unused_display_number()}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Start the server (on the previous display number, if there was one); its name, ":N"."""
        binary = shutil.which("Xvfb")
        if binary is None:
            raise FileNotFoundError("Xvfb")
        read_fd, write_fd = os.pipe()
        options = ["-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"]
        self._proc = subprocess.Popen(
            [binary, self.display, "-displayfd", str(write_fd), *options],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        try:
            self.display = f":{_read_display_number(read_fd, self._proc)}"
        finally:
            os.close(read_fd)
        _wait_for_connection(self.display)
        return self.display

    def kill(self) -> None:
        """SIGKILL, as a crash: the socket and lock file stay behind (a new server copes with them)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    def stop(self) -> None:
        """End the server cleanly, if it runs."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _end(proc)


def _unused_display_number() -> int:
    """A display number from 400 up that has no X socket or lock file (random: parallel tests)."""
    import random

    numbers = list(range(400, 1000))
    random.shuffle(numbers)
    for number in numbers:
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            return number
    raise RuntimeError("no free X display number from 400 to 999")
