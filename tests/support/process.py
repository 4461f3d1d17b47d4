"""Run the real `accessible-companion` process and read its trace as it is written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

TraceLine = dict[str, Any]


class Companion:
    """The companion as a child process, with its trace file."""

    def __init__(
        self, trace: Path, proc: subprocess.Popen[bytes] | None, alive: Callable[[], bool] | None = None
    ):
        self.trace = trace
        self.proc = proc
        self._alive = alive or (lambda: proc is not None and proc.poll() is None)

    @classmethod
    def start(
        cls, tmp: Path, *args: str, env: Mapping[str, str] | None = None, page: bool = False
    ) -> Companion:
        """The companion with `args`; on the terminal display unless they say `--display`: a test
        about something else need not start a Qt process on a 2-core machine
        (tests/e2e/test_window.py tests the window). Without the caregiver's page unless `page`:
        companions started side by side would all want its port (tests/e2e/test_caregiver_*.py
        test the page)."""
        trace = tmp / "trace.jsonl"
        shown = () if "--display" in args else ("--display", "terminal")
        no_page = () if page else ("--no-page",)
        command = [
            sys.executable,
            "-m",
            "accessible_companion",
            "run",
            "--trace",
            str(trace),
            *shown,
            *no_page,
            *args,
        ]
        # The speech cache and the log go to the test's folder, not the user's home.
        full_env = {
            # The window picks its Qt platform itself (xcb) unless a test says otherwise.
            **{key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"},
            "XDG_CACHE_HOME": str(tmp / "cache"),
            "XDG_STATE_HOME": str(tmp / "state"),
            "XDG_DATA_HOME": str(tmp / "data"),
            **(env or {}),
        }
        proc = subprocess.Popen(
            command, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        return cls(trace, proc)

    def lines(self) -> list[TraceLine]:
        if not self.trace.exists():
            return []
        text = self.trace.read_text(encoding="utf-8")
        # Every line is flushed whole; a partial last line would be a bug, so parse strictly.
        return [json.loads(line) for line in text.splitlines() if line]

    def wait_for(
        self, match: Callable[[TraceLine], bool], timeout: float = 15.0, after: int = 0
    ) -> TraceLine:
        """The first trace line (from index `after`) that matches, waiting up to `timeout` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.lines()[after:]:
                if match(line):
                    return line
            if not self._alive():
                raise AssertionError(f"companion exited: {self.stderr()}")
            time.sleep(0.02)
        raise AssertionError(f"no matching trace line in {timeout} s; trace: {self.lines()[after:]}")

    def stderr(self) -> str:
        if self.proc is None or self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode(errors="replace")

    def stop(self) -> int:
        """SIGTERM, then the exit code (a clean stop is 0)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            # What it said while stopping (a part slow to stop is named there) and where it was.
            stopping = [line for line in self.lines() if line.get("event") in ("stop", "error")]
            # The app prints every thread's stack 8 s after SIGTERM (app.STOP_STACKS_AFTER).
            said = self.stderr()
            stacks = said.find("Thread 0x")
            raise AssertionError(
                f"no exit 10 s after SIGTERM; trace: {stopping[-5:]}; "
                f"stacks: {said[stacks:][:12000] if stacks >= 0 else 'none'}; stderr: {said[-3000:]}"
            ) from None


def event(name: str, **fields: Any) -> Callable[[TraceLine], bool]:
    """A matcher for trace lines of event `name` whose fields equal `fields`."""
    return lambda line: line.get("event") == name and all(line.get(k) == v for k, v in fields.items())
