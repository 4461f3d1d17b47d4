"""The bedside window's latency in the real process, under Xvfb with Qt's xcb platform.

    python -m bench.window_latency [--highlights 200] [--synced 100] [--interval 0.25]

a. highlight -> painted: auto scan at `--interval`, no speech. For each `highlight` trace
   line (the core's effect, traced by the loop before the view goes to the display), the
   first `painted` line for that item after it; its `at` is when the window process
   finished the paint (time.monotonic() there, on the trace's clock). Target p95 <= 17 ms
   (one frame at 60 Hz).
b. what is heard vs what is seen: the same with speech on a private PulseAudio server (null
   sink): per highlight, its cue's `speech_start` (the first samples went to the audio
   device, as in bench.speech_latency) against its `painted`; the difference
   (speech_start - painted: positive = seen first) and how many are within 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.support import percentile, report
from rigs.xvfb import private_display

MENU = """\
menus:
  - id: home
    title: Home
    items:
{items}
settings:
  scanning: {{interval: {interval}, first_item_extra: 0, loops: {loops}}}
"""
WORDS = ("Water", "Blanket", "Pillow", "Window", "Music", "Doctor", "Kitchen", "Garden", "Light", "Phone")


LOOPS = 20
"""The most passes a config allows before the scan rests; with enough items it never does here."""


def config(tmp: Path, interval: float, highlights: int) -> Path:
    count = highlights // LOOPS + 2
    names = [f"{WORDS[n % len(WORDS)]} {n // len(WORDS) + 1}" for n in range(count)]
    items = "\n".join(f"      - label: {name}\n        say: {name}, please." for name in names)
    path = tmp / "menus.yaml"
    path.write_text(MENU.format(items=items, interval=interval, loops=LOOPS), encoding="utf-8")
    return path


def lines(trace: Path) -> list[dict[str, Any]]:
    if not trace.exists():
        return []
    return [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines() if line.endswith("}")]


def run(
    tmp: Path, display: str, interval: float, highlights: int, env: dict[str, str], *extra: str
) -> list[dict[str, Any]]:
    """The companion until `highlights` highlights are traced; its trace."""
    trace = tmp / f"trace-{time.monotonic_ns()}.jsonl"
    command = [sys.executable, "-m", "accessible_companion", "run", "--trace", str(trace)]
    command += [
        "--config",
        str(config(tmp, interval, highlights)),
        "--display",
        "window",
        "--mode",
        "auto",
        "--no-journal",
        *extra,
    ]
    full_env = {
        **os.environ,
        "DISPLAY": display,
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_DATA_HOME": str(tmp / "data"),
        **env,
    }
    proc = subprocess.Popen(command, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 60 + highlights * (interval + 1.5)
        while sum(1 for line in lines(trace) if line["event"] == "highlight") <= highlights:
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError(f"the companion ended or stalled (status {proc.poll()})")
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return lines(trace)


def paint_delays(trace: list[dict[str, Any]]) -> tuple[list[tuple[dict[str, Any], float]], int]:
    """Per highlight (after the window opened): (its line, painted at); and how many had no paint."""
    opened = next(line["t"] for line in trace if line["event"] == "display" and line["display"] == "window")
    found: list[tuple[dict[str, Any], float]] = []
    missing = 0
    for n, line in enumerate(trace):
        if line["event"] != "highlight" or line["t"] < opened:
            continue
        paint = next(
            (
                later
                for later in trace[n + 1 :]
                if later["event"] == "highlight"
                or (later["event"] == "painted" and later["index"] == line["index"])
            ),
            None,
        )
        if paint is None or paint["event"] != "painted":
            missing += 1
        else:
            found.append((line, paint["at"]))
    return found, missing


def cue_starts(trace: list[dict[str, Any]]) -> dict[int, float]:
    """Per highlight line's position in the trace: when its cue's first samples reached the device."""
    starts: dict[int, float] = {}
    utterance_of: dict[int, int] = {}
    for n, line in enumerate(trace):
        if line["event"] == "highlight":
            cue = next(
                (
                    later
                    for later in trace[n + 1 : n + 20]
                    if later["event"] == "speak" and later["voice"] == "cue" and later["text"]
                ),
                None,
            )
            if cue is not None:
                utterance_of[cue["utterance"]] = n
        elif line["event"] == "speech_start" and line["utterance"] in utterance_of:
            starts[utterance_of[line["utterance"]]] = line["t"]
    return starts


def part_a(tmp: Path, display: str, args: argparse.Namespace) -> None:
    print(f"a. highlight -> painted, auto scan at {args.interval:g} s, no speech")
    trace = run(tmp, display, args.interval, args.highlights, {"QT_QPA_PLATFORM": "xcb"}, "--no-speech")
    delays, missing = paint_delays(trace)
    report("  highlight -> painted", [(at - line["t"]) * 1000 for line, at in delays], "p95 <= 17 ms")
    if missing:
        print(f"  {missing} highlights had no paint of their own (a newer view was painted instead)")


def part_b(tmp: Path, display: str, args: argparse.Namespace) -> None:
    from rigs.pulse import PulseServer

    print(f"\nb. cue's first sample to the device vs painted, auto scan at {args.interval:g} s, speech on")
    # Recording keeps the null sink running in small steps: without a client asking for low
    # latency it sleeps up to ~2 s, and each cue would wait for it (rigs/pulse.py, Recording).
    with PulseServer.start() as server, server.record():
        trace = run(tmp, display, args.interval, args.synced, server.client_env())
    position = {id(line): n for n, line in enumerate(trace)}
    starts = cue_starts(trace)
    delays, _ = paint_delays(trace)
    differences = [
        (starts[position[id(line)]] - at) * 1000 for line, at in delays if position[id(line)] in starts
    ]
    if not differences:
        print("  no cue reached the device (is the PulseAudio server working?)")
        return
    heard = [
        (starts[position[id(line)]] - line["t"]) * 1000 for line, _ in delays if position[id(line)] in starts
    ]
    seen = [(at - line["t"]) * 1000 for line, at in delays]
    report("  highlight -> painted", seen, "-")
    report("  highlight -> cue's speech_start", heard, "-")
    report("  |speech_start - painted|", [abs(d) for d in differences], "within 20 ms")
    within = sum(1 for d in differences if abs(d) <= 20)
    p5, p50, p95 = (percentile(differences, q) for q in (5, 50, 95))
    print(
        f"  speech_start - painted: p5 {p5:+.1f} ms, p50 {p50:+.1f} ms, p95 {p95:+.1f} ms"
        f" (positive: seen before heard); {within} of {len(differences)} within 20 ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--highlights", type=int, default=200)
    parser.add_argument("--synced", type=int, default=100, help="highlights with speech (part b)")
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ac-window-")))
        display = stack.enter_context(private_display())
        print(f"Xvfb {display} (1024x768), Qt's xcb platform; {os.cpu_count()} CPUs")
        part_a(tmp, display, args)
        if args.synced:
            part_b(tmp, display, args)


if __name__ == "__main__":
    main()
