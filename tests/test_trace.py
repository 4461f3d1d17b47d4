"""The trace file: whole lines also when several threads write (the loop, the window's reader)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from accessible_companion.trace import TraceWriter


def test_lines_written_from_several_threads_stay_whole(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    trace = TraceWriter(path)
    text = "x" * 5000  # longer than one write of the buffer: a torn line would show

    def write(name: str) -> None:
        for n in range(300):
            trace.write(name, n=n, text=text)

    threads = [threading.Thread(target=write, args=(f"thread{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    trace.close()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1200
    for i in range(4):
        assert [line["n"] for line in lines if line["event"] == f"thread{i}"] == list(range(300))


def test_a_time_on_the_trace_clock() -> None:
    now = [50.0]
    trace = TraceWriter(None, clock=lambda: now[0])
    assert trace.since_start(52.12) == 2.12
