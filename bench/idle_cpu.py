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
microphone a silent null-sink monitor, after the model has loaded. CPU is
utime+stime (+ waited-for children) from /proc/PID/stat over the window, as % of one
core; RSS from /proc/PID/status at its end. With speech on, the PulseAudio server's own
CPU over the same window is shown too (an open stream would cost it as well).
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

from rigs.pulse import PulseServer

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


def measure(
    tmp: Path, mode: str, speech: PulseServer | None, seconds: float, settle: float
) -> dict[str, float | str]:
    trace = tmp / f"trace-{mode}-{'speech' if speech else 'nospeech'}.jsonl"
    args = ["-m", "accessible_companion", "run", "--input", "terminal", "--trace", str(trace), "--mode"]
    args += ["auto", "--interval", "0.25"] if mode == "auto-idle" else ["step"]
    if mode == "listening":
        args += ["--config", str(KOREAN), "--voice"]
    elif mode == "step-watched":
        args += ["--config", str(BUILT_IN)]
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_DATA_HOME": str(tmp / "data"),
    }
    if speech is None:
        args.append("--no-speech")
    else:
        env.update(speech.client_env(), PULSE_SOURCE=f"{speech.mic}.monitor")
    child = pexpect.spawn(sys.executable, args, env=env, dimensions=(40, 120), timeout=None)
    try:
        wait_event(child, trace, "ready")
        if mode == "listening":
            wait_for(child, trace, lambda line: str(line.get("text", "")).startswith("Voice commands ready"))
        if mode in ("step", "step-watched", "listening"):
            wait_event(child, trace, "speech_end")  # the first cue said (or, without speech, skipped)
        else:
            wait_event(child, trace, "idle", timeout=60)
        drain(child, settle)  # let the idle message's speech and the rendering ahead finish
        lines_before = len(trace_events(trace))
        server = speech.proc.pid if speech else os.getpid()  # (own pid: a placeholder)
        cpu0, server0, t0 = cpu_seconds(child.pid), cpu_seconds(server), time.monotonic()
        drain(child, seconds)
        cpu1, server1, t1 = cpu_seconds(child.pid), cpu_seconds(server), time.monotonic()
        info = status(child.pid)
        result: dict[str, float | str] = {
            "cpu": (cpu1 - cpu0) / (t1 - t0) * 100,
            "rss": info.get("VmRSS", "?"),
            "hwm": info.get("VmHWM", "?"),
            "threads": info.get("Threads", "?"),
            "trace": len(trace_events(trace)) - lines_before,
        }
        if speech is not None:
            result["server"] = (server1 - server0) / (t1 - t0) * 100
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
        with server.record(source=f"{server.mic}.monitor"):  # keeps the idle mic sink awake
            for speech, mode in states:
                got = measure(tmp, mode, speech, args.seconds, args.settle)
                label = f"{mode:12} speech {'on ' if speech else 'off'}"
                extra = f", PulseAudio server {got['server']:.2f}%" if "server" in got else ""
                print(
                    f"{label}: CPU {got['cpu']:.2f}% of one core{extra}; RSS {got['rss']} "
                    f"(peak {got['hwm']}), {got['threads']} threads, {got['trace']} trace lines while idle",
                    flush=True,
                )


if __name__ == "__main__":
    main()
