"""A command said soon after a cough, a breath or another word: how soon it is heard.

    python -m bench.voice_after_cough [--after 0.3,0.5,1,1.5,2,3] [--jobs 2]

A first command must be said alone: 1 s of quiet before it and little speech in the last
4 s (voice/utterance.py). A cough or a breath is no speech (voice/speechlike.py), so it
must not count as that speech; a word of talk must. Each clean command clip of the quick
corpus (bench/voice_corpus.py: three espeak-ng voices) is said `--after` s after the end of
one sound over a quiet room (2 s of room before the sound): a SYNTHETIC cough or breath
(bench/stream_sources.py; seeds of their own, not the streams'), 5 s of hiss (white noise at
-20 dBFS: too long for a command, as a kettle or a fan), or a Korean word of the
corpus's non-command clips (the control: after it, commands must wait). A command counts
as heard when an accepted phrase with the clip's meaning comes while it is said or within
1.2 s after. Printed: the share heard for each sound and delay.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from bench import stream_sources as src
from bench.support import load_korean_model, worker
from bench.voice_corpus import FLOOR_DB, build, clean_commands, command_meanings, korean_config, speech_of
from bench.voice_streams import phrases_of, pipeline_verdicts
from rigs.speech_clips import RATE, noise_floor, to_pcm

LEAD = 2.0
"""Seconds of quiet room before the sound."""
SEEDS = range(3000, 3004)
"""Seeds of the coughs and breaths (the streams use others)."""
SOUND_DB = -6.0
"""The cough's and the breath's peak (the commands peak at -3 dBFS)."""
HISS = (5.0, -20.0)
"""The long noise's seconds and level (dBFS): too long for a command (a kettle, a fan)."""


def run(
    job: tuple[str, float, np.ndarray, np.ndarray, str, tuple[str, ...], dict[str, str], int],
) -> tuple[str, float, bool]:
    kind, after, sound, speech, meaning, phrases, table, seed = job
    start = LEAD + len(sound) / RATE + after
    out = noise_floor(round((start + len(speech) / RATE + 1.5) * RATE), FLOOR_DB, seed)
    out[round(LEAD * RATE) : round(LEAD * RATE) + len(sound)] += sound
    at = round(start * RATE)
    out[at : at + len(speech)] += speech
    heard = pipeline_verdicts(worker["model"], to_pcm(out), RATE, phrases, korean_config().settings)
    end = start + len(speech) / RATE
    return kind, after, any(start <= t <= end + 1.2 and table[v.phrase] == meaning for t, v in heard)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--after", default="0.3,0.5,1,1.5,2,3")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    began = time.monotonic()
    config = korean_config()
    phrases, _ = phrases_of(config)
    table = command_meanings(config)
    folder, clips = build(quick=True, log=False)

    words = [speech_of(folder, c) for c in clips if c.group == "korean-word"][:4]
    sounds = {
        "cough": [src.cough(seed) * src.db(SOUND_DB) for seed in SEEDS],
        "breath": [src.breath(seed) * src.db(SOUND_DB) for seed in SEEDS],
        "hiss 5 s": [noise_floor(round(HISS[0] * RATE), HISS[1], seed) for seed in SEEDS],
        "word": words,
    }
    commands = clean_commands(folder, clips)
    jobs = []
    for n, (meaning, speech) in enumerate(commands):
        for kind, made in sounds.items():
            for after in map(float, args.after.split(",")):
                jobs.append((kind, after, made[n % len(made)], speech, meaning, phrases, table, n))
    context = multiprocessing.get_context("fork")
    rows: dict[tuple[str, float], list[bool]] = defaultdict(list)
    with context.Pool(args.jobs, initializer=load_korean_model) as pool:
        for kind, after, heard in pool.imap_unordered(run, jobs, chunksize=4):
            rows[(kind, after)].append(heard)
    delays = sorted({after for _, after in rows})
    print(f"{len(commands)} clean commands, each said after a sound: share heard by seconds after it")
    print(f"  {'sound':10}" + "".join(f"{d:>8g}" for d in delays))
    for kind in sounds:
        shares = [sum(rows[(kind, d)]) / len(rows[(kind, d)]) * 100 for d in delays]
        print(f"  {kind:10}" + "".join(f"{s:8.1f}" for s in shares))
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
