"""Which words to give a command: how often a word is heard, and how often everyday words become one.

    python -m bench.voice_words [--try "휴식=쉬기,쉬고 싶어" ...] [--jobs 2]

1. `--try MEANING=WORD,WORD`: each word takes the place of the MEANING's words (a command
   name, or a home item's label) in the Korean example config's home grammar, alone, and is
   said 24 times: six espeak-ng settings (`TRY_VARIANTS`), clean, in pink noise at 10 dB,
   with reverb and soft. Right: the companion's pipeline took that word first.
2. Everyday Korean words said alone (`EVERYDAY`: 64 nouns the voice corpus never uses), in
   four voices: the share the pipeline takes as something of the home menu, and as what.

The rest words of examples/ko were chosen with part 1 (a tuning measure: its voices and speeds
are of bench/voice_corpus.py's quick corpus kind); part 2's words are in no corpus that was tuned
on, though the first 32 also compared two single-word rest words (README). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from accessible_companion.core.commands import normalize_words
from bench.support import load_korean_model, worker
from bench.voice_corpus import (
    OTHER_VARIANTS,
    Builder,
    Clip,
    Variant,
    cache_root,
    command_meanings,
    home_phrases,
    korean_config,
    read,
)
from bench.voice_streams import pipeline_verdicts
from rigs.speech_clips import RATE

TRY_VARIANTS = (
    Variant("ko", 150, 50),
    Variant("ko+f2", 130, 60),
    Variant("ko+m3", 170, 40),
    Variant("ko+f4", 140, 45),
    Variant("ko", 180, 60),
    Variant("ko+m3", 130, 55),
)
TRY_CONDITIONS = ("clean", "pink10", "reverb", "soft")
EVERYDAY = (
    "가방", "나무", "다리미", "라면", "마늘", "바지", "사진", "아들",
    "자전거", "창문", "카메라", "토마토", "포도", "하늘", "거울", "노래",
    "도시락", "목걸이", "버스", "수건", "양말", "장갑", "주전자", "치약",
    "칫솔", "침대", "베개", "이불", "휴지", "숟가락", "젓가락", "그릇",
    "감자", "고구마", "당근", "오이", "수박", "딸기", "참외", "복숭아",
    "기차", "택시", "지하철", "공항", "시장", "은행", "약국", "우체국",
    "경찰", "소방차", "운동화", "모자", "치마", "셔츠", "단추", "연필",
    "공책", "지우개", "가위", "달력", "전등", "화분", "베란다", "현관",
)  # fmt: skip
"""Everyday nouns, none of them in the voice corpus (its KOREAN_WORDS are others)."""


def first_taken(job: tuple[str, tuple[str, ...], tuple[Clip, ...]]) -> list[tuple[Clip, str]]:
    """Each clip with the first phrase the pipeline took from it ("" = none)."""
    folder, phrases, clips = job
    settings = korean_config().settings
    out = []
    for clip in clips:
        heard = pipeline_verdicts(
            worker["model"], read(Path(folder), clip), RATE, phrases, settings, paced=False
        )
        out.append((clip, heard[0][1].phrase if heard else ""))
    return out


def without(phrases: Sequence[str], meanings: dict[str, str], own: Sequence[str], key: str) -> list[str]:
    """The phrases, less those that mean `key` (an item's label or a command name, whose
    words are `own`: in a menu an item's words win, so a command's may mean the item)."""
    words = {normalize_words(w) for w in own}
    return [p for p in phrases if meanings.get(p) != key and p not in words]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--try", dest="tries", action="append", default=[], metavar="MEANING=WORD,WORD")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    began = time.monotonic()
    config = korean_config()
    phrases = tuple(sorted(normalize_words(p) for p in home_phrases(config)))
    meanings = {normalize_words(p): m for p, m in command_meanings(config).items()}
    folder = cache_root() / "words-v1"
    builder = Builder(folder)
    jobs: list[tuple[str, tuple[str, ...], tuple[Clip, ...]]] = []
    tried: list[tuple[str, str]] = []
    for spec in args.tries:
        key, _, words = spec.partition("=")
        if not words:
            parser.error(f"--try {spec!r}: expected MEANING=WORD,WORD")
        rest = without(phrases, meanings, getattr(config.settings.commands, key, ()), key)
        if len(rest) == len(phrases):
            parser.error(f"--try {spec!r}: no phrase of the home menu means {key!r}")
        for word in (normalize_words(w) for w in words.split(",")):
            takes = [
                builder.add("command", key, cond, word, word, variant)
                for variant, cond in itertools.product(TRY_VARIANTS, TRY_CONDITIONS)
            ]
            jobs.append((str(folder), (*rest, word), tuple(takes)))
            tried.append((key, word))
    everyday = [
        builder.add("other", "everyday-word", "clean", word, "", variant)
        for word, variant in itertools.product(EVERYDAY, OTHER_VARIANTS)
    ]
    for i in range(0, len(everyday), 16):
        jobs.append((str(folder), phrases, tuple(everyday[i : i + 16])))
    with multiprocessing.get_context("fork").Pool(args.jobs, initializer=load_korean_model) as pool:
        results = pool.map(first_taken, jobs)
    if tried:
        print(
            f"words tried ({len(TRY_VARIANTS)} voice settings x {', '.join(TRY_CONDITIONS)}): heard / takes"
        )
        for (key, word), taken in zip(tried, results, strict=False):
            right = sum(phrase == word for _, phrase in taken)
            instead = Counter(phrase for _, phrase in taken if phrase and phrase != word)
            others = ", ".join(f"{p} x{n}" for p, n in instead.most_common()) or "-"
            print(f"  {key:10} {word:12} {right:3}/{len(taken)}  heard as others: {others}")
    taken = [(clip, phrase) for batch in results[len(tried) :] for clip, phrase in batch if phrase]
    print(
        f"everyday words said alone: {len(taken)} of {len(everyday)} taken as a home-menu phrase "
        f"({len(taken) / len(everyday):.1%}; {len(EVERYDAY)} words x {len(OTHER_VARIANTS)} voices)"
    )
    by_phrase = Counter(phrase for _, phrase in taken)
    print("  as: " + (", ".join(f"{p} x{n}" for p, n in by_phrase.most_common()) or "-"))
    for clip, phrase in taken:
        print(f"    {clip.text} ({clip.voice} {clip.speed}) -> {phrase}")
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
