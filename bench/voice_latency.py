"""End of speech -> voice command in the trace, with vosk's default and the tuned endpointing.

    python -m bench.voice_latency [--trials 20] [--silences 0.5,0.3,0.2] [--pause 4.5]

A private PulseAudio server; its null sink `testmic` is the microphone (the listener
reads its monitor through PortAudio, as the app does) and a parec recording of the same
monitor tells when each clip's speech really ended. In this process: the real loop,
core, VoiceListener (microphone, model, recognizer, rules) on the Korean example config
and model, no speech output (nothing to mute). Each trial plays the `next` command clip
and measures from the last loud sample of the clip (recording clock, +- its ~20-50 ms
capture latency) to the trace's `input` line, and from its last audible 10 ms (`AUDIBLE`).
Compared: vosk's own endpointing with the model's model.conf (rule2 0.5 s) and with the
tuned copy, and the companion's endpointer (quiet after speech, from block loudness) at
each `--silences` value.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.support import NoDisplay, RecordingTrace, percentile

KOREAN = Path(__file__).resolve().parents[1] / "examples" / "ko"
LOUD = 1500
"""A monitor sample above this (-27 dBFS) is speech; the clips' noise floor (-60 dBFS) is ~30."""
AUDIBLE = 104
"""A 10 ms window above this rms (-50 dBFS; the noise floor's is ~33) is still sound. A breathy
voice ends in a release below LOUD (ko+f4: ~0.13 s at -38 to -44 dBFS), which the
voice-activity detector hears as speech: the end of speech is reported both ways."""


def speech_end(samples: Any, start: int) -> int | None:
    """Index of the last loud sample at or after `start`, or None."""
    last = None
    for index in range(start, len(samples)):
        if abs(samples[index]) > LOUD:
            last = index
    return last


def sound_end(samples: Any, start: int) -> int | None:
    """Index of the last sample of the last 10 ms window (at 16 kHz) at or after `start` whose
    rms is above AUDIBLE, or None."""
    from rigs.pulse import loud_windows

    windows = loud_windows(samples[start:], 16000, window=0.01, threshold=AUDIBLE)
    return start + (windows[-1] + 1) * 160 - 1 if windows else None


def run(
    end_silence: float, own: bool, trials: int, clip: Path, server: Any, pause: float = 0.0
) -> list[tuple[float, float]]:
    from accessible_companion.app import model_locator
    from accessible_companion.config import load_config
    from accessible_companion.core.companion import Companion
    from accessible_companion.core.settings import Mode
    from accessible_companion.loop import Loop
    from accessible_companion.speech.speaker import NullSpeech
    from accessible_companion.voice import listener as voice_listener
    from accessible_companion.voice.listener import VoiceListener
    from accessible_companion.voice.recognizer import Recognizer

    config = load_config(KOREAN)
    listening = dataclasses.replace(config.settings.listening, end_silence=end_silence)
    settings = dataclasses.replace(config.settings, listening=listening).with_scanning(mode=Mode.STEP)
    ready = threading.Event()
    commands: list[float] = []

    def written(at: float, event: str, fields: dict[str, Any]) -> None:
        if event == "notice" and str(fields.get("text", "")).startswith("Voice commands ready"):
            ready.set()
        if event == "input" and fields.get("kind") == "command":
            commands.append(at)

    trace = RecordingTrace(written)

    class VoskEndpointing(Recognizer):
        """The listener's recognizer without the companion's own end-of-speech detection."""

        def __init__(self, *args: Any) -> None:
            super().__init__(*args[:4])

    # The listener makes its recognizer through this name: swap in the one compared.
    setattr(voice_listener, "Recognizer", Recognizer if own else VoskEndpointing)  # noqa: B010
    speech = NullSpeech()
    listener = VoiceListener(listening, model_locator(listening), (), settings.messages)
    loop = Loop(Companion(config.menus, settings), speech, NoDisplay(), trace, listener)
    speech.start(loop.post)
    listener.start(loop.post)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        if not ready.wait(60):
            raise RuntimeError("the model did not load in 60 s")
        time.sleep(1.0)
        return trial_latencies(trials, clip, server, commands, pause)
    finally:
        loop.stop()
        thread.join(5)
        listener.stop()


def trial_latencies(
    trials: int, clip: Path, server: Any, commands: list[float], pause: float = 0.0
) -> list[tuple[float, float]]:
    """Play the clip `trials` times, each after `pause` s of quiet; ms to each one's command
    line from its last loud sample and from its last audible one."""
    latencies: list[tuple[float, float]] = []
    with server.record(source=f"{server.mic}.monitor") as recording:
        for _ in range(trials):
            time.sleep(pause)
            mark = len(recording.samples())
            heard = len(commands)
            assert server.play(clip).wait(timeout=20) == 0
            deadline = time.monotonic() + 5
            while len(commands) == heard and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(0.3)
            samples = recording.samples()
            end, audible = speech_end(samples, mark), sound_end(samples, mark)
            if len(commands) == heard or end is None or audible is None:
                print("  (a trial was not heard as a command)", file=sys.stderr)
                continue
            taken = commands[heard]
            latencies.append(
                ((taken - recording.time_of(end)) * 1000, (taken - recording.time_of(audible)) * 1000)
            )
            time.sleep(0.5)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument(
        "--silences", default="0.25,0.2", help="end_silence values for the companion's own endpointing"
    )
    parser.add_argument("--voice", help="espeak-ng voice of the clip (default: the reliable clip's)")
    parser.add_argument("--speed", type=int, help="its words per minute")
    parser.add_argument("--pitch", type=int, help="its pitch")
    parser.add_argument("--own-only", action="store_true", help="only the companion's endpointing")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds of quiet before each trial (over IDLE_AFTER: the microphone is in long blocks "
        "when the command begins)",
    )
    args = parser.parse_args()
    from rigs.pulse import PulseServer
    from rigs.speech_clips import RELIABLE, make_clip

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ac-voice-")))
        os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
        server = stack.enter_context(PulseServer.start())
        os.environ.update(server.client_env(), PULSE_SOURCE=f"{server.mic}.monitor")
        spec = RELIABLE["next"]
        spec = dataclasses.replace(
            spec,
            voice=args.voice or spec.voice,
            speed=args.speed or spec.speed,
            pitch=args.pitch if args.pitch is not None else spec.pitch,
        )
        clip = make_clip(spec.words, tmp / "next.wav", spec.voice, spec.speed, spec.pitch)
        print(f"command clip: {spec.words!r} ({spec.voice}, {spec.speed} wpm); target p50 <= 300 ms")
        runs: list[tuple[float, bool, str]] = []
        if not args.own_only:
            runs += [(0.5, False, "vosk's endpointing, the model's own model.conf")]
            runs += [(0.25, False, "vosk's endpointing, tuned model.conf")]
        runs += [(float(s), True, "the companion's endpointing") for s in args.silences.split(",")]
        for silence, own, label in runs:
            got = run(silence, own, args.trials, clip, server, args.pause)
            if not got:
                print(f"end_silence {silence:.2f} s ({label}): no command heard")
                continue
            loud, audible = [ms for ms, _ in got], [ms for _, ms in got]
            print(
                f"end_silence {silence:.2f} s ({label}): end of speech -> command line, n={len(got)} "
                f"p50={percentile(loud, 50):.0f} ms p90={percentile(loud, 90):.0f} ms "
                f"p95={percentile(loud, 95):.0f} ms max={max(loud):.0f} ms; "
                f"from the last audible sound (-50 dBFS) p50={percentile(audible, 50):.0f} ms "
                f"p90={percentile(audible, 90):.0f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
