"""Switch event -> `select` trace line, in process, through the real loop.

    python -m bench.select_latency [--presses 200]

A thread plays the part of the switch listener: it posts a press and a release of
switch 2 (select, in step mode) stamped with the clock, as the X11 listener does from
its callback, and the time until the loop has written the `select` line is measured.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from accessible_companion.core.events import SwitchDown, SwitchUp
from accessible_companion.core.settings import Mode, Scanning, Settings
from bench.support import RecordingTrace, phrases, report, start_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    selected = threading.Event()
    written: list[float] = []

    def on_write(now: float, event: str, fields: dict[str, Any]) -> None:
        if event == "select":
            written.append(now)
            selected.set()

    settings = Settings(
        scanning=Scanning(mode=Mode.STEP, acceptance=0.0, debounce=0.0, post_selection_pause=0.0)
    )
    loop, thread = start_loop(phrases(6), settings, RecordingTrace(on_write))
    time.sleep(0.2)
    latencies = []
    for _ in range(args.presses):
        selected.clear()
        loop.post(SwitchDown(2, "switch", "enter"), time.monotonic())
        time.sleep(0.005)  # a short press
        released = time.monotonic()
        loop.post(SwitchUp(2, "switch", "enter"), released)
        if not selected.wait(2.0):
            raise SystemExit("no select line within 2 s")
        latencies.append((written[-1] - released) * 1000)
        time.sleep(0.01)
    loop.stop()
    thread.join()
    report("release -> select trace line", latencies, "p95 <= 10 ms")


if __name__ == "__main__":
    main()
