"""The caregiver's page in use, beside the real companion process (terminal display and input,
no speech, no microphone, no journal; the page on 127.0.0.1 at a free port, where a visitor
gets a session without a PIN). Figures only: nothing here is a pass or a fail.

    python -m bench.page_use [--saves 50] [--trials 10] [--steps 200] [--interval 0.25]
                             [--clients 4] [--pages /menus,/settings,/history,/menus/home/items/0]

1. A save on the page -> in use in the companion (the built-in config). `--saves` saves of the
   first Home item's form, as a browser makes them: GET /menus/home/items/0, then POST it
   with the csrf and hidden fields the page gave and a new label. For each: POST -> response
   (the page answers once the companion's trace says it runs the new version; "In use now"
   is checked on the page the answer leads to), and POST -> the trace's `config` line with
   reason `page:N`, both by its `t` on this process's clock and by when a 2 ms poll of the
   trace file saw it. The trace's `t` counts from the companion's start on the same
   monotonic clock; the offset is the smallest (seen here - t) over every line the poll saw.
   The first save (it also keeps the config as found in the history) is shown apart. Then
   where the time goes: the same edit made in this process, step by step.
2. Highlight timing with the page in heavy use: auto scan at `--interval` (first_item_extra 0,
   loops 20, enough items in Home that the scan never rests). Per phase, `--steps`
   highlight-to-highlight errors from the trace's `t` (time between two highlights minus the
   interval, as bench.highlight_timing measures in process): with nobody on the page, then
   with `--clients` threads asking for /menus, /settings, /history and an item page as fast
   as they can (each with its own session and kept connection, asking for gzip as browsers
   do) and one more holding the switch test's live stream open. Idle, loaded, idle, loaded:
   drift on a shared machine shows. Per phase: the |error| distribution, the requests served
   a second, and the companion process's CPU (from /proc/PID/stat).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.support import percentile, report
from rigs.page_forms import form_fields
from rigs.page_visitor import Visitor, config_folder

TraceLine = dict[str, Any]

ITEM = "/menus/home/items/0"
PAGES = ("/menus", "/settings", "/history", ITEM)
"""What the loading clients ask for by default, one page each (client n asks for page n % 4)."""
LOOPS = 20
"""The most passes a config allows before the scan rests."""
PHASES = ("idle", "loaded", "idle", "loaded")
POLL = 0.002
"""Seconds between looks at the trace file while a save is under way."""
TARGET = "p99 <= 5 ms, as without the page"


class TraceTail:
    """The companion's trace file read as it grows: whole lines, each with when it was seen here."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines: list[TraceLine] = []
        self._seen: list[float] = []
        self._fd: int | None = None
        self._rest = b""
        self._lock = threading.Lock()

    def poll(self) -> None:
        """Read what was written since the last look (from one thread at a time)."""
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return
        chunks = []
        while chunk := os.read(self._fd, 1 << 16):
            chunks.append(chunk)
        if not chunks:
            return
        now = time.monotonic()
        *whole, self._rest = (self._rest + b"".join(chunks)).split(b"\n")
        parsed = [json.loads(line) for line in whole if line]
        with self._lock:
            self._lines.extend(parsed)
            self._seen.extend([now] * len(parsed))

    def lines(self) -> list[TraceLine]:
        with self._lock:
            return list(self._lines)

    def seen(self) -> list[tuple[TraceLine, float]]:
        """Every line with the time (this process's monotonic clock) it was first read."""
        with self._lock:
            return list(zip(self._lines, self._seen, strict=True))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Poller:
    """Reads a `TraceTail` every `period` seconds on a thread of its own."""

    def __init__(self, tail: TraceTail, period: float) -> None:
        self._tail = tail
        self._period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trace-poll", daemon=True)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._period):
            self._tail.poll()


