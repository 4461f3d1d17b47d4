"""One long-running `xdotool -` reading commands on stdin, for presses with precise timing.

Starting a new xdotool process per key costs tens of milliseconds, so 10-20 ms taps cannot
be made that way. Commands written here run as soon as xdotool reads them; `sleep 0.02`
inside a batch is timed by xdotool itself, so a batch like "keydown space / sleep 0.02 /
keyup space" gives a 20 ms tap whatever the test process is doing.
"""

from __future__ import annotations

import os
import subprocess
from types import TracebackType


class XdotoolStream:
    """`xdotool -` on `display`; `send()` writes a batch of commands."""

    def __init__(self, display: str) -> None:
        self._proc = subprocess.Popen(
            ["xdotool", "-"],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "DISPLAY": display},
            text=True,
        )

    def send(self, *commands: str) -> None:
        """Run these commands (one xdotool command each, e.g. "keydown space", "sleep 0.02")."""
        assert self._proc.stdin is not None
        if self._proc.poll() is not None:
            raise RuntimeError(f"xdotool exited {self._proc.returncode}")
        self._proc.stdin.write("".join(f"{command}\n" for command in commands))
        self._proc.stdin.flush()

    def tap(self, key: str, seconds: float) -> None:
        """Hold `key` for `seconds` (timed by xdotool)."""
        self.send(f"keydown {key}", f"sleep {seconds:g}", f"keyup {key}")

    def close(self) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> XdotoolStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
