"""A user saying commands one after another ("next, next, next" while scanning): how many the pipeline takes.

    python -m bench.voice_streak [--every 1.5,2.0] [--conditions clean,paused,soft] [--jobs 1]

Each command clip of the quick corpus (bench/voice_corpus.py: voices, speeds, conditions)
is said `REPEATS` times over a quiet room, a new one every `--every` seconds (start to
start; at least `MIN_GAP` s of quiet between them when the phrase is long), after 2 s of
room. Every take is fed to the companion's pipeline as the app feeds it (20 ms blocks,
nothing muted between them: the worst case, as if the companion said nothing back). A
take counts as right when an accepted phrase with the clip's meaning comes while it is
said or within 1.2 s after it ends. Printed: the share right at each position (the first
take starts in a quiet room; the later ones come right after the one before), for each
interval and condition, and how many takes right after a missed one were right (a user
who says it again).
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.support import load_korean_model, override_segmenting, worker
from bench.voice_corpus import FLOOR_DB, build, command_meanings, korean_config, read
from bench.voice_streams import phrases_of, pipeline_verdicts
from rigs.speech_clips import RATE, noise_floor, to_pcm

REPEATS = 5
MIN_GAP = 0.5
"""Seconds of quiet at least between two takes."""
LEAD = 2.0
"""Seconds of quiet room before the first take."""


def sequence(speech: np.ndarray, every: float, seed: int) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The speech said `REPEATS` times, a new take every `every` s: samples and (start, end) s of each."""
    length = len(speech) / RATE
    step = max(every, length + MIN_GAP)
    total = LEAD + step * REPEATS + 1.5
    out = noise_floor(round(total * RATE), FLOOR_DB, seed)
    takes = []
    for k in range(REPEATS):
        at = LEAD + k * step
        i = round(at * RATE)
        out[i : i + len(speech)] += speech
        takes.append((at, at + length))
    return out, takes


def run(
    job: tuple[str, str, float, Any, tuple[str, ...], dict[str, str], int],
) -> tuple[str, float, list[bool]]:
    cond, meaning, every, speech, phrases, table, seed = job
    samples, takes = sequence(speech, every, seed)
    pcm = to_pcm(samples)
    settings = korean_config().settings
    heard = pipeline_verdicts(worker["model"], pcm, RATE, phrases, settings)
    right = []
    for start, end in takes:
        right.append(any(start <= at <= end + 1.2 and table[v.phrase] == meaning for at, v in heard))
    return cond, every, right


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--every", default="1.5,2.0")
    parser.add_argument("--conditions", default="clean,paused,soft")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--segmenting", default="", help="other Segmenting rules: name=value,...")
    args = parser.parse_args(argv)
    print(override_segmenting(args.segmenting))
    began = time.monotonic()
    config = korean_config()
    phrases, _ = phrases_of(config)
    table = command_meanings(config)
    folder, clips = build(quick=True, log=False)
    conditions = args.conditions.split(",")
    jobs = []
    for n, clip in enumerate(c for c in clips if c.kind == "command" and c.condition in conditions):
        pcm = np.frombuffer(read(folder, clip), dtype="<i2").astype(np.float64) / 32768
        speech = pcm[round(clip.start * RATE) : round(clip.end * RATE)]
        for every in map(float, args.every.split(",")):
            jobs.append((clip.condition, clip.group, every, speech, phrases, table, n))
    context = multiprocessing.get_context("fork")
    rows: dict[tuple[str, float], list[list[bool]]] = defaultdict(list)
    with context.Pool(args.jobs, initializer=load_korean_model) as pool:
        for cond, every, right in pool.imap_unordered(run, jobs):
            rows[(cond, every)].append(right)
    print(f"commands said {REPEATS} times in a row: share right at each take")
    print(
        f"  {'condition':10}{'every':>6}{'clips':>6}"
        + "".join(f"{'#' + str(k + 1):>7}" for k in range(REPEATS))
        + f"{'later':>7}{'after a miss':>13}"
    )
    for (cond, every), found in sorted(rows.items()):
        shares = [sum(r[k] for r in found) / len(found) * 100 for k in range(REPEATS)]
        later = sum(sum(r[1:]) for r in found) / (len(found) * (REPEATS - 1)) * 100
        retries = [r[k] for r in found for k in range(1, REPEATS) if not r[k - 1]]
        retry = f"{sum(retries)}/{len(retries)}"
        print(
            f"  {cond:10}{every:6.1f}{len(found):6d}"
            + "".join(f"{s:7.1f}" for s in shares)
            + f"{later:7.1f}{retry:>12}"
        )
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