class Companion:
    """`accessible-companion run` with its page, its trace read as it is written."""

    def __init__(self, tmp: Path, folder: Path) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp
        self.tail = TraceTail(tmp / "trace.jsonl")
        command = [sys.executable, "-m", "accessible_companion", "run", "--trace", str(self.tail.path)]
        command += ["--config", str(folder), "--display", "terminal", "--input", "terminal"]
        command += ["--no-speech", "--no-voice", "--no-journal"]
        env = {
            **os.environ,
            # Its PIN file, page history, last good config and cache: this run's, not the user's.
            "XDG_CACHE_HOME": str(tmp / "cache"),
            "XDG_STATE_HOME": str(tmp / "state"),
            "XDG_DATA_HOME": str(tmp / "data"),
        }
        self._stderr = (tmp / "stderr.txt").open("wb")
        self.proc = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr
        )

    def __enter__(self) -> Companion:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def wait_for(
        self, match: Callable[[TraceLine], bool], after: int = 0, timeout: float = 60.0, poll: bool = True
    ) -> tuple[int, TraceLine]:
        """The first line from index `after` that matches, and its index; `poll`: read the file
        here (False: a `Poller` reads it)."""
        end = time.monotonic() + timeout
        while True:
            if poll:
                self.tail.poll()
            lines = self.tail.lines()
            for n in range(after, len(lines)):
                if match(lines[n]):
                    return n, lines[n]
            if self.proc.poll() is not None:
                raise RuntimeError(f"the companion ended (status {self.proc.returncode}): {self.errors()}")
            if time.monotonic() > end:
                raise RuntimeError(f"no such trace line in {timeout:g} s")
            time.sleep(POLL if not poll else 0.02)

    def pid(self) -> int:
        return int(self.wait_for(lambda line: line["event"] == "start")[1]["pid"])

    def url(self) -> str:
        return str(self.wait_for(lambda line: line["event"] == "caregiver_page" and "url" in line)[1]["url"])

    def errors(self) -> str:
        return (self.tmp / "stderr.txt").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.tail.close()
        self._stderr.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the name may hold spaces and brackets
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def page_process(pid: int) -> int | None:
    """The pid of the companion's page process (its child running page_process), if any."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == pid and b"page_process" in command:
            return int(entry.name)
    return None


# 1. A save -> in use.


@dataclass
class Save:
    sent: float
    answered: float
    in_use: bool
    line: TraceLine | None
    """The companion's `config` line for this save, if it came."""
    seen: float | None
    """When the poll read that line (this process's clock)."""


def one_save(app: Companion, visitor: Visitor, n: int) -> Save:
    status, _, html = visitor.request("GET", ITEM)
    if status != 200:
        raise RuntimeError(f"the item's form did not come ({status})")
    fields = {**form_fields(html, ITEM), "label": f"Bench label {n}"}
    mark = len(app.tail.lines())
    sent = time.monotonic()
    status, headers, text = visitor.request("POST", ITEM, fields)
    answered = time.monotonic()
    if status != 303:
        raise RuntimeError(f"the save was refused ({status}): {text[:2000]}")
    _, _, page = visitor.request("GET", headers["location"])
    found = re.search(r"Saved \(version (\d+)\)", page)
    if found is None:
        raise RuntimeError(f"the page did not say it saved: {page[:2000]}")
    reason = f"page:{found.group(1)}"
    try:
        index, line = app.wait_for(
            lambda line: line["event"] == "config" and line.get("reason") == reason,
            after=mark,
            timeout=6.0,
            poll=False,
        )
    except RuntimeError:
        return Save(sent, answered, "In use now" in page, None, None)
    return Save(sent, answered, "In use now" in page, line, app.tail.seen()[index][1])


def part_saves(tmp: Path, saves: int) -> Path:
    """Part 1; returns the config folder as the saves left it."""
    print(f"1. a save on the page -> in use in the companion ({saves} saves of one item's form)")
    folder = config_folder(tmp)
    with Companion(tmp, folder) as app:
        visitor = Visitor(app.url(), keep_alive=True, compressed=True)
        visitor.request("GET", "/")  # a session, as a browser's first visit
        with Poller(app.tail, POLL):
            done = [one_save(app, visitor, n) for n in range(saves + 1)]
        visitor.close()
        offset = min(seen - line["t"] for line, seen in app.tail.seen())
    first, rest = done[0], done[1:]

    def ms(a: float, b: float) -> float:
        return (b - a) * 1000

    answered = [ms(s.sent, s.answered) for s in rest]
    applied = [ms(s.sent, s.line["t"] + offset) for s in rest if s.line is not None]
    seen = [ms(s.sent, s.seen) for s in rest if s.seen is not None]
    after = [ms(s.line["t"] + offset, s.answered) for s in rest if s.line is not None]
    report("  POST -> response (the page waits for the companion)", answered, "-")
    if applied:
        report("  POST -> `config` line (its t on this clock)", applied, "-")
        report("  POST -> `config` line read from the trace file", seen, "-")
        report("  `config` line -> response", after, "-")
    print(
        f"  'In use now' on {sum(s.in_use for s in rest)} of {len(rest)} pages after a save; "
        f"{sum(s.line is None for s in rest)} saves had no `config` line within 6 s"
    )
    in_use = "" if first.line is None else f", in use {ms(first.sent, first.line['t'] + offset):.0f} ms"
    print(
        "  the first save (it also keeps the config as found): "
        f"response {ms(first.sent, first.answered):.0f} ms{in_use}"
    )
    return folder


