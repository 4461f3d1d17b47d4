"""A command said while the room has sound in it (music, a television talking softly): how many are heard.

    python -m bench.voice_in_room [--jobs 2] [--beds quiet,music-36,...] [--vad webrtc3]

bench/voice_streams.py counts the commands a room's sound makes by itself; this counts what
the rules that turn those down cost the user. Each clean command clip of the quick corpus
(bench/voice_corpus.py: three espeak-ng voices, 78 clips) is said at speech level (its
peak at -7 dBFS, as loud as the streams' louder talk) `LEAD` to `LEAD` + 2 s into a bed of sound, which
goes on under it and after it:

  quiet       a quiet room's tone (the control)
  music-N     bench/stream_sources.py's synthetic music at N dB (RMS, dBFS) over the room:
              -36, -30 and -22 are about 15, 9 and 1 dB under the commands' speech
  tv-talk-N   Korean talk back to back (0.1-0.5 s between sentences, other espeak-ng voices
              than the commands'), its peaks at N - 3 dBFS: a television talking in the corner

A command counts as heard when an accepted phrase with the clip's meaning comes while it is
said or within 1.2 s after; "wrong" counts any other phrase taken in that time. Seeds are
their own (`SEED`): not the streams' evaluation seed 1. Printed: the share heard per bed.
`--vad webrtc3`: the listener's detector before silero confirmed its frames.
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
from bench.voice_corpus import build, clean_commands, command_meanings, korean_config, normalize
from bench.voice_streams import Pool, phrases_of, pipeline_verdicts
from rigs.speech_clips import RATE, to_pcm

LEAD = 20.0
"""Seconds of the bed before the command at the earliest (the room's state settles)."""
AFTER = 1.5
"""Seconds of the bed after the command."""
SEED = 4100
SPEECH_DB = -4.0
BEDS = ("quiet", "music-36", "music-30", "music-22", "tv-talk-20")


def bed(name: str, seconds: float, seed: int, talk: Sequence[np.ndarray]) -> np.ndarray:
    """`seconds` of the named bed (room tone under everything)."""
    count = int(seconds * RATE)
    out = src.room_tone(count, seed)
    kind, _, level = name.rpartition("-")
    if kind == "music":
        out += src.music(seconds, seed + 1) * src.db(-float(level))
    elif kind == "tv-talk":
        rng = np.random.default_rng(seed + 2)
        at = int(rng.uniform(0, 1) * RATE)
        while at < count:
            at = src.place(out, at, src.pick(rng, talk), src.db(-float(level)))
            at += int(rng.uniform(0.1, 0.5) * RATE)
    elif name != "quiet":
        raise ValueError(f"unknown bed {name!r}")
    return out


Job = tuple[str, np.ndarray, np.ndarray, float, str, tuple[str, ...], dict[str, str], str]
"""(bed, the bed's sound, the command's speech, when it is said, its meaning, phrases, meanings,
detector)."""


def run(job: Job) -> tuple[str, str]:
    """(bed, "heard" | "wrong" | "missed") for one command said into one bed."""
    name, under, speech, start, meaning, phrases, table, vad = job
    out = under.copy()
    src.place(out, round(start * RATE), speech, src.db(SPEECH_DB))
    top = float(np.max(np.abs(out)))
    if top > 0.95:  # the microphone's gain, never clipping
        out *= 0.95 / top
    settings = korean_config().settings
    verdicts = pipeline_verdicts(worker["model"], to_pcm(out), RATE, phrases, settings, vad=vad)
    end = start + len(speech) / RATE
    taken = [table[v.phrase] for t, v in verdicts if start <= t <= end + 1.2]
    if meaning in taken:
        return name, "heard"
    return name, "wrong" if taken else "missed"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--beds", default=",".join(BEDS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--vad", default="", help="another detector than the listener's (vad.detector)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    config = korean_config()
    phrases, _ = phrases_of(config)
    table = command_meanings(config)
    folder, clips = build(quick=True, log=False)

    pool = Pool(SEED)
    talk = [pool.korean(voice)[1] for voice in src.KOREAN_VOICES for _ in range(4)]
    commands = [(meaning, normalize(speech)) for meaning, speech in clean_commands(folder, clips)]
    rng = np.random.default_rng(SEED)
    jobs: list[Job] = []
    names = args.beds.split(",")
    for n, (meaning, speech) in enumerate(commands):
        start = LEAD + float(rng.uniform(0, 2))
        for name in names:
            under = bed(name, start + len(speech) / RATE + AFTER, SEED + n, talk)
            jobs.append((name, under, speech, start, meaning, phrases, table, args.vad))
    context = multiprocessing.get_context("fork")
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with context.Pool(args.jobs, initializer=load_korean_model) as workers:
        for name, outcome in workers.imap_unordered(run, jobs, chunksize=2):
            rows[name][outcome] += 1
    print(f"{len(commands)} clean commands, each said {LEAD:g}-{LEAD + 2:g} s into a room's sound")
    print(f"  {'bed':12} {'heard':>7} {'wrong':>7} {'missed':>7}")
    for name in names:
        row = rows[name]
        total = sum(row.values()) or 1
        print(
            f"  {name:12}" + "".join(f" {row[k] / total * 100:6.1f}%" for k in ("heard", "wrong", "missed"))
        )
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
