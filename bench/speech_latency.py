"""Speech latency with the real engine and device, against the naive pyttsx3 path.

    python -m bench.speech_latency [--highlights 200] [--trials 100] [--baseline 20] [--play-out]

Everything plays on a private PulseAudio server started here (null sink `testspk` as
the speaker, its monitor recorded by parec throughout). PULSE_SERVER & co. are set in
os.environ before sounddevice is loaded, so PortAudio's ALSA "default" reaches it.

a. highlight -> first audio sample to the device: from `speak(Speak(cue))` to the post of
   SpeechStarted, which the PortAudio callback sends when it hands the first block to the
   device. 200 distinct texts rendered fresh (CachedRender, empty memory and directory),
   then the same 200 again from memory, then again from disk only (a new CachedRender on
   that directory: as after a restart). By default each cue is cut (stop_cue) 100 ms after
   it started and the next comes 50 ms after its SpeechFinished; --play-out waits for each
   cue to finish instead.
b. interrupt -> playback stopped: a long cue plays; ~300 ms after its SpeechStarted a new
   cue is spoken; measured to the post of the long cue's SpeechFinished(interrupted=True),
   which comes after the stream's abort() returned. Cross-check: when the sink monitor
   goes quiet, estimated from the recording's clock (± the capture latency, ~20-50 ms).
c. Baseline: pyttsx3's own engine.say(text) + engine.runAndWait() per utterance, in a
   subprocess (it can hang), playing through aplay to the same server. Time to return,
   and for both it and ours the first sound on the sink monitor after the call.
"""

from __future__ import annotations

import argparse
import array
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rigs.recorder import Recorder  # no audio import: safe before PULSE_SERVER is set

if TYPE_CHECKING:
    from accessible_companion.core.events import Event
    from accessible_companion.speech.speaker import SpeechOutput
    from rigs.pulse import Recording

LOUD = 300
"""A monitor sample above this (of 32767) is sound; the cue voice (volume 0.6) peaks in the thousands."""

WORDS = ("water", "blanket", "pillow", "window", "music", "doctor", "kitchen", "garden")

LONG_CUE = " ".join(["many"] * 24)
"""~4 s of nearly unbroken sound (its longest inner pause is ~13 ms), so the cut shows on the monitor."""

BASELINE_SCRIPT = """
import json, sys, time
import pyttsx3
engine = pyttsx3.init()
engine.setProperty("rate", 200)
for text in json.loads(sys.argv[1]):
    called = time.monotonic()
    engine.say(text)
    queued = time.monotonic()
    engine.runAndWait()
    print(json.dumps([called, queued, time.monotonic()]), flush=True)
"""


def first_loud(samples: array.array[int], recording: Recording, start: float, end: float) -> float | None:
    """Monotonic time of the first monitor sample above LOUD in [start, end), or None."""
    origin = recording.start_time()
    rate = recording.rate
    lo = max(0, int((start - origin) * rate))
    hi = min(len(samples), int((end - origin) * rate))
    for i in range(lo, hi):
        if abs(samples[i]) > LOUD:
            return origin + i / rate
    return None


def first_quiet(
    samples: array.array[int], recording: Recording, start: float, end: float, run: float
) -> float | None:
    """Monotonic time where the first stretch of `run` s with no sample above LOUD begins."""
    origin = recording.start_time()
    rate = recording.rate
    need = int(run * rate)
    lo = max(0, int((start - origin) * rate))
    hi = min(len(samples), int((end - origin) * rate))
    quiet_from = lo
    for i in range(lo, hi):
        if abs(samples[i]) > LOUD:
            quiet_from = i + 1
        elif i - quiet_from + 1 >= need:
            return origin + quiet_from / rate
    return None


def longest_inner_pause(data: bytes, rate: int, volume: float) -> float:
    """The longest run (s) with no sample that would reach LOUD at `volume`, inside a Pcm's sound."""
    samples = array.array("h")
    samples.frombytes(data)
    loud = [i for i, s in enumerate(samples) if abs(s) * volume > LOUD]
    longest = max((b - a for a, b in itertools.pairwise(loud)), default=0)
    return longest / rate