def part_steps(tmp: Path, folder: Path, trials: int) -> None:
    """Where a save's time goes: the same edit in this process, step by step."""
    from accessible_companion.caregiver.history import History
    from accessible_companion.caregiver.saving import file_texts
    from accessible_companion.config.document import ConfigDocument
    from accessible_companion.config.last_good import keep
    from accessible_companion.config.loader import load_config
    from accessible_companion.config.watch import SETTLE_SECONDS

    copy = tmp / "config"
    shutil.copytree(folder, copy)
    # keep() writes the last good copy into the state folder: this run's, not the user's.
    os.environ["XDG_STATE_HOME"] = str(tmp / "state")
    history = History(tmp / "history.sqlite3", copy)
    steps: dict[str, list[float]] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = work()
        steps.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    def one(n: int) -> None:
        document: ConfigDocument = timed("page: read the files", lambda: ConfigDocument.read(copy))
        timed("page: the edit", lambda: document.set_item_field("home", 0, "label", f"In process {n}"))
        timed("page: check (the real loader)", document.check)
        timed("page: write (atomic, synced)", document.save)
        timed(
            "page: keep the version (read files, SQLite)",
            lambda: history.record(file_texts(copy), "bench", "a bench edit"),
        )
        config = timed("companion: load the files", lambda: load_config(copy))
        timed("companion: keep as last good config", lambda: keep(config, copy))

    for n in range(trials):
        one(n)
    history.close()
    print(f"\n  where the time goes: the same edit in this process ({trials} runs)")
    for name, values in steps.items():
        report(f"    {name}", values, "-")
    medians = sum(percentile(values, 50) for values in steps.values())
    print(
        f"    (a reload the page asks for does not wait the {SETTLE_SECONDS * 1000:.0f} ms an editor's "
        f"files are given to settle, and the last good copy is kept after the config is handed on)\n"
        f"    the steps' medians add up to {medians:.0f} ms; the rest is the loop taking the config when "
        f"calm, thread hand-offs and HTTP"
    )


# 2. Highlight timing while the page is in heavy use.


class Load:
    """Clients asking for pages as fast as they can, and one holding the live stream open."""

    def __init__(self, url: str, clients: int, pages: tuple[str, ...]) -> None:
        self.url = url
        self.clients = clients
        self._served: dict[str, int] = dict.fromkeys(pages, 0)
        self._failed = 0
        self._events = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._ask, args=(pages[n % len(pages)],), daemon=True)
            for n in range(clients)
        ]
        self._threads.append(threading.Thread(target=self._listen, daemon=True))
        self._stream: http.client.HTTPConnection | None = None
        self._streaming = threading.Event()

    def start(self) -> None:
        """Start every client; return once the stream is open (the server is answering them)."""
        for thread in self._threads:
            thread.start()
        self._streaming.wait(10)

    def counts(self) -> tuple[dict[str, int], int, int]:
        """Pages served by page so far, requests that failed, events the stream brought."""
        with self._lock:
            return dict(self._served), self._failed, self._events

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            stream = self._stream
        if stream is not None and stream.sock is not None:
            stream.sock.shutdown(socket.SHUT_RDWR)  # the stream's read returns at once
        for thread in self._threads:
            thread.join(timeout=15)

    def _ask(self, path: str) -> None:
        visitor = Visitor(self.url, keep_alive=True, compressed=True)
        while not self._stop.is_set():
            try:
                status, _, _ = visitor.request_bytes("GET", path)
            except OSError:
                status = 0
            with self._lock:
                if status == 200:
                    self._served[path] += 1
                else:
                    self._failed += 1
        visitor.close()

    def _listen(self) -> None:
        visitor = Visitor(self.url)
        visitor.request("GET", "/switch")  # the switch test's page, then its stream
        cookie = "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())
        stream = http.client.HTTPConnection(visitor.host, visitor.port, timeout=60)
        try:
            stream.request("GET", "/switch/events", headers={"Cookie": cookie, "Accept": "text/event-stream"})
            response = stream.getresponse()
            with self._lock:
                self._stream = stream
            self._streaming.set()
            while not self._stop.is_set() and (chunk := response.read1(65536)):
                with self._lock:
                    self._events += chunk.count(b"event: ")
        except (OSError, http.client.HTTPException):  # stop() cut it mid-chunk
            pass
        finally:
            stream.close()


@dataclass
class Phase:
    name: str
    late_ms: list[float]
    seconds: float
    cpu: float
    page_cpu: float
    served: dict[str, int]
    failed: int
    events: int


