"""Highlight timing of the real loop: actual vs configured dwell over many auto-scan steps.

    python -m bench.highlight_timing [--steps 220] [--interval 0.25]

The error of each step is (time between two highlights) - (configured dwell). Speech is
the null sink, which reports each cue's end at once, as a cached cue would come close to.
"""

from __future__ import annotations

import argparse
import itertools
import time

from accessible_companion.core.settings import Mode, Scanning, Settings
from bench.support import RecordingTrace, phrases, report, start_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=220)
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    loops = 20  # the most a config allows; enough items that the scan never idles first
    items = args.steps // loops + 2
    scanning = Scanning(mode=Mode.AUTO, interval=args.interval, first_item_extra=0.0, loops=loops)
    settings = Settings(scanning=scanning)
    trace = RecordingTrace()
    loop, thread = start_loop(phrases(items), settings, trace)
    while sum(1 for _, name, _ in trace.lines if name == "highlight") <= args.steps:
        time.sleep(args.interval)
    loop.stop()
    thread.join()
    times = [t for t, name, _ in trace.lines if name == "highlight"][: args.steps + 1]
    late = [((b - a) - args.interval) * 1000 for a, b in itertools.pairwise(times)]
    errors = [abs(ms) for ms in late]
    print(f"configured interval {args.interval * 1000:.0f} ms, {len(errors)} steps of the real loop")
    report("highlight timing |error|", errors, "p99 <= 5 ms")
    print(f"mean signed error {sum(late) / len(late):+.3f} ms (positive = late)")


if __name__ == "__main__":
    main()
