"""CPU and memory of the real process while it idles, with speech off and on.

    python -m bench.idle_cpu [--seconds 20]

Runs `python -m accessible_companion run --input terminal --trace FILE ...` on a pseudo
terminal (pexpect), its screen output read and thrown away, in two states:

- step: `--mode step`, after the first cue; nothing is scheduled, it waits for a press.
- auto-idle: `--mode auto --interval 0.25`, after the trace shows `idle` (its passes done).
- step-watched: step, with `--config` naming the built-in config folder, so the
  config watcher polls its files once a second (live reload's cost).

each with `--no-speech` and with speech on a private PulseAudio server (null sink); then
listening: step mode with voice commands on (the Korean example config and model), the
microphone a silent null-sink monitor, after the model has loaded. Then the bedside
window (`--display window --input x11` on a private Xvfb, speech off): step (scanning
stopped) and auto-1s (scanning at 1 s, measured while it scans), and auto-1s on the
terminal display to compare. CPU is utime+stime (+ waited-for children) from
/proc/PID/stat over the window, as % of one core, and with the window the window
process's own CPU is added (both processes counted; its RSS is shown apart). RSS from
/proc/PID/status at its end. With speech on, the PulseAudio server's own CPU over the
same window is shown too (an open stream would cost it as well).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pexpect

from accessible_companion.voice.recognizer import IDLE_AFTER
from rigs.pulse import PulseServer
from rigs.xvfb import private_display

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime of `pid`, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the name: state is field 3, so utime (14) .. cstime (17) are at 11..14 here.
    return sum(int(f) for f in fields[11:15]) / TICK


def status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def trace_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.endswith("}")]


def drain(child: pexpect.spawn, seconds: float) -> None:
    """Read and drop the child's screen output for `seconds` (a full pty would block it)."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            child.read_nonblocking(65536, timeout=min(left, 0.5))
        except pexpect.TIMEOUT:
            continue
        except pexpect.EOF:
            return


def wait_event(child: pexpect.spawn, trace: Path, name: str, timeout: float = 30.0) -> None:
    wait_for(child, trace, lambda line: line.get("event") == name, timeout, name)


def wait_for(
    child: pexpect.spawn,
    trace: Path,
    match: Callable[[dict[str, Any]], bool],
    timeout: float = 30.0,
    name: str = "the line",
) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(match(line) for line in trace_events(trace)):
            return
        if not child.isalive():
            raise RuntimeError(f"the companion exited before {name!r}")
        drain(child, 0.1)
    raise TimeoutError(f"no {name!r} in the trace within {timeout:.0f} s")


KOREAN = Path(__file__).resolve().parents[1] / "examples" / "ko"
BUILT_IN = Path(__file__).resolve().parents[1] / "config"


def window_pid(trace: Path) -> int | None:
    """The window process's pid, from the `display` trace line of an open window."""
    for line in trace_events(trace):
        if line.get("event") == "display" and line.get("display") == "window":
            return int(line["pid"])
    return None


MODES = {
    "step": ["step"],
    "step-watched": ["step", "--config", str(BUILT_IN)],
    "listening": ["step", "--config", str(KOREAN), "--voice"],
    "auto-idle": ["auto", "--interval", "0.25"],
    "auto-1s": ["auto", "--interval", "1"],
}
"""The `--mode` value and further options of each state."""


def command(trace: Path, mode: str, speech: bool, window: bool) -> list[str]:
    shown = "window" if window else "terminal"
    args = ["-m", "accessible_companion", "run", "--trace", str(trace), "--display", shown]
    args += ["--input", "x11" if window else "terminal", "--mode", *MODES[mode]]
    return args if speech else [*args, "--no-speech"]


def environment(tmp: Path, speech: PulseServer | None, window: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_DATA_HOME": str(tmp / "data"),
    }
    if window is not None:
        env["DISPLAY"] = window
    else:
        env.pop("DISPLAY", None)
    if speech is not None:
        env.update(speech.client_env(), PULSE_SOURCE=f"{speech.mic}.monitor")
    return env


