"""Message banking: selection -> first sample of a banked phrase, against a synthetic one.

    python -m bench.banked_latency [--trials 50] [--seconds 0.4]

A private PulseAudio server (null sink `testspk`, its monitor recorded throughout) plays
everything; PULSE_SERVER is set before sounddevice loads. Each trial is a main phrase (what
selecting an item asks for) from `speak()` to the post of SpeechStarted, which the PortAudio
callback sends as it hands the first block to the device; each plays to its end before the
next.

a. banked, decoded ahead (menu entered: `prepare()`): from memory.
b. banked, not decoded ahead, the decoder's process already running: decoded on the way.
c. banked, the very first recording of a run: the decoder's process starts on the way.
d. synthetic, rendered ahead (memory).
e. synthetic, not rendered before (espeak-ng renders on the way).

Also: decoding time by length, the decoder process's memory, and the companion process's
memory before and after (numpy, libsndfile and libsoxr load in the decoder's process only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rigs.recorder import Recorder  # no audio import: safe before PULSE_SERVER is set

if TYPE_CHECKING:
    from accessible_companion.speech.sounds import Sounds
    from accessible_companion.speech.speaker import SpeechOutput


def tones(folder: Path, specs: list[tuple[str, float, float]]) -> list[str]:
    """Write (name, Hz, seconds) tones as 48 kHz stereo files in a child process, so that numpy and
    libsndfile stay out of this one (whose memory is measured as the companion's)."""
    script = (
        "import json, sys; from pathlib import Path; from rigs.tones import write_tone\n"
        "for name, hz, s in json.loads(sys.argv[2]):\n"
        "    write_tone(Path(sys.argv[1]) / name, hz, s, 48000, channels=2)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(folder), json.dumps(specs)], check=True)
    return [str(folder / name) for name, _, _ in specs]


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), MB."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Trials:
    def __init__(self, out: SpeechOutput, posts: Recorder) -> None:
        self.out = out
        self.posts = posts
        self.next = 100

    def one(self, text: str, sound: str = "") -> float:
        """ms from speak() to SpeechStarted; waits for the end."""
        from accessible_companion.core.effects import Speak
        from accessible_companion.core.events import SpeechFinished, SpeechStarted

        self.next += 1
        utterance = self.next
        asked = time.monotonic()
        self.out.speak(Speak(utterance, "main", text, sound=sound))
        _, at = self.posts.latest(lambda e: isinstance(e, SpeechStarted) and e.utterance == utterance, 15)
        self.posts.latest(lambda e: isinstance(e, SpeechFinished) and e.utterance == utterance, 30)
        time.sleep(0.05)
        return 1000 * (at - asked)


def started(tmp: Path, sounds: Sounds) -> tuple[SpeechOutput, Recorder]:
    from accessible_companion.core.effects import Speak
    from accessible_companion.core.settings import Speech
    from accessible_companion.speech.cache import CachedRender
    from accessible_companion.speech.render import Renderer
    from accessible_companion.speech.speaker import SpeechOutput

    posts = Recorder()
    out = SpeechOutput(Speech(), renderer=lambda: CachedRender(Renderer(tmp), tmp / "cache"), sounds=sounds)
    out.start(posts.post)
    out.speak(Speak(1, "main", "Ready"))  # loads the engine and PortAudio, opens the device once
    posts.wait_finished(1, timeout=30)
    return out, posts


def run(args: argparse.Namespace, tmp: Path) -> None:
    from accessible_companion.audio.decoder import Decoder
    from accessible_companion.speech.sounds import Sounds
    from bench.support import report

    n = args.trials
    files = tones(tmp, [(f"phrase-{i}.flac", 300 + 7 * i, args.seconds) for i in range(2 * n + 1)])
    before = current_rss_mb()
    decoder = Decoder()
    sounds = Sounds(lambda: decoder)
    out, posts = started(tmp, sounds)
    trials = Trials(out, posts)
    print(
        f"private PulseAudio null sink; main voice; banked phrases are {args.seconds:g} s FLAC, 48 kHz stereo"
    )
    print("selection -> first sample to the device (speak() -> SpeechStarted):")
    report(
        "  c. banked, first of the run (the decoder's process starts)", [trials.one("Water", files[0])], "-"
    )
    out.prepare(["Water"], "main", files[1 : n + 1])  # as entering a menu does
    rate = out._outputs["main"].rate()
    ahead = files[1 : n + 1]
    deadline = time.monotonic() + 60
    while not all(sounds.cached(f, rate, 1.0) for f in ahead) and time.monotonic() < deadline:
        time.sleep(0.05)
    report("  a. banked, decoded ahead (memory)", [trials.one("Water", f) for f in ahead], "p95 <= 20 ms")
    report(
        "  b. banked, decoded on the way (process running)",
        [trials.one("Water", f) for f in files[n + 1 : 2 * n + 1]],
        "-",
    )
    texts = [f"Phrase number {i}" for i in range(n)]
    report("  e. synthetic, rendered on the way", [trials.one(t) for t in texts], "-")
    report("  d. synthetic, rendered ahead (memory)", [trials.one(t) for t in texts], "p95 <= 20 ms")
    out.stop()
    print(f"\nthe device's rate: {rate} Hz; decoder processes started: {decoder.starts}")
    print(
        f"this (the companion's) process: RSS {before:.0f} MB before, {current_rss_mb():.0f} MB after "
        f"(espeak-ng, PortAudio, the phrases kept); numpy loaded here: {'numpy' in sys.modules}"
    )
    fresh = Decoder()
    try:
        for seconds in (2.0, 10.0, 60.0):
            path = tones(tmp, [(f"long-{seconds:g}.flac", 440, seconds)])[0]
            fresh.decode(path, 44100)  # warm
            times = []
            for _ in range(5):
                t = time.perf_counter()
                fresh.decode(path, 44100)
                times.append(1000 * (time.perf_counter() - t))
            times.sort()
            print(
                f"decode + resample to 44.1 kHz, {seconds:g} s of 48 kHz stereo FLAC: "
                f"median {times[2]:.0f} ms"
            )
        assert fresh._child is not None
        print(f"decoder process RSS after a 60 s decode: {rss_mb(fresh._child.pid):.0f} MB")
    finally:
        fresh.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=0.4)
    args = parser.parse_args()

    from rigs.pulse import PulseServer

    with PulseServer.start() as server:
        os.environ.update(server.client_env())  # before sounddevice (PortAudio) is loaded
        # The monitor is recorded throughout, as in bench.speech_latency: a null sink nobody
        # reads from runs with ~2 s of latency, so each phrase would end 2 s late.
        with tempfile.TemporaryDirectory(prefix="ac-bench-") as tmp, server.record():
            run(args, Path(tmp))


if __name__ == "__main__":
    main()