def started(utterance: int) -> Callable[[Event], bool]:
    from accessible_companion.core.events import SpeechStarted

    return lambda e: isinstance(e, SpeechStarted) and e.utterance == utterance


def finished(utterance: int) -> Callable[[Event], bool]:
    from accessible_companion.core.events import SpeechFinished

    return lambda e: isinstance(e, SpeechFinished) and e.utterance == utterance


class Ids:
    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def highlights(
    out: SpeechOutput, posts: Recorder, ids: Ids, texts: list[str], play_out: bool
) -> tuple[list[float], list[tuple[float, float]], int]:
    """Speak each text as a cue; return (speak->SpeechStarted ms, (speak time, end time), odd endings)."""
    from accessible_companion.core.effects import Speak
    from accessible_companion.core.events import SpeechFinished

    latencies: list[float] = []
    spans: list[tuple[float, float]] = []
    odd = 0
    for text in texts:
        utterance = ids.next()
        called = time.monotonic()
        out.speak(Speak(utterance, "cue", text))
        _, at = posts.latest(started(utterance))
        latencies.append((at - called) * 1000)
        if not play_out:
            time.sleep(0.1)
            out.stop_cue()
        event, ended = posts.latest(finished(utterance))
        assert isinstance(event, SpeechFinished)
        odd += event.interrupted == play_out  # cut when it should have played out, or the reverse
        spans.append((called, ended))
        time.sleep(0.05)
    return latencies, spans, odd


def onsets(recording: Recording, spans: list[tuple[float, float]]) -> tuple[list[float], int]:
    """Per span, ms from its start to the first sound on the monitor; and how many had none."""
    samples = recording.samples()
    found: list[float] = []
    missing = 0
    for called, ended in spans:
        sound = first_loud(samples, recording, called, ended + 0.3)
        if sound is None:
            missing += 1
        else:
            found.append((sound - called) * 1000)
    return found, missing


def interrupts(
    out: SpeechOutput, posts: Recorder, ids: Ids, trials: int, next_texts: list[str]
) -> tuple[list[float], list[float], list[float], int]:
    """Return (speak->cut-finish ms, started->speak gaps ms, speak times, odd endings)."""
    from accessible_companion.core.effects import Speak
    from accessible_companion.core.events import SpeechFinished

    cuts: list[float] = []
    gaps: list[float] = []
    calls: list[float] = []
    odd = 0
    for n in range(trials):
        long_id = ids.next()
        out.speak(Speak(long_id, "cue", LONG_CUE))
        _, began = posts.latest(started(long_id))
        time.sleep(max(0.0, began + 0.3 - time.monotonic()))
        short_id = ids.next()
        called = time.monotonic()
        out.speak(Speak(short_id, "cue", next_texts[n % len(next_texts)]))
        event, at = posts.latest(finished(long_id))
        assert isinstance(event, SpeechFinished)
        odd += not event.interrupted
        cuts.append((at - called) * 1000)
        gaps.append((called - began) * 1000)
        calls.append(called)
        posts.latest(finished(short_id))
        time.sleep(0.1)
    return cuts, gaps, calls, odd


def baseline(server_env: dict[str, str], texts: list[str]) -> tuple[list[list[float]], str]:
    """Run pyttsx3's say() + runAndWait() in a subprocess; (called, queued, returned) per utterance."""
    timeout = 10.0 + 6.0 * len(texts)
    try:
        done = subprocess.run(
            [sys.executable, "-c", BASELINE_SCRIPT, json.dumps(texts)],
            env=server_env,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output, note = done.stdout, f"exit code {done.returncode}"
    except subprocess.TimeoutExpired as expired:
        raw = expired.stdout or b""
        output = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        note = f"killed after {timeout:.0f} s (hung)"
    rows = [json.loads(line) for line in output.splitlines() if line.startswith("[")]
    return rows, note


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--highlights", type=int, default=200)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--baseline", type=int, default=20)
    parser.add_argument("--play-out", action="store_true", help="let each highlight's cue finish")
    args = parser.parse_args()

    from rigs.pulse import PulseServer

    with PulseServer.start() as server:
        # Before sounddevice (PortAudio) is loaded: it reads the server once, at init.
        os.environ.update(server.client_env())
        with tempfile.TemporaryDirectory(prefix="ac-bench-") as tmp, server.record() as recording:
            run(args, server.env(), Path(tmp), recording)