def timing_config(tmp: Path, interval: float, steps: int) -> Path:
    """The built-in config, auto scan at `interval`, and enough items in Home never to rest."""
    from accessible_companion.config.document import ConfigDocument

    folder = config_folder(tmp)
    document = ConfigDocument.read(folder)
    for dotted, value in {
        "scanning.mode": "auto",
        "scanning.interval": interval,
        "scanning.first_item_extra": 0,
        "scanning.loops": LOOPS,
    }.items():
        document.set_setting(dotted, value)
    # Every phase, the wait for the load to start, and the warm-up: with room to spare.
    highlights = len(PHASES) * (steps + 10) + 40
    have = len(document.items("home"))
    for n in range(max(0, highlights // LOOPS + 2 - have)):
        document.add_item("home", {"label": f"Phrase {n + 1}"})
    document.save()
    return folder


def highlight_count(app: Companion) -> int:
    app.tail.poll()
    return sum(1 for line in app.tail.lines() if line["event"] == "highlight")


def run_phase(app: Companion, pid: int, name: str, load: Load | None, args: argparse.Namespace) -> Phase:
    if load is not None:
        load.start()
    mark = highlight_count(app)
    page = page_process(pid)
    page_cpu = cpu_seconds(page) if page is not None else 0.0
    cpu, started = cpu_seconds(pid), time.monotonic()
    served, failed, events = load.counts() if load is not None else ({}, 0, 0)
    end = time.monotonic() + 30 + args.steps * args.interval * 3
    while highlight_count(app) < mark + args.steps + 1:
        if app.proc.poll() is not None or time.monotonic() > end:
            raise RuntimeError(f"the companion ended or stalled: {app.errors()}")
        time.sleep(0.05)
    seconds, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu
    page_cpu = cpu_seconds(page) - page_cpu if page is not None else 0.0
    if load is not None:
        now_served, now_failed, now_events = load.counts()
        served = {path: count - served[path] for path, count in now_served.items()}
        failed, events = now_failed - failed, now_events - events
        load.stop()
    highlights = [line for line in app.tail.lines() if line["event"] == "highlight"]
    times = [float(line["t"]) for line in highlights[mark : mark + args.steps + 1]]
    late = [((b - a) - args.interval) * 1000 for a, b in itertools.pairwise(times)]
    return Phase(name, late, seconds, cpu, page_cpu, served, failed, events)


def show(phase: Phase, label: str) -> None:
    report(f"  {label} |error|", [abs(ms) for ms in phase.late_ms], TARGET)
    mean = sum(phase.late_ms) / len(phase.late_ms)
    line = (
        f"    mean signed {mean:+.3f} ms; companion CPU {100 * phase.cpu / phase.seconds:.0f} % of one core, "
        f"its page's process {100 * phase.page_cpu / phase.seconds:.0f} %"
    )
    if phase.served:
        total = sum(phase.served.values())
        each = ", ".join(f"{path} {count / phase.seconds:.1f}" for path, count in phase.served.items())
        line += (
            f"; {total / phase.seconds:.0f} pages/s served ({each}); {phase.failed} failed; "
            f"{phase.events} live-stream events"
        )
    print(line)


def part_timing(tmp: Path, args: argparse.Namespace) -> None:
    print(
        f"\n2. highlight timing, auto scan at {args.interval * 1000:.0f} ms, {args.steps} steps a phase; "
        f"loaded: {args.clients} clients asking for {', '.join(args.pages)}, + the switch test's live stream"
    )
    folder = timing_config(tmp, args.interval, args.steps)
    with Companion(tmp, folder) as app:
        pid, url = app.pid(), app.url()
        app.wait_for(lambda line: line["event"] == "highlight")
        time.sleep(0.5)  # past the first highlights and the page's start
        phases = []
        for n, name in enumerate(PHASES):
            load = Load(url, args.clients, args.pages) if name == "loaded" else None
            phase = run_phase(app, pid, name, load, args)
            show(phase, f"{n + 1}. {name}")
            phases.append(phase)
    print("  all steps of each kind together:")
    for name in ("idle", "loaded"):
        late = [ms for phase in phases if phase.name == name for ms in phase.late_ms]
        report(f"    {name} |error|", [abs(ms) for ms in late], TARGET)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--saves", type=int, default=50, help="saves on the page (part 1; 0: skip it)")
    parser.add_argument("--steps", type=int, default=200, help="highlight steps a phase (part 2; 0: skip it)")
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--clients", type=int, default=4, help="clients asking for pages (part 2)")
    parser.add_argument(
        "--pages",
        type=lambda text: tuple(text.split(",")),
        default=PAGES,
        help="the pages they ask for, comma-separated (client n asks for page n %% their number)",
    )
    parser.add_argument("--trials", type=int, default=10, help="in-process runs of the same edit (part 1)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="ac-page-") as tmp:
        if args.saves:
            folder = part_saves(Path(tmp) / "saves", args.saves)
            if args.trials:
                part_steps(Path(tmp) / "steps", folder, args.trials)
        if args.steps:
            part_timing(Path(tmp) / "timing", args)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
