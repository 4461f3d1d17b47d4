"""The trace file: whole lines also when several threads write (the loop, the window's reader)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

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


def test_listeners_hear_every_line_as_written_even_without_a_file(tmp_path: Path) -> None:
    for path in (tmp_path / "trace.jsonl", None):
        trace = TraceWriter(path)
        heard: list[dict[str, object]] = []
        stop = trace.listen(heard.append)
        trace.write("config", reason="page:3", path=tmp_path, url="https://x.org/hook/abc123def456")
        stop()
        trace.write("after", n=1)
        trace.close()
        assert heard == [
            {
                "t": heard[0]["t"],
                "event": "config",
                "reason": "page:3",
                "path": str(tmp_path),  # as JSON has it
                "url": "https://x.org/hook/***",  # redacted, as in the file
            }
        ]
        if path is not None:
            assert json.loads(path.read_text(encoding="utf-8").splitlines()[0]) == heard[0]


def test_a_listener_that_raises_is_dropped_and_the_trace_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "trace.jsonl"
    trace = TraceWriter(path)
    heard: list[str] = []

    def broken(line: dict[str, object]) -> None:
        raise RuntimeError("a page bug")

    trace.listen(broken)
    trace.listen(lambda line: heard.append(str(line["event"])))
    trace.write("one")
    trace.write("two")
    trace.close()
    assert heard == ["one", "two"]
    assert [json.loads(line)["event"] for line in path.read_text(encoding="utf-8").splitlines()] == [
        "one",
        "two",
    ]
    assert sum("a trace listener failed" in r.getMessage() for r in caplog.records) == 1