class Bench:
    """The shared state of the three parts."""

    def __init__(self, args: argparse.Namespace, server_env: dict[str, str], tmp: Path, recording: Recording):
        from accessible_companion.core.settings import Speech

        self.args = args
        self.server_env = server_env
        self.tmp = tmp
        self.cache = tmp / "cache"
        self.recording = recording
        self.settings = Speech()
        self.ids = Ids()
        self.texts = [f"Item {n} {WORDS[n % len(WORDS)]}" for n in range(1, args.highlights + 1)]
        self.cached: list[float] = []
        self.heard: list[float] = []

    def output(self) -> tuple[SpeechOutput, Recorder]:
        """A started SpeechOutput on a new CachedRender of the bench's directory, warmed up."""
        from accessible_companion.core.effects import Speak
        from accessible_companion.speech.cache import CachedRender
        from accessible_companion.speech.render import Renderer
        from accessible_companion.speech.speaker import SpeechOutput

        posts = Recorder()
        out = SpeechOutput(self.settings, renderer=lambda: CachedRender(Renderer(self.tmp), self.cache))
        out.start(posts.post)
        warm = self.ids.next()
        out.speak(Speak(warm, "cue", "Ready"))  # loads the engine and PortAudio, opens the device once
        posts.latest(finished(warm), timeout=30)
        return out, posts

    def part_a(self) -> None:
        from bench.support import report

        play_out = self.args.play_out
        ending = (
            "each cue played to its end" if play_out else "each cue cut by stop_cue() 100 ms after it started"
        )
        voice = self.settings.cue
        print(f"private PulseAudio null sink, its monitor recorded; cue voice rate {voice.rate}, ", end="")
        print(f"volume {voice.volume}; {ending}; next cue 50 ms after the SpeechFinished")
        print("\na. highlight -> first audio sample to the device (speak() -> SpeechStarted post)")
        out, posts = self.output()
        fresh, _, odd_fresh = highlights(out, posts, self.ids, self.texts, play_out)
        report("  uncached (espeak-ng render + play)", fresh, "-")
        self.cached, spans, odd_cached = highlights(out, posts, self.ids, self.texts, play_out)
        report("  cached in memory", self.cached, "p95 <= 20 ms")
        out.stop()
        out, posts = self.output()
        disk, _, odd_disk = highlights(out, posts, self.ids, self.texts, play_out)
        out.stop()
        report("  cached on disk only (new cache object)", disk, "-")
        if odd_fresh + odd_cached + odd_disk:
            print(f"  unexpected endings (interrupted flag): {odd_fresh} / {odd_cached} / {odd_disk}")
        self.heard, missing = onsets(self.recording, spans)
        if self.heard:
            report(
                "  cross-check, cached: speak() -> first sound on the monitor (recording clock)",
                self.heard,
                "-",
            )
        if missing:
            print(f"  {missing} cached cues had no sound on the monitor")

    def part_b(self) -> None:
        from accessible_companion.core.effects import Speak
        from accessible_companion.speech.cache import CachedRender
        from accessible_companion.speech.render import Renderer
        from bench.support import report

        print(
            "\nb. interrupt -> playback stopped (2nd speak() -> 1st cue's SpeechFinished(interrupted) post)"
        )
        out, posts = self.output()
        for text in (LONG_CUE, *self.texts[:5]):
            utterance = self.ids.next()
            out.speak(Speak(utterance, "cue", text))  # cached first: the trials measure the cut, not espeak
            posts.latest(finished(utterance), timeout=30)
        cuts, gaps, calls, odd = interrupts(out, posts, self.ids, self.args.trials, self.texts[:5])
        out.stop()
        report("  speak() -> SpeechFinished(interrupted=True)", cuts, "p95 <= 30 ms")
        print(f"  (the new cue came {min(gaps):.0f}-{max(gaps):.0f} ms after the long cue's SpeechStarted)")
        if odd:
            print(f"  {odd} long cues were NOT reported interrupted")
        reader = CachedRender(Renderer(self.tmp), self.cache)  # a disk hit: to find the long cue's pauses
        long_pcm = reader.render(LONG_CUE, self.settings.cue)
        reader.close()
        # Quiet = a stretch longer than any pause inside the long cue itself, so a pause
        # between its words cannot pass for the cut.
        run_s = longest_inner_pause(long_pcm.data, long_pcm.rate, self.settings.cue.volume) + 0.01
        samples = self.recording.samples()
        quiet = [first_quiet(samples, self.recording, c, c + 1.0, run_s) for c in calls]
        found = [(q - c) * 1000 for q, c in zip(quiet, calls, strict=True) if q is not None]
        if found:
            name = f"  cross-check: speak() -> monitor quiet for >= {run_s * 1000:.0f} ms (recording clock)"
            report(name, found, "-")
        if len(found) < len(calls):
            print(
                f"  {len(calls) - len(found)} trials: no quiet stretch that long before the next cue sounded"
            )

    def part_c(self) -> None:
        from bench.support import percentile, report

        count = self.args.baseline
        print(f"\nc. baseline: pyttsx3 engine.say(text) + engine.runAndWait(), {count} utterances")
        texts = [f"Choice {n} {WORDS[n % len(WORDS)]}" for n in range(1, count + 1)]
        begun = time.monotonic()
        rows, note = baseline(self.server_env, texts)
        print(f"  subprocess {note}, {len(rows)} of {len(texts)} utterances returned")
        if not rows:
            return
        returned = [(r[2] - r[0]) * 1000 for r in rows]
        report("  call -> runAndWait() returned", returned, "-")
        spans = [(r[0], r[2]) for r in rows]
        sound, missing = onsets(self.recording, spans)
        if sound:
            report("  call -> first sound on the monitor (recording clock)", sound, "-")
        if missing:
            print(f"  {missing} utterances had no sound on the monitor before runAndWait() returned")
        tails = last_sound_to_return(self.recording, spans)
        if tails:
            print(
                f"  runAndWait() returned {percentile(tails, 50):+.0f} ms (p50) after the last sound "
                "on the monitor (>= 0: it blocked until the audio ended)"
            )
        print(f"  ({time.monotonic() - begun:.1f} s for the baseline)")
        print("\nratios (p50):")
        ratio = percentile(returned, 50) / percentile(self.cached, 50)
        print(f"  pyttsx3 call -> return  /  ours speak() -> SpeechStarted (cached): {ratio:.0f}x")
        if sound and self.heard:
            theirs, ours = percentile(sound, 50), percentile(self.heard, 50)
            print(
                f"  call -> first sound on the monitor, pyttsx3 / ours (cached): "
                f"{theirs:.0f} ms / {ours:.0f} ms = {theirs / ours:.1f}x"
            )


def last_sound_to_return(recording: Recording, spans: list[tuple[float, float]]) -> list[float]:
    """Per (call, return): ms from the last sound on the monitor to the return.

    Sound is looked for from the call until the next call (or 1 s after the last return).
    """
    samples = recording.samples()
    origin, rate = recording.start_time(), recording.rate
    tails: list[float] = []
    ends = [called for called, _ in spans[1:]] + [spans[-1][1] + 1.0]
    for (called, back), until in zip(spans, ends, strict=True):
        lo = max(0, int((called - origin) * rate))
        hi = min(len(samples), int((until - origin) * rate))
        last = next((i for i in range(hi - 1, lo, -1) if abs(samples[i]) > LOUD), None)
        if last is not None:
            tails.append((back - (origin + last / rate)) * 1000)
    return tails


def run(args: argparse.Namespace, server_env: dict[str, str], tmp: Path, recording: Recording) -> None:
    bench = Bench(args, server_env, tmp, recording)
    bench.part_a()
    bench.part_b()
    bench.part_c()


if __name__ == "__main__":
    main()