def measure(
    tmp: Path, mode: str, speech: PulseServer | None, seconds: float, settle: float, window: str | None = None
) -> dict[str, float | str]:
    """`window`: the X display to open the bedside window on (None: the terminal display)."""
    shown = "window" if window else "terminal"
    trace = tmp / f"trace-{mode}-{shown}-{'speech' if speech else 'nospeech'}.jsonl"
    args = command(trace, mode, speech is not None, window is not None)
    env = environment(tmp, speech, window)
    child = pexpect.spawn(sys.executable, args, env=env, dimensions=(40, 120), timeout=None)
    try:
        wait_event(child, trace, "ready")
        if mode == "listening":
            wait_for(child, trace, lambda line: str(line.get("text", "")).startswith("Voice commands ready"))
        if window is not None:
            wait_for(child, trace, lambda line: line.get("event") == "painted", name="painted")
        if mode in ("step", "step-watched", "listening"):
            wait_event(child, trace, "speech_end")  # the first cue said (or, without speech, skipped)
        elif mode == "auto-idle":
            wait_event(child, trace, "idle", timeout=60)
        # Let the idle message's speech and the rendering ahead finish; listening moves to
        # long blocks once nothing was heard or said for IDLE_AFTER (and the handover).
        drain(child, max(settle, IDLE_AFTER + 1.0) if mode == "listening" else settle)
        lines_before = len(trace_events(trace))
        server = speech.proc.pid if speech else os.getpid()  # (own pid: a placeholder)
        drawer = window_pid(trace) if window else None
        cpu0, server0, t0 = cpu_seconds(child.pid), cpu_seconds(server), time.monotonic()
        drawn0 = cpu_seconds(drawer) if drawer else 0.0
        drain(child, seconds)
        cpu1, server1, t1 = cpu_seconds(child.pid), cpu_seconds(server), time.monotonic()
        drawn1 = cpu_seconds(drawer) if drawer else 0.0
        info = status(child.pid)
        result: dict[str, float | str] = {
            "cpu": (cpu1 - cpu0 + drawn1 - drawn0) / (t1 - t0) * 100,
            "rss": info.get("VmRSS", "?"),
            "hwm": info.get("VmHWM", "?"),
            "threads": info.get("Threads", "?"),
            "trace": len(trace_events(trace)) - lines_before,
        }
        if speech is not None:
            result["server"] = (server1 - server0) / (t1 - t0) * 100
        if drawer is not None:
            result["window_rss"] = status(drawer).get("VmRSS", "?")
            result["window_cpu"] = (drawn1 - drawn0) / (t1 - t0) * 100
        return result
    finally:
        if child.isalive():
            child.kill(signal.SIGTERM)
            drain(child, 0.5)
        child.close(force=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring window per state")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait before measuring")
    parser.add_argument(
        "--only-window", dest="only_window", action="store_true", help="only the window states"
    )
    parser.add_argument("--no-window", dest="window", action="store_false", help="skip the window states")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {TICK} ticks/s (CPU resolution {1000 / TICK:.0f} ms)")
    print(
        f"each state measured over {args.seconds:.0f} s after {args.settle:.0f} s of settling; target <= 2%"
    )
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ac-idle-")))
        server = stack.enter_context(PulseServer.start())
        states = [(None, "step"), (None, "step-watched"), (None, "auto-idle"), (server, "step")]
        states.append((server, "auto-idle"))
        states.append((server, "listening"))
        if args.only_window:
            states = []
        # Keeps the idle mic sink awake; asking for no short latency, as a real microphone
        # that only the companion records runs at the latency the companion asks for (with
        # parec's 20 ms the null sink's monitor sent the listener's stream 64 packets a
        # second even in 0.2 s blocks: PortAudio's PulseAudio thread 0.3-0.4% of a core).
        with server.record(source=f"{server.mic}.monitor", latency_msec=1000):
            for speech, mode in states:
                show(mode, speech, measure(tmp, mode, speech, args.seconds, args.settle))
        if args.window:
            display = stack.enter_context(private_display())
            show("auto-1s", None, measure(tmp, "auto-1s", None, args.seconds, args.settle))
            for mode in ("step", "auto-1s"):
                got = measure(tmp, mode, None, args.seconds, args.settle, window=display)
                show(mode, None, got, "window")


def show(mode: str, speech: PulseServer | None, got: dict[str, float | str], shown: str = "terminal") -> None:
    label = f"{mode:12} {shown:8} speech {'on ' if speech else 'off'}"
    extra = f", PulseAudio server {got['server']:.2f}%" if "server" in got else ""
    both = f" (both processes; the window's {got['window_cpu']:.2f}%)" if "window_cpu" in got else ""
    window = f", window process RSS {got['window_rss']}" if "window_rss" in got else ""
    print(
        f"{label}: CPU {got['cpu']:.2f}% of one core{both}{extra}; RSS {got['rss']} "
        f"(peak {got['hwm']}){window}, {got['threads']} threads, {got['trace']} trace lines meanwhile",
        flush=True,
    )


if __name__ == "__main__":
    main()
